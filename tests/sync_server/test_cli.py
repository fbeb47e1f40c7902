"""The outreach-server command as IT runs it: a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import requests

from .fhir_data import check_bundle

PY = [sys.executable, "-m", "sync.server.cli"]
FHIR = {"Content-Type": "application/fhir+json"}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PY, *args], capture_output=True, text=True, timeout=60, check=False)


def test_add_device_serve_and_revoke(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'shared.db'}"
    added = _cli("add-device", "Test laptop 1", "--db", db)
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip().splitlines()[-1]
    assert len(token) >= 40
    assert _cli("add-device", "Test laptop 1", "--db", db).returncode == 2  # the name is taken
    assert token not in (tmp_path / "shared.db").read_bytes().decode("latin-1")

    proc = subprocess.Popen(
        [*PY, "--db", db, "--port", "0", "--contact", "the Test IT desk"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert "serving FHIR R4 at http://127.0.0.1:" in line, line + (
            proc.stderr.read() if proc.stderr else ""
        )
        url = line.split(" at ")[1].split()[0]
        auth = {"Authorization": f"Bearer {token}", **FHIR}
        assert requests.get(f"{url}/metadata", timeout=10).status_code == 200
        assert requests.post(f"{url}/", json=check_bundle(1), headers=auth, timeout=10).status_code == 200
        revoked = _cli("revoke-device", "Test laptop 1", "--db", db)
        assert revoked.returncode == 0 and "revoked" in revoked.stdout
        r = requests.get(f"{url}/Patient", headers=auth, timeout=10)
        assert r.status_code == 403 and "the Test IT desk" in r.json()["issue"][0]["diagnostics"]
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    # Request logs carry no query strings or tokens.
    assert token not in err and "Bearer" not in err and "POST / 200" in err
    listed = _cli("list-devices", "--db", db)
    assert "Test laptop 1" in listed.stdout and "revoked" in listed.stdout
    assert _cli("revoke-device", "No such laptop", "--db", db).returncode == 1


def test_refuses_to_listen_beyond_loopback_without_allow_remote(tmp_path: Path) -> None:
    r = _cli("--db", f"sqlite:///{tmp_path / 's.db'}", "--host", "0.0.0.0", "--port", "0")
    assert r.returncode == 2
    assert "refusing to listen on '0.0.0.0'" in r.stderr and "--allow-remote" in r.stderr
    assert not (tmp_path / "s.db").exists()


def test_db_option_works_before_or_after_the_sub_command(tmp_path: Path) -> None:
    before = f"sqlite:///{tmp_path / 'before.db'}"
    after = f"sqlite:///{tmp_path / 'after.db'}"
    assert _cli("--db", before, "add-device", "Test laptop A").returncode == 0
    assert _cli("add-device", "Test laptop B", "--db", after).returncode == 0
    assert "Test laptop A" in _cli("list-devices", "--db", before).stdout
    assert "Test laptop B" in _cli("--db", after, "list-devices").stdout


def test_an_unreachable_database_is_a_clear_message(tmp_path: Path) -> None:
    r = _cli("list-devices", "--db", f"sqlite:///{tmp_path / 'missing' / 'dir' / 'x.db'}")
    assert r.returncode == 2 and "cannot open the database" in r.stderr and "Traceback" not in r.stderr
