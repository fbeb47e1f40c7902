"""The outbox: finalised checks waiting to reach the shared record, and why any are stuck.

Each row says whose check it is, its state in plain words, how many attempts were made
and the last error. "Sync now" runs the sync engine on the task runner's network pool
(never the GUI thread, never the store worker), and is disabled with the reason when
no shared record is configured.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.errors import show_error
from ui.home.data import OutboxRow, load_outbox_task
from ui.home.search import date_text
from ui.widgets import BusyIndicator


def _state_words(state: str) -> str:
    from PySide6.QtCore import QCoreApplication

    words = {
        "queued": QCoreApplication.translate("OutboxView", "Waiting to be sent"),
        "sending": QCoreApplication.translate("OutboxView", "Being sent (checked with the server next time)"),
        "failed": QCoreApplication.translate("OutboxView", "Not sent yet: will try again"),
        "sent": QCoreApplication.translate("OutboxView", "Sent"),
    }
    return words.get(state, state)


def sync_engine_factory(context: AppContext) -> tuple[Any, str]:
    """(a callable that runs one sync, "") or (None, why sync is not available)."""
    from PySide6.QtCore import QCoreApplication

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

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        layout = QVBoxLayout(self)
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Person"),
                self.tr("State"),
                self.tr("Attempts"),
                self.tr("Finalised"),
                self.tr("Last error"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName(self.tr("Checks waiting to be sent"))
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.busy = BusyIndicator(self)
        row.addWidget(self.busy, 1)
        self.report = QLabel("", self)
        self.report.setWordWrap(True)
        row.addWidget(self.report, 2)
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

    def refresh(self) -> None:
        self.context.runner.run_db(
            load_outbox_task,
            self.context.store,
            name="ui.home.outbox",
            on_success=lambda result: self.show_rows(*result),
        )

    def show_rows(self, rows: list[OutboxRow], total: int) -> None:
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            item = row.item
            cells = [
                row.person_name or self.tr("(person not found)"),
                _state_words(item.state),
                str(item.attempts),
                date_text(item.created_at[:10]),
                item.last_error or self.tr("None"),
            ]
            for column, text in enumerate(cells):
                self.table.setItem(index, column, QTableWidgetItem(text))
        if total == 0:
            self.summary.setText(self.tr("Nothing is waiting: every finalised check has been sent."))
        else:
            failed = sum(1 for r in rows if r.item.state == "failed")
            text = self.tr("Checks waiting to be sent: {0}.").format(total)
            if failed:
                text += " " + self.tr("Not sent last time: {0} (the reason is in the list).").format(failed)
            if total > len(rows):
                text += " " + self.tr("Showing the first {0}.").format(len(rows))
            self.summary.setText(text)
        self.count_changed.emit(total)

    def sync_now(self) -> None:
        if self._sync is None:
            return
        self.sync_button.setEnabled(False)
        self.busy.start(self.tr("Sending..."))
        self.context.runner.run_network(
            self._sync,
            name="ui.home.sync",
            on_success=self._synced,
            on_error=self._sync_failed,
            on_finished=self._sync_done,
        )

    def _synced(self, report: Any) -> None:
        lines = report.lines() if hasattr(report, "lines") else []
        self.report.setText(" ".join(lines[:2]))
        self.sync_finished.emit(report)

    def _sync_failed(self, exc: BaseException) -> None:
        show_error(exc, self)

    def _sync_done(self) -> None:
        self.busy.stop()
        self.sync_button.setEnabled(True)
        self.refresh()
