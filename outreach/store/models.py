"""The tables of the local store, as SQLAlchemy Core tables.

Only what must be queried sits in clear columns: random UUID ids, states, timestamps,
schema and definition versions. Everything that could identify a person or says
anything about their health (names, dates of birth, NHS numbers, answers, findings,
follow-up decisions, free text) lives in `data` blobs encrypted by the vault, with
the table, row id, row `version` and column name as associated data.

The schema itself is created by the Alembic migrations in `migrations/versions`;
these definitions mirror it for queries. Every table of the store is declared on the one
`metadata` here (sync's tables below, the team tables in `team_tables.py`), and a test
checks each against a migrated store, column by column (type, nullability, key).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
)

metadata = MetaData()

store_meta = Table(
    "store_meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

people = Table(
    "people",
    metadata,
    Column("id", Text, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    Column("created_by", Text, nullable=True),
    Column("nhs_index", Text, nullable=True),  # blind index of the NHS number
    Column("match_index", Text, nullable=False),  # blind index of family name + given name + birth date
    Column("data", LargeBinary, nullable=False),
)

venues = Table(
    "venues",
    metadata,
    Column("id", Text, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Text, primary_key=True),
    Column("venue_id", Text, ForeignKey("venues.id"), nullable=False),
    Column("user_id", Text, nullable=True),
    Column("started_at", Text, nullable=False),
    Column("ended_at", Text, nullable=True),
)

checks = Table(
    "checks",
    metadata,
    Column("id", Text, primary_key=True),
    Column("person_id", Text, ForeignKey("people.id"), nullable=False),
    Column("session_id", Text, ForeignKey("sessions.id"), nullable=True),
    Column("amends_id", Text, ForeignKey("checks.id"), nullable=True, unique=True),
    Column("edition", Integer, nullable=False),  # 1 for the first check, 2 for its first amendment ...
    Column("status", Text, nullable=False),  # "draft" | "finalised"
    Column("definition_version", Text, nullable=False),
    Column("version", Integer, nullable=False),  # bumps on every autosave; bound into the blob
    Column("created_at", Text, nullable=False),
    Column("created_by", Text, nullable=True),
    Column("updated_at", Text, nullable=False),
    Column("finalised_at", Text, nullable=True),
    Column("finalised_by", Text, nullable=True),
    Column("data", LargeBinary, nullable=False),
)

check_findings = Table(
    "check_findings",
    metadata,
    Column("id", Text, primary_key=True),
    Column("check_id", Text, ForeignKey("checks.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

follow_ups = Table(
    "follow_ups",
    metadata,
    Column("id", Text, primary_key=True),
    Column("check_id", Text, ForeignKey("checks.id"), nullable=False),
    Column("finding_id", Text, ForeignKey("check_findings.id"), nullable=False),
    Column("person_id", Text, ForeignKey("people.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("state", Text, nullable=False),  # "open" | "closed"
    Column("outcome", Text, nullable=True),  # attended | declined | no_response | closed
    Column("due_on", Text, nullable=True),  # YYYY-MM-DD
    Column("created_at", Text, nullable=False),
    Column("created_by", Text, nullable=True),
    Column("updated_at", Text, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

consents = Table(
    "consents",
    metadata,
    Column("id", Text, primary_key=True),
    Column("person_id", Text, ForeignKey("people.id"), nullable=False),
    Column("check_id", Text, ForeignKey("checks.id"), nullable=True),
    Column("scope", Text, nullable=False),  # check | gp | mental_health_trust | charity
    Column("granted", Integer, nullable=False),
    Column("recorded_at", Text, nullable=False),
    Column("recorded_by", Text, nullable=True),
    Column("version", Integer, nullable=False),
    Column("data", LargeBinary, nullable=True),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Text, primary_key=True),
    Column("check_id", Text, ForeignKey("checks.id"), nullable=False, unique=True),
    Column("kind", Text, nullable=False),
    Column("state", Text, nullable=False),  # queued | sending | sent | failed
    Column("attempts", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    Column("next_attempt_at", Text, nullable=True),
    Column("server_ref", Text, nullable=True),
    Column("last_error", LargeBinary, nullable=True),
)

audit = Table(
    "audit",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("at", Text, nullable=False),
    Column("user_id", Text, nullable=True),
    Column("action", Text, nullable=False),
    Column("table_name", Text, nullable=True),
    Column("record_id", Text, nullable=True),
    Column("prev_hash", Text, nullable=False),
    Column("hash", Text, nullable=False),
)

# -- sync: what it keeps between runs and what it brings down (outreach.store.sync_state) ----------
sync_settings = Table(
    "sync_settings",
    metadata,
    Column("key", Text, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("value", Text, nullable=True),
    Column("data", LargeBinary, nullable=True),
)

sync_holds = Table(
    "sync_holds",
    metadata,
    Column("outbox_id", Text, primary_key=True),
    Column("reason", Text, nullable=False),
    Column("since", Text, nullable=False),
)

sync_server_refs = Table(
    "sync_server_refs",
    metadata,
    Column("ref", Text, primary_key=True),
    Column("check_id", Text, nullable=False),
)

sync_reviews = Table(
    "sync_reviews",
    metadata,
    Column("id", Text, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("check_id", Text, nullable=True),
    Column("status", Text, nullable=False),
    Column("server_version", Text, nullable=True),
    Column("last_updated", Text, nullable=False),
    Column("received_at", Text, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("focus_ref", Text, nullable=True),  # the server's Encounter/<id> the review is about
    Column("focus_check_id", Text, nullable=True),  # or our check id, when it names it
)

sync_entries = Table(
    "sync_entries",
    metadata,
    Column("server", Text, primary_key=True),
    Column("full_url", Text, primary_key=True),
    Column("location", Text, nullable=False),
    Column("outbox_id", Text, nullable=True),
    Column("confirmed_at", Text, nullable=False),
)

sync_updates = Table(
    "sync_updates",
    metadata,
    Column("id", Text, primary_key=True),
    Column("kind", Text, nullable=False),  # "follow-up-outcome"
    Column("record_id", Text, nullable=False),  # the follow-up's id
    Column("check_id", Text, nullable=False),
    Column("state", Text, nullable=False),  # queued | sent | failed
    Column("attempts", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    Column("next_attempt_at", Text, nullable=True),
    Column("last_error", LargeBinary, nullable=True),
)

sync_directory = Table(
    "sync_directory",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("active", Integer, nullable=False),
    Column("last_updated", Text, nullable=False),
    Column("resource", Text, nullable=False),
)
