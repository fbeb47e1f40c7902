"""The way to the first window stays light: what is drawn first loads only what it draws.

The real program is started on a store folder and looked at the moment its window is first
painted: Qt's own namespace (`Qt`, whose 93 enums PySide6 builds in one go, tens of milliseconds),
the icon class (QIcon, with its theme names, a few) and the app's heavier parts (the store,
encryption, the home screen, error dialogs) must not have been loaded yet. They load after the
paint, while the passphrase is typed (see ui.first_paint). A `Qt.`, a button made with its words
(or an action without keywords), or an import added on that way fails here, instead of slowing
every start unnoticed.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.factories import new_store_closed

# Runs the real program, noting what is loaded when the first paint of any window arrives.
_DRIVER = """
import sys
import PySide6.QtCore as QtCore
import PySide6.QtGui as QtGui
from ui import first_paint

noted = {}
original = first_paint._AfterFirstPaint.eventFilter

def note_first_paint(self, watched, event):
    if event.type() == QtCore.QEvent.Type.Paint and not noted:
        noted["qt_namespace"] = "Qt" in QtCore.__dict__
        noted["qicon"] = "QIcon" in QtGui.__dict__
        noted["modules"] = sorted(sys.modules)
        print("first-paint " + repr(noted), flush=True)
    return original(self, watched, event)

first_paint._AfterFirstPaint.eventFilter = note_first_paint
from cli.main import main
sys.exit(main(["--data-dir", sys.argv[1]]))
"""

# Loaded after the first paint on purpose (each was on the way once, and each cost start-up time).
LATER = (
    "sqlalchemy",
    "cryptography",
    "argon2",
    "outreach.store.local_store",
    "ui.errors",
    "ui.home.home_page",
    "ui.check",
    "ui.context",
    "ui.widgets.wheel_guard",
    "logging.handlers",
    "concurrent.futures",
    "json",
    "platform",
    "subprocess",
)


def _loaded_at_first_paint(data_dir: Path) -> dict[str, object]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", OUTREACH_REPORT_SHOWN="unlock")
    env.pop("OUTREACH_RESOURCES_DIR", None)
    done = subprocess.run(
        [sys.executable, "-c", _DRIVER, str(data_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    for line in done.stdout.splitlines():
        if line.startswith("first-paint "):
            noted: dict[str, object] = ast.literal_eval(line.removeprefix("first-paint "))
            assert "shown unlock" in done.stdout, done.stderr[-2000:]
            return noted
    pytest.fail(f"no first paint (exit {done.returncode}): {done.stderr[-2000:]}")


@pytest.mark.gui
def test_the_unlock_screen_is_drawn_before_qts_namespace_and_the_heavy_parts_load(tmp_path: Path) -> None:
    data_dir = new_store_closed(tmp_path / "data")
    noted = _loaded_at_first_paint(data_dir)
    assert noted["qt_namespace"] is False, "Qt's namespace was loaded before the first paint"
    assert noted["qicon"] is False, "Qt's icon class (and its theme names) was loaded before the first paint"
    modules = set(noted["modules"])  # type: ignore[call-overload]
    early = sorted(name for name in LATER if name in modules)
    assert early == [], f"loaded before the first paint: {early}"
    assert "ui.unlock" in modules  # the driver did watch the unlock screen's paint
