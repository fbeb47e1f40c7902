"""How every calculator reads its inputs (outreach/clinical/inputs.py): a number is finite and within the
limits (inclusive), a yes/no is True/False or 1/0 only, a choice is one of its words, and every refusal
is a CalculationError naming the input, with the value shown safely (never a crash on a huge int, NaN or
an odd object).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest

from outreach.clinical.inputs import choice, describe, flag, number, whole_number
from outreach.errors import CalculationError


def _number(value: object, low: float = 0.0, high: float = 10.0) -> float:
    return number(value, item="x", label="Reading", unit="mmol/L", low=low, high=high)


@pytest.mark.parametrize("value", [0, 10, 0.0, 10.0, 5, 5.5, Decimal(10), Fraction(1, 2), True + 0])
def test_numbers_within_the_limits_inclusive_are_floats(value: object) -> None:
    result = _number(value)
    assert type(result) is float and result == float(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "words"), [
    (-1, "Reading -1 mmol/L is not possible: check the reading (expected 0 to 10 mmol/L)"),
    (10.5, "Reading 10.5 mmol/L is not possible"), (-0.5, "is not possible"), (11, "is not possible"),
    (Decimal("10.01"), "is not possible"),
    (math.nan, "Reading is not a number (NaN): enter the reading again"),
    (math.inf, "Reading is infinite: enter the reading again"), (-math.inf, "is infinite"),
    (10**15, "Reading is an impossibly large number: check the reading"), (-(10**15), "impossibly large"),
    (Decimal("NaN"), "not a number (NaN)"), (Decimal("1e400"), "infinite"),
    (None, "Reading is missing: enter it to continue"),
    (True, "Reading must be a number, not yes"), (False, "must be a number, not no"),
    ("5", 'Reading must be a number, not "5"'), ([5], "must be a number, not a value of the wrong kind"),
])
def test_refusals_name_the_input_and_say_why(value: object, words: str) -> None:
    with pytest.raises(CalculationError) as info:
        _number(value)
    assert words in info.value.message and info.value.item == "x"


def test_the_unit_is_left_out_of_the_message_when_there_is_none() -> None:
    with pytest.raises(CalculationError) as info:
        number(-1, item="ratio", label="Ratio", unit="", low=0, high=10)
    assert info.value.message == "Ratio -1 is not possible: check the reading (expected 0 to 10)"


def test_a_number_just_under_the_huge_limit_is_judged_by_the_limits_only() -> None:
    assert number(10**15 - 1, item="x", label="Big", unit="", low=0, high=10**16) == float(10**15 - 1)


@pytest.mark.parametrize(("value", "result"), [(3, 3), (3.0, 3), (0, 0), (4, 4), (Decimal(2), 2)])
def test_whole_numbers(value: object, result: int) -> None:
    got = whole_number(value, item="q", label="Answer", low=0, high=4)
    assert got == result and type(got) is int


@pytest.mark.parametrize(("value", "words"), [(2.5, "must be a whole number, not 2.5"), (5, "not possible"),
                                              (-1, "not possible")])
def test_whole_number_refusals(value: object, words: str) -> None:
    with pytest.raises(CalculationError, match=words):
        whole_number(value, item="q", label="Answer", low=0, high=4)


@pytest.mark.parametrize(("value", "result"), [(True, True), (False, False), (1, True), (0, False)])
def test_yes_or_no(value: object, result: bool) -> None:
    assert flag(value, item="f", label="Flag") is result


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (None, "Flag: answer yes or no"),
        (2, "must be yes or no, not 2"),
        ("yes", 'not "yes"'),
        (1.0, "not 1"),
        (-1, "not -1"),
    ],
)
def test_yes_or_no_refusals(value: object, words: str) -> None:
    with pytest.raises(CalculationError, match=words) as info:
        flag(value, item="f", label="Flag")
    assert info.value.item == "f"


def test_a_choice_is_one_of_its_words() -> None:
    assert choice("male", ("female", "male"), item="sex", label="Sex") == "male"
    with pytest.raises(CalculationError, match="Sex is missing: choose one of female, male"):
        choice(None, ("female", "male"), item="sex", label="Sex")
    with pytest.raises(CalculationError, match='Sex must be one of female, male, not "Male"'):
        choice("Male", ("female", "male"), item="sex", label="Sex")
    with pytest.raises(CalculationError, match="not 1"):
        choice(1, ("female", "male"), item="sex", label="Sex")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (True, "yes"),
        (False, "no"),
        (7, "7"),
        (10**15 - 1, str(10**15 - 1)),
        (10**15, "an impossibly large number"),
        (-(10**15), "an impossibly large number"),
        (2.5, "2.5"),
        (1e15, "an impossibly large number"),
        (-1e15, "an impossibly large number"),
        (9.99e14, "9.99e+14"),
        (math.nan, "not a number"),
        (math.inf, "infinity"),
        ("short", '"short"'),
        ("x" * 20, '"' + "x" * 20 + '"'),
        ("x" * 21, '"' + "x" * 20 + '..."'),
        (None, "nothing"),
        (object(), "a value of the wrong kind"),
    ],
)
def test_values_are_shown_safely_in_messages(value: object, shown: str) -> None:
    assert describe(value) == shown
