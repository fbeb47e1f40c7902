"""Text pasted by mistake (a whole document, megabytes) is refused with a message naming the
field, and what was saved before stays as it was: nothing grows without bound, and an
autosave never rewrites megabytes on every keystroke."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from outreach import services
from outreach.errors import ValidationError
from outreach.store.local_store import LocalStore
from tests.store.conftest import person

PASTED = "Testperson pasted text " * 100_000  # about 2.3 million characters


@pytest.mark.parametrize(
    "field",
    [
        "given_name",
        "family_name",
        "postcode",
        "phone",
        "gp_practice",
        "preferred_language",
        "ethnic_category",
        "communication_needs",
    ],
)
def test_a_person_field_pasted_full_is_refused_by_name(store: LocalStore, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.register_person(store, person(0, **{field: PASTED}))
    assert caught.value.item == field
    assert "characters" in caught.value.message
    assert store.people.count() == 0


def test_ordinary_person_details_still_fit(store: LocalStore) -> None:
    needs = "Large print. " * 30
    saved = services.register_person(
        store,
        person(
            0,
            postcode="BS1 4ZZ",
            phone="+44 (0)117 496 0000",
            gp_practice="A81001",
            preferred_language="Polish",
            ethnic_category="A",
            communication_needs=needs,
        ),
    )
    kept = store.people.get(saved.id)
    assert (kept.details.communication_needs, kept.details.phone) == (needs, "+44 (0)117 496 0000")


def _draft(store: LocalStore) -> str:
    p = services.register_person(store, person(0))
    services.record_consent(store, p.id, "check", True)
    check = services.start_check(store, p.id, definition_version="test-1")
    services.save_answer(store, check.id, "weight", 72.5)
    return check.id


CHANGES: dict[str, Callable[[LocalStore, str], Any]] = {
    "answer": lambda s, c: services.save_answer(s, c, "notes", PASTED),
    "answers": lambda s, c: services.save_answers(s, c, {"notes": {"text": [PASTED]}}),
    "element reason": lambda s, c: services.set_element_status(s, c, "smoking", "declined", PASTED),
    "follow-up note": lambda s, c: services.record_follow_up_decision(
        s, c, "bp.high", {"kind": "advice_given", "note": PASTED}
    ),
    "follow-up reason": lambda s, c: services.record_follow_up_decision(
        s, c, "bp.high", {"kind": "declined", "reason": PASTED}
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_pasted_text_in_a_draft_is_refused_and_the_draft_kept(store: LocalStore, change: str) -> None:
    check_id = _draft(store)
    before = services.load_check(store, check_id)
    with pytest.raises(ValidationError, match="characters"):
        CHANGES[change](store, check_id)
    after = services.load_check(store, check_id)
    assert after.version == before.version and after.document == before.document


def test_pasted_notes_on_consent_outcomes_and_amendments_are_refused(store: LocalStore) -> None:
    p = services.register_person(store, person(0))
    with pytest.raises(ValidationError, match="characters"):
        services.record_consent(store, p.id, "gp", True, note=PASTED)
    assert services.consent_status(store, p.id) == {}
    services.record_consent(store, p.id, "check", True)
    check = services.start_check(store, p.id, definition_version="test-1")
    services.record_follow_up_decision(
        store, check.id, "bp.high", {"kind": "referral", "service_id": "svc-1", "due_on": "2030-01-01"}
    )
    done = store.checks.finalise(check.id, [{"rule_id": "bp.high", "title": "Blood pressure"}])
    with pytest.raises(ValidationError, match="characters"):
        services.record_follow_up_outcome(store, done.follow_ups[0].id, "attended", note=PASTED)
    assert services.open_follow_ups(store, person_id=p.id)[0].state == "open"
    with pytest.raises(ValidationError, match="characters"):
        services.amend_check(store, check.id, reason=PASTED)
    assert len(services.check_history(store, check.id)) == 1


def test_a_venue_name_pasted_full_is_refused(store: LocalStore) -> None:
    with pytest.raises(ValidationError, match="characters"):
        store.venues.add(PASTED)
    assert store.venues.list() == []


def test_no_sealed_document_is_larger_than_the_store_allows(store: LocalStore) -> None:
    """The last line of defence, for any caller that forgets a limit: one sealed cell."""
    from outreach.store.sealing import MAX_DOCUMENT_BYTES, seal_json

    with pytest.raises(ValidationError, match="too long"):
        seal_json(store.cipher, {"x": "y" * MAX_DOCUMENT_BYTES}, table="people", record_id="r", version=1)
