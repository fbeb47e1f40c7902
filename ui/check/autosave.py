"""Autosave: every change goes to the store worker at once, in order, never on the GUI thread.

Changes made while a save is under way are gathered and sent together when it ends, so
a fast typist never queues hundreds of writes, and the store sees them in the order they
were made. A save that fails (the laptop locked itself, the disk is full) keeps its
changes and tries again; nothing typed is dropped. The indicator is quiet: "Saved".
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from outreach.errors import LockedError, OutreachError
from outreach.store.local_store import LocalStore
from ui.ops.check import save_check
from ui.tasks import TaskRunner

RETRY_AFTER_MS = 3000


class Autosaver(QObject):
    """Sends a check's changes to the store worker. `idle` when everything given is saved."""

    saved = Signal()  # a batch reached the disk
    state_changed = Signal(str)  # words for the indicator
    failed = Signal(object)  # the error, once per distinct message

    def __init__(
        self, runner: TaskRunner, store: LocalStore, check_id: str, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.store = store
        self.check_id = check_id
        self.saves = 0
        self.last_record: Any = None
        self._answers: dict[str, Any] = {}
        self._statuses: dict[str, tuple[str, str | None]] = {}
        self._decisions: dict[str, Any] = {}
        self._in_flight: tuple[dict[str, Any], dict[str, tuple[str, str | None]], dict[str, Any]] | None = (
            None
        )
        self._last_problem = ""
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_AFTER_MS)
        self._retry.timeout.connect(self.kick)
        self.stopped = False

    @property
    def idle(self) -> bool:
        return self._in_flight is None and not (self._answers or self._statuses or self._decisions)

    def add_answer(self, link_id: str, entry: Any) -> None:
        self._answers[link_id] = entry
        self.kick()

    def add_status(self, element: str, status: str, reason: str | None) -> None:
        self._statuses[element] = (status, reason)
        self.kick()

    def add_decision(self, rule_id: str, decision: Any) -> None:
        self._decisions[rule_id] = decision
        self.kick()

    def kick(self) -> None:
        if self.stopped or self._in_flight is not None or self.idle:
            return
        batch = (self._answers, self._statuses, self._decisions)
        self._answers, self._statuses, self._decisions = {}, {}, {}
        self._in_flight = batch
        self.state_changed.emit(self.tr("Saving..."))
        self.runner.run_db(
            save_check,
            self.store,
            self.check_id,
            *batch,
            name="check.autosave",
            on_success=self._done,
            on_error=self._failed,
        )

    def _done(self, record: Any) -> None:
        self._in_flight = None
        self.saves += 1
        self.last_record = record
        self._last_problem = ""
        self.state_changed.emit(self.tr("Saved {0}").format(time.strftime("%H:%M")))
        self.saved.emit()
        self.kick()

    def _failed(self, exc: BaseException) -> None:
        batch = self._in_flight
        self._in_flight = None
        if batch is not None:  # keep them, under anything newer
            self._answers = {**batch[0], **self._answers}
            self._statuses = {**batch[1], **self._statuses}
            self._decisions = {**batch[2], **self._decisions}
        if isinstance(exc, LockedError):
            words = self.tr("Not saved yet: locked. It will be saved after unlocking.")
        elif isinstance(exc, OutreachError):
            words = self.tr("Not saved yet: {0} Trying again.").format(exc.message)
        else:
            words = self.tr("Not saved yet. Trying again.")
        self.state_changed.emit(words)
        if words != self._last_problem and not isinstance(exc, LockedError):
            self._last_problem = words
            self.failed.emit(exc)
        self._retry.start()

    def stop(self) -> None:
        self.stopped = True
        self._retry.stop()
