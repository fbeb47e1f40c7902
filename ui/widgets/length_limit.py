"""A one-line field that holds only so many characters says so when it is full.

Qt's line edit cuts what is typed or pasted at its maximum length without a word: a nurse
pasting a long consent note from a letter kept the first 500 characters and never knew the
rest was gone. The limits stay (the store and the shared record have theirs), but the field
now says, under it, that it is full and what to do.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget


def full_words(limit: int) -> str:
    return QCoreApplication.translate(
        "LengthLimit",
        "This field holds {0} characters and is full: anything typed or pasted past that was not "
        "kept. Shorten it, or keep the rest elsewhere.",
    ).format(limit)


def say_when_full(edit: QLineEdit, parent: QWidget | None = None) -> QLabel:
    """A hidden label that shows while `edit` is at its maximum length; put it under the field."""
    label = QLabel("", parent if parent is not None else edit.parentWidget())
    label.setObjectName("field-full")
    label.setWordWrap(True)
    label.hide()

    def changed(text: str) -> None:
        full = len(text) >= edit.maxLength()
        if full == (not label.isHidden()):
            return  # no change: leave the field's own description (a validation message) alone
        words = full_words(edit.maxLength())
        label.setText(words if full else "")
        label.setVisible(full)
        # Said to screen readers with the field; only our own words are taken back.
        if full and not edit.accessibleDescription():
            edit.setAccessibleDescription(words)
        elif not full and edit.accessibleDescription() == words:
            edit.setAccessibleDescription("")

    edit.textChanged.connect(changed)
    return label
