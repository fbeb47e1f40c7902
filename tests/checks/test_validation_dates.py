"""Dates typed in the check: UK day-first (31/03/2027, 1/3/2027) as well as ISO (2027-03-31)."""

from __future__ import annotations

import datetime as dt

import pytest

from outreach.checks import answers as kinds
from outreach.checks.answers import AnswerError
from outreach.checks.definition import CheckDefinition
from outreach.checks.validation import validate_answer

LINK = "care_plan.review_date"


def refused(defn: CheckDefinition, value: object) -> AnswerError:
    with pytest.raises(AnswerError) as caught:
        validate_answer(defn, LINK, value)
    assert caught.value.kind == kinds.BAD_DATE
    return caught.value


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("31/03/2027", dt.date(2027, 3, 31)),
        ("1/3/2027", dt.date(2027, 3, 1)),  # day first: 1 March, never 3 January
        ("01/03/2027", dt.date(2027, 3, 1)),
        ("12/11/2027", dt.date(2027, 11, 12)),
        (" 29/02/2028 ", dt.date(2028, 2, 29)),  # a leap year
        ("2027-03-31", dt.date(2027, 3, 31)),
    ],
)
def test_uk_and_iso_dates_are_accepted(defn: CheckDefinition, typed: str, expected: dt.date) -> None:
    assert validate_answer(defn, LINK, typed) == expected


@pytest.mark.parametrize(
    "typed", ["31/02/2027", "29/02/2027", "32/01/2027", "12/13/2027", "0/1/2027", "2027-02-30"]
)
def test_impossible_dates_are_refused_in_plain_words(defn: CheckDefinition, typed: str) -> None:
    assert (
        refused(defn, typed).message
        == f"Next review '{typed}' is not a real date: check the day and the month."
    )


@pytest.mark.parametrize(
    "typed", ["31/03/27", "31-03-2027", "03/31", "2027/03/31", "next week", "31/03/2027/1"]
)
def test_other_shapes_are_refused_with_the_form_to_use(defn: CheckDefinition, typed: str) -> None:
    message = refused(defn, typed).message
    assert message == f"Next review '{typed}' is not a date: type it as day/month/year, e.g. 31/01/2026."


def test_a_uk_date_outside_the_possible_range_is_refused(defn: CheckDefinition) -> None:
    assert refused(defn, "01/01/1850").message == "Next review 1850-01-01 is not a possible date: check it."
