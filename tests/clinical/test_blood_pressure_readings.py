"""Blood pressure as NICE NG136 measures it: a second reading at 140/90 or more, a third when the first
two differ by more than 10 mmHg, the lower of the last two used; every reading recorded and sent."""

from __future__ import annotations

import pytest

from outreach.checks.context import finalise_blockers
from outreach.checks.definition import default_definition
from outreach.checks.evaluation import evaluate_check
from outreach.checks.person import PersonFacts
from outreach.clinical import blood_pressure as bp
from outreach.errors import CalculationError

DEFN = default_definition()
WHO = PersonFacts(50, "male", "A")
SECOND = ("blood_pressure.systolic_2", "blood_pressure.diastolic_2")
THIRD = ("blood_pressure.systolic_3", "blood_pressure.diastolic_3")


@pytest.mark.parametrize(("systolic", "diastolic", "repeat"), [
    (139, 89, False), (140, 89, True), (139, 90, True), (140, 90, True), (120, 70, False), (185, 125, True),
])
def test_second_reading_from_140_90(systolic: int, diastolic: int, repeat: bool) -> None:
    assert bp.needs_repeat(systolic, diastolic) is repeat
    assert bp.clinic_blood_pressure([(systolic, diastolic)]).second_needed is repeat
    review = evaluate_check(DEFN, {"blood_pressure.status": "done", "blood_pressure.systolic": systolic,
                                   "blood_pressure.diastolic": diastolic}, WHO).review
    assert (SECOND[0] in review.enabled) is repeat  # the check asks for it exactly then


@pytest.mark.parametrize(("first", "second", "third"), [
    ((150, 95), (140, 95), False),  # 10 apart: not more than 10
    ((150, 95), (139, 95), True),  # 11 apart systolic
    ((150, 95), (150, 84), True),  # 11 apart diastolic
    ((150, 95), (145, 85), False),
])
def test_third_reading_when_the_first_two_differ_by_more_than_10(first, second, third) -> None:
    clinic = bp.clinic_blood_pressure([first, second])
    assert clinic.third_needed is third
    assert clinic.readings[clinic.used] == min(first, second)


def test_the_lower_of_the_last_two_is_used() -> None:
    assert bp.clinic_blood_pressure([(160, 100), (150, 96)]).used == 1
    assert bp.clinic_blood_pressure([(150, 96), (152, 90)]).used == 0
    three = bp.clinic_blood_pressure([(170, 100), (150, 92), (148, 95)])
    assert (three.systolic, three.diastolic) == (148, 95) and not three.third_needed
    # The first reading counts only while there are fewer than two others.
    assert bp.clinic_blood_pressure([(130, 80), (160, 100), (162, 101)]).systolic == 160
    assert bp.clinic_blood_pressure([(150, 90), (150, 88)]).diastolic == 88  # equal systolic: lower diastolic


def test_a_swapped_repeat_reading_is_named() -> None:
    with pytest.raises(CalculationError, match="Reading 2"):
        bp.clinic_blood_pressure([(150, 95), (80, 120)])


def _answers(*readings: tuple[int, int]) -> dict[str, object]:
    links = [("blood_pressure.systolic", "blood_pressure.diastolic"), SECOND, THIRD]
    out: dict[str, object] = {"blood_pressure.status": "done", "blood_pressure.irregular": False,
                              "blood_pressure.pulse": 72}
    for (s_link, d_link), (s, d) in zip(links, readings, strict=False):
        out[s_link], out[d_link] = s, d
    return out


def test_the_check_classifies_the_clinic_reading_and_keeps_the_first() -> None:
    evaluation = evaluate_check(DEFN, _answers((165, 102), (158, 98)), WHO)
    facts = evaluation.facts
    assert (facts["systolic_mmhg"], facts["diastolic_mmhg"]) == (158, 98)
    assert (facts["systolic_first_mmhg"], facts["diastolic_first_mmhg"]) == (165, 102)
    assert facts["bp_category"] == bp.STAGE_1  # stage 2 on the first reading alone
    assert evaluation.completeness.element("blood_pressure").recorded


def test_the_second_reading_is_needed_to_record_the_element() -> None:
    evaluation = evaluate_check(DEFN, _answers((150, 95)), WHO)
    element = evaluation.completeness.element("blood_pressure")
    assert not element.recorded and element.missing
    assert any(b.kind == "element" for b in finalise_blockers(evaluation, {}))


def test_finalising_waits_for_a_third_reading_when_the_first_two_differ() -> None:
    differ = evaluate_check(DEFN, _answers((170, 95), (150, 92)), WHO)
    assert [b.subject for b in finalise_blockers(differ, {}) if b.kind == "measurement"] == [THIRD[0]]
    close = evaluate_check(DEFN, _answers((160, 95), (150, 92)), WHO)
    assert not [b for b in finalise_blockers(close, {}) if b.kind == "measurement"]
    done = evaluate_check(DEFN, _answers((170, 95), (150, 92), (152, 90)), WHO)
    assert not [b for b in finalise_blockers(done, {}) if b.kind == "measurement"]
    assert done.facts["systolic_mmhg"] == 150


@pytest.mark.parametrize(("readings", "used"), [
    ([(205, 95), (146, 92)], 0),
    ([(150, 95), (181, 100)], 1),
    ([(150, 121), (150, 95), (150, 96)], 0),
    ([(179, 119), (172, 112)], 1),  # just below severe: the usual rule
])
def test_a_severe_reading_is_never_outweighed_by_a_lower_one(readings, used) -> None:
    clinic = bp.clinic_blood_pressure(readings)
    assert clinic.used == used and not clinic.third_needed
