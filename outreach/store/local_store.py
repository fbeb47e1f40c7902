"""The local store as the rest of the product sees it: a data folder holding the
encrypted database and the vault's key file, opened locked, unlocked by a user.

    store = LocalStore.open(data_dir)            # locked: nothing personal readable
    store.unlock("Sam", passphrase)              # one Argon2id run; builds the search index
    store.people.add(...); store.checks.start(...)
    store.lock()                                 # keys and the in-memory index dropped

While locked every repository call that needs a key raises LockedError, so a
locked laptop can still show the outbox counts and the lock screen, nothing more.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Self

from sqlalchemy import insert, select

from outreach.errors import StoreError
from outreach.settings import OrgConfig
from outreach.store.audit_log import AuditLog
from outreach.store.changes import ChangeFeed
from outreach.store.checks_repo import ChecksRepository
from outreach.store.consent_repo import ConsentRepository
from outreach.store.core_dumps import forbid_core_dumps
from outreach.store.crypto import DEFAULT_KDF, KdfParams
from outreach.store.database import (
    Database,
    create_database,
    database_path,
    open_database,
    private_umask,
    utc_now,
)
from outreach.store.field_cipher import FieldCipher
from outreach.store.follow_ups_repo import FollowUpsRepository
from outreach.store.models import store_meta
from outreach.store.outbox_repo import OutboxRepository
from outreach.store.people_repo import PeopleRepository
from outreach.store.repo_context import RepoContext, new_id
from outreach.store.search_index import PeopleIndex
from outreach.store.vault import FileVaultStorage, UserInfo, Vault, check_passphrase_policy
from outreach.store.venues_repo import VenuesRepository


class LocalStore:
    """The database, the vault and the repositories over them, for one data folder."""

    def __init__(
        self, data_dir: Path, db: Database, vault: Vault, *, cipher: FieldCipher | None = None
    ) -> None:
        """Use `create` or `open`. `cipher` replaces the vault for fields only in the benchmark's
        plain-SQLite baseline; the product always encrypts through the vault."""
        self.data_dir = data_dir
        self.db = db
        self.vault = vault
        self.cipher: FieldCipher = cipher if cipher is not None else vault
        self.people_index = PeopleIndex()
        self.changes = ChangeFeed(db)  # committed changes, for screens that show them
        self.audit = AuditLog(db, self._audit_hash, on_append=self.changes.noted)
        ctx = RepoContext(db=db, cipher=self.cipher, audit=self.audit, actor=self._actor)
        self.people = PeopleRepository(ctx, self.people_index)
        self.checks = ChecksRepository(ctx)
        self.follow_ups = FollowUpsRepository(ctx)
        self.outbox = OutboxRepository(ctx)
        self.consents = ConsentRepository(ctx)
        self.venues = VenuesRepository(ctx)

    # -- life cycle -----------------------------------------------------------------------
    @classmethod
    def exists(cls, data_dir: str | os.PathLike[str]) -> bool:
        return database_path(Path(data_dir)).exists()

    @classmethod
    def create(
        cls,
        data_dir: str | os.PathLike[str],
        *,
        admin_name: str,
        admin_passphrase: str,
        org_config: OrgConfig | None = None,
        kdf: KdfParams = DEFAULT_KDF,
    ) -> LocalStore:
        """Set up a new store and its first (admin) user; returned unlocked as that user."""
        forbid_core_dumps()
        folder = Path(data_dir)
        storage = FileVaultStorage.in_data_dir(folder)
        if database_path(folder).exists() or storage.exists():
            raise StoreError(
                f"There is already a store in {folder}. Use it, or choose another folder with --data-dir."
            )
        recovery_key = (
            org_config.recovery_public_key if org_config and org_config.recovery_public_key else None
        )
        check_passphrase_policy(admin_passphrase)  # refuse before anything is written
        with private_umask():
            db_file = create_database(folder)
            try:
                vault = Vault.create(
                    storage,
                    admin_name=admin_name,
                    admin_passphrase=admin_passphrase,
                    recovery_public_key=recovery_key,
                    kdf=kdf,
                )
            except BaseException:
                db_file.unlink(missing_ok=True)  # it holds no records yet; leave the folder as it was
                raise
        db = open_database(folder)
        store = cls(folder, db, vault)
        with db.write() as conn:
            conn.execute(
                insert(store_meta),
                [
                    {"key": "store_id", "value": new_id()},
                    {"key": "vault_key_id", "value": vault.key_id},
                    {"key": "created_at", "value": utc_now()},
                ],
            )
            store.audit.append(conn, "store.create", user_id=store._actor())
        store.people_index.clear()
        return store

    @classmethod
    def open(
        cls,
        data_dir: str | os.PathLike[str],
        *,
        kdf: KdfParams = DEFAULT_KDF,
        max_page_count: int | None = None,
    ) -> LocalStore:
        """Open the store locked. `max_page_count` caps the file's size (used to test a full disk)."""
        forbid_core_dumps()  # from here on this process may hold keys and records in clear
        folder = Path(data_dir)
        db = open_database(folder, max_page_count=max_page_count)
        try:
            storage = FileVaultStorage.in_data_dir(folder)
            if storage.load() is None:
                # Beside a store, a missing key file is a lost file, not a new laptop: say so,
                # so nobody "sets up" again over checks that only this key file can open.
                raise StoreError(
                    f"The key file {storage.path.name} is missing from {folder}, so the store cannot be "
                    "unlocked. Do not set up the app again and do not delete anything: ask IT to put the "
                    "key file back from the backup taken with this store."
                )
            vault = Vault.open(storage, kdf=kdf)
        except BaseException:
            db.close()
            raise
        return cls(folder, db, vault)

    def meta(self, key: str) -> str | None:
        """A value the store keeps about itself ("store_id", "vault_key_id", "created_at"), or None."""
        with self.db.read() as conn:
            value = conn.execute(select(store_meta.c.value).where(store_meta.c.key == key)).scalar()
        return None if value is None else str(value)

    def unlock(self, user_name: str, passphrase: str) -> UserInfo:
        """Check the passphrase, check the key file belongs to this database, build the search index."""
        info = self.vault.unlock(user_name, passphrase)
        try:
            key_id = self.meta("vault_key_id")
            if key_id is not None and key_id != self.vault.key_id:
                raise StoreError(
                    "The key file in this folder does not belong to this store (it was copied from another "
                    "laptop or restored from a different backup). Ask IT to put the matching pair back."
                )
            self.people.build_index()
            with self.db.write() as conn:
                self.audit.append(conn, "user.unlock", user_id=info.name)
        except BaseException:
            self.lock()
            raise
        return info

    def lock(self) -> None:
        """Drop the keys and everything decrypted that the store holds."""
        self.people_index.clear()
        self.vault.lock()

    def close(self) -> None:
        self.lock()
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- state -------------------------------------------------------------------------------
    @property
    def is_unlocked(self) -> bool:
        return self.vault.is_unlocked

    @property
    def current_user(self) -> UserInfo | None:
        return self.vault.current_user

    def _actor(self) -> str | None:
        user = self.vault.current_user
        return user.name if user else None

    def _audit_hash(self, canonical: str) -> str:
        # Keyed (through the vault's blind index HMAC) over the exact SHA-256 of the entry,
        # so the chain cannot be recomputed by someone without the data key.
        return self.cipher.blind_index("audit_chain", hashlib.sha256(canonical.encode("utf-8")).hexdigest())
