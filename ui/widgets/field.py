"""A form field with its label above and its message below.

A nurse typing a wrong NHS number needs the reason right next to the field, not in a
dialog that hides the form. The message line is announced to screen readers through
the field's accessible description, and it carries a word ("Problem:") as well as a
colour, so it is not lost on a monochrome screen or by a colour-blind worker.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class LabelledField(QWidget):
    """`label` above `field`, an optional hint, and a message line that is empty until needed."""

    def __init__(
        self,
        label: str,
        field: QWidget,
        *,
        hint: str = "",
        accessible_name: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.field = field
        self._hint = hint
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.label = QLabel(label, self)
        self.label.setBuddy(field)
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        layout.addWidget(field)
        self.hint_label = QLabel(hint, self)
        self.hint_label.setWordWrap(True)
        self.hint_label.setVisible(bool(hint))
        layout.addWidget(self.hint_label)
        self.message = QLabel("", self)
        self.message.setObjectName("field-message")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        name = accessible_name or label.replace("&", "").rstrip(":")
        field.setAccessibleName(name)
        field.setAccessibleDescription(hint)

    def show_message(self, text: str, *, problem: bool = True) -> None:
        """Show `text` under the field (a problem in dark red with the word "Problem:")."""
        if not text:
            self.clear_message()
            return
        shown = self.tr("Problem: {0}").format(text) if problem else text
        # Plain text (a message may quote what was typed), set with the first message rather than when
        # the field is made: the unlock form is made before Qt's namespace is loaded (see ui.first_paint).
        from PySide6.QtCore import Qt

        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setText(shown)
        self.message.setStyleSheet("color: #8B0000; font-weight: bold;" if problem else "")
        self.message.show()
        self.field.setAccessibleDescription(shown)
        self.field.setProperty("invalid", problem)

    def clear_message(self) -> None:
        self.message.clear()
        self.message.hide()
        self.field.setAccessibleDescription(self._hint)
        self.field.setProperty("invalid", False)

    @property
    def message_text(self) -> str:
        return self.message.text() if self.message.isVisible() or self.message.text() else ""
