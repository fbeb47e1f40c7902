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

from outreach.checks.answers import (
    NOT_A_QUESTION,
    UNKNOWN_ITEM,
    AnswerError,
    SoftLimitWarning,
    entry_from_json,
)
from outreach.checks.definition import CheckDefinition, EnableCondition
from outreach.checks.enable_rules import rule_holds
from outreach.checks.person import PersonFacts
from outreach.checks.validation import normalise
from outreach.errors import ValidationError


@dataclass(frozen=True, slots=True)
class AnswerReview:
    values: dict[str, Any]  # linkId -> normalised value, for enabled, valid (and confirmed) answers only
    enabled: frozenset[str]  # linkIds of every item switched on (groups included)
    problems: dict[
        str, AnswerError
    ]  # linkId -> why the answer was refused (SoftLimitWarning: needs confirming)
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
    get = answers.get
    for item, parent, applies_to, conditions, enable_any, rule in defn.steps:
        if parent is not None and parent not in enabled:
            continue
        if applies_to is not None and not applies_to.includes(sex, age):
            continue
        if conditions:
            if len(conditions) == 1:
                first = conditions[0]
                if first.operator == "=":  # the common case, inlined
                    value = values.get(first.question)
                    on = value is not None and value == first.answer
                else:
                    on = _holds(first, values)
            elif enable_any:
                on = any(_holds(c, values) for c in conditions)
            else:
                on = all(_holds(c, values) for c in conditions)
            if not on:
                continue
        if rule is not None and not rule_holds(rule, defn.fact_sources, values):
            continue
        link = item.link_id
        enabled.add(link)
        if not item.answerable:
            continue
        raw = get(link)
        if raw is None:
            continue
        try:
            if type(raw) in _BARE:
                value = normalise(item, raw, None, False)
            else:
                entry = entry_from_json(raw, link)
                value = normalise(item, entry.value, entry.unit, entry.confirmed)
        except AnswerError as error:
            problems[link] = error
            continue
        if value is not None:
            values[link] = value
    ignored = []
    items = defn.items
    for key in answers:
        if not isinstance(key, str) or key not in items:
            shown = key if isinstance(key, str) else repr(key)
            shown = shown[:60]
            problems[shown] = AnswerError(f"This check has no question '{shown}'.", shown, UNKNOWN_ITEM)
        elif answers[key] is None:
            continue
        elif not items[key].answerable:
            problems[key] = AnswerError(
                f"'{items[key].label}' is a heading, not a question.", key, NOT_A_QUESTION
            )
        elif key not in enabled:
            ignored.append(key)
    return AnswerReview(values, frozenset(enabled), problems, tuple(ignored))


# Stored answers that are bare values (not {"value", "unit", "confirmed"} objects).
_BARE = frozenset({str, int, float, bool, list})
