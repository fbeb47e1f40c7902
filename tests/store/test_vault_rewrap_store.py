"""A passphrase change or a recovery re-wraps one key: no record in the database changes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from outreach.store.database import database_path
from outreach.store.local_store import LocalStore
from outreach.store.records import PersonDetails
from outreach.store.recovery import generate_recovery_key_pair, load_recovery_private_key
from outreach.store.vault import TEST_KDF

ADMIN, ADMIN_PASS = "Testadmin Alpha", "alpha admin passphrase"
RECOVERY_PASS = "orange tractor violin harbour"


def _people_blobs(data_dir: Path) -> list[tuple[str, int, bytes]]:
    with sqlite3.connect(f"file:{database_path(data_dir)}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT id, version, data FROM people ORDER BY id").fetchall()


def test_passphrase_change_and_recovery_leave_every_record_as_it_was(tmp_path: Path) -> None:
    from outreach.settings import OrgConfig

    pair = generate_recovery_key_pair(RECOVERY_PASS)
    org = OrgConfig.from_mapping({"recovery_public_key": pair.public_pem})
    store = LocalStore.create(
        tmp_path, admin_name=ADMIN, admin_passphrase=ADMIN_PASS, org_config=org, kdf=TEST_KDF
    )
    for n, given in enumerate(("Alpha", "Beta", "Gamma")):
        store.people.add(
            PersonDetails(
                given_name=given, family_name="Testperson", date_of_birth=f"197{n}-01-02", sex="female"
            )
        )
    store.close()
    before = _people_blobs(tmp_path)
    assert len(before) == 3

    store = LocalStore.open(tmp_path, kdf=TEST_KDF)
    store.vault.change_passphrase(ADMIN, ADMIN_PASS, "a changed admin passphrase")
    store.vault.recover_user(
        ADMIN, load_recovery_private_key(pair.private_pem, RECOVERY_PASS), "a recovered passphrase"
    )
    store.close()
    assert _people_blobs(tmp_path) == before

    store = LocalStore.open(tmp_path, kdf=TEST_KDF)
    store.unlock(ADMIN, "a recovered passphrase")
    names = sorted(store.people.get(person_id).details.given_name for person_id, _, _ in before)
    store.close()
    assert names == ["Alpha", "Beta", "Gamma"]
