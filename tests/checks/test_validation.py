"""Each answer is validated as typed, with a message that names the value and the unit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from outreach.checks import answers as kinds
from outreach.checks.answers import AnswerEntry, AnswerError, SoftLimitWarning, entry_from_json
from outreach.checks.definition import CheckDefinition
from outreach.checks.validation import check_answer, validate_answer, validate_entry
from outreach.errors import ValidationError


def refused(
    defn: CheckDefinition, link: str, value: object, unit: object = None, confirmed: object = False
) -> AnswerError:
    with pytest.raises(AnswerError) as caught:
        validate_answer(defn, link, value, unit, confirmed)
    assert isinstance(caught.value, ValidationError)
    assert caught.value.item == (link if isinstance(link, str) else caught.value.item)
    return caught.value


# -- the message kinds ---------------------------------------------------------------
def test_impossible_value(defn: CheckDefinition) -> None:
    error = refused(defn, "blood_pressure.systolic", 1200)
    assert error.kind == kinds.IMPOSSIBLE
    assert error.message == "Systolic 1200 mmHg is not possible: check the reading."


def test_outside_accepted_range(defn: CheckDefinition) -> None:
    error = refused(defn, "weight.weight", 700)
    assert error.kind == kinds.OUT_OF_RANGE
    assert error.message == "Weight 700 kg is outside what this check accepts (20-350 kg)."


def test_out_of_range_after_conversion_shows_both_units(defn: CheckDefinition) -> None:
    error = refused(defn, "weight.weight", "900 lb")
    assert error.message == "Weight 900 lb (408.23 kg) is outside what this check accepts (20-350 kg)."


def test_negative_where_only_positive_exists(defn: CheckDefinition) -> None:
    assert refused(defn, "weight.height", -170).kind == kinds.IMPOSSIBLE
    assert (
        refused(defn, "smoking.cigarettes_per_day", -5).message
        == "Cigarettes -5 a day is not possible: check the reading."
    )


def test_unusual_value_needs_confirmation(defn: CheckDefinition) -> None:
    with pytest.raises(SoftLimitWarning) as caught:
        validate_answer(defn, "weight.weight", 250)
    warning = caught.value
    assert warning.kind == kinds.UNUSUAL and warning.item == "weight.weight"
    assert (
        warning.message == "Weight 250 kg is unusual (usually 35-200 kg): check the reading, then confirm it."
    )
    assert warning.value == 250 and (warning.low, warning.high) == (35, 200)
    assert validate_answer(defn, "weight.weight", 250, confirmed=True) == 250


def test_check_answer_reports_instead_of_raising(defn: CheckDefinition) -> None:
    unusual = check_answer(defn, "weight.weight", 250)
    assert (unusual.ok, unusual.needs_confirmation, unusual.value, unusual.kind) == (
        False,
        True,
        250,
        "unusual",
    )
    bad = check_answer(defn, "weight.weight", "heavy")
    assert (bad.ok, bad.needs_confirmation, bad.kind) == (False, False, kinds.NOT_A_NUMBER)
    good = check_answer(defn, "weight.weight", "82.5 kg")
    assert (good.ok, good.value, good.message) == (True, 82.5, None)


def test_not_a_number(defn: CheckDefinition) -> None:
    error = refused(defn, "weight.weight", "heavy")
    assert error.kind == kinds.NOT_A_NUMBER
    assert error.message == "Weight 'heavy' is not a number: type digits, like 82.5."
    for text in ("1e3", "0x50", "８２", "82..5", "--82", "82 kg kg"):
        assert refused(defn, "weight.weight", text).kind in (kinds.NOT_A_NUMBER, kinds.UNKNOWN_UNIT), text


def test_a_letter_typed_for_a_digit_is_named_not_taken_for_a_unit(defn: CheckDefinition) -> None:
    """'17O' (the letter O) is neither 170 nor a height in an unknown unit 'O': the nurse is told which
    mistake it most likely is and retypes it; units that start with those letters still work."""
    for link, text in (
        ("weight.height", "17O"),
        ("weight.weight", "8O.5"),
        ("weight.weight", "l00"),
        ("weight.height", "17O cm"),  # with a unit after it, spaced or not: still the letter, not the unit
        ("weight.height", "17Ocm"),
        ("weight.weight", "l2 st"),
    ):
        error = refused(defn, link, text)
        assert error.kind == kinds.NOT_A_NUMBER, text
        assert "letter where a digit should be" in error.message and f"'{text}'" in error.message
    assert validate_answer(defn, "weight.weight", "82 lb") is not None  # a real unit is not a look-alike
    assert refused(defn, "weight.height", "170 furlongs").kind == kinds.UNKNOWN_UNIT


def test_comma_is_refused_not_guessed(defn: CheckDefinition) -> None:
    """'82,5' could be 82.5 or (as a thousands separator) 825: the nurse is asked to retype it."""
    for text in (" 82,5 kg", "1,200", "82,5"):
        error = refused(defn, "weight.weight", text)
        assert error.kind == kinds.DECIMAL_COMMA
        assert "use a point for decimals" in error.message


def test_stray_spaces_and_units_in_pasted_text(defn: CheckDefinition) -> None:
    assert validate_answer(defn, "weight.weight", "  82.5 kg  ") == 82.5
    assert validate_answer(defn, "weight.weight", "82.5kg") == 82.5
    assert validate_answer(defn, "weight.weight", "\t82.5\n") == 82.5
    assert validate_answer(defn, "blood_pressure.pulse", " 72 bpm") == 72
    assert validate_answer(defn, "weight.weight", "82.") == 82.0
    assert validate_answer(defn, "lipids.hdl", ".9") == 0.9


def test_not_finite(defn: CheckDefinition) -> None:
    for value in (float("nan"), float("inf"), float("-inf"), Decimal("NaN")):
        error = refused(defn, "weight.weight", value)
        assert error.kind == kinds.NOT_FINITE
        assert error.message == "Weight must be a real number: check the reading."


def test_huge_numbers(defn: CheckDefinition) -> None:
    assert refused(defn, "weight.weight", 10**400).kind == kinds.IMPOSSIBLE
    assert refused(defn, "weight.weight", 1e308).kind == kinds.IMPOSSIBLE
    assert refused(defn, "weight.weight", 1e308, "[stone_av]").kind == kinds.IMPOSSIBLE  # overflows to inf


def test_not_whole(defn: CheckDefinition) -> None:
    error = refused(defn, "blood_pressure.pulse", 72.5)
    assert error.kind == kinds.NOT_WHOLE
    assert error.message == "Pulse 72.5 bpm must be a whole number."
    assert validate_answer(defn, "blood_pressure.pulse", 72.0) == 72
    assert isinstance(validate_answer(defn, "blood_pressure.pulse", "72"), int)


def test_wrong_type(defn: CheckDefinition) -> None:
    assert refused(defn, "weight.weight", True).message == "Weight must be a number, like 82.5."
    assert refused(defn, "weight.weight", {"kg": 80}).kind == kinds.WRONG_TYPE
    assert refused(defn, "oral_health.concern", 1).message == "Teeth or gums problem must be yes or no."
    assert refused(defn, "care_plan.goals", 42).kind == kinds.WRONG_TYPE
    assert refused(defn, "weight.weight", 80, confirmed="yes").kind == kinds.WRONG_TYPE


def test_unknown_unit(defn: CheckDefinition) -> None:
    error = refused(defn, "weight.weight", 80, "furlong")
    assert error.kind == kinds.UNKNOWN_UNIT
    assert error.message == "Weight: the unit 'furlong' is not one this check accepts (kg, lb, st)."
    assert refused(defn, "weight.weight", "80 mmHg").kind == kinds.UNKNOWN_UNIT
    assert (
        refused(defn, "weight.weight", "12 furlongs").message
        == "Weight: 'furlongs' is not a unit this check knows."
    )
    assert refused(defn, "oral_health.concern", True, "kg").kind == kinds.UNKNOWN_UNIT
    assert refused(defn, "weight.weight", 80, 5).kind == kinds.UNKNOWN_UNIT


def test_unit_conflict(defn: CheckDefinition) -> None:
    error = refused(defn, "weight.weight", "80 kg", "[lb_av]")
    assert error.kind == kinds.UNIT_CONFLICT
    assert error.message == "Weight: the text says kg but the unit chosen is lb."


def test_compound_parts(defn: CheckDefinition) -> None:
    assert refused(defn, "weight.weight", [12, 14], "[stone_av]").kind == kinds.BAD_PARTS
    assert refused(defn, "weight.height", [5, 12], "[ft_i]").kind == kinds.BAD_PARTS
    assert refused(defn, "weight.weight", [12, 5, 1], "[stone_av]").kind == kinds.BAD_PARTS
    assert refused(defn, "weight.weight", [12, 5], "kg").kind == kinds.WRONG_TYPE
    assert refused(defn, "weight.weight", [12, "x"], "[stone_av]").kind == kinds.WRONG_TYPE


def test_unknown_option(defn: CheckDefinition) -> None:
    error = refused(defn, "smoking.tobacco_status", "sometimes")
    assert error.kind == kinds.UNKNOWN_OPTION
    assert error.message == (
        "Tobacco smoking status: 'sometimes' is not one of the choices "
        "(Never smoked tobacco; Ex-smoker; Smoker)."
    )
    assert validate_answer(defn, "smoking.tobacco_status", " 77176002 ") == "77176002"
    assert (
        validate_answer(
            defn, "smoking.tobacco_status", {"system": "http://snomed.info/sct", "code": "8517006"}
        )
        == "8517006"
    )


def test_too_long_and_bad_text(defn: CheckDefinition) -> None:
    error = refused(defn, "weight.reason", "x" * 501)
    assert error.kind == kinds.TOO_LONG
    assert error.message == "Reason is too long (501 characters; at most 500)."
    assert validate_answer(defn, "weight.reason", "  No scales here  ") == "No scales here"
    assert refused(defn, "weight.reason", "bad \ud800 text").kind == kinds.BAD_TEXT
    assert refused(defn, "weight.reason", "nul\x00").kind == kinds.BAD_TEXT


def test_dates(defn: CheckDefinition) -> None:
    assert validate_answer(defn, "care_plan.review_date", "2027-03-01") == dt.date(2027, 3, 1)
    assert validate_answer(defn, "care_plan.review_date", dt.datetime(2027, 3, 1, 9, 30)) == dt.date(
        2027, 3, 1
    )
    error = refused(defn, "care_plan.review_date", "2026-02-30")
    assert error.kind == kinds.BAD_DATE
    assert error.message == "Next review '2026-02-30' is not a real date: check the day and the month."
    assert refused(defn, "care_plan.review_date", "1850-01-01").kind == kinds.BAD_DATE
    assert refused(defn, "care_plan.review_date", "next week").kind == kinds.BAD_DATE


def test_booleans(defn: CheckDefinition) -> None:
    assert validate_answer(defn, "oral_health.concern", True) is True
    assert validate_answer(defn, "oral_health.concern", " Yes ") is True
    assert validate_answer(defn, "oral_health.concern", "no") is False


def test_unknown_item_and_heading(defn: CheckDefinition) -> None:
    error = refused(defn, "weight.wieght", 80)
    assert error.kind == kinds.UNKNOWN_ITEM and error.message == "This check has no question 'weight.wieght'."
    with pytest.raises(AnswerError) as caught:
        validate_answer(defn, None, 80)
    assert caught.value.kind == kinds.UNKNOWN_ITEM
    assert refused(defn, "weight.details", 80).kind == kinds.NOT_A_QUESTION


def test_blank_means_not_answered(defn: CheckDefinition) -> None:
    assert validate_answer(defn, "weight.weight", None) is None
    assert validate_answer(defn, "weight.weight", "   ") is None


def test_stored_entries(defn: CheckDefinition) -> None:
    assert validate_entry(defn, "weight.weight", {"value": [12, 5], "unit": "[stone_av]"}) == pytest.approx(
        78.47148001
    )
    assert validate_entry(defn, "weight.weight", {"value": 250, "confirmed": True}) == 250
    assert validate_entry(defn, "weight.weight", 82.5) == 82.5
    for broken in (
        {"valu": 80},
        {"value": 80, "unit": 3},
        {"value": 80, "confirmed": "y"},
        {"value": 1, "x": 2},
    ):
        with pytest.raises(AnswerError) as caught:
            validate_entry(defn, "weight.weight", broken)
        assert caught.value.kind == kinds.BAD_ENTRY
    entry = AnswerEntry([12, 5], "[stone_av]", True)
    assert entry_from_json(entry.to_json()) == AnswerEntry([12, 5], "[stone_av]", True)
    assert AnswerEntry(82.5).to_json() == 82.5


# -- hard and soft boundaries: just below, at, just above ----------------------------------
@pytest.mark.parametrize(
    ("link", "hard_lo", "soft_lo", "soft_hi", "hard_hi", "step"),
    [
        ("weight.weight", 20, 35, 200, 350, 0.1),
        ("weight.height", 50, 130, 210, 250, 0.1),
        ("blood_pressure.systolic", 50, 80, 200, 300, 1),
        ("blood_pressure.diastolic", 20, 45, 120, 200, 1),
        ("blood_pressure.pulse", 20, 45, 130, 250, 1),
        ("lipids.total_cholesterol", 1.0, 2.0, 10.0, 25, 0.1),
        ("glucose.hba1c", 15, 20, 120, 200, 0.1),
        ("smoking.cigarettes_per_day", 1, 1, 60, 200, 1),
    ],
)
def test_boundaries(
    defn: CheckDefinition,
    link: str,
    hard_lo: float,
    soft_lo: float,
    soft_hi: float,
    hard_hi: float,
    step: float,
) -> None:
    item = defn.items[link]
    assert (item.hard_min, item.soft_min, item.soft_max, item.hard_max) == (
        hard_lo,
        soft_lo,
        soft_hi,
        hard_hi,
    )
    # hard limits: at the limit is accepted (after confirming, as it is also unusual), beyond is refused
    assert validate_answer(defn, link, hard_lo, confirmed=True) == hard_lo
    assert validate_answer(defn, link, hard_hi, confirmed=True) == hard_hi
    assert refused(defn, link, round(hard_lo - step, 3), confirmed=True).kind in (
        kinds.OUT_OF_RANGE,
        kinds.IMPOSSIBLE,
    )
    assert refused(defn, link, round(hard_hi + step, 3), confirmed=True).kind == kinds.OUT_OF_RANGE
    # soft limits: at the limit is usual; just beyond needs confirmation; confirmed is accepted
    assert validate_answer(defn, link, soft_lo) == soft_lo
    assert validate_answer(defn, link, soft_hi) == soft_hi
    assert validate_answer(defn, link, round(soft_hi - step, 3)) == pytest.approx(soft_hi - step)
    with pytest.raises(SoftLimitWarning):
        validate_answer(defn, link, round(soft_hi + step, 3))
    assert validate_answer(defn, link, round(soft_hi + step, 3), confirmed=True) == pytest.approx(
        soft_hi + step
    )
    if soft_lo > hard_lo:
        with pytest.raises(SoftLimitWarning):
            validate_answer(defn, link, round(soft_lo - step, 3))
        assert validate_answer(defn, link, round(soft_lo - step, 3), confirmed=True) == pytest.approx(
            soft_lo - step
        )


def test_hard_limit_applies_after_conversion(defn: CheckDefinition) -> None:
    # 55 st = 349.27 kg is accepted (confirmed); 56 st = 355.6 kg is beyond the 350 kg limit
    assert validate_answer(defn, "weight.weight", 55, "[stone_av]", True) == pytest.approx(349.266125)
    assert refused(defn, "weight.weight", 56, "[stone_av]", True).kind == kinds.OUT_OF_RANGE
