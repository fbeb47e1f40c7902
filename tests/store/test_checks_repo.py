"""The checks repository's own promises (outreach/store/checks_repo.py, module docstring), each asserted
from the stored rows as a fresh read sees them:

- every autosave writes the next row version of the sealed document, durably and audited;
- finalising writes the findings (in order), one follow-up for each (a referral stays open until its
  outcome is known, anything else is closed), the frozen check and its queued outbox item, all together,
  and refuses while any finding has no follow-up;
- a finalised check never changes; a correction is an amendment: a new draft, next edition, that keeps the
  original and copies its content; only the newest version can be amended;
- the history of any version is the whole chain, oldest first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach.errors import StoreError, ValidationError
from outreach.store.local_store import LocalStore
from outreach.store.records import CheckRecord
from tests.store.conftest import ADMIN, person, reopen

FINDINGS = [
    {"rule_id": "bp-severe", "title": "Blood pressure very high", "severity": "urgent"},
    {"rule_id": "smoking-current", "title": "Smokes", "severity": "act"},
    {"rule_id": "diet-poor", "title": "Diet", "severity": "advise"},
]
DECISIONS = {
    "bp-severe": {"kind": "referral", "service_id": "gp-same-day", "due_on": "2026-12-03"},
    "smoking-current": {"kind": "advice_given", "due_on": None},
    "diet-poor": {"kind": "declined", "reason": "not today"},
}


def _person(store: LocalStore, n: int = 1) -> str:
    return store.people.add(person(n)).id


def _draft(store: LocalStore, person_id: str, **kw: object) -> CheckRecord:
    return store.checks.start(person_id, definition_version="1.1.0", **kw)  # type: ignore[arg-type]


def _decide(store: LocalStore, check_id: str, decisions: dict[str, dict] = DECISIONS) -> None:
    store.checks.update_draft(check_id, lambda doc: doc["decisions"].update(decisions))


def _session(store: LocalStore) -> str:
    return store.venues.start_session(store.venues.add("Test drop-in centre").id)


def _actions(store: LocalStore, record_id: str) -> list[str]:
    return [e.action for e in reversed(store.audit.entries(record_id=record_id))]


# --- drafts ------------------------------------------------------------------------------------------------


def test_a_new_draft_is_version_1_of_edition_1_with_an_empty_document(store: LocalStore) -> None:
    person_id = _person(store)
    session_id = _session(store)
    draft = _draft(store, person_id, session_id=session_id)
    assert (draft.status, draft.version, draft.edition, draft.amends_id) == ("draft", 1, 1, None)
    assert (draft.person_id, draft.session_id, draft.definition_version) == (person_id, session_id, "1.1.0")
    assert draft.document == {"answers": {}, "element_status": {}, "decisions": {}, "notes": None}
    assert draft.created_by == ADMIN and draft.finalised_at is None and draft.finalised_by is None
    stored = store.checks.get(draft.id)
    assert stored == draft
    assert _actions(store, draft.id) == ["check.start"]


def test_every_autosave_is_the_next_version_and_survives_reopening(store: LocalStore, data_dir: Path) -> None:
    draft = _draft(store, _person(store))
    first = store.checks.update_draft(draft.id, lambda doc: doc["answers"].update({"weight.weight": 82.0}))
    second = store.checks.update_draft(draft.id, lambda doc: doc["answers"].update({"weight.height": 170.0}))
    assert (first.version, second.version) == (2, 3)
    assert second.answers == {"weight.weight": 82.0, "weight.height": 170.0}
    assert second.updated_at >= first.updated_at >= draft.created_at
    assert _actions(store, draft.id) == ["check.start", "check.autosave", "check.autosave"]
    store.close()
    again = reopen(data_dir)
    try:
        stored = again.checks.get(draft.id)
        assert stored.version == 3 and stored.answers == second.answers and stored.status == "draft"
    finally:
        again.close()


def test_an_autosave_can_name_its_own_audit_action_or_none(store: LocalStore) -> None:
    draft = _draft(store, _person(store))
    store.checks.update_draft(draft.id, lambda doc: doc.update(notes="seen at home"), action="check.note")
    store.checks.update_draft(draft.id, lambda doc: doc.update(notes="seen at home."), action="")
    assert _actions(store, draft.id) == ["check.start", "check.note"]
    assert store.checks.get(draft.id).version == 3


def test_an_unknown_check_is_a_store_error(store: LocalStore) -> None:
    with pytest.raises(StoreError, match="not in the store"):
        store.checks.get("no-such-check")
    with pytest.raises(StoreError, match="not in the store"):
        store.checks.update_draft("no-such-check", lambda doc: None)
    with pytest.raises(StoreError, match="not in the store"):
        store.checks.finalise("no-such-check", [])


# --- finalising --------------------------------------------------------------------------------------------


def test_finalising_needs_a_follow_up_for_every_finding_and_names_those_still_open(store: LocalStore) -> None:
    draft = _draft(store, _person(store))
    _decide(store, draft.id, {"bp-severe": DECISIONS["bp-severe"]})
    with pytest.raises(ValidationError) as caught:
        store.checks.finalise(draft.id, FINDINGS)
    assert caught.value.item == "follow_up"
    assert caught.value.message.endswith("Still open: Smokes; Diet.")
    untitled = [{"rule_id": "pulse-irregular"}]
    with pytest.raises(ValidationError, match="Still open: pulse-irregular."):
        store.checks.finalise(draft.id, untitled)
    # nothing was written by the refused attempts
    assert store.checks.get(draft.id).status == "draft"
    assert store.checks.findings(draft.id) == [] and store.outbox.list() == []
    assert store.follow_ups.for_check(draft.id) == []


def test_finalising_writes_findings_follow_ups_the_frozen_check_and_its_outbox_item(store: LocalStore,
                                                                                     data_dir: Path) -> None:
    person_id = _person(store)
    draft = _draft(store, person_id)
    _decide(store, draft.id)
    result = store.checks.finalise(draft.id, FINDINGS)
    check = result.check
    assert (check.status, check.version, check.finalised_by) == ("finalised", 3, ADMIN)
    assert check.finalised_at == check.updated_at and check.document["findings_count"] == 3
    assert [f.position for f in result.findings] == [0, 1, 2]
    assert [f.document["rule_id"] for f in result.findings] == ["bp-severe", "smoking-current", "diet-poor"]
    assert [(f.state, f.due_on) for f in result.follow_ups] == [("open", "2026-12-03"), ("closed", None),
                                                               ("closed", None)]
    assert [f.document["decision"]["kind"] for f in result.follow_ups] == ["referral", "advice_given",
                                                                         "declined"]
    assert all(f.person_id == person_id and f.check_id == draft.id for f in result.follow_ups)
    assert [f.finding_id for f in result.follow_ups] == [f.id for f in result.findings]
    item = result.outbox_item
    assert (item.check_id, item.kind, item.state, item.attempts, item.next_attempt_at) == (
        draft.id, "check", "queued", 0, None)
    assert _actions(store, draft.id)[-1] == "check.finalise"
    store.close()
    again = reopen(data_dir)
    try:
        stored = again.checks.get(draft.id)
        assert stored == check
        assert [f.document for f in again.checks.findings(draft.id)] == [f.document for f in result.findings]
        assert sorted((f.state, f.due_on or "") for f in again.follow_ups.for_check(draft.id)) == [
            ("closed", ""), ("closed", ""), ("open", "2026-12-03")]
        assert [(i.id, i.state) for i in again.outbox.list()] == [(item.id, "queued")]
    finally:
        again.close()


def test_a_check_without_findings_finalises_and_is_queued(store: LocalStore) -> None:
    draft = _draft(store, _person(store))
    result = store.checks.finalise(draft.id, [])
    assert result.findings == [] and result.follow_ups == []
    assert result.check.document["findings_count"] == 0
    assert [i.check_id for i in store.outbox.list()] == [draft.id]


def test_a_finalised_check_cannot_be_changed_or_finalised_again(store: LocalStore) -> None:
    draft = _draft(store, _person(store))
    store.checks.finalise(draft.id, [])
    for attempt in (lambda: store.checks.update_draft(draft.id, lambda doc: None),
                    lambda: store.checks.finalise(draft.id, [])):
        with pytest.raises(ValidationError, match="finalised and cannot be changed") as caught:
            attempt()
        assert caught.value.item == draft.id
    assert len(store.outbox.list()) == 1


# --- amending ----------------------------------------------------------------------------------------------


def test_an_amendment_is_the_next_edition_copying_the_content_and_keeping_the_original(
    store: LocalStore,
) -> None:
    session_id = _session(store)
    draft = _draft(store, _person(store), session_id=session_id)
    store.checks.update_draft(draft.id, lambda doc: doc["answers"].update({"weight.weight": 82.0}))
    _decide(store, draft.id)
    original = store.checks.finalise(draft.id, FINDINGS).check
    amended = store.checks.amend(draft.id, reason="weight was in lb")
    assert (amended.status, amended.version, amended.edition, amended.amends_id) == ("draft", 1, 2, draft.id)
    assert (amended.person_id, amended.session_id, amended.definition_version) == (
        original.person_id, session_id, "1.1.0")
    assert amended.answers == {"weight.weight": 82.0}
    assert amended.document["decisions"] == original.document["decisions"]
    assert amended.document["amendment_reason"] == "weight was in lb"
    assert "findings_count" not in amended.document
    assert store.checks.get(draft.id) == original
    assert _actions(store, amended.id) == ["check.amend"]
    third = store.checks.amend(store.checks.finalise(amended.id, FINDINGS).check.id)
    assert third.edition == 3 and third.amends_id == amended.id and third.document["amendment_reason"] is None


def test_only_a_finalised_check_and_only_its_newest_version_can_be_amended(store: LocalStore) -> None:
    draft = _draft(store, _person(store))
    with pytest.raises(ValidationError, match="still a draft"):
        store.checks.amend(draft.id)
    store.checks.finalise(draft.id, [])
    newer = store.checks.amend(draft.id)
    with pytest.raises(ValidationError, match="already been amended") as caught:
        store.checks.amend(draft.id)
    assert caught.value.item == newer.id


def test_history_is_the_whole_chain_oldest_first_from_any_version(store: LocalStore) -> None:
    person_id = _person(store)
    first = _draft(store, person_id)
    store.checks.finalise(first.id, [])
    second = store.checks.amend(first.id)
    store.checks.finalise(second.id, [])
    third = store.checks.amend(second.id)
    other = _draft(store, person_id)
    for member in (first.id, second.id, third.id):
        assert [c.id for c in store.checks.history(member)] == [first.id, second.id, third.id]
        assert [c.edition for c in store.checks.history(member)] == [1, 2, 3]
    assert [c.id for c in store.checks.history(other.id)] == [other.id]


# --- listing -----------------------------------------------------------------------------------------------


def test_listing_by_person_by_status_and_owners(store: LocalStore) -> None:
    alpha, bravo = _person(store, 0), _person(store, 1)
    a1 = _draft(store, alpha)
    b1 = _draft(store, bravo)
    a2 = _draft(store, alpha)
    store.checks.finalise(a1.id, [])
    assert [c.id for c in store.checks.for_person(alpha)] == [a1.id, a2.id]
    assert [c.id for c in store.checks.for_person(bravo)] == [b1.id]
    assert store.checks.for_person("nobody") == []
    store.checks.update_draft(b1.id, lambda doc: doc.update(notes="later"))
    assert [c.id for c in store.checks.drafts()] == [a2.id, b1.id]  # least recently saved first
    assert sorted(store.checks.ids()) == sorted([a1.id, b1.id, a2.id])
    assert store.checks.ids(status="finalised") == [a1.id]
    assert sorted(store.checks.ids(status="draft")) == sorted([b1.id, a2.id])
    assert (
        store.checks.count(),
        store.checks.count(status="draft"),
        store.checks.count(status="finalised"),
    ) == (3, 2, 1)
    assert store.checks.owners([a1.id, b1.id, "unknown"]) == {a1.id: alpha, b1.id: bravo}
    assert store.checks.owners([]) == {}


def test_lineage_goes_from_a_version_back_to_the_first_without_decrypting(store: LocalStore) -> None:
    """What sync asks before building a check: whose it is, and every version it amends, newest first."""
    person_id = _person(store)
    first = _draft(store, person_id)
    store.checks.finalise(first.id, [])
    second = store.checks.amend(first.id)
    store.checks.finalise(second.id, [])
    third = store.checks.amend(second.id)
    assert store.checks.lineage(first.id) == (person_id, [first.id])
    assert store.checks.lineage(third.id) == (person_id, [third.id, second.id, first.id])
    assert store.checks.lineage("no-such-check") == (None, [])
