"""Opening a store that is sound but cannot be used right now (read-only, full or failing disk,
key file missing) must say so, and must never call the file damaged: the "damaged" message
tells IT to move the file aside, which is the one thing that can lose a laptop's unsynced checks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from outreach.errors import StorageFullError, StoreError
from outreach.store.database import DB_FILENAME, translate_error
from outreach.store.local_store import LocalStore
from outreach.store.vault_storage import VAULT_FILENAME
from tests.factories import new_store_closed
from tests.store.conftest import person, reopen


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_a_store_whose_working_files_cannot_be_made_is_not_called_damaged(
    store: LocalStore, data_dir: Path
) -> None:
    """SQLite answers SQLITE_CANTOPEN when it cannot make its -wal file (a read-only folder
    does the same); a directory in the way reproduces it even for an administrator."""
    from outreach import services

    services.register_person(store, person(0))
    store.close()
    before = _files(data_dir)
    (data_dir / f"{DB_FILENAME}-wal").mkdir()
    with pytest.raises(StoreError) as caught:
        LocalStore.open(data_dir)
    message = caught.value.message
    assert "damaged" not in message and "move it aside" not in message
    assert "cannot be opened" in message and "IT" in message
    assert _files(data_dir) == before
    (data_dir / f"{DB_FILENAME}-wal").rmdir()
    again = reopen(data_dir)
    try:
        assert again.people.count() == 1
    finally:
        again.close()


def _sqlite_error(message: str, code: int, name: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    error.sqlite_errorname = name  # type: ignore[attr-defined]
    return error


@pytest.mark.parametrize(
    ("code", "name", "message", "expected", "words"),
    [
        # extended result codes: Python passes them on, so only the low byte names the kind
        (4874, "SQLITE_IOERR_SHMSIZE", "disk I/O error", StoreError, "disk"),
        (778, "SQLITE_IOERR_WRITE", "disk I/O error", StoreError, "disk"),
        (1288, "SQLITE_READONLY_DIRECTORY", "attempt to write a readonly database", StoreError, "read-only"),
        (517, "SQLITE_BUSY_SNAPSHOT", "database is locked", StoreError, "busy"),
        (14, "SQLITE_CANTOPEN", "unable to open database file", StoreError, "cannot be opened"),
        (13, "SQLITE_FULL", "database or disk is full", StorageFullError, "no room"),
    ],
)
def test_driver_errors_get_their_own_plain_words(
    code: int, name: str, message: str, expected: type[Exception], words: str
) -> None:
    translated = translate_error(_sqlite_error(message, code, name))
    assert type(translated) is expected
    text = str(translated)
    assert words in text
    assert "could not complete" not in text  # the catch-all that shows SQLite's own words
    assert "damaged" not in text


def test_a_record_pointing_at_nobody_is_refused_in_words(store: LocalStore) -> None:
    from outreach import services

    with pytest.raises(StoreError, match="not in the store") as caught:
        services.record_consent(store, "no-such-person", "gp", True)
    assert "FOREIGN KEY" not in caught.value.message
    assert store.consents.history("no-such-person") == []


def test_a_damaged_file_is_still_called_damaged() -> None:
    translated = translate_error(_sqlite_error("database disk image is malformed", 11, "SQLITE_CORRUPT"))
    assert "damaged" in str(translated)
    translated = translate_error(
        _sqlite_error("database disk image is malformed", 779, "SQLITE_CORRUPT_INDEX")
    )
    assert "damaged" in str(translated)


def test_a_missing_key_file_beside_a_store_is_not_called_a_new_laptop(
    store: LocalStore, data_dir: Path
) -> None:
    """'Set up the app first' beside a store full of checks invites someone to start again."""
    store.close()
    (data_dir / VAULT_FILENAME).unlink()
    with pytest.raises(StoreError) as caught:
        LocalStore.open(data_dir)
    message = caught.value.message
    assert "Set up the app first" not in message
    assert "key file" in message and "backup" in message and "Do not" in message
    assert LocalStore.exists(data_dir)


def test_the_key_file_alone_is_not_a_store(tmp_path: Path) -> None:

    folder = tmp_path / "d"
    new_store_closed(folder)
    (folder / DB_FILENAME).unlink()
    with pytest.raises(StoreError, match="no store"):
        LocalStore.open(folder)


def _first_release_store(folder: Path) -> None:
    """A file exactly as the first release left it (schema 1), with one row to keep."""
    from alembic import command
    from alembic.config import Config

    from outreach.store.database import MIGRATIONS_DIR, Database

    folder.mkdir(mode=0o700)
    old = Database(folder / DB_FILENAME)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with old.engine.connect() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.commit()
        conn.exec_driver_sql("INSERT INTO store_meta (key, value) VALUES ('store_id', 'kept')")
        conn.commit()
    old.close()


def test_no_room_for_the_copy_before_a_migration_changes_nothing(tmp_path: Path) -> None:
    """The copy goes on the same disk as the store, so a store capped at its own size
    (SQLite's max_page_count) has no room for it: the migration must not start, the half
    copy must go, and the message must say what to do."""
    from outreach.store.database import HEAD_SCHEMA_NUMBER, open_database

    folder = tmp_path / "old"
    _first_release_store(folder)
    before = (folder / DB_FILENAME).read_bytes()
    with pytest.raises(StorageFullError) as caught:
        open_database(folder, max_page_count=1)  # below the file's size: no page may be added
    assert "copy" in caught.value.message and "Nothing" in caught.value.message
    assert list(folder.glob("outreach-backup-*")) == []
    assert (folder / DB_FILENAME).read_bytes() == before
    db = open_database(folder)  # with room again, it is copied and upgraded as usual
    try:
        assert db.schema_number() == HEAD_SCHEMA_NUMBER
        with db.read() as conn:
            assert conn.exec_driver_sql("SELECT value FROM store_meta").scalar() == "kept"
    finally:
        db.close()
    assert len(list(folder.glob("outreach-backup-v1-*.db"))) == 1


def test_recovery_in_a_folder_whose_key_file_is_gone_does_not_say_set_up(
    store: LocalStore, data_dir: Path
) -> None:
    from outreach.store.vault import FileVaultStorage, Vault

    store.close()
    (data_dir / VAULT_FILENAME).unlink()
    with pytest.raises(StoreError) as caught:
        Vault.open(FileVaultStorage.in_data_dir(data_dir))  # what `outreach recover` opens
    assert "do not set up again" in caught.value.message and "backup" in caught.value.message
