"""Shared test set-up.

Qt always runs offscreen in tests (CI has no display). Tests must be safe to run in
parallel: use tmp_path for files and ask the OS for free ports.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


def run_cli(
    data_dir: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real ``outreach`` command line in a child process against ``data_dir``.

    One helper for every command-line test, so they all start the program the same way
    (from the project root, passphrases on stdin, never raising on a non-zero exit).
    """
    return subprocess.run(
        [sys.executable, "-m", "cli", "--data-dir", str(data_dir), *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def on_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def tool_missing(what: str, *, debian: str) -> None:
    """Skip the test, naming the Debian/Ubuntu package to install; under CI=true, fail instead.

    CI installs every optional tool (.ci/run), so there a missing one is a broken set-up,
    and a silent skip would hide the checks that need it.
    """
    message = f"{what} is not installed (Debian/Ubuntu: sudo apt-get install {debian})"
    if on_ci():
        pytest.fail(f"{message}; .ci/run installs it, so the CI set-up is broken", pytrace=False)
    pytest.skip(message)


def require_tool(name: str, *, debian: str) -> str:
    """The path of the program ``name``, or a skip (a failure under CI) with the install hint."""
    path = shutil.which(name)
    if path is None:
        tool_missing(name, debian=debian)
    assert path is not None
    return path


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    """Give each test the root logger back as it found it (the app's logging set-up adds handlers)."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    yield root
    for handler in list(root.handlers):
        if handler not in saved_handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(saved_level)
