"""A check starts only once the person's consent to it is recorded (PRODUCT: consent before the check)."""

from __future__ import annotations

import pytest

from outreach import services
from outreach.errors import ValidationError
from outreach.store.local_store import LocalStore
from tests.store.conftest import person


def _refused(store: LocalStore, person_id: str) -> None:
    with pytest.raises(ValidationError, match="consent") as caught:
        services.start_check(store, person_id, definition_version="1.0.1")
    assert caught.value.item == "consent"
    assert services.list_checks_for_person(store, person_id) == []


def test_no_consent_recorded_means_no_check(store: LocalStore) -> None:
    p = services.register_person(store, person(0))
    _refused(store, p.id)


def test_consent_to_sharing_alone_is_not_consent_to_the_check(store: LocalStore) -> None:
    p = services.register_person(store, person(0))
    for scope in ("gp", "mental_health_trust", "charity"):
        services.record_consent(store, p.id, scope, True)
    _refused(store, p.id)


def test_the_newest_answer_counts(store: LocalStore) -> None:
    p = services.register_person(store, person(0))
    services.record_consent(store, p.id, "check", False)
    _refused(store, p.id)
    services.record_consent(store, p.id, "check", True)
    check = services.start_check(store, p.id, definition_version="1.0.1")
    assert check.status == "draft"
    services.record_consent(store, p.id, "check", False, note="Changed their mind")
    with pytest.raises(ValidationError, match="consent"):
        services.start_check(store, p.id, definition_version="1.0.1")
    assert [c.id for c in services.list_checks_for_person(store, p.id)] == [check.id]


def test_consent_and_start_in_one_write(store: LocalStore) -> None:
    p = services.register_person(store, person(0))
    with store.db.write():
        services.record_consent(store, p.id, "check", True)
        check = services.start_check(store, p.id, definition_version="1.0.1")
    assert services.load_check(store, check.id).person_id == p.id
