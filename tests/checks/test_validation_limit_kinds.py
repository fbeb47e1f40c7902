"""Which words a reading outside the check's hard limits gets (outreach/checks/answers.py kinds):

- "not possible" (IMPOSSIBLE) when it is past any real value: above twice the upper limit, below half a
  positive lower limit, or negative where only positive values exist - almost always a slip of the
  keyboard or the unit;
- "outside what this check accepts" (OUT_OF_RANGE) between those and the limit: possibly real, so the
  worker is told the range the check takes;
- inside the hard limits but outside the usual range, "unusual" asks for confirmation (UNUSUAL).

Weight (the bundled check's limits): accepted 20-350 kg, usually 35-200 kg.
"""

from __future__ import annotations

import pytest

from outreach.checks import answers as kinds
from outreach.checks.answers import AnswerError, SoftLimitWarning
from outreach.checks.definition import CheckDefinition
from outreach.checks.validation import validate_answer


def _kind(defn: CheckDefinition, value: float) -> str:
    try:
        validate_answer(defn, "weight.weight", value)
    except SoftLimitWarning as warning:
        return warning.kind
    except AnswerError as error:
        return error.kind
    return "accepted"


@pytest.mark.parametrize(("value", "kind"), [
    (-1, kinds.IMPOSSIBLE), (0, kinds.IMPOSSIBLE), (9.9, kinds.IMPOSSIBLE),   # below half of 20 kg
    (10, kinds.OUT_OF_RANGE), (19.9, kinds.OUT_OF_RANGE),                      # possible, but not taken
    (20, kinds.UNUSUAL), (34.9, kinds.UNUSUAL), (35, "accepted"),              # the hard and usual limits
    (200, "accepted"), (200.1, kinds.UNUSUAL), (350, kinds.UNUSUAL),
    (350.1, kinds.OUT_OF_RANGE), (700, kinds.OUT_OF_RANGE),                    # up to twice 350 kg
    (700.1, kinds.IMPOSSIBLE), (10_000, kinds.IMPOSSIBLE),
])
def test_each_band_of_a_reading_gets_its_own_words(defn: CheckDefinition, value: float, kind: str) -> None:
    assert _kind(defn, value) == kind


def test_out_of_range_names_the_range_and_impossible_does_not(defn: CheckDefinition) -> None:
    with pytest.raises(AnswerError) as caught:
        validate_answer(defn, "weight.weight", 15)
    assert caught.value.message.startswith("Weight 15 kg is outside what this check accepts (20-350 kg).")
    with pytest.raises(AnswerError) as caught:
        validate_answer(defn, "weight.weight", 5)
    assert caught.value.message.startswith("Weight 5 kg is not possible: check the reading.")


def test_a_confirmed_unusual_reading_is_kept_but_confirming_never_lifts_a_hard_limit(
    defn: CheckDefinition,
) -> None:
    assert validate_answer(defn, "weight.weight", 20, confirmed=True) == 20
    assert validate_answer(defn, "weight.weight", 350, confirmed=True) == 350
    for value, kind in ((19.9, kinds.OUT_OF_RANGE), (350.1, kinds.OUT_OF_RANGE), (5, kinds.IMPOSSIBLE)):
        with pytest.raises(AnswerError) as caught:
            validate_answer(defn, "weight.weight", value, confirmed=True)
        assert caught.value.kind == kind
