"""Doing something once a window has been painted: the frame a person sees first.

A zero-length timer set before `show()` fires before the first paint, so work started that way
(worker threads loading code, which share the interpreter with the GUI thread) slows the very
frame it was meant to wait for. The main window starts its loading this way, and the start-up
benchmark reports the moment the same way for the app and for the bare window it is compared with.

What is drawn first never names Qt's own namespace (`Qt.AlignmentFlag`, `Qt.FocusReason` ...):
PySide6 builds its 93 enums in one go the first time `Qt` is touched, 15 to 40 ms, about a fifth
of what a bare PySide6 window takes to appear. So the code on the way to the first window imports
`Qt` inside the functions that run later, sets focus with `setFocus()` (its default reason is the
one meant), takes shortcuts as a list (`setShortcuts`: `setShortcut`'s overloads name `Qt`), makes
a button before giving it its words (`QPushButton(parent)`, then `setText`; telling `(text, parent)`
from the overload with an icon loads Qt's icon class and its theme names, a few milliseconds more)
and an action with keywords (`QAction(text=..., parent=...)`, for the same reason), and
leaves what no one can see yet (a plain-text format before the first message, the wheel guard
before the first paint) until it is needed; the window icon is set just after. tests/ui/test_start_path.py
fails if `Qt` or `QIcon` is loaded before the first paint.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _AfterFirstPaint(QObject):
    def __init__(self, widget: QWidget, then: Callable[[], object]) -> None:
        super().__init__(widget)
        self._then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)
        return False


def after_first_paint(widget: QWidget, then: Callable[[], object]) -> None:
    """Call `then` on the turn of the event loop after `widget`'s next paint, once."""
    _AfterFirstPaint(widget, then)
