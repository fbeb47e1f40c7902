"""The supervisor's Review workspace: the queue and the dashboards as tabs, and one check under review.

The main window shows it beside the worker's home for users with the supervisor or admin
role. Opening a check from the queue puts its review screen in place of the tabs; going back
returns to the queue with the same row chosen, and a decision changes that row alone.
After every sync run (new checks, resubmissions) the queue, and the dashboards when on show,
are read again on the store worker.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from outreach.team.records import TeamCheckView
from ui.changes import ChangeSet
from ui.context import AppContext
from ui.ops.team import load_dashboard
from ui.review import can_review
from ui.review.queue_view import ReviewQueueView
from ui.review.review_screen import ReviewScreen

if TYPE_CHECKING:
    from outreach.team.dashboard import Dashboard
    from ui.review.dashboard import DashboardView

__all__ = ["ReviewWorkspace", "can_review"]


class ReviewWorkspace(QWidget):
    """Queue and dashboards (tabs), or one review. `review_opened`/`review_closed` for the window."""

    review_opened = Signal(object)  # ReviewScreen
    review_closed = Signal()
    dashboard_shown = Signal(object)  # the Dashboard figures on show (tests, benchmark)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("review-workspace")
        self.setAccessibleName(self.tr("Review workspace"))
        self.context = context
        self.review_screen: ReviewScreen | None = None
        self.dashboard: DashboardView | None = None  # made when first shown
        self._dashboard_stale = True
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)  # as home's: nothing touches the window's edge
        self.stack = QStackedWidget(self)
        layout.addWidget(self.stack)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("review-workspace:tabs")
        self.tabs.setAccessibleName(self.tr("Review sections"))
        self.tabs.tabBar().setAccessibleName(self.tr("Review sections: the queue or the dashboard"))
        self.queue = ReviewQueueView(context)
        self.queue.open_review.connect(self.open_review)
        self.tabs.addTab(self.queue, self.tr("Review &queue"))
        self.dashboard_holder = QStackedWidget()
        self.dashboard_holder.setObjectName("review-workspace:dashboard")
        self.dashboard_message = QLabel(self.tr("Counting the team's checks..."), self.dashboard_holder)
        self.dashboard_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.dashboard_message.setWordWrap(True)
        self.dashboard_holder.addWidget(self.dashboard_message)
        self.tabs.addTab(self.dashboard_holder, self.tr("&Dashboard"))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.stack.addWidget(self.tabs)
        if context.sync is not None:
            context.sync.run_finished.connect(self._synced)
        context.changes.changed.connect(self._store_changed)
        self._loaded_once = False

    # -- showing ---------------------------------------------------------------------------------------
    def activate(self) -> None:
        """Shown by the window: read the queue the first time, then keep it as it is (sync refreshes it)."""
        if not self._loaded_once:
            self._loaded_once = True
            self.queue.refresh()
        if self.review_screen is None:
            self.queue.focus_table()
        else:
            self.review_screen.focus_first()

    def refresh(self) -> None:
        self.queue.refresh()
        self._dashboard_stale = True
        if self.tabs.currentWidget() is self.dashboard_holder:
            self.load_dashboard()

    def _synced(self, _report: object) -> None:
        if shiboken6.isValid(self) and self._loaded_once:
            self.refresh()
            if self.review_screen is not None:
                self.review_screen.refresh()

    def _store_changed(self, changes: ChangeSet) -> None:
        """Team checks pulled, or a decision recorded elsewhere: the dashboards are counted again when next
        shown (the queue is read again after each sync run, and a decision here changes its own row)."""
        if any((c.table or "").startswith("team") for c in changes.changes) or changes.has_action("review."):
            self._dashboard_stale = True

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.dashboard_holder and self._dashboard_stale:
            self.load_dashboard()

    # -- dashboards ------------------------------------------------------------------------------------
    def load_dashboard(self) -> None:
        self._dashboard_stale = False
        self.context.runner.run_db_if_open(
            load_dashboard,
            self.context.store,
            date.today(),
            name="ui.review.dashboard",
            on_success=self._dashboard_counted,
            on_error=self._dashboard_failed,
        )

    def _dashboard_counted(self, figures: Dashboard) -> None:
        if not shiboken6.isValid(self):
            return
        if self.dashboard is None:
            # imported when first shown, not at start-up
            from ui.review.dashboard import DashboardView, wire_exports

            self.dashboard = DashboardView()
            self.dashboard_holder.addWidget(self.dashboard)
            wire_exports(self.dashboard, self.context)  # the figures, and the warned, audited personal export
        self.dashboard.show_dashboard(figures)
        self.dashboard_holder.setCurrentWidget(self.dashboard)
        self.dashboard_shown.emit(figures)

    def _dashboard_failed(self, exc: BaseException) -> None:
        from ui.errors import show_error

        self._dashboard_stale = True
        self.dashboard_message.setText(self.tr("The dashboards could not be counted."))
        self.dashboard_holder.setCurrentWidget(self.dashboard_message)
        show_error(exc, self)

    def show_dashboard(self) -> None:
        self.close_review()
        self.tabs.setCurrentWidget(self.dashboard_holder)

    # -- one review ------------------------------------------------------------------------------------
    def open_review(self, chain_id: str) -> ReviewScreen:
        self.close_review(focus=False)
        screen = ReviewScreen(self.context, chain_id)
        screen.closed.connect(self.close_review)
        screen.decided.connect(self._decided)
        screen.ready.connect(screen.focus_first)
        self.review_screen = screen
        self.stack.addWidget(screen)
        self.stack.setCurrentWidget(screen)
        self.review_opened.emit(screen)
        return screen

    def close_review(self, focus: bool = True) -> None:
        screen, self.review_screen = self.review_screen, None
        if screen is None:
            return
        self.stack.setCurrentWidget(self.tabs)
        self.stack.removeWidget(screen)
        screen.deleteLater()
        self.review_closed.emit()
        if focus:
            self.tabs.setCurrentWidget(self.queue)
            self.queue.focus_table()

    def _decided(self, view: TeamCheckView) -> None:
        self.queue.model.update_state(view.chain_id, view.state, view.check_id, view.edition)
        self._dashboard_stale = True
