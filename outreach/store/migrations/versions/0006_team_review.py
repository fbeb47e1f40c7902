"""The supervisor's side: the team's checks pulled from the shared record, and review decisions.

Revision ID: 0006
Revises: 0005

A supervisor's laptop pulls the team's checks resource type by resource type, keeps what it
cannot assemble yet (sealed), assembles a check once its Provenance and every part it names
are here, and keeps one queue row per chain of versions. The queue's filters and order read
indexed clear columns (worker, venue, visit date, urgent, state, when it arrived: none of them
about the person checked); names, NHS numbers, answers, findings, follow-up decisions and the
supervisor's comments are sealed in `data`. Decisions wait in their own outbox state until the
shared record confirms them. Additive only: a worker's laptop gets empty tables.
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

STATEMENTS = [
    """CREATE TABLE IF NOT EXISTS team_resources (
        res_type TEXT NOT NULL,
        res_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        last_updated TEXT NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (res_type, res_id)
    )""",
    """CREATE TABLE IF NOT EXISTS team_pending (
        provenance_ref TEXT PRIMARY KEY,
        encounter_ref TEXT NOT NULL,
        targets TEXT NOT NULL,
        last_updated TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS ix_team_pending_encounter ON team_pending (encounter_ref)",
    """CREATE TABLE IF NOT EXISTS team_checks (
        id TEXT PRIMARY KEY,
        chain_id TEXT NOT NULL,
        edition INTEGER NOT NULL,
        encounter_ref TEXT NOT NULL UNIQUE,
        received_at TEXT NOT NULL,
        version INTEGER NOT NULL,
        data BLOB NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS ix_team_checks_chain ON team_checks (chain_id, edition)",
    """CREATE TABLE IF NOT EXISTS team_chains (
        chain_id TEXT PRIMARY KEY,
        check_id TEXT NOT NULL,
        edition INTEGER NOT NULL,
        worker TEXT NOT NULL,
        venue TEXT NOT NULL,
        visit_date TEXT NOT NULL,
        urgent INTEGER NOT NULL,
        findings INTEGER NOT NULL,
        state TEXT NOT NULL,
        received_at TEXT NOT NULL,
        version INTEGER NOT NULL,
        data BLOB NOT NULL
    )""",
    # The queue's order exactly (urgent first, then the oldest visit), so any page is a walk along
    # the index; and the same order within each review state, the filter used most.
    (
        "CREATE INDEX IF NOT EXISTS ix_team_chains_order "
        "ON team_chains (urgent DESC, visit_date, received_at, chain_id)"
    ),
    (
        "CREATE INDEX IF NOT EXISTS ix_team_chains_state_order "
        "ON team_chains (state, urgent DESC, visit_date, received_at, chain_id)"
    ),
    "CREATE INDEX IF NOT EXISTS ix_team_chains_worker ON team_chains (worker)",
    "CREATE INDEX IF NOT EXISTS ix_team_chains_venue ON team_chains (venue)",
    """CREATE TABLE IF NOT EXISTS team_follow_ups (
        task_ref TEXT PRIMARY KEY,
        follow_up_id TEXT NOT NULL,
        check_id TEXT NOT NULL,
        chain_id TEXT NOT NULL,
        state TEXT NOT NULL,
        opened_on TEXT NOT NULL,
        due_on TEXT,
        closed_on TEXT,
        last_updated TEXT NOT NULL,
        version INTEGER NOT NULL,
        data BLOB NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS ix_team_follow_ups_check ON team_follow_ups (check_id)",
    "CREATE INDEX IF NOT EXISTS ix_team_follow_ups_chain ON team_follow_ups (chain_id)",
    """CREATE TABLE IF NOT EXISTS team_decisions (
        id TEXT PRIMARY KEY,
        chain_id TEXT NOT NULL,
        check_id TEXT NOT NULL,
        approved INTEGER NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        next_attempt_at TEXT,
        server_ref TEXT,
        version INTEGER NOT NULL,
        data BLOB NOT NULL,
        last_error BLOB
    )""",
    """CREATE TABLE IF NOT EXISTS team_cache (
        key TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        data BLOB NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS ix_team_decisions_chain ON team_decisions (chain_id, created_at)",
    "CREATE INDEX IF NOT EXISTS ix_team_decisions_state ON team_decisions (state, created_at)",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)
