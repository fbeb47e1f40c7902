"""No plain text on disk: distinctive markers written through every kind of record must not
appear, in UTF-8 or UTF-16, in any file under the data folder or the temp folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.store.conftest import synthetic_nhs_number

MARKERS = {
    "given": "Zqxmarkgiven",
    "family": "Testperson Wvxmarkfamily",
    "dob": "1971-07-13",
    "nhs": synthetic_nhs_number(424_242),
    "postcode": "ZZ9 9QX",
    "phone": "07700 900 123",
    "venue": "Kqvmarkvenue Community Cafe",
    "consent": "Jmarkconsent note",
    "answer": "Pqmarkanswer smokes twenty",
    "reason": "Rmarkreason not today",
    "decision": "Dmarkdecision phone the surgery",
    "finding": "Fmarkfinding systolic 182",
    "outcome": "Omarkoutcome seen on Tuesday",
    "error": "Emarkerror server echoed Wvxmarkfamily",
    "amend": "Amarkamend typo fixed",
}


def _needles() -> dict[bytes, str]:
    needles: dict[bytes, str] = {}
    for name, value in MARKERS.items():
        for text in {value, value.split()[-1], value.split()[0]}:
            if len(text) < 6:
                continue
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                needles[text.encode(encoding)] = f"{name}:{text!r} ({encoding})"
    return needles


def _scan(*folders: Path) -> tuple[list[str], int]:
    needles = _needles()
    found: list[str] = []
    files = 0
    for folder in folders:
        for path in folder.rglob("*"):
            if not path.is_file():
                continue
            files += 1
            content = path.read_bytes()
            found.extend(f"{path.name}: {label}" for needle, label in needles.items() if needle in content)
    return found, files


def test_markers_never_reach_the_disk(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    temp_dir = tmp_path / "tmp"
    temp_dir.mkdir()
    env = dict(os.environ, TMPDIR=str(temp_dir), TEMP=str(temp_dir), TMP=str(temp_dir))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.store.store_worker", "markers", str(data_dir)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(json.dumps(MARKERS) + "\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        assert line.strip() == "PAUSED", proc.stderr.read() if proc.stderr else line
        wal = data_dir / "outreach.db-wal"
        assert wal.exists() and wal.stat().st_size > 0  # the scan really covers a live WAL
        found_open, files_open = _scan(data_dir, temp_dir)
        proc.stdin.write("\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "CLOSED"
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    found_closed, files_closed = _scan(data_dir, temp_dir)
    assert files_open >= 3 and files_closed >= 2
    assert found_open == [], found_open
    assert found_closed == [], found_closed


def test_the_scan_would_find_a_marker(tmp_path: Path) -> None:
    """Guard against a scan that cannot fail."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "leak.bin").write_bytes(
        b"\x00junk" + MARKERS["answer"].split()[0].encode("utf-16-be")
    )
    (tmp_path / "leak.txt").write_bytes(MARKERS["nhs"].encode("utf-8"))
    found, files = _scan(tmp_path)
    assert files == 2 and len(found) == 2
