"""Clinical safety properties of the bundled findings rules, checked against the calculators.

Each rule family must agree with the calculator the worker sees (the band on screen and the finding
beside it cannot disagree), must fire at most once per reading, and an urgent finding must not be
closable without someone acting on it.
"""

from __future__ import annotations

import copy
import json
import re

import pytest

from outreach.clinical.blood_pressure import STAGE_1, STAGE_2, classify_blood_pressure
from outreach.clinical.findings import compile_rules, evaluate_findings, load_rules
from outreach.clinical.glycaemia import classify_glucose, classify_hba1c, combine_bands
from outreach.clinical.pulse import classify_pulse
from outreach.errors import CalculationError, DefinitionError
from outreach.resources import resource_path

RULES = load_rules()
RAW = json.loads(resource_path("rules", "findings.json").read_text(encoding="utf-8"))
URGENT_FOLLOW_UPS = {"referral", "declined", "clinician_override"}


def ids(facts: dict[str, object], prefix: str = "") -> set[str]:
    return {f.rule_id for f in evaluate_findings(facts, RULES) if f.rule_id.startswith(prefix)}


# --- follow-ups -----------------------------------------------------------------------------------------


def test_urgent_findings_need_someone_to_act() -> None:
    """Same-day findings close only by a referral, the person's informed decline, or a clinician's override
    (both with a reason): "advice given" or "already under care" would let a 190/125 reading be filed away."""
    urgent = [rule for rule in RULES.rules if rule.severity == "urgent"]
    assert {r.id for r in urgent} >= {"bp-severe", "pulse-very-abnormal", "triglycerides-very-high"}
    for rule in urgent:
        assert set(rule.allowed_follow_ups) <= URGENT_FOLLOW_UPS, rule.id
        assert "referral" in rule.allowed_follow_ups and "clinician_override" in rule.allowed_follow_ups


@pytest.mark.parametrize("kind", ["advice_given", "already_under_care"])
def test_loader_refuses_an_urgent_rule_closable_without_action(kind: str) -> None:
    data = copy.deepcopy(RAW)
    rule = next(r for r in data["rules"] if r["id"] == "bp-severe")
    rule["follow_up"]["allowed"].append(kind)
    with pytest.raises(DefinitionError, match="urgent") as info:
        compile_rules(data)
    assert info.value.item == "bp-severe"


@pytest.mark.parametrize("rule_id", ["bp-high", "pulse-fast", "pulse-irregular", "glucose-diabetes-range",
                                     "qrisk3-10-percent", "cholesterol-very-high", "triglycerides-high"])
def test_results_needing_a_clinician_are_not_closed_by_advice_alone(rule_id: str) -> None:
    # NICE NG136: 140/90 or more needs ambulatory or home readings to confirm; a fast or irregular pulse
    # needs an ECG or prescriber review; diabetes-range, statin and lipid results need the GP.
    assert "advice_given" not in RULES.rule(rule_id).allowed_follow_ups


# --- one finding per reading, agreeing with the calculator ----------------------------------------------


def test_blood_pressure_rules_agree_with_the_calculator_for_every_reading() -> None:
    for systolic in range(50, 301, 1):
        for diastolic in range(20, min(systolic, 201), 3):
            result = classify_blood_pressure(systolic, diastolic)
            found = ids({"systolic_mmhg": systolic, "diastolic_mmhg": diastolic}, "bp-")
            assert len(found) <= 1, (systolic, diastolic, found)
            expected = (
                {"bp-severe"}
                if result.urgent
                else {"bp-high"}
                if result.category in (STAGE_1, STAGE_2)
                else {"bp-low"}
                if result.category.startswith("Low")
                else set()
            )
            assert found == expected, (systolic, diastolic)


def test_diastolic_alone_reaches_every_band() -> None:
    assert ids({"systolic_mmhg": 130, "diastolic_mmhg": 120}, "bp-") == {"bp-severe"}
    assert ids({"systolic_mmhg": 130, "diastolic_mmhg": 119}, "bp-") == {"bp-high"}
    assert ids({"systolic_mmhg": 130, "diastolic_mmhg": 90}, "bp-") == {"bp-high"}
    assert ids({"systolic_mmhg": 130, "diastolic_mmhg": 89}, "bp-") == set()
    assert ids({"systolic_mmhg": 250, "diastolic_mmhg": 130}, "bp-") == {"bp-severe"}


def test_pulse_rules_agree_with_the_calculator_for_every_rate() -> None:
    for rate in range(20, 251):
        result = classify_pulse(rate)
        found = ids({"pulse_bpm": rate}, "pulse-")
        assert len(found) <= 1, (rate, found)
        assert bool(found) == result.needs_review, rate
        assert (found == {"pulse-very-abnormal"}) == result.very_abnormal, rate


def test_glycaemia_rules_fire_once_and_follow_the_worst_band() -> None:
    rule_for = {
        "diabetes range": "glucose-diabetes-range",
        "non-diabetic hyperglycaemia": "glucose-high-risk",
    }
    hba1cs = [None, 20, 41, 41.9, 42, 47, 47.9, 48, 120]
    glucoses = [None, 3.0, 5.4, 5.5, 6.0, 6.9, 6.95, 7.0, 11.0, 11.1, 30.0]
    for hba1c in hba1cs:
        for fasting in glucoses:
            for random in glucoses:
                facts = {
                    "hba1c_mmol_mol": hba1c,
                    "fasting_glucose_mmol_l": fasting,
                    "random_glucose_mmol_l": random,
                }
                results = []
                if hba1c is not None:
                    results.append(classify_hba1c(hba1c))
                if fasting is not None:
                    results.append(classify_glucose(fasting, True))
                if random is not None:
                    results.append(classify_glucose(random, False))
                worst = combine_bands(results)
                expected = {rule_for[worst.band]} if worst is not None and worst.band in rule_for else set()
                assert ids(facts, "glucose-") == expected, facts


def test_a_random_glucose_below_11_1_is_never_a_finding() -> None:
    for tenths in range(10, 111):
        assert ids({"random_glucose_mmol_l": tenths / 10}) == set()
    with pytest.raises(CalculationError):
        classify_glucose(6.0, "no")  # type: ignore[arg-type]


@pytest.mark.parametrize("prefix", ["cholesterol-", "triglycerides-", "alcohol-", "bmi-"])
def test_other_families_fire_at_most_once(prefix: str) -> None:
    for value in [x / 100 for x in range(0, 4000, 7)]:
        facts = {
            "total_cholesterol_mmol_l": value,
            "non_hdl_mmol_l": value - 1,
            "triglycerides_mmol_l": value,
            "audit_c_score": int(value) % 13,
        }
        assert len(ids(facts, prefix)) <= 1, (prefix, value)


# --- what the worker reads --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "shown"),
    [
        (
            {"fasting_glucose_mmol_l": 6.96},
            "6.96",
        ),  # below 7.0: must not read "7.0" beside "below the diabetes range"
        ({"hba1c_mmol_mol": 47.6}, "47.6"),
        ({"total_cholesterol_mmol_l": 7.54, "non_hdl_mmol_l": 6.0}, "7.54"),
        ({"triglycerides_mmol_l": 20.04}, "20.04"),
        ({"triglycerides_mmol_l": 10.0}, "10 mmol/L"),
        ({"hba1c_mmol_mol": 48}, "48 mmol/mol"),
    ],
)
def test_a_reason_shows_the_value_as_recorded_not_rounded_across_a_threshold(facts: dict, shown: str) -> None:
    reasons = " ".join(f.reason for f in evaluate_findings(facts, RULES))
    assert shown in reasons, reasons


_BLAMING = re.compile(r"\b(fail\w*|refus\w*|non-?complian\w*|abuse\w*|obese|addict\w*|poor)\b", re.IGNORECASE)


def test_a_diastolic_only_reading_says_which_number_crossed() -> None:
    # "130/95 mmHg is 140/90 or higher" reads as wrong to anyone looking at the 130.
    (finding,) = evaluate_findings({"systolic_mmhg": 130, "diastolic_mmhg": 95}, RULES)
    assert (
        finding.reason
        == "Blood pressure 130/95 mmHg is 140/90 or higher (systolic 140 or more, or diastolic 90 or more)."
    )


def test_non_hdl_has_no_float_noise_at_the_referral_limit() -> None:
    from outreach.clinical.lipids import calculate_lipids

    assert calculate_lipids(8.03, 0.53).non_hdl_mmol_l == 7.5  # 8.03 - 0.53 = 7.499999999999999 unrounded
    assert ids({"total_cholesterol_mmol_l": 8.03, "non_hdl_mmol_l": 7.5}, "cholesterol-") == {
        "cholesterol-high"
    }


def test_titles_and_reasons_are_plain_and_not_blaming() -> None:
    for rule in RULES.rules:
        for text in (rule.title, rule.reason_template):
            assert not _BLAMING.search(text), (rule.id, text)
        assert rule.source.strip() and re.search(
            r"NICE|Lester|NHS|NEWS2|BNF|AUDIT|Adult resting", rule.source
        ), rule.id


@pytest.mark.parametrize("digit", "0123456789")
def test_a_placeholder_nhs_number_of_one_repeated_digit_is_refused(digit: str) -> None:
    """All ten repeated-digit numbers pass Modulus 11, and "0000000000" is what gets typed to get past a
    field: accepted, it would file checks for different people under one identity in the shared record."""
    from outreach.clinical.nhs_number import check_nhs_number

    result = check_nhs_number(digit * 10)
    assert not result.valid and "placeholder" in (result.reason or "")
