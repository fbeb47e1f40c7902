"""Use cases as the UI calls them, and searching people without plain text on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach import services
from outreach.errors import ConflictError, ValidationError
from outreach.store.local_store import LocalStore
from outreach.store.records import PersonDetails
from outreach.store.search_index import PeopleIndex, PersonHit, parse_date
from tests.store.conftest import person, reopen, synthetic_nhs_number


def test_register_validates_in_words_for_the_worker(store: LocalStore) -> None:
    cases = [
        (person(0, given_name="  "), "given_name"),
        (person(0, family_name=""), "family_name"),
        (person(0, date_of_birth="1980-02-30"), "date_of_birth"),
        (person(0, date_of_birth="2999-01-01"), "date_of_birth"),
        (person(0, sex="x"), "sex"),
        (person(0, nhs_number="9990000001"), "nhs_number"),
    ]
    for details, item in cases:
        with pytest.raises(ValidationError) as caught:
            services.register_person(store, details)
        assert caught.value.item == item
    assert store.people.count() == 0


def test_register_normalises_and_refuses_a_second_person_with_the_same_nhs_number(store: LocalStore) -> None:
    nhs = synthetic_nhs_number(5)
    spaced = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
    p = services.register_person(store, person(0, nhs_number=spaced, given_name=" Testperson ", sex="Female"))
    assert p.details.nhs_number == nhs and p.details.given_name == "Testperson" and p.details.sex == "female"
    with pytest.raises(ValidationError, match="already registered"):
        services.register_person(store, person(1, nhs_number=nhs))
    dupes = services.possible_duplicates(store, person(0, nhs_number=None))
    assert [d.id for d in dupes] == [p.id]


def test_search_by_name_prefix_date_and_nhs_number(store: LocalStore, data_dir: Path) -> None:
    a = services.register_person(
        store, PersonDetails("Testperson", "Alpha", "1970-01-02", "female", synthetic_nhs_number(11))
    )
    b = services.register_person(store, PersonDetails("Zoë", "O'Neil-Testperson", "1985-12-31", "male"))
    services.register_person(store, PersonDetails("Testperson", "Alphonse", "1970-01-03", "male"))
    assert {h.id for h in services.find_people(store, "alp")} == {
        a.id,
        store.people_index.search("alphonse")[0].id,
    }
    assert [h.id for h in services.find_people(store, "alp test 1970-01-02")] == [a.id]
    assert [h.id for h in services.find_people(store, "02/01/1970")] == [a.id]
    assert [h.id for h in services.find_people(store, "zoe")] == [b.id]  # accents folded
    assert [h.id for h in services.find_people(store, "oneil")] == [b.id]
    assert [h.id for h in services.find_people(store, "neil zo")] == [b.id]
    nhs = synthetic_nhs_number(11)
    assert [h.id for h in services.find_people(store, f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}")] == [a.id]
    assert services.find_people(store, "nobody") == []
    assert services.find_people(store, "") == []
    store.close()
    s = reopen(data_dir)  # the index is rebuilt from the encrypted rows at unlock
    try:
        assert [h.id for h in services.find_people(s, "alpha")] == [a.id]
    finally:
        s.close()


def test_index_follows_updates_and_ignores_rolled_back_writes(store: LocalStore) -> None:
    p = services.register_person(store, person(0))
    services.update_person(store, p.id, person(0, family_name="Renamedperson"), expected_version=1)
    assert services.find_people(store, "alpha") == []
    assert [h.id for h in services.find_people(store, "renamed")] == [p.id]
    with pytest.raises(ConflictError):
        services.update_person(store, p.id, person(0, family_name="Stale"), expected_version=1)
    with pytest.raises(RuntimeError), store.db.write():
        services.register_person(store, person(3, family_name="Ghostperson"))
        raise RuntimeError("rolled back")
    assert services.find_people(store, "ghost") == []
    assert store.people.count() == 1


def test_element_status_and_answers_autosave(store: LocalStore) -> None:
    p = services.register_person(store, person(0))
    services.record_consent(store, p.id, "check", True)
    check = services.start_check(store, p.id, definition_version="1.0.0")
    with pytest.raises(ValidationError, match="reason"):
        services.set_element_status(store, check.id, "lipids", "declined")
    services.set_element_status(store, check.id, "lipids", "not_possible", reason="No equipment")
    services.save_answers(store, check.id, {"weight.weight": 81.5, "weight.height": 172})
    services.save_answer(store, check.id, "weight.height", None)
    loaded = services.load_check(store, check.id)
    assert loaded.answers == {"weight.weight": 81.5}
    assert loaded.element_status == {"lipids": {"status": "not_possible", "reason": "No equipment"}}
    assert loaded.version == 4  # one row version per autosave
    with pytest.raises(ValidationError):
        services.save_answer(store, check.id, "x", object())


def test_follow_up_decisions_are_checked(store: LocalStore) -> None:
    p = services.register_person(store, person(0))
    services.record_consent(store, p.id, "check", True)
    check = services.start_check(store, p.id, definition_version="1.0.0")
    with pytest.raises(ValidationError, match="service"):
        services.record_follow_up_decision(store, check.id, "bp", {"kind": "referral"})
    with pytest.raises(ValidationError, match="reason"):
        services.record_follow_up_decision(store, check.id, "bp", {"kind": "declined"})
    with pytest.raises(ValidationError):
        services.record_follow_up_decision(store, check.id, "bp", {"kind": "ignore"})
    from outreach.clinical.findings import FollowUpDecision

    services.record_follow_up_decision(
        store, check.id, "bp", FollowUpDecision(kind="advice_given", note="leaflet")
    )
    assert services.load_check(store, check.id).decisions["bp"]["kind"] == "advice_given"


def test_real_findings_from_the_evaluation_can_be_finalised(store: LocalStore) -> None:
    import random

    from outreach.checks.definition import load_definition
    from outreach.checks.synthetic import synthetic_complete_check
    from outreach.clinical.findings import load_rules

    defn, rules = load_definition(), load_rules()
    p = services.register_person(store, person(0, ethnic_category="A"))
    services.record_consent(store, p.id, "check", True)
    check = services.start_check(store, p.id, definition_version=defn.version)
    who = services.person_facts(p, services.check_date(check))
    answers = synthetic_complete_check(random.Random(3), defn, who)
    services.save_answers(store, check.id, answers)
    findings = services.evaluate_draft(store, check.id, definition=defn, rules=rules).findings
    assert findings  # the seed gives a check with something to follow up
    services.record_follow_up_decisions(
        store, check.id, {f.rule_id: {"kind": "declined", "reason": "Will think about it"} for f in findings}
    )
    result = services.finalise_check(store, check.id, definition=defn, rules=rules)
    stored = services.load_findings(store, check.id)
    assert [f.rule_id for f in stored] == [f.rule_id for f in findings]
    assert len(result.follow_ups) == len(findings)
    assert services.load_check(store, check.id).answers == answers


def test_people_index_unit() -> None:
    index = PeopleIndex()
    index.bulk_load(
        [
            PersonHit("1", "Testperson", "Alpha", "1970-01-01", None),
            PersonHit("2", "Testperson", "Bravo", "1970-01-01", None),
        ]
    )
    assert [h.id for h in index.search("1970-01-01")] == ["1", "2"]
    index.remove("1")
    assert [h.id for h in index.search("testperson")] == ["2"]
    index.put(PersonHit("2", "Testperson", "Charlie", "1971-01-01", None))
    assert index.search("bravo") == [] and [h.id for h in index.search("char")] == ["2"]
    assert parse_date("31/12/1999") == "1999-12-31" and parse_date("31/02/1999") is None
