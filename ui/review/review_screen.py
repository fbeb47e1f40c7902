"""One check under review: the newest version exactly as the worker saw it, and the decision.

The check itself is shown by the worker's own check screen (`ui.check.workflow.CheckWorkflow`)
over the version the shared record holds, read-only: the same sections, values, findings page
and review page the worker finalised, so the supervisor never reads a second rendering that
could differ from the worker's. Beside it: the findings with the follow-up decided for each
(and where it stands now), the consent in words, every version with what changed between
them, and earlier decisions.

"Approve" and "Return with comments" first say what will happen (as finalising does, in the
screen, not a dialog); returning needs comments, and says so plainly when there are none. The
decision is recorded on the store worker (`outreach.team.decisions.decide`: outbox, audit),
and the screen then shows the check's new state as the store has it.
"""

from __future__ import annotations

import dataclasses
from functools import partial
from html import escape
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from outreach.errors import UserFacingError
from outreach.store.records import FollowUpRecord
from outreach.team.assemble import NO_VENUE
from outreach.team.records import APPROVED, RETURNED, TeamCheckView
from ui.check.findings_page import FindingsPage
from ui.check.review_page import ReviewPage
from ui.check.workflow import CheckWorkflow
from ui.context import AppContext
from ui.dates import day_text, local_time
from ui.errors import show_error
from ui.home.words import describe_decision
from ui.ops.check import OpenedCheck
from ui.ops.team import DecisionMade, decide_review, load_team_check
from ui.review.words import state_words
from ui.widgets.flow_layout import FlowLayout

COMMENT_LIMIT = 4000  # characters, as the core allows (outreach.team.decisions): a few paragraphs


class ReadOnlyCheck(CheckWorkflow):
    """The worker's check screen over a version from the shared record: read-only, nothing to amend,
    print or save, and its way out leads back to the review queue."""

    PREBUILD_PAGES = False  # the supervisor looks at a few sections; build each as it is opened

    def __init__(self, context: AppContext, view: TeamCheckView, parent: QWidget | None = None) -> None:
        super().__init__(context, view.person.id, view.check.id, parent)
        self.team_view = view
        self.setAccessibleName(self.tr("The check as the worker recorded it"))
        check = view.check if view.check.is_final else dataclasses.replace(view.check, status="finalised")
        self._opened(OpenedCheck(view.person, check, {}, ()))

    def _load(self) -> None:
        """Nothing to read: the check comes with the review (the team's copy is not the worker's store)."""

    def _show_final_state(self) -> None:
        super()._show_final_state()
        form = self.form
        if form is None or self.record is None:
            return
        form.close_button.setText(self.tr("Back to the queue"))
        form.close_button.setAccessibleName(self.tr("Leave this check and go back to the review queue"))
        form.banner_amend.hide()
        form.banner_label.setText(
            self.tr(
                "Version {0}, finalised {1} by {2}. Shown read-only, exactly as the worker recorded it."
            ).format(
                self.record.edition, local_time(self.record.finalised_at), self.record.finalised_by or ""
            )
        )
        form.banner.show()
        for page in form.pages.values():
            if isinstance(page, ReviewPage):
                page.final_box.hide()
                for widget in (page.summary_button, page.pdf_button, page.large_print, page.summary_status):
                    widget.hide()
            elif isinstance(page, FindingsPage):
                page.set_read_only(True)

    def amend(self, reason: str) -> None:
        """A supervisor never amends a worker's check: they return it with comments."""

    def make_summary(self, action: str) -> None:
        """The person's summary is the worker's to give; nothing is printed from the review."""


class ReviewScreen(QWidget):
    """The review of one check (`chain_id`). `decided(TeamCheckView)` after a decision is recorded;
    `closed` when the supervisor goes back to the queue; `ready` once the check is on screen."""

    decided = Signal(object)
    closed = Signal()
    ready = Signal()

    def __init__(self, context: AppContext, chain_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("review-screen")
        self.setAccessibleName(self.tr("Review of a check"))
        self.context = context
        self.chain_id = chain_id
        self.view: TeamCheckView | None = None
        self.check: ReadOnlyCheck | None = None
        self._approve_pending: bool | None = None  # the decision waiting for its confirmation
        self._busy = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget(self)
        layout.addWidget(self.stack)
        self.loading = QLabel(self.tr("Opening the check..."), self)
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading.setWordWrap(True)
        self.stack.addWidget(self.loading)

        self.body = QSplitter(Qt.Orientation.Horizontal, self)
        self.body.setObjectName("review-screen:splitter")
        self.body.setChildrenCollapsible(False)
        self.stack.addWidget(self.body)
        self.check_holder = QStackedWidget(self.body)
        self.body.addWidget(self.check_holder)
        self.panel = self._build_panel(self.body)
        self.body.addWidget(self.panel)
        self.body.setStretchFactor(0, 3)
        self.body.setStretchFactor(1, 1)
        self.load()

    # -- building ------------------------------------------------------------------------------------
    def _build_panel(self, parent: QWidget) -> QWidget:
        panel = QWidget(parent)
        panel.setObjectName("review-screen:panel")
        panel.setMinimumWidth(self.fontMetrics().averageCharWidth() * 44)
        column = QVBoxLayout(panel)
        column.setContentsMargins(6, 8, 8, 8)
        self.state_label = QLabel("", panel)
        self.state_label.setObjectName("review-screen:state")
        self.state_label.setWordWrap(True)
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.state_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.state_label.setFont(font)
        column.addWidget(self.state_label)
        self.details = QTextBrowser(panel)
        self.details.setObjectName("review-screen:details")
        self.details.setAccessibleName(
            self.tr("About this check: findings and follow-ups, consent, versions and decisions")
        )
        self.details.setOpenLinks(False)
        column.addWidget(self.details, 1)

        self.decision_box = QFrame(panel)
        self.decision_box.setObjectName("review-screen:decision")
        self.decision_box.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(self.decision_box)
        box.setContentsMargins(6, 6, 6, 6)
        self.comment_caption = QLabel(
            self.tr("Co&mments for the worker (needed to return the check):"), panel
        )
        self.comment_caption.setWordWrap(True)
        box.addWidget(self.comment_caption)
        self.comment_edit = QPlainTextEdit(self.decision_box)
        self.comment_edit.setObjectName("review-screen:comment")
        self.comment_edit.setAccessibleName(self.tr("Comments for the worker"))
        self.comment_edit.setPlaceholderText(self.tr("What should be checked or changed, e.g. the weight "
                                                     "looks wrong"))
        self.comment_edit.setTabChangesFocus(True)  # Tab leaves the box: keyboard users are never trapped
        line = self.fontMetrics().height()
        self.comment_edit.setFixedHeight(line * 4 + 12)
        self.comment_edit.textChanged.connect(self._comment_changed)
        self.comment_caption.setBuddy(self.comment_edit)
        box.addWidget(self.comment_edit)
        buttons = QHBoxLayout()
        self.approve_button = QPushButton(self.tr("&Approve"), self.decision_box)
        self.approve_button.setObjectName("review-screen:approve")
        self.approve_button.setAccessibleName(self.tr("Approve this version of the check"))
        self.approve_button.clicked.connect(lambda: self.ask(approve=True))
        self.return_button = QPushButton(self.tr("Re&turn with comments"), self.decision_box)
        self.return_button.setObjectName("review-screen:return")
        self.return_button.setAccessibleName(self.tr("Return the check to the worker with your comments"))
        self.return_button.clicked.connect(lambda: self.ask(approve=False))
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.return_button)
        buttons.addStretch(1)
        box.addLayout(buttons)
        self.message = QLabel("", self.decision_box)
        self.message.setObjectName("review-screen:message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        box.addWidget(self.message)

        # The step before deciding: what will happen, with the button that does it.
        self.confirm_box = QFrame(self.decision_box)
        self.confirm_box.setObjectName("review-screen:confirm")
        confirm = QVBoxLayout(self.confirm_box)
        confirm.setContentsMargins(0, 0, 0, 0)
        self.confirm_text = QLabel("", self.confirm_box)
        self.confirm_text.setWordWrap(True)
        self.confirm_text.setTextFormat(Qt.TextFormat.PlainText)
        confirm.addWidget(self.confirm_text)
        confirm_buttons = FlowLayout(spacing=8)
        self.confirm_button = QPushButton("", self.confirm_box)
        self.confirm_button.setObjectName("review-screen:confirm-yes")
        self.confirm_button.setAutoDefault(True)
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button = QPushButton(self.tr("Not yet"), self.confirm_box)
        self.cancel_button.setObjectName("review-screen:confirm-no")
        self.cancel_button.setAccessibleName(self.tr("Not yet: go back without deciding"))
        self.cancel_button.clicked.connect(self.cancel_confirm)
        confirm_buttons.addWidget(self.confirm_button)
        confirm_buttons.addWidget(self.cancel_button)
        confirm.addLayout(confirm_buttons)
        self.confirm_box.hide()
        box.addWidget(self.confirm_box)
        column.addWidget(self.decision_box)

        QWidget.setTabOrder(self.details, self.comment_edit)
        QWidget.setTabOrder(self.comment_edit, self.approve_button)
        QWidget.setTabOrder(self.approve_button, self.return_button)
        QWidget.setTabOrder(self.return_button, self.confirm_button)
        QWidget.setTabOrder(self.confirm_button, self.cancel_button)
        return panel

    # -- loading -------------------------------------------------------------------------------------
    def load(self) -> None:
        self.context.runner.run_db(
            load_team_check,
            self.context.store,
            self.chain_id,
            name="ui.review.open",
            on_success=self._loaded,
            on_error=self._load_failed,
        )

    def _load_failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self.loading.setText(self.tr("This check could not be opened."))
        show_error(exc, self)

    def _loaded(self, view: TeamCheckView) -> None:
        if not shiboken6.isValid(self):
            return
        self.show_view(view)
        self.ready.emit()

    def refresh(self) -> None:
        """Read the check again (after a sync): a newer version replaces the one on screen, with a word
        saying so; otherwise only the panel changes (a decision now confirmed, a follow-up closed)."""
        if self._busy:
            return
        self.context.runner.run_db(
            load_team_check,
            self.context.store,
            self.chain_id,
            name="ui.review.refresh",
            on_success=self._refreshed,
            on_error=lambda _exc: None,  # what is on screen stays; the next sync tries again
        )

    def _refreshed(self, view: TeamCheckView) -> None:
        if not shiboken6.isValid(self) or self._busy:
            return
        newer = self.view is not None and view.check_id != self.view.check_id
        self.show_view(view)
        if newer:
            self.hide_confirm()
            self.message.setText(
                self.tr("Version {0} has just come in from {1}: it is the one shown now.").format(
                    view.edition, view.worker
                )
            )

    def show_view(self, view: TeamCheckView) -> None:
        """Show `view`; the worker's check screen is rebuilt only when the version changed."""
        self.view = view
        self.chain_id = view.chain_id
        if self.check is None or self.check.check_id != view.check.id:
            if self.check is not None:
                self.check_holder.removeWidget(self.check)
                self.check.deleteLater()
            self.check = ReadOnlyCheck(self.context, view, self.check_holder)
            self.check.closed.connect(self.closed)
            self.check_holder.addWidget(self.check)
            self.check_holder.setCurrentWidget(self.check)
        self.details.setHtml(self.details_html(view))
        self._show_state(view)
        self.stack.setCurrentWidget(self.body)
        if not self.body.property("sized"):
            self.body.setProperty("sized", True)
            width = max(self.width(), 1000)
            side = max(self.panel.minimumWidth(), width * 30 // 100)
            self.body.setSizes([width - side, side])

    def _show_state(self, view: TeamCheckView) -> None:
        version = (
            self.tr("version {0} (amended)").format(view.edition)
            if view.edition > 1
            else self.tr("version 1")
        )
        urgent = any(_severity(f.document) == "urgent" for f in view.findings)
        text = self.tr("{0}: {1}, {2}").format(state_words(view.state), view.person.display_name, version)
        if urgent:
            text = self.tr("! Urgent finding. {0}").format(text)
        self.state_label.setText(text)
        self.state_label.setAccessibleName(text)
        decided = view.state in (RETURNED, APPROVED)
        self.approve_button.setEnabled(not decided and not self._busy)
        self.return_button.setEnabled(not decided and not self._busy)
        # Once decided, nothing is waiting for comments until the worker resubmits.
        self.comment_caption.setVisible(not decided)
        self.comment_edit.setVisible(not decided)
        if decided:
            self.hide_confirm()
            last = view.decisions[-1] if view.decisions else None
            if view.state == RETURNED:
                words = self.tr("Returned to {0} with comments{1}. It comes back here when they resubmit it.")
            else:
                words = self.tr("Approved{1}. Nothing more to do unless {0} amends it.")
            when = self.tr(" on {0}").format(local_time(last.at)) if last is not None else ""
            self.message.setText(words.format(view.worker, when))

    # -- what the panel says -----------------------------------------------------------------------------
    def details_html(self, view: TeamCheckView) -> str:
        """Findings and follow-ups, consent, versions with their changes, and decisions, as simple HTML
        (every value escaped: names and comments are typed by people)."""
        e = escape
        if view.venue and view.venue != NO_VENUE:
            where = self.tr("Checked by {0} at {1} on {2}.").format(
                view.worker, view.venue, day_text(view.visit_date)
            )
        else:
            where = self.tr("Checked by {0} on {1} (no venue recorded).").format(
                view.worker, day_text(view.visit_date)
            )
        # Lists indented one step only: the panel is narrow, and nested lists would squeeze the words.
        parts = ["<style>ul { margin-left: 0px; -qt-list-indent: 1; }</style>", f"<p>{e(where)}</p>"]
        parts.append(f"<h3>{e(self.tr('Findings and follow-ups'))}</h3>")
        if not view.findings:
            parts.append(f"<p>{e(self.tr('No findings.'))}</p>")
        else:
            by_finding: dict[str, FollowUpRecord] = {f.finding_id: f for f in view.follow_ups}
            by_rule: dict[str, FollowUpRecord] = {
                str(f.document.get("rule_id", "")): f for f in view.follow_ups if f.document.get("rule_id")
            }
            items = []
            for finding in view.findings:
                doc = finding.document
                title = str(doc.get("title") or finding.rule_id)
                urgent = _severity(doc) == "urgent"
                head = (self.tr("! Urgent: {0}") if urgent else "{0}").format(title)
                line = f"<b>{e(head)}</b>"
                reason = doc.get("reason")
                if reason:
                    line += f"<br>{e(str(reason))}"
                follow = by_finding.get(finding.id) or by_rule.get(finding.rule_id)
                line += "<br>" + e(self.follow_up_words(follow))
                items.append(f"<li>{line}</li>")
            parts.append("<ul>" + "".join(items) + "</ul>")
        parts.append(f"<h3>{e(self.tr('Consent'))}</h3>")
        parts.append(f"<p>{e(view.consent_words or self.tr('Not recorded.'))}</p>")
        parts.append(f"<h3>{e(self.tr('Versions'))}</h3>")
        items = []
        for version in view.versions:
            head = self.tr("Version {0}, finalised {1}").format(
                version.edition, local_time(version.finalised_at)
            )
            line = f"<b>{e(head)}</b>"
            if version.reason:
                line += "<br>" + e(self.tr("Why it was amended: {0}").format(version.reason))
            if version.edition > 1:
                if version.changes:
                    changes = "".join(
                        "<li>"
                        + e(
                            self.tr("{0}: {1} \u2192 {2}").format(
                                c.label, c.before or self.tr("(none)"), c.after or self.tr("(none)")
                            )
                        )
                        + "</li>"
                        for c in version.changes
                    )
                    line += "<br>" + e(self.tr("What changed:")) + f"<ul>{changes}</ul>"
                else:
                    line += "<br>" + e(self.tr("No answer changed."))
            items.append(f"<li>{line}</li>")
        parts.append(
            "<ul>" + "".join(items) + "</ul>" if items else f"<p>{e(self.tr('Only this version.'))}</p>"
        )
        parts.append(f"<h3>{e(self.tr('Decisions'))}</h3>")
        if not view.decisions:
            parts.append(f"<p>{e(self.tr('None yet.'))}</p>")
        else:
            items = []
            for decision in view.decisions:
                what = self.tr("Approved") if decision.approved else self.tr("Returned with comments")
                head = self.tr("{0} by {1}, {2}").format(what, decision.by, local_time(decision.at))
                edition = next((v.edition for v in view.versions if v.check_id == decision.check_id), None)
                if edition is not None:
                    head += self.tr(" (version {0})").format(edition)
                line = f"<b>{e(head)}</b>"
                if decision.comment:
                    line += "<br>" + e(decision.comment)
                if not decision.sent:
                    line += "<br><i>" + e(self.tr("Waiting to reach the shared record (next sync).")) + "</i>"
                items.append(f"<li>{line}</li>")
            parts.append("<ul>" + "".join(items) + "</ul>")
        return "".join(parts)

    def follow_up_words(self, follow: FollowUpRecord | None) -> str:
        if follow is None:
            return self.tr("Follow-up: none recorded.")
        words = self.tr("Follow-up: {0}").format(describe_decision(follow, self.context.directory))
        if follow.due_on:
            words += self.tr(", to check by {0}").format(day_text(follow.due_on))
        if follow.state == "closed":
            outcome = (follow.outcome or "closed").replace("_", " ")
            words += self.tr(". Closed: {0}.").format(outcome)
        else:
            words += self.tr(". Still open.")
        return words

    # -- deciding ------------------------------------------------------------------------------------
    def _comment_changed(self) -> None:
        if self._approve_pending is False and not self.comment_text():
            self.hide_confirm()
        if self.comment_text() and self.message.property("problem"):
            self.message.setProperty("problem", False)
            self.message.clear()

    def comment_text(self) -> str:
        return self.comment_edit.toPlainText().strip()

    def ask(self, *, approve: bool) -> None:
        """First step of a decision: say what will happen (or why it cannot), nothing recorded yet."""
        view = self.view
        if view is None or self._busy:
            return
        comment = self.comment_text()
        if not approve and not comment:
            self.hide_confirm()
            self._problem(
                self.tr("Write your comments for the worker first: they say what to check or change.")
            )
            self.comment_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if len(comment) > COMMENT_LIMIT:
            self._problem(self.tr("Comments can be at most {0} characters.").format(COMMENT_LIMIT))
            self.comment_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.message.clear()
        self._approve_pending = approve
        if approve:
            text = self.tr("Approve version {0} of this check? {1} will see \u201cApproved\u201d.").format(
                view.edition, view.worker
            )
            if comment:
                text += " " + self.tr("Your comments go with it.")
            self.confirm_button.setText(self.tr("Yes, approve"))
        else:
            text = self.tr(
                "Return version {0} to {1} with your comments? They will see \u201cReturned with "
                "comments\u201d "
                "and can amend the check; it comes back here as resubmitted."
            ).format(view.edition, view.worker)
            self.confirm_button.setText(self.tr("Yes, return it"))
        self.confirm_text.setText(text)
        self.confirm_button.setAccessibleName(text)
        self.confirm_box.show()
        self.confirm_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _problem(self, text: str) -> None:
        self.message.setProperty("problem", True)
        self.message.setText(text)
        self.comment_edit.setAccessibleDescription(text)

    def hide_confirm(self) -> None:
        self._approve_pending = None
        self.confirm_box.hide()

    def cancel_confirm(self) -> None:
        approve = self._approve_pending
        self.hide_confirm()
        (self.approve_button if approve else self.return_button).setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def confirming(self) -> bool:
        return not self.confirm_box.isHidden()

    def confirm(self) -> None:
        """Record the decision on the store worker; the screen shows the state the store then has."""
        approve = self._approve_pending
        if approve is None or self.view is None or self._busy:
            return
        self.hide_confirm()
        self._busy = True
        self.approve_button.setEnabled(False)
        self.return_button.setEnabled(False)
        self.message.setText(self.tr("Recording your decision..."))
        user = self.context.user.name if self.context.user is not None else ""
        self.context.runner.run_db(
            partial(
                decide_review,
                approve=approve,
                comment=self.comment_text(),
                user=user,
                check_id=self.view.check_id,
            ),
            self.context.store,
            self.view.chain_id,
            name="ui.review.decide",
            on_success=self._decided,
            on_error=self._decide_failed,
        )

    def _decide_failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self._busy = False
        if self.view is not None:
            self._show_state(self.view)
        if isinstance(exc, UserFacingError):
            self._problem(str(exc))  # e.g. a newer version arrived meanwhile: said in plain words here
            if getattr(exc, "item", None) == "version":
                self.refresh()  # and the newer version is put on screen to be read
            return
        self.message.clear()
        show_error(exc, self)

    def _decided(self, made: DecisionMade) -> None:
        if not shiboken6.isValid(self):
            return
        self._busy = False
        self.comment_edit.clear()
        self.show_view(made.view)
        if made.decision.approved:
            text = self.tr("Approved. {0} will see it after the next sync.")
        else:
            text = self.tr("Returned with your comments. {0} will see them after the next sync.")
        self.message.setText(text.format(made.view.worker))
        self.message.setAccessibleName(self.message.text())
        self.decided.emit(made.view)

    def focus_first(self) -> None:
        """The keyboard starts on the check's section list, so the supervisor reads before deciding."""
        if self.check is not None and self.check.form is not None:
            self.check.form.sections.setFocus(Qt.FocusReason.OtherFocusReason)


def _severity(document: dict[str, Any]) -> str:
    return str(document.get("severity") or "")
