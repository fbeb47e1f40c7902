"""Sync state: pull cursors, the device token, held outbox items, server references,
reviews and the service directory that come down from the shared record.

Revision ID: 0002
Revises: 0001

Additive only (new tables), so an older store gains them without touching its records.
Reviews can carry a supervisor's words about a person, so their content is sealed in
`data` like every other personal field; the service directory is public information
and sits in clear.
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

STATEMENTS = [
    # Small named values: pull cursors (server timestamps, clear) and the device token (sealed).
    """CREATE TABLE sync_settings (
        key TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        value TEXT,
        data BLOB
    )""",
    # Outbox items that wait for the worker (refused by the server) or for consent to share.
    """CREATE TABLE sync_holds (
        outbox_id TEXT PRIMARY KEY REFERENCES outbox(id),
        reason TEXT NOT NULL,
        since TEXT NOT NULL
    )""",
    # Which server resource (e.g. Encounter/17) belongs to which local check: lets a review
    # that points at the server's Encounter find its check.
    """CREATE TABLE sync_server_refs (
        ref TEXT PRIMARY KEY,
        check_id TEXT NOT NULL REFERENCES checks(id)
    )""",
    "CREATE INDEX ix_sync_server_refs_check ON sync_server_refs (check_id)",
    """CREATE TABLE sync_reviews (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        check_id TEXT,
        status TEXT NOT NULL,
        server_version TEXT,
        last_updated TEXT NOT NULL,
        received_at TEXT NOT NULL,
        data BLOB NOT NULL
    )""",
    "CREATE INDEX ix_sync_reviews_check ON sync_reviews (check_id)",
    """CREATE TABLE sync_directory (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        active INTEGER NOT NULL,
        last_updated TEXT NOT NULL,
        resource TEXT NOT NULL
    )""",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)
