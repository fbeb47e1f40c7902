"""Where the vault's key material lives: the `VaultStorage` protocol and its file form.

The key material (users, wrapped data keys, the recovery-wrapped key, KDF
parameters, failure counters) is kept in its own small file next to the database,
not in a table of it, because:

* the vault must be readable before the database is opened (the database's
  personal columns cannot be read without it, and migrations must not be able to
  lose it);
* it changes on every failed unlock, when no database transaction is wanted;
* IT can back it up, or restore one user's access, without touching clinical data.

The database and this file belong together: a backup must copy both. The
database may record `Vault.key_id` so a mismatched pair is recognised at once.

The storage sees only opaque bytes, so another home (a database row, a test's
memory) needs only `load` and `save`.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

from outreach.errors import StorageFullError, StoreError
from outreach.store.files import VAULT_FILENAME


@runtime_checkable
class VaultStorage(Protocol):
    """Holds the serialised vault header. `save` must be atomic: after a crash the
    old or the new content is there, never a mix."""

    def load(self) -> bytes | None:
        """The stored header, or None if there is none yet."""
        ...

    def save(self, data: bytes) -> None:
        """Replace the stored header atomically."""
        ...


class ExclusiveStorage(VaultStorage, Protocol):
    """A storage that can also keep other processes out during read-modify-write
    (the app and `outreach recover` may run at the same time). Optional: the vault
    uses it when offered."""

    def exclusive(self) -> contextlib.AbstractContextManager[None]: ...


class MemoryVaultStorage:
    """Keeps the header in memory (tests, or a caller that persists it itself)."""

    def __init__(self, data: bytes | None = None) -> None:
        self.data = data

    def load(self) -> bytes | None:
        return self.data

    def save(self, data: bytes) -> None:
        self.data = bytes(data)


class FileVaultStorage:
    """The header as a file, written atomically with owner-only permissions."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    @classmethod
    def in_data_dir(cls, data_dir: str | os.PathLike[str]) -> FileVaultStorage:
        return cls(Path(data_dir) / VAULT_FILENAME)

    def exists(self) -> bool:
        return self.path.exists()

    @contextlib.contextmanager
    def exclusive(self, timeout_s: float = 10.0) -> Iterator[None]:
        """Hold an advisory lock on a companion ``.lock`` file (not re-entrant)."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            lock_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StoreError(
                f"The key file's lock ({lock_path.name}) cannot be opened ({exc.strerror or 'refused'}): "
                "the data folder may be read-only. Nothing was changed. Ask IT to check the data folder."
            ) from None
        try:
            _lock_fd(fd, timeout_s)
            try:
                yield
            finally:
                _unlock_fd(fd)
        finally:
            os.close(fd)

    def load(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"The key file {self.path.name} cannot be read ({exc.strerror}).") from None

    def save(self, data: bytes) -> None:
        """Temp file created 0600 before any byte is written, fsync, os.replace, fsync the folder."""
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp_name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
        except OSError as exc:  # a read-only folder, or no room for even an empty file
            if exc.errno == 28:  # ENOSPC
                raise StorageFullError(
                    "The disk is full: the key file was not changed. Free some space and try again."
                ) from None
            raise StoreError(f"The key file {self.path.name} cannot be written ({exc.strerror}).") from None
        # mkstemp already creates the file 0600; chmod again in case of an unusual umask/platform.
        try:
            try:
                os.chmod(tmp_name, 0o600)
            except OSError:  # pragma: no cover - e.g. some Windows file systems
                pass
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp_name, self.path)
        except OSError as exc:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass
            if exc.errno == 28:  # ENOSPC
                raise StorageFullError(
                    "The disk is full: the key file was not changed. Free some space and try again."
                ) from None
            raise StoreError(f"The key file {self.path.name} cannot be written ({exc.strerror}).") from None
        _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows cannot open folders, and does not need it."""
    if sys.platform == "win32":  # pragma: no cover
        return
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover
        return
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _lock_fd(fd: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise StoreError(
                    "The key file is busy (another copy of the app is using it). Close it and try again."
                ) from None
            time.sleep(0.05)


def _unlock_fd(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)
