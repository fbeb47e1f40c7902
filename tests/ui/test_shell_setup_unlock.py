"""First run, unlock, lock: driven through the real window over a real store in tmp_path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from outreach.store.crypto import TEST_KDF
from outreach.store.local_store import LocalStore
from tests.conftest import ROOT
from tests.ui.conftest import open_message_boxes
from tests.ui.shell_support import (
    PASSPHRASE,
    WAIT_MS,
    WORKER,
    close_store,
    make_store,
    open_window,
    screenshot,
    unlock,
)
from ui.main_window import MainWindow
from ui.ops.setup import SetupRequest, set_up_store
from ui.ops.start import open_store, unlock_store
from ui.tasks import GuiThreadBlockedError, TaskRunner, is_blocking


def test_first_run_offers_setup_refuses_weak_or_different_passphrases_then_proves_it_by_unlocking(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    data = tmp_path / "data"
    window = open_window(qtbot, runner, data, expect="setup")
    page = window.setup_page
    assert page.submit_button.isEnabled()
    qtbot.keyClicks(page.org_name_edit, "Synthetic Outreach Charity")
    page.idle_spin.setValue(3)
    qtbot.keyClicks(page.user_edit, WORKER)
    qtbot.keyClicks(page.pass_edit, "short")
    qtbot.keyClicks(page.repeat_edit, "short")
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    assert "at least 10 characters" in page.pass_field.message.text()
    assert not LocalStore.exists(data)

    page.pass_edit.clear()
    qtbot.keyClicks(page.pass_edit, PASSPHRASE)
    page.repeat_edit.clear()
    qtbot.keyClicks(page.repeat_edit, PASSPHRASE + "x")
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    assert "different" in page.repeat_field.message.text()
    assert page.repeat_edit.text() == "" and page.repeat_edit.hasFocus()
    screenshot(window, "shell-setup-refused.png")

    qtbot.keyClicks(page.repeat_edit, PASSPHRASE)
    with qtbot.waitSignal(window.home_ready, timeout=WAIT_MS):
        qtbot.keyClick(page.repeat_edit, Qt.Key.Key_Return)
        assert page.busy.busy and not page.submit_button.isEnabled()  # key derivation runs in the background
    assert window.current_page == "home"
    assert window.store.is_unlocked and window.store.current_user.name == WORKER
    assert window.store.current_user.is_admin
    saved = tomllib.loads((data / "organisation.toml").read_text("utf-8"))
    assert saved["organisation_name"] == "Synthetic Outreach Charity" and saved["idle_lock_minutes"] == 3
    assert window.idle.timeout_ms == 3 * 60_000
    assert window.title_label.text() == "Synthetic Outreach Charity"
    close_store(window)
    reopened = LocalStore.open(data)
    try:
        assert reopened.unlock(WORKER, PASSPHRASE).name == WORKER
    finally:
        reopened.close()


def test_setup_from_the_organisation_file_it_gave(qtbot: QtBot, tmp_path: Path, runner: TaskRunner) -> None:
    org_file = tmp_path / "from-it.toml"
    org_file.write_text('organisation_name = "Synthetic Trust Outreach"\nidle_lock_minutes = 7\n', "utf-8")
    window = open_window(qtbot, runner, tmp_path / "data", expect="setup")
    page = window.setup_page
    window.activateWindow()
    page.org_file_edit.setFocus()
    qtbot.keyClicks(page.org_file_edit, str(org_file))
    qtbot.keyClick(page.org_file_edit, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: page.org_name_edit.text() == "Synthetic Trust Outreach", timeout=WAIT_MS)
    assert not page.org_name_edit.isEnabled() and page.idle_spin.value() == 7
    qtbot.keyClicks(page.user_edit, WORKER)
    qtbot.keyClicks(page.pass_edit, PASSPHRASE)
    qtbot.keyClicks(page.repeat_edit, PASSPHRASE)
    with qtbot.waitSignal(window.home_ready, timeout=WAIT_MS):
        qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    assert window.org_config.idle_lock_minutes == 7
    assert window.context.org_config.organisation_name == "Synthetic Trust Outreach"
    close_store(window)


def test_a_broken_organisation_file_is_explained_next_to_the_field(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    org_file = tmp_path / "broken.toml"
    org_file.write_text("idle_lock_minutes = 'soon'\n", "utf-8")
    window = open_window(qtbot, runner, tmp_path / "data", expect="setup")
    page = window.setup_page
    window.activateWindow()
    page.org_file_edit.setFocus()
    qtbot.keyClicks(page.org_file_edit, str(org_file))
    qtbot.keyClick(page.org_file_edit, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: "whole number" in page.org_file_field.message.text(), timeout=WAIT_MS)
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    assert not (tmp_path / "data" / "outreach.db").exists()


def test_unlock_lists_users_and_explains_wrong_passphrases_then_the_pause(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    data = tmp_path / "data"
    make_store(data, users=("Testworker Bravo",))
    window = open_window(qtbot, runner, data, expect="unlock")
    panel = window.unlock_panel
    qtbot.waitUntil(lambda: panel.user_combo.count() == 2, timeout=WAIT_MS)
    names = [panel.user_combo.itemText(i) for i in range(panel.user_combo.count())]
    assert names == [WORKER, "Testworker Bravo"]
    qtbot.waitUntil(panel.unlock_button.isEnabled, timeout=WAIT_MS)
    screenshot(window, "shell-unlock.png")
    for attempt in range(1, 6):
        qtbot.keyClicks(panel.pass_edit, f"not the passphrase {attempt}")
        qtbot.keyClick(panel.pass_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not panel.busy.busy, timeout=WAIT_MS)
        if attempt < 5:
            assert panel.pass_field.message.text().startswith("Problem: Wrong passphrase. Try again")
            assert panel.unlock_button.isEnabled() and panel.pass_edit.text() == ""
    assert "Try again in 30 seconds" in panel.pass_field.message.text()
    assert not panel.unlock_button.isEnabled() and panel.retry_seconds_left == 30
    assert panel.unlock_button.text() == "Wait 30 s"
    assert window.current_page == "unlock" and not window.store.is_unlocked
    screenshot(window, "shell-unlock-pause.png")
    close_store(window)


def test_key_derivation_and_store_opening_refuse_the_gui_thread(tmp_path: Path, qapp: object) -> None:
    with pytest.raises(GuiThreadBlockedError):
        unlock_store(object(), WORKER, PASSPHRASE)
    with pytest.raises(GuiThreadBlockedError):
        set_up_store(SetupRequest(tmp_path, None, False, WORKER, PASSPHRASE), TEST_KDF)  # type: ignore[arg-type]
    with pytest.raises(GuiThreadBlockedError):
        open_store(tmp_path)
    assert not (tmp_path / "outreach.db").exists()
    # Every store call the home screen makes is guarded the same way.
    from ui.ops import home as data

    names = [name for name in dir(data) if is_blocking(getattr(data, name))]
    assert {"load_home", "load_follow_ups", "search_people", "register_person", "record_outcome"} <= set(
        names
    )
    guarded = [getattr(data, name) for name in names]
    for func in guarded:
        with pytest.raises(GuiThreadBlockedError):
            func(object(), "x")


def _typed_person(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = window.home.person_form
    qtbot.waitUntil(form.given_edit.hasFocus, timeout=WAIT_MS)
    qtbot.keyClicks(form.given_edit, "Testperson")
    qtbot.keyClicks(form.family_edit, "Halfway")


def test_ctrl_l_locks_over_the_work_drops_keys_and_unlock_brings_it_back(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    data = tmp_path / "data"
    make_store(data)
    window = open_window(qtbot, runner, data, expect="unlock")
    unlock(qtbot, window)
    _typed_person(window, qtbot)
    form = window.home.person_form
    with qtbot.waitSignal(window.locked, timeout=WAIT_MS):
        qtbot.keyClick(form.family_edit, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not window.store.is_unlocked and len(window.store.people_index) == 0
    assert window.overlay.isVisible() and not window.stack.isEnabled()
    assert not window.find_action.isEnabled() and not window.new_person_action.isEnabled()
    assert form.family_edit.text() == "Halfway"  # the unsaved input is still there, underneath
    assert window.lock_panel.user_combo.currentText() == WORKER and window.lock_panel.user_combo.count() == 1
    screenshot(window, "shell-locked.png")

    panel = window.lock_panel
    qtbot.waitUntil(panel.pass_edit.hasFocus, timeout=WAIT_MS)
    qtbot.keyClicks(panel.pass_edit, "wrong passphrase here")
    qtbot.keyClick(panel.pass_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Wrong passphrase" in panel.pass_field.message.text(), timeout=WAIT_MS)
    assert window.is_locked
    qtbot.keyClicks(panel.pass_edit, PASSPHRASE)
    qtbot.keyClick(panel.pass_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=WAIT_MS)
    assert window.store.is_unlocked and not window.overlay.isVisible() and window.stack.isEnabled()
    assert window.home.person_form is form and form.given_edit.text() == "Testperson"
    assert form.family_edit.text() == "Halfway"
    close_store(window)


def test_the_lock_button_and_the_idle_time_lock_too(qtbot: QtBot, tmp_path: Path, runner: TaskRunner) -> None:
    data = tmp_path / "data"
    make_store(data)
    window = open_window(qtbot, runner, data, expect="unlock", idle_timeout_ms=400)
    unlock(qtbot, window)
    assert window.idle.active
    with qtbot.waitSignal(window.locked, timeout=WAIT_MS):
        pass  # nobody touches anything: the idle time runs out
    assert not window.store.is_unlocked and window.overlay.isVisible()
    assert not window.idle.active  # the lock screen itself never times out
    # Long enough that the idle lock cannot strike again between unlocking and looking (on a
    # busy machine 400 ms can pass before the test sees the unlocked window).
    window.idle.set_timeout_ms(60_000)
    panel = window.lock_panel
    qtbot.keyClicks(panel.pass_edit, PASSPHRASE)
    qtbot.keyClick(panel.pass_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=WAIT_MS)

    with qtbot.waitSignal(window.locked, timeout=WAIT_MS):
        qtbot.mouseClick(window.lock_button, Qt.MouseButton.LeftButton)
    assert not window.store.is_unlocked
    close_store(window)


def test_activity_postpones_the_idle_lock(qtbot: QtBot, tmp_path: Path, runner: TaskRunner) -> None:
    data = tmp_path / "data"
    make_store(data)
    window = open_window(qtbot, runner, data, expect="unlock", idle_timeout_ms=600)
    unlock(qtbot, window)
    edit = window.home.search.search_edit
    for _ in range(6):  # 6 x 200 ms of typing: twice the idle time, never idle for long
        qtbot.keyClick(edit, Qt.Key.Key_A)
        qtbot.wait(200)
    assert not window.is_locked
    qtbot.waitSignal(window.locked, timeout=WAIT_MS).wait()
    close_store(window)


def test_a_damaged_key_file_is_reported_plainly_and_nothing_is_unlocked(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "vault-keys.json").write_text("{ this is not a key file", "utf-8")
    window = open_window(qtbot, runner, data, expect="opening")  # the unlock screen shows first, then this
    assert "cannot be opened" in window.opening_label.text()
    boxes = open_message_boxes()
    assert len(boxes) == 1 and boxes[0].objectName().startswith("error-")
    assert window.context is None and not window.lock_action.isEnabled()


def test_a_bad_organisation_file_is_reported_in_the_window(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    window = open_window(
        qtbot,
        runner,
        tmp_path / "data",
        expect="setup",
        org_problem="Setting 'idle_lock_minutes' must be a whole number.",
    )
    assert window.org_notice.isVisible()
    assert (
        "could not be read" in window.org_notice.text.text()
        and "idle_lock_minutes" in window.org_notice.text.text()
    )


def test_the_first_window_fits_the_screen_with_the_status_line_on_it(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    data = tmp_path / "data"
    make_store(data)
    window = open_window(qtbot, runner, data, expect="unlock")  # sized as the app does: resize(sizeHint())
    available = window.screen().availableGeometry()
    assert window.frameGeometry().width() <= available.width()
    assert window.frameGeometry().height() <= available.height()
    # Most of the screen, not a small box in it (it opened at 840x532 on a 1366x768 laptop).
    assert window.width() >= available.width() * 0.85 and window.height() >= available.height() * 0.85
    minimum = window.minimumSize()
    assert minimum.width() <= available.width() and minimum.height() <= available.height()
    assert minimum.height() >= window.fontMetrics().height() * 20  # still room for a form and its message
    unlock(qtbot, window)
    status = window.statusBar()
    assert status.isVisible()
    assert available.contains(window.frameGeometry()), (window.frameGeometry(), available)
    centre_offset = window.frameGeometry().center() - available.center()
    assert centre_offset.manhattanLength() <= 4  # centred, not cascaded towards the bottom
    bottom_right = status.mapToGlobal(status.rect().bottomRight())
    assert available.contains(bottom_right), (bottom_right, available)
    close_store(window)


def lock_and_unlock(qtbot: QtBot, window: MainWindow, during_lock: Callable[[], None] = lambda: None) -> None:
    with qtbot.waitSignal(window.locked, timeout=WAIT_MS):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    panel = window.lock_panel
    qtbot.waitUntil(panel.pass_edit.hasFocus, timeout=WAIT_MS)
    during_lock()
    qtbot.keyClicks(panel.pass_edit, PASSPHRASE)
    with qtbot.waitSignal(window.resumed, timeout=WAIT_MS):
        qtbot.keyClick(panel.pass_edit, Qt.Key.Key_Return)


def test_unlocking_gives_the_keyboard_back_to_where_it_was_or_to_the_pages_first_control(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    data = tmp_path / "data"
    make_store(data)
    window = open_window(qtbot, runner, data, expect="unlock")
    unlock(qtbot, window)
    home = window.home
    # Half-way through registering someone: the keyboard returns to the family name.
    home.new_person()
    form = home.person_form
    qtbot.keyClicks(form.given_edit, "Testperson")
    form.family_edit.setFocus()
    qtbot.waitUntil(form.family_edit.hasFocus, timeout=WAIT_MS)
    qtbot.keyClicks(form.family_edit, "Loc")
    lock_and_unlock(qtbot, window)
    assert form.family_edit.hasFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "kfocus")
    assert form.family_edit.text() == "Lockfocus"

    # On the follow-ups tab, in the note box.
    home.tabs.setCurrentWidget(home.follow_ups)
    home.follow_ups.note_edit.setFocus()
    qtbot.waitUntil(home.follow_ups.note_edit.hasFocus, timeout=WAIT_MS)
    lock_and_unlock(qtbot, window)
    assert home.follow_ups.note_edit.hasFocus()

    # Locked with the Lock button (which takes the focus when clicked): back to the note box all the same.
    qtbot.mouseClick(window.lock_button, Qt.MouseButton.LeftButton)
    assert window.is_locked
    qtbot.keyClicks(window.lock_panel.pass_edit, PASSPHRASE)
    with qtbot.waitSignal(window.resumed, timeout=WAIT_MS):
        qtbot.keyClick(window.lock_panel.pass_edit, Qt.Key.Key_Return)
    assert home.follow_ups.note_edit.hasFocus()

    # The control has gone while locked (the form was closed): the page's first control instead.
    home.tabs.setCurrentIndex(0)
    form.cancel_button.setFocus()
    qtbot.waitUntil(form.cancel_button.hasFocus, timeout=WAIT_MS)
    lock_and_unlock(qtbot, window, during_lock=lambda: home.right.setCurrentWidget(home.person_panel))
    assert home.search.search_edit.hasFocus()
    close_store(window)


SCALED_WINDOW = """
import json, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
from outreach.store.crypto import TEST_KDF
from ui.main_window import MainWindow
from ui.tasks import TaskRunner
runner = TaskRunner()
window = MainWindow(Path(sys.argv[1]), runner, kdf=TEST_KDF)
window.resize(window.sizeHint())  # as the app does
window.show()
window.statusBar().showMessage("Sync: starting")
for _ in range(5):
    app.processEvents()
bar = window.statusBar()
corner = bar.mapToGlobal(bar.rect().bottomRight())
frame, area = window.frameGeometry(), window.screen().availableGeometry()
print(json.dumps({
    "scale": window.devicePixelRatioF(),
    "inside": area.contains(frame) and area.contains(corner),
    "share": frame.height() / area.height(),
}))
runner.shutdown(wait=True)
"""


def test_at_150_percent_scaling_the_window_and_its_status_line_stay_on_screen(tmp_path: Path) -> None:
    """A real process with the display scaled by 1.5 (the window once opened taller than the screen)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "1.5"}
    done = subprocess.run(
        [sys.executable, "-c", SCALED_WINDOW, str(tmp_path / "fresh")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    assert measured["scale"] == 1.5
    assert measured["inside"], measured
    assert measured["share"] >= 0.85
