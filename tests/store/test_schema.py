"""One schema: every table the code declares is the table the migrations make, column by column.

The migrations (raw SQL, in outreach/store/migrations/versions) make the schema; the Table objects
on the one MetaData (outreach.store.models.metadata, with sync's tables and the team tables) are
what the queries use. A column changed in one place only (its type, whether it may be empty, the
key) or a table in one place only is reported here, before a query meets it on a laptop.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine, MetaData, inspect

import outreach.store
from outreach.store import models
from outreach.store.database import Database, create_database, open_database

# Alembic's own bookkeeping, not a table of the store.
NOT_DECLARED = {"alembic_version"}


def declared_metadata() -> MetaData:
    """The store's one MetaData with every table on it: each store module is imported, so a table
    declared in a module of its own (team_tables.py, or any later one) is covered without a list."""
    for info in pkgutil.iter_modules(outreach.store.__path__, "outreach.store."):
        if not info.name.endswith(".migrations"):
            importlib.import_module(info.name)
    return models.metadata


def schema_drift(engine: Engine, metadata: MetaData) -> list[str]:
    """Every difference between the declared tables and the database's, in words."""
    inspector = inspect(engine)
    dialect = engine.dialect
    on_disk = set(inspector.get_table_names()) - NOT_DECLARED
    declared = {table.name: table for table in metadata.sorted_tables}
    problems = [
        f"{name}: made by the migrations but declared nowhere" for name in sorted(on_disk - set(declared))
    ]
    problems += [f"{name}: declared but no migration makes it" for name in sorted(declared.keys() - on_disk)]
    for name in sorted(on_disk & declared.keys()):
        table = declared[name]
        disk = {column["name"]: column for column in inspector.get_columns(name)}
        for column in table.columns:
            found = disk.get(column.name)
            if found is None:
                problems.append(f"{name}.{column.name}: declared but not in the database")
                continue
            declared_type = column.type.compile(dialect=dialect)
            disk_type = found["type"].compile(dialect=dialect)
            if declared_type != disk_type:
                problems.append(
                    f"{name}.{column.name}: declared {declared_type}, the database has {disk_type}"
                )
            # SQLite lets a key column hold NULL unless NOT NULL is said, so keys are compared as keys.
            if not column.primary_key and bool(column.nullable) != bool(found["nullable"]):
                problems.append(
                    f"{name}.{column.name}: declared {'nullable' if column.nullable else 'NOT NULL'}, "
                    f"the database has {'nullable' if found['nullable'] else 'NOT NULL'}"
                )
        for extra in sorted(set(disk) - {column.name for column in table.columns}):
            problems.append(f"{name}.{extra}: in the database but not declared")
        disk_key = set(inspector.get_pk_constraint(name)["constrained_columns"])
        declared_key = {column.name for column in table.primary_key.columns}
        if disk_key != declared_key:
            problems.append(
                f"{name}: key declared {sorted(declared_key)}, the database has {sorted(disk_key)}"
            )
    return problems


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder: Path = tmp_path_factory.mktemp("schema") / "store"
    create_database(folder)
    db = open_database(folder)
    try:
        yield db
    finally:
        db.close()


def test_every_declared_table_matches_the_migrated_store(migrated: Database) -> None:
    metadata = declared_metadata()
    assert {"people", "checks", "outbox", "sync_reviews", "sync_updates"} <= set(metadata.tables)
    assert schema_drift(migrated.engine, metadata) == []


def _copy_with(change: str) -> MetaData:
    """A copy of the declared tables with one thing changed in the declaration only."""
    copy = MetaData()
    for table in declared_metadata().sorted_tables:
        table.to_metadata(copy)
    checks = copy.tables["checks"]
    if change == "type":
        checks.c.version.type = sa.Text()
    elif change == "nullability":
        copy.tables["sync_updates"].c.next_attempt_at.nullable = False
    elif change == "new column":
        checks.append_column(sa.Column("reviewed_by", sa.Text, nullable=True))
    elif change == "new table":
        sa.Table("sync_notes", copy, sa.Column("id", sa.Text, primary_key=True))
    return copy


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("type", "checks.version: declared TEXT, the database has INTEGER"),
        ("nullability", "sync_updates.next_attempt_at: declared NOT NULL, the database has nullable"),
        ("new column", "checks.reviewed_by: declared but not in the database"),
        ("new table", "sync_notes: declared but no migration makes it"),
    ],
)
def test_a_change_made_in_one_place_only_is_reported(migrated: Database, change: str, words: str) -> None:
    """Guard against a drift test that cannot fail."""
    assert words in schema_drift(migrated.engine, _copy_with(change))


def test_a_table_made_in_the_database_only_is_reported(migrated: Database) -> None:
    with migrated.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE scratch (id TEXT PRIMARY KEY)")
    try:
        assert "scratch: made by the migrations but declared nowhere" in schema_drift(
            migrated.engine, declared_metadata()
        )
    finally:
        with migrated.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE scratch")
