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
import errno
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

from outreach.durable_files import try_lock, unlock, write_atomic
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
                unlock(fd)
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
        """Replace the key file durably (outreach.durable_files): owner-only from the first byte, never
        seen half-written; a full disk or a read-only folder leaves the old file as it was."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            write_atomic(self.path, data)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise StorageFullError(
                    "The disk is full: the key file was not changed. Free some space and try again."
                ) from None
            raise StoreError(f"The key file {self.path.name} cannot be written ({exc.strerror}).") from None


def _lock_fd(fd: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not try_lock(fd):
        if time.monotonic() > deadline:
            raise StoreError(
                "The key file is busy (another copy of the app is using it). Close it and try again."
            )
        time.sleep(0.05)
