"""Pulse rate and rhythm.

An irregular pulse may be atrial fibrillation (NICE NG136 asks for a manual
reading and an ECG), and antipsychotics such as clozapine commonly cause a fast
pulse, so both rhythm and rate are classed and either can need review.
"""

from __future__ import annotations

from dataclasses import dataclass

from outreach.clinical.inputs import flag, number

RATE_RANGE_BPM = (20.0, 250.0)

SLOW = "Slow (below 60)"
NORMAL = "Normal (60 to 100)"
FAST = "Fast (above 100)"
IRREGULAR_PREFIX = "Irregular, rate "
RATE_CATEGORIES = (SLOW, NORMAL, FAST)


@dataclass(frozen=True, slots=True)
class PulseResult:
    """`category` as shown (rate band, prefixed when irregular); `needs_review` when not regular 60-100."""

    category: str
    needs_review: bool
    irregular: bool = False
    very_abnormal: bool = False


def classify_pulse(rate_bpm: float, irregular: bool = False) -> PulseResult:
    """Band for a resting pulse; `very_abnormal` marks rates that score 3 in NEWS2 (<= 40 or >= 131)."""
    rate = number(rate_bpm, item="pulse_bpm", label="Pulse", unit="beats a minute",
                  low=RATE_RANGE_BPM[0], high=RATE_RANGE_BPM[1])
    is_irregular = flag(irregular, item="pulse_irregular", label="Irregular pulse")
    if rate < 60:  # adult resting normal 60-100 bpm; below 60 bradycardia
        band = SLOW
    elif rate <= 100:
        band = NORMAL
    else:  # above 100 tachycardia
        band = FAST
    very_abnormal = rate <= 40 or rate >= 131  # RCP NEWS2: pulse <= 40 or >= 131 scores 3
    category = IRREGULAR_PREFIX + band.lower() if is_irregular else band
    return PulseResult(category=category, needs_review=is_irregular or band != NORMAL,
                       irregular=is_irregular, very_abnormal=very_abnormal)
