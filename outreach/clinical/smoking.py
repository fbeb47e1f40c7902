"""Smoking status: the QRISK3 smoking category and the SNOMED CT code to record.

QRISK3 needs how much a current smoker smokes, so "current" without a number of
cigarettes a day cannot be turned into a category; it is refused rather than
guessed, because light and heavy smoking differ in risk.
"""

from __future__ import annotations

from dataclasses import dataclass

from outreach.clinical.inputs import choice, whole_number

STATUSES = ("never", "ex", "current")
CIGARETTES_RANGE = (1, 200)


@dataclass(frozen=True, slots=True)
class SnomedCode:
    """A SNOMED CT concept (system http://snomed.info/sct)."""

    code: str
    display: str


# SNOMED CT smoking findings (clinical reference 4.2; NHS Health Check terminology).
NEVER_SMOKED = SnomedCode("266919005", "Never smoked tobacco")
EX_SMOKER = SnomedCode("8517006", "Ex-smoker")
SMOKER = SnomedCode("77176002", "Smoker")
LIGHT = SnomedCode("160603005", "Light cigarette smoker (1-9 cigs/day)")
MODERATE = SnomedCode("160604004", "Moderate cigarette smoker (10-19 cigs/day)")
HEAVY = SnomedCode("160605003", "Heavy cigarette smoker (20-39 cigs/day)")
VERY_HEAVY = SnomedCode("160606002", "Very heavy cigarette smoker (40+ cigs/day)")


def _status(status: object) -> str:
    return choice(status, STATUSES, item="smoking_status", label="Smoking status")


def _cigarettes(cigarettes_per_day: object) -> int:
    return whole_number(cigarettes_per_day, item="cigarettes_per_day", label="Cigarettes a day",
                        low=CIGARETTES_RANGE[0], high=CIGARETTES_RANGE[1])


def smoking_category(status: str, cigarettes_per_day: int | None) -> int:
    """QRISK3 smoking category: never 0; ex 1; current 1-9/day 2, 10-19/day 3, 20+/day 4."""
    checked = _status(status)
    if checked == "never":
        return 0
    if checked == "ex":
        return 1
    count = _cigarettes(cigarettes_per_day)
    if count < 10:  # QRISK3: light smoker, under 10 a day
        return 2
    if count < 20:  # QRISK3: moderate smoker, 10-19 a day
        return 3
    return 4  # QRISK3: heavy smoker, 20 or more a day


def smoking_snomed(status: str, cigarettes_per_day: int | None = None) -> SnomedCode:
    """SNOMED CT finding for the status; for a current smoker, the amount-specific code when known."""
    checked = _status(status)
    if checked == "never":
        return NEVER_SMOKED
    if checked == "ex":
        return EX_SMOKER
    if cigarettes_per_day is None:
        return SMOKER
    count = _cigarettes(cigarettes_per_day)
    if count < 10:
        return LIGHT
    if count < 20:
        return MODERATE
    if count < 40:
        return HEAVY
    return VERY_HEAVY
