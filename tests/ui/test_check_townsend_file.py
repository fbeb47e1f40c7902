"""The organisation's Townsend file reaches the check: set in the organisation file (a path
beside it), read once, and the person's score stored with the check as it starts; an
unreadable file never stops a check from starting."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from outreach import services
from outreach.checks.context import TOWNSEND_KEY
from outreach.settings import OrgConfig
from outreach.store.local_store import LocalStore
from tests.factories import add_person, new_store
from ui.ops.check import start_check

CONSENT = {"check": True, "gp": True, "mental_health_trust": False, "charity": False}


def off_gui_thread(func: Any, *args: Any, **kw: Any) -> Any:
    """Store work runs on a worker thread in the app; the guard refuses it on the main thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(func, *args, **kw).result()


def _store(folder: Path) -> tuple[LocalStore, str]:
    store = new_store(folder, admin="Sam", passphrase="synthetic passphrase")
    person = add_person(
        store, dob="1970-01-01", sex="unknown", nhs_number=None, ethnic=None, postcode="BS1 4DJ"
    )
    return store, person.id


def test_the_score_for_the_persons_postcode_is_stored_with_the_check_as_it_starts(tmp_path: Path) -> None:
    (tmp_path / "org").mkdir()
    (tmp_path / "org" / "townsend.csv").write_text("postcode,townsend\nBS1 4DJ,3.2\n", encoding="utf-8")
    (tmp_path / "org" / "organisation.toml").write_text('townsend_file = "townsend.csv"\n', encoding="utf-8")
    org = OrgConfig.load(tmp_path / "org" / "organisation.toml")
    assert Path(org.townsend_file) == (tmp_path / "org" / "townsend.csv").resolve()
    store, person_id = _store(tmp_path / "laptop")
    try:
        check = off_gui_thread(
            start_check,
            store,
            person_id,
            CONSENT,
            definition_version="1.1.0",
            session_id=None,
            townsend_file=org.townsend_file,
        )
        assert check is not None
        assert services.load_check(store, check.id).document[TOWNSEND_KEY] == {
            "score": 3.2,
            "source": "townsend.csv",
        }
    finally:
        store.close()


def test_an_unreadable_file_does_not_stop_the_check(tmp_path: Path) -> None:
    store, person_id = _store(tmp_path / "laptop")
    try:
        check = off_gui_thread(
            start_check,
            store,
            person_id,
            CONSENT,
            definition_version="1.1.0",
            session_id=None,
            townsend_file=str(tmp_path / "missing.csv"),
        )
        assert check is not None and TOWNSEND_KEY not in services.load_check(store, check.id).document
    finally:
        store.close()
