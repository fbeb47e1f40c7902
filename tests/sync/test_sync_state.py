"""The store side of sync: the tables arrive on stores made before them, the token is sealed."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach.errors import StoreError
from outreach.store import sync_state
from outreach.store.crypto import TEST_KDF
from outreach.store.local_store import LocalStore
from tests.factories import new_store
from tests.sync.conftest import ADMIN, PASSPHRASE


def test_a_store_from_before_sync_gains_the_tables_after_a_backup(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    store = new_store(folder, admin=ADMIN, passphrase=PASSPHRASE)
    with store.db.write() as conn:  # as an earlier build left it: revision 0001, no sync tables
        for table in (
            "sync_settings",
            "sync_holds",
            "sync_server_refs",
            "sync_reviews",
            "sync_directory",
            "sync_entries",
        ):
            conn.exec_driver_sql(f"DROP TABLE {table}")
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    store.close()
    store = LocalStore.open(folder, kdf=TEST_KDF)
    store.unlock(ADMIN, PASSPHRASE)
    try:
        sync_state.ensure_tables(store)
        assert list(folder.glob("*backup*before-sync-tables*"))
        sync_state.set_device_token(store, "synthetic-token-1")
        assert sync_state.device_token(store) == "synthetic-token-1"
        sync_state.ensure_tables(store)  # nothing to do the second time
        assert len(list(folder.glob("*backup*before-sync-tables*"))) == 1
    finally:
        store.close()


def test_token_rules(tmp_path: Path) -> None:
    store = LocalStore.create(tmp_path / "s", admin_name=ADMIN, admin_passphrase=PASSPHRASE, kdf=TEST_KDF)
    try:
        assert sync_state.device_token(store) is None
        with pytest.raises(StoreError, match="one line"):
            sync_state.set_device_token(store, "two words")
        sync_state.set_device_token(store, "  abc-123\n")
        sync_state.set_device_token(store, "def-456")  # replaced, not added
        assert sync_state.device_token(store) == "def-456"
        store.lock()
        from outreach.errors import LockedError

        with pytest.raises(LockedError):
            sync_state.device_token(store)
    finally:
        store.close()
