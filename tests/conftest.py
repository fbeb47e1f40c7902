"""Shared test set-up.

Qt always runs offscreen in tests (CI has no display). Tests must be safe to run in
parallel: use tmp_path for files and ask the OS for free ports.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
