"""Finalising works out the findings itself: a caller cannot drop one, nor finalise a half-done check.

Real check content, real findings rules, real store: the answers are a complete synthetic
check for the registered person, with a blood pressure of 192/125 mmHg (an urgent finding,
NICE NG136 1.4) confirmed by the nurse.
"""

from __future__ import annotations

import random
import re
from datetime import date
from typing import Any

import pytest

from outreach import services
from outreach.checks.definition import CheckDefinition, load_definition
from outreach.checks.synthetic import synthetic_complete_check
from outreach.clinical.findings import RuleSet, load_rules
from outreach.errors import ValidationError
from outreach.store.local_store import LocalStore
from outreach.store.records import PersonRecord
from tests.store.conftest import person, synthetic_nhs_number


@pytest.fixture(scope="module")
def content() -> tuple[CheckDefinition, RuleSet]:
    return load_definition(), load_rules()


def _person(store: LocalStore) -> PersonRecord:
    # person(1) is female, born 1961; ethnic category A.
    return services.register_person(store, person(1, nhs_number=synthetic_nhs_number(1), ethnic_category="A"))


def _complete_answers(defn: CheckDefinition, who: PersonRecord, check_day: date) -> dict[str, Any]:
    facts = services.person_facts(who, check_day)
    answers = synthetic_complete_check(random.Random(5), defn, facts)
    answers["blood_pressure.systolic"] = {"value": 192, "confirmed": True}
    answers["blood_pressure.diastolic"] = {"value": 125, "confirmed": True}
    return answers


def _draft(store: LocalStore, defn: CheckDefinition, *, complete: bool = True) -> tuple[str, PersonRecord]:
    who = _person(store)
    services.record_consent(store, who.id, "check", True)
    check = services.start_check(store, who.id, definition_version=defn.version)
    if complete:
        services.save_answers(store, check.id, _complete_answers(defn, who, services.check_date(check)))
    return check.id, who


def _decide_all(store: LocalStore, check_id: str, defn: CheckDefinition, rules: RuleSet) -> list[str]:
    findings = services.evaluate_draft(store, check_id, definition=defn, rules=rules).findings
    decisions = {}
    for f in findings:
        service = f.suggested_services[0] if f.suggested_services else None
        if "referral" in f.allowed_follow_ups and service:
            decisions[f.rule_id] = {"kind": "referral", "service_id": service}
        else:
            decisions[f.rule_id] = {"kind": "declined", "reason": "Prefers to wait"}
    services.record_follow_up_decisions(store, check_id, decisions)
    return [f.rule_id for f in findings]


def test_the_findings_come_from_the_answers_not_from_the_caller(
    store: LocalStore, content: tuple[CheckDefinition, RuleSet]
) -> None:
    defn, rules = content
    check_id, _ = _draft(store, defn)
    expected = _decide_all(store, check_id, defn, rules)
    assert "bp-severe" in expected
    result = services.finalise_check(store, check_id, definition=defn, rules=rules)
    assert [f.rule_id for f in result.findings] == expected
    assert [f.rule_id for f in store.checks.findings(check_id)] == expected
    assert len(store.follow_ups.for_check(check_id)) == len(expected)
    assert [i.check_id for i in store.outbox.list()] == [check_id]


def test_an_urgent_finding_without_a_follow_up_blocks_finalising(
    store: LocalStore, content: tuple[CheckDefinition, RuleSet]
) -> None:
    defn, rules = content
    check_id, _ = _draft(store, defn)
    _decide_all(store, check_id, defn, rules)
    services.record_follow_up_decision(store, check_id, "bp-severe", None)
    with pytest.raises(ValidationError, match="(?i)blood pressure") as caught:
        services.finalise_check(store, check_id, definition=defn, rules=rules)
    assert caught.value.item == "follow_up"
    assert store.checks.get(check_id).status == "draft"
    assert store.outbox.list() == [] and store.checks.findings(check_id) == []


def test_a_follow_up_the_rule_does_not_allow_blocks_finalising(
    store: LocalStore, content: tuple[CheckDefinition, RuleSet]
) -> None:
    defn, rules = content
    check_id, _ = _draft(store, defn)
    _decide_all(store, check_id, defn, rules)
    # "Advice given" stores fine but does not close a same-day finding (NICE NG136 1.4).
    services.record_follow_up_decision(store, check_id, "bp-severe", {"kind": "advice_given"})
    with pytest.raises(ValidationError, match="not a follow-up for this finding"):
        services.finalise_check(store, check_id, definition=defn, rules=rules)
    assert store.outbox.list() == []


def test_a_referral_must_go_to_a_service_in_the_directory_when_one_is_given(
    store: LocalStore, content: tuple[CheckDefinition, RuleSet]
) -> None:
    defn, rules = content
    check_id, _ = _draft(store, defn)
    expected = _decide_all(store, check_id, defn, rules)
    services.record_follow_up_decision(
        store, check_id, "bp-severe", {"kind": "referral", "service_id": "closed-last-year"}
    )
    directory = {"gp-same-day", "nhs-111", "gp-practice"}
    with pytest.raises(ValidationError, match="not in the directory"):
        services.finalise_check(store, check_id, definition=defn, rules=rules, directory_ids=directory)
    services.record_follow_up_decision(
        store, check_id, "bp-severe", {"kind": "referral", "service_id": "gp-same-day"}
    )
    everything = directory | {
        s
        for f in services.evaluate_draft(store, check_id, definition=defn, rules=rules).findings
        for s in f.suggested_services
    }
    result = services.finalise_check(store, check_id, definition=defn, rules=rules, directory_ids=everything)
    assert [f.rule_id for f in result.findings] == expected


def test_an_element_not_recorded_blocks_finalising_and_is_named(
    store: LocalStore, content: tuple[CheckDefinition, RuleSet]
) -> None:
    defn, rules = content
    check_id, _ = _draft(store, defn)
    _decide_all(store, check_id, defn, rules)
    alcohol = next(e for e in defn.elements if e.id == "alcohol")
    services.save_answers(store, check_id, {alcohol.status_id: None})
    with pytest.raises(ValidationError, match=re.escape(alcohol.title)) as caught:
        services.finalise_check(store, check_id, definition=defn, rules=rules)
    assert caught.value.item == "elements"
    # Declined with a reason is recorded: the check can then be finalised.
    services.save_answers(
        store, check_id, {alcohol.status_id: "declined", alcohol.reason_id: "Did not want to"}
    )
    _decide_all(store, check_id, defn, rules)
    assert services.finalise_check(store, check_id, definition=defn, rules=rules).check.is_final


def test_an_empty_draft_cannot_be_finalised(
    store: LocalStore, content: tuple[CheckDefinition, RuleSet]
) -> None:
    defn, rules = content
    check_id, _ = _draft(store, defn, complete=False)
    with pytest.raises(ValidationError, match="Still open") as caught:
        services.finalise_check(store, check_id, definition=defn, rules=rules)
    for element in defn.elements:
        assert element.title in caught.value.message
    assert store.outbox.list() == []


def test_a_status_saved_only_as_element_status_counts(
    store: LocalStore, content: tuple[CheckDefinition, RuleSet]
) -> None:
    defn, rules = content
    check_id, _ = _draft(store, defn)
    alcohol = next(e for e in defn.elements if e.id == "alcohol")
    answers = {link: None for link in (alcohol.status_id, alcohol.reason_id, *alcohol.item_ids)}
    services.save_answers(store, check_id, answers)
    services.set_element_status(store, check_id, "alcohol", "not_possible", "Had to leave early")
    evaluation = services.evaluate_draft(store, check_id, definition=defn, rules=rules)
    state = evaluation.completeness.element("alcohol")
    assert state is not None and state.state == "not_possible"


def test_the_person_is_as_old_as_on_the_day_the_check_started(store: LocalStore) -> None:
    who = services.register_person(store, person(2, date_of_birth="1980-06-15", sex="other"))
    assert services.person_facts(who, date(2026, 6, 14)).age_years == 45
    assert services.person_facts(who, date(2026, 6, 15)).age_years == 46
    assert services.person_facts(who, date(2026, 6, 15)).sex is None  # the calculators take female or male


def test_a_finalised_check_is_not_finalised_again(
    store: LocalStore, content: tuple[CheckDefinition, RuleSet]
) -> None:
    defn, rules = content
    check_id, _ = _draft(store, defn)
    _decide_all(store, check_id, defn, rules)
    services.finalise_check(store, check_id, definition=defn, rules=rules)
    with pytest.raises(ValidationError, match="amend"):
        services.finalise_check(store, check_id, definition=defn, rules=rules)
    assert len(store.outbox.list()) == 1


def test_demo_checks_finalise_through_the_use_case_with_a_follow_up_for_every_finding(
    store: LocalStore,
) -> None:
    from outreach.demo_data import fill_demo_data

    summary = fill_demo_data(store, people=6, checks_per_person=2, seed=4)
    assert summary.checks == 12 and summary.findings > 0
    final_ids = store.checks.ids(status="finalised")
    assert len(final_ids) == 12
    for check_id in final_ids:
        findings = store.checks.findings(check_id)
        follow_ups = store.follow_ups.for_check(check_id)
        assert sorted(f.rule_id for f in findings) == sorted(u.document["rule_id"] for u in follow_ups)
