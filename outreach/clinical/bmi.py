"""Body mass index and the weight category shown to the worker.

NICE uses lower BMI thresholds for people of South Asian, Chinese, other Asian,
Black African and African-Caribbean family background, because their risk of
type 2 diabetes and heart disease rises at a lower BMI. The category words must
therefore depend on ethnicity, and the result says which thresholds were used.
"""

from __future__ import annotations

from dataclasses import dataclass

from outreach.clinical.ethnicity import uses_lower_bmi_thresholds
from outreach.clinical.inputs import number

# Plausible-value limits (refuse impossible readings; the check definition holds the question limits).
WEIGHT_RANGE_KG = (10.0, 400.0)
HEIGHT_RANGE_CM = (50.0, 275.0)

UNDERWEIGHT = "Underweight"
HEALTHY = "Healthy weight"
OVERWEIGHT = "Overweight"
OBESITY_I = "Obesity class I"
OBESITY_II = "Obesity class II"
OBESITY_III = "Obesity class III"
CATEGORIES = (UNDERWEIGHT, HEALTHY, OVERWEIGHT, OBESITY_I, OBESITY_II, OBESITY_III)

# NICE CG189/NG246: underweight < 18.5; healthy 18.5-24.9; overweight 25-29.9; obesity I 30-34.9,
# II 35-39.9, III >= 40 kg/m2. Lower-threshold groups: each of 25, 30, 35, 40 reduced by 2.5.
_STANDARD = ((18.5, UNDERWEIGHT), (25.0, HEALTHY), (30.0, OVERWEIGHT), (35.0, OBESITY_I), (40.0, OBESITY_II))
_LOWER = ((18.5, UNDERWEIGHT), (23.0, HEALTHY), (27.5, OVERWEIGHT), (32.5, OBESITY_I), (37.5, OBESITY_II))


@dataclass(frozen=True, slots=True)
class BmiResult:
    """BMI at full precision; `category` in the words the app shows; which thresholds applied."""

    bmi_kg_m2: float
    category: str
    lower_thresholds: bool


def bmi_category(bmi_kg_m2: float, lower_thresholds: bool = False) -> str:
    """Category words for a BMI value.

    The value is classed as shown on screen, to one decimal place, so that "25.0" never appears
    beside "Healthy weight".
    """
    shown = round(bmi_kg_m2, 1)
    for upper, name in _LOWER if lower_thresholds else _STANDARD:
        if shown < upper:
            return name
    return OBESITY_III


def calculate_bmi(weight_kg: float, height_cm: float, ethnic_category: str | None = None) -> BmiResult:
    """BMI = weight (kg) / height (m) squared, with the category for this person's ethnic category."""
    weight = number(weight_kg, item="weight_kg", label="Weight", unit="kg",
                    low=WEIGHT_RANGE_KG[0], high=WEIGHT_RANGE_KG[1])
    height = number(height_cm, item="height_cm", label="Height", unit="cm",
                    low=HEIGHT_RANGE_CM[0], high=HEIGHT_RANGE_CM[1])
    lower = uses_lower_bmi_thresholds(ethnic_category)
    bmi = weight / (height / 100.0) ** 2
    return BmiResult(bmi_kg_m2=bmi, category=bmi_category(bmi, lower), lower_thresholds=lower)
