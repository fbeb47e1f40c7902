"""Consent, asked before anything else: to the check, and to sharing with each recipient.

A person may take part and still decline sharing with any or all of the GP, the mental
health trust and the charity: each is its own explicit yes or no, never ticked for
them. Nothing is recorded until the worker presses the button, and the check starts
only when the person agreed to it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import QT_TRANSLATE_NOOP
from ui.widgets.length_limit import say_when_full

CHECK = "check"
RECIPIENTS = (  # marked for translation here, translated where shown (self.tr in ConsentPage)
    ("gp", QT_TRANSLATE_NOOP("ConsentPage", "Their GP practice")),
    ("mental_health_trust", QT_TRANSLATE_NOOP("ConsentPage", "The mental health trust")),
    ("charity", QT_TRANSLATE_NOOP("ConsentPage", "The charity supporting them")),
)


class YesNo(QGroupBox):
    """A question with two radio buttons, neither chosen at first."""

    def __init__(self, scope: str, question: str, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.scope = scope
        self.setObjectName(f"consent:{scope}")
        self.setAccessibleName(question)
        row = QHBoxLayout(self)
        self.yes = QRadioButton(self.tr("Yes"), self)
        self.no = QRadioButton(self.tr("No"), self)
        self.yes.setObjectName(f"consent:{scope}:yes")
        self.no.setObjectName(f"consent:{scope}:no")
        self.yes.setAccessibleName(self.tr("{0}: yes").format(question))
        self.no.setAccessibleName(self.tr("{0}: no").format(question))
        self.group = QButtonGroup(self)
        self.group.addButton(self.yes)
        self.group.addButton(self.no)
        row.addWidget(self.yes)
        row.addWidget(self.no)
        row.addStretch(1)

    def answer(self) -> bool | None:
        if self.yes.isChecked():
            return True
        if self.no.isChecked():
            return False
        return None

    def set_answer(self, value: bool) -> None:
        (self.yes if value else self.no).setChecked(True)


class ConsentPage(QWidget):
    """`submitted(dict)` with scope -> yes/no when the worker records the answers."""

    submitted = Signal(dict)
    cancelled = Signal()

    def __init__(self, person_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page:consent")
        self.setAccessibleName(self.tr("Consent"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        title = QLabel(self.tr("Consent for {0}").format(person_name), self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        # A long name must wrap, not widen the window past the screen.
        title.setWordWrap(True)
        title.setTextFormat(Qt.TextFormat.PlainText)
        self.title = title
        layout.addWidget(title)
        intro = QLabel(
            self.tr(
                "Before starting, ask the person. They can have the check and still say no to sharing it. "
                "A check that is not shared stays on this laptop."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.check_question = YesNo(CHECK, self.tr("Do they agree to have the health check today?"), self)
        layout.addWidget(self.check_question)
        self.sharing_box = QGroupBox(self.tr("May the results be shared with..."), self)
        sharing = QVBoxLayout(self.sharing_box)
        self.recipients: dict[str, YesNo] = {}
        for scope, words in RECIPIENTS:
            question = YesNo(scope, self.tr(words), self.sharing_box)
            sharing.addWidget(question)
            self.recipients[scope] = question
        layout.addWidget(self.sharing_box)
        self.note = QLineEdit(self)
        self.note.setObjectName("consent:note")
        self.note.setAccessibleName(self.tr("Note about consent (optional)"))
        self.note.setPlaceholderText(self.tr("Note (optional), e.g. consent given verbally"))
        self.note.setMaxLength(500)
        layout.addWidget(self.note)
        self.note_full = say_when_full(self.note, self)
        layout.addWidget(self.note_full)
        self.message = QLabel("", self)
        self.message.setObjectName("consent:message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.back_button = QPushButton(self.tr("Back"), self)
        self.back_button.setObjectName("consent:back")
        self.back_button.setAccessibleName(self.tr("Back without recording consent"))
        self.back_button.clicked.connect(self.cancelled)
        self.record_button = QPushButton(self.tr("Record consent and start"), self)
        self.record_button.setObjectName("consent:record")
        self.record_button.setAccessibleName(self.tr("Record consent and start the check"))
        self.record_button.setDefault(True)
        self.record_button.clicked.connect(self.submit)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.record_button)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.check_question.group.buttonToggled.connect(self._check_answered)
        self._check_answered()
        self._focused_once = False

    def showEvent(self, event: QShowEvent) -> None:
        """Start on the first question, with the focus shown, so the nurse can answer by keyboard at once."""
        super().showEvent(event)
        if not self._focused_once:
            self._focused_once = True
            QTimer.singleShot(0, self, self._focus_first_question)

    def _focus_first_question(self) -> None:
        first = self.check_question.answer()
        target = self.check_question.no if first is False else self.check_question.yes
        target.setFocus(Qt.FocusReason.TabFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter records the answers (as the highlighted button says); on Back it goes back.
        Radio buttons and the note pass Enter up to here."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.back_button.hasFocus():
                self.cancelled.emit()
            elif self.record_button.isEnabled():
                self.submit()
            event.accept()
            return
        super().keyPressEvent(event)

    def _check_answered(self, *_args: object) -> None:
        # Sharing only matters when they agree to the check.
        self.sharing_box.setEnabled(self.check_question.answer() is not False)
        self.record_button.setText(
            self.tr("Record that they said no")
            if self.check_question.answer() is False
            else self.tr("Record consent and start")
        )

    def answers(self) -> dict[str, bool | None]:
        out: dict[str, bool | None] = {CHECK: self.check_question.answer()}
        for scope, question in self.recipients.items():
            out[scope] = question.answer()
        return out

    def problem(self) -> str:
        given = self.answers()
        if given[CHECK] is None:
            return self.tr("Say whether the person agrees to the check.")
        if given[CHECK]:
            missing = [self.tr(words) for scope, words in RECIPIENTS if given[scope] is None]
            if missing:
                return self.tr("Say yes or no to sharing with: {0}.").format(", ".join(missing))
        return ""

    def submit(self) -> None:
        problem = self.problem()
        if problem:
            self.message.setText(self.tr("Problem: {0}").format(problem))
            self.message.setStyleSheet("color: #8B0000; font-weight: bold;")
            self.record_button.setAccessibleDescription(problem)
            return
        self.message.clear()
        answers = {k: bool(v) for k, v in self.answers().items()}
        if not answers[CHECK]:
            answers = {CHECK: False}
        if self.note.text().strip():
            answers["note"] = self.note.text().strip()  # type: ignore[assignment]
        self.record_button.setEnabled(False)
        self.submitted.emit(answers)

    def failed(self) -> None:
        self.record_button.setEnabled(True)
