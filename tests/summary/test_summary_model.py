"""What the person's summary says, for a range of synthetic checks."""

from __future__ import annotations

import json
import random
import re

import pytest

from outreach.checks.person import PersonFacts
from outreach.checks.synthetic import synthetic_complete_check, synthetic_person
from outreach.clinical.findings import FollowUpDecision
from outreach.clinical.qrisk3 import QRISK3_DISCLAIMER
from outreach.errors import ValidationError
from outreach.resources import resource_path
from outreach.store.records import PersonDetails
from outreach.summary import build_summary, load_catalogue, measure, summary_for_person
from outreach.summary.build import MAX_BOXED_STEPS, MAX_GOING_WELL, RULE_TOPICS
from tests.summary.checks import (
    ALL_GOOD,
    CHECK_DATE,
    QRISK3_INPUTS,
    definition,
    directory,
    evaluate,
    referral_decisions,
    summary_for,
)

CAME = "You came to your health check today."
# Words that blame or that an 11-year-old would not know; none may reach the reading text.
FORBIDDEN = re.compile(r"\b(refus\w*|fail\w*|non-?complian\w*|declin\w*|poor|bad|obes\w*|hyperglyc\w*|"
                       r"hypertens\w*|QRISK\w*|AUDIT|tachycard\w*|lipid\w*|must)\b", re.IGNORECASE)

SEVERAL_FINDINGS = {
    **ALL_GOOD,
    "weight.weight": 96, "weight.waist": 104,
    "blood_pressure.systolic": 152, "blood_pressure.diastolic": 94,
    "glucose.hba1c": 44,
    "smoking.tobacco_status": "77176002", "smoking.cigarettes_per_day": 20,
    "alcohol.audit_c_q1": "audit-q1-3", "alcohol.audit_c_q2": "audit-q2-2",
    "alcohol.audit_c_q3": "audit-q3-2",
    "oral_health.status": "done", "oral_health.dentist": False, "oral_health.concern": True,
}  # fmt: skip


def reading(summary) -> str:
    return "\n".join(summary.reading_blocks())


def test_all_good_leads_with_what_is_going_well_and_asks_nothing_new() -> None:
    summary = summary_for(ALL_GOOD)
    assert summary.going_well[0].startswith(CAME)
    assert "You do not smoke." in summary.going_well
    assert "Your blood pressure is in the healthy range." in summary.going_well
    assert len(summary.going_well) == MAX_GOING_WELL
    assert summary.next_steps == ()
    assert summary.step_notes == ("You do not need to do anything new. Keep doing what you are doing.",)
    keys = [line.key for line in summary.numbers]
    assert keys == ["weight", "waist", "blood_pressure", "pulse", "sugar", "cholesterol", "alcohol"]
    bp = next(line for line in summary.numbers if line.key == "blood_pressure")
    assert (bp.value, bp.meaning) == ("118 over 76", "This is healthy.")
    assert summary.not_checked is None
    assert summary.greeting == "Hello Testperson. This is about your health check on 23 November 2026."
    assert "Testperson" in summary.closing


def test_several_findings_list_every_agreed_service_once_in_a_tight_list() -> None:
    evaluation = evaluate(SEVERAL_FINDINGS)
    found = {f.rule_id for f in evaluation.findings}
    assert {
        "bp-high",
        "bmi-raised",
        "glucose-high-risk",
        "smoking-current",
        "alcohol-increasing-risk",
        "oral-health",
    } <= found
    decisions = referral_decisions(evaluation)
    summary = summary_for(SEVERAL_FINDINGS, decisions)
    assert summary.going_well[0].startswith(CAME)
    assert not any("blood pressure" in line or "weight" in line for line in summary.going_well)
    services = {d["service_id"] for d in decisions.values() if d["kind"] == "referral"}
    assert len(summary.next_steps) == len(services) > MAX_BOXED_STEPS  # nothing agreed is left off
    assert summary.compact_steps and summary.steps_lead == "We will ask these services to help you:"
    texts = [step.text for step in summary.next_steps]
    assert "Your GP practice: your blood pressure." in texts
    assert "The NHS dental service: your teeth and gums." in texts
    assert all(step.who is None and step.when is None for step in summary.next_steps)  # no dates, no phones
    assert "Each of these services will be in touch in the next few weeks." in summary.step_notes
    assert not any("also talked" in note for note in summary.step_notes)
    # The plain meaning follows the finding.
    bp = next(line for line in summary.numbers if line.key == "blood_pressure")
    assert bp.meaning == "This is higher than it should be."
    sugar = next(line for line in summary.numbers if line.key == "sugar")
    assert sugar.value == "44 mmol/mol" and "could lead to diabetes" in sugar.meaning


def test_a_date_every_service_shares_is_said_once() -> None:
    evaluation = evaluate(SEVERAL_FINDINGS)
    decisions = referral_decisions(evaluation)
    for decision in decisions.values():
        decision["due_on"] = "2026-12-21"
    summary = summary_for(SEVERAL_FINDINGS, decisions)
    assert summary.compact_steps and all(step.when is None for step in summary.next_steps)
    assert "Each of these services will be in touch by 21 December 2026." in summary.step_notes


def test_three_steps_or_fewer_each_get_who_and_when() -> None:
    evaluation = evaluate(SEVERAL_FINDINGS)
    decisions = {f.rule_id: {"kind": "declined", "reason": "Not today"} for f in evaluation.findings}
    decisions["bp-high"] = {"kind": "referral", "service_id": "gp-practice", "due_on": "2026-12-21"}
    decisions["oral-health"] = {"kind": "referral", "service_id": "dental-access"}
    summary = summary_for(SEVERAL_FINDINGS, decisions)
    assert not summary.compact_steps and summary.steps_lead is None
    first, second = summary.next_steps
    assert first.text == "We will ask your GP practice to help you with your blood pressure."
    assert first.who == "Who will be in touch: your GP practice."
    assert first.when == "When: by 21 December 2026."
    assert second.when == "When: in the next few weeks."


def test_one_service_is_one_step_and_urgent_comes_first_with_safety_advice() -> None:
    answers = {
        **SEVERAL_FINDINGS,
        "blood_pressure.systolic": {"value": 210, "confirmed": True},
        "blood_pressure.diastolic": 110,
        "blood_pressure.pulse": 104,
    }
    evaluation = evaluate(answers)
    decisions = referral_decisions(evaluation)
    decisions["pulse-fast"] = {"kind": "referral", "service_id": "gp-practice"}
    decisions["glucose-high-risk"] = {"kind": "referral", "service_id": "gp-practice", "due_on": "2026-12-07"}
    summary = summary_for(answers, decisions)
    first = summary.next_steps[0]
    assert first.urgent and first.text == "Please see your GP practice today about your blood pressure."
    assert summary.step_notes[0].endswith("call 999.")
    assert summary.compact_steps  # six services: the tight list
    gp = next(s for s in summary.next_steps if s.text.startswith("Your GP practice"))
    assert gp.text == "Your GP practice: your heart beat and your blood sugar."
    assert gp.when == "They will be in touch by 7 December 2026."
    assert "Where there is no date, the service will be in touch in the next few weeks." in summary.step_notes


def test_advice_care_in_place_and_declined() -> None:
    evaluation = evaluate(SEVERAL_FINDINGS)
    decisions = {f.rule_id: FollowUpDecision("declined", reason="Not today") for f in evaluation.findings}
    decisions["bmi-raised"] = FollowUpDecision("advice_given")
    decisions["smoking-current"] = FollowUpDecision("advice_given")
    decisions["bp-high"] = FollowUpDecision("already_under_care")
    summary = build_summary(
        evaluation, given_name="Testperson", check_date=CHECK_DATE, decisions=decisions, services=directory()
    )
    texts = [s.text for s in summary.next_steps]
    assert texts == [
        "Keep going with the care you already have for your blood pressure.",
        "We talked about your weight and smoking.",
    ]
    assert summary.next_steps[1].tip == "Small changes to what you eat, and moving a bit more, can help."
    assert summary.next_steps[0].who is None and summary.next_steps[0].when is None
    assert "If you change your mind about anything, just ask us." in summary.step_notes
    # What was declined is not listed, and nothing blames.
    assert "drinking" not in " ".join(texts)
    assert not FORBIDDEN.search(reading(summary))


def test_declined_elements_are_named_without_blame() -> None:
    answers = {k: v for k, v in ALL_GOOD.items() if not k.startswith(("lipids.", "glucose."))}
    answers |= {
        "lipids.status": "declined",
        "lipids.reason": "Did not want a blood test",
        "glucose.status": "not_possible",
        "glucose.reason": "No equipment at this venue",
    }
    summary = summary_for(answers)
    assert summary.not_checked == (
        "Not checked today: your cholesterol and your blood sugar. You can ask for this at any time."
    )
    assert "Did not want" not in summary.all_text() and "equipment" not in summary.all_text()
    assert not FORBIDDEN.search(reading(summary))
    assert [line.key for line in summary.numbers] == ["weight", "waist", "blood_pressure", "pulse", "alcohol"]


def test_without_qrisk3_inputs_there_is_no_score_and_no_note() -> None:
    evaluation = evaluate(ALL_GOOD)
    assert evaluation.qrisk3.result is None and evaluation.qrisk3.missing
    summary = summary_for(ALL_GOOD)
    assert not summary.shows_heart_score
    assert summary.score_note is None
    assert "heart health score" not in summary.all_text()
    assert "ClinRisk" not in summary.all_text()


def test_with_qrisk3_the_score_is_in_plain_words_with_one_plain_note() -> None:
    answers = {**ALL_GOOD, **QRISK3_INPUTS}
    evaluation = evaluate(answers)
    percent = evaluation.qrisk3.risk_percent
    assert percent is not None
    summary = summary_for(answers)
    assert summary.shows_heart_score
    heart = next(line for line in summary.numbers if line.key == "heart")
    expected = max(1, int(percent + 0.5))
    assert heart.value == (f"{expected} in 100 *" if percent >= 1 else "less than 1 in 100 *")
    assert "heart attack or stroke in the next 10 years" in heart.meaning
    # The licence note is shown in full in the app; the person's page names the model in one line.
    assert (
        summary.score_note
        == "* Worked out with QRISK3-2017. Ask us if you want to read the note from its makers."
    )
    assert QRISK3_DISCLAIMER not in summary.all_text() and "ClinRisk" not in summary.all_text()
    assert "QRISK3" not in reading(summary)  # the model's name is only in the note


def test_high_heart_score_suggests_the_gp_can_help() -> None:
    answers = {
        **ALL_GOOD,
        **QRISK3_INPUTS,
        "smoking.tobacco_status": "77176002",
        "smoking.cigarettes_per_day": 25,
        "lipids.total_cholesterol": 7.0,
        "lipids.hdl": 0.9,
        "blood_pressure.systolic": 138,
        "general_health.erectile_dysfunction": False,
    }
    summary = summary_for(answers, person=PersonFacts(age_years=68, sex="male", ethnic_category="A"))
    heart = next(line for line in summary.numbers if line.key == "heart")
    assert heart.meaning.endswith("Your GP can help you bring this down.")
    assert not any("heart health score" in line for line in summary.going_well)


def test_only_the_given_name_reaches_the_page() -> None:
    person = PersonDetails(
        given_name="  Testperson  ",
        family_name="Alpha",
        date_of_birth="1974-03-09",
        nhs_number="9990000018",
        postcode="BS1 9ZZ",
        preferred_language="English",
    )
    summary = summary_for_person(
        evaluate(SEVERAL_FINDINGS),
        person,
        check_date=CHECK_DATE,
        decisions=referral_decisions(evaluate(SEVERAL_FINDINGS)),
        services=directory(),
    )
    text = summary.all_text()
    assert summary.given_name == "Testperson"
    for secret in ("Alpha", "1974", "9990000018", "999 000 0018", "BS1"):
        assert secret not in text
    with pytest.raises(ValidationError):
        summary_for_person(evaluate(ALL_GOOD), {"given_name": "Testperson"}, check_date=CHECK_DATE)  # type: ignore[arg-type]


def test_a_long_name_is_cut_between_words() -> None:
    summary = summary_for(ALL_GOOD, given_name="Testperson Maximilianus Bartholomew Example")
    assert summary.given_name == "Testperson Maximilianus Bartholomew"
    summary = summary_for(ALL_GOOD, given_name="T" * 60)
    assert summary.given_name == "T" * 40


def test_no_name_still_reads_well() -> None:
    summary = summary_for(ALL_GOOD, given_name="   ")
    assert summary.given_name is None
    assert summary.greeting == "This is about your health check on 23 November 2026."
    assert summary.closing.startswith("Thank you for your time today.")


def test_bad_decision_shape_is_a_clear_error() -> None:
    evaluation = evaluate(SEVERAL_FINDINGS)
    rule = evaluation.findings[0].rule_id
    with pytest.raises(ValidationError) as err:
        build_summary(
            evaluation,
            given_name="Testperson",
            check_date=CHECK_DATE,
            decisions={rule: {"kind": "referral", "service_id": "gp-practice", "due_on": "31/02/2026"}},
        )
    assert err.value.item == rule


def test_every_rule_and_service_has_words_for_the_person() -> None:
    words = load_catalogue()
    rules = json.loads(resource_path("rules", "findings.json").read_text(encoding="utf-8"))["rules"]
    for rule in rules:
        topic = RULE_TOPICS.get(rule["id"])
        assert topic, f"rule {rule['id']} has no topic for the summary"
        assert words.own(f"topic.{topic}")
    for service_id in directory().services:
        assert words.own(f"service.{service_id}"), service_id


@pytest.mark.parametrize("seed", range(40))
def test_synthetic_checks_follow_the_content_rules_and_read_at_age_eleven(seed: int) -> None:
    rng = random.Random(seed)
    person = synthetic_person(rng)
    answers = synthetic_complete_check(rng, definition(), person)
    summary = summary_for(answers, person=person)
    assert summary.going_well[0].startswith(CAME)
    assert 1 <= len(summary.going_well) <= MAX_GOING_WELL
    urgent = [s.urgent for s in summary.next_steps]
    assert urgent == sorted(urgent, reverse=True)  # urgent steps first
    assert summary.shows_heart_score == (summary.score_note is not None)
    assert QRISK3_DISCLAIMER not in summary.all_text()
    assert not FORBIDDEN.search(reading(summary))
    score = measure(summary.reading_blocks())
    # Reading age 11 = US grade 6; Flesch reading ease 70+ is "fairly easy" or easier.
    assert score.grade <= 6, (score, reading(summary))
    assert score.reading_ease >= 70, (score, reading(summary))
    longest = max(
        len(re.findall(r"[A-Za-z0-9']+", s)) for s in re.split(r"(?<=[.!?])\s+|\n", reading(summary))
    )
    assert longest <= 25  # no long sentences
