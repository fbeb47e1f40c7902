"""Indexes for the home lists at a full caseload.

Revision ID: 0004
Revises: 0003

The follow-ups list is read a page at a time, soonest due first, filtered by when it is due,
by person and by venue; the outbox likewise a page at a time. These indexes let each page and
each count be answered from an index, with no sort of every open follow-up and no decryption
of rows that are not shown:

* open follow-ups in list order (state, due date, then creation time and id as tie-breaks), so
  a page is a walk along the index and a count by due date never touches the table;
* follow-ups by check, checks by session and sessions by venue, for the venue filter (and for
  reading one check's follow-ups);
* the outbox in list order, so a page of waiting checks needs no sort.

Additive only: nothing is rewritten and no personal data is involved (ids, states, dates).
`IF NOT EXISTS`, so a store whose schema number was set back (a restored or repaired file)
still migrates.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

STATEMENTS = [
    (
        "CREATE INDEX IF NOT EXISTS ix_follow_ups_list"
        " ON follow_ups (state, due_on, created_at, id, person_id, check_id)"
    ),
    "CREATE INDEX IF NOT EXISTS ix_follow_ups_check ON follow_ups (check_id)",
    "CREATE INDEX IF NOT EXISTS ix_checks_session ON checks (session_id)",
    "CREATE INDEX IF NOT EXISTS ix_sessions_venue ON sessions (venue_id, started_at)",
    "CREATE INDEX IF NOT EXISTS ix_outbox_list ON outbox (state, created_at, id)",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)
