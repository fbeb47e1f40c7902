"""The store's commands for IT and trainers, run as real processes with passphrases on stdin."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from outreach.store.local_store import LocalStore
from tests.conftest import run_cli as outreach
from tests.store.conftest import synthetic_nhs_number

ADMIN_PASS = "synthetic admin passphrase"
WORKER_PASS = "synthetic worker passphrase"


def _org(tmp_path: Path) -> Path:
    path = tmp_path / "organisation.toml"
    path.write_text('organisation_name = "Synthetic Outreach Service"\n', encoding="utf-8")
    return path


def test_init_add_user_demo_data_and_import(tmp_path: Path) -> None:
    data = tmp_path / "data"
    org = _org(tmp_path)

    mismatch = outreach(
        data, "init", "--org-config", str(org), "--user", "Ada Admin", stdin=f"{ADMIN_PASS}\n{ADMIN_PASS}x\n"
    )
    assert mismatch.returncode == 1 and "do not match" in mismatch.stderr
    assert not LocalStore.exists(data)

    made = outreach(
        data, "init", "--org-config", str(org), "--user", "Ada Admin", stdin=f"{ADMIN_PASS}\n{ADMIN_PASS}\n"
    )
    assert made.returncode == 0, made.stderr
    assert "unlocked it successfully" in made.stdout
    again = outreach(
        data, "init", "--org-config", str(org), "--user", "Ada Admin", stdin=f"{ADMIN_PASS}\n{ADMIN_PASS}\n"
    )
    assert again.returncode == 1 and "already a store" in again.stderr

    refused = outreach(
        data,
        "add-user",
        "--admin",
        "Ada Admin",
        "--user",
        "Wes Worker",
        "--role",
        "worker",
        stdin=f"wrong admin passphrase\n{WORKER_PASS}\n{WORKER_PASS}\n",
    )
    assert refused.returncode == 1 and "Wrong passphrase" in refused.stderr
    added = outreach(
        data,
        "add-user",
        "--admin",
        "Ada Admin",
        "--user",
        "Wes Worker",
        "--role",
        "worker",
        stdin=f"{ADMIN_PASS}\n{WORKER_PASS}\n{WORKER_PASS}\n",
    )
    assert added.returncode == 0, added.stderr

    demo = outreach(
        data,
        "demo-data",
        "--user",
        "Wes Worker",
        "--people",
        "6",
        "--checks-per-person",
        "2",
        stdin=f"{WORKER_PASS}\n",
    )
    assert demo.returncode == 0, demo.stderr
    assert "Added 6 synthetic people and 12 finalised checks" in demo.stdout

    good = [synthetic_nhs_number(7001 + i) for i in range(3)]
    csv_path = tmp_path / "caseload.csv"
    csv_path.write_text(
        "nhs_number,given_name,family_name,date_of_birth,sex,postcode\n"
        f"{good[0]},Testperson,Importone,1970-01-01,F,ZZ9 9ZZ\n"
        "9990000001,Testperson,Badnumber,1970-01-01,F,\n"  # line 3: check digit wrong
        f"{good[1]},Testperson,Importtwo,1981-02-30,M,\n"  # line 4: no such date
        ",Testperson,Nonumber,1975-05-05,U,\n"
        f"{good[2]},Testperson,Importthree,1990-09-09,male,\n",
        encoding="utf-8",
    )
    first = outreach(
        data, "import-people", "--user", "Wes Worker", "--csv", str(csv_path), stdin=f"{WORKER_PASS}\n"
    )
    assert first.returncode == 2, first.stderr
    assert "Line 3:" in first.stdout and "Line 4:" in first.stdout
    assert "Imported 3 people; 0 already in the store; 2 rows refused." in first.stdout
    second = outreach(
        data, "import-people", "--user", "Wes Worker", "--csv", str(csv_path), stdin=f"{WORKER_PASS}\n"
    )
    assert "Imported 0 people; 3 already in the store" in second.stdout

    store = LocalStore.open(data)
    try:
        user = store.unlock("Wes Worker", WORKER_PASS)
        assert user.role == "worker"
        assert store.people.count() == 6 + 3
        assert store.checks.count(status="finalised") == 12 and len(store.outbox.list()) == 12
        demo_people = store.people_index.search("testperson", limit=100)
        assert all(h.nhs_number is None or h.nhs_number.startswith("999") for h in demo_people)
        assert [h.family_name for h in store.people_index.search("importone")] == ["Importone"]
        assert store.audit.verify().ok
    finally:
        store.close()


def test_init_leaves_the_organisation_settings_where_the_app_reads_them(tmp_path: Path) -> None:
    """IT sets up with `--org-config` from anywhere (a USB stick): the app must then use those settings,
    not its built-in defaults, and the copy must work without the original folder."""
    from outreach.settings import OrgConfig, find_organisation_file

    stick = tmp_path / "stick"
    stick.mkdir()
    (stick / "ca.pem").write_text("synthetic CA bundle\n")
    (stick / "organisation.toml").write_text(
        'organisation_name = "Synthetic Outreach Charity"\n'
        'server_url = "https://record.example.invalid/fhir"\n'
        'ca_bundle = "ca.pem"\n'
        "idle_lock_minutes = 7\n"
    )
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k != "OUTREACH_ORG_CONFIG"}
    result = outreach(
        data,
        "init",
        "--org-config",
        str(stick / "organisation.toml"),
        "--user",
        "Ada Admin",
        stdin=f"{ADMIN_PASS}\n{ADMIN_PASS}\n",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "Organisation settings saved in" in result.stdout
    found = find_organisation_file(data)
    assert found == data / "organisation.toml"
    assert stat.S_IMODE(found.stat().st_mode) == 0o600
    copied = OrgConfig.load(found)
    assert copied.organisation_name == "Synthetic Outreach Charity"
    assert copied.idle_lock_minutes == 7
    assert copied.ca_bundle == str((stick / "ca.pem").resolve())  # resolved, not relative to the data folder


def test_a_damaged_schema_table_gets_the_damaged_store_message(tmp_path: Path) -> None:
    data = tmp_path / "data"
    made = outreach(
        data,
        "init",
        "--org-config",
        str(_org(tmp_path)),
        "--user",
        "Ada Admin",
        stdin=f"{ADMIN_PASS}\n{ADMIN_PASS}\n",
    )
    assert made.returncode == 0, made.stderr
    db = data / "outreach.db"
    raw = bytearray(db.read_bytes())
    at = raw.find(b"CREATE TABLE people")
    assert at > 12
    for i in range(at - 12, at):  # the record header of the table's row in sqlite_master
        raw[i] ^= 0xFF
    db.write_bytes(bytes(raw))
    for name in ("outreach.db-wal", "outreach.db-shm"):
        (data / name).unlink(missing_ok=True)
    before = db.read_bytes()
    r = outreach(data, "demo-data", "--user", "Ada Admin", "--people", "1", stdin=f"{ADMIN_PASS}\n")
    assert r.returncode == 1, r.stderr
    assert "outreach.db is damaged" in r.stderr and "Something went wrong" not in r.stderr
    assert db.read_bytes() == before  # left exactly as it was
