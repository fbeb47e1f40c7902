"""The full AUDIT: offered (not forced) when AUDIT-C is 5 or more, scored 0-40, banded, and a score of
20 or more raising the possible-dependence finding instead of the AUDIT-C ones."""

from __future__ import annotations

from typing import Any

import pytest

from outreach.checks.context import finalise_blockers
from outreach.checks.definition import default_definition
from outreach.checks.evaluation import evaluate_check
from outreach.checks.person import PersonFacts
from outreach.clinical import audit
from outreach.clinical.audit_c import HIGHER_RISK, INCREASING_RISK, LOWER_RISK, POSSIBLE_DEPENDENCE
from outreach.clinical.findings import load_rules
from outreach.errors import CalculationError

DEFN = default_definition()
RULES = load_rules()
WHO = PersonFacts(40, "female", "A")


@pytest.mark.parametrize(("score", "band"), [
    (0, LOWER_RISK), (7, LOWER_RISK), (8, INCREASING_RISK), (15, INCREASING_RISK), (16, HIGHER_RISK),
    (19, HIGHER_RISK), (20, POSSIBLE_DEPENDENCE), (40, POSSIBLE_DEPENDENCE),
])
def test_bands_each_side_of_8_16_and_20(score: int, band: str) -> None:
    assert audit.audit_band(score) == band


def test_questions_9_and_10_score_0_2_or_4() -> None:
    assert audit.score_audit([4] * 8 + [4, 4]).score == 40
    with pytest.raises(CalculationError, match="question 9"):
        audit.score_audit([1] * 8 + [1, 0])
    with pytest.raises(CalculationError):
        audit.score_audit([1] * 9)


def _answers(c: tuple[int, int, int], rest: tuple[int, ...] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"alcohol.status": "done", "alcohol.audit_c_q1": f"audit-q1-{c[0]}",
                           "alcohol.audit_c_q2": f"audit-q2-{c[1]}", "alcohol.audit_c_q3": f"audit-q3-{c[2]}"}
    if rest is not None:
        out["alcohol.full_audit"] = True
        out.update(
            {f"alcohol.audit_q{n}": f"audit-q{n}-{v}" for n, v in zip(range(4, 11), rest, strict=True)}
        )
    return out


@pytest.mark.parametrize(("c", "offer"), [((2, 1, 1), False), ((2, 2, 1), True), ((4, 4, 4), True)])
def test_offered_when_audit_c_is_5_or_more(c: tuple[int, int, int], offer: bool) -> None:
    ev = evaluate_check(DEFN, _answers(c), WHO, RULES)
    assert ev.facts["audit_c_score"] == sum(c)
    assert ev.facts["full_audit_offer"] is offer
    # Offered, not forced: the element is recorded without it and nothing blocks finalising for it.
    assert ev.completeness.element("alcohol").recorded
    assert not [
        b
        for b in finalise_blockers(ev, {})
        if b.kind in ("element", "answer") and b.subject.startswith("alcohol")
    ]


def test_once_started_the_seven_questions_are_needed() -> None:
    answers = _answers((3, 2, 1))
    answers["alcohol.full_audit"] = True
    assert not evaluate_check(DEFN, answers, WHO, RULES).completeness.element("alcohol").recorded


@pytest.mark.parametrize(
    ("rest", "score", "rules"),
    [
        ((2, 1, 1, 1, 2, 2, 2), 19, {"alcohol-higher-risk"}),
        ((2, 1, 1, 1, 3, 2, 2), 20, {"alcohol-possible-dependence"}),
    ],
)
def test_20_or_more_raises_possible_dependence_and_only_that(
    rest: tuple[int, ...], score: int, rules: set[str]
) -> None:
    ev = evaluate_check(DEFN, _answers((2, 2, 4), rest), WHO, RULES)
    assert ev.facts["audit_score"] == score and ev.calculators["audit"].score == score
    assert {f.rule_id for f in ev.findings if f.rule_id.startswith("alcohol")} == rules


def test_the_full_audit_score_is_sent() -> None:
    from outreach.fhir.bundle import check_bundle
    from tests.checks.test_evaluation import full_check
    from tests.fhir.factories import SENDER, consents, finalised_check, person

    p = person(1)
    answers = full_check(**_answers((2, 2, 4), (2, 1, 1, 1, 3, 2, 2)))
    check, findings, follow_ups = finalised_check(3, p, answers=answers)
    bundle = check_bundle(
        check, p, findings=findings, follow_ups=follow_ups, consents=consents(p), sender=SENDER
    ).bundle
    sent = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and any(c.get("code") == "443280005" for c in e["resource"]["code"]["coding"])
    ]
    assert [o["valueQuantity"]["value"] for o in sent] == [20]
