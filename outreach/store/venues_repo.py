"""Venues (food bank, hostel, day centre...) and the outreach sessions held there."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from outreach.errors import StoreError, ValidationError
from outreach.store.database import utc_now
from outreach.store.models import sessions, venues
from outreach.store.records import VenueRecord
from outreach.store.repo_context import RepoContext, new_id
from outreach.store.sealing import open_json, seal_json

TABLE = "venues"
MAX_VENUE_NAME = 200  # "St Mark's Community Café, upstairs room" fits many times over


class VenuesRepository:
    def __init__(self, ctx: RepoContext) -> None:
        self._ctx = ctx

    def add(self, name: str, details: dict[str, Any] | None = None) -> VenueRecord:
        if len(name) > MAX_VENUE_NAME:
            raise ValidationError(
                f"A venue name can have at most {MAX_VENUE_NAME} characters.", item="venue_name"
            )
        venue_id = new_id()
        doc = {"name": name, "details": details or {}}
        with self._ctx.db.write() as conn:
            conn.execute(
                insert(venues),
                {
                    "id": venue_id,
                    "version": 1,
                    "created_at": utc_now(),
                    "data": seal_json(self._ctx.cipher, doc, table=TABLE, record_id=venue_id, version=1),
                },
            )
            self._ctx.audit.append(
                conn, "venue.add", user_id=self._ctx.actor(), table=TABLE, record_id=venue_id
            )
        return VenueRecord(venue_id, name, details or {})

    def list(self) -> list[VenueRecord]:
        with self._ctx.db.read() as conn:
            rows = conn.execute(select(venues)).all()
        out = []
        for r in rows:
            doc = open_json(self._ctx.cipher, r.data, table=TABLE, record_id=r.id, version=r.version)
            out.append(VenueRecord(r.id, doc.get("name", ""), doc.get("details", {})))
        return sorted(out, key=lambda v: v.name.casefold())

    def get(self, venue_id: str) -> VenueRecord:
        with self._ctx.db.read() as conn:
            r = conn.execute(select(venues).where(venues.c.id == venue_id)).first()
        if r is None:
            raise StoreError("This venue is not in the store.")
        doc = open_json(self._ctx.cipher, r.data, table=TABLE, record_id=r.id, version=r.version)
        return VenueRecord(r.id, doc.get("name", ""), doc.get("details", {}))

    def for_session(self, session_id: str | None) -> VenueRecord | None:
        """The venue an outreach session was held at; None for no session, or one (or a venue) no
        longer in the store."""
        if not session_id:
            return None
        with self._ctx.db.read() as conn:
            venue_id = conn.execute(select(sessions.c.venue_id).where(sessions.c.id == session_id)).scalar()
        if venue_id is None:
            return None
        try:
            return self.get(venue_id)
        except StoreError:
            return None

    def current_session(self, since: str) -> tuple[str, VenueRecord] | None:
        """The newest session this user started at or after `since` (UTC ISO time) and has not
        ended, with its venue: today's session, read back when the app is opened again."""
        query = (
            select(sessions.c.id, sessions.c.venue_id)
            .where(
                sessions.c.user_id == self._ctx.actor(),
                sessions.c.started_at >= since,
                sessions.c.ended_at.is_(None),
            )
            .order_by(sessions.c.started_at.desc())
            .limit(1)
        )
        with self._ctx.db.read() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return row.id, self.get(row.venue_id)

    def start_session(self, venue_id: str, *, ends: str | None = None) -> str:
        """Start a session at `venue_id`; `ends`: the session it replaces (switching venue), ended
        in the same transaction so only one session is ever current."""
        session_id = new_id()
        with self._ctx.db.write() as conn:
            if conn.execute(select(venues.c.id).where(venues.c.id == venue_id)).first() is None:
                raise StoreError("This venue is not in the store.")
            if ends is not None:
                self.end_session(ends)
            conn.execute(
                insert(sessions),
                {
                    "id": session_id,
                    "venue_id": venue_id,
                    "user_id": self._ctx.actor(),
                    "started_at": utc_now(),
                    "ended_at": None,
                },
            )
            self._ctx.audit.append(
                conn, "session.start", user_id=self._ctx.actor(), table="sessions", record_id=session_id
            )
        return session_id

    def end_session(self, session_id: str) -> None:
        with self._ctx.db.write() as conn:
            conn.execute(update(sessions).where(sessions.c.id == session_id).values(ended_at=utc_now()))
            self._ctx.audit.append(
                conn, "session.end", user_id=self._ctx.actor(), table="sessions", record_id=session_id
            )
