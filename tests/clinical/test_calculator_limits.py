"""Every calculator at the edges: each clinical threshold just below and at its value, and each input limit
at the limit and just past it. A threshold or a limit moved by one, or a comparison that lets the
threshold value itself fall on the wrong side, must fail here.

Thresholds (reference/clinical.md and the citation beside each in the code): NICE CG189/PH46 BMI
(standard 18.5/25/30/35/40; 23/27.5/32.5/37.5 for the groups at higher risk at lower BMI); Lester 2014 /
NICE PH38 glycaemia (HbA1c 42 and 48 mmol/mol, fasting glucose 5.5 and 7.0 mmol/L, random 11.1 mmol/L);
adult resting pulse 60-100 and RCP NEWS2 (<= 40 or >= 131 scores 3); QRISK3 smoking categories (under 10,
10-19, 20 or more a day) and SNOMED CT smoker concepts (1-9, 10-19, 20-39, 40+); OHID AUDIT-C bands
(5, 8, 11; positive from 5).
"""

from __future__ import annotations

import pytest

from outreach.clinical import audit_c, bmi, glycaemia, lipids, pulse, smoking
from outreach.errors import CalculationError


@pytest.mark.parametrize(("value", "lower", "category"), [
    (18.4, False, bmi.UNDERWEIGHT), (18.5, False, bmi.HEALTHY), (24.9, False, bmi.HEALTHY),
    (25.0, False, bmi.OVERWEIGHT), (29.9, False, bmi.OVERWEIGHT), (30.0, False, bmi.OBESITY_I),
    (34.9, False, bmi.OBESITY_I), (35.0, False, bmi.OBESITY_II), (39.9, False, bmi.OBESITY_II),
    (40.0, False, bmi.OBESITY_III),
    (18.4, True, bmi.UNDERWEIGHT), (18.5, True, bmi.HEALTHY), (22.9, True, bmi.HEALTHY),
    (23.0, True, bmi.OVERWEIGHT), (27.4, True, bmi.OVERWEIGHT), (27.5, True, bmi.OBESITY_I),
    (32.4, True, bmi.OBESITY_I), (32.5, True, bmi.OBESITY_II), (37.4, True, bmi.OBESITY_II),
    (37.5, True, bmi.OBESITY_III),
    (24.96, False, bmi.OVERWEIGHT),  # classed as shown: 24.96 is shown as 25.0
    (24.94, False, bmi.HEALTHY),
])
def test_bmi_categories_at_each_threshold(value: float, lower: bool, category: str) -> None:
    assert bmi.bmi_category(value, lower) == category


@pytest.mark.parametrize(("module_call", "field", "low", "high"), [
    (lambda v: bmi.calculate_bmi(v, 170), "weight_kg", 10.0, 400.0),
    (lambda v: bmi.calculate_bmi(70, v), "height_cm", 50.0, 275.0),
    (lambda v: glycaemia.classify_hba1c(v), "hba1c_mmol_mol", 10.0, 250.0),
    (lambda v: glycaemia.classify_glucose(v, True), "fasting_glucose_mmol_l", 1.0, 100.0),
    (lambda v: glycaemia.classify_glucose(v, False), "random_glucose_mmol_l", 1.0, 100.0),
    (lambda v: pulse.classify_pulse(v), "pulse_bpm", 20.0, 250.0),
    (lambda v: lipids.calculate_lipids(v, 0.1), "total_cholesterol_mmol_l", 1.0, 30.0),
    (lambda v: lipids.calculate_lipids(30.0, v), "hdl_mmol_l", 0.1, 6.0),
], ids=["weight", "height", "hba1c", "fasting-glucose", "random-glucose", "pulse", "total-cholesterol", "hdl"])
def test_each_input_limit_is_accepted_and_just_past_it_is_refused(module_call, field: str, low: float,  # type: ignore[no-untyped-def]
                                                                  high: float) -> None:
    module_call(low)
    module_call(high)
    step = 0.05 if low < 1 else 0.5
    for beyond in (low - step, high + step):
        with pytest.raises(CalculationError, match="not possible") as info:
            module_call(beyond)
        assert info.value.item == field


@pytest.mark.parametrize(("value", "band"), [
    (41.9, glycaemia.NORMAL), (42, glycaemia.HIGH_RISK), (47.9, glycaemia.HIGH_RISK), (48, glycaemia.DIABETES),
])
def test_hba1c_bands(value: float, band: str) -> None:
    result = glycaemia.classify_hba1c(value)
    assert (result.band, result.measure) == (band, "HbA1c")


@pytest.mark.parametrize(("value", "fasting", "band"), [
    (5.49, True, glycaemia.NORMAL), (5.5, True, glycaemia.HIGH_RISK), (6.99, True, glycaemia.HIGH_RISK),
    (7.0, True, glycaemia.DIABETES), (11.09, False, glycaemia.NORMAL), (11.1, False, glycaemia.DIABETES),
    (7.0, False, glycaemia.NORMAL),  # a random value cannot show high risk
])
def test_glucose_bands(value: float, fasting: bool, band: str) -> None:
    result = glycaemia.classify_glucose(value, fasting)
    assert result.band == band
    assert result.measure == ("fasting glucose" if fasting else "random glucose")


def test_the_worst_glycaemia_band_wins_and_none_is_none() -> None:
    normal, high, diabetes = (glycaemia.classify_hba1c(v) for v in (40, 44, 50))
    assert glycaemia.combine_bands([]) is None
    assert glycaemia.combine_bands([normal, diabetes, high]) == diabetes
    assert glycaemia.combine_bands([high, normal]) == high
    assert glycaemia.combine_bands([normal, glycaemia.classify_glucose(5.0, True)]) == normal  # first kept


@pytest.mark.parametrize(("rate", "band", "very_abnormal"), [
    (20, pulse.SLOW, True), (40, pulse.SLOW, True), (40.5, pulse.SLOW, False), (59.9, pulse.SLOW, False),
    (60, pulse.NORMAL, False), (100, pulse.NORMAL, False), (100.1, pulse.FAST, False), (130.9, pulse.FAST, False),
    (131, pulse.FAST, True), (250, pulse.FAST, True),
])
def test_pulse_bands_and_news2_extremes(rate: float, band: str, very_abnormal: bool) -> None:
    result = pulse.classify_pulse(rate)
    assert (result.category, result.very_abnormal, result.irregular) == (band, very_abnormal, False)
    assert result.needs_review is (band != pulse.NORMAL)


def test_an_irregular_pulse_always_needs_review_and_says_so() -> None:
    result = pulse.classify_pulse(72, irregular=True)
    assert result.category == "Irregular, rate normal (60 to 100)"
    assert result.needs_review and result.irregular and not result.very_abnormal


@pytest.mark.parametrize(("count", "category", "code"), [
    (1, 2, smoking.LIGHT), (9, 2, smoking.LIGHT), (10, 3, smoking.MODERATE), (19, 3, smoking.MODERATE),
    (20, 4, smoking.HEAVY), (39, 4, smoking.HEAVY), (40, 4, smoking.VERY_HEAVY), (200, 4, smoking.VERY_HEAVY),
])
def test_cigarettes_a_day_to_qrisk3_category_and_snomed(count: int, category: int, code: object) -> None:
    assert smoking.smoking_category("current", count) == category
    assert smoking.smoking_snomed("current", count) == code


def test_smoking_status_without_a_count() -> None:
    assert smoking.smoking_category("never", None) == 0 and smoking.smoking_category("ex", None) == 1
    assert smoking.smoking_snomed("never") == smoking.NEVER_SMOKED
    assert smoking.smoking_snomed("ex") == smoking.EX_SMOKER
    assert smoking.smoking_snomed("current") == smoking.SMOKER
    for count in (0, 201):
        with pytest.raises(CalculationError, match="not possible"):
            smoking.smoking_category("current", count)
    with pytest.raises(CalculationError):
        smoking.smoking_category("current", None)  # QRISK3 needs the count for a current smoker
    with pytest.raises(CalculationError, match="must be one of"):
        smoking.smoking_category("sometimes", 5)


@pytest.mark.parametrize(("score", "band", "positive"), [
    (0, audit_c.LOWER_RISK, False), (4, audit_c.LOWER_RISK, False), (5, audit_c.INCREASING_RISK, True),
    (7, audit_c.INCREASING_RISK, True), (8, audit_c.HIGHER_RISK, True), (10, audit_c.HIGHER_RISK, True),
    (11, audit_c.POSSIBLE_DEPENDENCE, True), (12, audit_c.POSSIBLE_DEPENDENCE, True),
])
def test_audit_c_bands_and_positive_from_5(score: int, band: str, positive: bool) -> None:
    assert audit_c.audit_c_band(score) == band
    answers = [min(4, score), min(4, max(0, score - 4)), max(0, score - 8)]
    result = audit_c.score_audit_c(*answers)
    assert (result.score, result.band, result.positive) == (score, band, positive)


@pytest.mark.parametrize("answer", [-1, 5, 2.5])
def test_each_audit_c_answer_is_scored_0_to_4(answer: float) -> None:
    with pytest.raises(CalculationError):
        audit_c.score_audit_c(answer, 0, 0)  # type: ignore[arg-type]


def test_lipids_ratio_and_non_hdl() -> None:
    result = lipids.calculate_lipids(5.2, 1.3)
    assert result.tc_hdl_ratio == pytest.approx(4.0) and result.non_hdl_mmol_l == 3.9
    assert lipids.calculate_lipids(8.03, 0.53).non_hdl_mmol_l == 7.5  # not 7.499999999999999
    for total, hdl in ((1.3, 1.3), (1.2, 1.3)):
        with pytest.raises(CalculationError, match="not lower than total cholesterol") as info:
            lipids.calculate_lipids(total, hdl)
        assert info.value.item == "hdl_mmol_l"
