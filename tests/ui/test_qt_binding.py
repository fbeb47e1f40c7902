"""The Qt binding the app runs on keeps Python's reference counts right.

PySide6 6.12.0 dropped a reference to None on every call of a Qt method that returns nothing.
On Python 3.11, where None is an ordinary object, a session's worth of such calls ends in
"Fatal Python error: none_dealloc" when the program exits (exit code 134), so quitting the
app looked like a crash. pyproject.toml keeps that release off Python 3.11; this test makes
sure whatever binding is installed does not do it again."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import sys
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
w = QWidget()
before = sys.getrefcount(None)
for _ in range(20000):
    w.update()
print(before - sys.getrefcount(None))
"""


def test_calls_that_return_nothing_leave_none_alone_and_the_process_exits_cleanly() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, env=env, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert abs(int(done.stdout.strip().splitlines()[-1])) < 100, done.stdout
