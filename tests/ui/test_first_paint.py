"""Work put off until a window's first paint runs once, after it, and not for a window never painted."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from ui.first_paint import after_first_paint


class _Painted(QObject):
    def __init__(self, seen: list[str]) -> None:
        super().__init__()
        self.seen = seen

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.seen.append("paint")
        return False


def test_runs_once_after_the_first_paint(qtbot: QtBot) -> None:
    seen: list[str] = []
    label = QLabel("Synthetic window")
    qtbot.addWidget(label)
    watcher = _Painted(seen)
    label.installEventFilter(watcher)
    after_first_paint(label, lambda: seen.append("then"))
    label.show()
    qtbot.waitUntil(lambda: "then" in seen, timeout=5000)
    label.update()
    qtbot.wait(100)
    assert seen.index("paint") < seen.index("then")
    assert seen.count("then") == 1


def test_never_runs_for_a_window_never_painted(qtbot: QtBot) -> None:
    seen: list[str] = []
    label = QLabel("Synthetic hidden window")
    qtbot.addWidget(label)
    after_first_paint(label, lambda: seen.append("then"))
    qtbot.wait(200)
    assert seen == []
