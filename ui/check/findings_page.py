"""Findings and plan: every finding, why it was found, its source, and the follow-up chosen.

Every health issue a check discovers must be followed up (the local principles, and
PRODUCT.md), so each finding needs a decision before the check can be finalised: a
referral to a named service from the offline directory, advice given, already under
care, declined (with the reason) or a clinician override (with the reason). A decision
is saved as soon as it is complete; until then the page says what is missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGroupBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from outreach.clinical.findings import Finding, FollowUpDecision, validate_decision
from outreach.clinical.service_directory import ServiceDirectory
from outreach.errors import ValidationError
from outreach.store.search_index import parse_date
from ui.check.model import decision_to_doc
from ui.widgets.wheel_guard import guard_inputs

# Marked for translation here, translated where shown (self.tr in FindingRow).
SEVERITY_WORDS = {
    "urgent": QT_TRANSLATE_NOOP("FindingRow", "Urgent"),
    "act": QT_TRANSLATE_NOOP("FindingRow", "Needs action"),
    "advise": QT_TRANSLATE_NOOP("FindingRow", "Advice"),
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


class FindingRow(QGroupBox):
    """One finding and its decision."""

    decision_changed = Signal(str)  # rule id

    def __init__(self, finding: Finding, directory: ServiceDirectory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.finding = finding
        self.directory = directory
        self.decision: FollowUpDecision | None = None
        self.due_on: str | None = None
        self.problem = ""
        self._loading = False
        rule = finding.rule_id
        self.setObjectName(f"finding:{rule}")
        severity = self.tr(SEVERITY_WORDS.get(finding.severity, finding.severity))
        self.setTitle(f"{severity}: {finding.title}")
        self.setAccessibleName(f"{severity}: {finding.title}")
        layout = QVBoxLayout(self)
        self.reason_label = QLabel(finding.reason, self)
        self.reason_label.setWordWrap(True)
        layout.addWidget(self.reason_label)
        self.source_label = QLabel(self.tr("Source: {0}").format(finding.source), self)
        self.source_label.setWordWrap(True)
        self.source_label.setStyleSheet("color: #333333; font-style: italic;")
        layout.addWidget(self.source_label)
        # What a score behind this finding may miss (QRISK3 caveats): set by the page, shown beside the reason.
        self.notes_label = QLabel("", self)
        self.notes_label.setObjectName(f"finding-notes:{rule}")
        self.notes_label.setWordWrap(True)
        self.notes_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notes_label.hide()
        layout.addWidget(self.notes_label)
        if finding.suggested_text:
            suggested = QLabel(self.tr("Suggested: {0}").format(finding.suggested_text), self)
            suggested.setWordWrap(True)
            layout.addWidget(suggested)

        self.kind_box = QComboBox(self)
        self.kind_box.setObjectName(f"kind:{rule}")
        self.kind_box.addItem(self.tr("Choose the follow-up..."), None)
        for kind in finding.allowed_follow_ups:
            self.kind_box.addItem(self.tr(KIND_WORDS.get(kind, kind)), kind)
        self.kind_box.setAccessibleName(self.tr("Follow-up for {0}").format(finding.title))
        layout.addWidget(QLabel(self.tr("Follow-up"), self))
        layout.addWidget(self.kind_box)

        self.service_label = QLabel(self.tr("Service referred to"), self)
        self.service_box = QComboBox(self)
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
        layout.addWidget(self.service_label)
        layout.addWidget(self.service_box)

        self.reason_caption = QLabel(self.tr("Reason"), self)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName(f"reason:{rule}")
        self.reason_edit.setAccessibleName(self.tr("Reason for the follow-up of {0}").format(finding.title))
        self.reason_edit.setMaxLength(2000)
        self.reason_caption.setBuddy(self.reason_edit)
        layout.addWidget(self.reason_caption)
        layout.addWidget(self.reason_edit)

        self.due_caption = QLabel(self.tr("Check the referral happened by (e.g. 31/03/2027)"), self)
        self.due_edit = QLineEdit(self)
        self.due_edit.setObjectName(f"due:{rule}")
        self.due_edit.setAccessibleName(
            self.tr("Date to check the referral for {0} happened").format(finding.title)
        )
        self.due_edit.setMaxLength(10)
        self.due_edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("0") * 16)
        self.due_caption.setBuddy(self.due_edit)
        layout.addWidget(self.due_caption)
        layout.addWidget(self.due_edit)

        self.note_caption = QLabel(self.tr("Note (optional)"), self)
        self.note_edit = QLineEdit(self)
        self.note_edit.setObjectName(f"note:{rule}")
        self.note_edit.setAccessibleName(self.tr("Note on the follow-up of {0}").format(finding.title))
        self.note_edit.setMaxLength(2000)
        self.note_caption.setBuddy(self.note_edit)
        layout.addWidget(self.note_caption)
        layout.addWidget(self.note_edit)

        self.message = QLabel("", self)
        self.message.setObjectName(f"decision-message:{rule}")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.message)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(400)
        self._timer.timeout.connect(self._update)
        self.kind_box.currentIndexChanged.connect(self._update)
        self.service_box.currentIndexChanged.connect(self._update)
        self.reason_edit.textEdited.connect(lambda _t: self._timer.start())
        self.due_edit.textEdited.connect(lambda _t: self._timer.start())
        self.due_edit.editingFinished.connect(self.flush)
        self.note_edit.textEdited.connect(lambda _t: self._timer.start())
        self.reason_edit.editingFinished.connect(self.flush)
        self.note_edit.editingFinished.connect(self.flush)
        self._show_parts()
        self._show_problem()
        guard_inputs(self)  # the wheel scrolls the findings; it never changes a follow-up

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
            days = DEFAULT_DUE_DAYS.get(self.finding.severity, 28)
            self.due_edit.setText((date.today() + timedelta(days=days)).isoformat())
        needs_reason = kind in NEEDS_REASON
        self.reason_caption.setVisible(needs_reason)
        self.reason_edit.setVisible(needs_reason)
        self.note_caption.setVisible(kind is not None)
        self.note_edit.setVisible(kind is not None)

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
            return None, self.tr("{0}: give the date to check the referral as day/month/year, e.g. 31/01/2027").format(
                self.finding.title
            )
        day = date.fromisoformat(parsed)
        if day < date.today():
            return None, self.tr("{0}: the date to check the referral is in the past").format(
                self.finding.title
            )
        return day.isoformat(), ""

    def _update(self) -> None:
        self._show_parts()
        if self._loading:
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
        self._show_problem()

    def decision_doc(self) -> dict[str, object] | None:
        """The decision as stored (with the date to check a referral)."""
        if self.decision is None:
            return None
        doc = decision_to_doc(self.decision)
        if self.due_on:
            doc["due_on"] = self.due_on
        return doc

    def _show_problem(self) -> None:
        if self.decision is not None:
            kind = self.tr(KIND_WORDS.get(self.decision.kind, self.decision.kind))
            if self.decision.kind == "referral" and self.decision.service_id in self.directory.services:
                kind = self.tr("Referral to {0}").format(
                    self.directory.services[self.decision.service_id].name
                )
            text = self.tr("Recorded: {0}").format(kind)
            self.message.setStyleSheet("color: #094F1A;")
        else:
            text = self.tr("Problem: {0}").format(self.problem or self.tr("choose a follow-up"))
            self.message.setStyleSheet("color: #8B0000; font-weight: bold;")
        self.message.setText(text)
        for w in (self.kind_box, self.service_box, self.reason_edit):
            w.setAccessibleDescription(text)

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
                self.due_edit.setText(due_on or "")
        finally:
            self._loading = False
        self._show_parts()
        self.decision = decision
        self.due_on = due_on if decision is not None and decision.kind == "referral" else None
        self.problem = "" if decision else self.tr("{0}: choose a follow-up").format(self.finding.title)
        self._show_problem()

    def set_read_only(self, read_only: bool) -> None:
        for w in (self.kind_box, self.service_box):
            w.setEnabled(not read_only)
        for e in (self.reason_edit, self.note_edit, self.due_edit):
            e.setReadOnly(read_only)


class FindingsPage(QScrollArea):
    """All findings of the check as it stands, each with its decision."""

    decision_changed = Signal(str)

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
        keys = tuple((f.rule_id, f.reason) for f in findings)
        if keys == self._keys:
            self._show_score_notes(score_notes)
            return
        self._keys = keys
        old = self.rows
        self.rows = {}
        for finding in findings:
            row = old.pop(finding.rule_id, None)
            if row is None or row.finding != finding:
                if row is not None:
                    row.deleteLater()
                row = FindingRow(finding, self.directory, self.widget())
                row.load(decisions.get(finding.rule_id), (due_dates or {}).get(finding.rule_id))
                row.decision_changed.connect(self.decision_changed)
                row.set_read_only(self._read_only)
            self._rows_box.addWidget(row)
            self.rows[finding.rule_id] = row
        for row in old.values():
            row.deleteLater()
        if findings:
            self.intro.setText(
                self.tr("1 finding. It needs a follow-up before the check can be finalised.")
                if len(findings) == 1
                else self.tr("{0} findings. Each needs a follow-up before the check can be finalised.").format(
                    len(findings)
                )
            )
        else:
            self.intro.setText(self.tr("No findings so far: nothing in this check crossed a threshold."))
        self._show_score_notes(score_notes)

    def _show_score_notes(self, notes: Sequence[str]) -> None:
        text = "\n".join(notes)
        for row in self.rows.values():
            from_score = row.finding.rule_id.startswith("qrisk3") or "QRISK3" in row.finding.reason
            wanted = text if from_score else ""
            if row.notes_label.text() != wanted:
                row.notes_label.setText(wanted)
            row.notes_label.setVisible(bool(wanted))

    def flush(self) -> None:
        for row in self.rows.values():
            row.flush()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for row in self.rows.values():
            row.set_read_only(read_only)
