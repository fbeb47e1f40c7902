"""Follow-ups: what was decided for each finding, and later what came of it.

Created when a check is finalised (one per finding). A referral stays open until its
outcome is recorded; the due date is in clear so overdue ones can be found without
decrypting anything, the decision and notes are sealed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from outreach.errors import ConflictError, StoreError, ValidationError
from outreach.store.database import utc_now
from outreach.store.models import follow_ups
from outreach.store.records import FollowUpRecord
from outreach.store.repo_context import RepoContext
from outreach.store.sealing import open_json, seal_json

TABLE = "follow_ups"
OUTCOMES = ("attended", "declined", "no_response", "closed")


class FollowUpsRepository:
    def __init__(self, ctx: RepoContext) -> None:
        self._ctx = ctx

    def _decode(self, row: Any) -> FollowUpRecord:
        doc = open_json(self._ctx.cipher, row.data, table=TABLE, record_id=row.id, version=row.version)
        return FollowUpRecord(
            row.id,
            row.check_id,
            row.finding_id,
            row.person_id,
            row.version,
            row.state,
            row.outcome,
            row.due_on,
            row.created_at,
            row.updated_at,
            doc,
        )

    def get(self, follow_up_id: str) -> FollowUpRecord:
        with self._ctx.db.read() as conn:
            row = conn.execute(select(follow_ups).where(follow_ups.c.id == follow_up_id)).first()
        if row is None:
            raise StoreError("This follow-up is not in the store.")
        return self._decode(row)

    def for_check(self, check_id: str) -> list[FollowUpRecord]:
        with self._ctx.db.read() as conn:
            rows = conn.execute(select(follow_ups).where(follow_ups.c.check_id == check_id)).all()
        return [self._decode(r) for r in rows]

    def open_items(
        self, *, person_id: str | None = None, due_before: str | None = None
    ) -> list[FollowUpRecord]:
        """Open follow-ups, soonest due first; `due_before` (YYYY-MM-DD) gives the overdue ones."""
        query = select(follow_ups).where(follow_ups.c.state == "open")
        if person_id is not None:
            query = query.where(follow_ups.c.person_id == person_id)
        if due_before is not None:
            query = query.where(follow_ups.c.due_on.is_not(None), follow_ups.c.due_on < due_before)
        query = query.order_by(follow_ups.c.due_on.is_(None), follow_ups.c.due_on, follow_ups.c.created_at)
        with self._ctx.db.read() as conn:
            rows = conn.execute(query).all()
        return [self._decode(r) for r in rows]

    def record_outcome(
        self, follow_up_id: str, outcome: str, *, note: str | None = None, expected_version: int | None = None
    ) -> FollowUpRecord:
        if outcome not in OUTCOMES:
            raise ValidationError(
                f"'{outcome}' is not a follow-up outcome; choose one of: {', '.join(OUTCOMES)}.",
                item="outcome",
            )
        with self._ctx.db.write() as conn:
            row = conn.execute(select(follow_ups).where(follow_ups.c.id == follow_up_id)).first()
            if row is None:
                raise StoreError("This follow-up is not in the store.")
            if expected_version is not None and row.version != expected_version:
                raise ConflictError("This follow-up was changed elsewhere. Reopen it and try again.")
            doc = open_json(self._ctx.cipher, row.data, table=TABLE, record_id=row.id, version=row.version)
            doc["outcome_note"] = note
            version = row.version + 1
            now = utc_now()
            conn.execute(
                update(follow_ups)
                .where(follow_ups.c.id == follow_up_id)
                .values(
                    version=version,
                    state="closed",
                    outcome=outcome,
                    updated_at=now,
                    data=seal_json(
                        self._ctx.cipher, doc, table=TABLE, record_id=follow_up_id, version=version
                    ),
                )
            )
            self._ctx.audit.append(
                conn, f"follow_up.{outcome}", user_id=self._ctx.actor(), table=TABLE, record_id=follow_up_id
            )
        return FollowUpRecord(
            row.id,
            row.check_id,
            row.finding_id,
            row.person_id,
            version,
            "closed",
            outcome,
            row.due_on,
            row.created_at,
            now,
            doc,
        )
