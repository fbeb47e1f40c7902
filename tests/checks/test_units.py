"""Every conversion a nurse needs, against values worked out by hand."""

from __future__ import annotations

import pytest

from outreach.checks import units
from outreach.checks.definition import CheckDefinition
from outreach.checks.validation import validate_answer

EXACT = pytest.approx  # relative 1e-6 by default; tighter where the arithmetic is exact
TIGHT = {"rel": 1e-12}


def test_stones_and_pounds_to_kg() -> None:
    # 1 lb = 0.45359237 kg exactly; 1 st = 14 lb = 6.35029318 kg
    assert units.stones_pounds_to_kg(1, 0) == EXACT(6.35029318, **TIGHT)
    assert units.stones_pounds_to_kg(12, 5) == EXACT(78.47148001, **TIGHT)  # 173 lb
    assert units.stones_pounds_to_kg(0, 13) == EXACT(5.89670081, **TIGHT)


def test_feet_and_inches_to_cm() -> None:
    assert units.feet_inches_to_cm(5, 10) == EXACT(177.8, **TIGHT)  # 70 in x 2.54
    assert units.feet_inches_to_cm(6, 0) == EXACT(182.88, **TIGHT)
    assert units.feet_inches_to_cm(4, 11.5) == EXACT(151.13, **TIGHT)


def test_pounds_and_inches() -> None:
    assert units.pounds_to_kg(100) == EXACT(45.359237, **TIGHT)
    assert units.inches_to_cm(36) == EXACT(91.44, **TIGHT)


def test_glucose_mg_dl() -> None:
    assert units.glucose_mg_dl_to_mmol_l(126) == EXACT(126 / 18.016, **TIGHT)
    assert units.glucose_mg_dl_to_mmol_l(180.16) == EXACT(10.0, **TIGHT)


def test_cholesterol_mg_dl() -> None:
    assert units.cholesterol_mg_dl_to_mmol_l(386.7) == EXACT(10.0, **TIGHT)
    assert units.cholesterol_mg_dl_to_mmol_l(200) == EXACT(5.171967933798811, **TIGHT)


def test_hba1c_dcct_to_ifcc() -> None:
    # IFCC = (DCCT - 2.15) x 10.929
    assert units.hba1c_percent_to_mmol_mol(6.5) == EXACT(47.54115, **TIGHT)
    assert units.hba1c_percent_to_mmol_mol(6.0) == EXACT(42.07665, **TIGHT)
    assert units.hba1c_percent_to_mmol_mol(2.15) == 0


@pytest.mark.parametrize(
    ("link", "value", "unit", "expected"),
    [
        ("weight.weight", [12, 5], "[stone_av]", 78.47148001),
        ("weight.weight", "12 st 5 lb", None, 78.47148001),
        ("weight.weight", "12st 5", None, 78.47148001),
        ("weight.weight", 12, "st", 76.20351816),
        ("weight.weight", "173 lbs", None, 78.47148001),
        ("weight.weight", 173, "[lb_av]", 78.47148001),
        ("weight.height", [5, 10], "[ft_i]", 177.8),
        ("weight.height", "5'10\"", None, 177.8),
        ("weight.height", "5 ft 10 in", None, 177.8),
        ("weight.height", 70, "in", 177.8),
        ("weight.waist", "40 inches", None, 101.6),
        # lab values converted from mg/dL or % are recorded as a UK lab reports them (units.REPORTED_DECIMALS)
        ("glucose.fasting_glucose", 126, "mg/dL", 7.0),  # 126 / 18.016 = 6.994
        ("glucose.random_glucose", "200 mg/dl", None, 11.1),  # 11.101
        ("lipids.total_cholesterol", 232, "mg/dL", 6.0),  # 232 / 38.67 = 5.9995
        ("lipids.hdl", 50, "mg/dL", 1.29),  # 1.2930
        ("lipids.triglycerides", 150, "mg/dL", 1.69),  # 150 / 88.57 = 1.6936
        ("glucose.hba1c", 6.5, "%", 48),  # (6.5 - 2.15) x 10.929 = 47.54
        ("glucose.hba1c", "7.0 %", None, 53),  # 53.006
    ],
)
def test_answers_convert_to_the_canonical_unit(defn: CheckDefinition, link: str, value: object,
                                               unit: str | None, expected: float) -> None:
    assert validate_answer(defn, link, value, unit) == EXACT(expected, **TIGHT)


def test_canonical_unit_is_unchanged(defn: CheckDefinition) -> None:
    assert validate_answer(defn, "weight.weight", 82.5) == 82.5
    assert validate_answer(defn, "weight.weight", 82.5, "kg") == 82.5
    assert validate_answer(defn, "blood_pressure.systolic", "128 mmHg") == 128


def test_mg_dl_needs_an_analyte() -> None:
    assert not units.can_convert("mg/dL", "mmol/L", None)
    assert not units.can_convert("%", "mmol/mol", "glucose")
    assert units.can_convert("[stone_av]", "kg")
    with pytest.raises(ValueError):
        units.to_canonical(1.0, "mg/dL", "mmol/L", None)


def test_format_number() -> None:
    assert units.format_number(82.5) == "82.5"
    assert units.format_number(1200.0) == "1200"
    assert units.format_number(78.47148) == "78.47"
    assert units.format_number(-0.001) == "0"
    assert units.format_number(1e20) == "1e+20"
    assert [units.format_number(v) for v in (float("nan"), float("inf"), float("-inf"))] == [
        "nan",
        "inf",
        "-inf",
    ]
