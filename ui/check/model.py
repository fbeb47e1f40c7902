"""Plain helpers the check screens share: no widgets, no store access.

Reading a check (the visit date, the person's facts, the stored decisions) is the core's
check context (`outreach.checks.context`); what is left here turns screen values back into
what the store holds.
"""

from __future__ import annotations

from typing import Any

from outreach.clinical.findings import FollowUpDecision

# Words for each state of an element, with a symbol so the state is never told by colour alone.
STATE_SYMBOL = {"done": "\u2714", "declined": "\u2716", "not_possible": "\u2013", "incomplete": "\u25cb"}


def decision_to_doc(decision: FollowUpDecision) -> dict[str, Any]:
    return {
        "kind": decision.kind,
        "service_id": decision.service_id,
        "reason": decision.reason,
        "note": decision.note,
    }


def number_text(value: Any) -> str:
    """A stored number as the nurse would type it (82.5, 120), never 1e+06."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".10g") if abs(value) < 1e15 else repr(value)
    return "" if value is None else str(value)
