"""The outbox: one entry per finalised check, with its sync state and last error.

Entries are written by `ChecksRepository.finalise` in the same transaction as the
check. Sync moves them queued -> sending -> sent (or failed, with the error and the
time of the next attempt). "sending" is recorded BEFORE the request goes out, so after
a crash an entry left in "sending" means "ask the server", never "send again blindly".
The error text is sealed, in case a server echoes something personal back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_Items = list["OutboxItem"]  # the method named `list` hides the builtin inside the class

from sqlalchemy import func, select, update

from outreach.errors import StoreError, ValidationError
from outreach.store.database import utc_now
from outreach.store.models import outbox
from outreach.store.records import OutboxItem
from outreach.store.repo_context import RepoContext
from outreach.store.sealing import open_json, seal_json

TABLE = "outbox"
STATES = ("queued", "sending", "sent", "failed")


class OutboxRepository:
    def __init__(self, ctx: RepoContext) -> None:
        self._ctx = ctx

    def _decode(self, row: Any) -> OutboxItem:
        error = None
        if row.last_error is not None:
            error = open_json(
                self._ctx.cipher,
                row.last_error,
                table=TABLE,
                record_id=row.id,
                version=row.version,
                column="last_error",
            )
        return OutboxItem(
            row.id,
            row.check_id,
            row.kind,
            row.state,
            row.attempts,
            row.created_at,
            row.updated_at,
            row.next_attempt_at,
            row.server_ref,
            error,
        )

    def list(self, states: Iterable[str] | None = None) -> list[OutboxItem]:
        query = select(outbox).order_by(outbox.c.created_at, outbox.c.id)
        if states is not None:
            query = query.where(outbox.c.state.in_(list(states)))
        with self._ctx.db.read() as conn:
            return [self._decode(r) for r in conn.execute(query).all()]

    def page(self, states: Iterable[str], offset: int, limit: int) -> _Items:
        """Rows `offset` to `offset + limit` of `list(states)`, in the same order, decrypting only those."""
        if offset < 0 or limit <= 0:
            return []
        query = (
            select(outbox)
            .where(outbox.c.state.in_(list(states)))
            .order_by(outbox.c.created_at, outbox.c.id)
            .limit(limit)
            .offset(offset)
        )
        with self._ctx.db.read() as conn:
            return [self._decode(r) for r in conn.execute(query).all()]

    def sent_among(self, check_ids: Iterable[str]) -> set[str]:
        """Which of these checks have been sent (their outbox item is "sent"), from the index alone:
        nothing is decrypted, however many checks the laptop has sent."""
        wanted = sorted(set(check_ids))
        if not wanted:
            return set()
        query = select(outbox.c.check_id).where(outbox.c.state == "sent", outbox.c.check_id.in_(wanted))
        with self._ctx.db.read() as conn:
            return {str(row.check_id) for row in conn.execute(query)}

    def counts(self, states: Iterable[str] | None = None) -> dict[str, int]:
        """How many items are in each state (only states that have any), from the index alone."""
        query = select(outbox.c.state, func.count()).group_by(outbox.c.state)
        if states is not None:
            query = query.where(outbox.c.state.in_(list(states)))
        with self._ctx.db.read() as conn:
            return {state: int(n) for state, n in conn.execute(query).all()}

    def get(self, item_id: str) -> OutboxItem:
        with self._ctx.db.read() as conn:
            row = conn.execute(select(outbox).where(outbox.c.id == item_id)).first()
        if row is None:
            raise StoreError("This outbox item is not in the store.")
        return self._decode(row)

    def due(self, now: str | None = None) -> _Items:
        """Items to send now: queued ones, and failed ones whose retry time has come."""
        now = now or utc_now()
        query = (
            select(outbox)
            .where(
                (outbox.c.state == "queued")
                | (
                    (outbox.c.state == "failed")
                    & ((outbox.c.next_attempt_at.is_(None)) | (outbox.c.next_attempt_at <= now))
                )
            )
            .order_by(outbox.c.created_at, outbox.c.id)
        )
        with self._ctx.db.read() as conn:
            return [self._decode(r) for r in conn.execute(query).all()]

    def _move(
        self,
        item_id: str,
        allowed_from: tuple[str, ...],
        state: str,
        *,
        error: str | None = None,
        next_attempt_at: str | None = None,
        server_ref: str | None = None,
        count_attempt: bool = False,
    ) -> OutboxItem:
        with self._ctx.db.write() as conn:
            row = conn.execute(select(outbox).where(outbox.c.id == item_id)).first()
            if row is None:
                raise StoreError("This outbox item is not in the store.")
            if row.state not in allowed_from:
                raise ValidationError(
                    f"An outbox item that is '{row.state}' cannot become '{state}'.", item=item_id
                )
            version = row.version + 1
            values: dict[str, Any] = {
                "state": state,
                "version": version,
                "updated_at": utc_now(),
                "next_attempt_at": next_attempt_at,
            }
            values["last_error"] = (
                seal_json(
                    self._ctx.cipher,
                    error,
                    table=TABLE,
                    record_id=item_id,
                    version=version,
                    column="last_error",
                )
                if error is not None
                else None
            )
            if count_attempt:
                values["attempts"] = row.attempts + 1
            if server_ref is not None:
                values["server_ref"] = server_ref
            conn.execute(update(outbox).where(outbox.c.id == item_id).values(**values))
            self._ctx.audit.append(
                conn, f"outbox.{state}", user_id=self._ctx.actor(), table=TABLE, record_id=item_id
            )
        return self.get(item_id)

    def mark_sending(self, item_id: str) -> OutboxItem:
        return self._move(item_id, ("queued", "failed"), "sending", count_attempt=True)

    def mark_sent(self, item_id: str, *, server_ref: str | None = None) -> OutboxItem:
        return self._move(item_id, ("sending", "failed", "queued"), "sent", server_ref=server_ref)

    def mark_failed(self, item_id: str, error: str, *, next_attempt_at: str | None = None) -> OutboxItem:
        return self._move(
            item_id, ("sending", "queued", "failed"), "failed", error=error, next_attempt_at=next_attempt_at
        )

    def requeue(self, item_id: str) -> OutboxItem:
        """Back to the queue (the worker pressed "try again", or a crash left it in "sending")."""
        return self._move(item_id, ("failed", "sending"), "queued")
