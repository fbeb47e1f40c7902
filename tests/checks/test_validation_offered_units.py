"""A number is accepted only in a unit the question offers (FHIR Questionnaire `questionnaire-unit` and
`questionnaire-unitOption` extensions), whether the unit is chosen beside the box or typed with the number.

A unit the question does not offer is refused even when the app could convert it: a service that took
pounds off the weight question did so on purpose (its scales are metric, its records are in kg), and a
reading typed as "82 lb" must then be questioned, never quietly converted to 37.2 kg or read as 82 kg.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from outreach.checks import answers as kinds
from outreach.checks.answers import AnswerError
from outreach.checks.definition import EXT_UNIT_OPTION, CheckDefinition, parse_definition
from outreach.checks.validation import check_answer, validate_answer


def _without_unit_options(raw: dict[str, Any], link_id: str) -> CheckDefinition:
    data = copy.deepcopy(raw)

    def strip(items: list[dict[str, Any]]) -> None:
        for item in items:
            if item.get("linkId") == link_id:
                item["extension"] = [e for e in item.get("extension", []) if e.get("url") != EXT_UNIT_OPTION]
            strip(item.get("item", []))

    strip(data["item"])
    return parse_definition(data)


@pytest.fixture
def metric_only(raw: dict[str, Any]) -> CheckDefinition:
    """The bundled check with pounds (and stones) taken off the weight question."""
    defn = _without_unit_options(raw, "weight.weight")
    assert defn.item("weight.weight").unit_options == ()
    return defn


def _refused(defn: CheckDefinition, link: str, value: object, unit: object = None) -> AnswerError:
    with pytest.raises(AnswerError) as caught:
        validate_answer(defn, link, value, unit)
    assert caught.value.item == link
    return caught.value


@pytest.mark.parametrize("value", ["82 lb", "82lb", "82 pounds", "82 LBS", " 82  lb "])
def test_pounds_typed_where_pounds_is_not_offered_are_refused(
    metric_only: CheckDefinition, value: str
) -> None:
    error = _refused(metric_only, "weight.weight", value)
    assert error.kind == kinds.UNKNOWN_UNIT
    assert "is not one this check accepts (kg)" in error.message


@pytest.mark.parametrize("unit", ["lb", "[lb_av]", "pounds", "[stone_av]", "st"])
def test_pounds_chosen_where_pounds_is_not_offered_are_refused(
    metric_only: CheckDefinition, unit: str
) -> None:
    error = _refused(metric_only, "weight.weight", 82, unit)
    assert error.kind == kinds.UNKNOWN_UNIT
    assert "(kg)" in error.message
    assert check_answer(metric_only, "weight.weight", 82, unit).ok is False


def test_the_offered_unit_still_works_when_others_are_taken_away(metric_only: CheckDefinition) -> None:
    assert validate_answer(metric_only, "weight.weight", "82 kg") == 82.0
    assert validate_answer(metric_only, "weight.weight", 82, "kg") == 82.0
    assert validate_answer(metric_only, "weight.weight", "82") == 82.0


def test_pounds_are_converted_where_the_question_offers_them(defn: CheckDefinition) -> None:
    assert "[lb_av]" in defn.item("weight.weight").unit_options
    assert validate_answer(defn, "weight.weight", "181 lb") == pytest.approx(181 * 0.45359237)
    assert validate_answer(defn, "weight.weight", 181, "lb") == pytest.approx(181 * 0.45359237)
    assert validate_answer(defn, "weight.weight", 181, "[lb_av]") == pytest.approx(181 * 0.45359237)


def test_inches_on_the_waist_only_while_offered(defn: CheckDefinition, raw: dict[str, Any]) -> None:
    assert validate_answer(defn, "weight.waist", "34 in") == pytest.approx(34 * 2.54)
    no_inches = _without_unit_options(raw, "weight.waist")
    assert _refused(no_inches, "weight.waist", "34 in").kind == kinds.UNKNOWN_UNIT
    assert _refused(no_inches, "weight.waist", 34, "in").kind == kinds.UNKNOWN_UNIT
    assert validate_answer(no_inches, "weight.waist", "86 cm") == 86.0


@pytest.mark.parametrize(
    ("link", "value", "unit"),
    [
        ("blood_pressure.systolic", "120 kg", None),
        ("blood_pressure.systolic", 120, "kg"),
        ("weight.weight", "82 mmHg", None),
        ("weight.weight", 82, "cm"),
        ("weight.height", 170, "kg"),
    ],
)
def test_a_known_unit_of_another_measurement_is_refused(
    defn: CheckDefinition, link: str, value: object, unit: str | None
) -> None:
    assert _refused(defn, link, value, unit).kind == kinds.UNKNOWN_UNIT


def test_a_typed_unit_that_disagrees_with_the_chosen_one_is_refused(defn: CheckDefinition) -> None:
    error = _refused(defn, "weight.weight", "82 lb", "kg")
    assert error.kind == kinds.UNIT_CONFLICT
    assert error.message == "Weight: the text says lb but the unit chosen is kg."
    assert validate_answer(defn, "weight.weight", "82 kg", "kg") == 82.0


def test_a_unit_on_a_question_without_units_is_refused(defn: CheckDefinition) -> None:
    choice = next(i for i in defn.items.values() if i.type == "choice")
    error = _refused(defn, choice.link_id, choice.options[0].code, "kg")
    assert error.kind == kinds.UNKNOWN_UNIT and "does not take a unit" in error.message


def test_an_unreadable_unit_is_refused(defn: CheckDefinition) -> None:
    error = _refused(defn, "weight.weight", 82, 3)
    assert error.kind == kinds.UNKNOWN_UNIT and "not readable" in error.message
