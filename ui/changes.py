"""One place the screens hear that the store changed, so none of them shows something stale.

The store tells its `ChangeFeed` listeners of every committed write (see
`outreach.store.changes`): "person X changed", "check Y finalised", "follow-up Z recorded",
each with the person it is about. `ChangeHub` gathers them and says them on the GUI thread as
one `ChangeSet` per piece of store work: the task runner flushes the hub right after each store
task has delivered its result, so a screen that started the work has already drawn its own
answer when everyone else hears of it. Changes written outside a task of the runner (a sync on
its own thread) are flushed on the next turn of the event loop.

Every view showing a person, a check or a follow-up listens to `changed` and refreshes only
what the set touches: the person panel its person, the follow-ups list its rows and counts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

if TYPE_CHECKING:  # not imported at start-up: the unlock screen shows before any store code is loaded
    from outreach.store.changes import Change

_in_task = threading.local()  # set while a task of the runner runs on this thread


def mark_task_thread(active: bool) -> None:
    """The task runner says when one of its tasks starts and ends on the current thread."""
    _in_task.active = active


def in_runner_task() -> bool:
    return bool(getattr(_in_task, "active", False))


@dataclass(frozen=True)
class ChangeSet:
    """The changes committed by one piece of store work, with the questions views ask of them."""

    changes: tuple[Change, ...]

    def __bool__(self) -> bool:
        return bool(self.changes)

    @property
    def people(self) -> set[str]:
        """Everyone a change was about."""
        return {c.person_id for c in self.changes if c.person_id}

    def touches(self, *tables: str) -> bool:
        return any(c.table in tables for c in self.changes)

    def has_action(self, *prefixes: str) -> bool:
        """True when an action starts with one of `prefixes` ("check.finalise", "follow_up.")."""
        return any(c.action.startswith(prefixes) for c in self.changes)

    def records(self, table: str) -> set[str]:
        return {c.record_id for c in self.changes if c.table == table and c.record_id}


class ChangeHub(QObject):
    """Hears the store's committed changes on any thread; says them on the GUI thread (`changed`)."""

    changed = Signal(object)  # ChangeSet
    _wake = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: list[Change] = []
        self._woken = False
        self._unsubscribe: Callable[[], None] | None = None
        self._store: Any = None
        self._wake_connected = False

    def attach(self, store: Any) -> None:
        """Listen to `store` (a LocalStore); once per store, so attaching again is harmless."""
        if store is self._store:
            return
        if not self._wake_connected:
            # Connected here, not when the hub is made: the hub is made before the first window is
            # drawn, and naming Qt's namespace (for the connection type) costs tens of milliseconds.
            from PySide6.QtCore import Qt

            self._wake.connect(self._woke, Qt.ConnectionType.QueuedConnection)
            self._wake_connected = True
        self.detach()
        self._store = store
        self._unsubscribe = store.changes.subscribe(self._heard)

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._unsubscribe = None
        self._store = None
        with self._lock:
            self._pending.clear()

    def _heard(self, change: Change) -> None:
        """On the writing thread, after commit: queue it; the runner (or the event loop) flushes."""
        with self._lock:
            self._pending.append(change)
            if in_runner_task() or self._woken:
                return
            self._woken = True
        self._wake.emit()

    @Slot()
    def _woke(self) -> None:
        with self._lock:
            self._woken = False
        self.flush()

    def flush(self) -> None:
        """Say every change heard so far, as one set (GUI thread)."""
        with self._lock:
            pending, self._pending = self._pending, []
        if pending:
            self.changed.emit(ChangeSet(tuple(pending)))

    def announce(self, changes: Iterable[Change]) -> None:
        """Say changes made some other way (tests, or a screen that knows better)."""
        batch = ChangeSet(tuple(changes))
        if batch:
            self.changed.emit(batch)
