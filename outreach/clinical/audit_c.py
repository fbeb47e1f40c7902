"""AUDIT-C: the three consumption questions of the AUDIT alcohol screen.

A score of 5 or more means the full AUDIT should be completed and brief advice
given; the UK bands decide what is offered next.
"""

from __future__ import annotations

from dataclasses import dataclass

from outreach.clinical.inputs import whole_number

LOWER_RISK = "Lower risk"
INCREASING_RISK = "Increasing risk"
HIGHER_RISK = "Higher risk"
POSSIBLE_DEPENDENCE = "Possible dependence"
BANDS = (LOWER_RISK, INCREASING_RISK, HIGHER_RISK, POSSIBLE_DEPENDENCE)
POSITIVE_SCORE = 5  # OHID AUDIT-C: >= 5 is positive -> complete the full AUDIT

_QUESTIONS = (
    ("q1", "AUDIT-C question 1 (how often a drink)"),
    ("q2", "AUDIT-C question 2 (drinks on a typical day)"),
    ("q3", "AUDIT-C question 3 (how often 6 or more)"),
)


@dataclass(frozen=True, slots=True)
class AuditCResult:
    """Score 0-12, UK band words, and whether the full AUDIT is indicated."""

    score: int
    band: str
    positive: bool = False


def audit_c_band(score: int) -> str:
    """UK AUDIT-C bands: 0-4 lower risk; 5-7 increasing; 8-10 higher; 11-12 possible dependence."""
    if score >= 11:
        return POSSIBLE_DEPENDENCE
    if score >= 8:
        return HIGHER_RISK
    if score >= 5:
        return INCREASING_RISK
    return LOWER_RISK


def score_audit_c(q1: int, q2: int, q3: int) -> AuditCResult:
    """Each answer scores 0 to 4; the score is their sum."""
    answers = [
        whole_number(value, item=item, label=label, low=0, high=4)
        for value, (item, label) in zip((q1, q2, q3), _QUESTIONS, strict=True)
    ]
    score = sum(answers)
    return AuditCResult(score=score, band=audit_c_band(score), positive=score >= POSITIVE_SCORE)
