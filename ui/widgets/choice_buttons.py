"""A small set of answers (yes/no, or up to four choices) as radio buttons instead of a drop-down.

Every choice is on screen, one click picks it, and the mouse wheel cannot change it
(buttons do not take the wheel, so it scrolls the page). The keyboard works as for any
radio group: Tab reaches the group, the arrow keys move and choose, Space chooses, and
Delete or Backspace clears the answer (so "not answered" is always reachable, as the
drop-down's first entry was). The right-click menu offers "Clear answer" for the mouse.

The API is the part of QComboBox the check screens use (`addItem`, `findData`,
`setCurrentIndex`, `currentData`, `currentText`, `currentIndexChanged`...), with index 0
as "not answered" when a placeholder is given, so a field can hold either widget.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QButtonGroup, QMenu, QRadioButton, QWidget

from ui.widgets.flow_layout import FlowLayout


class _ChoiceRadio(QRadioButton):
    """A radio button that clears its group on Delete or Backspace."""

    def __init__(self, text: str, owner: ChoiceButtons) -> None:
        super().__init__(text, owner)
        self._owner = owner

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self._owner.placeholder is not None:
            self._owner.setCurrentIndex(0)
            event.accept()
            return
        super().keyPressEvent(event)


class ChoiceButtons(QWidget):
    """Radio buttons for a few answers, with a QComboBox-like API."""

    currentIndexChanged = Signal(int)

    def __init__(self, name: str, placeholder: str | None = "", parent: QWidget | None = None) -> None:
        """`name` is the question, for the buttons' accessible names ("Diabetes: Type 2 diabetes").
        With a `placeholder` (even ""), index 0 means "not answered" and has no button."""
        super().__init__(parent)
        self.placeholder = placeholder
        self._name = name
        self._items: list[tuple[str, Any]] = [] if placeholder is None else [(placeholder, None)]
        self._buttons: dict[int, _ChoiceRadio] = {}
        self._current = -1 if placeholder is None else 0
        self._layout = FlowLayout(self, spacing=12)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.group.idToggled.connect(self._toggled)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)

    # -- building ---------------------------------------------------------------------------------
    def addItem(self, text: str, data: Any = None) -> None:
        index = len(self._items)
        self._items.append((text, data))
        button = _ChoiceRadio(text, self)
        button.setObjectName(f"{self.objectName()}:{index}")
        button.setAccessibleName(self.tr("{0}: {1}").format(self._name, text) if self._name else text)
        button.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        button.customContextMenuRequested.connect(lambda pos, b=button: self._menu(b.mapTo(self, pos)))
        self.group.addButton(button, index)
        self._layout.addWidget(button)
        self._buttons[index] = button
        if len(self._buttons) == 1:
            self.setFocusProxy(button)

    def setAccessibleName(self, name: str) -> None:
        """The question's name goes on the group and, with each answer, on each button."""
        super().setAccessibleName(name)
        self._name = name
        for index, button in self._buttons.items():
            button.setAccessibleName(self.tr("{0}: {1}").format(name, self._items[index][0]))

    def setAccessibleDescription(self, text: str) -> None:
        super().setAccessibleDescription(text)
        for button in self._buttons.values():
            button.setAccessibleDescription(text)

    def buttons(self) -> list[QRadioButton]:
        return list(self._buttons.values())

    def button(self, index: int) -> QRadioButton | None:
        return self._buttons.get(index)

    # -- the QComboBox-like part ------------------------------------------------------------------
    def count(self) -> int:
        return len(self._items)

    def itemText(self, index: int) -> str:
        return self._items[index][0] if 0 <= index < len(self._items) else ""

    def itemData(self, index: int) -> Any:
        return self._items[index][1] if 0 <= index < len(self._items) else None

    def findData(self, data: Any) -> int:
        for index, (_text, value) in enumerate(self._items):
            if index in self._buttons and value == data and type(value) is type(data):
                return index
        if data is None and self.placeholder is not None:
            return 0
        return -1

    def currentIndex(self) -> int:
        return self._current

    def currentData(self) -> Any:
        return self.itemData(self._current)

    def currentText(self) -> str:
        return self.itemText(self._current)

    def setCurrentIndex(self, index: int) -> None:
        if index == self._current:
            return
        button = self._buttons.get(index)
        if button is not None:
            button.setChecked(True)  # _toggled records it and tells listeners
            return
        checked = self._buttons.get(self._current)
        # An exclusive group will not let its checked button go: open it for the moment.
        self.group.setExclusive(False)
        if checked is not None:
            checked.setChecked(False)
        self.group.setExclusive(True)
        self._current = 0 if self.placeholder is not None else -1
        self._follow_focus()
        self.currentIndexChanged.emit(self._current)

    # -- inside -----------------------------------------------------------------------------------
    def _toggled(self, index: int, checked: bool) -> None:
        if not checked or index == self._current:
            return
        self._current = index
        self._follow_focus()
        self.currentIndexChanged.emit(index)

    def _follow_focus(self) -> None:
        """Tab and the label's mnemonic land on the chosen answer (or the first when none is)."""
        target = self._buttons.get(self._current) or next(iter(self._buttons.values()), None)
        if target is not None and self.focusProxy() is not target:
            had_focus = (proxy := self.focusProxy()) is not None and proxy.hasFocus()
            self.setFocusProxy(target)
            if had_focus:
                target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _menu(self, pos: QPoint) -> None:
        if self.placeholder is None or not self.isEnabled():
            return
        menu = QMenu(self)
        clear = menu.addAction(self.tr("Clear answer"))
        clear.setEnabled(self._current > 0)
        clear.triggered.connect(lambda: self.setCurrentIndex(0))
        menu.exec(self.mapToGlobal(pos))
