"""The vault: one data key that encrypts every personal field, unlocked by each
user's passphrase, recoverable by the organisation.

Key hierarchy
-------------
::

    passphrase --Argon2id(salt, params)--> KEK(user) --AES-GCM wrap--+
    organisation X25519 public key --sealed box-----------------------+--> data key (random, 256 bit)
                                                                            |  HKDF-SHA256
                                              +-----------------------------+----------------------+
                                        field key (AES-256-GCM)     index key (HMAC)     header MAC key

Changing a passphrase re-wraps the data key; no field is re-encrypted.

API for the store (everything else here is internal)
----------------------------------------------------
Construction::

    storage = FileVaultStorage.in_data_dir(data_dir)      # or any VaultStorage (load/save bytes)
    vault = Vault.create(storage, admin_name=..., admin_passphrase=...,
                         recovery_public_key=org.recovery_public_key or None,
                         kdf=DEFAULT_KDF)                  # -> unlocked as that admin
    vault = Vault.open(storage, kdf=DEFAULT_KDF)          # -> locked; raises StoreError if none
    Vault.exists(storage) -> bool

Session::

    vault.unlock(name, passphrase) -> UserInfo            # AuthError / UnlockRefused(retry_after)
    vault.lock()                                           # keys dropped; later use -> LockedError
    vault.is_unlocked -> bool;  vault.current_user -> UserInfo | None
    vault.retry_after(name) -> float                       # seconds the UI must wait (0 if none)

Fields (need an unlocked vault)::

    vault.encrypt_field(value: bytes | str, *, table, record_id, version, column) -> bytes
    vault.decrypt_field(blob, *, table, record_id, version, column) -> bytes
    vault.decrypt_text(blob, *, table, record_id, version, column) -> str
    vault.blind_index(kind, value) -> str                  # 64 hex chars, equal for equal normalised values
    vault.name_dob_index(given_name, family_name, date_of_birth) -> str

The vault satisfies `outreach.store.field_cipher.FieldCipher` as it is.

`table` and `column` are the SQL names, `record_id` the row's stable id (a UUID
string), `version` the row's version number: a blob only decrypts at the exact
(table, record_id, version, column) it was written for. A row whose version
changes must therefore re-encrypt its fields (append-only records never do).
None values are not encrypted: store NULL.

Users::

    vault.list_users() -> list[UserInfo]                   # works while locked (login screen)
    vault.add_user(name, passphrase, role)                 # needs an admin session
    vault.remove_user(name)                                # needs an admin session; never the last admin
    vault.set_role(name, role)                             # needs an admin session
    vault.change_passphrase(name, old, new)                # the user themself (re-wraps only)
    vault.reset_passphrase(name, new)                      # needs an admin session
    vault.set_recovery_key(public_key_pem)                 # needs an admin session
    vault.recover_user(name, recovery_private_key, new)    # organisation recovery; vault may be locked

Properties: `vault_id`, `key_id` (hex; store it in the database to detect a
mismatched key file), `generation` (bumped on every authenticated save),
`has_recovery`, `recovery_fingerprint`, `integrity_warnings` (after unlock; see below).

Errors: AuthError (unknown user; admin needed; recovery key mismatch),
UnlockRefused(AuthError) with `.retry_after` seconds, LockedError, ValidationError
(passphrase policy, names, roles), CorruptRecordError(table=, record_id=),
SchemaTooNewError, StoreError (key file missing, damaged, changed outside the app,
busy), StorageFullError.

Threads and processes: every method is safe to call from any thread (one lock per
vault). `unlock`, `change_passphrase`, `add_user`, `reset_passphrase` and
`recover_user` each run Argon2id once or twice (~0.3 s): never on the GUI thread.
Changes to the key file are read-modify-write under an advisory lock on
``vault-keys.json.lock``, so the app and the command line can run together.

What is protected, and what is not
----------------------------------
* Every personal field: confidentiality and integrity (AES-GCM), bound to its
  place. Tampering, damage or a moved blob -> CorruptRecordError naming table and id.
* The key file's authenticated part (users, roles, wrapped keys, recovery entry,
  KDF parameters, generation) -> HMAC checked after every unlock; a changed role,
  an added, removed or swapped user entry makes unlock fail with StoreError.
  A user entry copied under another name cannot unwrap (the wrap names the user).
* Wrong-passphrase counters cannot be MAC'd (they change while locked), but they are
  bound to the sealed `failures_seen` (see `_counter_tampered`). A counter removed,
  rolled back below its last authenticated value, or out of step with it is noticed
  before the passphrase is checked: the unlock screen's message says so, there are no
  free tries left (the next wrong passphrase pauses), and `integrity_warnings` repeats
  it after unlock. An edit that keeps the counters in step is not detectable.
* A whole key file replaced by an older genuine copy is not detectable from the
  file alone (compare `generation` with a value kept elsewhere to detect it).
* Someone holding an old copy of the key file and a passphrase that was valid
  then (a removed user, a changed passphrase) can still obtain the data key: a
  data-key rotation, not implemented, would be needed against that.
* The backoff is enforced by the app; an attacker with the file can guess offline,
  slowed only by Argon2id. Passphrases of 10+ characters are required for that reason.
* Memory: keys live in bytearrays that are zeroed on lock. Copies inside OpenSSL
  objects, the immutable passphrase strings and decrypted values handed to callers
  cannot be wiped from Python; they go when the garbage collector frees them.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final, NoReturn

from cryptography.hazmat.primitives.asymmetric import x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from outreach.errors import (
    AuthError,
    CorruptRecordError,
    LockedError,
    SchemaTooNewError,
    StoreError,
    UnlockRefused,
    ValidationError,
)
from outreach.store import crypto
from outreach.store.crypto import DEFAULT_KDF, TEST_KDF, KdfParams
from outreach.store.vault_header import ROLES, Attempts, RecoveryEntry, UserEntry, VaultHeader
from outreach.store.vault_storage import FileVaultStorage, MemoryVaultStorage, VaultStorage

__all__ = [
    "DEFAULT_KDF",
    "MIN_PASSPHRASE_LENGTH",
    "ROLES",
    "TEST_KDF",
    "FileVaultStorage",
    "KdfParams",
    "MemoryVaultStorage",
    "UnlockRefused",
    "UserInfo",
    "Vault",
    "VaultStorage",
    "check_passphrase_policy",
    "normalise_index_value",
]

MIN_PASSPHRASE_LENGTH: Final = 10
FREE_ATTEMPTS: Final = 5  # wrong passphrases allowed before a pause
COUNTER_TAMPERED: Final = (
    "The count of wrong passphrases in the key file was changed outside the app, so there are no free "
    "tries left. Tell IT: someone may have tried to guess a passphrase."
)
FIRST_PAUSE_S: Final = 30.0  # then 30 s, 60 s, 120 s ... doubling per further failure
MAX_PAUSE_S: Final = 15 * 60.0
_SALT_BYTES: Final = 16
_MAX_NAME_LENGTH: Final = 64


@dataclass(frozen=True)
class UserInfo:
    name: str
    role: str
    created_at: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def check_passphrase_policy(passphrase: str) -> None:
    """Refuse passphrases an offline guesser would find quickly."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ValidationError(
            f"A passphrase needs at least {MIN_PASSPHRASE_LENGTH} characters. "
            "A few unrelated words make a good one.",
            item="passphrase",
        )


def _check_name(name: str) -> str:
    clean = name.strip()
    if not clean:
        raise ValidationError("Enter a user name.", item="user_name")
    if len(clean) > _MAX_NAME_LENGTH:
        raise ValidationError(
            f"A user name can have at most {_MAX_NAME_LENGTH} characters.", item="user_name"
        )
    if any(unicodedata.category(ch).startswith("C") for ch in clean):
        raise ValidationError("A user name cannot contain control characters.", item="user_name")
    return clean


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationError(f"Role must be one of: {', '.join(ROLES)}.", item="role")
    return role


def _pause_words(seconds: float) -> str:
    whole = max(1, int(seconds + 0.999))
    if whole < 120:
        return f"{whole} seconds"
    return f"{(whole + 59) // 60} minutes"


def _now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def normalise_index_value(kind: str, value: str) -> str:
    """The form a value takes before blind indexing, so trivial differences in
    typing (case, accents, spaces, punctuation) still find the same person.

    ``nhs_number``: digits only. Anything else: Unicode-compatibility folded,
    accents removed, case-folded, letters and digits kept, runs of anything else
    become one space.
    """
    if kind == "nhs_number":
        return "".join(ch for ch in value if ch.isdigit())
    folded = unicodedata.normalize("NFKD", value)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    words: list[str] = []
    current: list[str] = []
    for ch in folded:
        if ch.isalnum():
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return " ".join(words)


class _Keys:
    """The secrets held while unlocked."""

    def __init__(self, data_key: bytearray) -> None:
        self.data_key = data_key
        self.sub = crypto.Subkeys.derive(data_key)
        self.key_id = crypto.key_id_for(data_key)
        # One AEAD object for all fields (it keeps its own copy of the key, freed with it).
        self.aead: AESGCM | None = AESGCM(self.sub.field)

    def wipe(self) -> None:
        crypto.wipe(self.data_key)
        self.sub.wipe()
        self.aead = None

    def field_aead(self) -> AESGCM:
        if self.aead is None:
            raise LockedError("The app is locked. Enter your passphrase to carry on.")
        return self.aead


class Vault:
    """See the module docstring for the API and its guarantees."""

    def __init__(
        self,
        storage: VaultStorage,
        header: VaultHeader,
        *,
        kdf: KdfParams = DEFAULT_KDF,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Use `Vault.create` or `Vault.open`."""
        kdf.check()
        self._storage = storage
        self._header = header
        self._kdf = kdf
        self._clock = clock
        self._keys: _Keys | None = None
        self._user: UserInfo | None = None
        self._mutex = threading.RLock()
        self._exclusive_depth = 0
        self.integrity_warnings: list[str] = []

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """This thread holds the vault, and (if the storage can) other processes are kept out
        of the key file, for one whole read-modify-write. Re-entrant."""
        with self._mutex:
            if self._exclusive_depth or not hasattr(self._storage, "exclusive"):
                self._exclusive_depth += 1
                try:
                    yield
                finally:
                    self._exclusive_depth -= 1
                return
            with self._storage.exclusive():
                self._exclusive_depth += 1
                try:
                    yield
                finally:
                    self._exclusive_depth -= 1

    # ------------------------------------------------------------------ construction

    @staticmethod
    def exists(storage: VaultStorage) -> bool:
        return storage.load() is not None

    @classmethod
    def create(
        cls,
        storage: VaultStorage,
        *,
        admin_name: str,
        admin_passphrase: str,
        recovery_public_key: str | bytes | None = None,
        kdf: KdfParams = DEFAULT_KDF,
        clock: Callable[[], float] = time.time,
    ) -> Vault:
        """Make a new data key and its first (admin) user; returns the vault unlocked as that user."""
        guard = storage.exclusive() if hasattr(storage, "exclusive") else contextlib.nullcontext()
        with guard:
            if storage.load() is not None:
                raise StoreError("This data folder already has a key file: it was set up before.")
            name = _check_name(admin_name)
            check_passphrase_policy(admin_passphrase)
            recipient = crypto.load_recovery_public_key(recovery_public_key) if recovery_public_key else None
            data_key = crypto.new_data_key()
            header = VaultHeader(
                vault_id=uuid.uuid4().hex, key_id=crypto.key_id_for(data_key), created_at=_now_iso()
            )
            vault = cls(storage, header, kdf=kdf, clock=clock)
            vault._keys = _Keys(data_key)
            header.users.append(vault._new_user_entry(name, "admin", admin_passphrase))
            if recipient is not None:
                header.recovery = vault._recovery_entry(recipient)
            vault._save_authenticated()
            vault._user = vault._info(header.users[0])
            return vault

    @classmethod
    def open(
        cls,
        storage: VaultStorage,
        *,
        kdf: KdfParams = DEFAULT_KDF,
        clock: Callable[[], float] = time.time,
    ) -> Vault:
        """Read the key file; the vault starts locked. `kdf` is used for passphrases set from now on."""
        data = storage.load()
        if data is None:
            raise StoreError(
                "There is no key file in this data folder. If this laptop already has a store, do not set "
                "up again: ask IT to restore the key file from the backup taken with the store. "
                "Otherwise set up the app first."
            )
        return cls(storage, VaultHeader.from_bytes(data), kdf=kdf, clock=clock)

    # ------------------------------------------------------------------ properties

    @property
    def vault_id(self) -> str:
        return self._header.vault_id

    @property
    def key_id(self) -> str:
        return self._header.key_id.hex()

    @property
    def generation(self) -> int:
        return self._header.generation

    @property
    def has_recovery(self) -> bool:
        return self._header.recovery is not None

    @property
    def recovery_fingerprint(self) -> str | None:
        return self._header.recovery.fingerprint if self._header.recovery else None

    @property
    def is_unlocked(self) -> bool:
        return self._keys is not None

    @property
    def current_user(self) -> UserInfo | None:
        return self._user

    def list_users(self) -> list[UserInfo]:
        """Names and roles, sorted; available while locked so the lock screen can offer them."""
        with self._mutex:
            self._reload_unverified()  # another process (e.g. the recover command) may have changed it
            return sorted((self._info(u) for u in self._header.users), key=lambda u: u.name.casefold())

    # ------------------------------------------------------------------ unlock / lock

    def retry_after(self, name: str) -> float:
        """Seconds before `name` may try a passphrase again (0 if now)."""
        with self._exclusive():
            self._reload_unverified()
            user = self._header.find_user(name)
            if user is None:
                return 0.0
            return self._wait_for(self._header.attempts_for(user.name))

    def unlock(self, name: str, passphrase: str) -> UserInfo:
        """Check the passphrase (one Argon2id run: call it off the GUI thread)."""
        with self._exclusive():
            self._reload_unverified()
            user = self._header.find_user(name)
            if user is None:
                raise AuthError(f"There is no user called '{name.strip()}' on this laptop.")
            tampered = self._counter_tampered(user)
            attempts = self._header.attempts_for(user.name)
            if tampered:
                # No free tries after an edit: the next wrong passphrase pauses as the sixth would.
                attempts.consecutive = max(attempts.consecutive, FREE_ATTEMPTS)
            wait = self._wait_for(attempts)
            if wait > 0:
                raise UnlockRefused(
                    f"{COUNTER_TAMPERED + ' ' if tampered else ''}Too many wrong passphrases. "
                    f"Try again in {_pause_words(wait)}.",
                    retry_after=wait,
                )
            kek = crypto.derive_kek(passphrase, user.salt, user.kdf)
            try:
                data_key = crypto.unwrap_key(
                    kek, user.wrapped_key, crypto.user_wrap_context(self._header.vault_id, user.name)
                )
            finally:
                crypto.wipe(kek)
            if data_key is None:
                self._record_failure(attempts, tampered=tampered)
            self._adopt_key(data_key)
            if tampered and not any(f"'{user.name}'" in w for w in self.integrity_warnings):
                self.integrity_warnings.append(
                    f"The count of wrong passphrases for '{user.name}' was changed outside the app."
                )
            # Success: reset this user's streak and vouch for every counter. A full or
            # read-only disk must not keep a worker from their data: carry on, and say so.
            attempts.consecutive = 0
            attempts.not_before = 0.0
            try:
                self._save_authenticated()
            except StoreError as exc:
                self.integrity_warnings.append(f"The key file could not be updated: {exc.message}")
            self._user = self._info(user)
            return self._user

    def lock(self) -> None:
        """Drop the keys. Safe to call at any time, from any thread."""
        with self._mutex:
            if self._keys is not None:
                self._keys.wipe()
            self._keys = None
            self._user = None

    def _counter_tampered(self, user: UserEntry) -> bool:
        """Whether the user's wrong-passphrase counter was edited outside the app.

        The counter cannot be sealed (it changes while no key is held), but it is bound to
        the sealed part: every save writes a counter for every user, and `failures_seen`, the
        total at the last authenticated save, is sealed. Since then each failure added one to
        both `total` and `consecutive`, so `consecutive == total - failures_seen` in a file
        only the app wrote. A missing counter (`"attempts": {}`) or one that breaks that rule
        was edited. A careful edit that keeps the rule is not detectable: Argon2id is what
        slows guessing by someone who can edit the file.
        """
        attempts = self._header.attempts.get(user.name)
        if attempts is None:
            return True
        return (
            attempts.total < user.failures_seen or attempts.consecutive != attempts.total - user.failures_seen
        )

    def _record_failure(self, attempts: Attempts, *, tampered: bool = False) -> NoReturn:
        attempts.consecutive += 1
        attempts.total += 1
        now = self._clock()
        if attempts.consecutive >= FREE_ATTEMPTS:
            pause = min(MAX_PAUSE_S, FIRST_PAUSE_S * 2 ** (attempts.consecutive - FREE_ATTEMPTS))
            attempts.not_before = now + pause
            unsaved = self._save_attempts()
            raise UnlockRefused(
                f"{COUNTER_TAMPERED + ' ' if tampered else ''}Wrong passphrase. "
                f"Try again in {_pause_words(pause)}.{unsaved}",
                retry_after=pause,
            )
        unsaved = self._save_attempts()
        left = FREE_ATTEMPTS - attempts.consecutive
        more = "1 more try" if left == 1 else f"{left} more tries"
        raise UnlockRefused(f"Wrong passphrase. Try again ({more} before a pause).{unsaved}", retry_after=0.0)

    def _save_attempts(self) -> str:
        """Write the counters; on a full or read-only disk say so, but keep them in memory
        (see `_reload_unverified`), so the worker still hears that the passphrase was wrong
        and this copy of the app still pauses."""
        try:
            self._storage.save(self._header.to_bytes())
        except StoreError as exc:
            return f" (The count of tries could not be saved: {exc.message})"
        return ""

    def _wait_for(self, attempts: Attempts) -> float:
        wait = attempts.not_before - self._clock()
        # A clock set back must not turn a 30-second pause into a day.
        return max(0.0, min(wait, MAX_PAUSE_S))

    def _adopt_key(self, data_key: bytearray) -> None:
        """Check the key file against the unwrapped key, then keep the key."""
        keys = _Keys(data_key)
        try:
            if not hmac.compare_digest(keys.key_id, self._header.key_id):
                raise StoreError(
                    "The key file does not match its own data key: it has been changed outside the app. "
                    "Restore it from a backup, or ask IT to recover access."
                )
            expected = crypto.header_mac(keys.sub.header_mac, self._header.authenticated_bytes())
            if not hmac.compare_digest(expected, self._header.mac):
                raise StoreError(
                    "The key file has been changed outside the app (its users or settings do not match "
                    "its seal), so it cannot be trusted. "
                    "Restore it from a backup, or ask IT to recover access."
                )
        except BaseException:
            keys.wipe()
            raise
        warnings: list[str] = []
        for entry in self._header.users:
            seen = self._header.attempts_for(entry.name).total
            if seen < entry.failures_seen:
                warnings.append(
                    f"The count of wrong passphrases for '{entry.name}' was reset outside the app."
                )
                self._header.attempts_for(entry.name).total = entry.failures_seen
        if self._keys is not None:
            self._keys.wipe()
        self._keys = keys
        self.integrity_warnings = warnings

    # ------------------------------------------------------------------ fields

    def encrypt_field(
        self, value: bytes | str, *, table: str, record_id: str, version: int, column: str
    ) -> bytes:
        """Encrypt one personal value for one place: (table, record id, version, column)."""
        plaintext = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        context = crypto.field_context(table, str(record_id), int(version), column)
        with self._mutex:
            keys = self._require_keys()
            return crypto.seal_blob(keys.field_aead(), keys.key_id, plaintext, context)

    def decrypt_field(self, blob: bytes, *, table: str, record_id: str, version: int, column: str) -> bytes:
        """Decrypt a blob written by `encrypt_field` for exactly this place.

        Raises CorruptRecordError(table=, record_id=) if the blob was changed,
        damaged, moved from elsewhere or written with another key;
        SchemaTooNewError if a newer app wrote it.
        """
        context = crypto.field_context(table, str(record_id), int(version), column)
        with self._mutex:
            keys = self._require_keys()
            try:
                return crypto.open_blob(keys.field_aead(), keys.key_id, bytes(blob), context)
            except crypto.BlobError as exc:
                if exc.too_new:
                    raise SchemaTooNewError(
                        "A record was saved by a newer version of the app. Install the newer version."
                    ) from None
                raise CorruptRecordError(
                    f"Record {record_id} in {table} cannot be read: {exc.reason}. "
                    "Other records are not affected. Tell your IT support.",
                    table=table,
                    record_id=str(record_id),
                ) from None

    def decrypt_text(self, blob: bytes, *, table: str, record_id: str, version: int, column: str) -> str:
        raw = self.decrypt_field(blob, table=table, record_id=record_id, version=version, column=column)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise CorruptRecordError(
                f"Record {record_id} in {table} cannot be read: its text is not valid. Tell your IT support.",
                table=table,
                record_id=str(record_id),
            ) from None

    def blind_index(self, kind: str, value: str) -> str:
        """Keyed hash (HMAC-SHA256, hex) for exact-match lookups without decrypting
        (see `normalise_index_value`). Hex so it fits a Text column and compares as text.

        `kind` separates uses ("nhs_number", "name_dob", ...): the same value
        indexed under two kinds gives unrelated digests.
        """
        normalised = normalise_index_value(kind, value)
        with self._mutex:
            keys = self._require_keys()
            return crypto.blind_index_digest(keys.sub.index, kind, normalised).hex()

    def name_dob_index(self, given_name: str, family_name: str, date_of_birth: date | str) -> str:
        """Blind index for duplicate detection by name and date of birth."""
        dob = date_of_birth.isoformat() if isinstance(date_of_birth, date) else str(date_of_birth)
        return self.blind_index("name_dob", f"{given_name} {family_name} {dob}")

    def _require_keys(self) -> _Keys:
        if self._keys is None:
            raise LockedError("The app is locked. Enter your passphrase to carry on.")
        return self._keys

    # ------------------------------------------------------------------ users

    def add_user(self, name: str, passphrase: str, role: str = "worker") -> UserInfo:
        with self._exclusive():
            self._require_admin()
            self._reload_verified()
            clean = _check_name(name)
            _check_role(role)
            if self._header.find_user(clean) is not None:
                raise ValidationError(f"There is already a user called '{clean}'.", item="user_name")
            check_passphrase_policy(passphrase)
            entry = self._new_user_entry(clean, role, passphrase)
            self._header.users.append(entry)
            self._header.attempts.pop(clean, None)
            self._save_authenticated()
            return self._info(entry)

    def remove_user(self, name: str) -> None:
        with self._exclusive():
            self._require_admin()
            self._reload_verified()
            entry = self._existing(name)
            if entry.role == "admin" and sum(u.role == "admin" for u in self._header.users) == 1:
                raise ValidationError(
                    "The last admin cannot be removed. Add another admin first.", item="user_name"
                )
            self._header.users.remove(entry)
            self._header.attempts.pop(entry.name, None)
            self._save_authenticated()
            if self._user is not None and self._user.name == entry.name:
                self.lock()

    def set_role(self, name: str, role: str) -> UserInfo:
        with self._exclusive():
            self._require_admin()
            self._reload_verified()
            entry = self._existing(name)
            _check_role(role)
            admins = sum(u.role == "admin" for u in self._header.users)
            if entry.role == "admin" and role != "admin" and admins == 1:
                raise ValidationError(
                    "The last admin must stay an admin. Add another admin first.", item="role"
                )
            entry.role = role
            self._save_authenticated()
            if self._user is not None and self._user.name == entry.name:
                self._user = self._info(entry)
            return self._info(entry)

    def change_passphrase(self, name: str, old_passphrase: str, new_passphrase: str) -> None:
        """A user changes their own passphrase. Only their wrapped key changes.

        Needs the old passphrase even when unlocked, so an unattended unlocked
        laptop cannot have its passphrase changed. Counts as an unlock attempt.
        """
        with self._exclusive():
            check_passphrase_policy(new_passphrase)
            was_user = self._user
            info = self.unlock(name, old_passphrase)  # checks backoff, passphrase and the key file seal
            entry = self._existing(info.name)
            self._rewrap_user(entry, new_passphrase)
            self._save_authenticated()
            if was_user is None:
                self.lock()  # leave the vault as it was found
            elif was_user.name != info.name:
                self._user = was_user  # changing one's passphrase does not switch sessions

    def reset_passphrase(self, name: str, new_passphrase: str) -> None:
        """An admin sets a new passphrase for someone who forgot theirs."""
        with self._exclusive():
            self._require_admin()
            self._reload_verified()
            check_passphrase_policy(new_passphrase)
            entry = self._existing(name)
            self._rewrap_user(entry, new_passphrase)
            attempts = self._header.attempts_for(entry.name)
            attempts.consecutive, attempts.not_before = 0, 0.0
            self._save_authenticated()

    def set_recovery_key(self, public_key_pem: str | bytes) -> str:
        """Wrap the data key to the organisation's (new) recovery key; returns its fingerprint."""
        with self._exclusive():
            self._require_admin()
            self._reload_verified()
            self._header.recovery = self._recovery_entry(crypto.load_recovery_public_key(public_key_pem))
            self._save_authenticated()
            return self._header.recovery.fingerprint

    def recover_user(
        self, name: str, recovery_private_key: x25519.X25519PrivateKey, new_passphrase: str
    ) -> UserInfo:
        """Organisation recovery: the recovery private key unwraps the data key, and
        `name` gets a new passphrase. The vault is left locked afterwards."""
        with self._exclusive():
            check_passphrase_policy(new_passphrase)
            self._reload_unverified()
            rec = self._header.recovery
            if rec is None:
                raise AuthError(
                    "This laptop was set up without an organisation recovery key, so it cannot be recovered."
                )
            fingerprint = crypto.public_key_fingerprint(recovery_private_key.public_key())
            if not hmac.compare_digest(fingerprint, rec.fingerprint):
                raise AuthError(
                    "This recovery key is not the one this laptop was set up with "
                    f"(expected fingerprint {rec.fingerprint[:16]}...)."
                )
            entry = self._existing(name)
            data_key = crypto.open_sealed(
                recovery_private_key,
                rec.ephemeral_public,
                rec.wrapped_key,
                crypto.recovery_wrap_context(self._header.vault_id),
            )
            if data_key is None:
                raise StoreError(
                    "The recovery entry in the key file is damaged: restore the key file from a backup."
                )
            try:
                self._adopt_key(data_key)
                self._rewrap_user(entry, new_passphrase)
                attempts = self._header.attempts_for(entry.name)
                attempts.consecutive, attempts.not_before = 0, 0.0
                self._save_authenticated()
                return self._info(entry)
            finally:
                self.lock()

    # ------------------------------------------------------------------ internals

    def _info(self, entry: UserEntry) -> UserInfo:
        return UserInfo(name=entry.name, role=entry.role, created_at=entry.created_at)

    def _existing(self, name: str) -> UserEntry:
        entry = self._header.find_user(name)
        if entry is None:
            raise ValidationError(
                f"There is no user called '{name.strip()}' on this laptop.", item="user_name"
            )
        return entry

    def _require_admin(self) -> None:
        self._require_keys()
        if self._user is None or self._user.role != "admin":
            raise AuthError("Only an admin can manage users. Ask an admin to unlock the app.")

    def _new_user_entry(self, name: str, role: str, passphrase: str) -> UserEntry:
        entry = UserEntry(
            name=name, role=role, kdf=self._kdf, salt=b"", wrapped_key=b"", created_at=_now_iso()
        )
        self._rewrap_user(entry, passphrase)
        return entry

    def _rewrap_user(self, entry: UserEntry, passphrase: str) -> None:
        keys = self._require_keys()
        salt = os.urandom(_SALT_BYTES)
        kek = crypto.derive_kek(passphrase, salt, self._kdf)
        try:
            entry.wrapped_key = crypto.wrap_key(
                kek, keys.data_key, crypto.user_wrap_context(self._header.vault_id, entry.name)
            )
        finally:
            crypto.wipe(kek)
        entry.salt = salt
        entry.kdf = self._kdf

    def _recovery_entry(self, recipient: x25519.X25519PublicKey) -> RecoveryEntry:
        keys = self._require_keys()
        eph, wrapped = crypto.seal_to_public_key(
            recipient, keys.data_key, crypto.recovery_wrap_context(self._header.vault_id)
        )
        return RecoveryEntry(
            alg=crypto.RECOVERY_ALG,
            fingerprint=crypto.public_key_fingerprint(recipient),
            ephemeral_public=eph,
            wrapped_key=wrapped,
        )

    def _reload_unverified(self) -> None:
        """Pick up changes another process made (e.g. failure counters) before deciding anything."""
        data = self._storage.load()
        if data is None:
            raise StoreError("The key file has disappeared from the data folder. Restore it from a backup.")
        fresh = VaultHeader.from_bytes(data)
        if fresh.vault_id != self._header.vault_id:
            raise StoreError("The key file was replaced by another laptop's key file.")
        # `total` only grows, so a copy with more failures than the file's is newer: ours when
        # the disk refused to save them. Otherwise the file is right (another process, or a
        # recovery that cleared a pause, may have written it).
        for name, mine in self._header.attempts.items():
            theirs = fresh.attempts.get(name)
            if mine.total > (theirs.total if theirs is not None else 0):
                fresh.attempts[name] = mine
        self._header = fresh

    def _reload_verified(self) -> None:
        """Reload and check the seal with the key we hold (before an authenticated change)."""
        keys = self._require_keys()
        self._reload_unverified()
        expected = crypto.header_mac(keys.sub.header_mac, self._header.authenticated_bytes())
        if not hmac.compare_digest(expected, self._header.mac):
            self.lock()
            raise StoreError(
                "The key file has been changed outside the app, so it cannot be trusted. "
                "Restore it from a backup, or ask IT to recover access."
            )

    def _save_authenticated(self) -> None:
        keys = self._require_keys()
        for entry in self._header.users:
            entry.failures_seen = self._header.attempts_for(entry.name).total
        self._header.attempts = {u.name: self._header.attempts_for(u.name) for u in self._header.users}
        self._header.generation += 1
        self._header.mac = crypto.header_mac(keys.sub.header_mac, self._header.authenticated_bytes())
        try:
            self._storage.save(self._header.to_bytes())
        except BaseException:
            # Not saved, so not done: forget the change rather than show a user who is not there.
            stored = self._storage.load()
            if stored is not None:
                self._header = VaultHeader.from_bytes(stored)
            raise
