"""Findings and plan, finalise gating, read-only after finalising, amendment, and the person's summary."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtCore import Qt

from outreach import services
from tests.conftest import require_tool
from tests.ui.check_helpers import (  # noqa: F401
    FULL_ANSWERS,
    CheckEnv,
    answer,
    check_env_fixture,
    draft_with,
    open_workflow,
    wait_saved,
)
from ui.check.findings_page import FindingsPage
from ui.check.review_page import ReviewPage


def open_draft(qtbot, env: CheckEnv, answers=FULL_ANSWERS):
    check_id = draft_with(env, dict(answers))
    wf = open_workflow(qtbot, env, check_id)
    assert wf.check_id == check_id and not wf.read_only
    return wf


def decide(row) -> None:
    """A complete decision for one finding: advice or already under care, else a referral."""
    for kind in ("advice_given", "already_under_care"):
        if row.kind_box.findData(kind) > 0:
            row.kind_box.setCurrentIndex(row.kind_box.findData(kind))
            break
    else:
        row.kind_box.setCurrentIndex(row.kind_box.findData("referral"))
        row.service_box.setCurrentIndex(1)
    assert row.decision is not None, row.message.text()


def decide_all(qtbot, wf) -> None:
    wf.form.show_section("findings")
    findings: FindingsPage = wf.form.stack.currentWidget()
    for row in findings.rows.values():
        decide(row)
    wait_saved(qtbot, wf)


def test_resumed_draft_shows_every_answer(qtbot, check_env: CheckEnv) -> None:
    wf = open_draft(qtbot, check_env)
    assert wf.form.current_section() == "review"  # everything recorded: opens at the review
    page = wf.form.page("blood_pressure")
    assert page.fields["blood_pressure.systolic"].edit.text() == "150"
    assert page.fields["blood_pressure.irregular"].box.currentText() == "No"
    assert wf.form.strip.text().count(": done") == 6


def test_findings_need_a_decision_before_finalise(qtbot, check_env: CheckEnv) -> None:
    wf = open_draft(qtbot, check_env)
    review: ReviewPage = wf.form.page("review")
    rules = [f.rule_id for f in wf.evaluation.findings]
    assert "bp-high" in rules
    assert not review.finalise_button.isEnabled()
    assert "High blood pressure: choose a follow-up" in review.blocked.text()
    # Why Finalise waits is the first thing on the page, above the summary of the check.
    assert review.blocked.y() < review.elements.y()
    assert "High blood pressure: choose a follow-up" in review.finalise_button.accessibleDescription()

    wf.form.show_section("findings")
    findings: FindingsPage = wf.form.stack.currentWidget()
    row = findings.rows["bp-high"]
    assert "146/92 mmHg is 140/90 or higher" in row.reason_label.text()  # the clinic reading (NICE NG136)
    assert "NICE NG136" in row.source_label.text()
    # A referral without a service is not a decision yet.
    row.kind_box.setCurrentIndex(row.kind_box.findData("referral"))
    assert "choose the service" in row.message.text()
    assert row.service_box.isVisibleTo(findings) and not row.reason_edit.isVisibleTo(findings)
    assert row.service_box.itemData(1) == "gp-practice"  # the rule's suggestion first
    # Declined needs a reason.
    row.kind_box.setCurrentIndex(row.kind_box.findData("declined"))
    assert "say why" in row.message.text()
    qtbot.keyClicks(row.reason_edit, "Wants to think about it")
    row.flush()
    assert row.decision is not None and row.decision.kind == "declined"
    wait_saved(qtbot, wf)
    saved = check_env.store.checks.get(wf.check_id).decisions
    assert saved["bp-high"]["kind"] == "declined" and saved["bp-high"]["reason"] == "Wants to think about it"
    # Then a referral to a named service from the directory.
    row.kind_box.setCurrentIndex(row.kind_box.findData("referral"))
    row.service_box.setCurrentIndex(row.service_box.findData("gp-practice"))
    for other in [r for r in findings.rows.values() if r is not row]:
        decide(other)
    wait_saved(qtbot, wf)
    assert review.finalise_button.isEnabled(), review.blocked.text()
    assert check_env.store.checks.get(wf.check_id).decisions["bp-high"]["service_id"] == "gp-practice"


def test_finalise_makes_it_read_only_and_amend_starts_a_new_version(qtbot, check_env: CheckEnv) -> None:
    wf = open_draft(qtbot, check_env)
    # Finalise is refused while an element is still open.
    answer(qtbot, wf, "oral_health.status", "declined")
    review: ReviewPage = wf.form.page("review")
    assert not review.finalise_button.isEnabled()
    assert "Oral health" in review.blocked.text()
    answer(qtbot, wf, "oral_health.reason", "Did not want to")
    decide_all(qtbot, wf)
    wf.form.show_section("review")
    assert review.finalise_button.isEnabled(), review.blocked.text()
    # Ctrl+Enter first says what will be sent and to whom; nothing is finalised yet.
    review.finalise_button.setFocus()
    qtbot.keyClick(review.finalise_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert review.confirming and review.confirm_button.hasFocus()
    assert not check_env.store.checks.get(wf.check_id).is_final
    # ... and Ctrl+Enter again (or Enter on "Finalise and send") finalises.
    with qtbot.waitSignal(wf.finalised, timeout=5000) as signal:
        qtbot.keyClick(review.confirm_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not review.confirming
    first_id = wf.check_id
    assert signal.args == [first_id]
    record = check_env.store.checks.get(first_id)
    assert record.is_final
    assert [f.rule_id for f in services.load_findings(check_env.store, first_id)] == [
        f.rule_id for f in wf.evaluation.findings
    ]
    assert services.list_outbox(check_env.store)[0].check_id == first_id
    # Read-only now: nothing can be typed, the banner says why.
    assert wf.read_only and wf.form.banner.isVisibleTo(wf)
    systolic = wf.form.page("blood_pressure").fields["blood_pressure.systolic"]
    assert systolic.edit.isReadOnly()
    assert not wf.form.page("smoking").fields["smoking.status"].box.isEnabled()
    assert not review.finalise_button.isVisibleTo(wf)
    # The keyboard lands on the summary (the likely next step), never in the amendment reason.
    assert review.summary_button.hasFocus() and not review.amend_reason.hasFocus()
    # Amend needs a reason, then opens a new draft version with the same answers.
    qtbot.mouseClick(review.amend_button, Qt.MouseButton.LeftButton)
    assert "say why" in review.final_label.text()
    assert services.check_history(check_env.store, first_id)[-1].id == first_id
    qtbot.keyClicks(review.amend_reason, "Weight entered in the wrong unit")
    with qtbot.waitSignal(wf.ready, timeout=5000):
        qtbot.mouseClick(review.amend_button, Qt.MouseButton.LeftButton)
    assert wf.check_id != first_id and not wf.read_only and wf.record.edition == 2
    assert "version 2" in wf.form.title.text()
    assert wf.form.page("blood_pressure").fields["blood_pressure.systolic"].edit.text() == "150"
    assert not wf.form.page("blood_pressure").fields["blood_pressure.systolic"].edit.isReadOnly()
    history = services.check_history(check_env.store, first_id)
    assert [c.id for c in history] == [first_id, wf.check_id]
    assert check_env.store.checks.get(first_id).is_final  # the original is kept


def test_finalised_check_opens_read_only(qtbot, check_env: CheckEnv) -> None:
    wf = open_draft(qtbot, check_env)
    decide_all(qtbot, wf)
    with qtbot.waitSignal(wf.finalised, timeout=5000):
        wf.finalise()
    again = open_workflow(qtbot, check_env, wf.check_id)
    assert again.read_only and again.form.current_section() == "review"
    assert again.form.page("review").final_box.isVisibleTo(again)


def test_closing_waits_until_everything_is_saved(qtbot, check_env: CheckEnv) -> None:
    wf = open_draft(qtbot, check_env)
    field = wf.form.page("weight").fields["weight.weight"]
    field.edit.setFocus()
    field.edit.clear()
    qtbot.keyClicks(field.edit, "81.5")
    with qtbot.waitSignal(wf.closed, timeout=5000):
        wf.request_close()  # the pending check runs now and closed waits for its save
    assert check_env.store.checks.get(wf.check_id).answers["weight.weight"] == 81.5


def test_summary_pdf_to_the_path_the_worker_chooses(qtbot, check_env: CheckEnv, tmp_path: Path) -> None:
    require_tool("pdftotext", debian="poppler-utils")
    wf = open_draft(qtbot, check_env)
    decide_all(qtbot, wf)
    chosen = tmp_path / "chosen" / "summary.pdf"
    chosen.parent.mkdir()
    asked: list[str] = []
    wf.choose_pdf_path = lambda suggested: asked.append(suggested) or str(chosen)
    review: ReviewPage = wf.form.page("review")
    wf.form.show_section("review")
    with qtbot.waitSignal(wf.summary_saved, timeout=10000):
        qtbot.mouseClick(review.pdf_button, Qt.MouseButton.LeftButton)
    assert asked and asked[0].startswith("health-check-summary-") and asked[0].endswith(".pdf")
    text = subprocess.run(["pdftotext", str(chosen), "-"], capture_output=True, text=True, check=True).stdout
    assert "Testperson" in text and "Alpha" not in text  # only the given name goes on the page
    assert "summary.pdf" in review.summary_status.text()
    # Cancelling the file dialog writes nothing.
    wf.choose_pdf_path = lambda suggested: None
    qtbot.mouseClick(review.pdf_button, Qt.MouseButton.LeftButton)
    assert sorted(p.name for p in chosen.parent.iterdir()) == ["summary.pdf"]


def test_a_referral_has_a_date_to_check_it_happened(qtbot, check_env: CheckEnv) -> None:
    from datetime import date, timedelta

    wf = open_draft(qtbot, check_env)
    wf.form.show_section("findings")
    findings: FindingsPage = wf.form.stack.currentWidget()
    row = findings.rows["bp-high"]  # "needs action": four weeks by default
    row.kind_box.setCurrentIndex(row.kind_box.findData("referral"))
    assert row.due_edit.isVisibleTo(findings)
    # Shown the UK way, as its hint; stored as a date.
    assert row.due_edit.text() == (date.today() + timedelta(days=28)).strftime("%d/%m/%Y")
    row.service_box.setCurrentIndex(row.service_box.findData("gp-practice"))
    wait_saved(qtbot, wf)
    stored_due = check_env.store.checks.get(wf.check_id).decisions["bp-high"]["due_on"]
    assert stored_due == (date.today() + timedelta(days=28)).isoformat()
    row.due_edit.setFocus()
    row.due_edit.clear()
    qtbot.keyClicks(row.due_edit, "next week")
    row.flush()
    assert row.decision is None and "give the date to check the referral" in row.message.text()
    row.due_edit.clear()
    qtbot.keyClicks(row.due_edit, (date.today() + timedelta(days=14)).isoformat())
    row.flush()
    wait_saved(qtbot, wf)
    saved = check_env.store.checks.get(wf.check_id).decisions["bp-high"]
    assert saved["due_on"] == (date.today() + timedelta(days=14)).isoformat()
    assert wf.form.saved_label.text().startswith("Saved")
    # Nurses write dates day first; that is understood here as in the rest of the app.
    three_weeks = date.today() + timedelta(days=21)
    row.due_edit.clear()
    qtbot.keyClicks(row.due_edit, three_weeks.strftime("%d/%m/%Y"))
    row.flush()
    wait_saved(qtbot, wf)
    assert check_env.store.checks.get(wf.check_id).decisions["bp-high"]["due_on"] == three_weeks.isoformat()


def test_print_preview_of_the_summary_opens(qtbot, check_env: CheckEnv) -> None:
    from ui.summary_preview import SummaryPreviewDialog

    wf = open_draft(qtbot, check_env)
    review: ReviewPage = wf.form.page("review")
    wf.form.show_section("review")
    review.large_print.setChecked(True)
    qtbot.mouseClick(review.summary_button, Qt.MouseButton.LeftButton)
    dialog = wf.findChild(SummaryPreviewDialog)
    assert dialog is not None and dialog.isVisible() and dialog.large_print
    dialog.close()


def test_finalise_asked_for_too_early_shows_why_and_saves_nothing_final(qtbot, check_env: CheckEnv) -> None:
    answers = {k: v for k, v in FULL_ANSWERS.items() if not k.startswith("care_plan.")}
    answers["retired.question"] = "from an older definition"  # kept, ignored, never blocks finalising
    wf = open_draft(qtbot, check_env, answers)
    decide_all(qtbot, wf)
    wf.form.show_section("weight")
    wf.finalise()  # e.g. Ctrl+Enter pressed on the review before it was complete
    review: ReviewPage = wf.form.page("review")
    assert wf.form.current_section() == "review"
    assert "Care plan" in review.blocked.text() and "value(s)" not in review.blocked.text()
    assert not check_env.store.checks.get(wf.check_id).is_final


def test_a_draft_started_with_other_check_content_says_so(qtbot, check_env: CheckEnv) -> None:
    store = check_env.store
    services.record_consent(store, check_env.person_id, "check", True)
    check = services.start_check(store, check_env.person_id, definition_version="0.9.0")
    wf = open_workflow(qtbot, check_env, check.id)
    current = check_env.context.definition.version
    assert current == "1.2.0"
    assert f"started with check content 0.9.0, shown with {current}" in wf.form.title.text()


def test_a_draft_started_with_content_1_0_0_opens_and_finalises_with_the_current_content(
    qtbot, check_env: CheckEnv
) -> None:
    store = check_env.store
    with store.db.write():
        services.record_consent(store, check_env.person_id, "check", True)
        check = services.start_check(store, check_env.person_id, definition_version="1.0.0")
        services.save_answers(store, check.id, dict(FULL_ANSWERS))
    wf = open_workflow(qtbot, check_env, check.id)
    assert "started with check content 1.0.0, shown with 1.2.0" in wf.form.title.text()
    assert wf.form.page("blood_pressure").fields["blood_pressure.systolic"].edit.text() == "150"
    decide_all(qtbot, wf)
    with qtbot.waitSignal(wf.finalised, timeout=5000):
        wf.finalise()
    final = store.checks.get(check.id)
    assert final.is_final and final.definition_version == "1.0.0"


def test_the_suggested_pdf_name_holds_the_date_and_nothing_about_the_person(
    qtbot, check_env: CheckEnv
) -> None:
    wf = open_draft(qtbot, check_env)
    asked: list[str] = []
    wf.choose_pdf_path = lambda suggested: asked.append(suggested) and None  # the worker cancels
    wf.form.show_section("review")
    wf.make_summary("pdf")
    day = check_env.store.checks.get(wf.check_id).created_at[:10]
    assert asked == [f"health-check-summary-{day}.pdf"]
    person = check_env.store.people.get(check_env.person_id).details
    for detail in (person.given_name, person.family_name, person.nhs_number, person.date_of_birth):
        assert detail and detail.lower() not in asked[0].lower()
