"""Home at a real caseload, on a 1366x768 laptop: thousands of people, thousands of open follow-ups.

Every list says honestly how many there are, loads more as it scrolls, narrows by due date,
person and venue; recording an outcome changes that one row only; search says the true number
found. One change event keeps the screens current: a check finalised shows on the person's
panel without searching again. Today's venue session is read back when the app opens again.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from outreach import services
from outreach.checks.definition import default_definition
from outreach.demo_data import _CheckPool, fill_demo_data, finalise_demo_check, synthetic_person
from outreach.store.crypto import TEST_KDF
from outreach.store.local_store import LocalStore
from outreach.store.records import PersonDetails
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
from ui.ops.home import PAGE_SIZE
from ui.tasks import TaskRunner

PEOPLE = 1500
AT_VENUE = 150  # of them, checked in a session at VENUE
SCREEN = (1366, 768)
VENUE = "Synthetic Community Cafe"


@pytest.fixture(scope="module")
def caseload(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with PEOPLE synthetic people, one finalised check each (thousands of open follow-ups),
    some of them overdue, a fifth of the checks done at one venue; built once for the module."""
    folder = tmp_path_factory.mktemp("caseload") / "data"
    make_store(folder)
    store = LocalStore.open(folder, kdf=TEST_KDF)
    store.unlock(WORKER, PASSPHRASE)
    try:
        fill_demo_data(store, people=PEOPLE - AT_VENUE, checks_per_person=1, batch=300)
        venue = store.venues.add(VENUE)
        session = store.venues.start_session(venue.id)
        pool = _CheckPool(random.Random(2))
        with store.db.write():
            for i in range(AT_VENUE):
                who = services.register_person(store, synthetic_person(PEOPLE + i, pool.rng, None))
                finalise_demo_check(store, pool, who, date.today(), session_id=session)
        store.venues.end_session(session)
        with store.db.write() as conn:
            # Demo follow-ups are all due from today on; a real caseload has overdue ones.
            conn.execute(text("UPDATE follow_ups SET due_on = date(due_on, '-40 days') WHERE rowid % 9 = 0"))
    finally:
        store.close()
    return folder


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, runner: TaskRunner, caseload: Path) -> Iterator[MainWindow]:
    data = tmp_path / "data"
    shutil.copytree(caseload, data)
    win = open_window(qtbot, runner, data, expect="unlock")
    win.resize(*SCREEN)
    unlock(qtbot, win)
    yield win
    close_store(win)


def counts_in_store(data: Path) -> tuple[int, int, int]:
    """(open, overdue, due within the week) counted straight from the file, to check the screen."""
    store = LocalStore.open(data, kdf=TEST_KDF)
    try:
        today = date.today().isoformat()
        week = (date.today() + timedelta(days=7)).isoformat()
        with store.db.read() as conn:
            return conn.execute(
                text(
                    "SELECT count(*), sum(due_on < :t), sum(due_on >= :t AND due_on <= :w) "
                    "FROM follow_ups WHERE state = 'open'"
                ),
                {"t": today, "w": week},
            ).one()
    finally:
        store.close()


def test_the_follow_ups_list_says_how_many_loads_as_it_scrolls_and_filters(
    qtbot: QtBot, window: MainWindow
) -> None:
    home = window.home
    view = home.follow_ups
    total, overdue, week = counts_in_store(window.data_dir)
    assert total > 1000 and overdue > 100
    home.tabs.setCurrentWidget(view)
    assert view.summary.text().startswith(
        f"{total} open follow-ups, {overdue} overdue, {week} due this week."
    )
    assert home.tabs.tabText(1) == f"F&ollow-ups ({total})"
    assert "Showing the first" not in view.summary.text()
    assert view.due_buttons["overdue"].text() == f"! Overd&ue ({overdue})"
    # Overdue first (bold, with the word), then by due date.
    assert view.model.index(0, 0).data() == "! Overdue"
    dues = [r.record.due_on for r in view.rows if r.record.due_on]
    assert dues == sorted(dues)
    screenshot(window, "home-caseload-follow-ups-1366x768.png")

    # Scrolling to the end reads the next page; never everything at once.
    loaded = view.table.rowCount()
    assert loaded == PAGE_SIZE
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: view.table.rowCount() > loaded, timeout=WAIT_MS)

    # Only overdue ones: exactly as many as counted, all overdue.
    with qtbot.waitSignal(view.filtered, timeout=WAIT_MS):
        qtbot.mouseClick(view.due_buttons["overdue"], Qt.MouseButton.LeftButton)
    assert all(r.overdue for r in view.rows) and view.model.total == overdue
    # Ask for the next page whenever none is being read, until every overdue one is listed (a page
    # may still be on its way when the filter's signal arrives, so "can fetch more" alone ends too soon).

    def all_listed() -> bool:
        if view.model.canFetchMore():
            view.model.fetchMore()
        return view.table.rowCount() == overdue

    qtbot.waitUntil(all_listed, timeout=WAIT_MS * 4)
    screenshot(window, "home-caseload-overdue-1366x768.png")

    # One person, by name: only their follow-ups, and the counts are theirs.
    with qtbot.waitSignal(view.filtered, timeout=WAIT_MS):
        qtbot.mouseClick(view.due_buttons[None], Qt.MouseButton.LeftButton)
    person_id = view.rows[0].record.person_id
    name = view.rows[0].person_name
    with qtbot.waitSignal(view.filtered, timeout=WAIT_MS):
        view.set_person_text(name)
    # The typed words match names by prefix ("Tango 4" finds Tango 4 and Tango 40-49), as search does.
    assert view.rows and all(r.person_name.startswith(name) for r in view.rows)
    assert person_id in {r.record.person_id for r in view.rows}
    assert view.summary.text().endswith("(Only those matching the person or venue chosen.)")
    assert home.tabs.tabText(1) == f"F&ollow-ups ({total})"  # the tab still counts everyone's
    theirs = view.model.total
    view.table.selectRow(0)
    view.outcome_combo.setCurrentIndex(view.outcome_combo.findData("declined"))
    with qtbot.waitSignal(view.outcome_recorded, timeout=WAIT_MS):
        qtbot.mouseClick(view.record_button, Qt.MouseButton.LeftButton)
    assert view.model.total == theirs - 1 and home.tabs.tabText(1) == f"F&ollow-ups ({total - 1})"

    # One venue: follow-ups from checks done there.
    with qtbot.waitSignal(view.filtered, timeout=WAIT_MS):
        view.set_person_text("")
    with qtbot.waitSignal(view.filtered, timeout=WAIT_MS):
        view.venue_combo.setCurrentIndex(view.venue_combo.findText(VENUE))
    assert 0 < view.model.total < total
    screenshot(window, "home-caseload-venue-1366x768.png")


def test_recording_an_outcome_changes_that_row_only(qtbot: QtBot, window: MainWindow) -> None:
    home = window.home
    view = home.follow_ups
    home.tabs.setCurrentWidget(view)
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: view.table.rowCount() > PAGE_SIZE, timeout=WAIT_MS)
    before = list(view.rows)
    counts = view.counts
    assert counts is not None
    resets: list[bool] = []
    view.model.modelReset.connect(lambda: resets.append(True))
    started: list[str] = []
    window.runner.task_started.connect(lambda task: started.append(task.name))

    view.table.setFocus()
    view.table.selectRow(3)
    chosen = before[3]
    view.outcome_combo.setCurrentIndex(view.outcome_combo.findData("attended"))
    with qtbot.waitSignal(view.outcome_recorded, timeout=WAIT_MS):
        qtbot.mouseClick(view.record_button, Qt.MouseButton.LeftButton)
    qtbot.wait(200)  # anything queued after it (change events) has arrived
    assert [r.record.id for r in view.rows] == [r.record.id for r in before if r is not chosen]
    assert all(a is b for a, b in zip(view.rows, [r for r in before if r is not chosen], strict=True))
    assert resets == []  # the list was not read again
    assert started == ["ui.home.follow_up_outcome"]  # one store task: the outcome itself
    assert view.counts is not None and view.counts.total == counts.total - 1
    assert view.summary.text().startswith(f"{counts.total - 1} open follow-ups")
    assert view.rows[3] is before[4] and view.table.selectionModel().selectedRows()[0].row() == 3
    screenshot(window, "home-caseload-outcome-recorded-1366x768.png")


def test_search_says_the_true_number_found_and_lists_more_as_it_scrolls(
    qtbot: QtBot, window: MainWindow
) -> None:
    search = window.home.search
    with qtbot.waitSignal(search.results_shown, timeout=WAIT_MS):
        qtbot.keyClicks(search.search_edit, "testperson")
    qtbot.waitUntil(
        lambda: search.search_edit.text() == "testperson" and search.total == PEOPLE, timeout=WAIT_MS
    )
    assert search.status.text().startswith(f"Found: {PEOPLE}.")
    assert search.results.count() == PAGE_SIZE
    search.results.scrollToBottom()
    qtbot.waitUntil(lambda: search.results.count() == 2 * PAGE_SIZE, timeout=WAIT_MS)
    screenshot(window, "home-caseload-search-1366x768.png")


def test_a_finalised_check_shows_on_the_person_panel_without_a_new_search(
    qtbot: QtBot, window: MainWindow
) -> None:
    """The screen said "No checks yet" after finalising until the worker searched again, inviting a
    duplicate check. Any store work that finalises a check now refreshes the panel showing the person."""
    home = window.home
    store = window.store

    def register() -> str:
        person = services.register_person(
            store,
            PersonDetails(
                given_name="Testperson", family_name="Freshly", date_of_birth="1975-04-05", sex="female"
            ),
        )
        return person.id

    task = window.runner.run_db(register)
    qtbot.waitUntil(lambda: task.done, timeout=WAIT_MS)
    person_id = str(task.result)
    panel = home.person_panel
    home.show_person(person_id)
    qtbot.waitUntil(lambda: panel.person is not None and panel.person.id == person_id, timeout=WAIT_MS)
    assert panel.checks_list.item(0).text().startswith("No checks yet")
    follow_ups_before = home.follow_ups.counts.total if home.follow_ups.counts else 0

    def check_and_finalise() -> None:  # what the check screens do, on the store worker
        with store.db.write():
            services.record_consent(store, person_id, "check", True)
            check = services.start_check(store, person_id, definition_version=default_definition().version)
        services.record_follow_up_decisions(
            store,
            check.id,
            {
                "synthetic": {
                    "kind": "referral",
                    "service_id": "gp-practice",
                    "reason": None,
                    "note": None,
                    "due_on": (date.today() + timedelta(days=5)).isoformat(),
                }
            },
        )
        store.checks.finalise(check.id, [{"rule_id": "synthetic", "title": "Synthetic finding"}])

    window.runner.run_db(check_and_finalise)
    qtbot.waitUntil(lambda: panel.checks_list.item(0).text().startswith("Finalised "), timeout=WAIT_MS)
    assert panel.start_button.isEnabled() and panel.open_button.isEnabled()
    assert "Open follow-ups: 1" in panel.details_label.text()
    qtbot.waitUntil(
        lambda: home.follow_ups.counts is not None and home.follow_ups.counts.total == follow_ups_before + 1,
        timeout=WAIT_MS,
    )
    screenshot(window, "home-caseload-finalised-person-1366x768.png")


def test_todays_venue_session_is_read_back_after_a_restart(
    qtbot: QtBot, window: MainWindow, runner: TaskRunner
) -> None:
    bar = window.home.session_bar
    bar.venue_combo.setEditText(VENUE)
    with qtbot.waitSignal(bar.session_started, timeout=WAIT_MS):
        qtbot.mouseClick(bar.start_button, Qt.MouseButton.LeftButton)
    session_id = window.context.session_id
    assert session_id is not None
    data = window.data_dir
    close_store(window)
    window.close()

    again = TaskRunner()
    try:
        second = open_window(qtbot, again, data, expect="unlock")
        unlock(qtbot, second)
        assert second.context.session is not None and second.context.session_id == session_id
        assert second.context.venue == VENUE
        assert second.home.session_bar.status.text() == f"Today's session at {VENUE} carries on."
        assert second.home.session_bar.venue_combo.currentText() == VENUE
        close_store(second)
    finally:
        again.shutdown(wait=True)
