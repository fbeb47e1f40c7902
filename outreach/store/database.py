"""Opening, creating and migrating the SQLite file that holds the encrypted records.

Durability and safety come first:

* WAL journal with ``synchronous=FULL``: a transaction that has returned from commit
  survives a kill -9 or a power cut.
* Every write transaction is ``BEGIN IMMEDIATE``, so two writers never interleave and a
  read-modify-write (the audit chain, autosave versions) is never based on stale data.
* A file that is not a healthy SQLite database is never written to: it is reported
  and left exactly as it was, so IT can still rescue it.
* A new store is built under a temporary name and renamed into place only when its
  schema is complete, so a half-created store can never be mistaken for a damaged one.
* Before any migration the file is copied to a timestamped backup (as Vorta does),
  and a schema newer than this code is refused rather than guessed at.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.pool import QueuePool

from outreach.durable_files import fsync_folder
from outreach.errors import SchemaTooNewError, StorageFullError, StoreError
from outreach.settings import ensure_private_dir
from outreach.store.files import DB_FILENAME

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _revisions() -> list[str]:
    """Revision ids of the migration steps shipped with this code ("0001", "0002", ...), in order."""
    return sorted(
        p.name.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")
    )


# The newest step decides the schema number (PRAGMA user_version) this code writes and expects,
# so adding a migration file is all it takes; a store with a higher number is from a newer app.
HEAD_REVISION = _revisions()[-1]
HEAD_SCHEMA_NUMBER = int(HEAD_REVISION)
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000

_SQLITE_FULL = 13
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
_SQLITE_IOERR = 10
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_CANTOPEN = 14


def utc_now() -> str:
    """Timestamps are stored as sortable ISO-8601 UTC text."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Files created inside are readable by the owner only (0600), folders 0700."""
    if os.name != "posix":  # pragma: no cover - Windows uses the profile folder's ACL
        yield
        return
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def _damaged_message(path: Path, what: str) -> str:
    return (
        f"The store file {path.name} {what}, so it cannot be opened. It has been left exactly as it is. "
        "Do not delete it: ask IT to restore it from a backup (or move it aside to start an empty store); "
        "checks already synced are safe in the shared record."
    )


def check_database_file(path: Path) -> None:
    """Refuse a file that is not a complete SQLite database, without writing to it.

    Reads the 100-byte header only: the magic string, the page size, and the
    database size recorded in the header (when the header says it is valid).
    """
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise StoreError(f"The store file {path.name} cannot be read ({exc.strerror}).") from None
    if size == 0:
        raise StoreError(_damaged_message(path, "is empty"))
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise StoreError(
            _damaged_message(path, "is not an Outreach store (it is damaged or another kind of file)")
        )
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise StoreError(_damaged_message(path, "has a damaged header"))
    wal = path.with_name(path.name + "-wal")
    wal_has_frames = wal.exists() and wal.stat().st_size > 32
    if size % page_size and not wal_has_frames:
        raise StoreError(_damaged_message(path, "is cut short (truncated)"))
    pages = int.from_bytes(header[28:32], "big")
    header_valid = header[24:28] == header[92:96] and pages > 0
    if header_valid and size < pages * page_size and not wal_has_frames:
        raise StoreError(_damaged_message(path, "is cut short (truncated)"))


def translate_error(exc: BaseException) -> BaseException:
    """Turn a driver error into the product's own error, in words for a worker."""
    orig = getattr(exc, "orig", exc)
    extended = getattr(orig, "sqlite_errorcode", None)
    # Python passes SQLite's extended result codes (SQLITE_IOERR_SHMSIZE is 4874); the low
    # byte is the primary code that says what kind of failure it is.
    code = extended & 0xFF if isinstance(extended, int) else None
    message = str(orig)
    if code == _SQLITE_FULL or "database or disk is full" in message:
        return StorageFullError(
            "There is no room left to save this on the laptop. Everything saved before is safe. "
            "Free some disk space (or ask IT), then save again."
        )
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB) or "malformed" in message:
        return StoreError(
            "The store file is damaged and cannot be written. Nothing more will be written to it. "
            "Ask IT to check it and restore it from a backup."
        )
    if "immutable" in message or "append-only" in message or "must be finalised" in message:
        return StoreError(f"This record cannot be changed: {message}.")
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED) or "database is locked" in message:
        return StoreError(
            "The store is busy: another copy of the app (or a command) is using it. "
            "Close the other one and try again; nothing was lost."
        )
    if code == _SQLITE_READONLY or "readonly" in message:
        return StoreError(
            "The store cannot be written: its folder or file is read-only. "
            "Ask IT to check the data folder's permissions."
        )
    if "FOREIGN KEY constraint failed" in message:
        return StoreError(
            "This refers to a person, check or session that is not in the store (the screen may be out "
            "of date). Nothing was saved: reopen it and try again."
        )
    if code == _SQLITE_CANTOPEN or "unable to open database file" in message:
        return StoreError(
            "The store cannot be opened: its folder is read-only, or the files it needs beside it "
            "cannot be made. Nothing in it was changed. Ask IT to check the data folder."
        )
    if code == _SQLITE_IOERR or "disk I/O error" in message:
        return StoreError(
            "The laptop could not read or write the store on its disk (is the disk full, or failing?). "
            "Nothing already saved was lost: free some space or ask IT, then try again."
        )
    return StoreError(f"The store could not complete this ({message}).")


class Database:
    """One SQLite file, with write transactions that may be nested per thread.

    `write()` inside `write()` on the same thread joins the outer transaction, so a
    batch (demo data, an import) commits once per batch while each use case still
    reads as one atomic unit.
    """

    def __init__(self, path: Path, *, max_page_count: int | None = None) -> None:
        self.path = path
        self._local = threading.local()
        # A cap on the file (and its copies) that stands in for a full disk in tests.
        self.max_page_count = max_page_count
        self.engine = _make_engine(path, max_page_count=max_page_count)
        self.damaged = False  # set when SQLite reports the file damaged: from then on nothing is written

    def _translate(self, exc: sa_exc.DBAPIError) -> BaseException:
        error = translate_error(exc)
        code = getattr(getattr(exc, "orig", None), "sqlite_errorcode", None)
        code = code & 0xFF if isinstance(code, int) else None
        if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB) or "malformed" in str(exc):
            self.damaged = True
        return error

    # -- transactions -------------------------------------------------------------
    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        current: Connection | None = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        if self.damaged:
            raise StoreError(
                "The store file is damaged, so nothing more will be written to it. "
                "Close the app and ask IT to restore it from a backup; what was saved is still in the file."
            )
        try:
            conn = self.engine.connect()
        except sa_exc.DBAPIError as exc:
            raise self._translate(exc) from None
        self._local.conn = conn
        self._local.after_commit = []
        try:
            conn.begin()
            yield conn
            conn.commit()
        except sa_exc.DBAPIError as exc:
            _rollback_quietly(conn)
            raise self._translate(exc) from None
        except BaseException:
            _rollback_quietly(conn)
            raise
        finally:
            callbacks = self._local.after_commit
            self._local.conn = None
            self._local.after_commit = []
            conn.close()
        for callback in callbacks:  # only reached when the commit succeeded
            callback()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the current write transaction has committed (dropped on rollback).

        In-memory state (the search index) follows the file only for changes that really landed.
        """
        if getattr(self._local, "conn", None) is None:
            callback()
        else:
            self._local.after_commit.append(callback)

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        current: Connection | None = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        try:
            with self.engine.connect().execution_options(outreach_read=True) as conn, conn.begin():
                yield conn
        except sa_exc.DBAPIError as exc:
            raise self._translate(exc) from None

    # -- maintenance ----------------------------------------------------------------
    def integrity_check(self) -> list[str]:
        """SQLite's own full check; ``["ok"]`` when the file is sound."""
        with self.read() as conn:
            return [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]

    def schema_number(self) -> int:
        with self.read() as conn:
            return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())

    def close(self) -> None:
        self.engine.dispose()


def _rollback_quietly(conn: Connection) -> None:
    try:
        conn.rollback()
    except sa_exc.DBAPIError:  # pragma: no cover - the connection is already gone
        pass


def _make_engine(path: Path, *, max_page_count: int | None) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        poolclass=QueuePool,
        pool_size=2,
        max_overflow=4,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (pysqlite's own handling is unreliable)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA temp_store=MEMORY")  # no temporary files in the temp folder
        if max_page_count is not None:
            cur.execute(f"PRAGMA max_page_count={int(max_page_count)}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("outreach_read"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


# -- opening and creating ------------------------------------------------------------


def database_path(data_dir: Path) -> Path:
    return Path(data_dir) / DB_FILENAME


def create_database(data_dir: Path) -> Path:
    """Create a new, fully migrated store file; refuse if one is already there.

    A folder that cannot be made or written (a file in the way, read-only, full) gives a
    StoreError (StorageFullError when full) naming the folder; a half-built file left by
    such a failure is cleared by the next attempt.
    """
    data_dir = Path(data_dir)
    try:
        return _create_database(data_dir)
    except OSError as exc:
        raise folder_error(data_dir, exc) from None


def folder_error(data_dir: Path, exc: OSError) -> StoreError:
    """The words for a data folder the system will not let us make or write."""
    if exc.errno == errno.ENOSPC:
        return StorageFullError(
            f"There is no room on the disk to set up the store in {data_dir}. Nothing was set up. "
            "Free some disk space (or ask IT), then try again."
        )
    if exc.errno in (errno.EEXIST, errno.ENOTDIR):
        return StoreError(
            f"The data folder {data_dir} cannot be made: a file is in the way (the path names a file, "
            "not a folder). Nothing was changed. Choose another folder with --data-dir."
        )
    return StoreError(
        f"The data folder {data_dir} cannot be made or written ({exc.strerror or 'refused'}). "
        "Nothing was set up. Ask IT to check the folder and its permissions."
    )


def _create_database(data_dir: Path) -> Path:
    with private_umask():
        ensure_private_dir(data_dir)
        final = database_path(data_dir)
        if final.exists():
            raise StoreError(
                f"There is already a store in {data_dir}. Use it, or choose another folder with --data-dir."
            )
        building = final.with_name(final.name + ".new")
        for leftover in (
            building,
            building.with_name(building.name + "-wal"),
            building.with_name(building.name + "-shm"),
        ):
            if leftover.exists():
                leftover.unlink()  # an earlier creation stopped half-way; it never held records
        fd = os.open(building, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        db = Database(building)
        try:
            run_migrations(db)
        finally:
            db.close()  # closing the last connection checkpoints and removes the WAL
        os.replace(building, final)
        fsync_folder(data_dir)
    return final


def open_database(data_dir: Path, *, max_page_count: int | None = None, migrate: bool = True) -> Database:
    """Open an existing store, migrating it (after a backup) if it is older than this code."""
    path = database_path(Path(data_dir))
    if not path.exists():
        raise StoreError(
            f"There is no store in {Path(data_dir)}. Set one up first with 'outreach init', "
            "or point --data-dir at the right folder."
        )
    check_database_file(path)
    with private_umask():
        db = Database(path, max_page_count=max_page_count)
        try:
            number = _read_schema_number(db, path)
            if number > HEAD_SCHEMA_NUMBER:
                raise SchemaTooNewError(
                    "This store was written by a newer version of Outreach Health Checks. "
                    "Update the app on this laptop (ask IT); nothing in the store has been changed."
                )
            if number < HEAD_SCHEMA_NUMBER:
                if not migrate:
                    raise StoreError("This store needs updating before it can be used.")
                backup_database(db, tag=f"v{number}")
                run_migrations(db)
        except BaseException:
            db.close()
            raise
    return db


def _read_schema_number(db: Database, path: Path) -> int:
    try:
        with db.read() as conn:
            number = int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())
            tables = {
                row[0] for row in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")
            }
            revision = None
            if "alembic_version" in tables:
                revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except StoreError:
        # Only real damage is called damaged: a read-only folder, a full disk or a busy file
        # keep their own message, because "damaged" tells IT to move the file aside.
        if db.damaged:
            raise StoreError(_damaged_message(path, "is damaged")) from None
        raise
    except UnicodeDecodeError:
        # A damaged schema table (sqlite_master) makes SQLite report an error whose text is not
        # valid UTF-8, so the driver fails to decode it instead of raising its own error.
        db.damaged = True
        raise StoreError(_damaged_message(path, "is damaged (its table of tables cannot be read)")) from None
    if revision is not None and not _known_revision(revision):
        raise SchemaTooNewError(
            "This store was written by a newer version of Outreach Health Checks. "
            "Update the app on this laptop (ask IT); nothing in the store has been changed."
        )
    if number == 0 and "people" not in tables and tables - {"alembic_version"}:
        raise StoreError(_damaged_message(path, "is not an Outreach store"))
    return number


def _known_revision(revision: str) -> bool:
    return revision in _revisions()


def backup_database(db: Database, *, tag: str) -> Path:
    """Copy the store (including what is still in the WAL) to a timestamped 0600 file beside it.

    The copy is made durable (its folder synced) before anything is changed. If it cannot be
    made (no room, a read-only folder), the half copy is removed and a plain error is raised,
    so the caller changes nothing: a migration never runs without its backup.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = db.path.with_name(f"{db.path.stem}-backup-{tag}-{stamp}.db")
    created = False
    try:
        with private_umask():
            fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            created = True
            os.close(fd)
            source = sqlite3.connect(db.path)
            dest = sqlite3.connect(target)
            try:
                if db.max_page_count is not None:  # the copy shares the (simulated) disk
                    dest.execute(f"PRAGMA max_page_count={int(db.max_page_count)}")
                source.backup(dest)
            finally:
                dest.close()
                source.close()
        fsync_folder(target.parent)
    except (OSError, sqlite3.Error) as exc:
        if created:
            target.unlink(missing_ok=True)
        full = getattr(exc, "errno", None) == errno.ENOSPC or isinstance(
            translate_error(exc), StorageFullError
        )
        if full:
            raise StorageFullError(
                "The store needs updating, and a copy of it is made first, but there is no room on the "
                "disk for the copy. Nothing was changed. "
                "Free some disk space (or ask IT), then open it again."
            ) from None
        raise StoreError(
            "The store needs updating, and a copy of it is made first, but the copy could not be written "
            f"({getattr(exc, 'strerror', None) or exc}). "
            "Nothing was changed. Ask IT to check the data folder."
        ) from None
    return target


def run_migrations(db: Database) -> None:
    """Run the Alembic steps up to head on this file (one transaction each), then record the
    schema number. The number is written only once the last step has committed, so a store
    interrupted half-way is simply migrated again from where Alembic stopped."""
    from alembic import command  # imported here: opening an up-to-date store never loads Alembic
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with db.engine.connect() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            conn.commit()
            revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            if revision != HEAD_REVISION:  # pragma: no cover - Alembic raises first
                raise StoreError("The store could not be brought up to date. Ask IT; nothing was lost.")
            conn.exec_driver_sql(f"PRAGMA user_version = {HEAD_SCHEMA_NUMBER}")
            conn.commit()
    except sa_exc.DBAPIError as exc:
        raise translate_error(exc) from None


