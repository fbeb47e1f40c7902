"""Writing files that survive a crash or a power cut, and the OS file lock: written once, here.

A file the app keeps (the key file, the saved organisation file, a person's summary PDF) must
never be seen half-written: it is written to a temporary file in the same folder, created with its
final permissions before the first byte (a private file is never readable by others, not even for
a moment), fsynced, renamed over the old one in one step (os.replace), and then the folder itself
is fsynced so the rename is on the disk too. Standard library only: the unlock screen and the
command line use it before anything heavy is loaded.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from pathlib import Path
from typing import Final

PRIVATE_FILE_MODE: Final = 0o600

# What a file system that cannot sync a folder says (vfat USB sticks, some network shares): the
# rename is then as durable as that file system makes it, which is not an error to report.
_FOLDER_SYNC_UNSUPPORTED: Final = frozenset({errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EBADF})


def fsync_folder(folder: str | os.PathLike[str]) -> None:
    """Make the names in `folder` (a rename, a new file) durable.

    POSIX only: Windows cannot open a folder, and its file system records a rename itself. A folder
    that cannot be opened, or a file system that cannot sync folders, is passed over; any other
    failure (an I/O error) raises OSError.
    """
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _FOLDER_SYNC_UNSUPPORTED:
            raise
    finally:
        os.close(fd)


def write_beside(path: str | os.PathLike[str], data: bytes, *, mode: int = PRIVATE_FILE_MODE) -> str:
    """Write `data` to a new hidden temporary file beside `path`, with `mode` from its first byte,
    fsynced, and return its name; `path` itself is not touched yet.

    For a caller that must rename the file into place inside another step (an audit entry's
    transaction, say) and fsync the folder after; `write_atomic` is this plus the rename. The
    temporary file is removed if writing fails. Raises OSError.
    """
    target = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):  # mkstemp makes it 0600; set exactly `mode` (the umask only takes away)
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        remove_quietly(tmp_name)
        raise
    return tmp_name


def write_atomic(path: str | os.PathLike[str], data: bytes, *, mode: int = PRIVATE_FILE_MODE) -> None:
    """Replace `path` with `data` in one step, the file having `mode` from its first byte.

    The temporary file (hidden, beside the target, a unique name) is removed if anything fails, so
    nothing is left behind; the old file, if any, stays as it was. Raises OSError for the caller to
    put in its own words (a full disk has errno ENOSPC). On Windows the file takes the folder's
    permissions (the user's own folders are private to them by default).
    """
    target = Path(path)
    tmp_name = write_beside(target, data, mode=mode)
    try:
        os.replace(tmp_name, target)
    except BaseException:
        remove_quietly(tmp_name)
        raise
    fsync_folder(target.parent)


def remove_quietly(name: str | os.PathLike[str]) -> None:
    """Remove a temporary file if it is still there (cleaning up after a failure)."""
    try:
        os.unlink(name)
    except OSError:
        pass


def try_lock(fd: int) -> bool:
    """Take the OS's exclusive advisory lock on the open file `fd` without waiting: True if taken,
    False if another process holds it. Released by unlock() or when the file is closed."""
    try:
        if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def unlock(fd: int) -> None:
    """Release the lock try_lock() took on `fd`."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)
