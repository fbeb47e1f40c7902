"""Upgrades never lose data: every store kept under tests/data/stores/ (each made by a released
version, with synthetic data) is opened by today's code, which migrates it after a backup and
reads back everything in it; a store written by a newer version is refused and left untouched.

Each folder's README.md holds the passphrase and what the store holds (an ```expected block of
`name: value` lines); the key file records the Argon2id settings it was made with, so the test
unlocks it with those and not the cheap test settings.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from outreach import services
from outreach.errors import SchemaTooNewError
from outreach.store import sync_state
from outreach.store.crypto import KdfParams
from outreach.store.database import HEAD_REVISION, HEAD_SCHEMA_NUMBER
from outreach.store.files import DB_FILENAME
from outreach.store.local_store import LocalStore

STORES_DIR = Path(__file__).resolve().parents[1] / "data" / "stores"
STORES = sorted(p for p in STORES_DIR.iterdir() if (p / DB_FILENAME).is_file()) if STORES_DIR.is_dir() else []
KEPT_FILES = {DB_FILENAME, "vault-keys.json", "organisation.toml", "README.md"}


def test_a_store_of_each_released_version_is_kept() -> None:
    assert STORES, f"no stores under {STORES_DIR}"
    for folder in STORES:
        names = {p.name for p in folder.iterdir()}
        assert names <= KEPT_FILES, (
            f"{folder.name}: only the store's own files are kept, not {names - KEPT_FILES}"
        )
        assert "README.md" in names
        assert sum(p.stat().st_size for p in folder.iterdir()) < 2 * 1024 * 1024


def expected(folder: Path) -> dict[str, str]:
    text = (folder / "README.md").read_text(encoding="utf-8")
    block = text.split("```expected", 1)[1].split("```", 1)[0]
    values = {}
    for line in block.strip().splitlines():
        name, _, value = line.partition(":")
        values[name.strip()] = value.strip()
    return values


def recorded_kdf(folder: Path, user: str) -> KdfParams:
    keys = json.loads((folder / "vault-keys.json").read_text(encoding="utf-8"))
    (entry,) = [u for u in keys["users"] if u["name"] == user]
    return KdfParams.from_dict(entry["kdf"])


def copy_store(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / folder.name
    target.mkdir()
    for name in (DB_FILENAME, "vault-keys.json", "organisation.toml"):
        if (folder / name).exists():
            shutil.copy2(folder / name, target / name)
    return target


def schema_of(path: Path) -> tuple[int, str | None]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        number = int(conn.execute("PRAGMA user_version").fetchone()[0])
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()
    return number, revision


def table_counts(path: Path, tables: list[str]) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables}
    finally:
        conn.close()


def folder_hashes(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()
    }


@pytest.mark.parametrize("folder", STORES, ids=[p.name for p in STORES])
def test_todays_code_migrates_and_reads_everything(folder: Path, tmp_path: Path) -> None:
    want = expected(folder)
    user, passphrase = want["user"], want["passphrase"]
    data = copy_store(folder, tmp_path)
    old_number, old_revision = schema_of(data / DB_FILENAME)
    assert old_number == int(want["schema_number"])
    old_counts = table_counts(
        data / DB_FILENAME, ["people", "checks", "follow_ups", "outbox", "consents", "audit"]
    )

    store = LocalStore.open(data, kdf=recorded_kdf(folder, user))
    try:
        # The backup was taken before the migration: a copy of the store exactly as the old version left it.
        backups = sorted(data.glob(f"*-backup-v{old_number}-*.db"))
        if old_number < HEAD_SCHEMA_NUMBER:
            assert len(backups) == 1, sorted(p.name for p in data.iterdir())
            assert schema_of(backups[0]) == (old_number, old_revision)
            assert table_counts(backups[0], list(old_counts)) == old_counts
            assert backups[0].stat().st_mode & 0o077 == 0
        assert store.db.schema_number() == HEAD_SCHEMA_NUMBER
        with store.db.read() as conn:
            revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        assert revision == HEAD_REVISION

        store.unlock(user, passphrase)
        assert store.db.integrity_check() == ["ok"]
        assert store.audit.verify().ok

        # Every record decrypts, and there are as many as the old version wrote.
        with store.db.read() as conn:
            person_ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM people ORDER BY id")]
            follow_up_ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM follow_ups ORDER BY id")]
        assert len(person_ids) == int(want["people"]) == store.people.count()
        people = [store.people.get(pid) for pid in person_ids]
        assert all(p.details.given_name == "Testperson" for p in people)  # synthetic, as the README says
        assert all(p.details.nhs_number is None or p.details.nhs_number.startswith("999") for p in people)
        assert store.people_index.match_ids("Testperson") == set(person_ids)  # the search index was built

        check_ids = store.checks.ids()
        assert len(check_ids) == int(want["checks"]) == store.checks.count(status="finalised")
        findings = 0
        for check_id in check_ids:
            check = store.checks.get(check_id)
            assert check.status == "finalised" and check.document.get("answers")
            findings += len(store.checks.findings(check_id))
        assert findings == int(want["findings"])

        follow_ups = [store.follow_ups.get(fid) for fid in follow_up_ids]
        assert len(follow_ups) == int(want["follow_ups"])
        assert sum(f.state == "closed" for f in follow_ups) == int(want["follow_ups_closed"])
        assert {f.check_id for f in follow_ups} <= set(check_ids)

        consents = [c for pid in person_ids for c in store.consents.history(pid)]
        assert len(consents) == int(want["consents"])

        # Sync state survives: the outbox as it was (sent stays sent), holds, the device token.
        items = store.outbox.list()
        assert len(items) == int(want["outbox"])
        states = Counter(i.state for i in items)
        assert states == Counter(
            {s: int(want[f"outbox_{s}"]) for s in ("sent", "failed", "queued") if int(want[f"outbox_{s}"])}
        )
        for item in items:
            if item.state == "failed":
                assert item.last_error  # the sealed reason still opens
        rows = sync_state.outbox_view(store, include_sent=True)
        assert Counter(r.state for r in rows) == states
        holds = sync_state.holds(store)
        assert Counter(holds.values())[sync_state.HOLD_NO_CONSENT] == int(want["held_no_consent"])
        assert sync_state.device_token(store) == want["device_token"]
        assert sync_state.get_value(store, sync_state.LAST_SYNC_KEY) is not None
        # Outcomes the old version recorded (it never sent any) are queued by the upgrade, each
        # once; those of checks not sent yet wait for their check.
        closed_by_id = {f.id: f for f in follow_ups if f.state == "closed"}
        sent_checks = sorted(i.check_id for i in items if i.state == "sent")
        backlog = sync_state.pending_updates(store)
        assert len(backlog) == int(want["outcomes_queued"]) == len(closed_by_id)
        for update in backlog:
            assert update.kind == sync_state.FOLLOW_UP_OUTCOME and update.state == "queued"
            assert update.record_id in closed_by_id

        # A follow-up outcome can be recorded on a check already sent: queued in the new table.
        if sent_checks:
            open_one = next(
                f
                for f in sorted(follow_ups, key=lambda f: f.id)
                if f.state == "open" and f.check_id in sent_checks
            )
            closed = services.record_follow_up_outcome(
                store, open_one.id, "declined", note="Synthetic outcome after the upgrade"
            )
            assert closed.state == "closed" and closed.outcome == "declined"
            pending = {p.record_id: p.state for p in sync_state.pending_updates(store)}
            assert pending == {**{u.record_id: "queued" for u in backlog}, open_one.id: "queued"}
        sent_before = {i.id for i in items if i.state == "sent"}
        assert {i.id for i in store.outbox.list(("sent",))} == sent_before
    finally:
        store.close()

    # Opened again: already at head, so no second backup, and everything is still there.
    store = LocalStore.open(data, kdf=recorded_kdf(folder, user))
    try:
        assert len(sorted(data.glob("*-backup-*.db"))) == (1 if old_number < HEAD_SCHEMA_NUMBER else 0)
        store.unlock(user, passphrase)
        assert store.people.count() == int(want["people"])
        assert sync_state.device_token(store) == want["device_token"]
        assert len(sync_state.pending_updates(store)) == len(backlog) + (1 if sent_checks else 0)
    finally:
        store.close()


@pytest.mark.parametrize("folder", STORES, ids=[p.name for p in STORES])
def test_a_store_from_a_newer_version_is_refused_and_left_unchanged(folder: Path, tmp_path: Path) -> None:
    want = expected(folder)
    data = copy_store(folder, tmp_path)
    conn = sqlite3.connect(data / DB_FILENAME)
    try:
        conn.execute(f"PRAGMA user_version = {HEAD_SCHEMA_NUMBER + 1}")
        conn.commit()
    finally:
        conn.close()
    before = folder_hashes(data)

    with pytest.raises(SchemaTooNewError, match="written by a newer version") as caught:
        LocalStore.open(data, kdf=recorded_kdf(folder, want["user"]))
    assert "nothing in the store has been changed" in str(caught.value)

    assert folder_hashes(data) == before  # same files, same bytes: no backup, no migration, no key-file write
