"""The outbox: finalised checks waiting to reach the shared record, and why any are stuck.

Each row says whose check it is, its state, how many attempts were made, the last error
and what happens next, in plain words (`outreach.store.sync_state.outbox_view`). An item
that waits for the worker (refused by the shared record) or that failed has "Try again".

Syncing itself belongs to the app's `SyncController` (`context.sync`): "Sync now" asks it,
and the list is read again after every run. Without a controller (a screen built on its
own) "Sync now" runs one engine pass on the task runner's network pool. It is disabled,
with the reason on screen, when no shared record is configured.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.dates import day_text
from ui.errors import show_error
from ui.ops.home import PAGE_SIZE, OutboxPage, OutboxRow, load_outbox
from ui.ops.sync import OutboxDetails, load_outbox_details, retry_outbox_item
from ui.widgets import BusyIndicator

NEXT_COLUMN = 5  # "What happens next"


def _state_words(state: str, waits_for: str | None = None) -> str:
    if state == "failed" and waits_for == "worker":
        return QCoreApplication.translate("OutboxView", "Refused: needs you")
    if state != "sent" and waits_for == "consent":  # also before any sync has looked at it
        return QCoreApplication.translate("OutboxView", "Held: no consent to share")
    if state == "failed" and waits_for == "nothing":
        return QCoreApplication.translate("OutboxView", "Replaced by an amendment")
    words = {
        "queued": QCoreApplication.translate("OutboxView", "Waiting to be sent"),
        "sending": QCoreApplication.translate("OutboxView", "Being sent (checked with the server next time)"),
        "failed": QCoreApplication.translate("OutboxView", "Not sent yet: will try again"),
        "sent": QCoreApplication.translate("OutboxView", "Sent"),
    }
    return words.get(state, state)


def pick_one_row(table: QTableView) -> None:
    """A home-page list: whole rows are picked one at a time, nothing is edited in place, and
    Tab leaves the table (arrow keys move between rows) so keyboard users are never trapped."""
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()


def fit_rows_to_columns(table: QTableWidget) -> None:
    """Row heights follow the wrapped text whenever the columns change width (window resized,
    a list filled while hidden), so no line is cut off and no row is left half empty."""
    timer = QTimer(table)
    timer.setSingleShot(True)
    timer.setInterval(0)
    timer.timeout.connect(lambda: fit_rows(table))
    table.horizontalHeader().sectionResized.connect(lambda *_args: timer.start())


def fit_rows(table: QTableWidget) -> None:
    """Each row as tall as its wrapped text, with a little air so the last line is never clipped."""
    air = max(4, table.fontMetrics().height() // 3)
    for row in range(table.rowCount()):
        table.setRowHeight(row, table.sizeHintForRow(row) + air)


def _local_time(iso: str) -> str:
    try:
        moment = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    if moment.date() == datetime.now().astimezone().date():
        return moment.strftime("%H:%M")
    return moment.strftime("%d %b %Y, %H:%M").lstrip("0")


def _next_words(state: str, waits_for: str, next_attempt_at: str | None) -> str:
    """What happens next, in one short sentence (the full story is under the list)."""
    if waits_for == "worker":
        return QCoreApplication.translate("OutboxView", "Waits for you: amend the check, or press Try again.")
    if waits_for == "consent":
        return QCoreApplication.translate("OutboxView", "Goes once the person agrees to share.")
    if waits_for == "nothing":
        return QCoreApplication.translate("OutboxView", "Nothing to do: its amendment is sent instead.")
    if state == "failed" and next_attempt_at:
        return QCoreApplication.translate("OutboxView", "Tried again by itself after {0}.").format(
            _local_time(next_attempt_at)
        )
    if state == "sending":
        return QCoreApplication.translate("OutboxView", "Checked with the shared record at the next sync.")
    return QCoreApplication.translate("OutboxView", "Goes by itself when the shared record can be reached.")


def _error_words(error: str | None, attempts: int) -> str:
    """The last error in the worker's words; nothing went wrong yet says so plainly (never "None")."""
    text = (error or "").strip()
    if text and text != "None":
        return text
    if attempts:
        return QCoreApplication.translate("OutboxView", "No error")
    return QCoreApplication.translate("OutboxView", "Not tried yet")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def sync_engine_factory(context: AppContext) -> tuple[Any, str]:
    """(a callable that runs one sync, "") or (None, why sync is not available)."""
    if not context.org_config.server_url:
        return None, QCoreApplication.translate(
            "OutboxView",
            "No shared record is set up for this organisation, so checks stay on this laptop. "
            "Ask IT to add the server to the organisation file.",
        )
    try:
        from sync.engine import SyncConfig, SyncEngine
    except ImportError:
        return None, QCoreApplication.translate("OutboxView", "Sending is not available in this version.")

    def run_once() -> Any:
        engine = SyncEngine(context.store, SyncConfig.from_org(context.org_config))
        return engine.run_once()

    return run_once, ""


class OutboxView(QWidget):
    count_changed = Signal(int)
    sync_finished = Signal(object)
    retried = Signal(str)  # outbox id put back in the queue

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._rows: list[OutboxRow] = []
        self._views: dict[str, Any] = {}
        self._total = 0
        self._failed = 0
        self._generation = 0
        self._loading = False
        layout = QVBoxLayout(self)
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Person"),
                self.tr("State"),
                self.tr("Attempts"),
                self.tr("Finalised"),
                self.tr("Last error"),
                self.tr("What happens next"),
            ]
        )
        pick_one_row(self.table)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(NEXT_COLUMN, QHeaderView.ResizeMode.Stretch)
        fit_rows_to_columns(self.table)
        self.table.setAccessibleName(self.tr("Checks waiting to be sent"))
        self.table.itemSelectionChanged.connect(self._selection_changed)
        # More waiting checks are read as the list is scrolled to its end (a page at a time).
        self.table.verticalScrollBar().valueChanged.connect(self._scrolled)
        layout.addWidget(self.table, 1)
        self.detail = QLabel("", self)
        self.detail.setWordWrap(True)
        self.detail.setAccessibleName(self.tr("About the chosen check"))
        layout.addWidget(self.detail)
        row = QHBoxLayout()
        self.busy = BusyIndicator(self)
        row.addWidget(self.busy, 1)
        self.report = QLabel("", self)
        self.report.setWordWrap(True)
        row.addWidget(self.report, 2)
        self.retry_button = QPushButton(self.tr("Try a&gain"), self)
        self.retry_button.setAccessibleName(self.tr("Try sending the chosen check again"))
        self.retry_button.setEnabled(False)
        self.retry_button.clicked.connect(self.retry_selected)
        row.addWidget(self.retry_button)
        self.sync_button = QPushButton(self.tr("S&ync now"), self)
        self.sync_button.setAccessibleName(self.tr("Send waiting checks now"))
        self.sync_button.clicked.connect(self.sync_now)
        row.addWidget(self.sync_button)
        layout.addLayout(row)
        self._sync, why = sync_engine_factory(context)
        self.sync_button.setEnabled(self._sync is not None)
        self.sync_button.setToolTip(why)
        self.sync_button.setAccessibleDescription(why)
        self.report.setText(why)  # said on screen too: a tooltip never reaches keyboard or touch users
        self.controller = getattr(context, "sync", None)
        if self.controller is not None:
            self.controller.running_changed.connect(self._running_changed)
            self.controller.run_finished.connect(self._synced)
            self.controller.run_failed.connect(self._controller_failed)
            self.controller.status_changed.connect(self._status_changed)

    # -- the list ---------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.context.runner.run_db_if_open(
            load_outbox_details,
            self.context.store,
            name="ui.home.outbox",
            on_success=self._details_loaded,
        )

    def store_changed(self, changes: Any) -> None:
        """Told by home of every change set: a check finalised or amended adds to the outbox (sync's
        own moves are shown after each run). Only the first page and the counts are read now, which
        is quick at any size; what sync knows of each item is read again the next time the list is
        shown or synced."""
        if changes.has_action("check.finalise", "check.amend"):
            self.context.runner.run_db_if_open(
                load_outbox,
                self.context.store,
                name="ui.home.outbox_page",
                on_success=self.show_page,
            )

    def set_views(self, views: dict[str, Any]) -> None:
        """What sync knows about each item, read with the home lists (before `show_rows`)."""
        self._views = dict(views)

    def _details_loaded(self, details: OutboxDetails) -> None:
        self._views = details.views
        self.show_page(details.page)

    def show_page(self, page: OutboxPage) -> None:
        """Show the first page of waiting checks (the rest is read as the list scrolls)."""
        chosen = self.selected_outbox_id()
        self._generation += 1
        self._loading = False
        self._total, self._failed = page.total, page.failed
        self._rows = []
        self.table.setRowCount(0)
        self._append(page.rows, chosen)
        self._show_summary()
        self._selection_changed()
        self.count_changed.emit(self._total)

    def _append(self, rows: list[OutboxRow], chosen: str | None = None) -> None:
        start = len(self._rows)
        self._rows.extend(rows)
        self.table.setRowCount(len(self._rows))
        for index, row in enumerate(rows, start):
            item = row.item
            view = self._views.get(item.id)
            waits = view.waits_for if view is not None else None
            cells = [
                row.person_name or self.tr("(person not found)"),
                _state_words(item.state, waits),
                str(item.attempts),
                day_text(item.created_at[:10]),
                _error_words(item.last_error, item.attempts),
                _next_words(item.state, view.waits_for, item.next_attempt_at) if view is not None else "",
            ]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(index, column, cell)
            if item.id == chosen:
                self.table.selectRow(index)
        fit_rows(self.table)

    def _show_summary(self) -> None:
        if self._total == 0:
            self.summary.setText(self.tr("Nothing is waiting: every finalised check has been sent."))
            return
        text = self.tr("Checks waiting to be sent: {0}.").format(self._total)
        if self._failed:
            text += " " + self.tr("Not sent last time: {0} (the reason is in the list).").format(self._failed)
        held = sum(1 for view in self._views.values() if view.waits_for == "consent")
        if held:
            text += " " + self.tr("Held until the person agrees to share: {0}.").format(held)
        self.summary.setText(text)

    def _scrolled(self, value: int) -> None:
        bar = self.table.verticalScrollBar()
        if value >= bar.maximum() - bar.pageStep() // 2:
            self.fetch_more()

    def fetch_more(self) -> None:
        """Read the next page of waiting checks (when the list is scrolled to its end)."""
        if self._loading or len(self._rows) >= self._total:
            return
        self._loading = True
        generation = self._generation
        offset = len(self._rows)

        def arrived(page: OutboxPage) -> None:
            if generation == self._generation and page.offset == len(self._rows):
                self._append(page.rows)
                if not page.rows:
                    self._total = len(self._rows)

        def done() -> None:
            if generation == self._generation:
                self._loading = False

        self.context.runner.run_db_if_open(
            load_outbox,
            self.context.store,
            offset,
            PAGE_SIZE,
            name="ui.home.outbox_page",
            on_success=arrived,
            on_finished=done,
        )

    def selected_outbox_id(self) -> str | None:
        index = self.table.currentRow()
        selected = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not selected or not 0 <= index < len(self._rows):
            return None
        return self._rows[index].item.id

    def _selection_changed(self) -> None:
        outbox_id = self.selected_outbox_id()
        row = next((r for r in self._rows if r.item.id == outbox_id), None)
        view = self._views.get(outbox_id or "")
        can_retry = (
            row is not None and row.item.state == "failed" and (view is None or view.waits_for != "nothing")
        )
        self.retry_button.setEnabled(can_retry)
        if row is None:
            self.detail.setText("")
            return
        words = _sentence(view.words if view is not None else _state_words(row.item.state))
        if view is not None:
            words += " " + _next_words(row.item.state, view.waits_for, row.item.next_attempt_at)
        self.detail.setText(
            self.tr("{0}: {1}").format(row.person_name or self.tr("(person not found)"), words)
        )

    # -- actions ------------------------------------------------------------------------------------------
    def retry_selected(self) -> None:
        outbox_id = self.selected_outbox_id()
        if outbox_id is None:
            return
        self.retry_button.setEnabled(False)
        self.context.runner.run_db_if_open(
            retry_outbox_item,
            self.context.store,
            outbox_id,
            name="ui.home.outbox_retry",
            on_success=lambda _item: self._retried(outbox_id),
            on_finished=self.refresh,
        )

    def _retried(self, outbox_id: str) -> None:
        self.report.setText(self.tr("Put back in the queue: it will be sent at the next sync."))
        self.retried.emit(outbox_id)
        if self.controller is not None:
            self.controller.request_soon()

    def sync_now(self) -> None:
        if self._sync is None:
            return
        if self.controller is not None:
            self.controller.sync_now()
            return
        self._running_changed(True)
        self.context.runner.run_network(
            self._sync,
            name="ui.home.sync",
            on_success=self._synced,
            on_error=self._sync_failed,
            on_finished=lambda: self._running_changed(False),
        )

    def _running_changed(self, running: bool) -> None:
        if running:
            self.sync_button.setEnabled(False)
            self.busy.start(self.tr("Sending..."))
        else:
            self.busy.stop()
            self.sync_button.setEnabled(self._sync is not None)
            if self.controller is None:
                self.refresh()

    def _synced(self, report: Any) -> None:
        lines = report.lines() if hasattr(report, "lines") else []
        self.report.setText(" ".join(lines[:2]))
        self.sync_finished.emit(report)
        if self.controller is not None:
            self.refresh()

    def _status_changed(self, text: str) -> None:
        if self.controller is not None and (self.controller.offline or self.controller.blocked):
            self.report.setText(text)  # why nothing moves, said where the worker is looking

    def _controller_failed(self, exc: BaseException) -> None:
        self.report.setText(getattr(exc, "message", "") or str(exc))

    def _sync_failed(self, exc: BaseException) -> None:
        show_error(exc, self)
