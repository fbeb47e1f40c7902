"""Sync progress per resource: which of a check's resources the shared record has confirmed.

Revision ID: 0003
Revises: 0002

A check is sent in parts, and a part may be only partly stored (servers that process a
transaction entry by entry, write quotas, concurrent-write refusals). Each resource the
server confirms is remembered here with the server's own location, so a retry sends only
what is missing and later parts refer to the server's ids. Keyed by the server's address,
because locations mean nothing on another server. Holds no personal data: entry keys are
derived UUIDs and locations are the server's ids. Additive only.

Reviews also keep what they point at (the server's Encounter id, or our check's id) in
clear, so a review that came down before its check's locations were known is kept and
matched later instead of being dropped; neither value identifies a person.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

STATEMENTS = [
    """CREATE TABLE sync_entries (
        server TEXT NOT NULL,
        full_url TEXT NOT NULL,
        location TEXT NOT NULL,
        outbox_id TEXT,
        confirmed_at TEXT NOT NULL,
        PRIMARY KEY (server, full_url)
    )""",
    "CREATE INDEX ix_sync_entries_outbox ON sync_entries (outbox_id)",
    "ALTER TABLE sync_reviews ADD COLUMN focus_ref TEXT",
    "ALTER TABLE sync_reviews ADD COLUMN focus_check_id TEXT",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)
