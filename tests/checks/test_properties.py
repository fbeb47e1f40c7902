"""No input whatever makes validation or evaluation raise anything but the project's ValidationError."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach.checks.answers import SoftLimitWarning
from outreach.checks.definition import CheckDefinition, load_definition
from outreach.checks.evaluation import evaluate_check
from outreach.checks.person import PersonFacts
from outreach.checks.synthetic import synthetic_complete_check
from outreach.checks.validation import validate_answer, validate_entry
from outreach.clinical.findings import load_rules
from outreach.errors import ValidationError

DEFN = load_definition()
RULES = load_rules()
LINK_IDS = sorted(DEFN.items)
UNITS = [
    "kg",
    "cm",
    "[lb_av]",
    "[stone_av]",
    "[in_i]",
    "[ft_i]",
    "mg/dL",
    "%",
    "mmol/L",
    "mmol/mol",
    "mm[Hg]",
    "/min",
    "/d",
    "lb",
    "st",
    "ft",
    "in",
    "mg/dl",
    "bpm",
]

odd_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "82,5 kg",
            "1e400",
            "nan",
            "inf",
            "-0",
            "12 st 14 lb",
            "5'12\"",
            "0x1F",
            "٣",
            "NaN kg",
            "\x00",
            "\ud800",
            "yes",
            "no",
            "done",
            "77176002",
            "2026-02-30",
            "  72 bpm  ",
            "-.",
            ".",
            "+",
            "12 st",
            "5 ft",
        ]
    ),
    st.integers(300, 5000).map(lambda n: "9" * n),
)
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**500), max_value=10**500),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, odd_text)
json_like = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=8,
)
entries = st.one_of(
    json_like,
    st.fixed_dictionaries(
        {"value": json_like},
        optional={
            "unit": st.one_of(st.sampled_from(UNITS), json_like),
            "confirmed": st.one_of(st.booleans(), json_like),
        },
    ),
)
link_ids = st.one_of(st.sampled_from(LINK_IDS), st.text(max_size=20), json_like)
answer_keys = st.one_of(
    st.sampled_from(LINK_IDS), st.text(max_size=20), st.integers(), st.none(), st.booleans()
)
people = st.one_of(
    st.none(),
    st.builds(
        PersonFacts,
        st.one_of(st.none(), st.integers(-5, 200), json_like),
        st.one_of(st.none(), st.sampled_from(["female", "male", "other"]), json_like),
        st.one_of(st.none(), st.sampled_from(["A", "H", "R", "99", "Q"]), json_like),
    ),
    st.dictionaries(st.sampled_from(["age_years", "sex", "ethnic_category", "name"]), json_like, max_size=3),
    json_like,
)

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(
    link=link_ids,
    value=json_like,
    unit=st.one_of(st.none(), st.sampled_from(UNITS), json_like),
    confirmed=st.one_of(st.booleans(), json_like),
)
def test_validate_answer_raises_only_validation_errors(
    link: Any, value: Any, unit: Any, confirmed: Any
) -> None:
    try:
        result = validate_answer(DEFN, link, value, unit, confirmed)
    except ValidationError:
        return
    item = DEFN.items[link]
    if isinstance(result, float):
        assert math.isfinite(result)
        assert item.hard_min <= result <= item.hard_max


@FAST
@given(link=st.sampled_from(LINK_IDS), raw=entries)
def test_validate_entry_raises_only_validation_errors(link: str, raw: Any) -> None:
    try:
        validate_entry(DEFN, link, raw)
    except ValidationError:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=st.one_of(st.dictionaries(answer_keys, entries, max_size=25), json_like), person=people)
def test_evaluate_check_raises_only_validation_errors(answers: Any, person: Any) -> None:
    try:
        ev = evaluate_check(DEFN, answers, person, RULES)
    except ValidationError:
        return
    for value in ev.facts.values():
        if isinstance(value, float):
            assert math.isfinite(value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32),
    changes=st.dictionaries(answer_keys, entries, min_size=1, max_size=6),
    person=people,
)
def test_evaluating_a_damaged_complete_check_raises_only_validation_errors(
    seed: int, changes: dict[Any, Any], person: Any
) -> None:
    """Start from a complete, valid check so that the calculators and findings really run, then break it."""
    answers: dict[Any, Any] = synthetic_complete_check(random.Random(seed), DEFN)
    answers.update(changes)
    try:
        ev = evaluate_check(DEFN, answers, person, RULES)
    except ValidationError:
        return
    assert all(
        link in ev.problems or link in ev.values or link in ev.review.ignored or raw_blank(raw)
        for link, raw in changes.items()
        if isinstance(link, str)
        and link in DEFN.items
        and DEFN.items[link].answerable
        and link in ev.review.enabled
    )


def raw_blank(raw: Any) -> bool:
    value = raw.get("value") if isinstance(raw, dict) else raw
    return value is None or (isinstance(value, str) and not value.strip())


@FAST
@given(
    link=st.sampled_from([i.link_id for i in DEFN.items.values() if i.type in ("decimal", "integer")]),
    fraction=st.floats(min_value=0, max_value=1),
)
def test_values_within_hard_limits_are_accepted_once_confirmed(link: str, fraction: float) -> None:
    item = DEFN.items[link]
    value = item.hard_min + fraction * (item.hard_max - item.hard_min)
    if item.type == "integer":
        value = round(value)
    result = validate_answer(DEFN, link, value, confirmed=True)
    assert result == pytest.approx(value)
    # the normalised value validates to itself (idempotent), and unconfirmed only soft limits can object
    assert validate_answer(DEFN, link, result, confirmed=True) == result
    try:
        validate_answer(DEFN, link, result)
    except SoftLimitWarning as warning:
        assert not item.soft_min <= result <= item.soft_max
        assert warning.value == result


def test_definition_is_shared_not_reloaded(defn: CheckDefinition) -> None:
    assert defn.version == DEFN.version


@FAST
@given(
    link=st.sampled_from([i.link_id for i in DEFN.items.values() if i.type in ("decimal", "integer")]),
    value=st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-(10**20), 10**20),
        st.floats(min_value=0, max_value=400),
    ),
    confirmed=st.booleans(),
)
def test_fast_path_agrees_with_the_full_path(link: str, value: float, confirmed: bool) -> None:
    """Plain numbers take a short path in `normalise`; it must decide exactly as the full path does."""
    from outreach.checks.validation import _number, normalise

    item = DEFN.items[link]

    def outcome(func: Any) -> tuple[str, Any]:
        try:
            result = func(item, value, None, confirmed)
        except ValidationError as error:
            return ("error", (type(error), error.kind, error.message))
        return ("ok", (type(result), result))

    assert outcome(normalise) == outcome(_number)
