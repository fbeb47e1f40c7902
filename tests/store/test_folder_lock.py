"""A second copy of the app on the same data folder is told so; a dead copy never keeps anyone out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from outreach.errors import StoreError
from outreach.store.folder_lock import DataFolderLock
from tests.conftest import ROOT

HOLDER = """
import sys
from outreach.store.folder_lock import DataFolderLock
DataFolderLock(sys.argv[1]).acquire()
print("HELD", flush=True)
sys.stdin.readline()
"""


def test_a_second_copy_is_told_the_app_is_already_open(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "HELD"
        with pytest.raises(StoreError, match="already open"):
            DataFolderLock(tmp_path).acquire()
    finally:
        holder.kill()  # however the first copy ends, the system drops its lock
        holder.wait()
    with DataFolderLock(tmp_path) as lock:
        assert lock.held
    assert not lock.held


def test_the_lock_is_per_folder_and_held_once_per_copy(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = DataFolderLock(tmp_path / "a")
    a.acquire()
    a.acquire()  # asking twice in one copy is harmless
    with DataFolderLock(tmp_path / "b"):  # another folder is free
        pass
    with pytest.raises(StoreError, match="already open"):
        DataFolderLock(tmp_path / "a").acquire()  # a second window of the same copy is refused too
    a.release()
    with DataFolderLock(tmp_path / "a") as again:
        assert again.held
