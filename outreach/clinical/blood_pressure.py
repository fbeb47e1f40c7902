"""Clinic blood pressure: which band a reading falls in and whether it needs same-day action,
and which of several readings taken at one visit is the clinic blood pressure.

Bands follow NICE NG136 for clinic readings. A single clinic reading never
diagnoses hypertension (NICE asks for a repeat and ambulatory or home readings),
so the words say "range", not "hypertension". The severe band is flagged
`urgent` because NICE asks for same-day assessment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

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


# NICE NG136 1.2 (measuring blood pressure): if the first clinic reading is 140/90 or more, take a
# second; if the second differs substantially from the first, take a third; record the lower of the
# last two. NICE does not put a number on "substantially": 10 mmHg (systolic or diastolic) is our
# working figure, an open item for the clinical safety officer (docs/clinical-safety/open-items.md).
REPEAT_FROM_SYSTOLIC: Final = 140
REPEAT_FROM_DIASTOLIC: Final = 90
SUBSTANTIAL_DIFFERENCE_MMHG: Final = 10


@dataclass(frozen=True, slots=True)
class ClinicBloodPressure:
    """The readings taken at one visit and the one used to classify it (NICE NG136).

    `used` is the 0-based position of the reading used; `second_needed` / `third_needed` say a
    further reading should still be taken (the check asks for it; finalising waits for a third).
    """

    readings: tuple[tuple[float, float], ...]
    used: int
    second_needed: bool
    third_needed: bool

    @property
    def systolic(self) -> float:
        return self.readings[self.used][0]

    @property
    def diastolic(self) -> float:
        return self.readings[self.used][1]


def is_severe(systolic: float, diastolic: float) -> bool:
    """NICE NG136: clinic systolic 180 or more, or diastolic 120 or more."""
    return systolic >= 180 or diastolic >= 120


def needs_repeat(systolic: float, diastolic: float) -> bool:
    """True when NICE NG136 asks for a second reading: the first is 140/90 or more."""
    return systolic >= REPEAT_FROM_SYSTOLIC or diastolic >= REPEAT_FROM_DIASTOLIC


def differ_substantially(first: tuple[float, float], second: tuple[float, float]) -> bool:
    """More than 10 mmHg apart, systolic or diastolic (our figure for NG136's "substantially")."""
    return (abs(first[0] - second[0]) > SUBSTANTIAL_DIFFERENCE_MMHG
            or abs(first[1] - second[1]) > SUBSTANTIAL_DIFFERENCE_MMHG)


def clinic_blood_pressure(readings: Sequence[tuple[float, float]]) -> ClinicBloodPressure:
    """The clinic blood pressure from one visit's readings, in the order taken.

    One reading: it is used (a second is needed at 140/90 or more). Any reading of 180/120 or
    more: the highest such reading is used and no further reading is asked for (see below).
    Otherwise, with two or more: the lower of
    the last two is used, "lower" meaning the lower systolic, then the lower diastolic (NICE
    does not say how to compare two pairs; an open item for the clinical safety officer). A
    third is needed when the first two differ by more than 10 mmHg and there is no third.
    Each reading is checked as `classify_blood_pressure` checks one (CalculationError naming
    the reading).
    """
    checked: list[tuple[float, float]] = []
    for position, (systolic, diastolic) in enumerate(readings, start=1):
        try:
            classify_blood_pressure(systolic, diastolic)
        except CalculationError as exc:
            if len(readings) == 1:
                raise
            raise CalculationError(f"Reading {position}: {exc.message}", item=exc.item) from None
        checked.append((systolic, diastolic))  # as typed: whole numbers stay whole
    if not checked:
        raise CalculationError("No blood pressure reading was given", item="systolic_mmhg")
    if len(checked) == 1:
        return ClinicBloodPressure(tuple(checked), 0, needs_repeat(*checked[0]), False)
    severe = [i for i, (systolic, diastolic) in enumerate(checked) if is_severe(systolic, diastolic)]
    if severe:
        # Safety: a reading of 180/120 or more is never outweighed by a lower repeat. The person
        # needs a clinician the same day (NICE NG136 1.4.x), who repeats the measurement; the
        # worker does not. An open item for the clinical safety officer.
        worst = max(severe, key=lambda i: checked[i])
        return ClinicBloodPressure(tuple(checked), worst, False, False)
    last, before = len(checked) - 1, len(checked) - 2
    used = before if checked[before] < checked[last] else last  # tuples: systolic, then diastolic
    third_needed = len(checked) == 2 and differ_substantially(checked[0], checked[1])
    return ClinicBloodPressure(tuple(checked), used, False, third_needed)
