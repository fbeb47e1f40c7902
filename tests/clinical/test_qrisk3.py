"""QRISK3-2017 against published reference values from independent implementations.

The reference file (tests/clinical/data/qrisk3_reference.json, sources in the README beside it) holds
scores produced by the original ClinRisk C code, the ClinRisk batch engine and two JavaScript ports.
Each case is compared at the precision its source states.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from outreach.clinical.qrisk3 import (
    MAX_AGE,
    MIN_AGE,
    QRISK3_DISCLAIMER,
    QRisk3Inputs,
    calculate_qrisk3,
    missing_qrisk3_inputs,
)
from outreach.errors import CalculationError

DATA = Path(__file__).parent / "data" / "qrisk3_reference.json"
REFERENCE = json.loads(DATA.read_text(encoding="utf-8"))
CASES = REFERENCE["cases"]


def _agrees(score: float, expected: float, precision: str) -> bool:
    if precision == "exact":
        return abs(score - expected) <= 1e-9
    if precision == "6dp":
        return round(score, 6) == expected
    if precision == "1dp":
        return round(score, 1) == expected
    if precision == "2dp":
        return abs(score - expected) < 0.005
    if precision == "0dp":
        return abs(score - expected) < 0.5
    raise AssertionError(f"unknown precision {precision}")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_reference_value(case: dict) -> None:
    result = calculate_qrisk3(QRisk3Inputs.from_mapping(case["inputs"]))
    assert _agrees(result.risk_percent, case["expected_percent"], case["precision"]), (
        f"{case['id']}: {result.risk_percent!r} vs {case['expected_percent']} ({case['precision']})"
    )


def test_reference_set_covers_both_sexes_several_ages_and_every_source() -> None:
    sexes = {c["inputs"]["sex"] for c in CASES}
    ages = {c["inputs"]["age_years"] for c in CASES}
    assert sexes == {"female", "male"}
    assert len(ages) >= 6
    assert {c["source"] for c in CASES} == set(REFERENCE["sources"])
    for source in REFERENCE["sources"].values():
        assert len(source["commit"]) == 40


def _base(**changes: object) -> QRisk3Inputs:
    case = next(c for c in CASES if c["id"] == "cran-2019-26")  # male 64, Indian, the CRAN baseline
    return dataclasses.replace(QRisk3Inputs.from_mapping(case["inputs"]), **changes)


def test_result_is_full_precision_with_disclaimer() -> None:
    result = calculate_qrisk3(_base())
    assert round(result.risk_percent, 1) == 27.1
    assert result.risk_percent != round(result.risk_percent, 1)
    assert result.disclaimer == QRISK3_DISCLAIMER
    assert "ClinRisk" in QRISK3_DISCLAIMER and "https://qrisk.org" in QRISK3_DISCLAIMER
    assert "wrong treatment" in QRISK3_DISCLAIMER


def test_bmi_computed_from_weight_and_height_when_absent() -> None:
    from_measures = calculate_qrisk3(_base(weight_kg=80, height_cm=178))
    given = calculate_qrisk3(_base(weight_kg=None, height_cm=None, bmi_kg_m2=80 / 1.78**2))
    assert from_measures.bmi_kg_m2 == pytest.approx(25.2493372, abs=1e-7)
    assert from_measures.risk_percent == pytest.approx(given.risk_percent, abs=1e-12)


def test_bmi_given_takes_precedence_over_weight_and_height() -> None:
    result = calculate_qrisk3(_base(bmi_kg_m2=30.0))
    assert result.bmi_kg_m2 == 30.0


def test_erectile_dysfunction_ignored_for_women_and_not_required() -> None:
    woman = _base(sex="female")
    with_ed = calculate_qrisk3(dataclasses.replace(woman, erectile_dysfunction=True))
    without_ed = calculate_qrisk3(dataclasses.replace(woman, erectile_dysfunction=None))
    assert with_ed.risk_percent == without_ed.risk_percent
    assert round(with_ed.risk_percent, 1) == 17.2  # CRAN row 6: woman with the flag set gives her baseline


def test_erectile_dysfunction_counts_for_men_and_is_required() -> None:
    assert (
        calculate_qrisk3(_base(erectile_dysfunction=True)).risk_percent
        > calculate_qrisk3(_base()).risk_percent
    )
    with pytest.raises(CalculationError, match="erectile dysfunction"):
        calculate_qrisk3(_base(erectile_dysfunction=None))


@pytest.mark.parametrize("age", [MIN_AGE, MAX_AGE])
def test_age_limits_are_inclusive(age: int) -> None:
    assert 0 < calculate_qrisk3(_base(age_years=age)).risk_percent < 100


@pytest.mark.parametrize("age", [MIN_AGE - 1, MAX_AGE + 1, 0, 120])
def test_ages_outside_25_to_84_are_refused(age: int) -> None:
    with pytest.raises(CalculationError, match="25 to 84") as info:
        calculate_qrisk3(_base(age_years=age))
    assert info.value.item == "age_years"


@pytest.mark.parametrize(
    ("field", "plain"),
    [
        ("sex", "sex"),
        ("age_years", "age"),
        ("ethnicity_code", "ethnicity"),
        ("smoking_category", "smoking status"),
        ("townsend_score", "Townsend"),
        ("cholesterol_hdl_ratio", "cholesterol/HDL ratio"),
        ("systolic_bp_mmhg", "systolic blood pressure"),
        ("systolic_bp_sd_mmhg", "variation of systolic blood pressure"),
        ("diabetes", "diabetes status"),
        ("migraine", "migraine"),
        ("treated_hypertension", "blood pressure treatment"),
        ("family_history_chd_first_degree_under_60", "heart attack"),
    ],
)
def test_each_missing_input_is_named_never_defaulted(field: str, plain: str) -> None:
    with pytest.raises(CalculationError) as info:
        calculate_qrisk3(_base(**{field: None}))
    assert plain in info.value.message


def test_missing_bmi_needs_both_weight_and_height() -> None:
    with pytest.raises(CalculationError, match="height and weight"):
        calculate_qrisk3(_base(height_cm=None))


def test_missing_inputs_listed_for_live_display() -> None:
    assert missing_qrisk3_inputs({})[:3] == ["sex", "age", "ethnicity"]
    assert "erectile dysfunction" not in missing_qrisk3_inputs({})
    assert "erectile dysfunction" in missing_qrisk3_inputs({"sex": "male"})
    complete = {f.name: getattr(_base(), f.name) for f in dataclasses.fields(QRisk3Inputs)}
    assert missing_qrisk3_inputs(complete) == []
    assert missing_qrisk3_inputs({**complete, "weight_kg": None}) == ["height and weight (for BMI)"]
    assert missing_qrisk3_inputs({**complete, "weight_kg": None, "bmi_kg_m2": 24.0}) == []


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("systolic_bp_mmhg", float("nan"), "not a number"),
        ("systolic_bp_mmhg", float("inf"), "infinite"),
        ("cholesterol_hdl_ratio", 0.5, "not possible"),
        ("ethnicity_code", 10, "not possible"),
        ("smoking_category", 5, "not possible"),
        ("smoking_category", 1.5, "whole number"),
        ("age_years", "64", "must be a number"),
        ("sex", "f", "must be one of"),
        ("diabetes", "yes", "must be one of"),
        ("migraine", "no", "yes or no"),
        ("migraine", 2, "yes or no"),
        ("weight_kg", 10**400, "impossibly large"),
    ],
)
def test_bad_values_refused_with_a_clear_message(field: str, value: object, words: str) -> None:
    with pytest.raises(CalculationError, match=words) as info:
        calculate_qrisk3(_base(**{field: value}))
    assert info.value.item == field


def test_unknown_input_name_refused() -> None:
    with pytest.raises(CalculationError, match="does not use"):
        QRisk3Inputs.from_mapping({"sex": "male", "age": 64})


def test_flags_accept_zero_and_one() -> None:
    assert (
        calculate_qrisk3(_base(migraine=1)).risk_percent
        == calculate_qrisk3(_base(migraine=True)).risk_percent
    )
