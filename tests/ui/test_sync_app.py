"""Sync inside the app, against the real reference server on loopback and a real store.

Automatic syncs (at unlock, on the interval, after a check is finalised, when the network
comes back), the status line's words, the outbox's rows and "Try again", lock stopping
everything, and a supervisor's review coming down and being visible to the worker.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from outreach.store import sync_state
from sync.server.serving import RunningServer
from tests.sync.server_calls import post, server_count
from tests.ui.check_helpers import focusable_without_name
from tests.ui.conftest import open_message_boxes
from tests.ui.shell_support import WAIT_MS, close_store, screenshot
from tests.ui.sync_app_support import (
    LAPTOP,
    add_finalised_checks,
    encounters_by_identifier,
    in_db,
    make_laptop,
    server_encounter,
    start_server,
    sync_window,
    unlock_overlay,
)
from ui.main_window import MainWindow
from ui.sync_controller import SyncTimings
from ui.tasks import TaskRunner, on_gui_thread

QUICK = SyncTimings(
    first_ms=50,
    interval_ms=600_000,
    after_finalise_ms=400,
    offline_first_ms=200,
    offline_max_ms=400,
    max_wait_s=0.5,
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    """The reference shared-record server on a free loopback port, stopped after the test."""
    running = start_server(tmp_path)
    yield running
    running.stop()


def finish(qtbot: QtBot, window: MainWindow) -> None:
    """Stop syncing, let the screens finish what they asked of the store, then close it."""
    window.sync.stop()
    qtbot.waitUntil(lambda: window.runner.active_tasks == 0, timeout=WAIT_MS)
    close_store(window)


def waiting(store: object) -> list[object]:
    return store.outbox.list(("queued", "sending", "failed"))  # type: ignore[attr-defined]


def test_syncs_by_itself_at_unlock_and_soon_after_a_check_is_finalised(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner, server: RunningServer
) -> None:
    token = server.add_device(LAPTOP)
    make_laptop(tmp_path / "laptop", token, checks=2)
    lanes: dict[str, set[str]] = {}
    runner.task_finished.connect(lambda task: lanes.setdefault(task.name, set()).add(task.lane))
    window = sync_window(qtbot, runner, tmp_path / "laptop", server.url, QUICK)
    sync = window.sync
    store = window.store
    item_threads: list[bool] = []
    sync.item_done.connect(lambda _outcome: item_threads.append(on_gui_thread()))
    # Unlock starts an automatic sync: both checks reach the shared record, once each.
    qtbot.waitUntil(lambda: sync.runs >= 1 and not sync.running, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "Last synced" in window.sync_status.text(), timeout=WAIT_MS)
    assert "nothing waiting" in window.sync_status.text()
    assert window.sync_status.accessibleName() == "Sync status"
    assert list(encounters_by_identifier(server, token, store).values()) == [1, 1]
    assert waiting(store) == []
    assert sync.last_report.sent == 2

    # Two more checks are finalised one after the other: one run, a moment later, sends both.
    in_db(qtbot, runner, add_finalised_checks, store, 2, 11)
    runs = sync.runs
    newest, other = (item.check_id for item in store.outbox.list()[-1:-3:-1])
    window.open_check(_person_of(store, newest), newest)
    check = window.check_widget
    started = time.monotonic()
    check.finalised.emit(newest)  # as the check screen says when the worker finalises
    check.finalised.emit(other)
    assert sync.runs == runs  # not at once: the worker may finalise another straight away
    qtbot.waitUntil(lambda: sync.runs == runs + 1 and not sync.running, timeout=WAIT_MS)
    assert time.monotonic() - started >= QUICK.after_finalise_ms / 1000 * 0.9
    qtbot.wait(QUICK.after_finalise_ms + 100)
    assert sync.runs == runs + 1  # coalesced into that one run
    # The engine ran on the network pool; its per-item reports reached the screen on the GUI thread.
    assert lanes["ui.home.sync"] == {"network"} and lanes["ui.sync.probe"] == {"network"}
    assert len(item_threads) >= 2 and all(item_threads)
    counts = encounters_by_identifier(server, token, store)
    assert len(counts) == 4 and set(counts.values()) == {1}
    assert server_count(server, token, "Encounter") == 4
    assert waiting(store) == []
    qtbot.waitUntil(lambda: window.home.outbox.table.rowCount() == 0, timeout=WAIT_MS)
    assert window.home.outbox.summary.text().startswith("Nothing is waiting")
    finish(qtbot, window)


def _person_of(store: object, check_id: str) -> str:
    return store.checks.get(check_id).person_id  # type: ignore[attr-defined]


def test_syncs_on_the_interval(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner, server: RunningServer
) -> None:
    token = server.add_device(LAPTOP)
    make_laptop(tmp_path / "laptop", token, checks=1)
    timings = SyncTimings(first_ms=600_000, interval_ms=300, offline_first_ms=200, max_wait_s=0.5)
    window = sync_window(qtbot, runner, tmp_path / "laptop", server.url, timings)
    sync = window.sync
    qtbot.waitUntil(lambda: server_count(server, token, "Encounter") == 1, timeout=WAIT_MS)
    # A check written without any signal to the sync (as an import would) still goes on the next tick.
    in_db(qtbot, runner, add_finalised_checks, window.store, 1, 21)
    qtbot.waitUntil(lambda: server_count(server, token, "Encounter") == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not sync.running and waiting(window.store) == [], timeout=WAIT_MS)
    assert sync.runs >= 2
    finish(qtbot, window)


def test_offline_says_so_keeps_the_checks_and_sends_them_when_back_online(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    server = start_server(tmp_path)
    token = server.add_device(LAPTOP)
    port = server.port
    server.stop()  # the church hall: no shared record reachable
    make_laptop(tmp_path / "laptop", token, checks=3)
    window = sync_window(qtbot, runner, tmp_path / "laptop", f"http://127.0.0.1:{port}", QUICK)
    sync = window.sync
    qtbot.waitUntil(lambda: window.sync_status.text().startswith("Offline"), timeout=WAIT_MS)
    assert window.sync_status.text() == "Offline: 3 checks waiting, they will go when you are back online"
    assert sync.runs == 0  # nothing was tried, so nothing was marked failed
    items = waiting(window.store)
    assert len(items) == 3 and {i.state for i in items} == {"queued"} and {i.attempts for i in items} == {0}
    home = window.home
    home.tabs.setCurrentWidget(home.outbox)
    qtbot.waitUntil(lambda: home.outbox.table.rowCount() == 3, timeout=WAIT_MS)
    screenshot(window, "sync-outbox-offline.png")

    # Back online (the same server, same port): the controller notices by itself and sends them.
    server = start_server(tmp_path, port=port)
    try:
        qtbot.waitUntil(lambda: waiting(window.store) == [] and not sync.running, timeout=WAIT_MS)
        assert set(encounters_by_identifier(server, token, window.store).values()) == {1}
        assert server_count(server, token, "Encounter") == 3
        qtbot.waitUntil(lambda: window.sync_status.text().startswith("Last synced"), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: home.outbox.table.rowCount() == 0, timeout=WAIT_MS)
        finish(qtbot, window)
    finally:
        server.stop()


def test_lock_cancels_the_running_sync_and_stops_automatic_syncs(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner, server: RunningServer
) -> None:
    token = server.add_device(LAPTOP)
    make_laptop(tmp_path / "laptop", token, checks=4)
    server.faults.delay(0.8, times=None, method="POST")  # a slow line: the run is still going at lock
    timings = SyncTimings(first_ms=50, interval_ms=300, after_finalise_ms=100, max_wait_s=0.5)
    window = sync_window(qtbot, runner, tmp_path / "laptop", server.url, timings)
    sync = window.sync
    qtbot.waitUntil(lambda: sync.running, timeout=WAIT_MS)
    engine = sync._engine
    assert engine is not None
    window.lock()
    assert engine.cancelled and sync._engine is None and not sync.active
    assert window.sync_status.text() == "Locked: sync waits until you unlock"
    qtbot.waitUntil(lambda: not sync.running, timeout=WAIT_MS)
    assert sync.last_report is None or sync.last_report.cancelled or sync.last_error is not None
    runs = sync.runs
    sync.check_finalised("anything")
    qtbot.wait(1_000)  # more than three intervals
    assert sync.runs == runs  # no automatic sync while locked
    assert open_message_boxes() == []  # stopping is not an error
    still = server_count(server, token, "Encounter")
    assert still < 4

    server.faults.clear()
    unlock_overlay(qtbot, window)
    assert sync.active
    qtbot.waitUntil(lambda: server_count(server, token, "Encounter") == 4, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: waiting(window.store) == [] and not sync.running, timeout=WAIT_MS)
    assert set(encounters_by_identifier(server, token, window.store).values()) == {1}
    finish(qtbot, window)


def test_a_review_created_on_the_server_comes_down_and_the_worker_sees_it(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner, server: RunningServer
) -> None:
    token = server.add_device(LAPTOP)
    make_laptop(tmp_path / "laptop", token, checks=2)
    window = sync_window(qtbot, runner, tmp_path / "laptop", server.url, QUICK)
    sync = window.sync
    store = window.store
    qtbot.waitUntil(lambda: waiting(store) == [] and not sync.running, timeout=WAIT_MS)
    returned, approved = (item.check_id for item in store.outbox.list())
    # A supervisor reviews both checks on the shared record.
    post(
        server,
        token,
        {
            "resourceType": "Task",
            "status": "requested",
            "intent": "order",
            "focus": {"reference": server_encounter(store, returned)},
            "description": "Please repeat the blood pressure at the next visit",
            "note": [{"text": "Synthetic note: the reading looks transposed."}],
        },
    )
    post(
        server,
        token,
        {
            "resourceType": "Task",
            "status": "completed",
            "intent": "order",
            "focus": {"reference": server_encounter(store, approved)},
            "description": "Reviewed: no action needed",
        },
    )
    home = window.home
    home.tabs.setCurrentWidget(home.outbox)
    runs = sync.runs
    qtbot.mouseClick(home.outbox.sync_button, Qt.MouseButton.LeftButton)  # "Sync now" goes through it
    assert sync.running or sync.runs == runs + 1
    qtbot.waitUntil(lambda: sync.runs == runs + 1 and not sync.running, timeout=WAIT_MS)
    reviews = home.reviews
    qtbot.waitUntil(lambda: len(reviews.lines) == 2, timeout=WAIT_MS)
    assert home.tabs.tabText(3) == "Reviews (1)"
    assert [reviews.table.item(r, 2).text() for r in range(2)] == ["Returned with comments", "Approved"]
    assert "Please repeat the blood pressure" in reviews.table.item(0, 3).text()
    home.tabs.setCurrentWidget(reviews)
    reviews.table.selectRow(0)
    assert "the reading looks transposed" in reviews.comments.toPlainText()
    assert reviews.open_button.isEnabled()
    screenshot(window, "sync-reviews.png")

    # The person's list of checks says so too.
    person = _person_of(store, returned)
    home.show_person(person)
    panel = home.person_panel
    qtbot.waitUntil(
        lambda: (
            panel.checks_list.count() == 1
            and panel.checks_list.item(0).text().endswith("Returned with comments")
        ),
        timeout=WAIT_MS,
    )
    screenshot(window, "sync-person-reviewed.png")

    # Opening the review opens the check, read-only, with the comments above it.
    home.tabs.setCurrentWidget(reviews)
    reviews.table.selectRow(0)
    qtbot.mouseClick(reviews.open_button, Qt.MouseButton.LeftButton)
    assert window.current_page == "check"
    assert window.check_widget.check_id == returned
    qtbot.waitUntil(lambda: window.review_notice.isVisible(), timeout=WAIT_MS)
    text = window.review_notice.text.text()
    assert text.startswith("Supervisor's review: Returned with comments.")
    assert "Please repeat the blood pressure" in text and "the reading looks transposed" in text
    qtbot.waitUntil(lambda: getattr(window.check_widget, "read_only", False), timeout=WAIT_MS)
    screenshot(window, "sync-review-check-opened.png")
    window.check_widget.request_close()  # a finalised check closes straight away
    qtbot.waitUntil(lambda: window.current_page == "home", timeout=WAIT_MS)
    assert not window.review_notice.isVisible()
    finish(qtbot, window)


def test_outbox_rows_say_why_and_try_again_sends_a_held_check(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner, server: RunningServer
) -> None:
    token = server.add_device(LAPTOP)
    make_laptop(tmp_path / "laptop", token, checks=2)
    timings = SyncTimings(first_ms=600_000, interval_ms=600_000, max_wait_s=0.5)
    window = sync_window(qtbot, runner, tmp_path / "laptop", server.url, timings)
    store = window.store
    held, failed = (item.id for item in store.outbox.list())

    def refuse_and_fail() -> None:
        for outbox_id, error in (
            (held, "Encounter.subject: the reference cannot be resolved"),
            (failed, "The shared record did not answer in time"),
        ):
            store.outbox.mark_sending(outbox_id)
            store.outbox.mark_failed(outbox_id, error, next_attempt_at="2999-06-01T12:00:00+00:00")
        sync_state.hold(store, held, sync_state.HOLD_REFUSED)

    in_db(qtbot, runner, refuse_and_fail)
    home = window.home
    outbox = home.outbox
    home.tabs.setCurrentWidget(outbox)
    outbox.refresh()
    qtbot.waitUntil(
        lambda: outbox.table.rowCount() == 2 and {r.item.state for r in outbox._rows} == {"failed"},
        timeout=WAIT_MS,
    )
    rows = {outbox._rows[r].item.id: r for r in range(2)}
    refused_row = [outbox.table.item(rows[held], c).text() for c in range(6)]
    assert refused_row[1:5] == [
        "Refused: needs you",
        "1",
        refused_row[3],
        "Encounter.subject: the reference cannot be resolved",
    ]
    assert refused_row[5] == "Waits for you: amend the check, or press Try again."
    retry_row = [outbox.table.item(rows[failed], c).text() for c in (1, 2, 5)]
    assert retry_row[0] == "Not sent yet: will try again" and retry_row[1] == "1"
    assert retry_row[2].startswith("Tried again by itself after 1 Jun 2999")  # in local time
    assert not outbox.retry_button.isEnabled()  # nothing chosen yet
    outbox.table.selectRow(rows[failed])
    assert outbox.detail.text().startswith(
        "Testperson Bravo 1: Waiting to retry: The shared record did not answer in time."
    )
    outbox.table.selectRow(rows[held])
    assert outbox.retry_button.isEnabled()
    assert outbox.detail.text() == (
        "Testperson Alpha 1: Refused by the shared record: Encounter.subject: the reference cannot "
        "be resolved. Waits for you: amend the check, or press Try again."
    )
    screenshot(window, "sync-outbox-held.png")

    # Try again: the hold is lifted and the controller sends it shortly, with no one pressing Sync now.
    window.sync.start()  # automatic syncs on (first one far away) so "Try again" may ask for one
    qtbot.mouseClick(outbox.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: server_count(server, token, "Encounter") == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not window.sync.running and outbox.table.rowCount() == 1, timeout=WAIT_MS)
    assert outbox._rows[0].item.id == failed  # the other still waits for its retry time
    finish(qtbot, window)


def test_a_withdrawn_laptop_is_told_once_in_plain_words_and_auto_sync_pauses(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner, server: RunningServer
) -> None:
    token = server.add_device(LAPTOP)
    make_laptop(tmp_path / "laptop", token, checks=1)
    server.store.revoke_device(LAPTOP)
    timings = SyncTimings(first_ms=50, interval_ms=300, offline_first_ms=200, max_wait_s=0.5)
    window = sync_window(qtbot, runner, tmp_path / "laptop", server.url, timings)
    sync = window.sync
    withdrawn = "Sync stopped: this laptop's access was withdrawn \u2014 contact IT"
    qtbot.waitUntil(lambda: window.sync_status.text() == withdrawn, timeout=WAIT_MS)
    assert open_message_boxes() == []  # an automatic sync never opens a dialog
    runs = sync.runs
    qtbot.wait(1_000)
    assert sync.runs == runs  # paused: not asking the server again every interval
    # "Sync now" says it once in a message; pressing it again only updates the status line.
    outbox = window.home.outbox
    qtbot.mouseClick(outbox.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not sync.running and bool(open_message_boxes()), timeout=WAIT_MS)
    (box,) = open_message_boxes()
    assert box.objectName() == "error-auth" and "revoked" in (box.text() + box.informativeText()).lower()
    box.close()
    qtbot.waitUntil(lambda: outbox.sync_button.isEnabled(), timeout=WAIT_MS)
    qtbot.mouseClick(outbox.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not sync.running and outbox.sync_button.isEnabled(), timeout=WAIT_MS)
    qtbot.wait(100)
    assert open_message_boxes() == []
    assert window.sync_status.text() == withdrawn
    assert len(waiting(window.store)) == 1  # nothing lost
    finish(qtbot, window)


def test_every_new_control_has_an_accessible_name(qtbot: QtBot, tmp_path: Path, runner: TaskRunner) -> None:
    make_laptop(tmp_path / "laptop", "synthetic-token", checks=1)
    window = sync_window(
        qtbot, runner, tmp_path / "laptop", "http://127.0.0.1:9", SyncTimings(first_ms=600_000)
    )
    home = window.home
    for view in (home.outbox, home.reviews):
        home.tabs.setCurrentWidget(view)
        qtbot.waitUntil(view.isVisible, timeout=WAIT_MS)
        assert focusable_without_name(view) == []
    home.tabs.setCurrentWidget(home.outbox)
    qtbot.waitUntil(lambda: home.outbox.table.rowCount() == 1, timeout=WAIT_MS)
    home.outbox.table.selectRow(0)
    assert focusable_without_name(home.outbox) == []
    assert home.outbox.retry_button.accessibleName() and home.outbox.detail.accessibleName()
    assert window.sync_status.accessibleName() == "Sync status"
    finish(qtbot, window)


def test_reviews_and_outbox_keys_are_unique_on_their_screens(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    from tests.ui.test_shell_accessibility import mnemonics

    make_laptop(tmp_path / "laptop", "synthetic-token", checks=1)
    window = sync_window(
        qtbot, runner, tmp_path / "laptop", "http://127.0.0.1:9", SyncTimings(first_ms=600_000)
    )
    home = window.home
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert home.tabs.currentWidget() is home.reviews
    home.reviews.open_button.setEnabled(True)  # as when a review is chosen
    keys = mnemonics(window)
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == []
    home.tabs.setCurrentWidget(home.outbox)
    qtbot.waitUntil(lambda: home.outbox.table.rowCount() == 1, timeout=WAIT_MS)
    home.outbox.retry_button.setEnabled(True)  # as when a failed check is chosen
    keys = mnemonics(window)
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == []
    finish(qtbot, window)


def test_a_token_the_server_does_not_know_stops_sync_with_what_to_ask_it(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner, server: RunningServer
) -> None:
    server.add_device(LAPTOP)
    make_laptop(tmp_path / "laptop", "synthetic-token-the-server-never-issued", checks=1)
    timings = SyncTimings(first_ms=50, interval_ms=300, max_wait_s=0.5)
    window = sync_window(qtbot, runner, tmp_path / "laptop", server.url, timings)
    qtbot.waitUntil(lambda: window.sync_status.text().startswith("Sync stopped:"), timeout=WAIT_MS)
    assert "device token" in window.sync_status.text()
    assert "synthetic-token" not in window.sync_status.text()  # a token is never shown
    assert open_message_boxes() == []
    runs = window.sync.runs
    qtbot.wait(800)
    assert window.sync.runs == runs and len(waiting(window.store)) == 1
    finish(qtbot, window)
