"""Tables and engine set-up for the shared-record server.

Times are stored as integer microseconds since the Unix epoch: exact, sortable and the same
on SQLite and PostgreSQL, which keeps `_lastUpdated` paging stable on both.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Engine,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import make_url

# 2: devices have a role, and the access table says which records each device may read.
SCHEMA_VERSION = 2

metadata = MetaData()

# The current version of every resource.
resources = Table(
    "resources",
    metadata,
    Column("res_type", String(64), nullable=False),
    Column("res_id", String(64), nullable=False),
    Column("version_id", Integer, nullable=False),
    Column("last_updated", BigInteger, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("body", Text, nullable=False),
    PrimaryKeyConstraint("res_type", "res_id"),
    # Searches and paging run in (last_updated, res_id) order within a type.
    Index("ix_resources_type_updated", "res_type", "last_updated", "res_id"),
)

# Every version ever stored, for vread and audit (which device wrote it).
history = Table(
    "history",
    metadata,
    Column("res_type", String(64), nullable=False),
    Column("res_id", String(64), nullable=False),
    Column("version_id", Integer, nullable=False),
    Column("last_updated", BigInteger, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("device", String(200), nullable=True),
    Column("body", Text, nullable=False),
    PrimaryKeyConstraint("res_type", "res_id", "version_id"),
)

# Business identifiers. The UNIQUE constraint is what makes conditional create safe even if
# two writers ever raced past the clock lock: the second insert fails instead of duplicating.
identifiers = Table(
    "identifiers",
    metadata,
    Column("res_type", String(64), nullable=False),
    Column("system", String(500), nullable=False),
    Column("value", String(500), nullable=False),
    Column("res_id", String(64), nullable=False),
    UniqueConstraint("res_type", "system", "value", name="uq_identifiers_type_system_value"),
    Index("ix_identifiers_owner", "res_type", "res_id"),
)

# Search index of current versions: tokens as (system, value), references as (Type, id).
search_index = Table(
    "search_index",
    metadata,
    Column("res_type", String(64), nullable=False),
    Column("res_id", String(64), nullable=False),
    Column("param", String(64), nullable=False),
    Column("system", String(500), nullable=False),
    Column("value", String(500), nullable=False),
    Index("ix_search_lookup", "res_type", "param", "value"),
    Index("ix_search_owner", "res_type", "res_id"),
)

# Enrolled devices. Only a SHA-256 of the bearer token is kept. `role` is "worker" (a laptop
# that records checks) or "supervisor" (reads the team's checks, writes reviews): access.py.
devices = Table(
    "devices",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("created", BigInteger, nullable=False),
    Column("revoked_at", BigInteger, nullable=True),
    Column("role", String(20), nullable=False, server_default="worker"),
)

# Which records each worker device may read: one row per (device, resource), written in the
# same transaction as the write that earns it (what the device wrote, what its conditional
# creates matched, reviews of its checks). Searches join it on the primary key, so filtering a
# worker's search costs one index probe per candidate row whatever the size of the record.
access = Table(
    "access",
    metadata,
    Column("device", String(200), nullable=False),
    Column("res_type", String(64), nullable=False),
    Column("res_id", String(64), nullable=False),
    PrimaryKeyConstraint("device", "res_type", "res_id"),
    # Who may read one resource (reviews reach the devices that hold the reviewed Encounter).
    Index("ix_access_resource", "res_type", "res_id"),
)

# One row. Every write transaction locks it first, which serialises writers (so commit
# order equals timestamp order) and keeps lastUpdated strictly increasing.
server_clock = Table(
    "server_clock",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("last_us", BigInteger, nullable=False),
)

server_meta = Table(
    "server_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)


def normalise_url(db: str) -> str:
    """Accept a SQLAlchemy URL, or a plain file path meaning a SQLite database."""
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def owner_only_sqlite(path: Path) -> None:
    """Make the SQLite file (and its WAL and shared-memory files, if there) readable by the
    server's own user only, creating the database file that way if it is new.

    The database holds every patient's record in clear JSON and the device token hashes.
    SQLite gives the -wal and -shm files it creates the database file's permissions, so
    creating the database owner-only keeps them owner-only too.
    """
    if not path.parent.is_dir():
        return  # SQLite will say the folder is missing, as before
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    for f in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if f.stat().st_mode & 0o077:
                os.chmod(f, 0o600)
        except FileNotFoundError:
            pass


def make_engine(db: str) -> Engine:
    """An engine for `db`; SQLite gets WAL, a busy timeout, full fsync on commit and
    owner-only files."""
    url = make_url(normalise_url(db))
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ValueError("Use a SQLite file (sqlite:///path/to/file.db), not an in-memory database.")
        if os.name == "posix":
            owner_only_sqlite(Path(url.database))
        # hide_parameters: a database error's message must never quote the values (NHS numbers).
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    if url.get_backend_name() == "postgresql":
        return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True, hide_parameters=True)
    raise ValueError(
        f"Unsupported database '{url.get_backend_name()}': use sqlite:/// or postgresql+psycopg://"
    )
