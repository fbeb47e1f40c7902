"""QRISK3 input limits: each limit itself is accepted, and anything past it is refused, at every edge.

The limits are the plausible-value ranges of outreach/clinical/qrisk3.py (they refuse impossible readings
and never clamp, because the QRISK3-2017 model has no clamp: reference/qrisk3.md, "BMI ... the raw
function has no clamp"), the QRISK3 code tables (ethnicity 0-9, smoking 0-4: reference/qrisk3.md, Inputs)
and NICE NG238 1.1.7 for age (25 to 84). A limit moved by one either way must fail a test here.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from outreach.clinical.qrisk3 import QRisk3Inputs, calculate_qrisk3
from outreach.errors import CalculationError

_CASES = json.loads((Path(__file__).parent / "data" / "qrisk3_reference.json").read_text(encoding="utf-8"))[
    "cases"
]
# CRAN row 26: man of 64, Indian, BMI from 80 kg and 178 cm; every other input well inside its limits.
_BASE = QRisk3Inputs.from_mapping(next(c for c in _CASES if c["id"] == "cran-2019-26")["inputs"])


def _score(**changes: object) -> float:
    return calculate_qrisk3(dataclasses.replace(_BASE, **changes)).risk_percent


# (field, lowest accepted, highest accepted, why these limits)
LIMITS = [
    ("systolic_bp_mmhg", 50.0, 300.0, "_SBP_RANGE: a systolic pressure outside 50-300 mmHg is a misreading"),
    (
        "systolic_bp_sd_mmhg",
        0.0,
        100.0,
        "_SBP_SD_RANGE: a standard deviation is never negative; over 100 is a misreading",
    ),
    (
        "cholesterol_hdl_ratio",
        1.0,
        20.0,
        "_RATIO_RANGE: total cholesterol includes HDL, so the ratio is at least 1",
    ),
    ("townsend_score", -15.0, 25.0, "_TOWNSEND_RANGE: beyond any published Townsend score"),
    ("bmi_kg_m2", 10.0, 90.0, "_BMI_RANGE: a BMI outside 10-90 kg/m2 is a misreading"),
]


@pytest.mark.parametrize(("field", "low", "high", "why"), LIMITS, ids=[x[0] for x in LIMITS])
def test_each_limit_is_accepted_and_half_a_unit_beyond_is_refused(
    field: str, low: float, high: float, why: str
) -> None:
    for edge in (low, high, int(low), int(high)):
        assert 0 < _score(**{field: edge}) < 100, f"{field}={edge!r} should be accepted ({why})"
    for beyond in (low - 0.5, high + 0.5, int(low) - 1, int(high) + 1):
        with pytest.raises(CalculationError, match="not possible") as info:
            _score(**{field: beyond})
        assert info.value.item == field, why


# Weight and height are each limited before BMI is worked out from them (weight 10-400 kg, height 50-275 cm:
# _WEIGHT_RANGE and _HEIGHT_RANGE). The partner measurement is chosen so the BMI stays within 10-90.
MEASURES = [
    ("weight_kg", 10.0, {"height_cm": 60.0}),  # BMI 27.8
    ("weight_kg", 400.0, {"height_cm": 250.0}),  # BMI 64.0
    ("height_cm", 50.0, {"weight_kg": 12.0}),  # BMI 48.0
    ("height_cm", 275.0, {"weight_kg": 100.0}),  # BMI 13.2
]


@pytest.mark.parametrize(("field", "edge", "partner"), MEASURES, ids=[f"{m[0]}-{m[1]:g}" for m in MEASURES])
def test_weight_and_height_limits_are_inclusive(field: str, edge: float, partner: dict[str, float]) -> None:
    result = calculate_qrisk3(dataclasses.replace(_BASE, bmi_kg_m2=None, **{field: edge}, **partner))
    weight = partner.get("weight_kg", edge)
    height = partner.get("height_cm", edge)
    assert result.bmi_kg_m2 == pytest.approx(weight / (height / 100) ** 2)


@pytest.mark.parametrize(
    ("field", "beyond", "partner"),
    [
        ("weight_kg", 9.5, {"height_cm": 60.0}),
        ("weight_kg", 9, {"height_cm": 60.0}),
        ("weight_kg", 400.5, {"height_cm": 250.0}),
        ("weight_kg", 401, {"height_cm": 250.0}),
        ("height_cm", 49.5, {"weight_kg": 12.0}),
        ("height_cm", 49, {"weight_kg": 12.0}),
        ("height_cm", 275.5, {"weight_kg": 100.0}),
        ("height_cm", 276, {"weight_kg": 100.0}),
    ],
)
def test_weight_and_height_past_their_limits_are_refused(
    field: str, beyond: float, partner: dict[str, float]
) -> None:
    with pytest.raises(CalculationError, match="not possible") as info:
        calculate_qrisk3(dataclasses.replace(_BASE, bmi_kg_m2=None, **{field: beyond}, **partner))
    assert info.value.item == field


def test_bmi_worked_out_from_measurements_is_held_to_the_bmi_limits() -> None:
    """Weight and height each within their limits can still give an impossible BMI (over 90 or under 10)."""
    with pytest.raises(CalculationError, match="BMI from this height and weight") as info:  # BMI 177.8
        calculate_qrisk3(dataclasses.replace(_BASE, bmi_kg_m2=None, weight_kg=400.0, height_cm=150.0))
    assert info.value.item == "bmi_kg_m2"
    with pytest.raises(CalculationError, match="BMI from this height and weight"):
        calculate_qrisk3(dataclasses.replace(_BASE, bmi_kg_m2=None, weight_kg=20.0, height_cm=200.0))  # 5.0


@pytest.mark.parametrize(("field", "low", "high"), [("ethnicity_code", 0, 9), ("smoking_category", 0, 4)])
def test_code_tables_start_at_0_and_end_at_their_last_code(field: str, low: int, high: int) -> None:
    """reference/qrisk3.md: the C arrays are indexed 0..9 (ethnicity) and 0..4 (smoking)."""
    assert 0 < _score(**{field: low}) < 100
    assert 0 < _score(**{field: high}) < 100
    for beyond in (low - 1, high + 1):
        with pytest.raises(CalculationError, match="not possible") as info:
            _score(**{field: beyond})
        assert info.value.item == field


def test_sex_chooses_the_model() -> None:
    """The female and male models differ (separate functions in the ClinRisk source)."""
    female = _score(sex="female", erectile_dysfunction=None)
    male = _score()
    assert round(female, 1) == 17.2 and round(male, 1) == 27.1  # CRAN rows 1 and 26


@pytest.mark.parametrize("age", [0, 24, 85, 150])
def test_a_possible_age_outside_25_to_84_names_the_qrisk3_range(age: int) -> None:
    """NICE NG238 1.1.7: QRISK3 is for ages 25 to 84; any real age outside that says so."""
    with pytest.raises(CalculationError, match="only valid for ages 25 to 84") as info:
        _score(age_years=age)
    assert info.value.item == "age_years"


@pytest.mark.parametrize("age", [-1, 151, 1000])
def test_an_impossible_age_is_called_impossible(age: int) -> None:
    with pytest.raises(CalculationError, match="not possible") as info:
        _score(age_years=age)
    assert info.value.item == "age_years"


def test_the_live_display_copes_with_no_answers_at_all() -> None:
    from outreach.clinical.qrisk3 import INPUT_NAMES, missing_qrisk3_inputs

    everything = [name for key, name in INPUT_NAMES.items() if key != "erectile_dysfunction"]
    assert missing_qrisk3_inputs(None) == everything  # type: ignore[arg-type]
    assert missing_qrisk3_inputs({}) == everything
