"""Doing something once a window has been painted: the frame a person sees first.

A zero-length timer set before `show()` fires before the first paint, so work started that way
(worker threads loading code, which share the interpreter with the GUI thread) slows the very
frame it was meant to wait for. The main window starts its loading this way, and the start-up
benchmark reports the moment the same way for the app and for the bare window it is compared with.
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
