"""What Qt needs from the operating system, and a plain sentence when it is missing.

Qt's wheels carry Qt itself but not the Linux libraries it links to (OpenGL, X11/xcb,
fontconfig, GLib). When one is missing, Qt either fails to import with a bare
``ImportError: libEGL.so.1: cannot open shared object file`` or aborts with text that
names the wrong cause (it asks for xcb-cursor0 even when the real problem is that there
is no display). This module turns both into one sentence naming the Debian/Ubuntu
packages and the command that installs them.

Standard library only: ``dev.py`` imports it before any virtual environment exists, and
the app imports it before Qt is loaded.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

__all__ = [
    "DISPLAY_LIBRARIES",
    "NO_DISPLAY_MESSAGE",
    "QT_LIBRARIES",
    "SONAME_PACKAGES",
    "display_problem",
    "install_command",
    "missing_fonts",
    "missing_libraries_message",
    "missing_sonames",
    "qt_import_problem",
    "unloadable",
]

# Shared library -> Debian package, for the libraries PySide6's Qt links to that a minimal
# Debian 12 or Ubuntu 22.04+ lacks (checked with `objdump -p` on the wheel's Qt libraries and
# `dpkg -S` on Debian 12). On Ubuntu 24.04 some packages gained a "t64" suffix; apt picks
# those by the old name.
SONAME_PACKAGES: dict[str, str] = {
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libzstd.so.1": "libzstd1",
    "libz.so.1": "zlib1g",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
}

# What QtCore, QtGui, QtWidgets and the offscreen plugin load: enough for the tests and the
# headless commands.
QT_LIBRARIES: tuple[str, ...] = (
    "libglib-2.0.so.0",
    "libgthread-2.0.so.0",
    "libEGL.so.1",
    "libGL.so.1",
    "libX11.so.6",
    "libxkbcommon.so.0",
    "libfontconfig.so.1",
    "libfreetype.so.6",
    "libdbus-1.so.3",
)
# What the xcb platform plugin (the window on an X11 or XWayland desktop) loads on top.
DISPLAY_LIBRARIES: tuple[str, ...] = (
    "libX11-xcb.so.1",
    "libxkbcommon-x11.so.0",
    "libxcb.so.1",
    "libxcb-cursor.so.0",
    "libxcb-icccm.so.4",
    "libxcb-image.so.0",
    "libxcb-keysyms.so.1",
    "libxcb-randr.so.0",
    "libxcb-render.so.0",
    "libxcb-render-util.so.0",
    "libxcb-shape.so.0",
    "libxcb-shm.so.0",
    "libxcb-sync.so.1",
    "libxcb-util.so.1",
    "libxcb-xfixes.so.0",
    "libxcb-xkb.so.1",
)
FONT_PACKAGE = "fonts-dejavu-core"

NO_DISPLAY_MESSAGE = (
    "No display was found: run the app from a desktop session, or for a test use QT_QPA_PLATFORM=offscreen."
)



def unanswered_display_message(display: str) -> str:
    return (
        f"No display answers at DISPLAY={display}: run the app from the desktop session it should "
        "appear on (or set DISPLAY to that display), or for a test use QT_QPA_PLATFORM=offscreen."
    )


def x_display_unanswered(display: str | None) -> str | None:
    """A sentence when no X server answers at `display` (a DISPLAY left over from another session,
    say), found the way Qt's xcb plugin connects; None when one answers, or when it cannot be told.

    Qt itself would abort with "xcb-cursor0 is needed" and "Reinstalling the application may fix
    this", which sends IT after the wrong thing."""
    if not display or not sys.platform.startswith("linux"):
        return None
    import ctypes  # here, not at the top: the app's start imports this module

    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return None  # the check for missing libraries names it
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)  # never NULL: a failed one carries its error
    try:
        failed = bool(xcb.xcb_connection_has_error(connection))
    finally:
        xcb.xcb_disconnect(connection)
    return unanswered_display_message(display) if failed else None


_MISSING_SO = re.compile(r"(lib[\w.+-]*\.so(?:\.\d+)*)\s*:\s*cannot open shared object file")
_LDD_NOT_FOUND = re.compile(r"^\s*(\S+\.so\S*)\s*=>\s*not found", re.MULTILINE)


def unloadable(sonames: Iterable[str]) -> list[str]:
    """The libraries among ``sonames`` that the dynamic loader cannot load (Linux only)."""
    if not sys.platform.startswith("linux"):
        return []
    import ctypes  # here, not at the top: the app's start imports this module

    missing = []
    for name in sonames:
        try:
            ctypes.CDLL(name)
        except OSError:
            missing.append(name)
    return missing


def missing_sonames(binaries: Iterable[Path]) -> list[str]:
    """Libraries that ``ldd`` reports as not found for any of ``binaries``.

    ``ldd`` follows the whole dependency tree and the files' own RPATHs, so it reports what
    the real Qt build needs rather than what a table guesses. Empty when ``ldd`` is absent.
    """
    files = [str(p) for p in binaries if p.is_file()]
    ldd = shutil.which("ldd")
    if not files or ldd is None or not sys.platform.startswith("linux"):
        return []
    import subprocess

    try:
        result = subprocess.run([ldd, *files], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    found = dict.fromkeys(_LDD_NOT_FOUND.findall(result.stdout))
    return list(found)


def missing_fonts(roots: Iterable[Path] | None = None) -> bool:
    """True when no font file is installed where fontconfig looks (text would be drawn blank)."""
    if not sys.platform.startswith("linux"):
        return False
    home = Path.home()
    folders = roots or (
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".local" / "share" / "fonts",
        home / ".fonts",
    )
    suffixes = {".ttf", ".otf", ".ttc", ".pfb", ".pcf", ".gz"}
    for folder in folders:
        if folder.is_dir():
            for _dirpath, _dirs, names in os.walk(folder):
                if any(Path(n).suffix.lower() in suffixes for n in names):
                    return False
    return True


def install_command(packages: Iterable[str]) -> str:
    """The one command that installs ``packages``, with sudo unless already root."""
    names = " ".join(dict.fromkeys(packages))
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    return f"{'' if is_root else 'sudo '}apt-get install {names}"


def missing_libraries_message(sonames: Iterable[str], *, fonts: bool = False, what: str = "Qt") -> str:
    """One line naming what is missing and how to install it.

    Libraries not in the table are named as they are, so the sentence stays true on
    systems the table does not know.
    """
    sonames = list(dict.fromkeys(sonames))
    packages = [SONAME_PACKAGES[s] for s in sonames if s in SONAME_PACKAGES]
    unknown = [s for s in sonames if s not in SONAME_PACKAGES]
    if fonts:
        packages.append(FONT_PACKAGE)
    parts = list(sonames) + (["a font"] if fonts else [])
    head = f"{what} cannot start: this system lacks {', '.join(parts)}."
    if shutil.which("apt-get") is None:
        return f"{head} Install the packages that provide them with the system's package manager."
    tail = f" Install with: {install_command(packages)}" if packages else ""
    if unknown:
        tail += f" (and the package that provides {', '.join(unknown)}: apt-file search {unknown[0]})"
    return head + tail


def qt_import_problem(error: BaseException) -> str | None:
    """The plain sentence for an ImportError caused by a missing system library, else None."""
    match = _MISSING_SO.search(str(error))
    if match is None:
        return None
    return missing_libraries_message([match.group(1)])


def display_problem(environ: Mapping[str, str] | None = None) -> str | None:
    """Why the desktop app cannot open a window here, as one sentence with the fix, or None.

    Only Linux and the BSDs need a display server; Windows and macOS always have one. A
    chosen QT_QPA_PLATFORM (offscreen, wayland, vnc...) is respected as it is.
    """
    env = os.environ if environ is None else environ
    if sys.platform.startswith(("win", "darwin", "cygwin")):
        return None
    if env.get("QT_QPA_PLATFORM"):
        return None
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return NO_DISPLAY_MESSAGE
    return None
