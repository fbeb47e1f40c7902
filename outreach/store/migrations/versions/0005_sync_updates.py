"""Changes to records already on the shared record: a follow-up's outcome recorded after its
check was sent.

Revision ID: 0005
Revises: 0004

A finalised check never changes, but its follow-ups are closed later (the person attended the
referral, declined it, did not answer). The shared record must learn that, or the supervisor
sees every finding as still open. Each such change is queued here in the same transaction as
the change itself, and sync applies it to the server's Task (a conditional update on the
version it read). The error text is sealed like the outbox's. Additive only.
"""

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


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)
