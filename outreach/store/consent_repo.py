"""Consent: to the check itself and to sharing with each recipient.

Append-only (a trigger refuses changes): a new decision is a new row, and the
newest row per scope is what counts. Scope and yes/no are in clear because sync
must honour them without decrypting; the worker's note is sealed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, literal_column, select

from outreach.errors import ValidationError
from outreach.store.database import utc_now
from outreach.store.models import consents
from outreach.store.records import ConsentRecord
from outreach.store.repo_context import RepoContext, new_id
from outreach.store.sealing import open_json, seal_json

TABLE = "consents"
SCOPES = ("check", "gp", "mental_health_trust", "charity")


class ConsentRepository:
    def __init__(self, ctx: RepoContext) -> None:
        self._ctx = ctx

    def record(
        self,
        person_id: str,
        scope: str,
        granted: bool,
        *,
        check_id: str | None = None,
        note: str | None = None,
    ) -> ConsentRecord:
        if scope not in SCOPES:
            raise ValidationError(
                f"'{scope}' is not a consent choice; use one of: {', '.join(SCOPES)}.", item="scope"
            )
        consent_id = new_id()
        now = utc_now()
        actor = self._ctx.actor()
        blob = (
            seal_json(self._ctx.cipher, {"note": note}, table=TABLE, record_id=consent_id, version=1)
            if note
            else None
        )
        with self._ctx.db.write() as conn:
            conn.execute(
                insert(consents),
                {
                    "id": consent_id,
                    "person_id": person_id,
                    "check_id": check_id,
                    "scope": scope,
                    "granted": 1 if granted else 0,
                    "recorded_at": now,
                    "recorded_by": actor,
                    "version": 1,
                    "data": blob,
                },
            )
            self._ctx.audit.append(conn, f"consent.{scope}", user_id=actor, table=TABLE, record_id=consent_id)
        return ConsentRecord(consent_id, person_id, check_id, scope, bool(granted), now, actor, note)

    def _decode(self, row: Any) -> ConsentRecord:
        note = None
        if row.data is not None:
            note = open_json(
                self._ctx.cipher, row.data, table=TABLE, record_id=row.id, version=row.version
            ).get("note")
        return ConsentRecord(
            row.id,
            row.person_id,
            row.check_id,
            row.scope,
            bool(row.granted),
            row.recorded_at,
            row.recorded_by,
            note,
        )

    def history(self, person_id: str) -> list[ConsentRecord]:
        with self._ctx.db.read() as conn:
            rows = conn.execute(
                select(consents).where(consents.c.person_id == person_id).order_by(consents.c.recorded_at)
            ).all()
        return [self._decode(r) for r in rows]

    def current(self, person_id: str) -> dict[str, bool]:
        """The newest answer per scope; a scope never asked is absent (treat as not given)."""
        with self._ctx.db.read() as conn:
            rows = conn.execute(
                select(consents.c.scope, consents.c.granted)
                .where(consents.c.person_id == person_id)
                .order_by(consents.c.recorded_at, literal_column("rowid"))
            ).all()
        current: dict[str, bool] = {}
        for row in rows:
            current[row.scope] = bool(row.granted)
        return current
