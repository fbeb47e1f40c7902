"""A quiet "working on it" line: an indeterminate bar and words saying what is happening."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget


class BusyIndicator(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)  # indeterminate: key derivation has no progress to report
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(self.fontMetrics().averageCharWidth() * 16)
        self.bar.setAccessibleName(self.tr("Working"))
        layout.addWidget(self.bar)
        self.text = QLabel("", self)
        layout.addWidget(self.text, 1)
        self.hide()

    def start(self, text: str) -> None:
        self.text.setText(text)
        self.bar.setAccessibleDescription(text)
        self.show()

    def stop(self) -> None:
        self.hide()
        self.text.clear()

    @property
    def busy(self) -> bool:
        return self.isVisible() or not self.isHidden()
