"""Follow-ups: what was decided for each finding, and later what came of it.

Created when a check is finalised (one per finding). A referral stays open until its
outcome is recorded; the due date is in clear so overdue ones can be found without
decrypting anything, the decision and notes are sealed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Integer, and_, func, literal_column, or_, select, update

from outreach.errors import ConflictError, StoreError, ValidationError
from outreach.store.database import utc_now
from outreach.store.models import checks, follow_ups, sessions
from outreach.store.records import FollowUpRecord
from outreach.store.repo_context import RepoContext
from outreach.store.sealing import open_json, seal_json

TABLE = "follow_ups"
OUTCOMES = ("attended", "declined", "no_response", "closed")
FEW_CHECKS = 1000  # a venue with at most this many checks is read through its checks
FEW_PEOPLE = 1000  # a person filter matching at most this many people is read through the person index
DUE_GROUPS = ("overdue", "week", "later")  # before today; today to the end of the week; after it, or undated


@dataclass(frozen=True)
class OpenFilter:
    """Which open follow-ups a list shows.

    `today` and `week_end` (YYYY-MM-DD, inclusive) are the caller's local days, so "overdue"
    and "this week" mean what they mean on the worker's own calendar. `due` is one of
    DUE_GROUPS or None for all; `person_ids` limits to those people (None: everyone);
    `venue_id` to checks done in sessions at that venue.
    """

    today: str
    week_end: str
    due: str | None = None
    person_ids: tuple[str, ...] | None = None
    venue_id: str | None = None


@dataclass(frozen=True)
class OpenCounts:
    """How many open follow-ups a filter's person and venue leave, by when they are due."""

    total: int
    overdue: int
    this_week: int

    @property
    def later(self) -> int:
        return self.total - self.overdue - self.this_week

    def of(self, due: str | None) -> int:
        """The count a due-date choice shows (None: all of them)."""
        return {None: self.total, "overdue": self.overdue, "week": self.this_week}.get(due, self.later)


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

    # -- the home list: pages and counts from the index, decrypting only the rows shown -------------
    def _small_venue(self, conn: Connection, flt: OpenFilter) -> bool:
        """True when the filter's venue had few checks, so its follow-ups are best found from them."""
        if flt.venue_id is None:
            return False
        n = conn.execute(
            select(func.count())
            .select_from(checks.join(sessions, sessions.c.id == checks.c.session_id))
            .where(sessions.c.venue_id == flt.venue_id)
        ).scalar_one()
        return int(n) <= FEW_CHECKS

    def _where(
        self, flt: OpenFilter, *, due: bool = True, small_venue: bool = False
    ) -> list[ColumnElement[bool]]:
        """The WHERE terms of `flt`; `due=False` leaves out the due-date choice (for the counts).
        `small_venue`: the venue's checks are few (see `_small_venue`)."""
        if (flt.person_ids is not None and len(flt.person_ids) <= FEW_PEOPLE) or small_venue:
            # A few people, or a venue with few checks: start from the person (or check) index, as
            # their rows are few, rather than walk the list index past every open follow-up; SQLite's
            # unary + keeps it from choosing the latter.
            terms: list[ColumnElement[bool]] = [literal_column("+follow_ups.state") == "open"]
        else:
            terms = [follow_ups.c.state == "open"]
        if flt.person_ids is not None:
            # One bound JSON array instead of one parameter per person: a name typed in the filter
            # may match thousands of people, more than SQLite allows as separate parameters.
            people = func.json_each(json.dumps(list(flt.person_ids))).table_valued("value")
            terms.append(follow_ups.c.person_id.in_(select(people.c.value).scalar_subquery()))
        if flt.venue_id is not None:
            at_venue = (
                select(checks.c.id)
                .join(sessions, sessions.c.id == checks.c.session_id)
                .where(sessions.c.venue_id == flt.venue_id)
            )
            terms.append(follow_ups.c.check_id.in_(at_venue.scalar_subquery()))
        if due and flt.due == "overdue":
            terms.append(and_(follow_ups.c.due_on.is_not(None), follow_ups.c.due_on < flt.today))
        elif due and flt.due == "week":
            terms.append(and_(follow_ups.c.due_on >= flt.today, follow_ups.c.due_on <= flt.week_end))
        elif due and flt.due == "later":
            terms.append(or_(follow_ups.c.due_on.is_(None), follow_ups.c.due_on > flt.week_end))
        elif due and flt.due is not None:
            raise ValidationError(f"'{flt.due}' is not a due-date group.", item="due")
        return terms

    def open_counts(self, flt: OpenFilter) -> OpenCounts:
        """Counts by when due, for the filter's person and venue (its due-date choice is ignored, so
        each choice can show its own number). Read from the list index alone."""
        overdue = and_(follow_ups.c.due_on.is_not(None), follow_ups.c.due_on < flt.today)
        week = and_(follow_ups.c.due_on >= flt.today, follow_ups.c.due_on <= flt.week_end)
        with self._ctx.db.read() as conn:
            query = select(
                func.count(),
                func.coalesce(func.sum(overdue.cast(Integer)), 0),
                func.coalesce(func.sum(week.cast(Integer)), 0),
            ).where(*self._where(flt, due=False, small_venue=self._small_venue(conn, flt)))
            total, late, soon = conn.execute(query).one()
        return OpenCounts(int(total), int(late), int(soon))

    def open_page(self, flt: OpenFilter, offset: int, limit: int) -> list[FollowUpRecord]:
        """Rows `offset` to `offset + limit` of the open list: soonest due first (so overdue, then this
        week, then later), undated ones last, creation time then id breaking ties.

        Dated and undated rows are read as two walks along the list index rather than one query
        ordered by "undated last", which SQLite could only answer by sorting every open row. Only the
        rows of the page are decrypted."""
        if offset < 0 or limit <= 0:
            return []
        with self._ctx.db.read() as conn:
            base = self._where(flt, small_venue=self._small_venue(conn, flt))
            order = (follow_ups.c.due_on, follow_ups.c.created_at, follow_ups.c.id)
            dated = select(follow_ups.c.id).where(*base, follow_ups.c.due_on.is_not(None)).order_by(*order)
            undated = (
                select(follow_ups.c.id)
                .where(*base, follow_ups.c.due_on.is_(None))
                .order_by(follow_ups.c.created_at, follow_ups.c.id)
            )
            ids = list(conn.execute(dated.limit(limit).offset(offset)).scalars())
            if len(ids) < limit and flt.due in (None, "later"):
                if ids:
                    skip = 0
                else:
                    n_dated = conn.execute(
                        select(func.count()).where(*base, follow_ups.c.due_on.is_not(None))
                    ).scalar_one()
                    skip = max(0, offset - int(n_dated))
                ids += list(conn.execute(undated.limit(limit - len(ids)).offset(skip)).scalars())
            if not ids:
                return []
            rows = {r.id: r for r in conn.execute(select(follow_ups).where(follow_ups.c.id.in_(ids)))}
        return [self._decode(rows[i]) for i in ids if i in rows]

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
