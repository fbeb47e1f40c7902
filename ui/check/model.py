"""Plain helpers the check screens share: no widgets, no store access.

They turn what the store holds (a person's record, a check's decisions) into what the
core's evaluation wants (PersonFacts, FollowUpDecision), and back.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from outreach.checks.context import decisions_from_document, facts_on
from outreach.checks.person import PersonFacts
from outreach.clinical.findings import FollowUpDecision
from outreach.store.records import PersonRecord

# Words for each state of an element, with a symbol so the state is never told by colour alone.
STATE_SYMBOL = {"done": "\u2714", "declined": "\u2716", "not_possible": "\u2013", "incomplete": "\u25cb"}


def person_facts(person: PersonRecord | None, day: date | None = None) -> PersonFacts:
    """Age on `day` (the visit's date), sex and ethnic category: the core's `facts_on`, the one
    function the check context, finalising and the shared record use."""
    return facts_on(person, day or date.today())


def decision_from_doc(raw: Any) -> FollowUpDecision | None:
    """A stored decision (a mapping) as the findings module's FollowUpDecision."""
    if isinstance(raw, FollowUpDecision):
        return raw
    if not isinstance(raw, Mapping) or not raw.get("kind"):
        return None
    return FollowUpDecision(
        kind=str(raw.get("kind")),
        service_id=raw.get("service_id") or None,
        reason=raw.get("reason") or None,
        note=raw.get("note") or None,
    )


def decisions_from_doc(raw: Mapping[str, Any]) -> dict[str, FollowUpDecision]:
    """Stored decisions by rule id, read as the core reads them (`decisions_from_document`)."""
    return decisions_from_document(raw)


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
