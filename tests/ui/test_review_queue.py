"""The review queue and review screen over a real supervisor's store, filled by the real team pull.

Two worker laptops (different workers) sync synthetic checks to the reference server; the
supervisor's laptop pulls them. The queue is then driven as a supervisor would: urgent first
(said in words), then the oldest; narrowed by state, worker, visit dates and venue; read a page
at a time; a check opened with Enter; returning without comments refused in plain words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QTabBar, QWidget
from pytestqt.qtbot import QtBot

from outreach import services
from outreach.checks.definition import default_definition
from outreach.clinical.findings import load_rules
from outreach.demo_data import fill_demo_data
from outreach.store.local_store import LocalStore
from outreach.store.records import PersonDetails
from outreach.team.queue import queue_count
from outreach.team.records import QueueFilter
from sync.server.serving import RunningServer
from tests.team import support
from tests.ui.check_helpers import FULL_ANSWERS, focusable_without_name, make_context
from tests.ui.shell_support import WAIT_MS, screenshot
from tests.ui.sync_app_support import start_server
from ui.review import queue_view
from ui.review.review_screen import ReviewScreen
from ui.review.workspace import ReviewWorkspace, can_review
from ui.tasks import TaskRunner

CHECKS_EACH = 12
WORKERS = ("Testworker Ann", "Testworker Bob")
MENU_LETTERS = ("f", "w", "v", "h")  # File, Work, View, Help


@dataclass
class Team:
    supervisor: LocalStore
    folder: Path


@pytest.fixture
def team(tmp_path: Path) -> Iterator[Team]:
    server: RunningServer = start_server(tmp_path)
    stores: list[LocalStore] = []
    try:
        for number, name in enumerate(WORKERS, start=1):
            store = support.laptop(tmp_path / f"worker{number}", name, "worker")
            stores.append(store)
            fill_demo_data(store, people=CHECKS_EACH - (number == 2), checks_per_person=1, seed=10 + number)
            if number == 2:
                add_urgent_check(store)
            support.share_all(store)
            support.sync(store, server, support.add_device(server, f"Test laptop {number}", "worker"))
        supervisor = support.laptop(tmp_path / "supervisor", support.SUPERVISOR, "supervisor")
        stores.append(supervisor)
        support.sync(supervisor, server, support.add_device(server, "Test supervisor laptop", "supervisor"))
        assert queue_count(supervisor, QueueFilter()) == CHECKS_EACH * len(WORKERS)
        yield Team(supervisor, tmp_path)
    finally:
        for store in stores:
            store.close()
        server.stop()


def add_urgent_check(store: LocalStore) -> None:
    """One check, finalised after the others, with blood pressure at the urgent level (NICE NG136: 180/120
    or more is same-day; the product's rule "bp-severe"), each finding referred as the rules allow."""
    definition, rules = default_definition(), load_rules()
    person = services.register_person(
        store,
        PersonDetails(
            given_name="Testperson",
            family_name="Urgent",
            date_of_birth="1970-01-02",
            sex="male",
            nhs_number="9990000018",
        ),
    )
    services.record_consent(store, person.id, "check", True)
    check = services.start_check(store, person.id, definition_version=definition.version)
    services.save_answers(
        store,
        check.id,
        {
            **FULL_ANSWERS,
            "blood_pressure.systolic": 186,
            "blood_pressure.diastolic": 110,
            "blood_pressure.systolic_2": 184,
            "blood_pressure.diastolic_2": 108,
        },
    )
    found = services.check_context(store, check.id, definition=definition, rules=rules).evaluation.findings
    assert "urgent" in {f.severity for f in found}
    services.record_follow_up_decisions(
        store,
        check.id,
        {
            f.rule_id: {"kind": "referral", "service_id": "gp-same-day", "reason": None, "note": None}
            for f in found
        },
    )
    services.finalise_check(store, check.id, definition=definition, rules=rules)


def workspace_for(qtbot: QtBot, team: Team, runner: TaskRunner) -> ReviewWorkspace:
    context = make_context(team.supervisor, runner)
    assert can_review(context.user)
    workspace = ReviewWorkspace(context)
    qtbot.addWidget(workspace)
    workspace.resize(1366, 700)
    workspace.show()
    with qtbot.waitSignal(workspace.queue.filtered, timeout=WAIT_MS):
        workspace.activate()
    return workspace


def filter_to(qtbot: QtBot, workspace: ReviewWorkspace, change: object) -> None:
    """Apply a filter change (a callable) and wait until the table shows it."""
    with qtbot.waitSignal(workspace.queue.filtered, timeout=WAIT_MS):
        change()  # type: ignore[operator]


def test_queue_orders_marks_filters_and_pages(
    qtbot: QtBot, team: Team, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue_view, "PAGE_SIZE", 5)  # several pages even for a small team
    workspace = workspace_for(qtbot, team, runner)
    queue = workspace.queue
    total = CHECKS_EACH * len(WORKERS)
    # One page first (the table may already have asked for the next as it drew).
    assert queue.model.total == total and 5 <= len(queue.rows) < total
    assert queue.summary.text().startswith(f"{total} checks: to review")

    # Scrolling reads the rest a page at a time, never all at once.
    def read_on() -> bool:
        queue.model.fetchMore()  # what scrolling to the end does (a no-op while a page is on its way)
        return len(queue.rows) == total

    qtbot.waitUntil(read_on, timeout=WAIT_MS)
    rows = queue.rows
    assert len(rows) == total and len({r.chain_id for r in rows}) == total
    # Urgent first, then the oldest; urgent said in words, not only in colour.
    urgent = [r.urgent for r in rows]
    assert urgent == sorted(urgent, reverse=True) and urgent.count(True) == 1
    assert rows[0].person_name == "Testperson Urgent"  # finalised last, listed first
    for row in rows:
        assert queue.model.cell(row, 0) == ("! Urgent" if row.urgent else "")
        assert queue.model.cell(row, 1) == "Received"
    queue.table.selectRow(1)
    screenshot(workspace, "review-queue-team.png")
    first = queue.model.index(0, 0)
    assert queue.model.data(first, Qt.ItemDataRole.AccessibleTextRole).startswith(
        "Urgent, Received, Testperson Urgent"
    )
    # By worker: the boxes list the workers the checks name.
    assert [queue.worker_combo.itemText(i) for i in range(1, queue.worker_combo.count())] == sorted(WORKERS)
    filter_to(
        qtbot, workspace, lambda: queue.worker_combo.setCurrentIndex(queue.worker_combo.findData(WORKERS[1]))
    )
    assert queue.model.total == CHECKS_EACH and {r.worker for r in queue.rows} == {WORKERS[1]}
    assert "(Only those matching" in queue.summary.text()
    # By visit dates: a range holding none, then one holding all.
    future = date.today() + timedelta(days=30)
    filter_to(qtbot, workspace, lambda: queue.from_edit.setDate(QDate(future.year, future.month, future.day)))
    assert queue.model.total == 0 and queue.rows == []
    assert queue.summary.text() == "No checks match these filters."
    filter_to(qtbot, workspace, lambda: queue.from_edit.setDate(queue.from_edit.minimumDate()))
    today = date.today()
    filter_to(qtbot, workspace, lambda: queue.to_edit.setDate(QDate(today.year, today.month, today.day)))
    assert queue.model.total == CHECKS_EACH
    # By state: nothing is approved yet; "Any state" lists every check again.
    filter_to(qtbot, workspace, queue.clear_filters)
    assert queue.model.total == total
    filter_to(qtbot, workspace, lambda: queue.set_state_filter("approved"))
    assert queue.model.total == 0
    filter_to(qtbot, workspace, lambda: queue.set_state_filter("any"))
    assert queue.model.total == total
    # By venue: every venue the checks name narrows to its own.
    venues = [queue.venue_combo.itemData(i) for i in range(1, queue.venue_combo.count())]
    assert venues
    filter_to(qtbot, workspace, lambda: queue.venue_combo.setCurrentIndex(1))
    assert queue.rows and {r.venue for r in queue.rows} == {venues[0]}
    assert focusable_without_name(workspace) == []


def test_a_check_opens_with_enter_and_returning_needs_comments(
    qtbot: QtBot, team: Team, runner: TaskRunner
) -> None:
    workspace = workspace_for(qtbot, team, runner)
    queue = workspace.queue
    assert queue.table.hasFocus() and queue.current_chain() == queue.rows[0].chain_id
    first = queue.rows[0]
    with qtbot.waitSignal(workspace.review_opened, timeout=WAIT_MS) as opened:
        qtbot.keyClick(queue.table, Qt.Key.Key_Return)
    screen = opened.args[0]
    assert isinstance(screen, ReviewScreen)
    qtbot.waitUntil(lambda: screen.view is not None, timeout=WAIT_MS)
    assert screen.view is not None and screen.view.chain_id == first.chain_id
    assert screen.check is not None and screen.check.read_only
    # The findings on the panel are the check's own, each with its follow-up.
    details = screen.details.toPlainText()
    for finding in screen.view.findings:
        assert str(finding.document.get("title")) in details
    assert details.count("Follow-up:") == len(screen.view.findings)
    # Returning without comments: a plain message at the comments box, nothing recorded.
    qtbot.mouseClick(screen.return_button, Qt.MouseButton.LeftButton)
    assert not screen.confirming and "Write your comments" in screen.message.text()
    assert screen.comment_edit.hasFocus()
    # "Not yet" takes back an approval before it is recorded.
    qtbot.mouseClick(screen.approve_button, Qt.MouseButton.LeftButton)
    assert screen.confirming and "Approve version 1" in screen.confirm_text.text()
    qtbot.mouseClick(screen.cancel_button, Qt.MouseButton.LeftButton)
    assert not screen.confirming and screen.approve_button.hasFocus()
    assert screen.view.decisions == ()
    # Back to the queue: the same row is still chosen.
    qtbot.mouseClick(screen.check.form.close_button, Qt.MouseButton.LeftButton)
    assert workspace.review_screen is None and queue.current_chain() == first.chain_id


def alt_letters(root: QWidget) -> list[str]:
    """The Alt+letter keys live on screen under `root`: buttons, tabs and labels that name a field."""
    texts = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or not widget.isEnabled():
            continue
        if isinstance(widget, QAbstractButton) or (isinstance(widget, QLabel) and widget.buddy() is not None):
            texts.append(widget.text())
        if isinstance(widget, QTabBar):
            texts.extend(widget.tabText(i) for i in range(widget.count()))
    return [m.group(1).lower() for t in texts if (m := re.search(r"(?<!&)&(\w)", t))]


def test_keyboard_reaches_every_filter_and_the_table_in_order_with_distinct_alt_letters(
    qtbot: QtBot, team: Team, runner: TaskRunner
) -> None:
    workspace = workspace_for(qtbot, team, runner)
    queue = workspace.queue
    letters = alt_letters(workspace)
    assert len(letters) == len(set(letters)), letters
    assert not set(letters) & set(MENU_LETTERS), letters  # never one of the window's menus
    queue.state_combo.setFocus()
    order = [QApplication.focusWidget()]
    while QApplication.focusWidget() is not queue.open_button and len(order) < 20:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    date_box = {queue.from_edit, queue.to_edit}
    expected = [
        queue.state_combo,
        queue.worker_combo,
        queue.venue_combo,
        queue.from_edit,
        queue.to_edit,
        queue.clear_button,
        queue.table,
        queue.open_button,
    ]
    # A date box's own text field takes the keyboard inside it: counted as the box. Tab leaves each box at
    # once (Qt's date box would keep it, for good while it shows "Any").
    seen = [w.parentWidget() if w.parentWidget() in date_box else w for w in order]
    assert seen == expected
    # Alt+Q and Alt+D move between the queue and the dashboard.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert workspace.tabs.currentWidget() is workspace.dashboard_holder
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    assert workspace.tabs.currentWidget() is queue
    qtbot.waitUntil(lambda: runner.active_tasks == 0, timeout=WAIT_MS)


def test_who_gets_the_review_workspace() -> None:
    """Supervisors; admins only on a supervisor's laptop (the only laptops the team's checks come down to);
    never workers."""

    @dataclass(frozen=True)
    class User:
        name: str
        role: str

    worker, supervisor, admin = User("W", "worker"), User("S", "supervisor"), User("A", "admin")
    assert can_review(supervisor)
    assert not can_review(worker, [worker, supervisor, admin])
    assert not can_review(admin, [admin, worker])
    assert can_review(admin, [admin, supervisor])
