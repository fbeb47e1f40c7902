"""The six core elements of the annual check, always in view, each with its state in words.

A check counts as comprehensive only when all six are done (NHS England; clinical.md
1.2), so the nurse must see at a glance which are left. Each state has a word and a
symbol as well as a colour, so it reads on a monochrome screen and to a screen reader.
Each chip is a button that opens that element.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QWidget

from outreach.checks.completeness import CheckCompleteness
from outreach.checks.definition import CheckDefinition
from ui.check.model import STATE_SYMBOL
from ui.widgets.flow_layout import FlowLayout

_COLOURS = {
    "done": "#094F1A",
    "declined": "#6B2E00",
    "not_possible": "#4A4A4A",
    "incomplete": "#1F3B73",
}


class CoreProgressStrip(QWidget):
    element_clicked = Signal(str)

    def __init__(self, defn: CheckDefinition, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("core-progress")
        self.setAccessibleName(self.tr("Core elements"))
        layout = FlowLayout(self)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        heading = QLabel(self.tr("Core:"), self)
        layout.addWidget(heading)
        self.chips: dict[str, QPushButton] = {}
        self.states: dict[str, str] = {}
        self._titles = {e.id: e.title for e in defn.core_elements}
        for element in defn.core_elements:
            chip = QPushButton(self)
            chip.setObjectName(f"core:{element.id}")
            chip.setFlat(True)
            # Not in the Tab order: the section list reaches the same pages by keyboard.
            chip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            chip.clicked.connect(lambda _=False, e=element.id: self.element_clicked.emit(e))
            layout.addWidget(chip)
            self.chips[element.id] = chip
            self._show(element.id, "incomplete")
        self._fix_sizes()

    def state_words(self, state: str) -> str:
        return {
            "done": self.tr("done"),
            "declined": self.tr("declined"),
            "not_possible": self.tr("not possible"),
        }.get(state, self.tr("to do"))

    def _show(self, element_id: str, state: str) -> None:
        self.states[element_id] = state
        self._paint(self.chips[element_id], self._titles[element_id], state)

    def _paint(self, chip: QPushButton, title: str, state: str) -> None:
        words = self.state_words(state)
        # The title above, the state (symbol and word) below: six chips fit in one row at 1366 pixels.
        chip.setText(f"{title}\n{STATE_SYMBOL.get(state, '?')} {words}")
        chip.setAccessibleName(self.tr("{0}: {1}").format(title, words))
        chip.setToolTip(self.tr("{0}: {1}").format(title, words))
        chip.setStyleSheet(
            f"QPushButton {{ color: {_COLOURS.get(state, '#000')}; "
            f"border: 1px solid {_COLOURS.get(state, '#000')};"
            " border-radius: 4px; padding: 2px 6px; "
            f"font-weight: {'bold' if state == 'done' else 'normal'}; }}"
        )

    def _fix_sizes(self) -> None:
        """Each chip as big as its longest state, so the strip never changes size (and never wraps
        onto another row) as sections are done: the page below it must not move under the pointer."""
        for element_id, chip in self.chips.items():
            chip.setMinimumSize(0, 0)
            chip.setMaximumSize(16777215, 16777215)
            width = height = 0
            for state in (*_COLOURS, self.states.get(element_id, "incomplete")):
                self._paint(chip, self._titles[element_id], state)
                chip.ensurePolished()
                hint = chip.sizeHint()
                width, height = max(width, hint.width()), max(height, hint.height())
            self._paint(chip, self._titles[element_id], self.states.get(element_id, "incomplete"))
            chip.setFixedSize(width, height)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fix_sizes()
        super().changeEvent(event)

    def update_from(self, completeness: CheckCompleteness) -> None:
        for element in completeness.elements:
            if element.element_id in self.chips and self.states.get(element.element_id) != element.state:
                self._show(element.element_id, element.state)

    def text(self) -> str:
        return "; ".join(self.chips[e].accessibleName() for e in self.chips)
