#!/usr/bin/env python3
"""Set up and run Outreach Health Checks from a checkout, on Linux or Windows.

    python3 dev.py run        create .venv if needed, install, start the app
    python3 dev.py test       the same set-up, then run the whole test suite
    python3 dev.py setup      only the set-up (e.g. before building the bundle)
    python3 dev.py packages   the Debian/Ubuntu packages the app, the tests and the build use
    python3 dev.py bundle     the same set-up, then build the one-folder bundle into dist/outreach
    python3 dev.py deb        the bundle, then the Debian package into dist/ (packaging/deb/build_deb.py;
                              --version 0.1.0-2 sets the package version, --bundle DIR reuses a bundle)

Only the standard library is used here, so this works on a fresh machine: one without
python3-venv (pip is then fetched from the Python Package Index), one where an earlier
set-up stopped half-way (the .venv is repaired), and one that lacks the system libraries
Qt needs (it stops before installing, naming the packages and the command to install them).
Extra arguments after `run` go to the app, after `test` to pytest.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import venv
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed-from"
DEFAULT_INDEX = "https://pypi.org/simple"
PIP_WHEEL = re.compile(r"^pip-(\d+(?:\.\d+)*)-py3-none-any\.whl$")

# Tools some tests and the bundle build use, beyond what Qt needs. Without them those tests
# skip with this hint (and fail under CI=true, where .ci/run installs them).
TEST_PACKAGES: tuple[str, ...] = (
    "binutils",  # objdump: PyInstaller reads the libraries it bundles with it
    "poppler-utils",  # pdftotext, pdftoppm, pdfinfo: reading back the person's summary PDF
    "icu-devtools",  # icupkg: the bundle build leaves out ICU data Qt never reads (packaging/icu_data.py)
    "postgresql",  # a throwaway cluster for the shared-record server tests
)
# The distribution's python3 is linked statically; PyInstaller bundles the shared libpython,
# which Debian and Ubuntu ship apart. A Python built elsewhere (pyenv, python.org) has its own.
if sys.base_prefix == "/usr":
    TEST_PACKAGES += (f"libpython{sys.version_info[0]}.{sys.version_info[1]}",)


def say(message: str) -> None:
    print(message, flush=True)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def stamp_wanted() -> str:
    """What the stamp holds once the dependencies of this pyproject.toml are installed."""
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def venv_problem() -> str | None:
    """Why the existing .venv cannot be used and must be made again, or None.

    A first set-up can stop half-way (no python3-venv, no network, Ctrl+C) and the system
    Python can be upgraded under it; reusing such a folder gave "No module named pip" on
    every later try, so it is checked each time (one quick child process).
    """
    if not VENV.exists():
        return None
    if not (VENV / "pyvenv.cfg").is_file():
        return "it has no pyvenv.cfg (an earlier set-up stopped half-way)"
    python = venv_python()
    if not python.exists():
        return "it has no Python (an earlier set-up stopped half-way)"
    try:
        subprocess.run([str(python), "-c", "import sys"], check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return "its Python does not start (the Python it was made from was upgraded or removed)"
    return None


def create_venv() -> None:
    """A virtual environment without pip; pip is brought in by ensure_pip.

    Creating it with pip fails on Debian and Ubuntu without python3-venv, and Debian's venv
    then exits the whole program, so pip is never asked of venv itself.
    """
    say("Creating .venv ...")
    try:
        venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(VENV)
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - any failure leaves a half-made folder
        shutil.rmtree(VENV, ignore_errors=True)
        sys.exit(f"Could not create a virtual environment in {VENV.name}: {exc}")


def has_pip(python: Path) -> bool:
    result = subprocess.run(
        [str(python), "-m", "pip", "--version"], capture_output=True, timeout=120, check=False
    )
    return result.returncode == 0


def ensure_pip(python: Path) -> None:
    """Put pip into .venv: from Python's own ensurepip, or else from the package index."""
    if has_pip(python):
        return
    result = subprocess.run(
        [str(python), "-m", "ensurepip", "--upgrade", "--default-pip"],
        capture_output=True,
        timeout=300,
        check=False,
    )
    if result.returncode == 0 and has_pip(python):
        return
    say("This Python has no ensurepip (python3-venv): fetching pip from the Python Package Index ...")
    with tempfile.TemporaryDirectory(prefix="outreach-pip-") as folder:
        wheel = download_pip_wheel(Path(folder))
        # A wheel is a zip that Python can run from: pip installs itself from its own file.
        subprocess.check_call(
            [str(python), str(wheel / "pip"), "install", "--quiet", "--no-index", str(wheel)]
        )
    if not has_pip(python):
        sys.exit("pip could not be installed into .venv; see the messages above.")


def download_pip_wheel(folder: Path) -> Path:
    """The newest released pip wheel from the index, checked against the index's sha256."""
    index = (os.environ.get("PIP_INDEX_URL") or DEFAULT_INDEX).rstrip("/")
    page_url = f"{index}/pip/"
    context = ssl.create_default_context(cafile=os.environ.get("PIP_CERT") or None)
    request = urllib.request.Request(
        page_url, headers={"Accept": "application/vnd.pypi.simple.v1+json, text/html;q=0.1"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60, context=context) as response:
            content_type = response.headers.get("Content-Type", "")
            body = response.read().decode("utf-8")
        candidates = pip_wheels(body, content_type, page_url)
        if not candidates:
            sys.exit(f"No pip wheel was listed at {page_url}.")
        _version, url, sha256 = max(candidates)
        target = folder / url.rsplit("/", 1)[-1]
        with urllib.request.urlopen(url, timeout=300, context=context) as response:
            target.write_bytes(response.read())
    except OSError as exc:
        sys.exit(
            f"Could not fetch pip from {page_url} ({exc}). Connect to the internet, or on Debian/Ubuntu "
            "install python3-venv, then run this again."
        )
    if hashlib.sha256(target.read_bytes()).hexdigest() != sha256:
        sys.exit(f"The pip wheel from {url} does not match the index's checksum; not installing it.")
    return target


def pip_wheels(body: str, content_type: str, page_url: str) -> list[tuple[tuple[int, ...], str, str]]:
    """(version, url, sha256) of each released, not yanked pip wheel on a simple-index page.

    Reads both forms of the simple API (PEP 691 JSON, PEP 503 HTML), so a company mirror set
    in PIP_INDEX_URL works as well as PyPI.
    """
    found: list[tuple[str, str, str | None, bool]] = []  # filename, url, sha256, yanked
    if "json" in content_type:
        for item in json.loads(body).get("files", []):
            found.append(
                (
                    item["filename"],
                    item["url"],
                    item.get("hashes", {}).get("sha256"),
                    bool(item.get("yanked")),
                )
            )
    else:
        for attributes, text in re.findall(r"<a\s([^>]*)>([^<]*)</a>", body, re.IGNORECASE):
            href = re.search(r'href="([^"]*)"', attributes)
            if href:
                url = href.group(1).replace("&amp;", "&")
                digest = re.search(r"#sha256=([0-9a-f]{64})", url)
                found.append(
                    (text.strip(), url, digest.group(1) if digest else None, "data-yanked" in attributes)
                )
    wheels = []
    for filename, url, sha256, yanked in found:
        match = PIP_WHEEL.match(filename)
        if match and sha256 and not yanked:
            version = tuple(int(part) for part in match.group(1).split("."))
            wheels.append((version, urllib.parse.urldefrag(urllib.parse.urljoin(page_url, url)).url, sha256))
    return wheels


def ensure_env() -> Path:
    """A .venv with this checkout's dependencies, made or repaired as needed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit(f"Python 3.11 or newer is needed (this is {sys.version.split()[0]}).")
    problem = venv_problem()
    if problem:
        say(f"Rebuilding .venv: {problem}.")
        shutil.rmtree(VENV)
    if not VENV.exists():
        create_venv()
    python = venv_python()
    wanted = stamp_wanted()
    current = STAMP.read_text("utf-8", errors="replace").strip() if STAMP.is_file() else ""
    if current != wanted:
        if current and not re.fullmatch(r"[0-9a-f]{64}", current):
            say("Reinstalling dependencies into .venv: its install stamp is damaged.")
        else:
            say("Installing dependencies into .venv ...")
        STAMP.unlink(missing_ok=True)  # written again only once the install has finished
        ensure_pip(python)
        subprocess.check_call([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        subprocess.check_call([str(python), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[dev]"])
        STAMP.write_text(wanted, "utf-8")
    return python


def qt_problem(command: str, before_install: bool) -> str | None:
    """One line naming the missing system libraries and the command to install them, or None.

    Before the install the table of what Qt needs is tried (so a fresh machine stops at
    once, not after minutes of downloads); after it, `ldd` on the installed Qt says exactly
    what its libraries lack. Only Linux needs this: the Windows and macOS wheels carry all.
    """
    if not sys.platform.startswith("linux"):
        return None
    libs = system_libraries()
    platform = os.environ.get("QT_QPA_PLATFORM", "offscreen" if command == "test" else "xcb")
    window = command == "run" and platform == "xcb" and libs.display_problem() is None
    if before_install:
        wanted = libs.QT_LIBRARIES + (libs.DISPLAY_LIBRARIES if window else ())
        missing = libs.unloadable(wanted)
    else:
        qt = next(VENV.glob("lib/python3*/site-packages/PySide6"), None)
        if qt is None:
            return None
        files = [
            qt / f"{name}.abi3.so" for name in ("QtCore", "QtGui", "QtWidgets", "QtSvg", "QtPrintSupport")
        ]
        files.append(qt / "Qt" / "plugins" / "platforms" / "libqoffscreen.so")
        if window:
            files.append(qt / "Qt" / "plugins" / "platforms" / "libqxcb.so")
        missing = libs.missing_sonames(files)
    fonts = libs.missing_fonts()
    if missing or fonts:
        what = "The app's window" if window else "Qt"
        return libs.missing_libraries_message(missing, fonts=fonts, what=what)
    return None


def system_libraries() -> ModuleType:
    """The app's own table of what Qt needs (cli/system_libraries.py, standard library only),
    shared with the app so that both name the same packages."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from cli import system_libraries as libs

    return libs


def debian_packages() -> list[str]:
    """Every Debian/Ubuntu package the app, its window, the tests and the bundle build use."""
    libs = system_libraries()
    qt = [libs.SONAME_PACKAGES[name] for name in libs.QT_LIBRARIES + libs.DISPLAY_LIBRARIES]
    return list(dict.fromkeys([*qt, libs.FONT_PACKAGE, *TEST_PACKAGES]))


def build_bundle(python: str) -> Path:
    """dist/outreach, built by PyInstaller from build.spec (what IT installs, and what the .deb holds)."""
    say("Building the bundle into dist/outreach (a few minutes) ...")
    subprocess.check_call(
        [
            python,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(ROOT / "dist"),
            "--workpath",
            str(ROOT / "build"),
            str(ROOT / "build.spec"),
        ],
        cwd=ROOT,
    )
    return ROOT / "dist" / "outreach"


def build_deb(python: str, rest: list[str]) -> int:
    """The Debian package; builds the bundle first unless --bundle names one already built."""
    sys.path.insert(0, str(ROOT / "packaging" / "deb"))
    import build_deb as deb

    if "--bundle" not in rest and not any(arg.startswith("--bundle=") for arg in rest):
        rest = [*rest, "--bundle", str(build_bundle(python))]
    return int(deb.main(rest))


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "setup", "packages", "bundle", "deb"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "packages":
        print(" ".join(debian_packages()))
        return 0
    if command != "setup" and (problem := qt_problem(command, before_install=True)):
        say(problem)
        return 1
    python = str(ensure_env())
    if command == "setup":
        return 0
    if problem := qt_problem(command, before_install=False):
        say(problem)
        return 1
    if command == "run":
        return subprocess.call([python, "-m", "cli", *rest], cwd=ROOT)
    if command == "bundle":
        print(f"Built {build_bundle(python)}")
        return 0
    if command == "deb":
        return build_deb(python, rest)
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return subprocess.call([python, "-m", "pytest", *rest], cwd=ROOT, env=env)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
