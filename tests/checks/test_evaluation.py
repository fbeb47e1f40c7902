"""A check evaluated end to end: answers -> facts -> calculators -> QRISK3 -> findings (real rules)."""

from __future__ import annotations

from typing import Any

import pytest

from outreach.checks.definition import CheckDefinition
from outreach.checks.evaluation import NO_MEASURED_LIPIDS, QRISK3_DISCLAIMER, answer_facts, evaluate_check
from outreach.checks.person import PersonFacts
from outreach.clinical.findings import RuleSet, load_rules
from outreach.clinical.qrisk3 import QRisk3Inputs, calculate_qrisk3
from outreach.errors import ValidationError

NEVER, EX, CURRENT = "266919005", "8517006", "77176002"
MAN = PersonFacts(age_years=58, sex="male", ethnic_category="A")


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


def full_check(**changes: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "weight.status": "done",
        "weight.height": "5 ft 10 in",
        "weight.weight": {"value": [15, 10], "unit": "[stone_av]"},
        "weight.waist": 104,
        "weight.previous_weight": 92,
        "blood_pressure.status": "done",
        "blood_pressure.irregular": False,
        "blood_pressure.systolic": 152,
        "blood_pressure.diastolic": 94,
        "blood_pressure.pulse": 88,
        "lipids.status": "done",
        "lipids.fasting": False,
        "lipids.total_cholesterol": {"value": 232, "unit": "mg/dL"},
        "lipids.hdl": 1.1,
        "glucose.status": "done",
        "glucose.hba1c": "6.2%",
        "alcohol.status": "done",
        "alcohol.audit_c_q1": "audit-q1-3",
        "alcohol.audit_c_q2": "audit-q2-2",
        "alcohol.audit_c_q3": "audit-q3-1",
        "smoking.status": "done",
        "smoking.tobacco_status": CURRENT,
        "smoking.cigarettes_per_day": 15,
        "smoking.ecigarette": False,
        "medication.status": "done",
        "medication.reviewed": True,
        "medication.antipsychotic": True,
        "medication.antipsychotic_name": "Olanzapine",
        "medication.side_effects": False,
        "general_health.status": "done",
        "general_health.diabetes": "diabetes-none",
        "general_health.atrial_fibrillation": False,
        "general_health.treated_hypertension": False,
        "general_health.ckd": False,
        "general_health.rheumatoid_arthritis": False,
        "general_health.sle": False,
        "general_health.migraine": False,
        "general_health.steroids": False,
        "general_health.erectile_dysfunction": False,
        "general_health.family_history_chd": True,
        "general_health.existing_cvd": False,
        "general_health.statin": False,
    }
    answers.update(changes)
    return {k: v for k, v in answers.items() if v is not None}


def test_facts_from_answers_in_canonical_units(defn: CheckDefinition, rules: RuleSet) -> None:
    ev = evaluate_check(defn, full_check(), MAN, rules)
    f = ev.facts
    assert ev.problems == {} and ev.calculator_errors == {}
    assert f["height_cm"] == pytest.approx(177.8)
    assert f["weight_kg"] == pytest.approx(220 * 0.45359237)  # 15 st 10 lb = 220 lb
    assert f["weight_gain_3m_kg"] == pytest.approx(220 * 0.45359237 - 92)
    assert f["bmi_kg_m2"] == pytest.approx(220 * 0.45359237 / 1.778**2)
    assert f["bmi_category"] == "Obesity class I"
    assert f["total_cholesterol_mmol_l"] == 6.0  # 232 mg/dL, recorded to 2 places as a lab reports it
    assert f["tc_hdl_ratio"] == pytest.approx(6.0 / 1.1)
    assert f["non_hdl_mmol_l"] == pytest.approx(6.0 - 1.1)
    assert f["hba1c_mmol_mol"] == 44  # 6.2% = 44.26 mmol/mol, recorded whole as a lab reports it
    assert f["glycaemia_band"] == "non-diabetic hyperglycaemia"
    assert (f["audit_c_score"], f["audit_c_band"]) == (6, "Increasing risk")
    assert (f["smoking_status"], f["cigarettes_per_day"], f["smoking_category"]) == ("current", 15, 3)
    assert f["on_antipsychotic"] is True and f["family_history_chd"] is True and f["diabetes"] == "none"
    assert (f["age_years"], f["sex"], f["ethnic_category"]) == (58, "male", "A")
    assert f["bp_urgent"] is False and f["pulse_irregular"] is False
    assert set(ev.calculators) >= {
        "bmi",
        "blood_pressure",
        "pulse",
        "glycaemia",
        "lipids",
        "audit_c",
        "smoking",
        "qrisk3",
    }


def test_qrisk3_matches_the_calculator_with_the_same_inputs(defn: CheckDefinition, rules: RuleSet) -> None:
    ev = evaluate_check(defn, full_check(), MAN, rules)
    f = ev.facts
    expected = calculate_qrisk3(
        QRisk3Inputs(
            sex="male",
            age_years=58,
            ethnicity_code=1,
            smoking_category=3,
            townsend_score=0.0,
            bmi_kg_m2=f["bmi_kg_m2"],
            cholesterol_hdl_ratio=f["tc_hdl_ratio"],
            systolic_bp_mmhg=152,
            systolic_bp_sd_mmhg=0.0,
            diabetes="none",
            atrial_fibrillation=False,
            atypical_antipsychotic=True,
            regular_oral_corticosteroids=False,
            erectile_dysfunction=False,
            migraine=False,
            rheumatoid_arthritis=False,
            ckd_stage_3_to_5=False,
            severe_mental_illness=True,
            systemic_lupus_erythematosus=False,
            treated_hypertension=False,
            family_history_chd_first_degree_under_60=True,
        )
    )
    assert ev.qrisk3.risk_percent == pytest.approx(expected.risk_percent, rel=1e-12)
    assert f["qrisk3_percent"] == round(ev.qrisk3.risk_percent, 1)  # the rules read the score as shown
    assert ev.qrisk3.disclaimer == QRISK3_DISCLAIMER and "ClinRisk" in ev.qrisk3.disclaimer
    assert 10 < ev.qrisk3.risk_percent < 60


def test_findings_fire_from_the_real_rules(defn: CheckDefinition, rules: RuleSet) -> None:
    ids = {f.rule_id for f in evaluate_check(defn, full_check(), MAN, rules).findings}
    assert {
        "bp-high",
        "bmi-raised",
        "glucose-high-risk",
        "smoking-current",
        "smoking-antipsychotic",
        "alcohol-increasing-risk",
        "qrisk3-10-percent",
        "waist-high",
    } <= ids
    assert "bp-severe" not in ids


def test_severe_blood_pressure_is_urgent(defn: CheckDefinition, rules: RuleSet) -> None:
    ev = evaluate_check(
        defn, full_check(**{"blood_pressure.systolic": {"value": 205, "confirmed": True}}), MAN, rules
    )
    assert ev.facts["bp_urgent"] is True
    assert ev.findings[0].rule_id == "bp-severe" and ev.findings[0].severity == "urgent"
    assert "205" in ev.findings[0].reason


def test_healthy_check_has_few_findings(defn: CheckDefinition, rules: RuleSet) -> None:
    answers = full_check(
        **{
            "weight.weight": 68,
            "weight.waist": 84,
            "weight.previous_weight": 68,
            "blood_pressure.systolic": 122,
            "blood_pressure.diastolic": 76,
            "blood_pressure.pulse": 72,
            "lipids.total_cholesterol": 4.6,
            "lipids.hdl": 1.5,
            "glucose.hba1c": 36,
            "alcohol.audit_c_q1": "audit-q1-0",
            "smoking.tobacco_status": NEVER,
            "general_health.family_history_chd": False,
        }
    )
    ev = evaluate_check(defn, answers, PersonFacts(35, "female", "A"), rules)
    assert ev.facts["audit_c_score"] == 0  # never drinks: questions 2 and 3 score 0
    assert ev.findings == []
    assert ev.qrisk3.risk_percent is not None and ev.qrisk3.risk_percent < 10


def test_qrisk3_needs_measured_lipids(defn: CheckDefinition, rules: RuleSet) -> None:
    answers = full_check(**{"lipids.status": "declined", "lipids.reason": "Does not want a blood test"})
    ev = evaluate_check(defn, answers, MAN, rules)
    assert ev.qrisk3.result is None and "qrisk3_percent" not in ev.facts
    assert ev.qrisk3.missing == (NO_MEASURED_LIPIDS,)
    assert ev.qrisk3.note == "QRISK3 is only calculated from measured total and HDL cholesterol."
    assert ev.completeness.element("lipids").state == "declined"


def test_qrisk3_lists_missing_inputs_in_plain_words(defn: CheckDefinition) -> None:
    answers = full_check(**{"general_health.status": None, "weight.weight": None})
    answers = {k: v for k, v in answers.items() if not k.startswith("general_health.")}
    ev = evaluate_check(defn, answers, MAN, None)
    missing = ev.qrisk3.missing
    assert "height and weight (for BMI)" in missing and "diabetes status" in missing
    assert "atrial fibrillation" in missing and "erectile dysfunction" in missing
    assert ev.qrisk3.result is None and ev.findings == []


@pytest.mark.parametrize(("age", "runs"), [(24, False), (25, True), (84, True), (85, False)])
def test_qrisk3_only_from_25_to_84(defn: CheckDefinition, age: int, runs: bool) -> None:
    ev = evaluate_check(defn, full_check(), PersonFacts(age, "male", "A"), None)
    assert (ev.qrisk3.result is not None) is runs
    if not runs:
        assert ev.qrisk3.note.endswith(f"(NICE NG238); this person is {age}.")
        assert ev.qrisk3.not_applicable == ("age_under_25" if age < 25 else "age_85_plus")
        assert ev.qrisk3.missing == ()


def test_erectile_dysfunction_not_asked_of_women(defn: CheckDefinition) -> None:
    answers = full_check()
    ev = evaluate_check(defn, answers, PersonFacts(58, "female", "A"), None)
    assert "erectile_dysfunction" not in ev.facts
    assert "general_health.erectile_dysfunction" in ev.review.ignored
    assert ev.qrisk3.result is not None


def test_glycaemia_band_is_the_worst_measure(defn: CheckDefinition) -> None:
    answers = full_check(**{"glucose.hba1c": 38, "glucose.random_glucose": 12.5})
    assert evaluate_check(defn, answers, MAN, None).facts["glycaemia_band"] == "diabetes range"


def test_boolean_facts_combine(defn: CheckDefinition) -> None:
    answers = {"screening.status": "done", "screening.flu": "vacc-had", "screening.covid": "vacc-due"}
    assert answer_facts(defn, evaluate_check(defn, answers, MAN).values)["vaccinations_due"] is True
    answers["screening.covid"] = "vacc-had"
    assert evaluate_check(defn, answers, MAN).facts["vaccinations_due"] is False
    assert "screening_overdue" not in evaluate_check(defn, answers, MAN).facts


def test_bad_answers_are_reported_not_raised(defn: CheckDefinition, rules: RuleSet) -> None:
    answers = full_check(**{"blood_pressure.systolic": 1200, "weight.weight": "82,5", "nonsense": 1})
    ev = evaluate_check(defn, answers, MAN, rules)
    assert (
        ev.problems["blood_pressure.systolic"].message
        == "Systolic 1200 mmHg is not possible: check the reading."
    )
    assert ev.problems["weight.weight"].kind == "decimal_comma"
    assert ev.problems["nonsense"].kind == "unknown_item"
    assert "systolic_mmhg" not in ev.facts and "bmi_kg_m2" not in ev.facts
    assert ev.completeness.element("blood_pressure").state == "incomplete"


def test_unreadable_answers_or_person(defn: CheckDefinition) -> None:
    with pytest.raises(ValidationError):
        evaluate_check(defn, ["not", "a", "mapping"], MAN)
    with pytest.raises(ValidationError):
        evaluate_check(defn, {}, {"age_years": "fifty"})
    with pytest.raises(ValidationError):
        evaluate_check(defn, {}, PersonFacts(40, "other", None))
    assert evaluate_check(defn, {}, {"age_years": 40, "sex": "female"}).facts == {
        "age_years": 40,
        "sex": "female",
    }
