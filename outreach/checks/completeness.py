"""Is each element of the check done, declined, not possible, or still incomplete?

NHS England counts a check as comprehensive only when all six core elements are
recorded (clinical.md 1.2, the QOF MH021 logic); a declined element is recorded but does
not complete it. So each element has one state, and the check says which of the six
core elements are done.

An element is *done* when its status is done and every question switched on that is
required has a valid (and, if unusual, confirmed) answer, and each set of alternatives
(HbA1c or fasting or random glucose) has at least one. *Declined* and *not possible*
need a reason. Anything short of that is *incomplete*, with what is missing in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from outreach.checks.answers import SoftLimitWarning
from outreach.checks.definition import CheckDefinition, Element
from outreach.checks.review import AnswerReview

DONE: Final = "done"
DECLINED: Final = "declined"
NOT_POSSIBLE: Final = "not_possible"
INCOMPLETE: Final = "incomplete"
_NEED_STATUS: Final = "Say whether this was done, declined or not possible"


@dataclass(frozen=True, slots=True)
class ElementCompleteness:
    element_id: str
    title: str
    core: bool
    state: str  # done | declined | not_possible | incomplete
    reason: str | None = None  # for declined / not possible
    missing: tuple[str, ...] = ()  # what is still needed, in words
    started: bool = False  # anything at all answered in this element

    @property
    def recorded(self) -> bool:
        """Done, declined or not possible: nothing more to ask."""
        return self.state != INCOMPLETE


@dataclass(frozen=True, slots=True)
class CheckCompleteness:
    elements: tuple[ElementCompleteness, ...]
    core_done: tuple[str, ...]  # ids of core elements done
    core_not_done: tuple[str, ...]  # ids of core elements declined, not possible or incomplete

    @property
    def comprehensive(self) -> bool:
        """All six core elements done: counts towards the national measure."""
        return not self.core_not_done

    @property
    def all_recorded(self) -> bool:
        """Every element has a final state (done, declined or not possible)."""
        return all(e.recorded for e in self.elements)

    def element(self, element_id: str) -> ElementCompleteness | None:
        return next((e for e in self.elements if e.element_id == element_id), None)


def element_completeness(
    defn: CheckDefinition, element: Element, review: AnswerReview
) -> ElementCompleteness:
    values, problems, enabled = review.values, review.problems, review.enabled
    all_ids = element.all_ids
    started = not all_ids.isdisjoint(values) or (bool(problems) and not all_ids.isdisjoint(problems))
    status = values.get(element.status_id)
    eid, title, core = element.id, element.title, element.core
    if status is None:
        return ElementCompleteness(eid, title, core, INCOMPLETE, None, (_NEED_STATUS,), started)
    if status != DONE:
        reason = values.get(element.reason_id)
        if not reason:
            return ElementCompleteness(eid, title, core, INCOMPLETE, None, ("Reason",), started)
        return ElementCompleteness(eid, title, core, status, reason, (), started)
    missing: list[str] = []
    alternatives: dict[str, list[str]] = {}
    satisfied: set[str] = set()
    for link, label, required, one_of in element.requirements:
        if link not in enabled:
            continue
        if problems:
            problem = problems.get(link)
            if problem is not None:
                missing.append(
                    f"{label} (confirm the unusual value)"
                    if isinstance(problem, SoftLimitWarning)
                    else f"{label} (check the value)"
                )
                continue
        if one_of:
            alternatives.setdefault(one_of, []).append(label)
            if link in values:
                satisfied.add(one_of)
        elif required and link not in values:
            missing.append(label)
    for name, labels in alternatives.items():
        if name not in satisfied:
            missing.append(" or ".join(labels))
    if missing:
        return ElementCompleteness(eid, title, core, INCOMPLETE, None, tuple(missing), started)
    return ElementCompleteness(eid, title, core, DONE, None, (), started)


def check_completeness(defn: CheckDefinition, review: AnswerReview) -> CheckCompleteness:
    elements = tuple(element_completeness(defn, e, review) for e in defn.elements)
    core_done = tuple(e.element_id for e in elements if e.core and e.state == DONE)
    core_not_done = tuple(e.element_id for e in elements if e.core and e.state != DONE)
    return CheckCompleteness(elements, core_done, core_not_done)
