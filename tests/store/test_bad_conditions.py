"""Bad conditions give clear errors and lose nothing: wrong passphrase, damaged or moved
records, a full disk, a locked store."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from outreach import services
from outreach.errors import AuthError, CorruptRecordError, LockedError, StorageFullError
from outreach.store.crypto import TEST_KDF
from outreach.store.database import database_path
from outreach.store.local_store import LocalStore
from tests.store.conftest import ADMIN, PASSPHRASE, person, reopen


def _raw(data_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(database_path(data_dir))


def test_wrong_passphrase_is_refused_and_the_store_stays_locked(store: LocalStore, data_dir: Path) -> None:
    services.register_person(store, person(0))
    store.close()
    s = LocalStore.open(data_dir, kdf=TEST_KDF)
    try:
        with pytest.raises(AuthError, match="Wrong passphrase"):
            s.unlock(ADMIN, "not the passphrase at all")
        assert not s.is_unlocked and len(s.people_index) == 0
        with pytest.raises(LockedError):
            services.register_person(s, person(2))
        s.unlock(ADMIN, PASSPHRASE)
        assert [h.family_name for h in services.find_people(s, "alpha")] == ["Alpha"]
    finally:
        s.close()


def test_lock_drops_keys_and_the_search_index(store: LocalStore) -> None:
    p = services.register_person(store, person(0))
    assert services.find_people(store, "testp")
    store.lock()
    assert services.find_people(store, "testp") == []
    with pytest.raises(LockedError):
        services.get_person(store, p.id)
    store.unlock(ADMIN, PASSPHRASE)
    assert services.get_person(store, p.id).details.family_name == "Alpha"


def test_a_flipped_byte_is_reported_for_that_record_only(store: LocalStore, data_dir: Path) -> None:
    ids = [services.register_person(store, person(n)).id for n in range(5)]
    services.record_consent(store, ids[0], "check", True)
    check = services.start_check(store, ids[0], definition_version="1.0.0")
    services.save_answer(store, check.id, "weight_kg", 80)
    store.close()
    victim = ids[2]
    raw = _raw(data_dir)
    blob = bytearray(raw.execute("SELECT data FROM people WHERE id = ?", (victim,)).fetchone()[0])
    blob[len(blob) // 2] ^= 0x01
    raw.execute("UPDATE people SET data = ? WHERE id = ?", (bytes(blob), victim))
    raw.commit()
    raw.close()
    s = reopen(data_dir)  # unlock still works: one bad record does not close the store
    try:
        assert s.people_index.unreadable == [victim]
        with pytest.raises(CorruptRecordError) as caught:
            services.get_person(s, victim)
        assert caught.value.table == "people" and caught.value.record_id == victim
        assert victim in caught.value.message
        for other in ids:
            if other != victim:
                assert services.get_person(s, other).details.given_name == "Testperson"
        assert len(services.find_people(s, "testperson")) == 4
        assert s.checks.get(check.id).answers == {"weight_kg": 80}
    finally:
        s.close()


def test_a_blob_moved_to_another_row_does_not_decrypt(store: LocalStore, data_dir: Path) -> None:
    a = services.register_person(store, person(1))
    b = services.register_person(store, person(2))
    services.record_consent(store, a.id, "check", True)
    ca = services.start_check(store, a.id, definition_version="1.0.0")
    services.record_consent(store, b.id, "check", True)
    cb = services.start_check(store, b.id, definition_version="1.0.0")
    services.save_answer(store, ca.id, "smoking_status", "current")
    services.save_answer(store, cb.id, "smoking_status", "never")
    store.close()
    raw = _raw(data_dir)
    # Same version numbers on both rows, so only the row id in the associated data tells them apart.
    raw.execute("UPDATE people SET data = (SELECT data FROM people WHERE id = ?) WHERE id = ?", (a.id, b.id))
    raw.execute(
        "UPDATE checks SET data = (SELECT data FROM checks WHERE id = ?) WHERE id = ?", (ca.id, cb.id)
    )
    raw.commit()
    raw.close()
    s = reopen(data_dir)
    try:
        with pytest.raises(CorruptRecordError) as person_error:
            services.get_person(s, b.id)
        assert person_error.value.record_id == b.id
        with pytest.raises(CorruptRecordError) as check_error:
            services.load_check(s, cb.id)
        assert check_error.value.record_id == cb.id
        assert services.load_check(s, ca.id).answers == {"smoking_status": "current"}
    finally:
        s.close()


def test_a_blob_replayed_from_an_older_version_of_the_same_row_fails(
    store: LocalStore, data_dir: Path
) -> None:
    p = services.register_person(store, person(1))
    services.record_consent(store, p.id, "check", True)
    check = services.start_check(store, p.id, definition_version="1.0.0")
    services.save_answer(store, check.id, "systolic", 150)
    store.close()
    raw = _raw(data_dir)
    old = raw.execute("SELECT data FROM checks WHERE id = ?", (check.id,)).fetchone()[0]
    raw.close()
    s = reopen(data_dir)
    services.save_answer(s, check.id, "systolic", 120)
    s.close()
    raw = _raw(data_dir)
    raw.execute("UPDATE checks SET data = ? WHERE id = ?", (old, check.id))
    raw.commit()
    raw.close()
    s = reopen(data_dir)
    try:
        with pytest.raises(CorruptRecordError):
            services.load_check(s, check.id)
    finally:
        s.close()


def test_full_disk_during_a_write_loses_nothing_already_saved(store: LocalStore, data_dir: Path) -> None:
    people = [services.register_person(store, person(n)).id for n in range(3)]
    services.record_consent(store, people[0], "check", True)
    check = services.start_check(store, people[0], definition_version="1.0.0")
    store.close()
    with _raw(data_dir) as raw:
        pages = raw.execute("PRAGMA page_count").fetchone()[0]
    s = LocalStore.open(data_dir, kdf=TEST_KDF, max_page_count=pages + 3)
    s.unlock(ADMIN, PASSPHRASE)
    last_saved = None
    with pytest.raises(StorageFullError) as caught:
        for n in range(200):
            value = f"{n}:" + os.urandom(1500).hex()
            services.save_answer(s, check.id, "notes", value)
            last_saved = value
            services.register_person(s, person(10 + n))
    assert "Everything saved before is safe" in caught.value.message
    assert last_saved is not None
    # The store is still usable for reading at once, with the last saved answer intact.
    assert services.load_check(s, check.id).answers["notes"] == last_saved
    s.close()
    s = reopen(data_dir)
    try:
        assert s.db.integrity_check() == ["ok"]
        assert services.load_check(s, check.id).answers["notes"] == last_saved
        for pid in people:
            services.get_person(s, pid)
        assert s.audit.verify().ok
    finally:
        s.close()


def test_a_damaged_page_inside_the_file_stops_writes_and_changes_nothing(
    store: LocalStore, data_dir: Path
) -> None:
    from outreach.errors import StoreError

    for n in range(400):  # enough people for the table to span many pages
        services.register_person(store, person(n, family_name=f"Pageperson{n}"))
    store.close()
    path = database_path(data_dir)
    with _raw(data_dir) as raw:
        root = raw.execute("SELECT rootpage FROM sqlite_master WHERE name = 'people'").fetchone()[0]
        page_size = raw.execute("PRAGMA page_size").fetchone()[0]
    raw.close()
    content = bytearray(path.read_bytes())
    start = (root - 1) * page_size  # the table's root page: its b-tree header becomes nonsense
    content[start : start + 64] = b"\xff" * 64
    path.write_bytes(bytes(content))
    before = path.read_bytes()
    s = LocalStore.open(data_dir, kdf=TEST_KDF)  # the header is fine, so opening works ...
    try:
        with pytest.raises(StoreError, match="damaged"):
            s.unlock(ADMIN, PASSPHRASE)  # ... but reading the people table finds the damage
        s.vault.unlock(ADMIN, PASSPHRASE)
        with pytest.raises(StoreError, match="damaged"):
            services.register_person(s, person(999))
        assert s.db.damaged
    finally:
        s.close()
    assert path.read_bytes() == before


def test_a_store_held_by_another_writer_says_so(
    store: LocalStore, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from outreach.errors import StoreError
    from outreach.store import database

    p = services.register_person(store, person(0))
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    other = database.Database(database_path(data_dir))  # a second copy of the app, with a short wait
    raw = _raw(data_dir)
    raw.execute("BEGIN IMMEDIATE")  # a third party holds the write lock
    try:
        with pytest.raises(StoreError, match="busy"), other.write() as conn:
            conn.exec_driver_sql("UPDATE people SET updated_at = updated_at")
    finally:
        raw.rollback()
        raw.close()
        other.close()
    assert services.get_person(store, p.id).details.family_name == "Alpha"
