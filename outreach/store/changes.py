"""What changed in the store, told to whoever listens once the change has committed.

Every write the product makes goes through a repository that adds an audit entry in the same
transaction, so the audit entry is where a change is noticed: one place, nothing for a new use
case to remember. Each change names the record and, where there is one, the person it is about,
so a screen showing that person (or a list holding that record) can refresh itself instead of
showing something stale until the worker searches again.

Listeners run on the thread that wrote, after the commit (a rolled-back change is never told),
and must be quick: the desktop app only queues the change for its GUI thread. With no listener
(command-line tools, imports) nothing extra is read.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, select

from outreach.store.database import Database
from outreach.store.models import checks, consents, follow_ups, outbox

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    """One committed change: the audit action ("check.finalise", "follow_up.attended",
    "person.update", ...), the table and record it touched, and the person it is about."""

    action: str
    table: str | None
    record_id: str | None
    person_id: str | None = None


Listener = Callable[[Change], None]


def _person_query(table: str, record_id: str) -> Select[Any] | None:
    """How to find the person a row of `table` is about (None: the table is not about one person)."""
    if table == "checks":
        return select(checks.c.person_id).where(checks.c.id == record_id)
    if table == "follow_ups":
        return select(follow_ups.c.person_id).where(follow_ups.c.id == record_id)
    if table == "consents":
        return select(consents.c.person_id).where(consents.c.id == record_id)
    if table == "outbox":
        return (
            select(checks.c.person_id)
            .join(outbox, outbox.c.check_id == checks.c.id)
            .where(outbox.c.id == record_id)
        )
    return None


class ChangeFeed:
    """Committed changes, told to subscribers (see the module docstring)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Start telling `listener` about changes; returns the call that stops it."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def noted(self, conn: Connection, action: str, table: str | None, record_id: str | None) -> None:
        """Called with each audit entry, inside its write transaction, and by sync for what it brings
        down (a supervisor's review: not audited, as nothing was done here). Told after the commit."""
        if not self._listeners:
            return
        person_id: str | None = None
        if table == "people":
            person_id = record_id
        elif table is not None and record_id is not None:
            query = _person_query(table, record_id)
            if query is not None:
                person_id = conn.execute(query).scalar()
        change = Change(action, table, record_id, person_id)
        self._db.after_commit(lambda: self._tell(change))

    def _tell(self, change: Change) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(change)
            except Exception:  # the write has committed; a listener must not undo that
                log.exception("store.change_listener_failed", extra={"fields": {"action": change.action}})
