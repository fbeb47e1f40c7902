"""dev.py on a fresh or half-set-up machine, and the app's sentence when it cannot open a window.

What was seen on a fresh Debian: no python3-venv, a .venv left without pip by the failed first
try and reused for ever after, a bare ImportError about libglib, and Qt's abort text about
xcb-cursor0 when the real problem was that there was no display. These tests pin down the
repairs without touching the network or the checkout's own .venv.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import dev
from cli import main as cli_main
from cli import system_libraries
from tests.conftest import ROOT

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux system libraries")


@pytest.fixture
def scratch_venv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """dev.py pointed at a .venv in tmp_path, with installing replaced by a record of the calls."""
    folder = tmp_path / ".venv"
    monkeypatch.setattr(dev, "VENV", folder)
    monkeypatch.setattr(dev, "STAMP", folder / ".installed-from")
    return folder


def fake_create(folder: Path) -> None:
    """A minimal working venv: pyvenv.cfg and a python that starts (this interpreter)."""
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    python.parent.mkdir(parents=True, exist_ok=True)
    (folder / "pyvenv.cfg").write_text("home = test\n", "utf-8")
    if os.name == "nt":
        python.write_bytes(Path(sys.executable).read_bytes())
    else:
        python.symlink_to(sys.executable)


@pytest.fixture
def no_install(scratch_venv: Path, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []
    monkeypatch.setattr(dev, "create_venv", lambda: fake_create(scratch_venv))
    monkeypatch.setattr(dev, "ensure_pip", lambda python: calls.append(["ensure_pip"]))
    monkeypatch.setattr(dev.subprocess, "check_call", lambda args, **kw: calls.append(list(args)))
    return calls


def test_a_venv_left_half_made_is_rebuilt_saying_so(
    scratch_venv: Path, no_install: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    scratch_venv.mkdir()  # what an interrupted first try leaves: a folder without pyvenv.cfg or python
    python = dev.ensure_env()
    out = capsys.readouterr().out
    assert "Rebuilding .venv: it has no pyvenv.cfg (an earlier set-up stopped half-way)." in out
    assert python.exists()
    assert ["ensure_pip"] in no_install and any("-e" in call for call in no_install)
    assert dev.STAMP.read_text("utf-8") == dev.stamp_wanted()
    # Set up once, the next start installs nothing and says nothing.
    no_install.clear()
    dev.ensure_env()
    assert no_install == [] and capsys.readouterr().out == ""


def test_a_venv_without_python_or_whose_python_fails_is_rebuilt(scratch_venv: Path) -> None:
    scratch_venv.mkdir()
    (scratch_venv / "pyvenv.cfg").write_text("home = gone\n", "utf-8")
    assert dev.venv_problem() == "it has no Python (an earlier set-up stopped half-way)"
    python = dev.venv_python()
    python.parent.mkdir(parents=True)
    python.write_bytes(b"not a program")
    python.chmod(0o755)
    assert "does not start" in (dev.venv_problem() or "")


def test_a_damaged_stamp_reinstalls_and_a_missing_pip_is_brought_in(
    scratch_venv: Path, no_install: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    fake_create(scratch_venv)
    dev.STAMP.write_bytes(b"\x00\xff garbage")
    dev.ensure_env()
    assert "Reinstalling dependencies into .venv: its install stamp is damaged." in capsys.readouterr().out
    assert no_install[0] == ["ensure_pip"]  # pip is checked (and fetched if missing) before installing
    assert dev.STAMP.read_text("utf-8") == dev.stamp_wanted()


def test_the_newest_released_pip_wheel_is_chosen_from_either_index_format() -> None:
    page = "https://index.example/simple/pip/"
    files = [
        ("pip-9.0.3-py2.py3-none-any.whl", "a" * 64, False),
        ("pip-24.10-py3-none-any.whl", "b" * 64, False),
        ("pip-24.9-py3-none-any.whl", "c" * 64, False),
        ("pip-25.0-py3-none-any.whl", "d" * 64, True),  # yanked
        ("pip-26.0b1-py3-none-any.whl", "e" * 64, False),  # a pre-release
        ("pip-24.10.tar.gz", "f" * 64, False),
    ]
    as_json = json.dumps(
        {
            "files": [
                {"filename": n, "url": f"../../files/{n}", "hashes": {"sha256": h}, "yanked": y}
                for n, h, y in files
            ]
        }
    )
    as_html = "".join(
        f'<a href="../../files/{n}#sha256={h}"{" data-yanked=" if y else ""}>{n}</a><br/>'
        for n, h, y in files
    )
    for body, kind in ((as_json, "application/vnd.pypi.simple.v1+json"), (as_html, "text/html")):
        assert max(dev.pip_wheels(body, kind, page)) == (
            (24, 10),
            "https://index.example/files/pip-24.10-py3-none-any.whl",
            "b" * 64,
        )


@pytest.fixture
def local_index(tmp_path: Path) -> Iterator[tuple[str, dict[str, bytes]]]:
    """A simple index on the loopback address: {path: bytes} served as they are."""
    content: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = content.get(self.path)
            self.send_response(200 if body is not None else 404)
            kind = "application/vnd.pypi.simple.v1+json" if self.path.endswith("/") else "application/zip"
            self.send_header("Content-Type", kind)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", content
    finally:
        server.shutdown()
        server.server_close()


def test_the_pip_wheel_is_fetched_and_checked_against_the_index(
    local_index: tuple[str, dict[str, bytes]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, content = local_index
    wheel = b"PK synthetic wheel bytes"
    digest = hashlib.sha256(wheel).hexdigest()
    name = "pip-30.1-py3-none-any.whl"
    content["/files/" + name] = wheel
    content["/simple/pip/"] = json.dumps(
        {"files": [{"filename": name, "url": f"/files/{name}", "hashes": {"sha256": digest}}]}
    ).encode()
    monkeypatch.setenv("PIP_INDEX_URL", f"{base}/simple")
    got = dev.download_pip_wheel(tmp_path)
    assert got.name == name and got.read_bytes() == wheel

    content["/files/" + name] = b"tampered"
    with pytest.raises(SystemExit, match="does not match the index's checksum"):
        dev.download_pip_wheel(tmp_path)


@linux_only
def test_missing_qt_libraries_stop_before_anything_is_installed(
    scratch_venv: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(system_libraries, "unloadable", lambda names: ["libEGL.so.1", "libglib-2.0.so.0"])
    monkeypatch.setattr(system_libraries, "missing_fonts", lambda: False)
    monkeypatch.setattr(system_libraries.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert dev.main(["test"]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Qt cannot start: this system lacks libEGL.so.1, libglib-2.0.so.0.")
    assert lines[0].endswith("apt-get install libegl1 libglib2.0-0")
    assert not scratch_venv.exists()  # stopped at once, before minutes of downloads


def test_every_library_in_the_lists_has_its_debian_package() -> None:
    for name in system_libraries.QT_LIBRARIES + system_libraries.DISPLAY_LIBRARIES:
        assert name in system_libraries.SONAME_PACKAGES, name
    packages = subprocess.run(
        [sys.executable, str(ROOT / "dev.py"), "packages"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    for wanted in (
        "libegl1",
        "libxcb-cursor0",
        "fonts-dejavu-core",
        "binutils",
        "poppler-utils",
        "postgresql",
    ):
        assert wanted in packages
    if sys.base_prefix == "/usr":  # the distribution's own python3, whose shared library is apart
        assert f"libpython{sys.version_info[0]}.{sys.version_info[1]}" in packages


def test_an_unknown_library_is_still_named() -> None:
    message = system_libraries.missing_libraries_message(["libEGL.so.1", "libnew-thing.so.3"])
    assert "libnew-thing.so.3" in message and "libegl1" in message
    assert "\n" not in message


def _open_app(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The app opened as a person would (no command), in `env`."""
    return subprocess.run(
        [sys.executable, "-m", "cli", "--data-dir", str(tmp_path / "data")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@linux_only
def test_without_a_display_the_app_says_so_in_one_plain_sentence(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}}
    result = _open_app(tmp_path, env)
    assert result.returncode == 1
    assert result.stderr.strip() == system_libraries.NO_DISPLAY_MESSAGE
    assert "xcb" not in result.stdout + result.stderr


@linux_only
def test_a_display_nobody_answers_at_is_named_in_one_plain_sentence(tmp_path: Path) -> None:
    """A DISPLAY left over from another session (nothing answers there): Qt would abort asking for
    xcb-cursor0 and suggesting a reinstall; the app names the display and the fix instead."""
    if system_libraries.unloadable(["libxcb.so.1"]):
        pytest.skip("libxcb is not installed: the missing-libraries message covers this machine")
    env = {k: v for k, v in os.environ.items() if k not in {"WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}}
    env["DISPLAY"] = ":987"  # no X server is started on this number
    result = _open_app(tmp_path, env)
    assert result.returncode == 1
    assert result.stderr.strip() == system_libraries.unanswered_display_message(":987")
    assert "xcb" not in result.stdout + result.stderr and "einstall" not in result.stderr
    assert system_libraries.x_display_unanswered(None) is None


@linux_only
def test_missing_window_or_qt_libraries_name_their_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(system_libraries.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(system_libraries, "unloadable", lambda names: ["libxcb-cursor.so.0"])
    problem = cli_main._desktop_problem()
    assert problem is not None and "apt-get install libxcb-cursor0" in problem
    assert problem.startswith("The app's window cannot start: this system lacks libxcb-cursor.so.0.")

    error = ImportError("libEGL.so.1: cannot open shared object file: No such file or directory")
    monkeypatch.setattr(system_libraries, "unloadable", lambda names: ["libEGL.so.1", "libGL.so.1"])
    assert (cli_main._qt_import_message(error) or "").endswith("apt-get install libegl1 libgl1")
    assert cli_main._qt_import_message(ImportError("No module named 'PySide6'")) is None
