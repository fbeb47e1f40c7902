"""The key file on disk: atomic, owner-only, and shared safely between processes."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from outreach.errors import StorageFullError, StoreError
from outreach.store.vault import FileVaultStorage, KdfParams, Vault
from tests.conftest import ROOT


def test_save_replaces_atomically_with_owner_only_permissions(tmp_path: Path) -> None:
    storage = FileVaultStorage(tmp_path / "data" / "vault-keys.json")
    assert storage.load() is None
    storage.save(b"first")
    storage.save(b"second")
    assert storage.load() == b"second"
    if os.name != "nt":
        assert stat.S_IMODE(storage.path.stat().st_mode) == 0o600
        assert stat.S_IMODE(storage.path.parent.stat().st_mode) == 0o700
    assert [p.name for p in storage.path.parent.iterdir()] == ["vault-keys.json"]


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    storage = FileVaultStorage(tmp_path / "vault-keys.json")
    storage.save(b"old content")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(StorageFullError, match="disk is full"):
        storage.save(b"new content")
    monkeypatch.undo()
    assert storage.load() == b"old content"
    assert [p.name for p in tmp_path.iterdir()] == ["vault-keys.json"]


HOLD_LOCK = textwrap.dedent(
    """
    import sys, time
    from outreach.store.vault_storage import FileVaultStorage
    with FileVaultStorage(sys.argv[1]).exclusive():
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def test_exclusive_keeps_another_process_out(tmp_path: Path) -> None:
    path = tmp_path / "vault-keys.json"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path), "1.5"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreError, match="busy"), FileVaultStorage(path).exclusive(timeout_s=0.2):
            pass
        start = time.monotonic()
        with FileVaultStorage(path).exclusive(timeout_s=10):  # waits for the holder to let go
            waited = time.monotonic() - start
        assert waited > 0.3
    finally:
        holder.wait(timeout=30)


WRONG_UNLOCK = textwrap.dedent(
    """
    import sys
    from outreach.errors import AuthError
    from outreach.store.vault import TEST_KDF, FileVaultStorage, Vault
    vault = Vault.open(FileVaultStorage(sys.argv[1]), kdf=TEST_KDF)
    print("ready", flush=True)
    sys.stdin.readline()  # start together
    for _ in range(int(sys.argv[2])):
        try:
            vault.unlock("Testadmin Alpha", "wrong passphrase")
        except AuthError:
            pass
    """
)


def test_failures_from_several_processes_are_all_counted(tmp_path: Path) -> None:
    """Two processes guess at once; without the file lock one's count overwrites the other's."""
    storage = FileVaultStorage(tmp_path / "vault-keys.json")
    # A costlier KDF than TEST_KDF (~50 ms) so the two processes' attempts overlap in time.
    slow = KdfParams(memory_kib=32 * 1024, iterations=1, lanes=1)
    Vault.create(storage, admin_name="Testadmin Alpha", admin_passphrase="alpha admin passphrase", kdf=slow)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRONG_UNLOCK, str(storage.path), "2"],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        for _ in range(2)
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    attempts = json.loads(storage.path.read_text())["attempts"]["Testadmin Alpha"]
    assert attempts["total"] == 4 and attempts["consecutive"] == 4


def test_a_lock_file_that_cannot_be_opened_gives_a_plain_store_error(tmp_path: Path) -> None:
    """A folder where the lock file should be (or a read-only folder) is refused in words."""
    storage = FileVaultStorage.in_data_dir(tmp_path)
    (tmp_path / "vault-keys.json.lock").mkdir()
    with pytest.raises(StoreError, match="key file"), storage.exclusive():
        pass


def test_a_key_file_save_the_folder_refuses_gives_a_plain_store_error(tmp_path: Path) -> None:
    """The temporary file cannot even be made (here a file stands where the folder should be)."""
    in_the_way = tmp_path / "data"
    in_the_way.write_text("not a folder", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot be written"):
        FileVaultStorage(in_the_way / "vault-keys.json").save(b"{}")
    assert in_the_way.read_text(encoding="utf-8") == "not a folder"
