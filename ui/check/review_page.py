"""The last look before finalising: what was recorded, what is missing, and why Finalise waits.

Finalise stays disabled, with the reasons in words beside it, while the core's
`finalise_blockers` lists anything (an element not recorded, a value still needing
correcting or confirming, a finding without a follow-up): the same list that makes the
core refuse to finalise, so the screen and the core never disagree. Each section done lists its values,
so the nurse checks the numbers themselves, not only that a section was filled in.
"Finalise the check..." first says what will be sent and to whom (as the person agreed to
sharing); only "Finalise and send" finalises. Once finalised the check cannot be changed;
"Amend" makes a new version and keeps this one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from outreach.checks import units
from outreach.checks.context import Blocker
from outreach.checks.definition import CheckDefinition
from outreach.checks.evaluation import CheckEvaluation
from outreach.clinical.blood_pressure import SUBSTANTIAL_DIFFERENCE_MMHG
from ui.check.model import STATE_SYMBOL
from ui.dates import entry_date
from ui.widgets.flow_layout import FlowLayout
from ui.widgets.length_limit import say_when_full


class ReviewPage(QScrollArea):
    confirm_requested = Signal()  # "Finalise the check...": show what will be sent first
    finalise_requested = Signal()  # confirmed: finalise now
    summary_requested = Signal(str)  # "preview" or "pdf"
    amend_requested = Signal(str)  # reason

    def __init__(self, parent: QWidget | None = None, definition: CheckDefinition | None = None) -> None:
        super().__init__(parent)
        self.definition = definition
        self.setObjectName("page:review")
        self.setAccessibleName(self.tr("Review and finalise"))
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 8, 12, 8)
        title = QLabel(self.tr("Review and finalise"), body)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        # Why Finalise waits (or that it may go) comes first: below the summary of a full check it was
        # under the fold at 1366x768, and the nurse pressed a greyed-out button without seeing why.
        self.blocked = QLabel("", body)
        self.blocked.setObjectName("review:blocked")
        self.blocked.setWordWrap(True)
        self.blocked.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.blocked)
        self.comprehensive = QLabel("", body)
        self.comprehensive.setObjectName("review:comprehensive")
        self.comprehensive.setWordWrap(True)
        layout.addWidget(self.comprehensive)
        self.elements = QLabel("", body)
        self.elements.setObjectName("review:elements")
        self.elements.setTextFormat(Qt.TextFormat.PlainText)
        self.elements.setWordWrap(True)
        layout.addWidget(self.elements)
        self.findings = QLabel("", body)
        self.findings.setObjectName("review:findings")
        self.findings.setWordWrap(True)
        self.findings.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.findings)

        # Wraps instead of widening the page: with high contrast's padding and a large font the row was
        # wider than the page, and the buttons below were cut off at its edge.
        buttons = FlowLayout(spacing=8)
        self.summary_button = QPushButton(self.tr("Print the person's summary..."), body)
        self.summary_button.setObjectName("review:summary")
        self.summary_button.setAccessibleName(self.tr("Print preview of the person's summary"))
        self.summary_button.clicked.connect(lambda: self.summary_requested.emit("preview"))
        self.pdf_button = QPushButton(self.tr("Save the summary as PDF..."), body)
        self.pdf_button.setObjectName("review:summary_pdf")
        self.pdf_button.setAccessibleName(self.tr("Save the person's summary as a PDF file"))
        self.pdf_button.clicked.connect(lambda: self.summary_requested.emit("pdf"))
        self.large_print = QCheckBox(self.tr("Large print"), body)
        self.large_print.setObjectName("review:large_print")
        self.large_print.setAccessibleName(self.tr("Large print summary"))
        self.summary_status = QLabel("", body)
        self.summary_status.setObjectName("review:summary_status")
        self.summary_status.setWordWrap(True)
        self.finalise_button = QPushButton(self.tr("Finalise the check..."), body)
        self.finalise_button.setObjectName("review:finalise")
        self.finalise_button.setAccessibleName(self.tr("Finalise the check: first shows what will be sent"))
        self.finalise_button.clicked.connect(self.confirm_requested)
        buttons.addWidget(self.summary_button)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.large_print)
        layout.addLayout(buttons)
        layout.addWidget(self.summary_status)
        finalise_row = QHBoxLayout()
        finalise_row.addStretch(1)
        finalise_row.addWidget(self.finalise_button)
        layout.addLayout(finalise_row)

        # The step before finalising: what will be sent, and to whom (as the person agreed).
        self.confirm_box = QFrame(body)
        self.confirm_box.setObjectName("review:confirm_box")
        self.confirm_box.setFrameShape(QFrame.Shape.StyledPanel)
        confirm = QVBoxLayout(self.confirm_box)
        self.confirm_text = QLabel("", self.confirm_box)
        self.confirm_text.setObjectName("review:confirm_text")
        self.confirm_text.setWordWrap(True)
        self.confirm_text.setTextFormat(Qt.TextFormat.PlainText)
        confirm.addWidget(self.confirm_text)
        confirm_buttons = FlowLayout(spacing=8)
        self.confirm_button = QPushButton(self.tr("Finalise and send"), self.confirm_box)
        self.confirm_button.setObjectName("review:confirm_finalise")
        self.confirm_button.setAutoDefault(True)
        self.confirm_button.clicked.connect(self.finalise_requested)
        self.cancel_confirm_button = QPushButton(self.tr("Not yet"), self.confirm_box)
        self.cancel_confirm_button.setObjectName("review:cancel_finalise")
        self.cancel_confirm_button.setAccessibleName(self.tr("Not yet: go back without finalising"))
        self.cancel_confirm_button.clicked.connect(self.hide_confirm)
        confirm_buttons.addWidget(self.confirm_button)
        confirm_buttons.addWidget(self.cancel_confirm_button)
        confirm.addLayout(confirm_buttons)
        self.confirm_box.hide()
        layout.addWidget(self.confirm_box)

        self.final_box = QFrame(body)
        self.final_box.setObjectName("review:final")
        final = QVBoxLayout(self.final_box)
        self.final_label = QLabel("", self.final_box)
        self.final_label.setWordWrap(True)
        final.addWidget(self.final_label)
        self.amend_reason = QLineEdit(self.final_box)
        self.amend_reason.setObjectName("review:amend_reason")
        self.amend_reason.setAccessibleName(self.tr("Reason for the amendment"))
        self.amend_reason.setPlaceholderText(self.tr("Why it needs amending, e.g. wrong weight entered"))
        self.amend_reason.setMaxLength(500)
        final.addWidget(self.amend_reason)
        final.addWidget(say_when_full(self.amend_reason, self.final_box))
        self.amend_button = QPushButton(self.tr("Amend (make a new version)"), self.final_box)
        self.amend_button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self.amend_button.setObjectName("review:amend")
        self.amend_button.setAccessibleName(self.tr("Amend the check: start a new version"))
        self.amend_button.clicked.connect(lambda: self.amend_requested.emit(self.amend_reason.text().strip()))
        final.addWidget(self.amend_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.final_box.hide()
        layout.addWidget(self.final_box)
        layout.addStretch(1)
        self.setWidget(body)
        self.reasons: list[str] = []

    def update_from(self, evaluation: CheckEvaluation, blockers: Sequence[Blocker], *, final: bool) -> None:
        """Show the check and why Finalise waits: `blockers` is the core's `finalise_blockers` list,
        the same one that refuses finalising, worded here so it can be translated."""
        finding_reasons = [b.message for b in blockers if b.kind == "follow_up"]
        completeness = evaluation.completeness
        if completeness.comprehensive:
            self.comprehensive.setText(self.tr("All six core elements are done."))
        else:
            self.comprehensive.setText(
                self.tr("Core elements not done: {0} of 6.").format(len(completeness.core_not_done))
            )
        lines = []
        for element in completeness.elements:
            words = {
                "done": self.tr("done"),
                "declined": self.tr("declined"),
                "not_possible": self.tr("not possible"),
            }.get(element.state, self.tr("to do"))
            line = f"{STATE_SYMBOL.get(element.state, '?')} {element.title}: {words}"
            if element.reason:
                line += f" ({element.reason})"
            elif element.missing and element.started:
                line += self.tr(" - still needed: {0}").format(", ".join(element.missing))
            lines.append(line)
            if element.state == "done":
                values = self.values_of(element.element_id, evaluation)
                if values:
                    lines.append("      " + "; ".join(values))
        self.elements.setText("\n".join(lines))
        findings = evaluation.findings
        if not findings:
            findings_text = self.tr("No findings.")
        elif finding_reasons:
            findings_text = self.tr("Findings: {0}. Still needing a follow-up: {1}.").format(
                len(findings), len(finding_reasons)
            )
        else:
            findings_text = self.tr("Findings: {0}, each with a follow-up.").format(len(findings))
        self.findings.setText(findings_text)
        reasons: list[str] = []
        titles = {e.element_id: e.title for e in completeness.elements}
        missing = [titles.get(b.subject, b.subject) for b in blockers if b.kind == "element"]
        if missing:
            reasons.append(
                self.tr("Say whether each element was done, declined or not possible: {0}.").format(
                    ", ".join(missing)
                )
            )
        # Each refused or unconfirmed value by its own message, so the nurse knows which one to go back to.
        reasons.extend(
            self.tr("Correct or confirm: {0}").format(b.message) for b in blockers if b.kind == "answer"
        )
        if any(b.kind == "measurement" for b in blockers):
            # NICE NG136: a third reading when the first two differ substantially (the core's words,
            # translated).
            reasons.append(
                self.tr(
                    "Blood pressure: take a third reading (the first two differ by more than {0} mmHg)."
                ).format(SUBSTANTIAL_DIFFERENCE_MMHG)
            )
        reasons.extend(finding_reasons)
        self.reasons = reasons
        self.finalise_button.setEnabled(not reasons and not final)
        self.finalise_button.setVisible(not final)
        if (reasons or final) and self.confirming:
            self.hide_confirm()  # what it said is no longer true
        if final:
            self.blocked.clear()
        elif reasons:
            text = self.tr("Finalise is not possible yet:") + "\n" + "\n".join(f"- {r}" for r in reasons)
            self.blocked.setText(text)
            self.finalise_button.setAccessibleDescription(text)
        else:
            self.blocked.setText(
                self.tr(
                    "Ready to finalise: read the check below, then press Finalise at the end. After "
                    "finalising the check cannot be changed; an amendment makes a new version."
                )
            )
            self.finalise_button.setAccessibleDescription("")

    def values_of(self, element_id: str, evaluation: CheckEvaluation) -> list[str]:
        """ "Height 175 cm", "Diabetes: No diabetes"...: what was recorded in one element, so the nurse
        checks the values themselves before finalising, not only that each section is done."""
        defn = self.definition
        if defn is None or element_id not in defn.element_by_id:
            return []
        out = []
        for link_id in defn.element_by_id[element_id].item_ids:
            if link_id not in evaluation.values:
                continue
            item = defn.items[link_id]
            text = self._value_text(item, evaluation.values[link_id])
            if text:
                out.append(self.tr("{0}: {1}").format(item.label or item.text, text))
        return out

    def _value_text(self, item: Any, value: Any) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return self.tr("Yes") if value else self.tr("No")
        if item.type == "choice":
            option = item.option_by_code.get(value)
            return option.display if option is not None else str(value)
        if isinstance(value, (int, float)):
            unit = units.unit_label(item.unit) if item.unit else ""
            return f"{units.format_number(value)} {unit}".strip()  # as the supervisor sees it too
        if item.type == "date":
            return entry_date(value)
        text = str(value).strip()
        return text if len(text) <= 80 else text[:77] + "..."

    def show_confirm(self, text: str) -> None:
        """Say what finalising will send and to whom, with the button that does it (keyboard on it)."""
        self.confirm_text.setText(text)
        self.confirm_box.setAccessibleName(self.tr("Confirm finalising"))
        self.confirm_button.setAccessibleName(self.tr("Finalise and send: {0}").format(text))
        self.confirm_box.show()
        self.confirm_button.setFocus(Qt.FocusReason.OtherFocusReason)
        # Scrolled into view once the page has laid it out (its size is not known before).
        QTimer.singleShot(0, self, lambda: self.ensureWidgetVisible(self.confirm_box))

    def hide_confirm(self) -> None:
        had_focus = (focus := QApplication.focusWidget()) is not None and self.confirm_box.isAncestorOf(focus)
        self.confirm_box.hide()
        if had_focus and self.finalise_button.isVisible():
            self.finalise_button.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def confirming(self) -> bool:
        return not self.confirm_box.isHidden()

    def show_final(self, text: str | None) -> None:
        self.final_box.setVisible(text is not None)
        if text is not None:
            self.final_label.setText(text)
