"""Cholesterol: the total/HDL ratio QRISK3 needs, and non-HDL cholesterol.

Both are derived here rather than typed, so a worker copying a lab report enters
the two measured values and cannot mis-divide. The referral limits on these
values (NICE NG238) are findings rules, not part of the calculation.
"""

from __future__ import annotations

from dataclasses import dataclass

from outreach.clinical.inputs import number
from outreach.errors import CalculationError

TOTAL_RANGE_MMOL_L = (1.0, 30.0)
HDL_RANGE_MMOL_L = (0.1, 6.0)


@dataclass(frozen=True, slots=True)
class LipidResult:
    """Total cholesterol / HDL ratio and non-HDL cholesterol (mmol/L), full precision."""

    tc_hdl_ratio: float
    non_hdl_mmol_l: float


def calculate_lipids(total_cholesterol_mmol_l: float, hdl_mmol_l: float) -> LipidResult:
    """Ratio = total / HDL; non-HDL = total - HDL. HDL is part of the total, so it must be smaller."""
    total = number(total_cholesterol_mmol_l, item="total_cholesterol_mmol_l", label="Total cholesterol",
                   unit="mmol/L", low=TOTAL_RANGE_MMOL_L[0], high=TOTAL_RANGE_MMOL_L[1])
    hdl = number(hdl_mmol_l, item="hdl_mmol_l", label="HDL cholesterol", unit="mmol/L",
                 low=HDL_RANGE_MMOL_L[0], high=HDL_RANGE_MMOL_L[1])
    if hdl >= total:
        raise CalculationError(
            f"HDL cholesterol {hdl:g} mmol/L is not lower than total cholesterol {total:g} mmol/L: "
            "check the two values (they may be swapped)",
            item="hdl_mmol_l",
        )
    # Non-HDL to 0.01 mmol/L, the precision of its two lab values: unrounded, 8.03 - 0.53 gives
    # 7.499999999999999, and a difference a hair either side of the 7.5 referral limit would be
    # classed unlike the "7.5" shown.
    return LipidResult(tc_hdl_ratio=total / hdl, non_hdl_mmol_l=round(total - hdl, 2))
