"""After a lock in the middle of typing, unlocking gives the keyboard back to the same field,
with what was typed still there: the next keys the nurse presses finish the reading."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from outreach import services
from outreach.store.records import PersonDetails
from tests.factories import new_store
from tests.ui.check_helpers import answer, field, give_consent, wait_saved
from tests.ui.shell_support import PASSPHRASE, WAIT_MS, WORKER, open_window, unlock
from ui.check.workflow import CheckWorkflow
from ui.tasks import TaskRunner


def test_unlock_returns_the_keyboard_to_the_field_being_typed_in(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    data = tmp_path / "data"
    store = new_store(data, admin=WORKER, passphrase=PASSPHRASE)
    person = services.register_person(
        store,
        PersonDetails(
            given_name="Testperson", family_name="Lockfocus", date_of_birth="1970-01-02", sex="male"
        ),
    )
    store.close()
    window = open_window(qtbot, runner, data, expect="unlock")
    unlock(qtbot, window)
    with qtbot.waitSignal(window.page_shown, timeout=WAIT_MS, check_params_cb=lambda name: name == "check"):
        window.open_check(person.id, None)
    wf = window.check_widget
    assert isinstance(wf, CheckWorkflow)
    qtbot.waitUntil(lambda: wf.consent_page is not None, timeout=WAIT_MS)
    give_consent(qtbot, wf)
    answer(qtbot, wf, "blood_pressure.status", "done")
    diastolic = field(wf, "blood_pressure.diastolic")
    diastolic.edit.setFocus()
    qtbot.waitUntil(diastolic.edit.hasFocus, timeout=WAIT_MS)
    qtbot.keyClicks(diastolic.edit, "9")  # interrupted half-way through "95"

    with qtbot.waitSignal(window.locked, timeout=WAIT_MS):
        qtbot.keyClick(diastolic.edit, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    panel = window.lock_panel
    qtbot.waitUntil(panel.pass_edit.hasFocus, timeout=WAIT_MS)
    qtbot.keyClicks(panel.pass_edit, PASSPHRASE)
    qtbot.keyClick(panel.pass_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=WAIT_MS)

    qtbot.waitUntil(diastolic.edit.hasFocus, timeout=WAIT_MS)
    qtbot.keyClicks(QApplication.focusWidget(), "5")
    assert diastolic.edit.text() == "95"
    diastolic.flush()
    wait_saved(qtbot, wf)
    record = services.load_check(window.store, wf.check_id)
    saved = record.answers["blood_pressure.diastolic"]
    assert (saved["value"] if isinstance(saved, dict) else saved) in (95, "95")
