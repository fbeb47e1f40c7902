"""enableWhen, applicability and completeness over a whole answer set."""

from __future__ import annotations

from typing import Any

import pytest

from outreach.checks.answers import SoftLimitWarning
from outreach.checks.completeness import check_completeness
from outreach.checks.definition import CheckDefinition, parse_definition
from outreach.checks.person import PersonFacts
from outreach.checks.review import review_answers
from outreach.errors import DefinitionError
from tests.checks.conftest import find

NEVER, EX, CURRENT = "266919005", "8517006", "77176002"
ADULT_MAN = PersonFacts(45, "male", "A")
ADULT_WOMAN = PersonFacts(45, "female", "A")


def core_done() -> dict[str, Any]:
    return {
        "weight.status": "done", "weight.height": 170, "weight.weight": 80,
        "blood_pressure.status": "done", "blood_pressure.irregular": False, "blood_pressure.systolic": 128,
        "blood_pressure.diastolic": 80, "blood_pressure.pulse": 70,
        "lipids.status": "done", "lipids.fasting": False, "lipids.total_cholesterol": 5.1, "lipids.hdl": 1.3,
        "glucose.status": "done", "glucose.hba1c": 38,
        "alcohol.status": "done", "alcohol.audit_c_q1": "audit-q1-0",
        "smoking.status": "done", "smoking.tobacco_status": NEVER, "smoking.ecigarette": False,
    }


# -- enableWhen ------------------------------------------------------------------------
def test_cigarettes_a_day_only_for_current_smokers(defn: CheckDefinition) -> None:
    answers = {"smoking.status": "done", "smoking.tobacco_status": NEVER, "smoking.cigarettes_per_day": 20}
    review = review_answers(defn, answers)
    assert "smoking.cigarettes_per_day" not in review.enabled
    assert "smoking.cigarettes_per_day" not in review.values
    assert review.ignored == ("smoking.cigarettes_per_day",)
    answers["smoking.tobacco_status"] = CURRENT
    review = review_answers(defn, answers)
    assert review.values["smoking.cigarettes_per_day"] == 20 and review.ignored == ()


def test_switched_off_answers_are_not_validated(defn: CheckDefinition) -> None:
    review = review_answers(defn, {"smoking.status": "done", "smoking.tobacco_status": EX,
                                   "smoking.cigarettes_per_day": "lots"})
    assert review.problems == {} and review.ignored == ("smoking.cigarettes_per_day",)


def test_status_switches_details_and_reason(defn: CheckDefinition) -> None:
    review = review_answers(defn, {"weight.status": "declined", "weight.reason": "No", "weight.weight": 80})
    assert {"weight.reason"} <= review.enabled
    assert not {"weight.details", "weight.weight"} & review.enabled
    assert review.ignored == ("weight.weight",)
    review = review_answers(defn, {"weight.status": "done", "weight.reason": "No", "weight.weight": 80})
    assert "weight.reason" not in review.enabled and review.values["weight.weight"] == 80
    # no status yet: neither the details nor the reason are asked
    review = review_answers(defn, {})
    assert "weight.details" not in review.enabled and "weight.reason" not in review.enabled
    assert "weight.status" in review.enabled


def test_not_equal_is_true_when_unanswered(defn: CheckDefinition) -> None:
    """FHIR R4: '!=' holds when no answer equals the value, so AUDIT-C Q2 shows until Q1 says never."""
    base = {"alcohol.status": "done"}
    assert "alcohol.audit_c_q2" in review_answers(defn, base).enabled
    never = review_answers(defn, {**base, "alcohol.audit_c_q1": "audit-q1-0"})
    assert "alcohol.audit_c_q2" not in never.enabled and "alcohol.audit_c_q3" not in never.enabled
    weekly = review_answers(defn, {**base, "alcohol.audit_c_q1": "audit-q1-3"})
    assert {"alcohol.audit_c_q2", "alcohol.audit_c_q3"} <= weekly.enabled


def test_invalid_answer_counts_as_not_valued(defn: CheckDefinition) -> None:
    review = review_answers(defn, {"weight.status": "maybe", "weight.weight": 80})
    assert "weight.status" in review.problems and "weight.details" not in review.enabled


def test_numeric_and_exists_operators(raw: dict[str, Any]) -> None:
    find(raw, "weight.waist")["enableWhen"] = [
        {"question": "weight.weight", "operator": ">=", "answerDecimal": 100}]
    find(raw, "weight.previous_weight")["enableWhen"] = [
        {"question": "weight.weight", "operator": "exists", "answerBoolean": True}]
    defn = parse_definition(raw)
    base = {"weight.status": "done"}
    assert not {"weight.waist", "weight.previous_weight"} & review_answers(defn, base).enabled
    light = review_answers(defn, {**base, "weight.weight": 99.9}).enabled
    assert "weight.previous_weight" in light and "weight.waist" not in light
    assert "weight.waist" in review_answers(defn, {**base, "weight.weight": 100}).enabled


def test_a_third_blood_pressure_reading_is_asked_only_when_the_first_two_differ(
    defn: CheckDefinition,
) -> None:
    """NICE NG136 1.2: a second reading at 140/90 or more, a third only if the first two differ by more
    than 10 mmHg (a rule enableWhen alone cannot say: it compares two answers with each other)."""
    third = {"blood_pressure.third_reading", "blood_pressure.systolic_3", "blood_pressure.diastolic_3"}
    first = {"blood_pressure.status": "done", "blood_pressure.systolic": 150, "blood_pressure.diastolic": 95}
    assert not third & review_answers(defn, first).enabled  # no second reading yet
    close = {**first, "blood_pressure.systolic_2": 146, "blood_pressure.diastolic_2": 92}
    assert not third & review_answers(defn, close).enabled
    for systolic_2, diastolic_2 in ((139, 92), (146, 84)):  # 11 mmHg apart, systolic or diastolic
        apart = {**first, "blood_pressure.systolic_2": systolic_2, "blood_pressure.diastolic_2": diastolic_2}
        assert third <= review_answers(defn, apart).enabled, (systolic_2, diastolic_2)
    half = {**first, "blood_pressure.systolic_2": 160}  # half a second reading: no third yet
    assert not third & review_answers(defn, half).enabled
    # A third reading typed before the second was corrected is kept but no longer counts.
    kept = review_answers(defn, {**close, "blood_pressure.systolic_3": 120, "blood_pressure.diastolic_3": 80})
    assert "blood_pressure.systolic_3" not in kept.values and "blood_pressure.systolic_3" in kept.ignored


def test_an_unknown_enable_rule_is_refused_by_name(raw: dict[str, Any]) -> None:
    find(raw, "weight.waist").setdefault("extension", []).append(
        {"url": "https://outreach-health-checks.org/fhir/StructureDefinition/check-enable-when-rule",
         "valueCode": "moon-phase"})
    refused = r"weight.waist.*'moon-phase' is unknown \(known: bp-third-reading\)"
    with pytest.raises(DefinitionError, match=refused):
        parse_definition(raw)


def test_screening_applies_by_sex_and_age(defn: CheckDefinition) -> None:
    answers = {"screening.status": "done"}
    man = review_answers(defn, answers, PersonFacts(70, "male", "A")).enabled
    assert "screening.aaa" in man and "screening.cervical" not in man and "screening.breast" not in man
    woman = review_answers(defn, answers, PersonFacts(30, "female", "A")).enabled
    assert "screening.cervical" in woman and "screening.aaa" not in woman and "screening.bowel" not in woman
    unknown = review_answers(defn, answers, None).enabled
    assert {"screening.cervical", "screening.aaa", "screening.bowel"} <= unknown


def test_unknown_link_ids_are_problems(defn: CheckDefinition) -> None:
    review = review_answers(defn, {"weight.wieght": 80, 7: "x", "weight.details": 80, "weight": None})
    assert review.problems["weight.wieght"].kind == "unknown_item"
    assert review.problems["7"].kind == "unknown_item"
    assert review.problems["weight.details"].kind == "not_a_question"
    assert "weight" not in review.problems


# -- completeness ------------------------------------------------------------------------
def test_core_complete_is_comprehensive(defn: CheckDefinition) -> None:
    completeness = check_completeness(defn, review_answers(defn, core_done(), ADULT_MAN))
    assert completeness.core_done == ("weight", "blood_pressure", "lipids", "glucose", "alcohol", "smoking")
    assert completeness.comprehensive
    assert not completeness.all_recorded  # the wider elements are still open
    assert completeness.element("substance_use").state == "incomplete"
    assert not completeness.element("substance_use").started


@pytest.mark.parametrize(
    ("drop", "element", "missing"),
    [
        ("weight.height", "weight", ("Height",)),
        ("blood_pressure.irregular", "blood_pressure", ("Pulse rhythm",)),
        ("lipids.hdl", "lipids", ("HDL cholesterol",)),
        ("glucose.hba1c", "glucose", ("HbA1c or Fasting glucose or Random glucose",)),
        ("alcohol.audit_c_q1", "alcohol", ("How often they drink (AUDIT-C 1)",
                                           "Units on a typical drinking day (AUDIT-C 2)",
                                           "How often 6 or 8 units or more at once (AUDIT-C 3)")),
        ("smoking.status", "smoking", ("Say whether this was done, declined or not possible",)),
    ],
)
def test_each_core_element_reports_what_is_missing(defn: CheckDefinition, drop: str, element: str,
                                                   missing: tuple[str, ...]) -> None:
    answers = core_done()
    del answers[drop]
    completeness = check_completeness(defn, review_answers(defn, answers, ADULT_MAN))
    state = completeness.element(element)
    assert state.state == "incomplete" and state.missing == missing
    assert element in completeness.core_not_done and not completeness.comprehensive


def test_glucose_alone_completes_the_glucose_element(defn: CheckDefinition) -> None:
    answers = core_done()
    del answers["glucose.hba1c"]
    answers["glucose.random_glucose"] = 6.1
    assert check_completeness(defn, review_answers(defn, answers)).element("glucose").state == "done"


def test_current_smoker_needs_cigarettes_a_day(defn: CheckDefinition) -> None:
    answers = {**core_done(), "smoking.tobacco_status": CURRENT}
    state = check_completeness(defn, review_answers(defn, answers)).element("smoking")
    assert state.missing == ("Cigarettes",)
    answers["smoking.cigarettes_per_day"] = 12
    assert check_completeness(defn, review_answers(defn, answers)).element("smoking").state == "done"


def test_declined_and_not_possible_need_a_reason(defn: CheckDefinition) -> None:
    answers = {**core_done(), "lipids.status": "declined"}
    completeness = check_completeness(defn, review_answers(defn, answers))
    assert completeness.element("lipids").missing == ("Reason",)
    answers["lipids.reason"] = "Does not want a blood test"
    completeness = check_completeness(defn, review_answers(defn, answers))
    lipids = completeness.element("lipids")
    assert (lipids.state, lipids.reason, lipids.recorded) == ("declined", "Does not want a blood test", True)
    # declined is recorded but does not complete the core element (QOF / national measure)
    assert completeness.core_not_done == ("lipids",) and not completeness.comprehensive
    answers["lipids.status"] = "not_possible"
    assert check_completeness(defn, review_answers(defn, answers)).element("lipids").state == "not_possible"


def test_unconfirmed_or_invalid_values_do_not_complete(defn: CheckDefinition) -> None:
    answers = {**core_done(), "weight.weight": 260}
    review = review_answers(defn, answers)
    assert isinstance(review.needs_confirmation["weight.weight"], SoftLimitWarning)
    assert check_completeness(defn, review).element("weight").missing == (
        "Weight (confirm the unusual value)",
    )
    answers["weight.weight"] = {"value": 260, "confirmed": True}
    assert check_completeness(defn, review_answers(defn, answers)).element("weight").state == "done"
    answers["weight.weight"] = "82,5"
    assert check_completeness(defn, review_answers(defn, answers)).element("weight").missing == (
        "Weight (check the value)",
    )


def test_optional_items_are_not_required(defn: CheckDefinition) -> None:
    answers = core_done()
    assert "weight.waist" not in answers and "lipids.triglycerides" not in answers
    assert check_completeness(defn, review_answers(defn, answers)).element("weight").state == "done"
