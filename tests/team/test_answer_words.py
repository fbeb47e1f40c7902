"""The supervisor's "what changed between versions" list writes answers as the worker's check screen does."""

from __future__ import annotations

from outreach.checks import units
from outreach.checks.definition import default_definition
from outreach.team.queue import answer_words, changed_answers


def test_weight_stored_with_four_decimals_reads_as_on_the_workers_screen() -> None:
    definition = default_definition()
    before = {"answers": {"weight.weight": 84.3682, "weight.height": 172.0}}
    after = {"answers": {"weight.weight": 84.8, "weight.height": 172.0}}
    [change] = changed_answers(before, after, definition)
    assert change.before == "84.37 kg"
    assert change.after == "84.8 kg"
    assert "Weight" in change.label
    # the same formatter as the worker's review page (at most two decimals, no trailing zeros)
    assert change.before == f"{units.format_number(84.3682)} kg"


def test_units_and_dates_in_the_checks_words() -> None:
    items = default_definition().items
    assert answer_words(items["blood_pressure.systolic"], 128) == "128 mmHg"
    assert answer_words(items["weight.height"], 172.0) == "172 cm"
    assert answer_words(items["care_plan.review_date"], "2026-11-03") == "03/11/2026"
    assert answer_words(items["weight.weight"], None) == "Not answered"


def test_an_answer_stored_with_its_unit_is_shown_in_the_checks_unit() -> None:
    weight = default_definition().items["weight.weight"]
    assert answer_words(weight, {"value": 84.3682, "confirmed": True}) == "84.37 kg"
    assert (
        answer_words(weight, {"value": 186, "unit": "[lb_av]"})
        == f"{units.format_number(186 * 0.45359237)} kg"
    )
