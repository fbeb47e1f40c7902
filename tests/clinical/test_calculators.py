"""Every band of every calculator, at and either side of each threshold."""

from __future__ import annotations

import pytest

from outreach.clinical import audit_c, bmi, pulse
from outreach.clinical import blood_pressure as bp
from outreach.clinical import glycaemia as gly
from outreach.clinical.audit_c import score_audit_c
from outreach.clinical.blood_pressure import classify_blood_pressure
from outreach.clinical.bmi import bmi_category, calculate_bmi
from outreach.clinical.ethnicity import (
    ETHNIC_CATEGORIES,
    LOWER_BMI_THRESHOLD_CATEGORIES,
    to_qrisk3_ethnicity,
    uses_lower_bmi_thresholds,
)
from outreach.clinical.glycaemia import classify_glucose, classify_hba1c, combine_bands
from outreach.clinical.lipids import calculate_lipids
from outreach.clinical.nhs_number import (
    check_digit,
    check_nhs_number,
    format_nhs_number,
    normalise_nhs_number,
)
from outreach.clinical.pulse import classify_pulse
from outreach.clinical.smoking import smoking_category, smoking_snomed
from outreach.errors import CalculationError, ValidationError

# --- NHS number ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["9434765919", "943 476 5919", "943-476-5919", " 943 476 5919 ", "9990000018"]
)
def test_valid_nhs_numbers(text: str) -> None:
    result = check_nhs_number(text)
    assert result.valid and result.reason is None
    assert result.normalised == "".join(c for c in text if c.isdigit())


def test_worked_example_check_digit() -> None:
    assert check_digit("943476591") == 9  # weighted sum 299, 299 mod 11 = 2, 11 - 2 = 9


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("9434765918", "last digit does not match"),
        ("1234567890", "no NHS number starts with these 9 digits"),  # any 123456789x gives check 10
        ("943476591", "has 9"),
        ("94347659190", "has 11"),
        ("943/476/5919", "only digits"),
        ("٩٤٣٤٧٦٥٩١٩", "only digits"),  # Arabic-Indic digits are not accepted
        ("", "empty"),
        ("   ", "empty"),
        ("9" * 60, "too long"),
    ],
)
def test_invalid_nhs_numbers_give_reasons(text: str, words: str) -> None:
    result = check_nhs_number(text)
    assert not result.valid and result.normalised is None
    assert words in (result.reason or "")


def test_check_digit_eleven_becomes_zero() -> None:
    # 9,9,9,0,0,0,0,0,5 weighted 10..2 sums to 253 = 23 x 11, so 11 - 0 = 11 becomes check digit 0.
    assert check_digit("999000005") == 0
    assert check_nhs_number("999 000 0050").valid
    assert not check_nhs_number("999 000 0051").valid


@pytest.mark.parametrize("value", [None, 9434765919, 9.4, b"9434765919", ["9434765919"]])
def test_non_text_is_invalid_not_a_crash(value: object) -> None:
    assert not check_nhs_number(value).valid  # type: ignore[arg-type]


def test_normalise_raises_validation_error_with_reason() -> None:
    assert normalise_nhs_number("943-476-5919") == "9434765919"
    assert format_nhs_number("9434765919") == "943 476 5919"
    with pytest.raises(ValidationError, match="last digit") as info:
        normalise_nhs_number("9434765918")
    assert info.value.item == "nhs_number"


# --- BMI -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "lower", "category"),
    [
        (18.4, False, bmi.UNDERWEIGHT), (18.5, False, bmi.HEALTHY), (18.6, False, bmi.HEALTHY),
        (24.9, False, bmi.HEALTHY), (25.0, False, bmi.OVERWEIGHT), (25.1, False, bmi.OVERWEIGHT),
        (29.9, False, bmi.OVERWEIGHT), (30.0, False, bmi.OBESITY_I), (30.1, False, bmi.OBESITY_I),
        (34.9, False, bmi.OBESITY_I), (35.0, False, bmi.OBESITY_II), (35.1, False, bmi.OBESITY_II),
        (39.9, False, bmi.OBESITY_II), (40.0, False, bmi.OBESITY_III), (40.1, False, bmi.OBESITY_III),
        (18.4, True, bmi.UNDERWEIGHT), (18.5, True, bmi.HEALTHY), (22.9, True, bmi.HEALTHY),
        (23.0, True, bmi.OVERWEIGHT), (23.1, True, bmi.OVERWEIGHT), (27.4, True, bmi.OVERWEIGHT),
        (27.5, True, bmi.OBESITY_I), (27.6, True, bmi.OBESITY_I), (32.4, True, bmi.OBESITY_I),
        (32.5, True, bmi.OBESITY_II), (37.4, True, bmi.OBESITY_II), (37.5, True, bmi.OBESITY_III),
        (37.6, True, bmi.OBESITY_III),
    ],
)  # fmt: skip
def test_bmi_category_boundaries(value: float, lower: bool, category: str) -> None:
    assert bmi_category(value, lower) == category


def test_bmi_classed_as_displayed_to_one_decimal() -> None:
    assert bmi_category(24.96) == bmi.OVERWEIGHT  # shown as 25.0
    assert bmi_category(24.94) == bmi.HEALTHY  # shown as 24.9


def test_calculate_bmi_value_and_ethnicity() -> None:
    result = calculate_bmi(80, 178)
    assert result.bmi_kg_m2 == pytest.approx(25.2493372, abs=1e-7)
    assert (result.category, result.lower_thresholds) == (bmi.OVERWEIGHT, False)
    south_asian = calculate_bmi(70, 170, "H")  # 24.2: healthy for most, overweight with lower thresholds
    assert (south_asian.category, south_asian.lower_thresholds) == (bmi.OVERWEIGHT, True)
    assert calculate_bmi(70, 170, "A").category == bmi.HEALTHY
    assert calculate_bmi(70, 170, None).category == bmi.HEALTHY


@pytest.mark.parametrize(
    ("weight", "height", "words", "item"),
    [
        (0, 170, "not possible", "weight_kg"),
        (80, 17, "not possible", "height_cm"),  # metres typed as cm? 17 cm
        (80, 1.78, "not possible", "height_cm"),
        (float("nan"), 170, "not a number", "weight_kg"),
        (80, float("-inf"), "infinite", "height_cm"),
        (None, 170, "missing", "weight_kg"),
        ("80", 170, "must be a number", "weight_kg"),
        (True, 170, "must be a number", "weight_kg"),
    ],
)
def test_bmi_refuses_bad_input(weight: object, height: object, words: str, item: str) -> None:
    with pytest.raises(CalculationError, match=words) as info:
        calculate_bmi(weight, height)  # type: ignore[arg-type]
    assert info.value.item == item


def test_bmi_unknown_ethnic_category_refused() -> None:
    with pytest.raises(CalculationError, match="UK Core ethnic category"):
        calculate_bmi(80, 170, "Q")


# --- ethnicity -----------------------------------------------------------------------------------------


def test_every_uk_core_category_maps_to_a_qrisk3_code() -> None:
    expected = {"A": 1, "B": 1, "C": 1, "H": 2, "J": 3, "K": 4, "L": 5, "M": 6, "N": 7, "R": 8,
                "D": 9, "E": 9, "F": 9, "G": 9, "P": 9, "S": 9, "Z": 0, "99": 0}  # fmt: skip
    assert {code: to_qrisk3_ethnicity(code) for code in ETHNIC_CATEGORIES} == expected
    assert to_qrisk3_ethnicity(None) == 0


def test_lower_bmi_groups() -> None:
    assert LOWER_BMI_THRESHOLD_CATEGORIES == {"H", "J", "K", "L", "R", "M", "N", "P"}
    assert [c for c in ETHNIC_CATEGORIES if uses_lower_bmi_thresholds(c)] == [
        "H",
        "J",
        "K",
        "L",
        "M",
        "N",
        "P",
        "R",
    ]


# --- blood pressure ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sys", "dia", "category", "urgent"),
    [
        (89, 70, bp.LOW, False), (90, 60, bp.NORMAL, False), (91, 61, bp.NORMAL, False),
        (110, 59, bp.LOW, False),
        (139, 89, bp.NORMAL, False), (140, 80, bp.STAGE_1, False), (141, 80, bp.STAGE_1, False),
        (130, 90, bp.STAGE_1, False), (130, 91, bp.STAGE_1, False),
        (159, 99, bp.STAGE_1, False), (160, 80, bp.STAGE_2, False), (161, 80, bp.STAGE_2, False),
        (150, 100, bp.STAGE_2, False), (150, 101, bp.STAGE_2, False),
        (179, 119, bp.STAGE_2, False), (180, 90, bp.SEVERE, True), (181, 90, bp.SEVERE, True),
        (170, 120, bp.SEVERE, True), (170, 121, bp.SEVERE, True),
    ],
)  # fmt: skip
def test_blood_pressure_bands(sys: float, dia: float, category: str, urgent: bool) -> None:
    result = classify_blood_pressure(sys, dia)
    assert (result.category, result.urgent) == (category, urgent)


@pytest.mark.parametrize(
    ("sys", "dia", "red"),
    [(140, 90, False), (141, 80, True), (120, 91, True), (139, 89, False), (200, 110, True)],
)
def test_lester_red_zone_is_strictly_above_140_90(sys: float, dia: float, red: bool) -> None:
    assert classify_blood_pressure(sys, dia).lester_red_zone is red


@pytest.mark.parametrize(
    ("sys", "dia", "words", "item"),
    [
        (1200, 80, "Systolic 1200 mmHg is not possible", "systolic_mmhg"),
        (120, 0, "not possible", "diastolic_mmhg"),
        (80, 120, "not lower than systolic", "diastolic_mmhg"),
        (120, 120, "not lower than systolic", "diastolic_mmhg"),
    ],
)
def test_blood_pressure_refuses_impossible(sys: float, dia: float, words: str, item: str) -> None:
    with pytest.raises(CalculationError, match=words) as info:
        classify_blood_pressure(sys, dia)
    assert info.value.item == item


# --- pulse ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "category", "review", "very"),
    [
        (40, pulse.SLOW, True, True), (41, pulse.SLOW, True, False), (59, pulse.SLOW, True, False),
        (60, pulse.NORMAL, False, False), (61, pulse.NORMAL, False, False), (99, pulse.NORMAL, False, False),
        (100, pulse.NORMAL, False, False), (101, pulse.FAST, True, False), (130, pulse.FAST, True, False),
        (131, pulse.FAST, True, True),
    ],
)  # fmt: skip
def test_pulse_bands(rate: float, category: str, review: bool, very: bool) -> None:
    result = classify_pulse(rate)
    assert (result.category, result.needs_review, result.very_abnormal) == (category, review, very)


def test_irregular_pulse_always_needs_review() -> None:
    result = classify_pulse(72, irregular=True)
    assert result.needs_review and result.irregular
    assert result.category == "Irregular, rate normal (60 to 100)"


# --- glycaemia -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (41, gly.NORMAL),
        (41.9, gly.NORMAL),
        (42, gly.HIGH_RISK),
        (43, gly.HIGH_RISK),
        (47, gly.HIGH_RISK),
        (47.9, gly.HIGH_RISK),
        (48, gly.DIABETES),
        (49, gly.DIABETES),
    ],
)
def test_hba1c_bands(value: float, band: str) -> None:
    assert classify_hba1c(value).band == band


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (5.4, gly.NORMAL),
        (5.5, gly.HIGH_RISK),
        (5.6, gly.HIGH_RISK),
        (6.9, gly.HIGH_RISK),
        (6.99, gly.HIGH_RISK),
        (7.0, gly.DIABETES),
        (7.1, gly.DIABETES),
    ],
)
def test_fasting_glucose_bands(value: float, band: str) -> None:
    assert classify_glucose(value, fasting=True).band == band


@pytest.mark.parametrize(("value", "band"), [(11.0, gly.NORMAL), (11.1, gly.DIABETES), (11.2, gly.DIABETES)])
def test_random_glucose_bands(value: float, band: str) -> None:
    assert classify_glucose(value, fasting=False).band == band


def test_random_glucose_never_shows_high_risk() -> None:
    assert classify_glucose(6.5, fasting=False).band == gly.NORMAL


def test_combine_bands_picks_most_concerning() -> None:
    results = [classify_hba1c(40), classify_glucose(6.0, True), classify_glucose(5.0, False)]
    combined = combine_bands(results)
    assert combined is not None and combined.band == gly.HIGH_RISK and combined.measure == "fasting glucose"
    assert combine_bands([]) is None


def test_glucose_needs_a_yes_no_fasting_flag() -> None:
    with pytest.raises(CalculationError, match="Fasting"):
        classify_glucose(5.0, fasting="yes")  # type: ignore[arg-type]


# --- lipids --------------------------------------------------------------------------------------------


def test_lipids() -> None:
    result = calculate_lipids(5.2, 1.3)
    assert result.tc_hdl_ratio == pytest.approx(4.0)
    assert result.non_hdl_mmol_l == pytest.approx(3.9)


def test_lipids_hdl_must_be_below_total() -> None:
    with pytest.raises(CalculationError, match="may be swapped") as info:
        calculate_lipids(1.3, 5.2)
    assert info.value.item == "hdl_mmol_l"


# --- AUDIT-C -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "score", "band"),
    [
        ((0, 0, 0), 0, audit_c.LOWER_RISK), ((2, 1, 1), 4, audit_c.LOWER_RISK),
        ((2, 2, 1), 5, audit_c.INCREASING_RISK), ((2, 2, 2), 6, audit_c.INCREASING_RISK),
        ((3, 2, 2), 7, audit_c.INCREASING_RISK), ((4, 2, 2), 8, audit_c.HIGHER_RISK),
        ((4, 3, 2), 9, audit_c.HIGHER_RISK), ((4, 3, 3), 10, audit_c.HIGHER_RISK),
        ((4, 4, 3), 11, audit_c.POSSIBLE_DEPENDENCE), ((4, 4, 4), 12, audit_c.POSSIBLE_DEPENDENCE),
    ],
)  # fmt: skip
def test_audit_c_bands(answers: tuple[int, int, int], score: int, band: str) -> None:
    result = score_audit_c(*answers)
    assert (result.score, result.band, result.positive) == (score, band, score >= 5)


@pytest.mark.parametrize("bad", [-1, 5, 2.5, "2", None, True])
def test_audit_c_refuses_out_of_range_answers(bad: object) -> None:
    with pytest.raises(CalculationError) as info:
        score_audit_c(1, bad, 1)  # type: ignore[arg-type]
    assert info.value.item == "q2"


def test_audit_c_accepts_whole_floats() -> None:
    assert score_audit_c(1.0, 2.0, 3.0).score == 6  # type: ignore[arg-type]


# --- smoking -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "per_day", "category", "code"),
    [
        ("never", None, 0, "266919005"), ("ex", None, 1, "8517006"),
        ("current", 1, 2, "160603005"), ("current", 9, 2, "160603005"), ("current", 10, 3, "160604004"),
        ("current", 19, 3, "160604004"), ("current", 20, 4, "160605003"), ("current", 39, 4, "160605003"),
        ("current", 40, 4, "160606002"),
    ],
)  # fmt: skip
def test_smoking_category_and_code(status: str, per_day: int | None, category: int, code: str) -> None:
    assert smoking_category(status, per_day) == category
    assert smoking_snomed(status, per_day).code == code


def test_current_smoker_without_amount() -> None:
    assert smoking_snomed("current").code == "77176002"
    with pytest.raises(CalculationError, match="Cigarettes a day is missing") as info:
        smoking_category("current", None)
    assert info.value.item == "cigarettes_per_day"


@pytest.mark.parametrize("status", ["Current", "smoker", "", None, 1])
def test_unknown_smoking_status_refused(status: object) -> None:
    with pytest.raises(CalculationError, match="Smoking status"):
        smoking_category(status, 5)  # type: ignore[arg-type]
