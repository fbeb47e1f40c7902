#!/usr/bin/env python3
"""Build the Debian package (.deb) of Outreach Health Checks from the PyInstaller bundle.

    python3 dev.py deb                      build the bundle, then the package, into dist/
    python3 dev.py deb --bundle dist/outreach --version 0.1.0-2

What the package does on a Debian 12 or Ubuntu 22.04+ machine:

* the bundle goes to /opt/outreach-health-checks (one folder, as built), and the command
  `outreach` to /usr/bin (a small launcher, so that the bundle finds its `_internal/` folder);
* a desktop entry (/usr/share/applications) and the app's icon (hicolor theme, SVG and PNG);
* /etc/outreach-health-checks/organisation.toml, the machine-wide organisation file the app
  reads when no closer one exists (outreach/settings.py). It is a conffile: IT edits it, an
  upgrade keeps the edited file (dpkg asks, or keeps it under apt's --force-confold, only when
  the package's own copy changed too), `apt-get remove` keeps it and only `purge` deletes it;
* Depends on the system libraries Qt loads (the same table `dev.py packages` and the app's
  "missing library" message use), so apt installs them.

Users' data is never touched: it lives in each user's home (platformdirs), which no
maintainer script looks at; neither remove nor purge deletes a store.

Standard library only, and dpkg-deb (on every Debian and Ubuntu system). Run as any user:
files are owned by root in the package (--root-owner-group).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "outreach-health-checks"
INSTALL_DIR = Path("opt") / PACKAGE
CONFIG_DIR = Path("etc") / PACKAGE
DISPLAY_NAME = "Outreach Health Checks"
MAINTAINER = "Outreach Health Checks packaging <packaging@outreach-health-checks.invalid>"
# Printing (the person's summary) goes through CUPS when it is there; without it Qt still
# prints to PDF. Ubuntu 24.04's libcups2t64 provides libcups2.
RECOMMENDS = ("libcups2",)

LAUNCHER = f"""#!/bin/sh
# Starts Outreach Health Checks from /{INSTALL_DIR} (the bundle needs its _internal folder).
# Qt needs a UTF-8 locale and warns on stderr without one (a bare SSH session or a service).
if [ -z "$LC_ALL$LC_CTYPE$LANG" ]; then export LANG=C.UTF-8; fi
exec /{INSTALL_DIR}/outreach "$@"
"""

DESKTOP_ENTRY = f"""[Desktop Entry]
Type=Application
Version=1.5
Name={DISPLAY_NAME}
GenericName=Physical health checks
Comment=The annual physical health check for people with severe mental illness, offline first
Exec=outreach
TryExec=outreach
Icon={PACKAGE}
Terminal=false
Categories=Office;MedicalSoftware;Science;
StartupWMClass=outreach
"""

POSTRM = f"""#!/bin/sh
# Outreach Health Checks: after removal.
#
# Users' data (the encrypted store, keys, logs) is in each user's home folder and is NEVER
# touched here, on remove or on purge: deleting it would delete checks not yet sent.
# dpkg itself deletes the conffile /{CONFIG_DIR}/organisation.toml on purge only.
set -e
if [ "$1" = "purge" ]; then
    rmdir --ignore-fail-on-non-empty /{CONFIG_DIR} 2>/dev/null || true
fi
exit 0
"""

CONFFILE_HEADER = f"""# Machine-wide organisation file of Outreach Health Checks (from the Debian package).
#
# The app reads this file when no closer one exists (OUTREACH_ORG_CONFIG, or organisation.toml
# in the user's data folder): docs/install.md, section 4. Every setting is commented out, so
# the app runs on its defaults, offline only, until IT sets them here.
# This is a conffile: an upgrade of the package keeps your edits; `apt-get purge` deletes it.
# Set up a laptop's store with these settings: outreach init --org-config /{CONFIG_DIR}/organisation.toml
"""


def debian_version(version: str) -> str:
    """A Debian version from outreach.__version__ ("0.1.0" -> "0.1.0-1"), or as given if it has a revision.

    Debian orders versions differently from Python for pre-releases: "0.2.0rc1" becomes "0.2.0~rc1"."""
    if "-" in version:
        return version
    return re.sub(r"(\d)(a|b|rc|dev)(\d+)", r"\1~\2\3", version) + "-1"


def app_version() -> str:
    text = (ROOT / "outreach" / "__init__.py").read_text("utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if not match:
        raise SystemExit("outreach/__init__.py has no __version__")
    return match.group(1)


def depends() -> list[str]:
    """The packages Qt's libraries and the window need: the app's own table, shared with dev.py."""
    sys.path.insert(0, str(ROOT))
    from cli import system_libraries as libs

    names = [libs.SONAME_PACKAGES[name] for name in libs.QT_LIBRARIES + libs.DISPLAY_LIBRARIES]
    return list(dict.fromkeys([*names, libs.FONT_PACKAGE]))


def commented_example() -> str:
    """The shipped example with every setting commented out: the documentation stays, the values
    do not apply until IT removes the '#' (so a fresh install runs on the defaults)."""
    lines = (ROOT / "resources" / "organisation.example.toml").read_text("utf-8").splitlines()
    body = [f"# {line}" if re.match(r"^[a-z_]+\s*=", line) else line for line in lines]
    start = next((i for i, line in enumerate(body) if not line.startswith("#")), len(body))
    return CONFFILE_HEADER + "\n".join(body[start:]).rstrip() + "\n"


def architecture() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    path.chmod(mode)


def _normalise_modes(top: Path) -> None:
    """Directories 0755, files 0644 or 0755 if executable: the bundle is built under the builder's
    umask, and an installed program must be readable by every user."""
    for dirpath, dirnames, filenames in os.walk(top):
        Path(dirpath).chmod(0o755)
        for name in filenames:
            path = Path(dirpath) / name
            if path.is_symlink():
                continue
            executable = path.stat().st_mode & stat.S_IXUSR
            path.chmod(0o755 if executable else 0o644)


def _installed_size_kib(top: Path) -> int:
    total = sum(p.lstat().st_size for p in top.rglob("*") if p.is_file() or p.is_symlink())
    return (total + 1023) // 1024


def build(bundle: Path, out_dir: Path, version: str, compression: str = "xz") -> Path:
    """Lay the package out in a temporary folder and let dpkg-deb build it; returns the .deb.

    `compression`: dpkg-deb's -Z (xz: about 35 MiB; the tests use "none" to save minutes)."""
    if not (bundle / "outreach").is_file() or not (bundle / "_internal").is_dir():
        raise SystemExit(
            f"{bundle} is not a built bundle (no outreach program and _internal folder beside it)"
        )
    if shutil.which("dpkg-deb") is None:
        raise SystemExit("dpkg-deb is needed to build the package. Install with: sudo apt-get install dpkg")
    arch = architecture()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="outreach-deb-") as temp:
        root = Path(temp) / "root"
        shutil.copytree(bundle, root / INSTALL_DIR, symlinks=True)
        _normalise_modes(root / INSTALL_DIR)
        _write(root / "usr" / "bin" / "outreach", LAUNCHER, 0o755)
        _write(root / "usr" / "share" / "applications" / f"{PACKAGE}.desktop", DESKTOP_ENTRY)
        icons = root / "usr" / "share" / "icons" / "hicolor"
        (icons / "scalable" / "apps").mkdir(parents=True)
        shutil.copyfile(
            ROOT / "resources" / "icons" / "outreach.svg", icons / "scalable" / "apps" / f"{PACKAGE}.svg"
        )
        (icons / "256x256" / "apps").mkdir(parents=True)
        shutil.copyfile(
            ROOT / "resources" / "icons" / "outreach.png", icons / "256x256" / "apps" / f"{PACKAGE}.png"
        )
        _write(root / CONFIG_DIR / "organisation.toml", commented_example())
        docs = root / "usr" / "share" / "doc" / PACKAGE
        docs.mkdir(parents=True)
        for name in ("install.md", "store.md", "recovery.md"):
            if (ROOT / "docs" / name).is_file():
                shutil.copyfile(ROOT / "docs" / name, docs / name)
        _normalise_modes(root / "usr")  # the launcher keeps 0755, the icons and documents get 0644

        control = root / "DEBIAN"
        control.mkdir()
        _write(
            control / "control",
            "\n".join(
                [
                    f"Package: {PACKAGE}",
                    f"Version: {version}",
                    f"Architecture: {arch}",
                    f"Maintainer: {MAINTAINER}",
                    f"Installed-Size: {_installed_size_kib(root)}",
                    f"Depends: {', '.join(depends())}",
                    f"Recommends: {', '.join(RECOMMENDS)}",
                    "Section: misc",
                    "Priority: optional",
                    f"Description: {DISPLAY_NAME}: physical health checks for people with SMI",
                    " The annual physical health check for people with severe mental illness,",
                    " offline first: kept encrypted on the laptop and sent to the shared record",
                    " (FHIR R4) when back online. Users' data stays in their home folders and",
                    " is kept when the package is removed.",
                ]
            )
            + "\n",
        )
        _write(control / "conffiles", f"/{CONFIG_DIR}/organisation.toml\n")
        _write(control / "postrm", POSTRM, 0o755)
        target = out_dir / f"{PACKAGE}_{version}_{arch}.deb"
        subprocess.run(
            ["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(root), str(target)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Debian package from a built bundle.")
    parser.add_argument(
        "--bundle", type=Path, default=ROOT / "dist" / "outreach", help="the built bundle folder"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the .deb goes")
    parser.add_argument(
        "--version",
        help="Debian version (default: outreach.__version__ with revision 1, e.g. 0.1.0-1)",
    )
    args = parser.parse_args(argv)
    version = debian_version(args.version or app_version())
    target = build(args.bundle.resolve(), args.out.resolve(), version)
    print(f"Built {target} ({target.stat().st_size / 2**20:.0f} MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
