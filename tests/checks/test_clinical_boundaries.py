"""Clinical boundaries through the whole check: a value entered in another unit, or shown rounded,
must land in the same band as the published threshold it corresponds to.

HbA1c 6.5% is the DCCT form of 48 mmol/mol and fasting glucose 126 mg/dL of 7.0 mmol/L (the diabetes
thresholds); UK laboratories report HbA1c in whole mmol/mol and glucose to one decimal place.
"""

from __future__ import annotations

from typing import Any

import pytest

from outreach.checks.definition import CheckDefinition
from outreach.checks.evaluation import evaluate_check
from outreach.checks.person import PersonFacts
from outreach.clinical.findings import RuleSet, evaluate_findings, load_rules

PERSON = PersonFacts(age_years=47, sex="female", ethnic_category="J")


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


def _glucose(defn: CheckDefinition, rules: RuleSet, **answers: Any) -> tuple[dict[str, Any], set[str]]:
    ev = evaluate_check(defn, {"glucose.status": "done", **answers}, PERSON, rules)
    assert ev.problems == {}
    return ev.facts, {f.rule_id for f in ev.findings if f.rule_id.startswith("glucose")}


@pytest.mark.parametrize(("typed", "mmol_mol", "rule"), [
    ("6.5%", 48, "glucose-diabetes-range"),   # NICE NG28 / WHO: HbA1c 6.5% = 48 mmol/mol, diabetes range
    ("6.4%", 46, "glucose-high-risk"),
    ("6.0%", 42, "glucose-high-risk"),        # NICE PH38: 6.0% = 42 mmol/mol, high risk
    ("5.9%", 41, None),
])
def test_hba1c_in_percent_is_classed_as_its_whole_mmol_mol(defn: CheckDefinition, rules: RuleSet, typed: str,
                                                            mmol_mol: int, rule: str | None) -> None:
    facts, found = _glucose(defn, rules, **{"glucose.hba1c": typed})
    assert facts["hba1c_mmol_mol"] == mmol_mol
    assert found == ({rule} if rule else set())


@pytest.mark.parametrize(("link", "mg_dl", "mmol_l", "rule"), [
    ("glucose.fasting_glucose", 126, 7.0, "glucose-diabetes-range"),  # 126 mg/dL is the 7.0 mmol/L threshold
    ("glucose.fasting_glucose", 125, 6.9, "glucose-high-risk"),
    ("glucose.fasting_glucose", 99, 5.5, "glucose-high-risk"),
    ("glucose.fasting_glucose", 98, 5.4, None),
    ("glucose.random_glucose", 200, 11.1, "glucose-diabetes-range"),
    ("glucose.random_glucose", 108, 6.0, None),  # a random 6.0 is not non-diabetic hyperglycaemia
    ("glucose.random_glucose", 198, 11.0, None),
])
def test_glucose_in_mg_dl_is_classed_as_its_reported_mmol_l(
    defn: CheckDefinition, rules: RuleSet, link: str, mg_dl: int, mmol_l: float, rule: str | None
) -> None:
    facts, found = _glucose(defn, rules, **{link: {"value": mg_dl, "unit": "mg/dL"}})
    fact = "fasting_glucose_mmol_l" if "fasting" in link else "random_glucose_mmol_l"
    assert facts[fact] == mmol_l
    assert found == ({rule} if rule else set())


@pytest.mark.parametrize("random_mmol_l", [5.5, 6.0, 6.9, 7.0, 11.0])
def test_fasting_thresholds_never_apply_to_a_random_sample(
    defn: CheckDefinition, rules: RuleSet, random_mmol_l: float
) -> None:
    facts, found = _glucose(defn, rules, **{"glucose.random_glucose": random_mmol_l})
    assert found == set() and facts["glycaemia_band"] == "normal"


def test_very_high_glucose_is_accepted_not_refused(defn: CheckDefinition, rules: RuleSet) -> None:
    # Hyperosmolar hyperglycaemic state can give laboratory glucose well above 50 mmol/L: a real reading.
    facts, found = _glucose(defn, rules, **{"glucose.random_glucose": {"value": 64.0, "confirmed": True}})
    assert facts["random_glucose_mmol_l"] == 64.0 and found == {"glucose-diabetes-range"}


@pytest.mark.parametrize(
    ("link", "typed", "mmol_l"),
    [
        ("lipids.total_cholesterol", 290, 7.5),
        ("lipids.total_cholesterol", 232, 6.0),
        ("lipids.hdl", 50, 1.29),
    ],
)
def test_cholesterol_in_mg_dl_is_kept_to_two_decimals(
    defn: CheckDefinition, link: str, typed: int, mmol_l: float
) -> None:
    ev = evaluate_check(
        defn, {"lipids.status": "done", link: {"value": typed, "unit": "mg/dL"}}, PERSON, None
    )
    assert ev.problems == {}
    assert mmol_l in ev.facts.values()


def test_qrisk3_finding_follows_the_score_as_shown(defn: CheckDefinition, rules: RuleSet) -> None:
    """The screen shows QRISK3 to one decimal place: 9.96% reads "10.0%" and must carry the NICE NG238
    10% finding, so the fact the rules read is the score as shown (full precision stays in the result)."""
    from outreach.checks.evaluation import qrisk3_fact

    assert qrisk3_fact(9.96) == 10.0 and qrisk3_fact(9.94) == 9.9
    fired = {f.rule_id for f in evaluate_findings({"qrisk3_percent": qrisk3_fact(9.96)}, rules)}
    assert fired == {"qrisk3-10-percent"}


def test_qrisk3_asks_for_cigarettes_a_day_not_the_status_already_recorded(defn: CheckDefinition) -> None:
    from tests.checks.test_evaluation import MAN, full_check

    ev = evaluate_check(defn, full_check(**{"smoking.cigarettes_per_day": None}), MAN, None)
    assert ev.facts["smoking_status"] == "current"
    assert ev.qrisk3.result is None
    assert ev.qrisk3.missing == ("cigarettes a day (QRISK3 needs how much a current smoker smokes)",)


@pytest.mark.parametrize(
    ("answers", "fact", "value"),
    [
        ({"blood_pressure.systolic": 250, "blood_pressure.diastolic": 130}, "bp_urgent", True),
        ({"weight.weight": 250, "weight.height": 180}, "bmi_category", "Obesity class III"),
        ({"weight.weight": 202, "weight.height": 170}, "bmi_kg_m2", pytest.approx(69.896, abs=1e-3)),
        ({"blood_pressure.pulse": 38}, "pulse_bpm", 38),
    ],
)
def test_extreme_but_real_readings_are_recorded_once_confirmed(
    defn: CheckDefinition, rules: RuleSet, answers: dict[str, Any], fact: str, value: object
) -> None:
    """Unusual values ask for confirmation; once confirmed they count, and the urgent ones are urgent."""
    element = next(iter(answers)).split(".")[0]
    unconfirmed = evaluate_check(defn, {f"{element}.status": "done", **answers}, PERSON, rules)
    confirmed = {k: {"value": v, "confirmed": True} for k, v in answers.items()}
    ev = evaluate_check(defn, {f"{element}.status": "done", **confirmed}, PERSON, rules)
    assert ev.problems == {} and ev.facts[fact] == value
    # finalising waits for confirmation
    assert unconfirmed.review.needs_confirmation and not unconfirmed.findings
    if fact in ("bp_urgent", "pulse_bpm"):
        assert ev.findings[0].severity == "urgent"


def test_a_lab_value_far_above_usual_asks_about_the_unit_too(defn: CheckDefinition) -> None:
    """126 typed into the mmol/L box is almost certainly mg/dL: the confirmation names the unit to check."""
    from outreach.checks.answers import SoftLimitWarning
    from outreach.checks.validation import validate_answer

    with pytest.raises(SoftLimitWarning) as info:
        validate_answer(defn, "glucose.fasting_glucose", 95)
    assert "mg/dL" in info.value.message and "unit" in info.value.message
    with pytest.raises(SoftLimitWarning) as info:
        validate_answer(defn, "weight.weight", 250)
    assert "unit" not in info.value.message  # 250 kg is a real weight; lb would be a different question


def test_a_qrisk3_score_carries_its_caveats(defn: CheckDefinition) -> None:
    """NICE NG238: QRISK3 may under-estimate risk in SMI; the score also used 0 for the unknown Townsend
    score and blood-pressure variation, which the worker and the GP should know (ClinRisk marks such scores)."""
    from tests.checks.test_evaluation import MAN, full_check

    ev = evaluate_check(defn, full_check(), MAN, None)
    assert ev.qrisk3.result is not None
    text = " ".join(ev.qrisk3.caveats)
    assert "under-estimate" in text and "NICE NG238" in text
    assert "Townsend" in text and "variation" in text
    declined = evaluate_check(
        defn, full_check(**{"lipids.status": "declined", "lipids.reason": "No test"}), MAN, None
    )
    assert declined.qrisk3.caveats == ()
