"""The first schema of the local store.

Revision ID: 0001
Revises:

Triggers do the work that must not depend on the application being right:
a finalised check (and its findings) can never be changed or deleted, consents and
the audit trail are append-only. The repositories check the same rules first so
the worker gets a clear message; the triggers are the backstop.
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA_NUMBER = 1

STATEMENTS = [
    """CREATE TABLE store_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE people (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        created_by TEXT,
        nhs_index TEXT,
        match_index TEXT NOT NULL,
        data BLOB NOT NULL
    )""",
    "CREATE INDEX ix_people_nhs_index ON people (nhs_index)",
    "CREATE INDEX ix_people_match_index ON people (match_index)",
    """CREATE TABLE venues (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        data BLOB NOT NULL
    )""",
    """CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        venue_id TEXT NOT NULL REFERENCES venues (id),
        user_id TEXT,
        started_at TEXT NOT NULL,
        ended_at TEXT
    )""",
    """CREATE TABLE checks (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES people (id),
        session_id TEXT REFERENCES sessions (id),
        amends_id TEXT UNIQUE REFERENCES checks (id),
        edition INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('draft', 'finalised')),
        definition_version TEXT NOT NULL,
        version INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT,
        updated_at TEXT NOT NULL,
        finalised_at TEXT,
        finalised_by TEXT,
        data BLOB NOT NULL
    )""",
    "CREATE INDEX ix_checks_person ON checks (person_id)",
    "CREATE INDEX ix_checks_status ON checks (status)",
    """CREATE TABLE check_findings (
        id TEXT PRIMARY KEY,
        check_id TEXT NOT NULL REFERENCES checks (id),
        position INTEGER NOT NULL,
        version INTEGER NOT NULL,
        data BLOB NOT NULL
    )""",
    "CREATE INDEX ix_findings_check ON check_findings (check_id)",
    """CREATE TABLE follow_ups (
        id TEXT PRIMARY KEY,
        check_id TEXT NOT NULL REFERENCES checks (id),
        finding_id TEXT NOT NULL REFERENCES check_findings (id),
        person_id TEXT NOT NULL REFERENCES people (id),
        version INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
        outcome TEXT CHECK (outcome IS NULL OR outcome IN ('attended', 'declined', 'no_response', 'closed')),
        due_on TEXT,
        created_at TEXT NOT NULL,
        created_by TEXT,
        updated_at TEXT NOT NULL,
        data BLOB NOT NULL
    )""",
    "CREATE INDEX ix_follow_ups_state_due ON follow_ups (state, due_on)",
    "CREATE INDEX ix_follow_ups_person ON follow_ups (person_id)",
    """CREATE TABLE consents (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES people (id),
        check_id TEXT REFERENCES checks (id),
        scope TEXT NOT NULL CHECK (scope IN ('check', 'gp', 'mental_health_trust', 'charity')),
        granted INTEGER NOT NULL,
        recorded_at TEXT NOT NULL,
        recorded_by TEXT,
        version INTEGER NOT NULL,
        data BLOB
    )""",
    "CREATE INDEX ix_consents_person ON consents (person_id, scope, recorded_at)",
    """CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        check_id TEXT NOT NULL UNIQUE REFERENCES checks (id),
        kind TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
        attempts INTEGER NOT NULL,
        version INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        next_attempt_at TEXT,
        server_ref TEXT,
        last_error BLOB
    )""",
    "CREATE INDEX ix_outbox_state ON outbox (state, created_at)",
    """CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        user_id TEXT,
        action TEXT NOT NULL,
        table_name TEXT,
        record_id TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )""",
    # A finalised check is a clinical record: it never changes, it is never deleted.
    """CREATE TRIGGER checks_finalised_no_update BEFORE UPDATE ON checks
        WHEN OLD.status = 'finalised'
        BEGIN SELECT RAISE(ABORT, 'finalised check is immutable'); END""",
    """CREATE TRIGGER checks_finalised_no_delete BEFORE DELETE ON checks
        WHEN OLD.status = 'finalised'
        BEGIN SELECT RAISE(ABORT, 'finalised check is immutable'); END""",
    """CREATE TRIGGER checks_no_insert_finalised BEFORE INSERT ON checks
        WHEN NEW.status = 'finalised'
        BEGIN SELECT RAISE(ABORT, 'a check must be finalised from a draft'); END""",
    # Findings belong to the check: written while it is a draft, frozen with it.
    """CREATE TRIGGER findings_frozen_insert BEFORE INSERT ON check_findings
        WHEN (SELECT status FROM checks WHERE id = NEW.check_id) = 'finalised'
        BEGIN SELECT RAISE(ABORT, 'finalised check is immutable'); END""",
    """CREATE TRIGGER findings_frozen_update BEFORE UPDATE ON check_findings
        WHEN (SELECT status FROM checks WHERE id = OLD.check_id) = 'finalised'
        BEGIN SELECT RAISE(ABORT, 'finalised check is immutable'); END""",
    """CREATE TRIGGER findings_frozen_delete BEFORE DELETE ON check_findings
        WHEN (SELECT status FROM checks WHERE id = OLD.check_id) = 'finalised'
        BEGIN SELECT RAISE(ABORT, 'finalised check is immutable'); END""",
    # Consent is a record of what the person said at a time: corrections are new rows.
    """CREATE TRIGGER consents_append_only_update BEFORE UPDATE ON consents
        BEGIN SELECT RAISE(ABORT, 'consent records are append-only'); END""",
    """CREATE TRIGGER consents_append_only_delete BEFORE DELETE ON consents
        BEGIN SELECT RAISE(ABORT, 'consent records are append-only'); END""",
    # The audit trail is append-only; its hash chain shows any change made behind SQLite's back.
    """CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
    """CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)
    op.execute(f"PRAGMA user_version = {SCHEMA_NUMBER}")
