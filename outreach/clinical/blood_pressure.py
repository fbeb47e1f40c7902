"""Clinic blood pressure: which band a reading falls in and whether it needs same-day action.

Bands follow NICE NG136 for clinic readings. A single clinic reading never
diagnoses hypertension (NICE asks for a repeat and ambulatory or home readings),
so the words say "range", not "hypertension". The severe band is flagged
`urgent` because NICE asks for same-day assessment.
"""

from __future__ import annotations

from dataclasses import dataclass

from outreach.clinical.inputs import number
from outreach.errors import CalculationError

SYSTOLIC_RANGE = (50.0, 300.0)
DIASTOLIC_RANGE = (20.0, 200.0)

LOW = "Low (below 90/60)"
NORMAL = "Normal (below 140/90)"
STAGE_1 = "High: stage 1 range (140/90 or more)"
STAGE_2 = "High: stage 2 range (160/100 or more)"
SEVERE = "Very high: 180/120 or more, same-day action"
CATEGORIES = (LOW, NORMAL, STAGE_1, STAGE_2, SEVERE)


@dataclass(frozen=True, slots=True)
class BloodPressureResult:
    """`category` words as shown; `urgent` marks same-day action; `lester_red_zone` above 140/90."""

    category: str
    urgent: bool
    lester_red_zone: bool


def classify_blood_pressure(systolic_mmhg: float, diastolic_mmhg: float) -> BloodPressureResult:
    """Band for one clinic reading (the lower of the last two readings, per NICE NG136)."""
    systolic = number(systolic_mmhg, item="systolic_mmhg", label="Systolic", unit="mmHg",
                      low=SYSTOLIC_RANGE[0], high=SYSTOLIC_RANGE[1])
    diastolic = number(diastolic_mmhg, item="diastolic_mmhg", label="Diastolic", unit="mmHg",
                       low=DIASTOLIC_RANGE[0], high=DIASTOLIC_RANGE[1])
    if diastolic >= systolic:
        raise CalculationError(
            f"Diastolic {diastolic:g} mmHg is not lower than systolic {systolic:g} mmHg: check the reading "
            "(the two may be swapped)",
            item="diastolic_mmhg",
        )
    # Lester UK adaptation 2014: red zone is > 140 systolic and/or > 90 diastolic.
    red_zone = systolic > 140 or diastolic > 90
    if systolic >= 180 or diastolic >= 120:  # NICE NG136: severe hypertension, clinic >= 180/120
        return BloodPressureResult(SEVERE, urgent=True, lester_red_zone=red_zone)
    if systolic >= 160 or diastolic >= 100:  # NICE NG136: stage 2, clinic >= 160/100
        return BloodPressureResult(STAGE_2, urgent=False, lester_red_zone=red_zone)
    if systolic >= 140 or diastolic >= 90:  # NICE NG136: stage 1, clinic >= 140/90 -> offer ABPM
        return BloodPressureResult(STAGE_1, urgent=False, lester_red_zone=red_zone)
    if systolic < 90 or diastolic < 60:  # NHS guidance: low blood pressure is below 90/60 [general]
        return BloodPressureResult(LOW, urgent=False, lester_red_zone=False)
    return BloodPressureResult(NORMAL, urgent=False, lester_red_zone=False)
