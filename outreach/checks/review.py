"""Review a whole answer set: which questions are switched on, which answers count, what is wrong.

One pass over the definition in dependency order (parents and enableWhen questions first)
validates every answer to a question that is switched on. An answer to a question that is
switched off (cigarettes a day for a non-smoker) is kept in the stored answers but ignored,
so changing the smoking status back does not lose what was typed.

enableWhen follows FHIR R4: a question that is off, unanswered or wrongly answered counts as
"not valued"; "!=" is true when the question has no value equal to the given one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from outreach.checks.answers import UNKNOWN_ITEM, AnswerError, SoftLimitWarning, entry_from_json
from outreach.checks.definition import CheckDefinition, EnableCondition
from outreach.checks.person import PersonFacts
from outreach.checks.validation import normalise
from outreach.errors import ValidationError


@dataclass(frozen=True, slots=True)
class AnswerReview:
    values: dict[str, Any]  # linkId -> normalised value, for enabled, valid (and confirmed) answers only
    enabled: frozenset[str]  # linkIds of every item switched on (groups included)
    problems: dict[str, AnswerError]  # linkId -> why the answer was refused (SoftLimitWarning: needs confirming)
    ignored: tuple[str, ...]  # answered but switched off

    @property
    def needs_confirmation(self) -> dict[str, SoftLimitWarning]:
        return {k: v for k, v in self.problems.items() if isinstance(v, SoftLimitWarning)}


def _holds(cond: EnableCondition, values: Mapping[str, Any]) -> bool:
    value = values.get(cond.question)
    op = cond.operator
    if op == "=":
        return value is not None and value == cond.answer
    if op == "!=":
        return value is None or value != cond.answer
    if op == "exists":
        return (value is not None) is cond.answer
    if value is None:
        return False
    try:
        if op == ">":
            return value > cond.answer
        if op == "<":
            return value < cond.answer
        if op == ">=":
            return value >= cond.answer
        return value <= cond.answer
    except TypeError:  # a definition comparing unlike values: treat as not met
        return False


def review_answers(defn: CheckDefinition, answers: Any, person: PersonFacts | None = None) -> AnswerReview:
    """Validate every answer in context. Raises ValidationError only if `answers` is not a mapping."""
    if not isinstance(answers, Mapping):
        raise ValidationError("The answers of this check are not readable.", item=None)
    sex = person.sex if person else None
    age = person.age_years if person else None
    values: dict[str, Any] = {}
    problems: dict[str, AnswerError] = {}
    enabled: set[str] = set()
    items = defn.items
    for item in defn.order:
        link = item.link_id
        if item.parent is not None and item.parent not in enabled:
            continue
        if item.applies_to is not None and not item.applies_to.includes(sex, age):
            continue
        conditions = item.enable_when
        if conditions:
            if item.enable_any:
                on = any(_holds(c, values) for c in conditions)
            else:
                on = all(_holds(c, values) for c in conditions)
            if not on:
                continue
        enabled.add(link)
        if not item.answerable:
            continue
        raw = answers.get(link)
        if raw is None:
            continue
        try:
            entry = entry_from_json(raw, link)
            value = normalise(item, entry.value, entry.unit, entry.confirmed)
        except AnswerError as error:
            problems[link] = error
            continue
        if value is not None:
            values[link] = value
    ignored = []
    for key in answers:
        if not isinstance(key, str) or key not in items:
            shown = key if isinstance(key, str) else repr(key)
            shown = shown[:60]
            problems[shown] = AnswerError(f"This check has no question '{shown}'.", shown, UNKNOWN_ITEM)
        elif key not in enabled and answers[key] is not None:
            ignored.append(key)
    return AnswerReview(values, frozenset(enabled), problems, tuple(ignored))
