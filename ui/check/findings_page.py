"""Findings and plan: every finding, why it was found, its source, and the follow-up chosen.

Every health issue a check discovers must be followed up (the local principles, and
PRODUCT.md), so each finding needs a decision before the check can be finalised: a
referral to a named service from the offline directory, advice given, already under
care, declined (with the reason) or a clinician override (with the reason). A decision
is saved as soon as it is complete.

Made to be quick and calm with ten findings on a 1366x768 laptop:

* Urgent findings come first, then those needing action, then advice; each says how
  urgent it is with a colour, a symbol and a word (never the colour alone).
* Each finding has one "Accept" button that records the rule's suggested follow-up (the
  first suggested service, checked on by the usual date) in one click or one key press.
  The other follow-ups open below it only when asked for ("Choose another...").
* Nothing is red until the nurse acted on that finding: an untouched finding says calmly
  that it needs a follow-up; "Problem:" appears only for a half-made decision.
* Tab goes through the findings in the order they are shown, each one's Accept first.
* Dates are shown and typed the UK way, 31/03/2027.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from outreach.clinical.findings import Finding, FollowUpDecision, validate_decision
from outreach.clinical.service_directory import ServiceDirectory, in_sentence
from outreach.errors import ValidationError
from outreach.store.search_index import parse_date
from ui.check.model import decision_to_doc
from ui.dates import entry_date
from ui.i18n import QT_TRANSLATE_NOOP
from ui.widgets.choice_buttons import ChoiceButtons
from ui.widgets.wheel_guard import guard_inputs

# Marked for translation here, translated where shown (self.tr in FindingRow).
SEVERITY_WORDS = {
    "urgent": QT_TRANSLATE_NOOP("FindingRow", "Urgent"),
    "act": QT_TRANSLATE_NOOP("FindingRow", "Needs action"),
    "advise": QT_TRANSLATE_NOOP("FindingRow", "Advice"),
}
# Symbol, text colour, background: each pair at least 7:1 (WCAG AAA), and the symbol and word
# say the same as the colour.
SEVERITY_LOOK = {
    "urgent": ("\u26a0", "#FFFFFF", "#8B0000"),
    "act": ("\u25b2", "#000000", "#FFD27A"),
    "advise": ("\u2139", "#102A5C", "#E8EEF8"),
}
SEVERITY_ORDER = {"urgent": 0, "act": 1, "advise": 2}
# How many of each, in the intro line: "1 needs action", "4 need action" (one and more than one).
SEVERITY_COUNTS = {
    "urgent": (
        QT_TRANSLATE_NOOP("FindingsPage", "1 urgent"),
        QT_TRANSLATE_NOOP("FindingsPage", "{0} urgent"),
    ),
    "act": (
        QT_TRANSLATE_NOOP("FindingsPage", "1 needs action"),
        QT_TRANSLATE_NOOP("FindingsPage", "{0} need action"),
    ),
    "advise": (
        QT_TRANSLATE_NOOP("FindingsPage", "1 for advice"),
        QT_TRANSLATE_NOOP("FindingsPage", "{0} for advice"),
    ),
}
KIND_WORDS = {
    "referral": QT_TRANSLATE_NOOP("FindingRow", "Referral to a service"),
    "advice_given": QT_TRANSLATE_NOOP("FindingRow", "Advice given"),
    "already_under_care": QT_TRANSLATE_NOOP("FindingRow", "Already under care"),
    "declined": QT_TRANSLATE_NOOP("FindingRow", "Declined by the person"),
    "clinician_override": QT_TRANSLATE_NOOP("FindingRow", "Clinician override"),
}
NEEDS_REASON = ("declined", "clinician_override")
# When a referral should be checked on, by severity, in days from today. Working defaults of this
# product that the worker changes on the page; they are not clinical thresholds.
DEFAULT_DUE_DAYS = {"urgent": 0, "act": 28, "advise": 90}
# How the page says where each finding stands (symbol and colour as well as the words).
_TODO_STYLE = "color: #1F3B73;"
_DONE_STYLE = "color: #094F1A; font-weight: bold;"
_PROBLEM_STYLE = "color: #8B0000; font-weight: bold;"


def short_source(source: str) -> str:
    """The citation without its explanation in brackets: 'NICE NG136 (severe ...)' -> 'NICE NG136'."""
    head = source.split(" (", 1)[0].strip()
    return head or source


class FindingRow(QFrame):
    """One finding and its decision."""

    decision_changed = Signal(str)  # rule id

    def __init__(self, finding: Finding, directory: ServiceDirectory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.finding = finding
        self.directory = directory
        self.decision: FollowUpDecision | None = None
        self.due_on: str | None = None
        self.problem = ""
        self.touched = False  # the nurse did something on this finding: only then is a problem shown
        self._loading = False
        self._read_only = False
        self._others_open = False
        self._insist = False  # the nurse asked to finalise: say what is missing even if untouched
        rule = finding.rule_id
        self.setObjectName(f"finding:{rule}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        severity = self.tr(SEVERITY_WORDS.get(finding.severity, finding.severity))
        self.severity_text = severity
        self.setAccessibleName(f"{severity}: {finding.title}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(3)

        # -- what was found ---------------------------------------------------------------------------
        head = QHBoxLayout()
        symbol, ink, paper = SEVERITY_LOOK.get(finding.severity, ("\u2022", "#000000", "#FFFFFF"))
        self.badge = QLabel(f"{symbol} {severity}", self)
        self.badge.setObjectName(f"severity:{rule}")
        self.badge.setStyleSheet(
            f"QLabel {{ color: {ink}; background: {paper}; border: 1px solid "
            f"{ink if ink != '#FFFFFF' else paper};"
            " border-radius: 3px; padding: 1px 6px; font-weight: bold; }"
        )
        self.badge.setAccessibleName(self.tr("Urgency: {0}").format(severity))
        head.addWidget(self.badge)
        self.title_label = QLabel(finding.title, self)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setWordWrap(True)
        head.addWidget(self.title_label, 1)
        # The source's name on the title line (the whole citation in its tooltip and description).
        self.source_label = QLabel(self.tr("Source: {0}").format(short_source(finding.source)), self)
        self.source_label.setToolTip(finding.source)
        self.source_label.setAccessibleDescription(finding.source)
        small = self.source_label.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)
        small.setItalic(True)
        self.source_label.setFont(small)
        self.source_label.setStyleSheet("color: #333333;")
        head.addWidget(self.source_label, 0, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(head)

        self.reason_label = QLabel(finding.reason, self)
        self.reason_label.setWordWrap(True)
        self.reason_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.reason_label)
        # What a score behind this finding may miss (QRISK3 caveats): set by the page, shown beside the
        # reason.
        self.notes_label = QLabel("", self)
        self.notes_label.setObjectName(f"finding-notes:{rule}")
        self.notes_label.setWordWrap(True)
        self.notes_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notes_label.setFont(small)
        self.notes_label.hide()
        layout.addWidget(self.notes_label)

        # -- the suggestion, and one click to accept it --------------------------------------------------
        self.suggested_kind, self.suggested_service = self._suggestion()
        self.suggested_label = QLabel(self)
        self.suggested_label.setObjectName(f"suggested:{rule}")
        self.suggested_label.setWordWrap(True)
        self.suggested_label.setTextFormat(Qt.TextFormat.RichText)
        self.suggested_label.setText(
            self.tr("<b>Suggested:</b> {0}").format(
                html.escape(finding.suggested_text or self._suggestion_words(with_date=False))
            )
        )
        layout.addWidget(self.suggested_label)
        suggestion_row = QHBoxLayout()
        self.accept_button = QPushButton(self.tr("Accept suggested"), self)
        self.accept_button.setObjectName(f"accept:{rule}")
        self.accept_button.setAccessibleName(
            self.tr("Accept the suggested follow-up for {0}: {1}").format(
                finding.title, self._suggestion_words()
            )
        )
        self.accept_button.setToolTip(self.tr("Records: {0}").format(self._suggestion_words()))
        self.accept_button.setAutoDefault(True)  # Enter presses it when it has the keyboard
        self.accept_button.clicked.connect(self.accept_suggested)
        self.accept_button.setVisible(self.suggested_kind is not None)
        suggestion_row.addWidget(self.accept_button, 0, Qt.AlignmentFlag.AlignTop)
        self.others_button = QPushButton(self.tr("Choose another..."), self)
        self.others_button.setObjectName(f"others:{rule}")
        self.others_button.setAccessibleName(
            self.tr("Choose another follow-up for {0}").format(finding.title)
        )
        self.others_button.clicked.connect(self.open_choices)
        suggestion_row.addWidget(self.others_button, 0, Qt.AlignmentFlag.AlignTop)
        # Where this finding stands, beside its buttons: what is needed, what is recorded, or what is missing.
        self.message = QLabel("", self)
        self.message.setObjectName(f"decision-message:{rule}")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        suggestion_row.addWidget(self.message, 1)
        layout.addLayout(suggestion_row)

        # -- every follow-up, opened on request ----------------------------------------------------------
        self.choices = QWidget(self)
        self.choices.setObjectName(f"choices:{rule}")
        choices = QVBoxLayout(self.choices)
        choices.setContentsMargins(0, 0, 0, 0)
        choices.setSpacing(3)
        self.kind_box = ChoiceButtons(self.tr("Follow-up for {0}").format(finding.title), "", self.choices)
        self.kind_box.setObjectName(f"kind:{rule}")
        for kind in finding.allowed_follow_ups:
            self.kind_box.addItem(self.tr(KIND_WORDS.get(kind, kind)), kind)
        self.kind_box.setAccessibleName(self.tr("Follow-up for {0}").format(finding.title))
        choices.addWidget(self.kind_box)

        details = QHBoxLayout()
        self.service_label = QLabel(self.tr("Service"), self.choices)
        self.service_box = QComboBox(self.choices)
        self.service_box.setObjectName(f"service:{rule}")
        self.service_box.setAccessibleName(self.tr("Service for {0}").format(finding.title))
        self.service_box.addItem(self.tr("Choose the service..."), None)
        suggested_ids = [s for s in finding.suggested_services if s in directory.services]
        others = [s for s in directory.services if s not in suggested_ids]
        for service_id in (*suggested_ids, *others):
            service = directory.services[service_id]
            mark = self.tr(" (suggested)") if service_id in suggested_ids else ""
            self.service_box.addItem(f"{service.name}{mark}", service_id)
        self.service_label.setBuddy(self.service_box)
        details.addWidget(self.service_label)
        details.addWidget(self.service_box, 2)
        self.due_caption = QLabel(self.tr("Check it happened by"), self.choices)
        self.due_edit = QLineEdit(self.choices)
        self.due_edit.setObjectName(f"due:{rule}")
        self.due_edit.setAccessibleName(
            self.tr("Date to check the referral for {0} happened").format(finding.title)
        )
        self.due_edit.setPlaceholderText(self.tr("e.g. 31/03/2027"))
        self.due_edit.setMaxLength(10)
        self.due_edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("0") * 14)
        self.due_caption.setBuddy(self.due_edit)
        details.addWidget(self.due_caption)
        details.addWidget(self.due_edit)
        self.reason_caption = QLabel(self.tr("Reason"), self.choices)
        self.reason_edit = QLineEdit(self.choices)
        self.reason_edit.setObjectName(f"reason:{rule}")
        self.reason_edit.setAccessibleName(self.tr("Reason for the follow-up of {0}").format(finding.title))
        self.reason_edit.setMaxLength(2000)
        self.reason_caption.setBuddy(self.reason_edit)
        details.addWidget(self.reason_caption)
        details.addWidget(self.reason_edit, 2)
        self.note_caption = QLabel(self.tr("Note (optional)"), self.choices)
        self.note_edit = QLineEdit(self.choices)
        self.note_edit.setObjectName(f"note:{rule}")
        self.note_edit.setAccessibleName(self.tr("Note on the follow-up of {0}").format(finding.title))
        self.note_edit.setMaxLength(2000)
        self.note_caption.setBuddy(self.note_edit)
        details.addWidget(self.note_caption)
        details.addWidget(self.note_edit, 1)
        choices.addLayout(details)
        # Measured with every detail showing: the row keeps that height whichever follow-up is chosen,
        # so choosing one never moves the findings below.
        self.choices.setMinimumHeight(self.choices.sizeHint().height())
        layout.addWidget(self.choices)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(400)
        self._timer.timeout.connect(self._update)
        self.kind_box.currentIndexChanged.connect(self._acted)
        self.service_box.currentIndexChanged.connect(self._acted)
        for edit in (self.reason_edit, self.due_edit, self.note_edit):
            edit.textEdited.connect(self._typed)
            edit.editingFinished.connect(self.flush)
        self._show_parts()
        self._show_problem()
        guard_inputs(self)  # the wheel scrolls the findings; it never changes a follow-up

    # -- the suggestion ---------------------------------------------------------------------------------
    def _suggestion(self) -> tuple[str | None, str | None]:
        """(kind, service) the rule suggests: a referral to its first suggested service in the directory,
        else advice (when allowed). None when the rule suggests nothing this page can record."""
        allowed = self.finding.allowed_follow_ups
        services = [s for s in self.finding.suggested_services if s in self.directory.services]
        if "referral" in allowed and services:
            return "referral", services[0]
        if "advice_given" in allowed:
            return "advice_given", None
        return None, None

    def _default_due(self) -> date:
        return date.today() + timedelta(days=DEFAULT_DUE_DAYS.get(self.finding.severity, 28))

    def _suggestion_words(self, *, with_date: bool = True) -> str:
        if self.suggested_kind == "referral" and self.suggested_service:
            service = self.directory.services[self.suggested_service]
            words = self.tr("referral to {0}").format(in_sentence(service.name))
            if with_date:
                due = self._default_due()
                if due == date.today():
                    words = self.tr("{0}, check today").format(words)
                else:
                    words = self.tr("{0}, check by {1}").format(words, due.strftime("%d/%m/%Y"))
            return words
        if self.suggested_kind == "advice_given":
            return self.tr("advice given")
        return ""

    def accept_suggested(self) -> None:
        """Record the suggested follow-up in one go (the due date: the usual one for this urgency)."""
        if self._read_only or self.suggested_kind is None:
            return
        self.touched = True
        self._loading = True
        try:
            self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(self.suggested_kind)))
            if self.suggested_kind == "referral":
                self.service_box.setCurrentIndex(max(0, self.service_box.findData(self.suggested_service)))
                self.due_edit.setText(self._default_due().strftime("%d/%m/%Y"))
            self.reason_edit.clear()
        finally:
            self._loading = False
        self._others_open = False
        self._update()

    def open_choices(self) -> None:
        """Show every follow-up (and the details of the one chosen), and put the keyboard in them."""
        self._others_open = True
        self._show_parts()
        self.kind_box.setFocus(Qt.FocusReason.OtherFocusReason)

    def is_suggested(self, decision: FollowUpDecision | None) -> bool:
        return (
            decision is not None
            and decision.kind == self.suggested_kind
            and (decision.kind != "referral" or decision.service_id == self.suggested_service)
            and not decision.reason
            and not decision.note
        )

    # -- editing ------------------------------------------------------------------------------------------
    def _acted(self, *_args: object) -> None:
        if not self._loading:
            self.touched = True
            self._others_open = True
        self._update()

    def _typed(self, _text: str) -> None:
        self.touched = True
        self._timer.start()

    def flush(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self._update()

    def _show_parts(self) -> None:
        kind = self.kind_box.currentData()
        referral = kind == "referral"
        self.service_label.setVisible(referral)
        self.service_box.setVisible(referral)
        self.due_caption.setVisible(referral)
        self.due_edit.setVisible(referral)
        if referral and not self.due_edit.text() and not self._loading:
            self.due_edit.setText(self._default_due().strftime("%d/%m/%Y"))
        needs_reason = kind in NEEDS_REASON
        self.reason_caption.setVisible(needs_reason)
        self.reason_edit.setVisible(needs_reason)
        self.note_caption.setVisible(kind is not None)
        self.note_edit.setVisible(kind is not None)
        # The choices open below the buttons when asked for, or when what is recorded is not the suggestion.
        open_ = self._others_open or (kind is not None and not self.is_suggested(self.current()))
        if self.suggested_kind is None:
            open_ = True
        if self.choices.isHidden() == open_:
            self.choices.setVisible(open_)
        self.others_button.setText(
            self.tr("Change...") if self.decision is not None else self.tr("Choose another...")
        )
        # Stays where it is when the choices open, so nothing beside it moves under the pointer.
        self.others_button.setVisible(not self._read_only)
        self.accept_button.setVisible(self.suggested_kind is not None and not self._read_only)
        self.accept_button.setEnabled(
            not self.is_suggested(self.decision) or self.due_on != self._default_due().isoformat()
        )

    def current(self) -> FollowUpDecision | None:
        kind = self.kind_box.currentData()
        if kind is None:
            return None
        return FollowUpDecision(
            kind=kind,
            service_id=self.service_box.currentData() if kind == "referral" else None,
            reason=self.reason_edit.text() if kind in NEEDS_REASON else None,
            note=self.note_edit.text() or None,
        )

    def _due(self) -> tuple[str | None, str]:
        """(YYYY-MM-DD or None, problem) for the referral's check-by date."""
        if self.kind_box.currentData() != "referral":
            return None, ""
        parsed = parse_date(self.due_edit.text())  # day/month/year or YYYY-MM-DD, as everywhere else
        if parsed is None:
            return None, self.tr(
                "{0}: give the date to check the referral as day/month/year, e.g. 31/01/2027"
            ).format(self.finding.title)
        day = date.fromisoformat(parsed)
        if day < date.today():
            return None, self.tr("{0}: the date to check the referral is in the past").format(
                self.finding.title
            )
        return day.isoformat(), ""

    def _update(self) -> None:
        if self._loading:
            self._show_parts()
            return
        wanted = self.current()
        valid: FollowUpDecision | None = None
        due, due_problem = self._due()
        if wanted is not None:
            try:
                valid = validate_decision(self.finding, wanted, self.directory.services.keys())
            except ValidationError as exc:
                self.problem = exc.message
            else:
                self.problem = due_problem
                if due_problem:
                    valid = None
        else:
            self.problem = self.tr("{0}: choose a follow-up").format(self.finding.title)
        if valid != self.decision or (valid is not None and due != self.due_on):
            self.decision = valid
            self.due_on = due if valid is not None else None
            self.decision_changed.emit(self.finding.rule_id)
        self._show_parts()
        self._show_problem()

    def decision_doc(self) -> dict[str, object] | None:
        """The decision as stored (with the date to check a referral)."""
        if self.decision is None:
            return None
        doc = decision_to_doc(self.decision)
        if self.due_on:
            doc["due_on"] = self.due_on
        return doc

    def decision_words(self) -> str:
        """What is recorded, in words: 'Referral to GP practice, check by 29/12/2026'."""
        if self.decision is None:
            return ""
        kind = self.tr(KIND_WORDS.get(self.decision.kind, self.decision.kind))
        services, service_id = self.directory.services, self.decision.service_id
        if self.decision.kind == "referral" and service_id is not None and service_id in services:
            kind = self.tr("Referral to {0}").format(in_sentence(services[service_id].name))
            if self.due_on:
                kind = self.tr("{0}, check by {1}").format(kind, entry_date(self.due_on))
        return kind

    def _show_problem(self) -> None:
        if self.decision is not None:
            text = "\u2714 " + self.tr("Recorded: {0}").format(self.decision_words())
            self.message.setStyleSheet(_DONE_STYLE)
        elif (self.touched and self.kind_box.currentData() is not None) or self._insist:
            text = self.tr("Problem: {0}").format(self.problem or self.tr("choose a follow-up"))
            self.message.setStyleSheet(_PROBLEM_STYLE)
        else:
            # Calm until the nurse has done something here: what is needed, not an error.
            text = "\u25cb " + (
                self.tr("Needs a follow-up. Accept records: {0}.").format(self._suggestion_words())
                if self.suggested_kind is not None
                else self.tr("Needs a follow-up: choose one.")
            )
            self.message.setStyleSheet(_TODO_STYLE)
        self.message.setText(text)
        for w in (self.kind_box, self.service_box, self.reason_edit, self.accept_button):
            w.setAccessibleDescription(text)
        self.setAccessibleDescription(text)

    def show_problem_now(self) -> None:
        """Say what is missing even if untouched (the nurse asked to finalise)."""
        self.touched = True
        self._insist = True
        self._show_problem()

    def load(self, decision: FollowUpDecision | None, due_on: str | None = None) -> None:
        self._loading = True
        try:
            if decision is None:
                self.kind_box.setCurrentIndex(0)
            else:
                self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(decision.kind)))
                if decision.service_id:
                    self.service_box.setCurrentIndex(max(0, self.service_box.findData(decision.service_id)))
                self.reason_edit.setText(decision.reason or "")
                self.note_edit.setText(decision.note or "")
                self.due_edit.setText(entry_date(due_on))
        finally:
            self._loading = False
        self.decision = decision
        self.due_on = due_on if decision is not None and decision.kind == "referral" else None
        self.problem = "" if decision else self.tr("{0}: choose a follow-up").format(self.finding.title)
        self._show_parts()
        self._show_problem()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for w in (self.kind_box, self.service_box):
            w.setEnabled(not read_only)
        for e in (self.reason_edit, self.note_edit, self.due_edit):
            e.setReadOnly(read_only)
        self._show_parts()

    def tab_controls(self) -> list[QWidget]:
        """This finding's controls in the order Tab should visit them: Accept first."""
        return [
            self.accept_button,
            self.others_button,
            *self.kind_box.buttons(),
            self.service_box,
            self.due_edit,
            self.reason_edit,
            self.note_edit,
        ]


class FindingsPage(QScrollArea):
    """All findings of the check as it stands, urgent first, each with its decision."""

    decision_changed = Signal(str)
    rows_rebuilt = Signal()  # the findings changed: the Tab order must follow

    def __init__(self, directory: ServiceDirectory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.directory = directory
        self.rows: dict[str, FindingRow] = {}
        self._read_only = False
        self.setObjectName("page:findings")
        self.setAccessibleName(self.tr("Findings and plan"))
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(self)
        self._layout = QVBoxLayout(body)
        self._layout.setContentsMargins(12, 8, 12, 8)
        self._layout.setSpacing(6)
        title = QLabel(self.tr("Findings and plan"), body)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        self._layout.addWidget(title)
        self.intro = QLabel("", body)
        self.intro.setWordWrap(True)
        self.intro.setObjectName("findings-intro")
        self._layout.addWidget(self.intro)
        self._rows_box = QVBoxLayout()
        self._rows_box.setSpacing(6)
        self._layout.addLayout(self._rows_box)
        self._layout.addStretch(1)
        self.setWidget(body)
        self._keys: tuple[tuple[str, str], ...] = ()

    def show_findings(
        self,
        findings: Sequence[Finding],
        decisions: Mapping[str, FollowUpDecision],
        due_dates: Mapping[str, str | None] | None = None,
        score_notes: Sequence[str] = (),
    ) -> None:
        """Rebuild the rows when the findings changed (a new reading can add or remove one).

        `score_notes` (the QRISK3 caveats and disclaimer) are shown with any finding made from
        the QRISK3 score, so the score is never read without them.
        """
        ordered = sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, len(SEVERITY_ORDER)))
        keys = tuple((f.rule_id, f.reason) for f in ordered)
        if keys == self._keys:
            self._show_score_notes(score_notes)
            self._show_intro()
            return
        self._keys = keys
        old = self.rows
        self.rows = {}
        while self._rows_box.count():
            self._rows_box.takeAt(0)
        for finding in ordered:
            row = old.pop(finding.rule_id, None)
            if row is None or row.finding != finding:
                if row is not None:
                    row.deleteLater()
                row = FindingRow(finding, self.directory, self.widget())
                row.load(decisions.get(finding.rule_id), (due_dates or {}).get(finding.rule_id))
                row.decision_changed.connect(self.decision_changed)
                row.decision_changed.connect(self._show_intro)
                row.set_read_only(self._read_only)
            self._rows_box.addWidget(row)
            self.rows[finding.rule_id] = row
        for row in old.values():
            row.deleteLater()
        self._show_intro()
        self._show_score_notes(score_notes)
        self._chain_tab_order()
        self.rows_rebuilt.emit()

    def _show_intro(self, *_args: object) -> None:
        rows = list(self.rows.values())
        if not rows:
            self.intro.setText(self.tr("No findings so far: nothing in this check crossed a threshold."))
            return
        if len(rows) == 1:
            text = self.tr("1 finding. It needs a follow-up before the check can be finalised.")
        else:
            text = self.tr("{0} findings. Each needs a follow-up before the check can be finalised.").format(
                len(rows)
            )
        counts = []
        for severity in SEVERITY_ORDER:
            n = sum(1 for r in rows if r.finding.severity == severity)
            if n:
                one, many = SEVERITY_COUNTS[severity]
                counts.append(self.tr(one) if n == 1 else self.tr(many).format(n))
        recorded = sum(1 for r in rows if r.decision is not None)
        text += " " + self.tr("{0}; {1} of {2} recorded.").format(", ".join(counts), recorded, len(rows))
        self.intro.setText(text)

    def _show_score_notes(self, notes: Sequence[str]) -> None:
        text = "\n".join(notes)
        for row in self.rows.values():
            from_score = row.finding.rule_id.startswith("qrisk3") or "QRISK3" in row.finding.reason
            wanted = text if from_score else ""
            if row.notes_label.text() != wanted:
                row.notes_label.setText(wanted)
            row.notes_label.setVisible(bool(wanted))

    def tab_controls(self) -> list[QWidget]:
        """Every control of the page in the order shown (findings top to bottom), for the Tab chain."""
        return [w for row in self.rows.values() for w in row.tab_controls()]

    def _chain_tab_order(self) -> None:
        controls = self.tab_controls()
        for first, second in itertools.pairwise(controls):
            QWidget.setTabOrder(first, second)

    def show_problems_now(self) -> None:
        for row in self.rows.values():
            if row.decision is None:
                row.show_problem_now()

    def flush(self) -> None:
        for row in self.rows.values():
            row.flush()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for row in self.rows.values():
            row.set_read_only(read_only)
