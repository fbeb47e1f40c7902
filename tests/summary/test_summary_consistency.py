"""Nothing on the person's summary contradicts another line, and nothing agreed is left off.

The page once said "Your cholesterol does not need any action now" (total 6.2, HDL 1.0) beside
"We will ask your GP practice to help you with your heart health" (QRISK3 19%), and left two
agreed referrals, the care-plan goals and a number to call off the page. These tests hold the
page to the rules in outreach.summary.consistency over many synthetic checks.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach.checks.person import PersonFacts
from outreach.checks.synthetic import synthetic_complete_check, synthetic_person
from outreach.resources import resource_path
from outreach.summary import PersonSummary, build_summary, measure
from outreach.summary.build import topic_of
from outreach.summary.consistency import CLAIMS, Claim, contradictions, page_claims
from tests.summary.checks import (
    ALL_GOOD,
    CHECK_DATE,
    QRISK3_INPUTS,
    definition,
    directory,
    evaluate,
    summary_for,
)

# The check from the report: a man in his fifties who smokes, on an antipsychotic with side effects,
# total cholesterol 6.2 and HDL 1.0, a heart health score well over 10 in 100, a flu jab due.
REPORTED = {
    **ALL_GOOD, **QRISK3_INPUTS,
    "lipids.total_cholesterol": 6.2, "lipids.hdl": 1.0,
    "smoking.tobacco_status": "77176002", "smoking.cigarettes_per_day": 15,
    "blood_pressure.systolic": 146, "blood_pressure.diastolic": 88,
    "weight.weight": 92, "weight.waist": 106, "glucose.hba1c": 44,
    "alcohol.audit_c_q1": "audit-q1-3", "alcohol.audit_c_q2": "audit-q2-2",
    "alcohol.audit_c_q3": "audit-q3-2",
    "medication.antipsychotic": True, "medication.side_effects": True,
    "general_health.erectile_dysfunction": False,
    "screening.status": "done", "screening.flu": "vacc-due",
    "oral_health.status": "done", "oral_health.dentist": False, "oral_health.concern": True,
    "care_plan.status": "done", "care_plan.agreed": True, "care_plan.shared_with_gp": True,
    "care_plan.goals": "Walk to the shops three times a week\nSwap fizzy drinks for water; Try the stop "
                       "smoking group",
    "care_plan.review_date": "2027-02-23",
}  # fmt: skip
MAN = PersonFacts(age_years=55, sex="male", ethnic_category="A")
SERVICES = {  # the follow-ups agreed in the report: every finding referred to a named service
    "bp-high": "gp-practice", "qrisk3-10-percent": "gp-practice", "bmi-raised": "weight-management",
    "waist-high": "weight-management", "glucose-high-risk": "ndpp", "smoking-current": "stop-smoking-bnssg",
    "smoking-antipsychotic": "mental-health-team", "alcohol-increasing-risk": "alcohol-service",
    "medication-side-effects": "mental-health-team", "vaccinations-due": "community-pharmacy",
    "oral-health": "dental-access",
}  # fmt: skip


def reported_summary(**options: Any) -> PersonSummary:
    evaluation = evaluate(REPORTED, MAN)
    decisions = {
        f.rule_id: {"kind": "referral", "service_id": SERVICES[f.rule_id]} for f in evaluation.findings
    }
    return build_summary(
        evaluation,
        given_name="Testperson",
        check_date=CHECK_DATE,
        decisions=decisions,
        services=directory(),
        worker="Sam Example",
        organisation="Example Outreach Team",
        **options,
    )


def claims_of(summary: PersonSummary) -> list[tuple[str, Claim]]:
    return page_claims(summary.phrase_keys, [(s.kind, s.topics) for s in summary.next_steps])


def test_the_reported_page_no_longer_says_cholesterol_needs_nothing_beside_heart_help() -> None:
    evaluation = evaluate(REPORTED, MAN)
    assert evaluation.qrisk3.risk_percent is not None and evaluation.qrisk3.risk_percent >= 10
    assert not {"cholesterol-high", "cholesterol-very-high"} & {f.rule_id for f in evaluation.findings}
    summary = reported_summary(organisation_phone="0117 496 0000")
    text = summary.all_text()
    assert "does not need any action" not in text
    cholesterol = next(line for line in summary.numbers if line.key == "cholesterol")
    assert cholesterol.meaning == "This is above the healthy level. It adds to your heart health score."
    heart = next(line for line in summary.numbers if line.key == "heart")
    assert heart.meaning.endswith("Your GP can help you bring this down.")
    assert "Your GP practice: your blood pressure and your heart health." in [
        s.text for s in summary.next_steps
    ]
    assert contradictions(claims_of(summary)) == []


def test_every_agreed_referral_goal_and_a_number_to_call_are_on_the_page() -> None:
    summary = reported_summary(organisation_phone="0117 496 0000")
    texts = [s.text for s in summary.next_steps]
    assert len(texts) == len(set(SERVICES.values())) == 8  # one line per service, none left off
    assert (
        "Your mental health team: how smoking affects your medicine and side effects of your medicine."
        in texts
    )
    assert "Your local pharmacy: your jabs." in texts
    assert summary.goals == (
        "Walk to the shops three times a week",
        "Swap fizzy drinks for water",
        "Try the stop smoking group",
    )
    assert summary.goals_note == "We will look at your plan together again on 23 February 2027."
    assert "Questions? Call Example Outreach Team on 0117 496 0000." in summary.footer


def test_without_a_service_number_the_page_still_gives_one_to_call() -> None:
    summary = reported_summary()
    assert "Questions? Ask your GP practice, or call NHS 111 for health advice at any time." in summary.footer


def test_goals_only_when_a_plan_was_agreed_and_a_past_review_date_is_not_printed() -> None:
    summary = summary_for({**REPORTED, "care_plan.review_date": "2026-01-02"}, person=MAN)
    assert summary.goals and summary.goals_note is None
    not_agreed = {k: v for k, v in REPORTED.items() if k not in ("care_plan.goals", "care_plan.review_date")}
    summary = summary_for({**not_agreed, "care_plan.agreed": False}, person=MAN)
    assert summary.goals == () and summary.goals_heading == ""


def test_the_rules_catch_the_reported_contradiction() -> None:
    reported = [("cholesterol", Claim.NO_ACTION), ("heart", Claim.ACTION)]
    assert contradictions(reported)
    assert contradictions([("blood_pressure", Claim.NO_ACTION), ("blood_pressure", Claim.ACTION)])
    assert contradictions([("*", Claim.NO_ACTION), ("teeth", Claim.ACTION)])
    assert contradictions([("weight", Claim.NO_ACTION), ("weight", Claim.CONCERN)])
    assert not contradictions(
        [("weight", Claim.CONCERN), ("pulse", Claim.NO_ACTION), ("heart", Claim.ACTION)]
    )


def test_every_phrase_that_judges_a_topic_has_a_claim() -> None:
    """A new "going well" line or a new meaning for a number must say what it claims, or the rules miss it."""
    messages = json.loads(resource_path("templates", "summary.en-GB.json").read_text(encoding="utf-8"))[
        "messages"
    ]
    judging = [
        key
        for key in messages
        if (key.startswith("going_well.") and key not in ("going_well.came", "going_well.plan"))
        or (
            key.count(".") == 2
            and key.startswith("number.")
            and not key.startswith(("number.heart.meaning", "number.bmi.none"))
        )
    ]
    assert judging and [key for key in judging if key not in CLAIMS] == []
    assert [key for key in CLAIMS if key not in messages] == []


@st.composite
def checks_with_decisions(draw: st.DrawFn) -> tuple[Any, dict[str, Any], PersonFacts]:
    """A synthetic check (varied further on the lipids that caused the report) and a follow-up for each finding."""
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    person = synthetic_person(rng)
    answers = synthetic_complete_check(rng, definition(), person)
    if answers.get("lipids.status") == "done" and draw(st.booleans()):
        answers["lipids.total_cholesterol"] = draw(st.sampled_from([3.9, 4.8, 5.0, 5.4, 6.2, 7.4, 7.6, 9.2]))
        answers["lipids.hdl"] = draw(st.sampled_from([0.8, 1.0, 1.1, 1.3, 1.9]))
    evaluation = evaluate(answers, person)
    decisions: dict[str, Any] = {}
    all_services = sorted(directory().services)
    for finding in evaluation.findings:
        kind = draw(st.sampled_from([*finding.allowed_follow_ups, None]))
        if kind is None:
            continue
        decision: dict[str, Any] = {"kind": kind, "reason": "Agreed"}
        if kind == "referral":
            decision["service_id"] = draw(st.sampled_from(list(finding.suggested_services) or all_services))
            if draw(st.booleans()):
                decision["due_on"] = (CHECK_DATE + dt.timedelta(days=draw(st.integers(0, 60)))).isoformat()
        decisions[finding.rule_id] = decision
    return evaluation, decisions, person


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(checks_with_decisions())
def test_no_synthetic_page_contradicts_itself_or_drops_an_agreed_step(
    case: tuple[Any, dict[str, Any], Any],
) -> None:
    evaluation, decisions, _person = case
    summary = build_summary(
        evaluation,
        given_name="Testperson",
        check_date=CHECK_DATE,
        decisions=decisions,
        services=directory(),
        worker="Sam Example",
        organisation="Example Outreach Team",
        organisation_phone="0117 496 0000",
    )
    # No topic is both "no action" and "action" (or "not healthy"), cholesterol judged with the heart score.
    assert contradictions(claims_of(summary)) == [], "\n".join(summary.reading_blocks())
    # Every agreed follow-up is on the page, under its service.
    agreed = {
        (d["kind"], d.get("service_id") if d["kind"] == "referral" else None)
        for d in decisions.values()
        if d["kind"] in ("referral", "advice_given", "already_under_care")
    }
    assert len(summary.next_steps) == len(agreed)
    shown_topics = {t for step in summary.next_steps for t in step.topics}
    assert {
        topic_of(rule)
        for rule, d in decisions.items()
        if d["kind"] in ("referral", "advice_given", "already_under_care")
    } == shown_topics
    # Still words an 11-year-old can read.
    score = measure(summary.reading_blocks())
    assert score.grade <= 6 and score.reading_ease >= 70, score
