"""One copy of the app per data folder.

Two copies of the app on one folder lose nothing (SQLite serialises their writes, and
the key file is changed under its own lock), but each keeps its own search index and
screens, so a person registered in one is not found in the other until it is unlocked
again, and a draft open in both is saved by whichever typed last. A worker who opened
the app twice should be told so at once, not discover it later:

    lock = DataFolderLock(data_dir)
    lock.acquire()          # StoreError "already open" if another copy holds the folder
    ...
    lock.release()          # or let the process end: the system drops the lock

The lock is advisory (flock on POSIX, a byte-range lock on Windows) on ``app.lock`` in the
data folder. The system releases it when the process ends, however it ends (kill -9, power
loss), so a stale lock can never keep a worker out. The headless commands do not take it:
they may run beside the app (IT recovering a passphrase while the app waits at the lock screen).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final, Self

from outreach.durable_files import try_lock, unlock
from outreach.errors import StoreError

LOCK_FILENAME: Final = "app.lock"


class DataFolderLock:
    def __init__(self, data_dir: str | os.PathLike[str]) -> None:
        self.path = Path(data_dir) / LOCK_FILENAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Hold the folder for this process, or raise StoreError if another copy of the app does."""
        if self._fd is not None:
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StoreError(
                f"The data folder {self.path.parent} cannot be used ({exc.strerror or 'refused'}). "
                "Ask IT to check it."
            ) from None
        if not try_lock(fd):
            os.close(fd)
            raise StoreError(
                "Outreach Health Checks is already open on this laptop with this data folder. "
                "Switch to that window (it may be behind others, or locked) instead of opening it again."
            )
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
