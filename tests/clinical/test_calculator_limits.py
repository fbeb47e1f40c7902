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

from collections.abc import Callable

import pytest

from outreach.clinical import audit, audit_c, bmi, glycaemia, lipids, pulse, smoking
from outreach.clinical import blood_pressure as bp
from outreach.clinical import nhs_number as nhs
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


@pytest.mark.parametrize(
    ("module_call", "field", "low", "high"),
    [
        (lambda v: bmi.calculate_bmi(v, 170), "weight_kg", 10.0, 400.0),
        (lambda v: bmi.calculate_bmi(70, v), "height_cm", 50.0, 275.0),
        (lambda v: glycaemia.classify_hba1c(v), "hba1c_mmol_mol", 10.0, 250.0),
        (lambda v: glycaemia.classify_glucose(v, True), "fasting_glucose_mmol_l", 1.0, 100.0),
        (lambda v: glycaemia.classify_glucose(v, False), "random_glucose_mmol_l", 1.0, 100.0),
        (lambda v: pulse.classify_pulse(v), "pulse_bpm", 20.0, 250.0),
        (lambda v: lipids.calculate_lipids(v, 0.1), "total_cholesterol_mmol_l", 1.0, 30.0),
        (lambda v: lipids.calculate_lipids(30.0, v), "hdl_mmol_l", 0.1, 6.0),
    ],
    ids=[
        "weight",
        "height",
        "hba1c",
        "fasting-glucose",
        "random-glucose",
        "pulse",
        "total-cholesterol",
        "hdl",
    ],
)
def test_each_input_limit_is_accepted_and_just_past_it_is_refused(
    module_call: Callable[[float], object], field: str, low: float, high: float
) -> None:
    module_call(low)
    module_call(high)
    step = 0.05 if low < 1 else 0.5
    for beyond in (low - step, high + step):
        with pytest.raises(CalculationError, match="not possible") as info:
            module_call(beyond)
        assert info.value.item == field


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (41.9, glycaemia.NORMAL),
        (42, glycaemia.HIGH_RISK),
        (47.9, glycaemia.HIGH_RISK),
        (48, glycaemia.DIABETES),
    ],
)
def test_hba1c_bands(value: float, band: str) -> None:
    result = glycaemia.classify_hba1c(value)
    assert (result.band, result.measure) == (band, "HbA1c")


@pytest.mark.parametrize(
    ("value", "fasting", "band"),
    [
        (5.49, True, glycaemia.NORMAL),
        (5.5, True, glycaemia.HIGH_RISK),
        (6.99, True, glycaemia.HIGH_RISK),
        (7.0, True, glycaemia.DIABETES),
        (11.09, False, glycaemia.NORMAL),
        (11.1, False, glycaemia.DIABETES),
        (7.0, False, glycaemia.NORMAL),  # a random value cannot show high risk
    ],
)
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


@pytest.mark.parametrize(
    ("rate", "band", "very_abnormal"),
    [
        (20, pulse.SLOW, True),
        (40, pulse.SLOW, True),
        (40.5, pulse.SLOW, False),
        (59.9, pulse.SLOW, False),
        (60, pulse.NORMAL, False),
        (100, pulse.NORMAL, False),
        (100.1, pulse.FAST, False),
        (130.9, pulse.FAST, False),
        (131, pulse.FAST, True),
        (250, pulse.FAST, True),
    ],
)
def test_pulse_bands_and_news2_extremes(rate: float, band: str, very_abnormal: bool) -> None:
    result = pulse.classify_pulse(rate)
    assert (result.category, result.very_abnormal, result.irregular) == (band, very_abnormal, False)
    assert result.needs_review is (band != pulse.NORMAL)


def test_an_irregular_pulse_always_needs_review_and_says_so() -> None:
    result = pulse.classify_pulse(72, irregular=True)
    assert result.category == "Irregular, rate normal (60 to 100)"
    assert result.needs_review and result.irregular and not result.very_abnormal


@pytest.mark.parametrize(
    ("count", "category", "code"),
    [
        (1, 2, smoking.LIGHT),
        (9, 2, smoking.LIGHT),
        (10, 3, smoking.MODERATE),
        (19, 3, smoking.MODERATE),
        (20, 4, smoking.HEAVY),
        (39, 4, smoking.HEAVY),
        (40, 4, smoking.VERY_HEAVY),
        (200, 4, smoking.VERY_HEAVY),
    ],
)
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


@pytest.mark.parametrize(
    ("score", "band", "positive"),
    [
        (0, audit_c.LOWER_RISK, False),
        (4, audit_c.LOWER_RISK, False),
        (5, audit_c.INCREASING_RISK, True),
        (7, audit_c.INCREASING_RISK, True),
        (8, audit_c.HIGHER_RISK, True),
        (10, audit_c.HIGHER_RISK, True),
        (11, audit_c.POSSIBLE_DEPENDENCE, True),
        (12, audit_c.POSSIBLE_DEPENDENCE, True),
    ],
)
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
    assert lipids.calculate_lipids(5.126, 1.0).non_hdl_mmol_l == 4.13  # to 0.01 mmol/L, as labs report it
    for total, hdl in ((1.3, 1.3), (1.2, 1.3)):
        with pytest.raises(CalculationError, match="not lower than total cholesterol") as info:
            lipids.calculate_lipids(total, hdl)
        assert info.value.item == "hdl_mmol_l"


# --- blood pressure: NICE NG136 bands, the repeat-reading procedure ---------------------------------------


@pytest.mark.parametrize(
    ("systolic", "diastolic", "category", "urgent", "red"),
    [
        (89, 70, bp.LOW, False, False),
        (100, 59, bp.LOW, False, False),
        (90, 60, bp.NORMAL, False, False),
        (139, 89, bp.NORMAL, False, False),
        (140, 70, bp.STAGE_1, False, False),
        (141, 70, bp.STAGE_1, False, True),
        (120, 90, bp.STAGE_1, False, False),
        (120, 91, bp.STAGE_1, False, True),
        (159, 99, bp.STAGE_1, False, True),
        (160, 80, bp.STAGE_2, False, True),
        (130, 100, bp.STAGE_2, False, True),
        (179, 119, bp.STAGE_2, False, True),
        (180, 80, bp.SEVERE, True, True),
        (150, 120, bp.SEVERE, True, True),
    ],
)
def test_blood_pressure_bands_at_each_threshold(
    systolic: float, diastolic: float, category: str, urgent: bool, red: bool
) -> None:
    result = bp.classify_blood_pressure(systolic, diastolic)
    assert (result.category, result.urgent, result.lester_red_zone) == (category, urgent, red)


def test_blood_pressure_limits_and_a_swapped_reading() -> None:
    bp.classify_blood_pressure(50, 20)
    bp.classify_blood_pressure(300, 200)
    for systolic, diastolic, item in (
        (49.5, 20, "systolic_mmhg"),
        (300.5, 100, "systolic_mmhg"),
        (120, 19.5, "diastolic_mmhg"),
        (299, 200.5, "diastolic_mmhg"),
    ):
        with pytest.raises(CalculationError, match="not possible") as info:
            bp.classify_blood_pressure(systolic, diastolic)
        assert info.value.item == item
    for systolic, diastolic in ((80, 80), (80, 90)):
        with pytest.raises(CalculationError, match="not lower than systolic") as info:
            bp.classify_blood_pressure(systolic, diastolic)
        assert info.value.item == "diastolic_mmhg"


def test_the_repeat_procedure_at_its_thresholds() -> None:
    assert bp.needs_repeat(140, 70) and bp.needs_repeat(120, 90)
    assert not bp.needs_repeat(139, 89)
    assert bp.is_severe(180, 70) and bp.is_severe(150, 120) and not bp.is_severe(179, 119)
    assert not bp.differ_substantially((150, 90), (140, 80))  # exactly 10 apart is not "more than 10"
    assert bp.differ_substantially((151, 90), (140, 90)) and bp.differ_substantially((150, 91), (150, 80))
    assert bp.differ_substantially((140, 80), (151, 80))


def test_which_reading_is_the_clinic_blood_pressure() -> None:
    one = bp.clinic_blood_pressure([(150, 85)])
    assert (one.used, one.second_needed, one.third_needed, one.systolic, one.diastolic) == (
        0,
        True,
        False,
        150,
        85,
    )
    assert bp.clinic_blood_pressure([(130, 85)]).second_needed is False
    close = bp.clinic_blood_pressure([(150, 85), (145, 88)])
    assert (close.used, close.second_needed, close.third_needed) == (1, False, False)
    apart = bp.clinic_blood_pressure([(160, 85), (145, 80)])
    assert (apart.used, apart.third_needed) == (1, True)
    lower_first = bp.clinic_blood_pressure([(150, 85), (140, 80), (145, 82)])
    assert (lower_first.used, lower_first.third_needed) == (1, False)  # the lower of the last two
    same_systolic = bp.clinic_blood_pressure([(150, 85), (150, 80)])
    assert same_systolic.used == 1  # then the lower diastolic
    severe = bp.clinic_blood_pressure([(185, 100), (150, 85), (190, 95)])
    assert (severe.used, severe.second_needed, severe.third_needed) == (2, False, False)  # never outweighed
    with pytest.raises(CalculationError, match="No blood pressure reading"):
        bp.clinic_blood_pressure([])
    with pytest.raises(CalculationError, match="^Reading 2: Diastolic") as info:
        bp.clinic_blood_pressure([(150, 85), (80, 90)])
    assert info.value.item == "diastolic_mmhg"
    with pytest.raises(CalculationError, match="^Diastolic"):
        bp.clinic_blood_pressure([(80, 90)])


# --- the full AUDIT (WHO; OHID bands) and NHS numbers (Modulus 11) -----------------------------------------


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, audit_c.LOWER_RISK),
        (7, audit_c.LOWER_RISK),
        (8, audit_c.INCREASING_RISK),
        (15, audit_c.INCREASING_RISK),
        (16, audit_c.HIGHER_RISK),
        (19, audit_c.HIGHER_RISK),
        (20, audit_c.POSSIBLE_DEPENDENCE),
        (40, audit_c.POSSIBLE_DEPENDENCE),
    ],
)
def test_audit_bands(score: int, band: str) -> None:
    assert audit.audit_band(score) == band


def test_audit_scores_ten_answers_with_9_and_10_scored_0_2_or_4() -> None:
    assert audit.score_audit([4, 4, 4, 4, 4, 4, 4, 4, 4, 4]) == audit.AuditResult(
        40, audit_c.POSSIBLE_DEPENDENCE
    )
    assert audit.score_audit([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]) == audit.AuditResult(8, audit_c.INCREASING_RISK)
    assert audit.score_audit([0] * 8 + [2, 2]).score == 4
    for answers in ([0] * 9, [0] * 11, []):
        with pytest.raises(CalculationError, match="all ten answers"):
            audit.score_audit(answers)
    for n in (9, 10):
        for bad in (1, 3):
            answers = [0] * 10
            answers[n - 1] = bad
            with pytest.raises(CalculationError, match=f"question {n} scores 0, 2 or 4") as info:
                audit.score_audit(answers)
            assert info.value.item == f"audit_q{n}"
    with pytest.raises(CalculationError) as info:
        audit.score_audit([0, 0, 0, 5, 0, 0, 0, 0, 0, 0])
    assert info.value.item == "audit_q4"


def test_nhs_number_check_digit_modulus_11() -> None:
    assert nhs.check_digit("943476591") == 9  # NHS Digital's published example 943 476 5919
    assert nhs.check_digit("999000000") is None  # 90 + 81 + 72 = 243; 243 % 11 = 1; 11 - 1 = 10 -> none
    assert nhs.check_digit("999000001") == 8  # 243 + 2 = 245; 245 % 11 = 3; 11 - 3 = 8
    assert nhs.check_digit("000000000") == 0  # 11 - 0 = 11 -> 0
    assert nhs.check_digit("100000001") is None  # 10 + 2 = 12; 11 - 1 = 10 -> no valid number


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("9434765919", "9434765919"),
        ("943 476 5919", "9434765919"),
        ("943-476-5919", "9434765919"),
        ("  9434765919  ", "9434765919"),
    ],
)
def test_a_valid_nhs_number_in_the_ways_people_type_it(text: str, result: str) -> None:
    check = nhs.check_nhs_number(text)
    assert (check.valid, check.normalised, check.reason) == (True, result, None)
    assert nhs.normalise_nhs_number(text) == result
    assert nhs.format_nhs_number(text) == "943 476 5919"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (9434765919, "typed as 10 digits"),
        ("", "is empty"),
        ("   ", "is empty"),
        ("9" * 41, "too long"),
        ("943 476 591x", "only digits"),
        ("943.476.5919", "only digits"),
        ("943476591", "has 10 digits; this has 9"),
        ("94347659199", "this has 11"),
        ("1111111111", "placeholder"),
        ("1000000010", "no NHS number starts with these 9 digits"),
        ("9434765918", "last digit does not match"),
    ],
)
def test_each_wrong_nhs_number_says_why(text: object, words: str) -> None:
    check = nhs.check_nhs_number(text)  # type: ignore[arg-type]
    assert check.valid is False and check.normalised is None and words in (check.reason or "")
    with pytest.raises(Exception, match=words):
        nhs.normalise_nhs_number(text)  # type: ignore[arg-type]


def test_forty_characters_with_separators_is_still_read() -> None:
    text = "943" + " " * 29 + "476-5919"
    assert len(text) == 40 and nhs.check_nhs_number(text).valid
    assert "too long" in (nhs.check_nhs_number(text.replace(" ", "  ", 1)).reason or "")
