"""When a question is asked that FHIR's enableWhen cannot say.

R4 enableWhen compares one answer with a fixed value. "Take a third blood pressure reading
when the first two differ by more than 10 mmHg" (NICE NG136 1.2) compares two answers with
each other, so the third reading used to be asked whenever a second one was given, and a
nurse whose two readings agreed saw two empty boxes she did not need.

An item names its rule with the `check-enable-when-rule` extension (a code from `RULES`); it
is asked only when its enableWhen holds *and* its rule does. A reader of the Questionnaire
that does not know the extension still has the plain enableWhen, so it asks a little more,
never less. A rule reads answers by the facts they feed (`check-fact`), not by linkId, so a
local version of the check can rename its questions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from outreach.clinical.blood_pressure import differ_substantially


@dataclass(frozen=True, slots=True)
class EnableRule:
    facts: tuple[str, ...]  # the facts it reads (their questions come first in the check's order)
    holds: Callable[[Mapping[str, Any]], bool]  # given {fact: value} for those facts that have one


def _third_reading_needed(found: Mapping[str, Any]) -> bool:
    """NICE NG136 1.2: a third reading when the first two differ substantially."""
    try:
        first = (float(found["systolic_mmhg"]), float(found["diastolic_mmhg"]))
        second = (float(found["systolic_2_mmhg"]), float(found["diastolic_2_mmhg"]))
    except (KeyError, TypeError, ValueError):
        return False
    return differ_substantially(first, second)


RULES: Final[Mapping[str, EnableRule]] = {
    "bp-third-reading": EnableRule(
        ("systolic_mmhg", "diastolic_mmhg", "systolic_2_mmhg", "diastolic_2_mmhg"), _third_reading_needed
    ),
}


def rule_holds(
    rule: str, fact_sources: Mapping[str, tuple[str, ...]], values: Mapping[str, Any]
) -> bool:
    """Whether `rule` asks its item, from the answers given so far (`values`, by linkId)."""
    spec = RULES[rule]
    found: dict[str, Any] = {}
    for fact in spec.facts:
        for link_id in fact_sources.get(fact, ()):
            if values.get(link_id) is not None:
                found[fact] = values[link_id]
                break
    return spec.holds(found)
