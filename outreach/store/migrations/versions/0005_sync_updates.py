"""Changes to records already on the shared record: a follow-up's outcome recorded after its
check was sent.

Revision ID: 0005
Revises: 0004

A finalised check never changes, but its follow-ups are closed later (the person attended the
referral, declined it, did not answer). The shared record must learn that, or the supervisor
sees every finding as still open. Each such change is queued here in the same transaction as
the change itself, and sync applies it to the server's Task (a conditional update on the
version it read). The error text is sealed like the outbox's. Additive only.

Outcomes recorded before this version never reached the shared record: earlier versions sent
a follow-up only inside its check, with its status as decided at the visit, whether the outcome
was recorded before or after sending. Every closed follow-up is queued here once, so upgrading
does not leave them open there for good; applying one the server already holds changes nothing,
and one whose check is not sent yet waits for it.
"""

import uuid

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

STATEMENTS = [
    """CREATE TABLE IF NOT EXISTS sync_updates (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        record_id TEXT NOT NULL,
        check_id TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        version INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        next_attempt_at TEXT,
        last_error BLOB
    )""",
    "CREATE INDEX IF NOT EXISTS ix_sync_updates_state ON sync_updates (state, created_at)",
    "CREATE UNIQUE INDEX IF NOT EXISTS ix_sync_updates_record ON sync_updates (kind, record_id)",
]


# Every closed follow-up: earlier versions never sent an outcome at all (a check's bundle carries
# its Tasks as decided at the visit, whether it went before or after the outcome was recorded).
# Sync reads each Task first and writes nothing where it already says the outcome.
CLOSED_FOLLOW_UPS = """
    SELECT f.id, f.check_id, f.updated_at FROM follow_ups f
    WHERE f.state = 'closed'
    ORDER BY f.updated_at, f.id
"""


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)
    conn = op.get_bind()
    for follow_up_id, check_id, closed_at in conn.exec_driver_sql(CLOSED_FOLLOW_UPS).fetchall():
        conn.exec_driver_sql(
            "INSERT OR IGNORE INTO sync_updates (id, kind, record_id, check_id, state, attempts, version, "
            "created_at, updated_at, next_attempt_at, last_error) "
            "VALUES (?, 'follow-up-outcome', ?, ?, 'queued', 0, 1, ?, ?, NULL, NULL)",
            (str(uuid.uuid4()), follow_up_id, check_id, closed_at, closed_at),
        )
