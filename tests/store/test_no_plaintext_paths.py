"""The other ways personal data could reach the disk in clear: the copy taken before a
migration, the log written by the commands (including their failures, whose messages
name the bad value), and anything the commands leave in the temp folder."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
from pathlib import Path

from outreach import services
from outreach.store.database import backup_database
from outreach.store.records import PersonDetails
from tests.conftest import run_cli
from tests.factories import new_store
from tests.store.conftest import synthetic_nhs_number

ADMIN = "Admin Testuser"
PASSPHRASE = "synthetic passphrase one"
MARKERS = {
    "given": "Qzvmarkgiven",
    "family": "Wkjmarkfamily",
    "bad_postcode": "QQmarkpostcode",
    "bad_sex": "Xjmarksex",
    "needs": "Nmarkneeds large print",
    "nhs": synthetic_nhs_number(515_151),
    "user": "Umarkuser Nobody",
}


def _needles() -> list[bytes]:
    out = []
    for value in MARKERS.values():
        for text in {value, value.split()[0]}:
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                out.append(text.encode(encoding))
    return out


def _leaks(*folders: Path) -> list[str]:
    found = []
    needles = _needles()
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                content = path.read_bytes()
                found.extend(f"{path.name}: {n!r}" for n in needles if n in content)
    return found


def _cli(data_dir: Path, temp: Path, *args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TMPDIR=str(temp), TEMP=str(temp), TMP=str(temp))
    return run_cli(data_dir, *args, stdin=stdin, env=env)


def test_backups_logs_and_failed_commands_hold_no_personal_text(tmp_path: Path) -> None:
    data = tmp_path / "data"
    temp = tmp_path / "tmp"
    temp.mkdir()
    store = new_store(data)
    services.register_person(
        store,
        PersonDetails(
            given_name=MARKERS["given"],
            family_name=MARKERS["family"],
            date_of_birth="1970-02-03",
            nhs_number=MARKERS["nhs"],
            communication_needs=MARKERS["needs"],
        ),
    )
    backup = backup_database(store.db, tag="v1")  # the copy a migration takes first
    store.close()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    with sqlite3.connect(backup) as copy:  # a complete copy: the person is in it, sealed
        assert copy.execute("SELECT count(*) FROM people").fetchone()[0] == 1

    caseload = tmp_path / "in" / "caseload.csv"  # the worker's own file, outside the data folder
    caseload.parent.mkdir()
    caseload.write_text(
        "nhs_number,given_name,family_name,date_of_birth,sex,postcode,communication_needs\n"
        f",{MARKERS['given']}2,{MARKERS['family']},1970-02-03,{MARKERS['bad_sex']},,\n"
        f",{MARKERS['given']}3,{MARKERS['family']},1970-02-03,f,{MARKERS['bad_postcode']},\n"
        f",{MARKERS['given']}4,{MARKERS['family']},1970-02-03,f,,{MARKERS['needs']}\n",
        encoding="utf-8",
    )
    imported = _cli(
        data, temp, "import-people", "--user", ADMIN, "--csv", str(caseload), stdin=f"{PASSPHRASE}\n"
    )
    assert imported.returncode == 2, imported.stderr
    assert MARKERS["bad_sex"] in imported.stdout  # the worker is told which value was wrong ...
    nobody = _cli(
        data, temp, "demo-data", "--user", MARKERS["user"], "--people", "1", stdin=f"{PASSPHRASE}\n"
    )
    assert nobody.returncode == 1 and MARKERS["user"] in nobody.stderr
    log = data / "logs" / "outreach.log"
    assert "cli.failed" in log.read_text(encoding="utf-8")  # ... and the failure is logged
    assert _leaks(data, temp) == []  # ... but no value reaches the data folder, its logs or the temp folder
