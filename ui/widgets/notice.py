"""A notice strip inside a screen (not a dialog): text and up to a few buttons.

Used for what the worker should see without being interrupted: an unfinished check
to continue, possible duplicates, a sync that is not available yet.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class Notice(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("notice")
        layout = QVBoxLayout(self)
        self.text = QLabel("", self)
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        self._row = QHBoxLayout()
        self._row.addStretch(1)
        layout.addLayout(self._row)
        self.buttons: list[QPushButton] = []
        self.hide()

    def show_notice(self, text: str, actions: list[tuple[str, str, Callable[[], None]]]) -> None:
        """`actions`: (button text with &mnemonic, accessible name, callback)."""
        for button in self.buttons:
            button.hide()
            button.deleteLater()
        self.buttons = []
        # Set with the first text, not when made: notices are made before the first window is drawn,
        # when Qt's namespace is not loaded yet (see ui.first_paint). Plain text: a name is never markup.
        from PySide6.QtCore import Qt

        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setText(text)
        self.setAccessibleName(text)
        for label, name, callback in actions:
            button = QPushButton(label, self)
            button.setAccessibleName(name)
            button.clicked.connect(callback)
            self._row.addWidget(button)
            self.buttons.append(button)
        self.show()

    def dismiss(self) -> None:
        self.hide()
