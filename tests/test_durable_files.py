"""The one way files are written durably (outreach.durable_files), and the OS lock beside it."""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

import pytest

from outreach import durable_files
from outreach.durable_files import fsync_folder, try_lock, unlock, write_atomic

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="file modes and folder fsync are POSIX")


@posix_only
@pytest.mark.parametrize("mode", [0o600, 0o644])
def test_the_file_has_its_mode_from_the_first_byte(
    tmp_path: Path, mode: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:  # the moment the bytes are flushed, before the rename
        if stat.S_ISREG(os.fstat(fd).st_mode):
            seen.append(stat.S_IMODE(os.fstat(fd).st_mode))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    old_umask = os.umask(0o002)  # a lax umask must not widen a private file
    try:
        write_atomic(tmp_path / "out.bin", b"data", mode=mode)
    finally:
        os.umask(old_umask)
    assert seen == [mode]
    assert stat.S_IMODE((tmp_path / "out.bin").stat().st_mode) == mode


def test_a_file_is_replaced_whole_and_nothing_is_left_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "settings.toml"
    target.write_bytes(b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.toml"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "vault-keys.json"
    target.write_bytes(b"old")

    def full_disk(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError) as caught:
        write_atomic(target, b"new")
    assert caught.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["vault-keys.json"]


@posix_only
def test_the_folder_is_fsynced_after_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    order: list[str] = []
    real_replace, real_fsync = os.replace, os.fsync
    monkeypatch.setattr(os, "replace", lambda a, b: (order.append("rename"), real_replace(a, b)))

    def fsync(fd: int) -> None:
        order.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    write_atomic(tmp_path / "summary.pdf", b"%PDF")
    assert order == ["file", "rename", "folder"]


@posix_only
@pytest.mark.parametrize(("code", "raised"), [(errno.EINVAL, False), (errno.EIO, True)])
def test_a_file_system_that_cannot_sync_folders_is_passed_over_but_an_io_error_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, raised: bool
) -> None:
    def fsync(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(durable_files.os, "fsync", fsync)
    if raised:
        with pytest.raises(OSError):
            fsync_folder(tmp_path)
    else:
        fsync_folder(tmp_path)


def test_the_lock_is_exclusive_until_released(tmp_path: Path) -> None:
    path = tmp_path / "app.lock"
    first = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    second = os.open(path, os.O_RDWR)
    try:
        assert try_lock(first)
        assert not try_lock(second)
        unlock(first)
        assert try_lock(second)
        unlock(second)
    finally:
        os.close(first)
        os.close(second)
