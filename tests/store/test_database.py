"""Opening and creating the store file: durability settings, permissions, damaged and newer files."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from outreach.errors import SchemaTooNewError, StoreError
from outreach.store.database import (
    DB_FILENAME,
    HEAD_SCHEMA_NUMBER,
    create_database,
    database_path,
    open_database,
)
from outreach.store.local_store import LocalStore
from tests.store.conftest import ADMIN, PASSPHRASE, person, reopen


def test_new_store_folder_is_0700_and_every_file_0600(store: LocalStore, data_dir: Path) -> None:
    store.people.add(person(1))  # forces the WAL and shared-memory files into existence
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    names = sorted(p.name for p in data_dir.iterdir())
    assert DB_FILENAME in names and f"{DB_FILENAME}-wal" in names
    for path in data_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_connection_is_wal_full_sync_with_foreign_keys(store: LocalStore) -> None:
    with store.db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
        assert conn.exec_driver_sql("PRAGMA temp_store").scalar() == 2  # MEMORY: no temp files


def test_a_new_store_is_at_the_newest_schema(store: LocalStore) -> None:
    """(Each table against the migrations, column by column: tests/store/test_schema.py.)"""
    assert store.db.schema_number() == HEAD_SCHEMA_NUMBER


def test_creating_over_an_existing_store_is_refused(store: LocalStore, data_dir: Path) -> None:
    with pytest.raises(StoreError, match="already a store"):
        LocalStore.create(data_dir, admin_name="Other", admin_passphrase=PASSPHRASE)


def test_opening_a_folder_without_a_store_says_to_run_init(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="outreach init"):
        LocalStore.open(tmp_path / "nothing")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        ("truncate", "truncated"),
        ("garbage", "not an Outreach store"),
        ("empty", "empty"),
        ("zero_header", "not an Outreach store"),
    ],
)
def test_damaged_database_file_is_reported_and_never_written(
    store: LocalStore, data_dir: Path, damage: str, words: str
) -> None:
    for n in range(30):
        store.people.add(person(n))
    store.close()  # checkpoints the WAL into the main file
    path = database_path(data_dir)
    raw = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(raw[: len(raw) // 2 + 100])
    elif damage == "garbage":
        path.write_bytes(os.urandom(len(raw)))
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(b"\x00" * 100 + raw[100:])
    before = _snapshot(data_dir)
    with pytest.raises(StoreError) as caught:
        LocalStore.open(data_dir)
    message = caught.value.message
    assert words in message
    assert "left exactly as it is" in message and "IT" in message
    assert _snapshot(data_dir) == before  # not a byte changed, no file added


def test_schema_from_a_newer_app_is_refused_untouched(store: LocalStore, data_dir: Path) -> None:
    store.close()
    path = database_path(data_dir)
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {HEAD_SCHEMA_NUMBER + 1}")
    raw.close()
    before = _snapshot(data_dir)
    with pytest.raises(SchemaTooNewError, match="Update the app"):
        LocalStore.open(data_dir)
    assert _snapshot(data_dir) == before


def test_unknown_migration_revision_counts_as_newer(store: LocalStore, data_dir: Path) -> None:
    store.close()
    with sqlite3.connect(database_path(data_dir)) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999'")
    raw.close()
    with pytest.raises(SchemaTooNewError):
        LocalStore.open(data_dir)


def test_an_older_schema_is_backed_up_then_migrated(tmp_path: Path) -> None:
    """A blank (schema 0) database stands in for a file written by an older release."""
    folder = tmp_path / "old"
    folder.mkdir(mode=0o700)
    path = folder / DB_FILENAME
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    raw.commit()
    raw.close()
    db = open_database(folder)
    try:
        assert db.schema_number() == HEAD_SCHEMA_NUMBER
    finally:
        db.close()
    backups = list(folder.glob("outreach-backup-v0-*.db"))
    assert len(backups) == 1
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    # the backup is the old file, still at schema 0
    with sqlite3.connect(backups[0]) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 0


def test_half_created_store_is_rebuilt_not_reported_as_damage(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / f"{DB_FILENAME}.new").write_bytes(b"partial")
    create_database(folder)
    assert not (folder / f"{DB_FILENAME}.new").exists()
    open_database(folder).close()


def test_unlock_checks_key_file_belongs_to_this_database(tmp_path: Path) -> None:
    from outreach.store.crypto import TEST_KDF
    from outreach.store.vault_storage import VAULT_FILENAME

    a = LocalStore.create(tmp_path / "a", admin_name=ADMIN, admin_passphrase=PASSPHRASE, kdf=TEST_KDF)
    b = LocalStore.create(tmp_path / "b", admin_name=ADMIN, admin_passphrase=PASSPHRASE, kdf=TEST_KDF)
    a.close()
    b.close()
    (tmp_path / "a" / VAULT_FILENAME).write_bytes((tmp_path / "b" / VAULT_FILENAME).read_bytes())
    with pytest.raises(StoreError, match="does not belong"):
        reopen(tmp_path / "a")


def test_a_refused_set_up_leaves_nothing_behind(tmp_path: Path) -> None:
    from outreach.errors import ValidationError

    folder = tmp_path / "d"
    with pytest.raises(ValidationError):
        LocalStore.create(folder, admin_name=ADMIN, admin_passphrase="short")
    with pytest.raises(ValidationError):
        LocalStore.create(folder, admin_name="   ", admin_passphrase=PASSPHRASE)
    assert not LocalStore.exists(folder)
    from outreach.store.crypto import TEST_KDF

    LocalStore.create(folder, admin_name=ADMIN, admin_passphrase=PASSPHRASE, kdf=TEST_KDF).close()


def test_a_store_from_the_previous_release_is_backed_up_and_upgraded(tmp_path: Path) -> None:
    """Build a file exactly as the first release left it (schema 1), then open it with this code."""
    from alembic import command
    from alembic.config import Config

    from outreach.store.database import MIGRATIONS_DIR, Database

    folder = tmp_path / "old"
    folder.mkdir(mode=0o700)
    path = folder / DB_FILENAME
    old = Database(path)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with old.engine.connect() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.commit()
        conn.exec_driver_sql(
            "INSERT INTO store_meta (key, value) VALUES ('store_id', 'kept-across-the-upgrade')"
        )
        conn.commit()
    old.close()
    assert HEAD_SCHEMA_NUMBER >= 2

    db = open_database(folder)
    try:
        assert db.schema_number() == HEAD_SCHEMA_NUMBER
        with db.read() as conn:
            assert conn.exec_driver_sql("SELECT value FROM store_meta").scalar() == "kept-across-the-upgrade"
            tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "sync_settings" in tables  # a table the second step adds
    finally:
        db.close()
    (backup,) = folder.glob("outreach-backup-v1-*.db")
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    open_database(folder).close()  # up to date now: no second backup
    assert len(list(folder.glob("outreach-backup-*.db"))) == 1
