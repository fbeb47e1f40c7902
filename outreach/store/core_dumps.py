"""Keeping the unlocked store out of crash dumps.

While unlocked, the process holds the data key and decrypted records. If it crashed with
core dumps enabled, the operating system would write all of that memory to disk in clear:
a file in the working folder, or a systemd-coredump entry kept for days. So, as password
managers and ssh-agent do, the process that opens a store asks the system for no dumps:

* ``RLIMIT_CORE`` set to 0 (POSIX): no core file is written, and systemd-coredump skips a
  process whose limit says so;
* ``PR_SET_DUMPABLE`` 0 (Linux): no dump even where the limit is ignored, and other
  processes of the same user cannot attach a debugger or read its memory.

Windows writes crash dumps only when IT has enabled "LocalDumps" for the program; leave that
off for Outreach (docs/store.md). Best effort: a system that refuses leaves things as they were.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

_PR_SET_DUMPABLE = 4
_PR_GET_DUMPABLE = 3


def forbid_core_dumps() -> None:
    """Ask the system to write no memory dump of this process (safe to call more than once)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        pass
    else:
        try:
            _soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
            resource.setrlimit(resource.RLIMIT_CORE, (0, hard))
        except (ValueError, OSError):  # pragma: no cover - a sandbox that refuses
            pass
    if sys.platform.startswith("linux"):
        libc = _libc()
        if libc is not None:
            libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)


def dumps_allowed() -> bool:
    """True if this process could still leave a core dump (for tests and the self-test)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return False
    if resource.getrlimit(resource.RLIMIT_CORE)[0] != 0:
        return True
    if sys.platform.startswith("linux"):
        libc = _libc()
        if libc is not None and libc.prctl(_PR_GET_DUMPABLE, 0, 0, 0, 0) != 0:
            return True
    return False


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c") or "libc.so.6"
    try:
        return ctypes.CDLL(name, use_errno=True)
    except OSError:  # pragma: no cover - no C library to ask
        return None
