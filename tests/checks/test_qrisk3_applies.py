"""QRISK3 only where it applies (NICE NG238): existing cardiovascular disease, type 1 diabetes, a statin
already taken, age outside 25-84. Where it does not apply the check says so plainly, shows no score,
sends none, and raises the finding that says what to do instead."""

from __future__ import annotations

from typing import Any

import pytest

from outreach.checks.definition import default_definition
from outreach.checks.evaluation import evaluate_check
from outreach.checks.person import PersonFacts
from outreach.clinical.findings import load_rules
from tests.checks.test_evaluation import full_check

DEFN = default_definition()
RULES = load_rules()


def _evaluate(age: int = 56, **changes: Any) -> Any:
    return evaluate_check(DEFN, full_check(**changes), PersonFacts(age, "male", "A"), RULES)


def _rules(ev: Any) -> set[str]:
    return {f.rule_id for f in ev.findings}


def test_a_score_when_it_applies() -> None:
    ev = _evaluate()
    assert ev.qrisk3.applies and ev.qrisk3.result is not None
    assert not _rules(ev) & {"cvd-existing", "cvd-type1-diabetes", "cvd-on-statin", "cvd-age-85-plus"}


@pytest.mark.parametrize(("changes", "age", "code", "rule"), [
    ({"general_health.existing_cvd": True}, 56, "existing_cvd", "cvd-existing"),
    ({"general_health.diabetes": "diabetes-type1"}, 56, "type1_diabetes", "cvd-type1-diabetes"),
    ({"general_health.statin": True}, 56, "on_statin", "cvd-on-statin"),
    ({}, 85, "age_85_plus", "cvd-age-85-plus"),
    ({}, 24, "age_under_25", None),
])
def test_each_exclusion_says_so_and_raises_the_right_finding(changes: dict, age: int, code: str,
                                                             rule: str | None) -> None:
    ev = _evaluate(age, **changes)
    assert ev.qrisk3.result is None and not ev.qrisk3.applies
    assert ev.qrisk3.not_applicable == code and ev.qrisk3.note
    assert "qrisk3_percent" not in ev.facts and "qrisk3" not in ev.calculators
    assert "qrisk3-10-percent" not in _rules(ev)
    found = _rules(ev) & {"cvd-existing", "cvd-type1-diabetes", "cvd-on-statin", "cvd-age-85-plus"}
    assert found == ({rule} if rule else set())


@pytest.mark.parametrize(("age", "applies"), [(24, False), (25, True), (84, True), (85, False)])
def test_age_boundaries(age: int, applies: bool) -> None:
    assert _evaluate(age).qrisk3.applies is applies


def test_existing_cvd_comes_first_and_only_one_finding_is_raised() -> None:
    ev = _evaluate(90, **{"general_health.existing_cvd": True, "general_health.statin": True,
                          "general_health.diabetes": "diabetes-type1"})
    assert ev.qrisk3.not_applicable == "existing_cvd"
    assert {r for r in _rules(ev) if r.startswith("cvd-")} == {"cvd-existing"}


def test_no_score_until_it_is_known_whether_it_applies() -> None:
    ev = _evaluate(**{"general_health.existing_cvd": None, "general_health.statin": None})
    assert ev.qrisk3.result is None and ev.qrisk3.applies
    assert ev.qrisk3.missing[:2] == (
        "heart attack, angina, stroke or TIA (yes or no)",
        "whether they take a statin",
    )


def test_no_qrisk3_observation_is_sent_where_it_does_not_apply() -> None:
    from outreach.fhir.bundle import check_bundle
    from tests.fhir.factories import SENDER, consents, finalised_check, person

    p = person(1)
    for changes, sent in (({}, True), ({"general_health.existing_cvd": True}, False)):
        check, findings, follow_ups = finalised_check(3, p, answers=full_check(**changes))
        bundle = check_bundle(
            check, p, findings=findings, follow_ups=follow_ups, consents=consents(p), sender=SENDER
        ).bundle
        qrisk = [
            e
            for e in bundle["entry"]
            if e["resource"]["resourceType"] == "Observation"
            and any(c.get("code") == "1085871000000105" for c in e["resource"]["code"]["coding"])
        ]
        assert bool(qrisk) is sent
