"""One person's check from consent to finalised: the widget the main window shows.

    workflow = CheckWorkflow(context, person_id)              # consent, then a new check
    workflow = CheckWorkflow(context, person_id, draft_id)    # carry on with a draft
    workflow = CheckWorkflow(context, person_id, final_id)    # read-only, with "Amend"

Every answer is checked as it is typed, evaluated at once (BMI, AUDIT-C, QRISK3,
findings, completeness: microseconds in the core) and saved through the task runner's
store worker, so the screen never waits on the disk. `closed` fires only once everything
given has been saved; `finalised(check_id)` once the check is frozen and queued for sync.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from outreach.checks.context import Blocker, CheckContext, build_context
from outreach.checks.evaluation import CheckEvaluation
from outreach.clinical.findings import FollowUpDecision
from outreach.errors import ValidationError
from outreach.store.records import CheckRecord, PersonRecord
from ui.check.autosave import Autosaver
from ui.check.consent_page import RECIPIENTS, ConsentPage
from ui.check.element_page import ElementPage
from ui.check.findings_page import FindingsPage
from ui.check.form import REVIEW, CheckForm
from ui.check.model import decision_to_doc
from ui.check.review_page import ReviewPage
from ui.context import AppContext
from ui.dates import entry_date, local_time
from ui.errors import show_error
from ui.ops.check import OpenedCheck, amend_check, finalise_check, load_check, start_check

PathChooser = Callable[[str], str | None]


class CheckWorkflow(QWidget):
    PREBUILD_PAGES = True  # build the other pages in idle moments after opening (the benchmark turns it off)

    closed = Signal()
    finalised = Signal(str)
    evaluated = Signal()  # after every re-evaluation (the screen is up to date)
    ready = Signal()  # the consent page or the check is on screen
    summary_saved = Signal(str)  # path of the PDF written

    def __init__(
        self, context: AppContext, person_id: str, check_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.person_id = person_id
        self.check_id = check_id
        self.setObjectName("check-workflow")
        self.setAccessibleName(self.tr("Health check"))
        self.person: PersonRecord | None = None
        self.consent: dict[str, bool] = {}  # scope -> the person's newest answer (what finalising may send)
        self.record: CheckRecord | None = None
        self.answers: dict[str, Any] = {}  # as saved (or being saved)
        self.invalid: dict[str, Any] = {}  # refused values on screen: never saved, but they block finalising
        self.decisions: dict[str, FollowUpDecision] = {}
        self.due_dates: dict[str, str | None] = {}  # rule id -> date to check a referral happened
        self.evaluation: CheckEvaluation | None = None
        # The core's one check context (visit date, the person's facts on it, statuses read once,
        # evaluation): what the summary, finalising and the shared record also use.
        self.check_context: CheckContext | None = None
        self.blockers: list[Blocker] = []
        self.finding_reasons: list[str] = []
        self.form: CheckForm | None = None
        self.consent_page: ConsentPage | None = None
        self.autosaver: Autosaver | None = None
        self.read_only = False
        self._close_when_saved = False
        self._finalise_when_saved = False
        self._busy = False
        # Where the summary PDF goes: asks the worker; tests put a function here.
        self.choose_pdf_path: PathChooser = self._ask_pdf_path
        # The last control the nurse was in, to give the keyboard back after a lock.
        self._last_focus: QWidget | None = None
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_moved)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget(self)
        layout.addWidget(self.stack)
        self.loading = QLabel(self.tr("Opening..."), self)
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.loading)
        self._load()

    # -- opening ------------------------------------------------------------------------------
    def _load(self) -> None:
        self.context.runner.run_db(
            load_check,
            self.context.store,
            self.person_id,
            self.check_id,
            name="check.open",
            on_success=self._opened,
            on_error=self._open_failed,
        )

    def _open_failed(self, exc: BaseException) -> None:
        self._show_message(self.tr("This check could not be opened."))
        show_error(exc, self)

    def _opened(self, opened: OpenedCheck) -> None:
        self.person = opened.person
        self.consent = dict(opened.consent)
        if opened.check is None:
            self._show_consent()
        else:
            self._show_check(opened.check, opened.history)

    def person_name(self) -> str:
        return self.person.display_name if self.person else ""

    def _show_message(self, text: str) -> None:
        page = QWidget(self)
        page.setObjectName("page:message")
        column = QVBoxLayout(page)
        label = QLabel(text, page)
        label.setObjectName("workflow:message")
        label.setWordWrap(True)
        column.addWidget(label)
        back = QPushButton(self.tr("Back to home"), page)
        back.setObjectName("workflow:back")
        back.setAccessibleName(self.tr("Back to home"))
        back.clicked.connect(self.closed)
        column.addWidget(back)
        column.addStretch(1)
        self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        back.setFocus()
        self.ready.emit()

    # -- consent ------------------------------------------------------------------------------
    def _show_consent(self) -> None:
        page = ConsentPage(self.person_name(), self)
        page.submitted.connect(self._consent_given)
        page.cancelled.connect(self.closed)
        self.consent_page = page
        self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), page)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(page.submit)
        page.check_question.yes.setFocus()
        self.ready.emit()

    def _consent_given(self, answers: dict[str, Any]) -> None:
        note = answers.pop("note", None)
        self.consent.update({k: bool(v) for k, v in answers.items()})
        self.context.runner.run_db(
            partial(
                start_check,
                definition_version=self.context.definition.version,
                session_id=self.context.session_id,
                note=note,
                townsend_file=self.context.org_config.townsend_file,
            ),
            self.context.store,
            self.person_id,
            answers,
            name="check.start",
            on_success=self._started,
            on_error=self._start_failed,
        )

    def _start_failed(self, exc: BaseException) -> None:
        if self.consent_page is not None:
            self.consent_page.failed()
        show_error(exc, self)

    def _started(self, record: CheckRecord | None) -> None:
        if record is None:
            self._show_message(
                self.tr("Recorded: {0} did not agree to the check today. Nothing else was recorded.").format(
                    self.person_name()
                )
            )
            return
        self._show_check(record)

    # -- the check ----------------------------------------------------------------------------
    def _title(self) -> str:
        assert self.record is not None
        state = self.tr("finalised") if self.record.is_final else self.tr("draft")
        version = self.tr(", version {0}").format(self.record.edition) if self.record.edition > 1 else ""
        title = self.tr("Health check: {0} ({1}{2})").format(self.person_name(), state, version)
        born = self.person.details.date_of_birth if self.person is not None else ""
        if born:
            # The date of birth beside the name, so the nurse can confirm they have the right person.
            title = self.tr("{0} - born {1}").format(title, entry_date(born))
        current = self.context.definition.version
        if self.record.definition_version != current:
            # Started with other check content: shown with today's questions, which may differ a little.
            title += self.tr(" - started with check content {0}, shown with {1}").format(
                self.record.definition_version, current
            )
        return title

    def _show_check(self, record: CheckRecord, history: Sequence[CheckRecord] = ()) -> None:
        self.record = record
        self.check_id = record.id
        self.read_only = record.is_final
        self.check_context = build_context(
            record, self.person, definition=self.context.definition, rules=self.context.rules, history=history
        )
        self.answers = dict(self.check_context.answers)  # element statuses merged once, by the core
        self.invalid = {}
        self.decisions = dict(self.check_context.decisions)
        self.due_dates = {k: v.get("due_on") for k, v in record.decisions.items() if isinstance(v, dict)}
        self._facts = self.check_context.person  # on the visit day, as finalising will see them
        if self.autosaver is not None:
            self.autosaver.stop()
        self.autosaver = Autosaver(self.context.runner, self.context.store, record.id, self)
        if self.form is not None:
            self.stack.removeWidget(self.form)
            self.form.deleteLater()
        form = CheckForm(self.context.definition, self.context.directory, self._title(), self)
        self.form = form
        self.autosaver.state_changed.connect(form.saved_label.setText)
        self.autosaver.saved.connect(self._after_save)
        self.autosaver.failed.connect(self._save_failed)
        form.page_built.connect(self._page_built)
        form.close_requested.connect(self.request_close)
        form.confirm_action = self._confirm_action
        self.stack.addWidget(form)
        self.stack.setCurrentWidget(form)
        self._evaluate()
        self._show_final_state()
        form.show_section(self._first_section())
        page = form.stack.currentWidget()
        if isinstance(page, ElementPage):
            first = page.first_input()
            if first is not None:
                first.setFocus()
        if self.PREBUILD_PAGES:
            QTimer.singleShot(100, form, form.prebuild)
        self.ready.emit()

    def _first_section(self) -> str:
        """A resumed draft opens at the first element not yet recorded; a final check at the review."""
        if self.read_only or self.evaluation is None:
            return REVIEW
        for element in self.evaluation.completeness.elements:
            if not element.recorded:
                return element.element_id
        return REVIEW

    def _save_failed(self, exc: BaseException) -> None:
        show_error(exc, self)

    def _page_built(self, page: QWidget) -> None:
        if isinstance(page, ElementPage):
            page.load(self.answers)
            if self.evaluation is not None:
                page.apply_enabled(self.evaluation.review.enabled)
                if not self.read_only:
                    page.show_missing(self.evaluation.completeness.element(page.element.id))
            page.answer_changed.connect(lambda link, p=page: self._answer_changed(p, link))
            page.set_read_only(self.read_only)
        elif isinstance(page, FindingsPage):
            page.set_read_only(self.read_only)
            if self.evaluation is not None:
                page.show_findings(
                    self.evaluation.findings, self.decisions, self.due_dates, self._score_notes()
                )
            page.decision_changed.connect(self._decision_changed)
        elif isinstance(page, ReviewPage):
            page.finalise_requested.connect(self.finalise)
            page.confirm_requested.connect(self.ask_finalise)
            page.summary_requested.connect(self.make_summary)
            page.amend_requested.connect(self.amend)
            self._update_review(page)
            self._show_final_state()

    def _answer_changed(self, page: ElementPage, link_id: str) -> None:
        if self.read_only or self.autosaver is None:
            return
        field = page.fields[link_id]
        refused = field.invalid_entry()
        if refused is not None:
            self.invalid[link_id] = refused
            self._evaluate()
            return
        had_problem = self.invalid.pop(link_id, None) is not None
        entry = field.entry()
        if had_problem and entry == self.answers.get(link_id):
            self._evaluate()  # corrected back to what is saved
            return
        if entry is None:
            self.answers.pop(link_id, None)
        else:
            self.answers[link_id] = entry
        self._evaluate()
        self.autosaver.add_answer(link_id, entry)
        element = self.context.definition.element_by_id.get(page.element.id)
        if element is not None and link_id in (element.status_id, element.reason_id):
            status = self.answers.get(element.status_id)
            reason = self.answers.get(element.reason_id)
            reason = reason.strip() if isinstance(reason, str) else None
            if status == "done":
                self.autosaver.add_status(element.id, "done", None)
            elif status in ("declined", "not_possible") and reason:
                self.autosaver.add_status(element.id, status, reason)
            else:
                self.autosaver.add_status(element.id, "incomplete", None)

    def _decision_changed(self, rule_id: str) -> None:
        if self.read_only or self.autosaver is None or self.form is None:
            return
        page = self.form.pages.get("findings")
        if not isinstance(page, FindingsPage) or rule_id not in page.rows:
            return
        row = page.rows[rule_id]
        decision = row.decision
        had = rule_id in self.decisions
        if decision is None:
            self.decisions.pop(rule_id, None)
            self.due_dates.pop(rule_id, None)
        else:
            self.decisions[rule_id] = decision
            self.due_dates[rule_id] = row.due_on
        self._evaluate()
        if decision is not None:
            self.autosaver.add_decision(rule_id, row.decision_doc())
        elif had:
            self.autosaver.add_decision(rule_id, None)

    def _evaluate(self) -> None:
        answers = {**self.answers, **self.invalid} if self.invalid else self.answers
        assert self.check_context is not None
        self.check_context = self.check_context.revised(answers=answers, decisions=self.decisions)
        self.evaluation = self.check_context.evaluation
        self.blockers = self.check_context.blockers(self.context.directory.services.keys())
        self.finding_reasons = [b.message for b in self.blockers if b.kind == "follow_up"]
        form = self.form
        if form is None:
            return
        enabled = self.evaluation.review.enabled
        completeness = self.evaluation.completeness
        for page in form.pages.values():
            if isinstance(page, ElementPage):
                page.apply_enabled(enabled)
                page.show_missing(None if self.read_only else completeness.element(page.element.id))
            elif isinstance(page, FindingsPage):
                page.show_findings(
                    self.evaluation.findings, self.decisions, self.due_dates, self._score_notes()
                )
            elif isinstance(page, ReviewPage):
                self._update_review(page)
        form.update_states(self.evaluation, len(self.finding_reasons))
        self.evaluated.emit()

    def _score_notes(self) -> list[str]:
        """The QRISK3 caveats, the BMI thresholds used and the licence disclaimer, shown with any
        finding made from the score."""
        if self.evaluation is None or self.evaluation.qrisk3.result is None:
            return []
        outcome = self.evaluation.qrisk3
        notes = [self.tr("Note: {0}").format(c) for c in outcome.caveats]
        bmi = self.evaluation.calculators.get("bmi")
        if bmi is not None and self.form is not None:
            notes.append(self.form.results.bmi_thresholds_text(bmi.lower_thresholds))
        notes.append(outcome.disclaimer)
        return notes

    def _update_review(self, page: ReviewPage) -> None:
        if self.evaluation is not None:
            page.update_from(self.evaluation, self.blockers, final=self.read_only)

    def _show_final_state(self) -> None:
        form = self.form
        if form is None or self.record is None:
            return
        form.title.setText(self._title())
        final = self.record.is_final
        if final:
            when = local_time(self.record.finalised_at)
            form.banner_label.setText(
                self.tr(
                    "Finalised {0} by {1}. It can no longer be changed; to correct it, amend it "
                    "(a new version; this one is kept)."
                ).format(when, self.record.finalised_by or "")
            )
            text = self.tr(
                "This check is finalised. To correct something, give the reason and amend it: "
                "that makes a new version and keeps this one as it is."
            )
            form.banner.show()
            form.saved_label.setText(self.tr("Finalised"))
        else:
            form.banner.hide()
        for page in form.pages.values():
            if isinstance(page, (ElementPage, FindingsPage)):
                page.set_read_only(final)
            elif isinstance(page, ReviewPage):
                page.show_final(text if final else None)
                self._update_review(page)

    def _after_save(self) -> None:
        if self.autosaver is None or not self.autosaver.idle:
            return
        if self._finalise_when_saved:
            self._finalise_when_saved = False
            self.finalise()
        if self._close_when_saved:
            self._close_when_saved = False
            self.closed.emit()

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and shiboken6.isValid(self) and self.isAncestorOf(new):
            self._last_focus = new

    def resume_after_unlock(self) -> None:
        """Called by the main window after unlocking: the keyboard goes back to the field the nurse
        was in, so what they type next after an interruption is not lost."""
        if self.autosaver is not None:
            self.autosaver.kick()
        QTimer.singleShot(0, self, self._restore_focus)

    def _restore_focus(self) -> None:
        widget = self._last_focus
        if widget is None or not shiboken6.isValid(widget):
            return
        if widget.isVisible() and widget.isEnabled() and self.isAncestorOf(widget):
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def changeEvent(self, event: QEvent) -> None:
        # The main window disables the screen while it is locked; saves refused then are sent at once
        # when it is enabled again (after unlocking), not only at the next retry.
        if event.type() == QEvent.Type.EnabledChange and self.isEnabled() and self.autosaver is not None:
            self.autosaver.kick()
        super().changeEvent(event)

    # -- actions ------------------------------------------------------------------------------
    def flush(self) -> None:
        """Check and queue for saving whatever is being typed (before leaving or finalising)."""
        if self.form is None:
            return
        for page in self.form.pages.values():
            if isinstance(page, (ElementPage, FindingsPage)):
                page.flush()

    @property
    def saved(self) -> bool:
        """Everything given so far is on disk."""
        return self.autosaver is None or self.autosaver.idle

    def request_close(self) -> None:
        """Leave the check: `closed` fires once everything typed is saved."""
        self.flush()
        if self.saved:
            self.closed.emit()
        else:
            self._close_when_saved = True

    def _confirm_action(self) -> None:
        """Ctrl+Enter on the review: the first press shows what will be sent, the second finalises."""
        if self.form is not None and self.form.current_section() == REVIEW and not self.read_only:
            page = self.form.pages.get(REVIEW)
            if isinstance(page, ReviewPage) and page.confirming:
                self.finalise()
            else:
                self.ask_finalise()

    def ask_finalise(self) -> None:
        """Before finalising, say what will be sent and to whom, as the person agreed; the review page
        shows it with "Finalise and send" and "Not yet". Nothing is finalised by this step."""
        if self.read_only or self._busy or self.form is None or self.evaluation is None:
            return
        self.flush()
        page = self.form.page(REVIEW)
        assert isinstance(page, ReviewPage)
        self._update_review(page)
        self.form.show_section(REVIEW)
        if page.reasons:
            # The nurse asked to finalise: now each finding still open says what it is missing.
            findings = self.form.pages.get("findings")
            if isinstance(findings, FindingsPage):
                findings.show_problems_now()
            page.blocked.setFocus()
            return
        page.show_confirm(self.finalise_summary_text())

    def finalise_summary_text(self) -> str:
        """What finalising does, what goes to the shared record and who may see it, in plain words."""
        assert self.evaluation is not None
        recipients = [
            (scope, QCoreApplication.translate("ConsentPage", words)) for scope, words in RECIPIENTS
        ]
        yes = [words for scope, words in recipients if self.consent.get(scope) is True]
        no = [words for scope, words in recipients if self.consent.get(scope) is not True]
        findings = self.evaluation.findings
        referrals = sorted(
            {
                self.context.directory.services[d.service_id].name
                for d in self.decisions.values()
                if d.kind == "referral"
                and d.service_id is not None
                and d.service_id in self.context.directory.services
            }
        )
        lines = [
            self.tr(
                "Finalising saves this check for good: it cannot be changed afterwards (an amendment makes a "
                "new version)."
            )
        ]
        if yes:
            lines.append(
                self.tr(
                    "It will be sent to the shared health record at the next sync (when this laptop is "
                    "online), "
                    "to be seen by: {0}."
                ).format(", ".join(yes))
            )
            if no:
                lines.append(
                    self.tr("Not shared with: {0} (the person said no or was not asked).").format(
                        ", ".join(no)
                    )
                )
        else:
            lines.append(
                self.tr(
                    "The person did not agree to sharing it with anyone, so it stays on this laptop and is "
                    "not sent."
                )
            )
        what = self.tr(
            "What is sent: {0}'s name, date of birth and NHS number, every answer of the check, "
            "{1} finding(s) and the follow-up agreed for each"
        ).format(self.person_name(), len(findings))
        if referrals:
            what += self.tr(" (referrals to: {0})").format(", ".join(referrals))
        lines.append(what + ".")
        return "\n".join(lines)

    def finalise(self) -> None:
        if self.read_only or self._busy or self.record is None or self.evaluation is None:
            return
        self.flush()
        if not self.saved:
            self._finalise_when_saved = True
            return
        if self.form is None:
            return
        page = self.form.page(REVIEW)  # its reasons are the one gate, however finalising was asked for
        assert isinstance(page, ReviewPage)
        self._update_review(page)
        if page.reasons:
            self.form.show_section(REVIEW)
            page.blocked.setFocus()
            return
        self._busy = True
        self.context.runner.run_db(
            partial(
                finalise_check,
                definition=self.context.definition,
                rules=self.context.rules,
                directory_ids=frozenset(self.context.directory.services.keys()),
            ),
            self.context.store,
            self.record.id,
            name="check.finalise",
            on_success=self._finalised,
            on_error=self._finalise_failed,
        )

    def _finalise_failed(self, exc: BaseException) -> None:
        self._busy = False
        show_error(exc, self)

    def _finalised(self, result: Any) -> None:
        self._busy = False
        self.record = result.check
        self.read_only = True
        self._show_final_state()
        # The Finalise button that had the keyboard is gone: without this Qt handed focus to the next
        # field, the amendment reason, and the next keys typed went into it.
        page = self.form.pages.get(REVIEW) if self.form else None
        if isinstance(page, ReviewPage):
            page.summary_button.setFocus()
        self.finalised.emit(self.record.id)

    def amend(self, reason: str) -> None:
        if self.record is None or not self.record.is_final or self._busy:
            return
        page = self.form.pages.get(REVIEW) if self.form else None
        if not reason:
            if isinstance(page, ReviewPage):
                page.final_label.setText(
                    page.final_label.text().split("\n")[0]
                    + "\n"
                    + self.tr("Problem: say why the check needs amending.")
                )
                page.amend_reason.setAccessibleDescription(self.tr("Say why the check needs amending."))
                page.amend_reason.setFocus()
            return
        self._busy = True
        self.context.runner.run_db(
            amend_check,
            self.context.store,
            self.record.id,
            reason,
            name="check.amend",
            on_success=self._amended,
            on_error=self._amend_failed,
        )

    def _amend_failed(self, exc: BaseException) -> None:
        self._busy = False
        show_error(exc, self)

    def _amended(self, record: CheckRecord) -> None:
        self._busy = False
        self._show_check(record)

    # -- the person's summary -----------------------------------------------------------------
    def build_summary(self) -> Any:
        from outreach.summary import summary_for_context

        assert self.check_context is not None and self.person is not None
        org = self.context.org_config
        return summary_for_context(
            self.check_context,
            self.person.details,
            decisions={k: decision_to_doc(v) for k, v in self.decisions.items()},
            services=self.context.directory,
            worker=self.context.user.name if self.context.user else None,
            organisation=org.organisation_name if org else None,
            organisation_phone=org.summary_contact if org else None,
        )

    def make_summary(self, action: str) -> None:
        if self.evaluation is None or self.person is None:
            return
        self.flush()
        page = self.form.pages.get(REVIEW) if self.form else None
        large = isinstance(page, ReviewPage) and page.large_print.isChecked()
        try:
            summary = self.build_summary()
        except ValidationError as exc:
            show_error(exc, self)
            return
        if action == "preview":
            from ui.summary_preview import SummaryPreviewDialog

            dialog = SummaryPreviewDialog(summary, self, large_print=large)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self._preview = dialog
            dialog.open()
            return
        path = self.choose_pdf_path(self._suggested_pdf_name())
        if not path:
            return
        from outreach.summary import render_html
        from ui.summary_pdf import write_summary_pdf

        html = render_html(summary, large_print=large)
        if isinstance(page, ReviewPage):
            page.summary_status.setText(self.tr("Making the summary..."))
        self.context.runner.run_background(
            partial(write_summary_pdf, large_print=large, title=self.tr("Health check summary")),
            html,
            path,
            name="summary.pdf",
            on_success=lambda _pdf: self._summary_written(path) if self._alive() else None,
            on_error=lambda exc: show_error(exc, self if self._alive() else None),
        )

    def _alive(self) -> bool:
        """False once Qt has deleted this widget (the worker left while a task was still running)."""
        return shiboken6.isValid(self)

    def _summary_written(self, path: str) -> None:
        page = self.form.pages.get(REVIEW) if self.form else None
        if isinstance(page, ReviewPage):
            from pathlib import Path

            page.summary_status.setText(self.tr("Summary saved as {0}.").format(Path(path).name))
        from ui.summary_export import record_summary_saved  # the export goes in the audit trail

        record_summary_saved(self.context, self.record.id if self.record else self.check_id)
        self.summary_saved.emit(path)

    def _suggested_pdf_name(self) -> str:
        """No name or other detail of the person: file names end up in recent-file lists,
        backups and sync folders, which are not encrypted."""
        return f"health-check-summary-{self._visit_date().isoformat()}.pdf"

    def _visit_date(self) -> date:
        """The visit's date from the check context (an amendment keeps its visit's date)."""
        return self.check_context.visit_date if self.check_context is not None else date.today()

    def _ask_pdf_path(self, suggested: str) -> str | None:
        """Warns that the PDF is unprotected, then asks where to save it, starting in Documents."""
        from ui.summary_export import ask_summary_path

        return ask_summary_path(self, suggested)

