"""The vault with real crypto and real key files (cheap Argon2id profile, passed explicitly)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outreach.errors import (
    AuthError,
    CorruptRecordError,
    LockedError,
    SchemaTooNewError,
    StorageFullError,
    StoreError,
    ValidationError,
)
from outreach.store.vault import (
    TEST_KDF,
    FileVaultStorage,
    MemoryVaultStorage,
    UnlockRefused,
    Vault,
)

ADMIN = "Testadmin Alpha"
ADMIN_PASS = "alpha admin passphrase"
WORKER = "Testworker Beta"
WORKER_PASS = "beta worker passphrase"
PLACE = {
    "table": "people",
    "record_id": "6f1c2a44-0000-4000-8000-000000000001",
    "version": 1,
    "column": "given_name",
}


class Clock:
    """A settable clock so backoff can be tested without sleeping."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def storage(tmp_path: Path) -> FileVaultStorage:
    return FileVaultStorage.in_data_dir(tmp_path / "data")


@pytest.fixture
def vault(storage: FileVaultStorage) -> Vault:
    v = Vault.create(storage, admin_name=ADMIN, admin_passphrase=ADMIN_PASS, kdf=TEST_KDF)
    v.add_user(WORKER, WORKER_PASS, "worker")
    return v


def reopen(storage: FileVaultStorage, clock: Clock | None = None) -> Vault:
    if clock is None:
        return Vault.open(storage, kdf=TEST_KDF)
    return Vault.open(storage, kdf=TEST_KDF, clock=clock)


# ---------------------------------------------------------------- fields


def test_round_trip_after_reopening_from_the_file(vault: Vault, storage: FileVaultStorage) -> None:
    blob = vault.encrypt_field("Testperson Alpha", **PLACE)
    assert b"Testperson" not in blob
    again = reopen(storage)
    again.unlock(WORKER, WORKER_PASS)
    assert again.decrypt_text(blob, **PLACE) == "Testperson Alpha"


def test_fresh_nonce_per_write(vault: Vault) -> None:
    assert vault.encrypt_field("same", **PLACE) != vault.encrypt_field("same", **PLACE)


def test_flipped_byte_anywhere_is_a_corrupt_record_naming_table_and_id(vault: Vault) -> None:
    blob = vault.encrypt_field("Testperson Alpha", **PLACE)
    for i in range(len(blob)):
        damaged = bytearray(blob)
        damaged[i] ^= 0x01
        with pytest.raises(CorruptRecordError) as info:
            vault.decrypt_field(bytes(damaged), **PLACE)
        assert info.value.table == "people"
        assert info.value.record_id == PLACE["record_id"]
        assert PLACE["record_id"] in info.value.message and "people" in info.value.message


def test_truncated_blob_is_corrupt(vault: Vault) -> None:
    blob = vault.encrypt_field("x", **PLACE)
    with pytest.raises(CorruptRecordError):
        vault.decrypt_field(blob[:-1], **PLACE)
    with pytest.raises(CorruptRecordError):
        vault.decrypt_field(b"", **PLACE)


@pytest.mark.parametrize(
    "moved",
    [
        {"table": "checks"},
        {"record_id": "6f1c2a44-0000-4000-8000-000000000002"},
        {"version": 2},
        {"column": "family_name"},
    ],
)
def test_blob_moved_to_another_place_fails(vault: Vault, moved: dict[str, object]) -> None:
    blob = vault.encrypt_field("Testperson Alpha", **PLACE)
    with pytest.raises(CorruptRecordError):
        vault.decrypt_field(blob, **{**PLACE, **moved})  # type: ignore[arg-type]


def test_blob_from_another_vault_says_other_key(tmp_path: Path, vault: Vault) -> None:
    other = Vault.create(MemoryVaultStorage(), admin_name=ADMIN, admin_passphrase=ADMIN_PASS, kdf=TEST_KDF)
    blob = other.encrypt_field("Testperson Alpha", **PLACE)
    with pytest.raises(CorruptRecordError, match="different key"):
        vault.decrypt_field(blob, **PLACE)


@settings(max_examples=60, deadline=None)
@given(
    value=st.one_of(st.text(), st.binary(max_size=2048)),
    table=st.text(min_size=1, max_size=20),
    record_id=st.text(min_size=1, max_size=40),
    version=st.integers(min_value=0, max_value=2**62),
    column=st.text(min_size=1, max_size=20),
)
def test_round_trip_any_unicode_or_bytes(
    value: str | bytes, table: str, record_id: str, version: int, column: str
) -> None:
    vault = _SHARED_VAULT
    place = {"table": table, "record_id": record_id, "version": version, "column": column}
    blob = vault.encrypt_field(value, **place)  # type: ignore[arg-type]
    expected = value.encode("utf-8") if isinstance(value, str) else value
    assert vault.decrypt_field(blob, **place) == expected  # type: ignore[arg-type]
    if isinstance(value, str):
        assert vault.decrypt_text(blob, **place) == value  # type: ignore[arg-type]


_SHARED_VAULT = Vault.create(
    MemoryVaultStorage(), admin_name=ADMIN, admin_passphrase=ADMIN_PASS, kdf=TEST_KDF
)


# ---------------------------------------------------------------- blind index


def test_blind_index_normalises_and_separates_kinds(vault: Vault) -> None:
    assert vault.blind_index("nhs_number", "999 000 0018") == vault.blind_index("nhs_number", "9990000018")
    assert vault.blind_index("nhs_number", "9990000018") != vault.blind_index("nhs_number", "9990000026")
    assert vault.name_dob_index("José", "O'Testperson", "1970-01-02") == vault.name_dob_index(
        " jose ", "o testperson", "1970-01-02"
    )
    assert vault.name_dob_index("Alpha", "Testperson", "1970-01-02") != vault.name_dob_index(
        "Alpha", "Testperson", "1970-01-03"
    )
    assert vault.blind_index("a", "same") != vault.blind_index("b", "same")
    assert len(vault.blind_index("nhs_number", "9990000018")) == 64


def test_vault_satisfies_the_field_cipher_protocol(vault: Vault) -> None:
    from outreach.store.field_cipher import FieldCipher

    assert isinstance(vault, FieldCipher)


def test_blind_index_is_keyed_per_vault(vault: Vault) -> None:
    other = Vault.create(MemoryVaultStorage(), admin_name=ADMIN, admin_passphrase=ADMIN_PASS, kdf=TEST_KDF)
    assert other.blind_index("nhs_number", "9990000018") != vault.blind_index("nhs_number", "9990000018")


# ---------------------------------------------------------------- lock / unlock


def test_lock_drops_keys_and_wipes_buffers(vault: Vault) -> None:
    blob = vault.encrypt_field("Testperson Alpha", **PLACE)
    keys = vault._keys  # the buffers we promise to zero
    assert keys is not None
    buffers = [keys.data_key, keys.sub.field, keys.sub.index, keys.sub.header_mac]
    assert all(any(b) for b in buffers)
    vault.lock()
    assert all(not any(b) for b in buffers)
    assert not vault.is_unlocked and vault.current_user is None
    for call in (
        lambda: vault.decrypt_field(blob, **PLACE),
        lambda: vault.encrypt_field("x", **PLACE),
        lambda: vault.blind_index("nhs_number", "9990000018"),
        lambda: vault.add_user("Testworker Gamma", "gamma passphrase", "worker"),
    ):
        with pytest.raises(LockedError):
            call()
    assert vault.unlock(ADMIN, ADMIN_PASS).role == "admin"
    assert vault.decrypt_text(blob, **PLACE) == "Testperson Alpha"


def test_wrong_passphrase_and_unknown_user(vault: Vault) -> None:
    vault.lock()
    with pytest.raises(AuthError, match="Wrong passphrase"):
        vault.unlock(WORKER, "not the passphrase")
    with pytest.raises(AuthError, match="no user called"):
        vault.unlock("Nobody Here", WORKER_PASS)
    assert not vault.is_unlocked


def test_user_names_match_without_case(vault: Vault) -> None:
    vault.lock()
    assert vault.unlock(WORKER.upper(), WORKER_PASS).name == WORKER


def test_backoff_after_five_failures_is_persisted_and_grows(storage: FileVaultStorage) -> None:
    clock = Clock()
    v = Vault.create(storage, admin_name=ADMIN, admin_passphrase=ADMIN_PASS, kdf=TEST_KDF, clock=clock)
    v.lock()
    for _ in range(4):
        with pytest.raises(UnlockRefused) as info:
            v.unlock(ADMIN, "wrong passphrase")
        assert info.value.retry_after == 0
    with pytest.raises(UnlockRefused) as info:
        v.unlock(ADMIN, "wrong passphrase")
    assert info.value.message == "Wrong passphrase. Try again in 30 seconds."
    assert info.value.retry_after == 30
    # A new process (re-opened file) respects the pause, even with the right passphrase.
    clock.now += 10
    again = reopen(storage, clock)
    assert again.retry_after(ADMIN) == pytest.approx(20)
    with pytest.raises(UnlockRefused, match="Try again in 20 seconds") as info:
        again.unlock(ADMIN, ADMIN_PASS)
    clock.now += 20
    with pytest.raises(UnlockRefused) as info:
        again.unlock(ADMIN, "wrong passphrase")
    assert info.value.retry_after == 60  # doubles
    clock.now += 60
    again.unlock(ADMIN, ADMIN_PASS)
    again.lock()
    with pytest.raises(UnlockRefused) as info:
        again.unlock(ADMIN, "wrong passphrase")
    assert info.value.retry_after == 0  # a success resets the streak


def test_pause_is_capped_when_the_clock_jumps_back(storage: FileVaultStorage) -> None:
    clock = Clock()
    v = Vault.create(storage, admin_name=ADMIN, admin_passphrase=ADMIN_PASS, kdf=TEST_KDF, clock=clock)
    v.lock()
    for _ in range(5):
        with pytest.raises(UnlockRefused):
            v.unlock(ADMIN, "wrong passphrase")
    clock.now -= 365 * 86400
    assert v.retry_after(ADMIN) <= 15 * 60


# ---------------------------------------------------------------- users and roles


def test_user_management_needs_an_admin(vault: Vault) -> None:
    vault.lock()
    vault.unlock(WORKER, WORKER_PASS)
    with pytest.raises(AuthError, match="admin"):
        vault.add_user("Testworker Gamma", "gamma passphrase", "worker")
    with pytest.raises(AuthError):
        vault.remove_user(ADMIN)
    vault.lock()
    vault.unlock(ADMIN, ADMIN_PASS)
    vault.add_user("Testsupervisor Delta", "delta passphrase", "supervisor")
    assert [(u.name, u.role) for u in vault.list_users()] == [
        (ADMIN, "admin"),
        ("Testsupervisor Delta", "supervisor"),
        (WORKER, "worker"),
    ]
    with pytest.raises(ValidationError, match="already"):
        vault.add_user(WORKER.lower(), "another passphrase", "worker")
    with pytest.raises(ValidationError, match="Role"):
        vault.add_user("Testworker Gamma", "gamma passphrase", "owner")
    with pytest.raises(ValidationError, match="last admin"):
        vault.remove_user(ADMIN)
    vault.remove_user(WORKER)
    vault.lock()
    with pytest.raises(AuthError, match="no user"):
        vault.unlock(WORKER, WORKER_PASS)


def test_passphrase_policy(vault: Vault) -> None:
    with pytest.raises(ValidationError, match="at least 10 characters"):
        vault.add_user("Testworker Gamma", "short", "worker")
    with pytest.raises(ValidationError, match="at least 10 characters"):
        Vault.create(MemoryVaultStorage(), admin_name=ADMIN, admin_passphrase="123456789", kdf=TEST_KDF)


def test_list_users_works_while_locked(vault: Vault, storage: FileVaultStorage) -> None:
    assert [u.name for u in reopen(storage).list_users()] == [ADMIN, WORKER]


def test_change_passphrase_rewraps_only(vault: Vault, storage: FileVaultStorage) -> None:
    blob = vault.encrypt_field("Testperson Alpha", **PLACE)
    before = json.loads(storage.path.read_text())
    vault.lock()
    vault.change_passphrase(WORKER, WORKER_PASS, "new beta passphrase")
    after = json.loads(storage.path.read_text())
    assert after["key_id"] == before["key_id"] and after["vault_id"] == before["vault_id"]
    changed = {u["name"] for u in after["users"]} - set()
    old_by_name = {u["name"]: u for u in before["users"]}
    new_by_name = {u["name"]: u for u in after["users"]}
    assert changed == {ADMIN, WORKER}
    assert new_by_name[ADMIN] == old_by_name[ADMIN]
    assert new_by_name[WORKER]["wrapped_key"] != old_by_name[WORKER]["wrapped_key"]
    assert new_by_name[WORKER]["salt"] != old_by_name[WORKER]["salt"]
    v = reopen(storage)
    with pytest.raises(AuthError):
        v.unlock(WORKER, WORKER_PASS)
    v.unlock(WORKER, "new beta passphrase")
    assert v.decrypt_text(blob, **PLACE) == "Testperson Alpha"  # the data blob is untouched and still opens


def test_change_passphrase_needs_the_old_one(vault: Vault) -> None:
    with pytest.raises(AuthError):
        vault.change_passphrase(WORKER, "not the old passphrase", "new beta passphrase")


def test_admin_reset_passphrase(vault: Vault, storage: FileVaultStorage) -> None:
    vault.reset_passphrase(WORKER, "reset beta passphrase")
    v = reopen(storage)
    with pytest.raises(AuthError):
        v.unlock(WORKER, WORKER_PASS)
    assert v.unlock(WORKER, "reset beta passphrase").name == WORKER


# ---------------------------------------------------------------- the key file


def test_key_file_is_owner_only_and_has_no_secrets_in_clear(vault: Vault, storage: FileVaultStorage) -> None:
    if os.name != "nt":
        assert stat.S_IMODE(storage.path.stat().st_mode) == 0o600
    text = storage.path.read_text()
    assert ADMIN_PASS not in text and WORKER_PASS not in text
    assert bytes(vault._keys.data_key).hex() not in text  # type: ignore[union-attr]
    assert not list(storage.path.parent.glob("*.tmp"))


def _edit_key_file(storage: FileVaultStorage, change) -> None:  # type: ignore[no-untyped-def]
    raw = json.loads(storage.path.read_text())
    change(raw)
    storage.path.write_text(json.dumps(raw))


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda raw: raw["users"][1].__setitem__("role", "admin"), id="role-raised"),
        pytest.param(lambda raw: raw["users"].pop(0), id="user-removed"),
        pytest.param(
            lambda raw: raw.__setitem__("generation", raw["generation"] - 1), id="generation-rolled-back"
        ),
        pytest.param(
            lambda raw: raw.__setitem__("created_at", "2020-01-01T00:00:00+00:00"), id="field-changed"
        ),
    ],
)
def test_header_tampering_is_detected_after_unlock(vault: Vault, storage: FileVaultStorage, change) -> None:  # type: ignore[no-untyped-def]
    _edit_key_file(storage, change)
    v = reopen(storage)
    with pytest.raises(StoreError, match="changed outside the app"):
        v.unlock(WORKER, WORKER_PASS)
    assert not v.is_unlocked


def test_lowered_kdf_cost_just_fails_to_unwrap(vault: Vault, storage: FileVaultStorage) -> None:
    """Parameters are not trusted for anything: changed ones derive another key."""
    _edit_key_file(storage, lambda raw: raw["users"][1]["kdf"].__setitem__("iterations", 2))
    with pytest.raises(AuthError, match="Wrong passphrase"):
        reopen(storage).unlock(WORKER, WORKER_PASS)


def test_absurd_kdf_cost_is_refused_before_running(vault: Vault, storage: FileVaultStorage) -> None:
    _edit_key_file(storage, lambda raw: raw["users"][1]["kdf"].__setitem__("memory_kib", 2**40))
    with pytest.raises(StoreError, match="out of range"):
        reopen(storage)


def test_removed_user_entry_put_back_is_detected(vault: Vault, storage: FileVaultStorage) -> None:
    old_worker = json.loads(storage.path.read_text())["users"][1]
    vault.remove_user(WORKER)
    _edit_key_file(storage, lambda raw: raw["users"].append(old_worker))
    v = reopen(storage)
    with pytest.raises(StoreError, match="changed outside the app"):
        v.unlock(WORKER, WORKER_PASS)


def test_user_entry_copied_under_another_name_cannot_unwrap(vault: Vault, storage: FileVaultStorage) -> None:
    def swap(raw: dict) -> None:  # type: ignore[type-arg]
        worker = raw["users"][1]
        for key in ("salt", "wrapped_key", "kdf"):
            raw["users"][0][key] = worker[key]

    _edit_key_file(storage, swap)
    with pytest.raises(AuthError, match="Wrong passphrase"):
        reopen(storage).unlock(ADMIN, WORKER_PASS)


def test_rolled_back_failure_counter_is_reported(vault: Vault, storage: FileVaultStorage) -> None:
    vault.lock()
    for _ in range(3):
        with pytest.raises(AuthError):
            vault.unlock(WORKER, "wrong passphrase")
    vault.unlock(ADMIN, ADMIN_PASS)  # vouches for the counters: 3 failures for the worker
    assert vault.integrity_warnings == []
    vault.lock()
    _edit_key_file(storage, lambda raw: raw["attempts"][WORKER].update(total=0, consecutive=0))
    v = reopen(storage)
    v.unlock(WORKER, WORKER_PASS)
    assert any(WORKER in w and "reset outside the app" in w for w in v.integrity_warnings)


@pytest.mark.parametrize(
    "edit",
    [
        lambda raw: raw.update(attempts={}),  # "attempts": {} once gave five more tries
        lambda raw: raw["attempts"][WORKER].update(consecutive=0, not_before=0.0),
    ],
    ids=["counters-removed", "streak-reset"],
)
def test_an_edited_failure_counter_leaves_no_free_tries_and_says_so(
    vault: Vault,
    storage: FileVaultStorage,
    edit,  # type: ignore[no-untyped-def]
) -> None:
    vault.lock()
    clock = Clock()
    v = reopen(storage, clock)
    for _ in range(4):
        with pytest.raises(UnlockRefused):
            v.unlock(WORKER, "wrong passphrase")
    _edit_key_file(storage, edit)
    edited = reopen(storage, clock)
    with pytest.raises(UnlockRefused) as refused:
        edited.unlock(WORKER, "wrong passphrase")
    assert "changed outside the app" in refused.value.message and refused.value.retry_after > 0
    with pytest.raises(UnlockRefused, match="changed outside the app"):
        reopen(storage, clock).unlock(WORKER, WORKER_PASS)  # still paused
    clock.now += 3600
    ok = reopen(storage, clock)
    ok.unlock(WORKER, WORKER_PASS)
    assert ok.integrity_warnings  # said again once unlocked
    ok.lock()
    # Once the app has written the file again, nothing is reported.
    clean = reopen(storage, clock)
    clean.unlock(WORKER, WORKER_PASS)
    assert clean.integrity_warnings == []


def test_counters_written_by_the_app_are_never_taken_for_edits(
    vault: Vault, storage: FileVaultStorage
) -> None:
    vault.lock()
    clock = Clock()
    v = reopen(storage, clock)
    for _ in range(2):
        with pytest.raises(UnlockRefused, match="more tr"):
            v.unlock(WORKER, "wrong passphrase")
    v.unlock(ADMIN, ADMIN_PASS)
    v.reset_passphrase(WORKER, "gamma worker passphrase")
    v.lock()
    with pytest.raises(UnlockRefused) as refused:
        reopen(storage, clock).unlock(WORKER, "wrong passphrase")
    assert "outside the app" not in refused.value.message and "4 more tries" in refused.value.message
    w = reopen(storage, clock)
    w.unlock(WORKER, "gamma worker passphrase")
    assert w.integrity_warnings == []


def test_damaged_key_file_gives_a_plain_store_error(storage: FileVaultStorage, vault: Vault) -> None:
    storage.path.write_bytes(b"{not json")
    with pytest.raises(StoreError, match="damaged"):
        reopen(storage)
    with pytest.raises(StoreError, match="no key file"):
        Vault.open(FileVaultStorage(storage.path.with_name("missing.json")), kdf=TEST_KDF)


def test_cannot_create_twice(vault: Vault, storage: FileVaultStorage) -> None:
    with pytest.raises(StoreError, match="already"):
        Vault.create(storage, admin_name=ADMIN, admin_passphrase=ADMIN_PASS, kdf=TEST_KDF)


class FullDisk(MemoryVaultStorage):
    """A storage whose writes fail the way a full disk does."""

    full = False

    def save(self, data: bytes) -> None:
        if self.full:
            raise StorageFullError("The disk is full: the key file was not changed.")
        super().save(data)


def test_a_full_disk_does_not_keep_a_worker_from_unlocking() -> None:
    storage = FullDisk()
    v = Vault.create(storage, admin_name=ADMIN, admin_passphrase=ADMIN_PASS, kdf=TEST_KDF)
    blob = v.encrypt_field("Testperson Alpha", **PLACE)
    v.lock()
    storage.full = True
    v.unlock(ADMIN, ADMIN_PASS)
    assert v.decrypt_text(blob, **PLACE) == "Testperson Alpha"
    assert any("could not be updated" in w for w in v.integrity_warnings)
    with pytest.raises(StorageFullError):
        v.add_user(WORKER, WORKER_PASS, "worker")  # changes that must be saved are refused
    assert [u.name for u in v.list_users()] == [ADMIN]  # and not half-made in memory
    storage.full = False
    v.add_user(WORKER, WORKER_PASS, "worker")
    assert [u.name for u in Vault.open(storage, kdf=TEST_KDF).list_users()] == [ADMIN, WORKER]


def test_a_wrong_passphrase_on_a_full_disk_is_still_wrong_and_still_counted() -> None:
    """The counter cannot be saved, but the worker is told the passphrase was wrong (not only
    that the disk is full), and this copy of the app still pauses after five tries."""
    clock = Clock()
    storage = FullDisk()
    v = Vault.create(storage, admin_name=ADMIN, admin_passphrase=ADMIN_PASS, kdf=TEST_KDF, clock=clock)
    v.lock()
    storage.full = True
    for _ in range(4):
        with pytest.raises(UnlockRefused, match="Wrong passphrase") as info:
            v.unlock(ADMIN, "wrong passphrase")
        assert "could not be saved" in info.value.message
    with pytest.raises(UnlockRefused) as info:
        v.unlock(ADMIN, "wrong passphrase")
    assert info.value.retry_after == 30
    with pytest.raises(UnlockRefused, match="Too many"):
        v.unlock(ADMIN, ADMIN_PASS)  # the pause holds though nothing reached the disk
    clock.now += 31
    assert v.unlock(ADMIN, ADMIN_PASS).name == ADMIN


def test_passphrase_unicode_forms_give_the_same_key() -> None:
    import unicodedata

    composed = "Café au lait pour deux"
    v = Vault.create(MemoryVaultStorage(), admin_name=ADMIN, admin_passphrase=composed, kdf=TEST_KDF)
    v.lock()
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed  # else the test proves nothing
    assert v.unlock(ADMIN, decomposed).name == ADMIN


def test_newer_formats_are_refused_as_too_new(vault: Vault, storage: FileVaultStorage) -> None:
    blob = bytearray(vault.encrypt_field("x", **PLACE))
    blob[2] = 2  # format byte after the two-byte marker
    with pytest.raises(SchemaTooNewError, match="newer version"):
        vault.decrypt_field(bytes(blob), **PLACE)
    _edit_key_file(storage, lambda raw: raw.__setitem__("version", 2))
    with pytest.raises(SchemaTooNewError, match="newer version"):
        reopen(storage)
