"""The mouse wheel scrolls the page; it never changes an answer.

Qt's drop-downs, spin boxes, date edits and sliders change their value when the wheel
turns over them, focused or not. On a long form a nurse scrolling down with the pointer
resting on "Diabetes" turned "No diabetes" into "Type 2 diabetes" without noticing, and
on registration the ethnic category (which sets the BMI thresholds) changed the same way.

One event filter, installed on every such input the app makes (`guard_inputs(root)` on a
screen, or `guard_wheel(widget)` on one control), takes the wheel away from the control
and gives it to the scroll area the control sits in, so the page scrolls as the nurse
meant. The control's focus policy becomes StrongFocus (Qt's default for these is
WheelFocus, which lets the wheel take the keyboard focus too). Clicking and the keyboard
work as before: a value changes only when the control was deliberately used.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPointF
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollBar,
    QWidget,
)

# What the wheel would change. A QScrollBar is a slider too, but turning the wheel over it *is* scrolling.
GUARDED_TYPES: tuple[type[QWidget], ...] = (QComboBox, QAbstractSpinBox, QAbstractSlider)


def is_guardable(widget: QWidget) -> bool:
    """True for an input whose value the wheel would change."""
    return isinstance(widget, GUARDED_TYPES) and not isinstance(widget, QScrollBar)


class WheelGuard(QObject):
    """Event filter: a wheel turn over a guarded input scrolls the enclosing page instead."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget):
            return False
        assert isinstance(event, QWheelEvent)
        area = _scroll_area_of(watched)
        if area is not None:
            viewport = area.viewport()
            where = QPointF(viewport.mapFromGlobal(event.globalPosition().toPoint()))
            forwarded = QWheelEvent(
                where,
                event.globalPosition(),
                event.pixelDelta(),
                event.angleDelta(),
                event.buttons(),
                event.modifiers(),
                event.phase(),
                event.inverted(),
                event.source(),
            )
            QApplication.sendEvent(viewport, forwarded)
        event.accept()  # handled here: Qt must not pass it on to the parent as well (it would scroll twice)
        return True


_GUARD: WheelGuard | None = None


def _the_guard() -> WheelGuard:
    """One filter object for the whole app, parented to the application so it lives as long as it."""
    global _GUARD
    if _GUARD is None or not shiboken6.isValid(_GUARD):
        _GUARD = WheelGuard(QApplication.instance())
    return _GUARD


def _scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def guard_wheel(widget: QWidget) -> None:
    """Make the wheel scroll the page over `widget` instead of changing its value.

    Safe to call twice: Qt keeps one copy of a filter that is installed again, so no marker is kept."""
    from PySide6.QtCore import Qt  # named when a control is guarded, not on import (see ui.first_paint)

    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    widget.installEventFilter(_the_guard())


def guard_inputs(root: QWidget) -> None:
    """Guard `root` and every input under it whose value the wheel would change."""
    for widget in (root, *root.findChildren(QWidget)):
        if is_guardable(widget):
            guard_wheel(widget)
