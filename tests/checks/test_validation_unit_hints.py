"""A value impossible in the unit chosen but plausible in another unit the item offers says
which unit to choose: nurses type HbA1c in % and glucose or cholesterol in mg/dL by habit."""

from __future__ import annotations

import pytest

from outreach.checks import answers as kinds
from outreach.checks.definition import CheckDefinition
from outreach.checks.validation import check_answer, validate_answer


@pytest.mark.parametrize(
    ("link", "value", "unit", "hint", "converted"),
    [
        ("glucose.hba1c", "6.5", None, "If it was measured in %, choose % next to the box.", 48),
        ("glucose.hba1c", "48", "%", "If it was measured in mmol/mol, choose mmol/mol next to the box.", 48),
        (
            "glucose.random_glucose",
            "110",
            None,
            "If it was measured in mg/dL, choose mg/dL next to the box.",
            6.1,
        ),
        (
            "lipids.total_cholesterol",
            "200",
            None,
            "If it was measured in mg/dL, choose mg/dL next to the box.",
            5.2,
        ),
        ("weight.weight", "13", None, "If it was measured in st, choose st next to the box.", 82.6),
    ],
)
def test_hint_names_the_unit_the_number_fits(
    defn: CheckDefinition, link: str, value: str, unit: str | None, hint: str, converted: float
) -> None:
    result = check_answer(defn, link, value, unit)
    assert not result.ok and result.kind in (kinds.IMPOSSIBLE, kinds.OUT_OF_RANGE)
    assert result.message is not None and result.message.endswith(hint)
    # Following the hint gives an accepted value near what was meant.
    hinted = hint.split("choose ")[1].split(" next")[0]
    code = {"%": "%", "mmol/mol": "mmol/mol", "mg/dL": "mg/dL", "st": "[stone_av]"}[hinted]
    if code == "[stone_av]":
        accepted = validate_answer(defn, link, [float(value), 0], code, True)
    else:
        accepted = validate_answer(defn, link, value, code, True)
    assert accepted == pytest.approx(converted, abs=0.1)


def test_no_hint_when_no_other_unit_fits(defn: CheckDefinition) -> None:
    systolic = check_answer(defn, "blood_pressure.systolic", "1200")
    assert systolic.message == "Systolic 1200 mmHg is not possible: check the reading."
    huge = check_answer(defn, "glucose.hba1c", "90000")
    assert huge.message is not None and "choose" not in huge.message


def test_a_unit_typed_in_the_text_gets_no_hint(defn: CheckDefinition) -> None:
    # The nurse said which unit they meant: the refusal is about the reading, not the unit box.
    result = check_answer(defn, "glucose.hba1c", "250 %")
    assert result.message is not None and "choose" not in result.message


@pytest.mark.parametrize(
    ("parts", "words"),
    [
        (["82,5", "0"], "'82,5' has a comma"),
        (["13", "2,5"], "'2,5' has a comma"),
        (["thirteen", "0"], "'thirteen' is not a number"),
        (["13 st", "0"], "type only the number in each box"),
    ],
)
def test_stones_and_pounds_boxes_get_the_specific_message(
    defn: CheckDefinition, parts: list[str], words: str
) -> None:
    result = check_answer(defn, "weight.weight", parts, "[stone_av]")
    assert not result.ok and result.message is not None and words in result.message


def test_stones_and_pounds_typed_as_text_are_read(defn: CheckDefinition) -> None:
    assert validate_answer(defn, "weight.weight", ["13", "0"], "[stone_av]") == pytest.approx(82.55, abs=0.01)
