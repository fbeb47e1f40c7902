"""HbA1c and blood glucose bands.

Non-diabetic hyperglycaemia (high risk) makes a person eligible for the NHS
Diabetes Prevention Programme; a diabetes-range value needs a GP diabetes
review. The bands are the same three words for every measure so that the check
can report one band from whichever tests were done (`combine_bands`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from outreach.clinical.inputs import flag, number

HBA1C_RANGE_MMOL_MOL = (10.0, 250.0)
# Hyperosmolar hyperglycaemic state can give laboratory glucose above 50 mmol/L: a real reading, not a typo.
GLUCOSE_RANGE_MMOL_L = (1.0, 100.0)

NORMAL = "normal"
HIGH_RISK = "non-diabetic hyperglycaemia"
DIABETES = "diabetes range"
BANDS = (NORMAL, HIGH_RISK, DIABETES)  # in order of concern


@dataclass(frozen=True, slots=True)
class GlycaemiaResult:
    """One of BANDS, and which measure gave it ("HbA1c", "fasting glucose", "random glucose")."""

    band: str
    measure: str = ""


def classify_hba1c(mmol_mol: float) -> GlycaemiaResult:
    """HbA1c (IFCC, mmol/mol): < 42 normal; 42-47 high risk; >= 48 diabetes range."""
    value = number(mmol_mol, item="hba1c_mmol_mol", label="HbA1c", unit="mmol/mol",
                   low=HBA1C_RANGE_MMOL_MOL[0], high=HBA1C_RANGE_MMOL_MOL[1])
    if value >= 48:  # Lester 2014 / NICE PH38: HbA1c >= 48 mmol/mol (6.5%) diabetes range
        return GlycaemiaResult(DIABETES, "HbA1c")
    if value >= 42:  # Lester 2014 / NICE PH38: HbA1c 42-47 mmol/mol (6.0-6.4%) high risk
        return GlycaemiaResult(HIGH_RISK, "HbA1c")
    return GlycaemiaResult(NORMAL, "HbA1c")


def classify_glucose(mmol_l: float, fasting: bool) -> GlycaemiaResult:
    """Plasma glucose (mmol/L). Fasting: < 5.5 normal; 5.5-6.9 high risk; >= 7.0 diabetes range.

    Random: >= 11.1 diabetes range, otherwise "normal" (a random value cannot show high risk).
    """
    value = number(mmol_l, item="fasting_glucose_mmol_l" if fasting is True else "random_glucose_mmol_l",
                   label="Blood glucose", unit="mmol/L",
                   low=GLUCOSE_RANGE_MMOL_L[0], high=GLUCOSE_RANGE_MMOL_L[1])
    if flag(fasting, item="glucose_fasting", label="Fasting sample"):
        if value >= 7.0:  # Lester 2014 / NICE PH38: FPG >= 7.0 mmol/L diabetes range
            return GlycaemiaResult(DIABETES, "fasting glucose")
        if value >= 5.5:  # Lester 2014 / NICE PH38: FPG 5.5-6.9 mmol/L high risk
            return GlycaemiaResult(HIGH_RISK, "fasting glucose")
        return GlycaemiaResult(NORMAL, "fasting glucose")
    if value >= 11.1:  # Lester 2014: RPG >= 11.1 mmol/L diabetes range
        return GlycaemiaResult(DIABETES, "random glucose")
    return GlycaemiaResult(NORMAL, "random glucose")


def combine_bands(results: Iterable[GlycaemiaResult]) -> GlycaemiaResult | None:
    """The most concerning of several results (None when there are none)."""
    worst: GlycaemiaResult | None = None
    for result in results:
        if worst is None or BANDS.index(result.band) > BANDS.index(worst.band):
            worst = result
    return worst
