"""A check's whole review round trip, through the real app on two laptops and the real reference server.

The worker's laptop finalises and syncs a check; the supervisor's laptop pulls the team's checks,
opens the queue, and returns the check with a comment; the worker syncs, sees "Returned with
comments", amends (changing the weight), finalises and syncs; the supervisor pulls again, sees
"Resubmitted" with the change listed, and approves; the worker syncs and sees "Approved".
Screenshots of the queue, the review screen and the dashboard are taken at 1366x768.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from outreach.demo_data import fill_demo_data
from outreach.settings import OrgConfig
from outreach.store import sync_state
from outreach.store.crypto import TEST_KDF
from outreach.store.local_store import LocalStore
from sync.server.serving import RunningServer
from tests.ui.check_helpers import answer, focusable_without_name
from tests.ui.shell_support import PASSPHRASE, WAIT_MS, WORKER, close_store, open_window, screenshot
from tests.ui.sync_app_support import share_all, start_server
from ui.check.review_page import ReviewPage
from ui.check.workflow import CheckWorkflow
from ui.main_window import MainWindow
from ui.review.review_screen import ReviewScreen
from ui.review.workspace import ReviewWorkspace
from ui.sync_controller import SyncTimings
from ui.tasks import TaskRunner

SUPERVISOR = "Testsuper Visor"
ADMIN = "Testadmin Setup"
SYNC_WAIT_MS = 60_000
MANUAL = SyncTimings(first_ms=600_000, interval_ms=600_000, after_finalise_ms=600_000, max_wait_s=0.5)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running = start_server(tmp_path)
    yield running
    running.stop()


def make_worker_laptop(data_dir: Path, token: str) -> None:
    """A laptop set up by IT (an admin) for WORKER, who has the worker role and one finalised check of
    their own, shared with the GP, ready to sync."""
    store = LocalStore.create(data_dir, admin_name=ADMIN, admin_passphrase=PASSPHRASE, kdf=TEST_KDF)
    try:
        store.vault.add_user(WORKER, PASSPHRASE, "worker")
        store.lock()
        store.unlock(WORKER, PASSPHRASE)
        fill_demo_data(store, people=1, checks_per_person=1, seed=5)
        share_all(store)
        sync_state.set_device_token(store, token)
    finally:
        store.close()


def open_laptop(qtbot: QtBot, runner: TaskRunner, data_dir: Path, server_url: str, user: str) -> MainWindow:
    """The real main window on a laptop's store, unlocked by `user`, with sync started by hand only."""
    org = OrgConfig(organisation_name="Synthetic Outreach Service", server_url=server_url)
    window = open_window(qtbot, runner, data_dir, expect="unlock", org_config=org, sync_timings=MANUAL)
    panel = window.unlock_panel
    qtbot.waitUntil(
        lambda: panel.unlock_button.isEnabled() and panel.user_combo.findData(user) >= 0, timeout=WAIT_MS
    )
    panel.user_combo.setCurrentIndex(panel.user_combo.findData(user))
    panel.pass_edit.setFocus()
    qtbot.keyClicks(panel.pass_edit, PASSPHRASE)
    with qtbot.waitSignal(window.home_ready, timeout=WAIT_MS):
        qtbot.keyClick(panel.pass_edit, Qt.Key.Key_Return)
    window.resize(1366, 768)
    return window


def unlock_overlay(qtbot: QtBot, window: MainWindow, user: str) -> None:
    panel = window.lock_panel
    assert panel.user_combo.currentData() == user
    qtbot.keyClicks(panel.pass_edit, PASSPHRASE)
    with qtbot.waitSignal(window.resumed, timeout=WAIT_MS):
        qtbot.keyClick(panel.pass_edit, Qt.Key.Key_Return)


def make_supervisor_laptop(data_dir: Path, token: str) -> None:
    """The supervisor's own laptop (no checks of its own), set up by IT for a user with the supervisor role
    and enrolled with a supervisor's `token`."""
    store = LocalStore.create(data_dir, admin_name=ADMIN, admin_passphrase=PASSPHRASE, kdf=TEST_KDF)
    try:
        store.vault.add_user(SUPERVISOR, PASSPHRASE, "supervisor")
        sync_state.set_device_token(store, token)
    finally:
        store.close()


def sync_and_wait(qtbot: QtBot, window: MainWindow) -> None:
    """One sync run, started by hand as the worker would press Sync now, to its end."""
    controller = window.sync
    qtbot.waitUntil(lambda: not (controller.running or controller.probing), timeout=SYNC_WAIT_MS)
    with qtbot.waitSignal(controller.run_finished, timeout=SYNC_WAIT_MS):
        controller.sync_now()


def review_workspace(qtbot: QtBot, window: MainWindow) -> ReviewWorkspace:
    assert window.review_button.isVisible()
    qtbot.keyClick(
        window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: window.current_page == "review", timeout=WAIT_MS)
    workspace = window.review
    assert isinstance(workspace, ReviewWorkspace)
    return workspace


def open_first_row(qtbot: QtBot, workspace: ReviewWorkspace) -> ReviewScreen:
    queue = workspace.queue
    queue.table.setFocus()
    queue.table.selectRow(0)
    with qtbot.waitSignal(workspace.review_opened, timeout=WAIT_MS) as opened:
        qtbot.keyClick(queue.table, Qt.Key.Key_Return)
    screen = opened.args[0]
    assert isinstance(screen, ReviewScreen)
    qtbot.waitUntil(lambda: screen.view is not None and screen.check is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: screen.check.form is not None, timeout=WAIT_MS)  # type: ignore[union-attr]
    return screen


def decide(qtbot: QtBot, screen: ReviewScreen, *, approve: bool, comment: str = "") -> None:
    """Press the decision's button, then its confirmation, by keyboard, and wait for the new state."""
    if comment:
        screen.comment_edit.setFocus()
        qtbot.keyClicks(screen.comment_edit, comment)
    button = screen.approve_button if approve else screen.return_button
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert screen.confirming and screen.confirm_button.hasFocus()
    with qtbot.waitSignal(screen.decided, timeout=WAIT_MS):
        qtbot.keyClick(screen.confirm_button, Qt.Key.Key_Return)


def queue_states(workspace: ReviewWorkspace) -> list[str]:
    model = workspace.queue.model
    return [model.cell(row, 1) for row in model.rows]


def review_lines(window: MainWindow) -> list[str]:
    table = window.home.reviews.table
    return [
        " | ".join(table.item(r, c).text() for c in range(table.columnCount()) if table.item(r, c))
        for r in range(table.rowCount())
    ]


def test_return_amend_resubmit_approve_between_two_laptops(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner, server: RunningServer
) -> None:
    worker_token = server.add_device("Test laptop 1", role="worker")
    supervisor_token = server.add_device("Test supervisor laptop", role="supervisor")
    make_worker_laptop(tmp_path / "worker", worker_token)
    make_supervisor_laptop(tmp_path / "supervisor", supervisor_token)
    other_runner = TaskRunner()  # each laptop has its own store worker, as two app processes would
    worker: MainWindow | None = None
    supervisor: MainWindow | None = None
    try:
        # -- the worker's finalised check reaches the shared record ---------------------------------------
        worker = open_laptop(qtbot, runner, tmp_path / "worker", server.url, WORKER)
        assert (
            not worker.review_button.isVisible() and not worker.review_action.isVisible()
        )  # workers never see it
        qtbot.keyClick(
            worker, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )
        assert worker.current_page == "home" and worker.review is None
        sync_and_wait(qtbot, worker)
        assert all(item.state == "sent" for item in worker.store.outbox.list())
        first_check = worker.store.outbox.list()[0].check_id

        # -- the supervisor pulls it and finds it in the queue, received -----------------------------------
        supervisor = open_laptop(qtbot, other_runner, tmp_path / "supervisor", server.url, SUPERVISOR)
        workspace = review_workspace(qtbot, supervisor)
        sync_and_wait(qtbot, supervisor)
        qtbot.waitUntil(lambda: queue_states(workspace) == ["Received"], timeout=WAIT_MS)
        row = workspace.queue.rows[0]
        assert row.check_id == first_check and row.edition == 1
        assert row.worker and row.venue
        assert workspace.queue.table.hasFocus() and workspace.queue.current_chain() == row.chain_id
        assert focusable_without_name(workspace) == []
        screenshot(supervisor, "review-queue.png")

        # -- opened: the worker's own check screen, read-only, and what the supervisor decides on ----------
        screen = open_first_row(qtbot, workspace)
        assert screen.check is not None and screen.check.read_only
        form = screen.check.form
        assert form is not None and form.close_button.text() == "Back to the queue"
        review_page = form.page("review")
        assert isinstance(review_page, ReviewPage) and not review_page.final_box.isVisibleTo(form)
        assert not form.banner_amend.isVisibleTo(form)
        details = screen.details.toPlainText()
        assert "Findings and follow-ups" in details and "Consent" in details and "Versions" in details
        assert screen.state_label.text().startswith(("Received", "! Urgent finding. Received"))
        assert focusable_without_name(screen) == []
        assert screen.check.form.sections.hasFocus()  # the keyboard starts on the check, to read it first
        screenshot(supervisor, "review-screen-received.png")

        # Returning needs a comment: a plain message, nothing recorded.
        screen.return_button.setFocus()
        qtbot.keyClick(screen.return_button, Qt.Key.Key_Space)
        assert not screen.confirming
        assert "Write your comments" in screen.message.text()
        assert screen.comment_edit.hasFocus()
        # A lock in the middle of writing comments keeps them, and the keyboard goes back to them.
        comment = "The weight looks wrong: please check it and amend."
        qtbot.keyClicks(screen.comment_edit, comment)
        supervisor.lock()
        assert supervisor.overlay.isVisible()
        unlock_overlay(qtbot, supervisor, SUPERVISOR)
        assert screen.comment_edit.toPlainText() == comment and screen.comment_edit.hasFocus()
        screen.comment_edit.clear()
        decide(qtbot, screen, approve=False, comment=comment)
        assert screen.view is not None and screen.view.state == "returned"
        assert "Returned" in screen.state_label.text()
        assert not screen.approve_button.isEnabled() and not screen.return_button.isEnabled()
        assert queue_states(workspace) == ["Returned"]  # the row changed in place
        assert "Waiting to reach the shared record" in screen.details.toPlainText()
        sync_and_wait(qtbot, supervisor)  # the decision goes to the shared record
        qtbot.waitUntil(lambda: "Waiting to reach" not in screen.details.toPlainText(), timeout=WAIT_MS)

        # -- the worker sees it returned with the comment, amends the weight, finalises and syncs ------------
        sync_and_wait(qtbot, worker)
        worker.show_reviews()
        qtbot.waitUntil(
            lambda: any("Returned with comments" in line for line in review_lines(worker)), timeout=WAIT_MS
        )
        assert any("The weight looks wrong" in line for line in review_lines(worker))
        worker.home.reviews.table.selectRow(0)
        worker.home.reviews.open_selected()
        qtbot.waitUntil(lambda: isinstance(worker.check_widget, CheckWorkflow), timeout=WAIT_MS)
        workflow = worker.check_widget
        assert isinstance(workflow, CheckWorkflow)
        qtbot.waitUntil(lambda: workflow.form is not None and workflow.read_only, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: "The weight looks wrong" in worker.review_notice.text.text(), timeout=WAIT_MS)
        page = workflow.form.page("review")  # type: ignore[union-attr]
        assert isinstance(page, ReviewPage)
        workflow.form.show_section("review")  # type: ignore[union-attr]
        qtbot.keyClicks(page.amend_reason, "Weight misread from the scales")
        with qtbot.waitSignal(workflow.ready, timeout=WAIT_MS):
            qtbot.mouseClick(page.amend_button, Qt.MouseButton.LeftButton)
        assert not workflow.read_only and workflow.record is not None and workflow.record.edition == 2
        assert workflow.evaluation is not None
        kilograms = float(
            workflow.evaluation.values["weight.weight"]
        )  # as recorded (the scales may show stones)
        answer(qtbot, workflow, "weight.weight", round(kilograms + 0.4, 1), unit="kg")
        workflow.ask_finalise()
        page = workflow.form.page("review")  # type: ignore[union-attr]  # the amendment has its own pages
        assert isinstance(page, ReviewPage) and page.confirming, page.blocked.text()
        with qtbot.waitSignal(workflow.finalised, timeout=WAIT_MS):
            qtbot.mouseClick(page.confirm_button, Qt.MouseButton.LeftButton)
        amended_check = workflow.record.id
        sync_and_wait(qtbot, worker)
        assert all(item.state == "sent" for item in worker.store.outbox.list())

        # -- the supervisor sees it resubmitted, with the change, and approves -------------------------------
        qtbot.mouseClick(screen.check.form.close_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: workspace.review_screen is None, timeout=WAIT_MS)
        sync_and_wait(qtbot, supervisor)
        qtbot.waitUntil(lambda: queue_states(workspace) == ["Resubmitted"], timeout=WAIT_MS)
        row = workspace.queue.rows[0]
        assert row.check_id == amended_check and row.edition == 2
        assert workspace.queue.model.cell(row, 7) == "2 (amended)"
        screen = open_first_row(qtbot, workspace)
        assert screen.view is not None and screen.view.state == "resubmitted"
        newest = screen.view.versions[-1]
        assert newest.edition == 2 and newest.reason == "Weight misread from the scales"
        assert any("weight" in change.label.lower() for change in newest.changes), newest.changes
        details = screen.details.toPlainText()
        assert "What changed:" in details and "Weight misread from the scales" in details
        assert "Returned with comments by Testsuper Visor" in details  # the earlier decision
        screen.details.verticalScrollBar().setValue(screen.details.verticalScrollBar().maximum())
        screenshot(supervisor, "review-screen-resubmitted.png")
        decide(qtbot, screen, approve=True)
        assert screen.view.state == "approved"
        assert queue_states(workspace) == ["Approved"]
        sync_and_wait(qtbot, supervisor)

        # -- the dashboard counts the team's check -----------------------------------------------------------
        qtbot.mouseClick(screen.check.form.close_button, Qt.MouseButton.LeftButton)
        with qtbot.waitSignal(workspace.dashboard_shown, timeout=WAIT_MS):
            workspace.show_dashboard()
        screenshot(supervisor, "review-dashboard.png")

        # -- the worker sees "Approved" ----------------------------------------------------------------------
        qtbot.mouseClick(workflow.form.close_button, Qt.MouseButton.LeftButton)  # type: ignore[union-attr]
        qtbot.waitUntil(lambda: worker.check_widget is None, timeout=WAIT_MS)
        sync_and_wait(qtbot, worker)
        worker.show_reviews()
        qtbot.waitUntil(lambda: any("Approved" in line for line in review_lines(worker)), timeout=WAIT_MS)
    finally:
        for window in (supervisor, worker):
            if window is not None and window.sync is not None:
                window.sync.stop()
        if supervisor is not None:
            qtbot.waitUntil(lambda: other_runner.active_tasks == 0, timeout=WAIT_MS)
            close_store(supervisor)
        else:
            other_runner.shutdown(wait=True)
        if worker is not None:
            qtbot.waitUntil(lambda: runner.active_tasks == 0, timeout=WAIT_MS)
            close_store(worker)
        other_runner.deleteLater()
