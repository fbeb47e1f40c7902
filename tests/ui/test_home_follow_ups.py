"""Home: follow-ups due or overdue with outcomes, the outbox, and the unfinished check offered back."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from outreach import services
from outreach.checks.definition import default_definition
from outreach.settings import OrgConfig
from outreach.store.local_store import LocalStore
from tests.ui.conftest import open_message_boxes
from tests.ui.shell_support import (
    PASSPHRASE,
    WAIT_MS,
    WORKER,
    add_checks,
    close_store,
    make_store,
    open_window,
    screenshot,
    unlock,
)
from ui.main_window import CheckPlaceholder, MainWindow
from ui.tasks import TaskRunner


def window_with_checks(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner, **kwargs: object
) -> tuple[MainWindow, dict]:
    data = tmp_path / "data"
    make_store(data, people=2)
    ids = add_checks(data)
    window = open_window(qtbot, runner, data, expect="unlock", **kwargs)
    unlock(qtbot, window)
    return window, ids


def cells(view: object, row: int) -> list[str]:
    """The texts of one follow-ups row, as the list shows them."""
    model = view.model  # type: ignore[attr-defined]
    return [model.index(row, c).data() for c in range(model.columnCount())]


def is_bold(view: object, row: int) -> bool:
    font = view.model.index(row, 0).data(Qt.ItemDataRole.FontRole)  # type: ignore[attr-defined]
    return font is not None and font.bold()


def add_later_follow_up(data: Path, person_id: str, days: int) -> None:
    """One more finalised check for the person, with a follow-up due in `days` days."""
    store = LocalStore.open(data)
    store.unlock(WORKER, PASSPHRASE)
    try:
        check = services.start_check(store, person_id, definition_version=default_definition().version)
        services.record_follow_up_decisions(
            store,
            check.id,
            {
                "synthetic-later": {
                    "kind": "referral",
                    "service_id": "gp-practice",
                    "reason": None,
                    "note": None,
                    "due_on": (date.today() + timedelta(days=days)).isoformat(),
                }
            },
        )
        store.checks.finalise(check.id, [{"rule_id": "synthetic-later", "title": "Synthetic finding C"}])
    finally:
        store.close()


def test_overdue_follow_ups_come_first_marked_in_words_and_an_outcome_closes_one(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    window, ids = window_with_checks(qtbot, tmp_path, runner)
    home = window.home
    view = home.follow_ups
    qtbot.keyClick(home.tabs, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    assert home.tabs.currentWidget() is view
    assert home.tabs.tabText(1) == "F&ollow-ups (2)"
    assert view.table.rowCount() == 2
    first = cells(view, 0)
    second = cells(view, 1)
    assert first[0] == "! Overdue" and first[1] == "Testperson Followup"
    assert first[2] == "Referral: The person's GP practice"
    assert second[0] == "Due this week" and "stop-smoking" in second[2].lower()
    assert is_bold(view, 0)  # not colour alone
    assert not is_bold(view, 1)
    assert (
        view.summary.text() == "2 open follow-ups, 1 overdue, 1 due this week. Overdue ones are listed first."
    )
    assert not view.record_button.isEnabled()  # nothing chosen yet
    screenshot(window, "home-follow-ups.png")

    view.table.setFocus()
    view.table.selectRow(0)
    view.outcome_combo.setCurrentIndex(view.outcome_combo.findData("attended"))
    qtbot.keyClicks(view.note_edit, "Seen at the practice")
    with qtbot.waitSignal(view.outcome_recorded, timeout=WAIT_MS) as recorded:
        qtbot.mouseClick(view.record_button, Qt.MouseButton.LeftButton)
    assert recorded.args[0].outcome == "attended" and recorded.args[0].state == "closed"
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=WAIT_MS)
    assert cells(view, 0)[0] == "Due this week"
    assert view.summary.text().startswith("1 open follow-up, 0 overdue, 1 due this week.")
    assert "Recorded: Attended for Testperson Followup" in view.message.text()

    # Enter on a row opens that person.
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(0, 1))
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    panel = home.person_panel
    qtbot.waitUntil(lambda: panel.person is not None and panel.person.id == ids["person"], timeout=WAIT_MS)
    assert home.tabs.currentIndex() == 0
    close_store(window)

    store = LocalStore.open(tmp_path / "data")
    store.unlock(WORKER, PASSPHRASE)
    try:
        closed = [f for f in store.follow_ups.for_check(ids["check"]) if f.state == "closed"]
        assert [(f.outcome, f.document["outcome_note"]) for f in closed] == [
            ("attended", "Seen at the practice")
        ]
    finally:
        store.close()


def test_every_open_follow_up_is_listed_and_an_outcome_must_be_chosen(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    """Open follow-ups stay visible until closed: one due in 30 days is listed after this week's, with its
    date; the outcome starts on "Choose…" and Record waits for one."""
    data = tmp_path / "data"
    make_store(data, people=1)
    ids = add_checks(data, draft_for=None)
    add_later_follow_up(data, ids["person"], 30)
    window = open_window(qtbot, runner, data, expect="unlock")
    unlock(qtbot, window)
    home = window.home
    view = home.follow_ups
    home.tabs.setCurrentWidget(view)
    assert home.tabs.tabText(1) == "F&ollow-ups (3)"
    rows = [cells(view, r) for r in range(view.table.rowCount())]
    later = date.today() + timedelta(days=30)
    assert [r[0] for r in rows] == ["! Overdue", "Due this week", "Later"]
    assert rows[2][3] == later.strftime("%d %b %Y").lstrip("0")
    assert (
        view.summary.text() == "3 open follow-ups, 1 overdue, 1 due this week. Overdue ones are listed first."
    )
    assert is_bold(view, 0) and not is_bold(view, 2)

    assert view.outcome_combo.currentIndex() == 0 and view.outcome_combo.currentData() is None
    assert view.outcome_combo.currentText() == "Choose\u2026"
    view.table.setFocus()
    view.table.selectRow(2)
    assert not view.record_button.isEnabled()  # a follow-up, but no outcome yet
    view.outcome_combo.setCurrentIndex(view.outcome_combo.findData("no_response"))
    assert view.record_button.isEnabled()
    with qtbot.waitSignal(view.outcome_recorded, timeout=WAIT_MS) as recorded:
        qtbot.mouseClick(view.record_button, Qt.MouseButton.LeftButton)
    assert recorded.args[0].outcome == "no_response"
    qtbot.waitUntil(lambda: view.table.rowCount() == 2, timeout=WAIT_MS)
    assert view.outcome_combo.currentData() is None  # back to "Choose…" for the next one
    screenshot(window, "home-follow-ups-all-open.png")

    # The person's two checks were both finalised today: their lines carry the time, so they differ.
    home.show_person(ids["person"])
    panel = home.person_panel
    qtbot.waitUntil(lambda: panel.person is not None and panel.checks_list.count() == 2, timeout=WAIT_MS)
    lines = [panel.checks_list.item(r).text() for r in range(2)]
    today = date.today()
    day = f"{today.day} {today.strftime('%b')} {today.year}"
    assert all(line.startswith(f"Finalised {day}, ") for line in lines), lines
    assert all(line[-5:-3].isdigit() and line[-3] == ":" and line[-2:].isdigit() for line in lines), lines
    close_store(window)


def test_the_outbox_lists_what_waits_to_sync_in_plain_words(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    window, _ids = window_with_checks(qtbot, tmp_path, runner)
    home = window.home
    outbox = home.outbox
    qtbot.keyClick(home.tabs, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    assert home.tabs.currentWidget() is outbox and home.tabs.tabText(2) == "Out&box (1)"
    row = [outbox.table.item(0, c).text() for c in (0, 1, 2, 4)]
    assert row == ["Testperson Followup", "Waiting to be sent", "0", "Not tried yet"]  # never a bare "None"
    assert outbox.summary.text() == "Checks waiting to be sent: 1."
    assert not outbox.sync_button.isEnabled()  # no shared record in this organisation's settings
    assert "No shared record is set up" in outbox.sync_button.toolTip()
    assert outbox.report.text() == outbox.sync_button.toolTip()
    screenshot(window, "home-outbox.png")

    # A failed attempt shows its error and the attempt count.
    store = window.store
    item = store.outbox.list()[0]

    def fail() -> None:
        store.outbox.mark_sending(item.id)
        store.outbox.mark_failed(item.id, "The shared record did not answer in time")

    task = runner.run_db(fail)
    qtbot.waitUntil(lambda: task.done, timeout=WAIT_MS)
    outbox.refresh()
    qtbot.waitUntil(lambda: outbox.table.item(0, 1).text() == "Not sent yet: will try again", timeout=WAIT_MS)
    assert outbox.table.item(0, 4).text() == "The shared record did not answer in time"
    assert "Not sent last time: 1" in outbox.summary.text()

    # The person withdraws their agreement to share: before any sync has run, the list says the
    # check is held and why, never "Waiting to be sent" (it would not go).
    person_id = store.checks.get(item.check_id).person_id
    task = runner.run_db(services.record_consent, store, person_id, "gp", False)
    qtbot.waitUntil(lambda: task.done, timeout=WAIT_MS)
    home.refresh()
    qtbot.waitUntil(lambda: outbox.table.item(0, 1).text() == "Held: no consent to share", timeout=WAIT_MS)
    assert "Held until the person agrees to share: 1." in outbox.summary.text()
    outbox.table.selectRow(0)
    assert "has not agreed to share" in outbox.detail.text()
    assert "Goes once the person agrees to share." in outbox.detail.text()
    close_store(window)


def test_sync_now_is_offered_when_a_shared_record_is_configured(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    org = OrgConfig(organisation_name="Synthetic Outreach Service", server_url="http://127.0.0.1:9/fhir")
    window, _ids = window_with_checks(qtbot, tmp_path, runner, org_config=org)
    outbox = window.home.outbox
    assert outbox.sync_button.isEnabled() and outbox.sync_button.toolTip() == ""
    # This laptop has no device token yet: the engine says so, shown plainly; the screen never waits.
    with qtbot.waitSignal(
        runner.task_finished, timeout=WAIT_MS, check_params_cb=lambda task: task.name == "ui.home.sync"
    ) as finished:
        qtbot.mouseClick(outbox.sync_button, Qt.MouseButton.LeftButton)
        assert not outbox.sync_button.isEnabled() and outbox.busy.busy
    assert finished.args[0].lane == "network"
    boxes = open_message_boxes()
    assert [b.objectName() for b in boxes] == ["error-auth"] and "device token" in boxes[0].text()
    assert outbox.sync_button.isEnabled() and not outbox.busy.busy
    close_store(window)


def test_an_unfinished_check_is_offered_back_in_plain_words(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    window, ids = window_with_checks(qtbot, tmp_path, runner)
    notice = window.home.drafts_notice
    assert notice.isVisible()
    assert notice.text.text().startswith("You have an unfinished check for Testperson Drafty, started ")
    assert notice.text.text().endswith("Continue it?")
    screenshot(window, "home-draft-offered.png")
    with qtbot.waitSignal(window.page_shown, timeout=WAIT_MS, check_params_cb=lambda name: name == "check"):
        qtbot.mouseClick(notice.buttons[0], Qt.MouseButton.LeftButton)
    widget = window.check_widget
    assert widget is not None and window.stack.currentWidget() is widget
    if isinstance(widget, CheckPlaceholder):
        assert widget.check_id == ids["draft"] and widget.person_id == ids["draft_person"]
        qtbot.mouseClick(widget.back_button, Qt.MouseButton.LeftButton)
        assert window.current_page == "home"
    close_store(window)


def test_starting_a_check_from_the_person_puts_the_check_on_screen(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    window, ids = window_with_checks(qtbot, tmp_path, runner)
    home = window.home
    home.show_person(ids["person"])
    panel = home.person_panel
    qtbot.waitUntil(lambda: panel.person is not None and panel.checks_list.count() == 1, timeout=WAIT_MS)
    assert panel.checks_list.item(0).text().startswith("Finalised ")
    assert "Open follow-ups: 2" in panel.details_label.text()
    with qtbot.waitSignal(home.open_check, timeout=WAIT_MS) as opened:
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    assert opened.args == [ids["person"], None]
    assert window.current_page == "check"
    screenshot(window, "shell-check-opened.png")

    # Locking over the check keeps the very same check widget underneath, untouched.
    check = window.check_widget
    with qtbot.waitSignal(window.locked, timeout=WAIT_MS):
        window.lock_action.trigger()
    assert window.check_widget is check and window.stack.currentWidget() is check
    qtbot.keyClicks(window.lock_panel.pass_edit, PASSPHRASE)
    with qtbot.waitSignal(window.resumed, timeout=WAIT_MS):
        qtbot.keyClick(window.lock_panel.pass_edit, Qt.Key.Key_Return)
    assert window.check_widget is check and window.current_page == "check" and window.store.is_unlocked
    close_store(window)
