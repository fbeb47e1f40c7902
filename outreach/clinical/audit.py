"""The full AUDIT (Alcohol Use Disorders Identification Test, WHO): ten questions, score 0-40.

Offered, not forced, when AUDIT-C is 5 or more (OHID guidance: a positive AUDIT-C is followed by
the full AUDIT). Its first three questions are AUDIT-C's; questions 4 to 8 score 0-4; questions
9 and 10 score 0, 2 or 4. UK bands (OHID, as commonly stated; not re-verified: an open item for
the clinical safety officer): 0-7 lower risk, 8-15 increasing risk, 16-19 higher risk, 20 or
more possible dependence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from outreach.clinical.audit_c import HIGHER_RISK, INCREASING_RISK, LOWER_RISK, POSSIBLE_DEPENDENCE
from outreach.clinical.inputs import whole_number
from outreach.errors import CalculationError

BANDS: Final = (LOWER_RISK, INCREASING_RISK, HIGHER_RISK, POSSIBLE_DEPENDENCE)
INCREASING_FROM: Final = 8  # AUDIT (WHO manual zone II; OHID): 8 or more
HIGHER_FROM: Final = 16  # AUDIT zone III: 16 or more
DEPENDENCE_FROM: Final = 20  # AUDIT zone IV: 20 or more, possible dependence -> specialist assessment
_TWO_FOUR: Final = frozenset(
    {0, 2, 4}
)  # questions 9 and 10: no / yes, not in the last year / yes, in the last year


@dataclass(frozen=True, slots=True)
class AuditResult:
    """Score 0-40 and the UK band words."""

    score: int
    band: str


def audit_band(score: int) -> str:
    """UK AUDIT bands: 0-7 lower risk; 8-15 increasing; 16-19 higher; 20-40 possible dependence."""
    if score >= DEPENDENCE_FROM:
        return POSSIBLE_DEPENDENCE
    if score >= HIGHER_FROM:
        return HIGHER_RISK
    if score >= INCREASING_FROM:
        return INCREASING_RISK
    return LOWER_RISK


def score_audit(answers: Sequence[int]) -> AuditResult:
    """The ten answers' scores in order (1-3 are AUDIT-C's). Refuses an impossible score by name."""
    if len(answers) != 10:
        raise CalculationError("The full AUDIT needs all ten answers", item="audit")
    scores = [
        whole_number(value, item=f"audit_q{n}", label=f"AUDIT question {n}", low=0, high=4)
        for n, value in enumerate(answers, start=1)
    ]
    for n in (9, 10):
        if scores[n - 1] not in _TWO_FOUR:
            raise CalculationError(f"AUDIT question {n} scores 0, 2 or 4", item=f"audit_q{n}")
    total = sum(scores)
    return AuditResult(total, audit_band(total))
