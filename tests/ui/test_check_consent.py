"""Consent comes first and is recorded before any check exists; a person may take part and decline sharing."""

from __future__ import annotations

from PySide6.QtCore import Qt

from outreach import services
from tests.ui.check_helpers import CheckEnv, check_env_fixture, give_consent, open_workflow  # noqa: F401


def test_no_check_until_consent_is_recorded_and_sharing_answered(qtbot, check_env: CheckEnv) -> None:
    wf = open_workflow(qtbot, check_env)
    page = wf.consent_page
    assert page is not None and wf.form is None
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    assert "agrees to the check" in page.message.text()
    page.check_question.set_answer(True)
    page.recipients["gp"].set_answer(True)
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    assert "The mental health trust" in page.message.text() and "charity" in page.message.text()
    # Nothing recorded yet, no check started.
    assert services.consent_status(check_env.store, check_env.person_id) == {}
    assert services.list_checks_for_person(check_env.store, check_env.person_id) == []


def test_take_part_but_decline_some_sharing(qtbot, check_env: CheckEnv) -> None:
    wf = open_workflow(qtbot, check_env)
    give_consent(qtbot, wf, sharing=(True, False, False))
    assert wf.form is not None and wf.check_id
    consent = services.consent_status(check_env.store, check_env.person_id)
    assert consent == {"check": True, "gp": True, "mental_health_trust": False, "charity": False}
    history = check_env.store.consents.history(check_env.person_id)
    assert [c.scope for c in history] == ["check", "gp", "mental_health_trust", "charity"]
    [check] = services.list_checks_for_person(check_env.store, check_env.person_id)
    assert check.id == wf.check_id and check.status == "draft"


def test_refusing_the_check_records_it_and_starts_nothing(qtbot, check_env: CheckEnv) -> None:
    wf = open_workflow(qtbot, check_env)
    give_consent(qtbot, wf, check=False)
    assert wf.form is None
    assert services.consent_status(check_env.store, check_env.person_id) == {"check": False}
    assert services.list_checks_for_person(check_env.store, check_env.person_id) == []
    with qtbot.waitSignal(wf.closed, timeout=2000):
        back = wf.findChild(type(wf.consent_page.record_button), "workflow:back")
        qtbot.mouseClick(back, Qt.MouseButton.LeftButton)


def test_ctrl_enter_records_consent(qtbot, check_env: CheckEnv) -> None:
    wf = open_workflow(qtbot, check_env)
    page = wf.consent_page
    page.check_question.set_answer(True)
    for question in page.recipients.values():
        question.set_answer(False)
    page.check_question.yes.setFocus()
    with qtbot.waitSignal(wf.ready, timeout=5000):
        qtbot.keyClick(page.check_question.yes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert services.consent_status(check_env.store, check_env.person_id) == {
        "check": True,
        "gp": False,
        "mental_health_trust": False,
        "charity": False,
    }


def test_a_note_pasted_past_its_limit_says_it_was_cut(qtbot, check_env: CheckEnv) -> None:
    """Qt cuts a pasted note at the field's limit without a word; the page says it is full instead."""
    from PySide6.QtGui import QGuiApplication

    wf = open_workflow(qtbot, check_env)
    page = wf.consent_page
    assert page is not None and page.note_full.isHidden()
    QGuiApplication.clipboard().setText("Consent given verbally after a long talk. " * 15)  # 630 characters
    page.note.setFocus()
    page.note.paste()
    assert len(page.note.text()) == 500
    assert not page.note_full.isHidden()
    assert "holds 500 characters and is full" in page.note_full.text()
    assert "not kept" in page.note.accessibleDescription()
    qtbot.keyClick(page.note, Qt.Key.Key_Backspace)  # room again: the notice goes
    assert page.note_full.isHidden() and page.note.accessibleDescription() == ""
    # Typing never wipes a description the field was given for another reason (a validation message).
    page.note.setAccessibleDescription("Problem: synthetic message")
    qtbot.keyClicks(page.note, "ab")
    assert page.note.accessibleDescription() == "Problem: synthetic message" and not page.note_full.isHidden()
