"""The findings page with a dozen findings on a 1366x768 laptop: quick and calm.

Seen in use: two findings per screen, two or three drop-downs each, no way to accept the
suggested follow-up, a red "Problem:" on every finding before anything was touched, Tab
skipping a finding, and urgency only as a word. These tests check that urgent findings
come first with colour, symbol and word; that one click (or one key) accepts the
suggestion and records it; that nothing is called a problem until the nurse acted; that
Tab reaches every finding in the order shown; and that several findings fit on a screen.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget

from tests.conftest import ARTIFACTS
from tests.ui.check_helpers import (  # noqa: F401
    FULL_ANSWERS,
    CheckEnv,
    check_env_fixture,
    draft_with,
    open_workflow,
    wait_saved,
)
from ui.check.findings_page import FindingRow, FindingsPage

SCREEN = (1366, 768)

# A check with many findings, as after a difficult visit: very high blood pressure (urgent), an
# irregular pulse, obesity, weight gain, a waist above range, HbA1c in the diabetes range, high
# cholesterol and QRISK3, smoking on an antipsychotic, higher-risk drinking, side effects.
MANY = dict(FULL_ANSWERS)
MANY.update(
    {
        "weight.weight": 112,
        "weight.waist": 110,
        "weight.previous_weight": 100,
        "blood_pressure.systolic": 185,
        "blood_pressure.diastolic": 100,
        "blood_pressure.irregular": True,
        "lipids.total_cholesterol": 8.2,
        "lipids.hdl": 0.9,
        "glucose.hba1c": 52,
        "smoking.tobacco_status": "77176002",
        "smoking.cigarettes_per_day": 20,
        "alcohol.audit_c_q1": "audit-q1-4",
        "alcohol.audit_c_q2": "audit-q2-4",
        "alcohol.audit_c_q3": "audit-q3-3",
        "medication.side_effects": True,
        "medication.side_effects_details": "Drowsy all day",
    }
)


@pytest.fixture
def page_of(qtbot: Any, check_env: CheckEnv) -> tuple[Any, FindingsPage]:
    wf = open_workflow(qtbot, check_env, draft_with(check_env, MANY))
    wf.resize(*SCREEN)
    assert wf.form is not None
    wf.form.show_section("findings")
    QApplication.processEvents()
    page = wf.form.stack.currentWidget()
    assert isinstance(page, FindingsPage)
    assert len(page.rows) >= 10, list(page.rows)
    return wf, page


def rows_in_order(page: FindingsPage) -> list[FindingRow]:
    return sorted(page.rows.values(), key=lambda r: r.mapTo(page.widget(), QPoint(0, 0)).y())


def test_urgent_findings_come_first_with_colour_symbol_and_word(page_of: Any) -> None:
    wf, page = page_of
    shown = rows_in_order(page)
    ranks = {"urgent": 0, "act": 1, "advise": 2}
    assert [ranks[r.finding.severity] for r in shown] == sorted(ranks[r.finding.severity] for r in shown)
    assert shown[0].finding.severity == "urgent"
    badges = {}
    for row in shown:
        text = row.badge.text()
        word = {"urgent": "Urgent", "act": "Needs action", "advise": "Advice"}[row.finding.severity]
        assert word in text and text.split()[0] in "\u26a0\u25b2\u2139", text  # a symbol and the word
        assert row.accessibleName().startswith(word)
        badges[row.finding.severity] = row.badge.styleSheet()
    assert len(set(badges.values())) == len(badges)  # and each urgency its own colour
    assert "#8B0000" in badges["urgent"]
    wf.grab().save(str(ARTIFACTS / "check-findings-1366x768.png"))


def test_several_findings_fit_on_one_screen(page_of: Any) -> None:
    _wf, page = page_of
    viewport = page.viewport().rect()
    body = page.widget()
    whole = [
        r
        for r in page.rows.values()
        if viewport.contains(r.mapTo(body, QPoint(0, 0)) - QPoint(0, page.verticalScrollBar().value()))
        and viewport.contains(
            r.mapTo(body, QPoint(0, r.height() - 1)) - QPoint(0, page.verticalScrollBar().value())
        )
    ]
    assert len(whole) >= 4, f"only {len(whole)} findings fit on a 1366x768 screen"
    # One button to accept, one to choose another: no drop-downs until the nurse asks for them.
    for row in page.rows.values():
        if row.suggested_kind is not None:
            assert not row.choices.isVisibleTo(page)
            assert not row.service_box.isVisibleTo(page)


def test_nothing_is_a_problem_until_the_nurse_acted(page_of: Any) -> None:
    _wf, page = page_of
    for row in page.rows.values():
        assert "Problem" not in row.message.text(), row.message.text()
        assert "#8B0000" not in row.message.styleSheet()
        assert row.message.text().startswith("\u25cb Needs a follow-up")
    row = page.rows["pulse-irregular"]
    row.open_choices()
    assert "Problem" not in row.message.text()  # opening the choices is not a half-made decision
    row.kind_box.setCurrentIndex(row.kind_box.findData("declined"))
    assert row.message.text().startswith("Problem:") and "say why" in row.message.text()
    assert "#8B0000" in row.message.styleSheet()
    assert all("Problem" not in r.message.text() for r in page.rows.values() if r is not row)


def test_accept_suggested_records_the_suggestion_in_one_click(
    qtbot: Any, check_env: CheckEnv, page_of: Any
) -> None:
    wf, page = page_of
    row = page.rows["bp-severe"]
    assert row.suggested_kind == "referral" and row.suggested_service == "gp-same-day"
    qtbot.mouseClick(row.accept_button, Qt.MouseButton.LeftButton)
    assert row.decision is not None and row.decision.kind == "referral"
    assert row.decision.service_id == "gp-same-day"
    assert row.due_on == date.today().isoformat()  # urgent: check today
    assert row.message.text().startswith("\u2714 Recorded: Referral to")
    assert date.today().strftime("%d/%m/%Y") in row.message.text()
    wait_saved(qtbot, wf)
    saved = check_env.store.checks.get(wf.check_id).decisions["bp-severe"]
    assert saved["kind"] == "referral" and saved["service_id"] == "gp-same-day"
    assert saved["due_on"] == date.today().isoformat()
    # The suggestion of a finding without a service to refer to is advice.
    advice = [r for r in page.rows.values() if r.suggested_kind == "advice_given"]
    for other in advice:
        qtbot.mouseClick(other.accept_button, Qt.MouseButton.LeftButton)
        assert other.decision is not None and other.decision.kind == "advice_given"


def test_the_keyboard_reaches_every_finding_and_accepts_with_space(qtbot: Any, page_of: Any) -> None:
    wf, page = page_of
    wf.window().activateWindow()
    form = wf.form
    form.sections.setFocus()
    qtbot.waitUntil(form.sections.hasFocus, timeout=2000)
    reached: list[str] = []
    order = rows_in_order(page)
    for _ in range(200):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focus = QApplication.focusWidget()
        if focus is form.previous_button or not page.isAncestorOf(focus):
            break
        row = _row_of(focus)
        if row is not None and (not reached or reached[-1] != row.finding.rule_id):
            reached.append(row.finding.rule_id)
    assert reached == [r.finding.rule_id for r in order], "Tab skipped or reordered findings"
    # Back to the first finding: its Accept has the keyboard first, and Space accepts.
    form.sections.setFocus()
    qtbot.keyClick(form.sections, Qt.Key.Key_Tab)
    first = order[0]
    assert QApplication.focusWidget() is first.accept_button
    qtbot.keyClick(first.accept_button, Qt.Key.Key_Space)
    assert first.decision is not None
    # Every Accept button says for a screen reader what it will record.
    for row in order:
        if row.suggested_kind is not None:
            assert row.finding.title in row.accept_button.accessibleName()


def _row_of(widget: QWidget | None) -> FindingRow | None:
    while widget is not None and not isinstance(widget, FindingRow):
        widget = widget.parentWidget()
    return widget


def test_another_follow_up_opens_below_and_moves_nothing_above(qtbot: Any, page_of: Any) -> None:
    _wf, page = page_of
    order = rows_in_order(page)
    row = order[1]
    above = [r.mapTo(page.widget(), QPoint(0, 0)) for r in order[:2]]
    buttons = (
        row.accept_button.mapTo(page.widget(), QPoint(0, 0)),
        row.others_button.mapTo(page.widget(), QPoint(0, 0)),
    )
    qtbot.mouseClick(row.others_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert row.choices.isVisibleTo(page) and row.kind_box.buttons()[0].hasFocus()
    assert [r.mapTo(page.widget(), QPoint(0, 0)) for r in order[:2]] == above
    assert (
        row.accept_button.mapTo(page.widget(), QPoint(0, 0)),
        row.others_button.mapTo(page.widget(), QPoint(0, 0)),
    ) == buttons


def test_asking_to_finalise_with_findings_open_names_what_each_is_missing(page_of: Any) -> None:
    wf, page = page_of
    wf.ask_finalise()
    assert not wf.form.page("review").confirming
    for row in page.rows.values():
        assert row.message.text().startswith("Problem:"), row.message.text()
