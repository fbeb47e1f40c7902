"""The audit trail: who did what, when, to which record (never what the record says).

Append-only twice over: SQLite triggers refuse UPDATE and DELETE, and each entry
carries a keyed hash over its own fields and the previous entry's hash. Someone who
edits the file behind SQLite's back (or drops the triggers) breaks the chain, and
`verify` names the first entry that no longer fits. The hash is keyed with the
store's data key (through the vault's keyed hash), so the chain cannot be rebuilt
without unlocking.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, func, insert, select

from outreach.store.database import Database, utc_now
from outreach.store.models import audit
from outreach.store.records import AuditEntry, AuditVerification

GENESIS = "0" * 64
# Built once: the audit entry is written with every change, so its statements must be cheap.
_LAST = select(audit.c.seq, audit.c.hash).order_by(audit.c.seq.desc()).limit(1)
_INSERT = insert(audit)
Hasher = Callable[[str], str]
OnAppend = Callable[[Connection, str, "str | None", "str | None"], None]  # conn, action, table, record id


def _canonical(
    seq: int, at: str, user_id: str | None, action: str, table: str | None, record_id: str | None, prev: str
) -> str:
    return "\x1f".join((str(seq), at, user_id or "", action, table or "", record_id or "", prev))


class AuditLog:
    def __init__(self, db: Database, hasher: Hasher, *, on_append: OnAppend | None = None) -> None:
        """`on_append`: told of each entry inside its transaction (the store's change feed)."""
        self._db = db
        self._hash = hasher
        self._on_append = on_append

    def append(
        self,
        conn: Connection,
        action: str,
        *,
        user_id: str | None,
        table: str | None = None,
        record_id: str | None = None,
    ) -> int:
        """Add one entry inside the caller's write transaction (so it commits with the change)."""
        last = conn.execute(_LAST).first()
        seq, prev = (1, GENESIS) if last is None else (last.seq + 1, last.hash)
        at = utc_now()
        digest = self._hash(_canonical(seq, at, user_id, action, table, record_id, prev))
        conn.execute(
            _INSERT,
            {
                "seq": seq,
                "at": at,
                "user_id": user_id,
                "action": action,
                "table_name": table,
                "record_id": record_id,
                "prev_hash": prev,
                "hash": digest,
            },
        )
        if self._on_append is not None:
            self._on_append(conn, action, table, record_id)
        return seq

    def entries(self, *, record_id: str | None = None, limit: int = 200) -> list[AuditEntry]:
        query = select(audit).order_by(audit.c.seq.desc()).limit(limit)
        if record_id is not None:
            query = query.where(audit.c.record_id == record_id)
        with self._db.read() as conn:
            return [
                AuditEntry(r.seq, r.at, r.user_id, r.action, r.table_name, r.record_id)
                for r in conn.execute(query)
            ]

    def count(self) -> int:
        with self._db.read() as conn:
            return int(conn.execute(select(func.count()).select_from(audit)).scalar_one())

    def verify(self) -> AuditVerification:
        """Walk the whole chain; report the first entry whose hash or link does not fit."""
        prev = GENESIS
        expected_seq = None
        checked = 0
        with self._db.read() as conn:
            for row in conn.execute(select(audit).order_by(audit.c.seq)):
                if expected_seq is not None and row.seq != expected_seq:
                    return AuditVerification(
                        False, checked, row.seq, f"Audit entries before {row.seq} are missing."
                    )
                if row.prev_hash != prev:
                    return AuditVerification(
                        False, checked, row.seq, f"Audit entry {row.seq} does not follow the one before it."
                    )
                digest = self._hash(
                    _canonical(
                        row.seq, row.at, row.user_id, row.action, row.table_name, row.record_id, row.prev_hash
                    )
                )
                if digest != row.hash:
                    return AuditVerification(
                        False, checked, row.seq, f"Audit entry {row.seq} has been altered."
                    )
                prev = row.hash
                expected_seq = row.seq + 1
                checked += 1
        return AuditVerification(True, checked, None, f"All {checked} audit entries are intact.")
