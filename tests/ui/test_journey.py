"""The whole journey through the real windows on a real store, with a screenshot of each screen.

First run, unlock, register a person (an invalid NHS number first), consent, a complete check
with bad values on the way (each refused with its message), findings resolved, the summary PDF
made and read back with pdftotext, finalise, a follow-up outcome recorded, lock and unlock.
Screenshots go to test-artifacts/journey/.
"""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from outreach import services
from outreach.demo_data import fill_demo_data
from outreach.store.crypto import TEST_KDF
from outreach.store.local_store import LocalStore
from tests.conftest import ARTIFACTS, require_tool
from tests.ui.check_helpers import FULL_ANSWERS, answer, focusable_without_name, wait_saved
from tests.ui.shell_support import PASSPHRASE, WAIT_MS, WORKER, close_store, open_window, unlock
from ui.check.fields import INVALID, OK, UNUSUAL
from ui.check.findings_page import FindingsPage
from ui.check.workflow import CheckWorkflow
from ui.tasks import TaskRunner

SHOTS = ARTIFACTS / "journey"

# Bad values typed on the way, each with the words of its message; the good value follows.
BAD_VALUES = {
    "weight.weight": ("82,5", "has a comma: use a point for decimals"),
    "blood_pressure.systolic": ("1200", "Systolic 1200 mmHg is not possible: check the reading."),
    "blood_pressure.pulse": ("72.5", "must be a whole number"),
    "lipids.hdl": ("9", "outside what this check accepts (0.1-6 mmol/L)"),
    "care_plan.review_date": ("30/02/2027", "is not a real date: check the day and the month"),
}


def shot(widget: QWidget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    assert widget.grab().save(str(SHOTS / name))


def test_the_whole_journey(qtbot: QtBot, tmp_path: Path, runner: TaskRunner) -> None:
    require_tool("pdftotext", debian="poppler-utils")
    data = tmp_path / "data"
    # -- first run ----------------------------------------------------------------------------
    window = open_window(qtbot, runner, data, expect="setup")
    window.resize(1366, 768)  # the laptops the nurses carry
    setup = window.setup_page
    qtbot.keyClicks(setup.org_name_edit, "Synthetic Outreach Charity")
    qtbot.keyClicks(setup.user_edit, WORKER)
    qtbot.keyClicks(setup.pass_edit, PASSPHRASE)
    qtbot.keyClicks(setup.repeat_edit, PASSPHRASE)
    shot(window, "01-first-run.png")
    with qtbot.waitSignal(window.home_ready, timeout=WAIT_MS):
        qtbot.mouseClick(setup.submit_button, Qt.MouseButton.LeftButton)
    close_store(window)
    window.close()
    # A team's real caseload is already on this laptop: 1,200 people with a check each.
    store = LocalStore.open(data, kdf=TEST_KDF)
    store.unlock(WORKER, PASSPHRASE)
    fill_demo_data(store, people=1200, checks_per_person=1, seed=11)
    store.close()

    # -- unlock -------------------------------------------------------------------------------
    runner2 = TaskRunner()
    window = open_window(qtbot, runner2, data, expect="unlock")
    window.resize(1366, 768)
    shot(window, "02-unlock.png")
    unlock(qtbot, window)
    home = window.home
    shot(window, "03-home.png")

    # -- register a person, an invalid NHS number first ------------------------------------------
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = home.person_form
    qtbot.keyClicks(form.given_edit, "Testperson")
    qtbot.keyClicks(form.family_edit, "Journey")
    qtbot.keyClicks(form.dob_edit, "1968-04-12")
    form.sex_combo.setCurrentIndex(form.sex_combo.findData("male"))
    qtbot.keyClicks(form.nhs_edit, "999 000 0019")
    assert "last digit does not match" in form.nhs_field.message.text()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert home.right.currentWidget() is form  # refused, nothing saved
    shot(window, "04-register-invalid-nhs.png")
    qtbot.keyClick(form.nhs_edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(form.nhs_edit, "8")
    assert form.nhs_field.message.text().startswith("Valid NHS number")
    form.ethnic_combo.setCurrentIndex(form.ethnic_combo.findData("A"))
    panel = home.person_panel
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.name_label.text() == "Testperson Journey", timeout=WAIT_MS)
    shot(window, "05-person.png")

    # -- consent ------------------------------------------------------------------------------
    with qtbot.waitSignal(window.page_shown, timeout=WAIT_MS, check_params_cb=lambda name: name == "check"):
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    wf = window.check_widget
    assert isinstance(wf, CheckWorkflow)
    qtbot.waitUntil(lambda: wf.consent_page is not None, timeout=WAIT_MS)
    consent = wf.consent_page
    consent.check_question.set_answer(True)
    consent.recipients["gp"].set_answer(True)
    consent.recipients["mental_health_trust"].set_answer(True)
    consent.recipients["charity"].set_answer(False)  # takes part, does not share with the charity
    shot(window, "06-consent.png")
    with qtbot.waitSignal(wf.ready, timeout=WAIT_MS):
        qtbot.mouseClick(consent.record_button, Qt.MouseButton.LeftButton)
    assert wf.form is not None
    shot(window, "07-check-start.png")

    # -- the check, with bad values on the way -----------------------------------------------------
    refused_seen = []
    for link, value in FULL_ANSWERS.items():
        if link in BAD_VALUES:
            bad, words = BAD_VALUES[link]
            f = answer(qtbot, wf, link, bad, wait=False)
            assert f.state == INVALID and words in f.message.text(), (link, f.message.text())
            assert words in f.focus_widget().accessibleDescription()
            refused_seen.append(link)
            if link == "blood_pressure.systolic":
                shot(window, "08-refused-value.png")
        typed = value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            typed = str(value)
        answer(qtbot, wf, link, typed)
        if link == "weight.weight":
            assert "BMI: 26.1" in wf.form.results.bmi.text()
    # A soft limit confirmed, and a unit switch (HbA1c in %).
    f = answer(qtbot, wf, "blood_pressure.systolic", "205")
    assert f.state == UNUSUAL and f.confirm_box.isVisible()
    shot(window, "09-unusual-value.png")
    f.confirm_box.setChecked(True)
    wait_saved(qtbot, wf)
    assert f.state == OK
    answer(qtbot, wf, "glucose.hba1c", "5.8", unit="%")
    shot(window, "10-unit-switch.png")
    bad, words = BAD_VALUES["care_plan.review_date"]
    f = answer(qtbot, wf, "care_plan.review_date", bad, wait=False)
    assert f.state == INVALID and words in f.message.text()
    refused_seen.append("care_plan.review_date")
    f = answer(qtbot, wf, "care_plan.review_date", "31/03/2027")  # UK day-first, as nurses type it
    assert f.state == OK and wf.answers["care_plan.review_date"] == "2027-03-31"
    assert refused_seen == list(BAD_VALUES)
    assert wf.evaluation.completeness.comprehensive and wf.evaluation.completeness.all_recorded
    assert wf.evaluation.qrisk3.result is not None and wf.form.results.disclaimer.isVisible()
    wf.form.show_section("general_health")
    shot(window, "11-check-qrisk3.png")
    assert focusable_without_name(window) == []

    # -- findings resolved --------------------------------------------------------------------------
    wf.form.show_section("findings")
    findings: FindingsPage = wf.form.stack.currentWidget()
    rules = [f.rule_id for f in wf.evaluation.findings]
    assert "bp-severe" in rules  # 205/95 mmHg
    shot(window, "12-findings-open.png")
    review = wf.form.page("review")
    assert not review.finalise_button.isEnabled() and "choose a follow-up" in review.blocked.text()
    for row in findings.rows.values():
        if "referral" in row.finding.allowed_follow_ups:
            row.kind_box.setCurrentIndex(row.kind_box.findData("referral"))
            suggested = row.finding.suggested_services[0] if row.finding.suggested_services else None
            row.service_box.setCurrentIndex(max(1, row.service_box.findData(suggested)))
        else:
            row.kind_box.setCurrentIndex(row.kind_box.findData("advice_given"))
        assert row.decision is not None, row.message.text()
    wait_saved(qtbot, wf)
    shot(window, "13-findings-resolved.png")

    # -- the person's summary ------------------------------------------------------------------------
    wf.form.show_section("review")
    assert review.finalise_button.isEnabled(), review.blocked.text()
    pdf = tmp_path / "summary.pdf"
    wf.choose_pdf_path = lambda _suggested: str(pdf)
    with qtbot.waitSignal(wf.summary_saved, timeout=WAIT_MS):
        qtbot.mouseClick(review.pdf_button, Qt.MouseButton.LeftButton)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Testperson" in text and "Journey" not in text and "9990000018" not in text
    shot(window, "14-review.png")

    # -- finalise ---------------------------------------------------------------------------------------
    qtbot.mouseClick(review.finalise_button, Qt.MouseButton.LeftButton)
    assert review.confirming and "to be seen by" in review.confirm_text.text()
    shot(window, "14b-confirm-finalise.png")
    with qtbot.waitSignal(wf.finalised, timeout=WAIT_MS) as finalised:
        qtbot.mouseClick(review.confirm_button, Qt.MouseButton.LeftButton)
    check_id = finalised.args[0]
    assert wf.read_only and wf.form.banner.isVisible()
    shot(window, "15-finalised.png")
    with qtbot.waitSignal(window.page_shown, timeout=WAIT_MS, check_params_cb=lambda name: name == "home"):
        qtbot.mouseClick(wf.form.close_button, Qt.MouseButton.LeftButton)

    # -- a follow-up outcome recorded --------------------------------------------------------------------
    view = home.follow_ups
    home.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.table.rowCount() >= 1, timeout=WAIT_MS)
    shot(window, "16a-follow-ups-whole-caseload.png")
    # The whole team's follow-ups are listed; the nurse narrows them to this person.
    view.person_edit.setFocus()
    qtbot.keyClicks(view.person_edit, "Journey")
    qtbot.waitUntil(lambda: 0 < view.table.rowCount() < 20, timeout=WAIT_MS)
    # Listed: every open follow-up, those due this week first (the same-day one for the very high
    # blood pressure), then later ones.
    soon = (date.today() + timedelta(days=7)).isoformat()
    referrals = sum(1 for r in findings.rows.values() if r.due_on)
    assert findings.rows["bp-severe"].due_on == date.today().isoformat()
    assert [view.rows[i].record.due_on <= soon for i in range(len(view.rows))] == sorted(
        (r.due_on <= soon for r in findings.rows.values() if r.due_on), reverse=True
    )
    assert view.table.rowCount() == referrals
    shot(window, "16-follow-ups.png")
    view.table.setFocus()
    view.table.selectRow(0)
    view.outcome_combo.setCurrentIndex(view.outcome_combo.findData("attended"))
    qtbot.keyClicks(view.note_edit, "Seen the same day")
    with qtbot.waitSignal(view.outcome_recorded, timeout=WAIT_MS) as recorded:
        qtbot.mouseClick(view.record_button, Qt.MouseButton.LeftButton)
    assert recorded.args[0].outcome == "attended"
    qtbot.waitUntil(lambda: view.table.rowCount() == referrals - 1, timeout=WAIT_MS)
    shot(window, "17-outcome-recorded.png")

    # -- lock and unlock --------------------------------------------------------------------------------
    with qtbot.waitSignal(window.locked, timeout=WAIT_MS):
        qtbot.keyClick(view.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not window.store.is_unlocked
    shot(window, "18-locked.png")
    lock_panel = window.lock_panel
    qtbot.waitUntil(lock_panel.pass_edit.hasFocus, timeout=WAIT_MS)
    qtbot.keyClicks(lock_panel.pass_edit, PASSPHRASE)
    qtbot.keyClick(lock_panel.pass_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=WAIT_MS)
    shot(window, "19-unlocked.png")

    store: LocalStore = window.store
    record = services.load_check(store, check_id)
    assert record.is_final and record.answers["blood_pressure.systolic"] == {
        "value": "205",
        "confirmed": True,
    }
    assert services.consent_status(store, record.person_id) == {
        "check": True,
        "gp": True,
        "mental_health_trust": True,
        "charity": False,
    }
    # The check waits in the outbox with the caseload's 1,200 (no shared record is set up here).
    outbox = [item.check_id for item in services.list_outbox(store)]
    assert outbox.count(check_id) == 1 and len(outbox) == 1201
    close_store(window)
    runner2.deleteLater()
