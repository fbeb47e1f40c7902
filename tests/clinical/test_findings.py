"""Findings rules: the bundled rule set, its thresholds, the strict loader and follow-up decisions."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from outreach.clinical import bmi
from outreach.clinical.findings import (
    FACT_KINDS,
    FOLLOW_UP_KINDS,
    SEVERITIES,
    Finding,
    FollowUpDecision,
    RuleSet,
    can_finalise,
    compile_rules,
    evaluate_findings,
    load_rules,
    unresolved_findings,
    validate_decision,
)
from outreach.clinical.service_directory import load_service_directory
from outreach.errors import DefinitionError, ValidationError
from outreach.resources import resource_path

RULES = load_rules()
RAW = json.loads(resource_path("rules", "findings.json").read_text(encoding="utf-8"))
CONTRACT_FACTS = {
    "age_years", "sex", "ethnic_category", "weight_kg", "height_cm", "bmi_kg_m2", "bmi_category",
    "bmi_lower_thresholds", "waist_cm", "weight_gain_3m_kg", "systolic_mmhg", "diastolic_mmhg", "bp_category",
    "bp_urgent", "pulse_bpm", "pulse_irregular", "hba1c_mmol_mol", "fasting_glucose_mmol_l",
    "random_glucose_mmol_l", "glycaemia_band", "total_cholesterol_mmol_l", "hdl_mmol_l", "tc_hdl_ratio",
    "non_hdl_mmol_l", "triglycerides_mmol_l", "audit_c_score", "audit_c_band", "smoking_status",
    "cigarettes_per_day", "smoking_category", "qrisk3_percent", "on_antipsychotic", "diet_poor",
    "physically_inactive", "substance_use", "medication_side_effects", "screening_overdue",
    "vaccinations_due",
    "oral_health_concern", "sexual_health_concern",
    "audit_score", "audit_band",  # the full AUDIT, offered when AUDIT-C is 5 or more
    "qrisk3_exclusion",  # why QRISK3 does not apply (NICE NG238), so the right finding is raised instead
}  # fmt: skip


def ids(facts: dict[str, object]) -> set[str]:
    return {f.rule_id for f in evaluate_findings(facts, RULES)}


# --- the bundled rule set -----------------------------------------------------------------------------


def test_rule_set_is_versioned_and_every_rule_cites_a_source() -> None:
    assert (RULES.id, RULES.version) == ("smi-findings", "1.3.0")
    for rule in RULES.rules:
        assert rule.severity in SEVERITIES
        assert len(rule.source) > 15, rule.id
        assert rule.allowed_follow_ups and set(rule.allowed_follow_ups) <= set(FOLLOW_UP_KINDS)


def test_facts_are_exactly_the_agreed_list() -> None:
    assert set(FACT_KINDS) == CONTRACT_FACTS


def test_every_suggested_service_is_in_the_directory() -> None:
    directory = load_service_directory()
    missing = {(r.id, s) for r in RULES.rules for s in r.suggested_services if s not in directory}
    assert not missing
    for name in (
        "stop-smoking-bnssg",
        "gp-same-day",
        "ndpp",
        "weight-management",
        "alcohol-service",
        "substance-misuse",
        "dental-access",
        "sexual-health",
    ):
        assert name in directory
    for service in directory.services.values():
        assert service.phone in (None, "see local directory", "111")  # no real local numbers in the seed


def test_no_facts_no_findings() -> None:
    assert evaluate_findings({}, RULES) == []


# --- thresholds: just below, at, just above ----------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"systolic_mmhg": 139, "diastolic_mmhg": 89}, set()),
        ({"systolic_mmhg": 140, "diastolic_mmhg": 80}, {"bp-high"}),
        ({"systolic_mmhg": 141, "diastolic_mmhg": 80}, {"bp-high"}),
        ({"systolic_mmhg": 120, "diastolic_mmhg": 90}, {"bp-high"}),
        ({"systolic_mmhg": 179, "diastolic_mmhg": 119}, {"bp-high"}),
        ({"systolic_mmhg": 180, "diastolic_mmhg": 100}, {"bp-severe"}),
        ({"systolic_mmhg": 181, "diastolic_mmhg": 100}, {"bp-severe"}),
        ({"systolic_mmhg": 170, "diastolic_mmhg": 120}, {"bp-severe"}),
        ({"systolic_mmhg": 90, "diastolic_mmhg": 60}, set()),
        ({"systolic_mmhg": 89, "diastolic_mmhg": 60}, {"bp-low"}),
        ({"systolic_mmhg": 100, "diastolic_mmhg": 59}, {"bp-low"}),
        ({"systolic_mmhg": 150, "diastolic_mmhg": 55}, {"bp-high"}),
    ],
)
def test_blood_pressure_rules(facts: dict[str, object], expected: set[str]) -> None:
    assert ids(facts) == expected


def test_severe_blood_pressure_is_urgent_and_first() -> None:
    found = evaluate_findings(
        {"smoking_status": "current", "systolic_mmhg": 200, "diastolic_mmhg": 100}, RULES
    )
    assert [f.rule_id for f in found] == ["bp-severe", "smoking-current"]
    assert found[0].severity == "urgent" and "gp-same-day" in found[0].suggested_services
    assert (
        found[0].reason
        == "Blood pressure 200/100 mmHg is 180/120 or higher (systolic 180 or more, or diastolic 120 or "
           "more)."
    )


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"pulse_bpm": 40}, {"pulse-very-abnormal"}), ({"pulse_bpm": 41}, {"pulse-slow"}),
        ({"pulse_bpm": 59}, {"pulse-slow"}), ({"pulse_bpm": 60}, set()), ({"pulse_bpm": 61}, set()),
        ({"pulse_bpm": 99}, set()), ({"pulse_bpm": 100}, set()), ({"pulse_bpm": 101}, {"pulse-fast"}),
        ({"pulse_bpm": 130}, {"pulse-fast"}), ({"pulse_bpm": 131}, {"pulse-very-abnormal"}),
        ({"pulse_bpm": 72, "pulse_irregular": True}, {"pulse-irregular"}),
        ({"pulse_bpm": 72, "pulse_irregular": False}, set()),
    ],
)  # fmt: skip
def test_pulse_rules(facts: dict[str, object], expected: set[str]) -> None:
    assert ids(facts) == expected


@pytest.mark.parametrize(
    ("value", "lower", "expected"),
    [
        (24.9, False, set()), (25.0, False, {"bmi-raised"}), (25.1, False, {"bmi-raised"}),
        (22.9, True, set()), (23.0, True, {"bmi-raised"}), (23.1, True, {"bmi-raised"}),
        (18.4, False, {"bmi-underweight"}), (18.5, False, set()), (41.0, False, {"bmi-raised"}),
    ],
)  # fmt: skip
def test_bmi_rules_follow_the_calculator_category(value: float, lower: bool, expected: set[str]) -> None:
    facts = {
        "bmi_kg_m2": value,
        "bmi_category": bmi.bmi_category(value, lower),
        "bmi_lower_thresholds": lower,
    }
    assert ids(facts) == expected


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"weight_gain_3m_kg": 5.0}, set()), ({"weight_gain_3m_kg": 5.1}, {"weight-gain"}),
        ({"sex": "male", "waist_cm": 101}, set()), ({"sex": "male", "waist_cm": 102}, {"waist-high"}),
        ({"sex": "female", "waist_cm": 87}, set()), ({"sex": "female", "waist_cm": 88}, {"waist-high"}),
        ({"waist_cm": 120}, set()),
    ],
)  # fmt: skip
def test_weight_rules(facts: dict[str, object], expected: set[str]) -> None:
    assert ids(facts) == expected


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"hba1c_mmol_mol": 41}, set()), ({"hba1c_mmol_mol": 42}, {"glucose-high-risk"}),
        ({"hba1c_mmol_mol": 43}, {"glucose-high-risk"}), ({"hba1c_mmol_mol": 47}, {"glucose-high-risk"}),
        ({"hba1c_mmol_mol": 48}, {"glucose-diabetes-range"}),
        ({"hba1c_mmol_mol": 49}, {"glucose-diabetes-range"}),
        ({"fasting_glucose_mmol_l": 5.4}, set()), ({"fasting_glucose_mmol_l": 5.5}, {"glucose-high-risk"}),
        ({"fasting_glucose_mmol_l": 5.6}, {"glucose-high-risk"}),
        ({"fasting_glucose_mmol_l": 6.9}, {"glucose-high-risk"}),
        ({"fasting_glucose_mmol_l": 7.0}, {"glucose-diabetes-range"}),
        ({"fasting_glucose_mmol_l": 7.1}, {"glucose-diabetes-range"}),
        ({"random_glucose_mmol_l": 11.0}, set()),
        ({"random_glucose_mmol_l": 11.1}, {"glucose-diabetes-range"}),
        ({"random_glucose_mmol_l": 11.2}, {"glucose-diabetes-range"}),
        ({"hba1c_mmol_mol": 44, "fasting_glucose_mmol_l": 7.2}, {"glucose-diabetes-range"}),
        ({"hba1c_mmol_mol": 44, "random_glucose_mmol_l": 12.0}, {"glucose-diabetes-range"}),
    ],
)  # fmt: skip
def test_glycaemia_rules(facts: dict[str, object], expected: set[str]) -> None:
    assert ids(facts) == expected


def test_glycaemia_reason_shows_only_recorded_values() -> None:
    (finding,) = evaluate_findings({"hba1c_mmol_mol": 50}, RULES)
    assert finding.reason == "Blood sugar is in the diabetes range. HbA1c 50 mmol/mol."
    (finding,) = evaluate_findings({"fasting_glucose_mmol_l": 6.1}, RULES)
    assert (
        finding.reason
        == "Blood sugar is higher than normal but below the diabetes range. Fasting glucose 6.1 mmol/L."
    )
    assert finding.suggested_services == ("ndpp",)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"qrisk3_percent": 9.99}, set()), ({"qrisk3_percent": 10.0}, {"qrisk3-10-percent"}),
        ({"qrisk3_percent": 10.01}, {"qrisk3-10-percent"}),
        ({"total_cholesterol_mmol_l": 7.5}, set()), ({"total_cholesterol_mmol_l": 7.6}, {"cholesterol-high"}),
        ({"total_cholesterol_mmol_l": 9.0}, {"cholesterol-high"}),
        ({"total_cholesterol_mmol_l": 9.1}, {"cholesterol-very-high"}),
        ({"total_cholesterol_mmol_l": 7.0, "non_hdl_mmol_l": 7.5}, set()),
        ({"total_cholesterol_mmol_l": 8.0, "non_hdl_mmol_l": 7.6}, {"cholesterol-very-high"}),
        ({"triglycerides_mmol_l": 9.9}, set()), ({"triglycerides_mmol_l": 10.0}, {"triglycerides-high"}),
        ({"triglycerides_mmol_l": 20.0}, {"triglycerides-high"}),
        ({"triglycerides_mmol_l": 20.1}, {"triglycerides-very-high"}),
    ],
)  # fmt: skip
def test_lipid_rules(facts: dict[str, object], expected: set[str]) -> None:
    assert ids(facts) == expected


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (4, set()),
        (5, {"alcohol-increasing-risk"}),
        (6, {"alcohol-increasing-risk"}),
        (7, {"alcohol-increasing-risk"}),
        (8, {"alcohol-higher-risk"}),
        (9, {"alcohol-higher-risk"}),
        (12, {"alcohol-higher-risk"}),
    ],
)
def test_alcohol_rules(score: int, expected: set[str]) -> None:
    assert ids({"audit_c_score": score}) == expected


def test_alcohol_referral_offered_at_8() -> None:
    (finding,) = evaluate_findings({"audit_c_score": 9, "audit_c_band": "Higher risk"}, RULES)
    assert "referral" in finding.allowed_follow_ups and finding.suggested_services == ("alcohol-service",)
    assert finding.reason == "AUDIT-C score 9 (Higher risk)."


def test_smoking_rules() -> None:
    assert ids({"smoking_status": "never"}) == set()
    assert ids({"smoking_status": "ex"}) == set()
    (finding,) = evaluate_findings({"smoking_status": "current", "cigarettes_per_day": 15}, RULES)
    assert finding.suggested_services == ("stop-smoking-bnssg",)
    assert "very brief advice" in finding.suggested_text
    assert finding.reason == "Currently smokes (15 cigarettes a day)."
    assert ids({"smoking_status": "current", "on_antipsychotic": True}) == {
        "smoking-current",
        "smoking-antipsychotic",
    }


@pytest.mark.parametrize(
    ("fact", "rule"),
    [
        ("substance_use", "substance-use"),
        ("medication_side_effects", "medication-side-effects"),
        ("diet_poor", "lifestyle"),
        ("physically_inactive", "lifestyle"),
        ("screening_overdue", "screening-overdue"),
        ("vaccinations_due", "vaccinations-due"),
        ("oral_health_concern", "oral-health"),
        ("sexual_health_concern", "sexual-health"),
    ],
)
def test_wider_elements_are_advice_level(fact: str, rule: str) -> None:
    assert ids({fact: False}) == set()
    (finding,) = evaluate_findings({fact: True}, RULES)
    assert (finding.rule_id, finding.severity) == (rule, "advise")


# --- facts of the wrong kind --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "item"),
    [
        ({"systolic_mmhg": "185"}, "systolic_mmhg"),
        ({"systolic_mmhg": float("nan")}, "systolic_mmhg"),
        ({"hba1c_mmol_mol": float("inf")}, "hba1c_mmol_mol"),
        ({"pulse_irregular": "yes"}, "pulse_irregular"),
        ({"pulse_irregular": 1}, "pulse_irregular"),
        ({"smoking_status": 3}, "smoking_status"),
        ({"audit_c_score": True}, "audit_c_score"),
    ],
)
def test_wrong_kind_of_fact_is_refused_not_ignored(facts: dict[str, object], item: str) -> None:
    with pytest.raises(ValidationError) as info:
        evaluate_findings(facts, RULES)
    assert info.value.item == item


def test_non_mapping_facts_refused() -> None:
    with pytest.raises(ValidationError):
        evaluate_findings([("systolic_mmhg", 200)], RULES)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        evaluate_findings({}, "rules")  # type: ignore[arg-type]


# --- strict loader ------------------------------------------------------------------------------------


def _with_first_rule(**changes: object) -> dict:
    data = copy.deepcopy(RAW)
    data["rules"][0].update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"when": {"fact": "systolic", "op": ">=", "value": 180}}, "unknown fact"),
        ({"when": {"fact": "systolic_mmhg", "op": "=>", "value": 180}}, "unknown operator"),
        ({"when": {"fact": "systolic_mmhg", "op": ">=", "value": "180"}}, "cannot be compared"),
        ({"when": {"fact": "systolic_mmhg", "op": ">=", "value": True}}, "cannot be compared"),
        ({"when": {"fact": "systolic_mmhg", "op": ">="}}, "Missing value"),
        ({"when": {"fact": "smoking_status", "op": ">", "value": "current"}}, "only works on numbers"),
        ({"when": {"fact": "smoking_status", "op": "==", "value": "smoker"}}, "cannot be compared"),
        ({"when": {"fact": "bmi_category", "op": "in", "value": ["Obese"]}}, "cannot be compared"),
        ({"when": {"fact": "pulse_irregular", "op": "==", "value": "true"}}, "cannot be compared"),
        ({"when": {"every": []}}, "unknown condition"),
        ({"when": {"any": []}}, "non-empty list"),
        ({"when": {"all": [{"fact": "age_years", "op": "present"}], "any": []}}, "one of fact"),
        ({"when": {"fact": "age_years", "op": "present", "value": 1}}, "Unknown key value"),
        ({"severity": "high"}, "unknown severity"),
        ({"follow_up": {"allowed": ["referral", "phoned"]}}, "unknown follow-up kind"),
        ({"follow_up": {"allowed": []}}, "at least one"),
        (
            {"follow_up": {"allowed": ["advice_given"], "suggested_services": ["gp-practice"]}},
            "does not allow",
        ),
        ({"follow_up": {"allowed": ["referral"], "services": []}}, "Unknown key services"),
        ({"reason": "BP {systolic} mmHg"}, "unknown fact"),
        ({"reason": "BP {systolic_mmhg:.0q} mmHg"}, "bad number format"),
        ({"reason": "BP [mmHg]"}, "must contain a fact"),
        ({"reason": "BP {systolic_mmhg"}, "broken placeholder"),
        ({"title": ""}, "title"),
        ({"priority": 1}, "Unknown key priority"),
    ],
)
def test_loader_refuses_broken_rules_naming_the_rule(changes: dict, words: str) -> None:
    with pytest.raises(DefinitionError, match=words) as info:
        compile_rules(_with_first_rule(**changes))
    assert info.value.item == "bp-severe"


def test_loader_refuses_duplicate_ids_and_bad_versions() -> None:
    data = copy.deepcopy(RAW)
    data["rules"].append(copy.deepcopy(data["rules"][0]))
    with pytest.raises(DefinitionError, match="used twice"):
        compile_rules(data)
    with pytest.raises(DefinitionError, match="version"):
        compile_rules({**RAW, "version": "one"})
    with pytest.raises(DefinitionError):
        compile_rules([])


def test_load_rules_file_errors(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match="cannot be read"):
        load_rules(tmp_path / "absent.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"id": "x",', encoding="utf-8")
    with pytest.raises(DefinitionError, match="not valid JSON"):
        load_rules(broken)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(DefinitionError):
        load_rules(deep)


def test_a_local_rule_file_loads(tmp_path: Path) -> None:
    data = {
        "id": "local",
        "version": "2.1.0",
        "rules": [
            {
                "id": "heavy-smoker",
                "title": "Heavy smoker",
                "severity": "act",
                "source": "local policy",
                "when": {
                    "all": [
                        {"fact": "cigarettes_per_day", "op": ">=", "value": 20},
                        {"fact": "smoking_status", "op": "in", "value": ["current"]},
                    ]
                },
                "reason": "{cigarettes_per_day} a day",
                "follow_up": {"allowed": ["advice_given"]},
            }
        ],
    }
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    rules = load_rules(path)
    assert isinstance(rules, RuleSet) and rules.version == "2.1.0"
    assert [
        f.reason for f in evaluate_findings({"cigarettes_per_day": 25, "smoking_status": "current"}, rules)
    ] == ["25 a day"]
    assert evaluate_findings({"cigarettes_per_day": 25}, rules) == []


# --- follow-up decisions ------------------------------------------------------------------------------

SEVERE = evaluate_findings({"systolic_mmhg": 190, "diastolic_mmhg": 100}, RULES)[0]
SMOKING = evaluate_findings({"smoking_status": "current"}, RULES)[0]


def test_referral_needs_a_service() -> None:
    with pytest.raises(ValidationError, match="choose the service") as info:
        validate_decision(SEVERE, FollowUpDecision("referral"))
    assert info.value.item == "bp-severe"
    ok = validate_decision(SEVERE, FollowUpDecision("referral", service_id=" gp-same-day ", reason=" "))
    assert ok == FollowUpDecision("referral", service_id="gp-same-day")


def test_referral_service_checked_against_directory_when_given() -> None:
    directory = load_service_directory()
    validate_decision(SEVERE, FollowUpDecision("referral", service_id="gp-same-day"), directory.services)
    with pytest.raises(ValidationError, match="not in the directory"):
        validate_decision(SEVERE, FollowUpDecision("referral", service_id="nowhere"), directory.services)


@pytest.mark.parametrize("kind", ["declined", "clinician_override"])
def test_declined_and_override_need_a_reason(kind: str) -> None:
    with pytest.raises(ValidationError, match="say why"):
        validate_decision(SEVERE, FollowUpDecision(kind, reason="   "))
    assert (
        validate_decision(SEVERE, FollowUpDecision(kind, reason="Seen by GP today")).reason
        == "Seen by GP today"
    )


def test_kind_must_be_allowed_for_the_finding() -> None:
    with pytest.raises(ValidationError, match="not a follow-up for this finding"):
        validate_decision(SEVERE, FollowUpDecision("advice_given"))  # urgent: advice alone is not enough
    assert validate_decision(SMOKING, FollowUpDecision("advice_given")).kind == "advice_given"
    with pytest.raises(ValidationError):
        validate_decision(SMOKING, FollowUpDecision("phoned"))
    with pytest.raises(ValidationError):
        validate_decision(SMOKING, "advice_given")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="must be text"):
        validate_decision(SMOKING, FollowUpDecision("advice_given", note=5))  # type: ignore[arg-type]


def test_cannot_finalise_until_every_finding_has_a_valid_follow_up() -> None:
    findings = [SEVERE, SMOKING]
    ok, reasons = can_finalise(findings, {})
    assert not ok and reasons == [
        "Very high blood pressure: choose a follow-up",
        "Smokes: choose a follow-up",
    ]
    decisions = {"bp-severe": FollowUpDecision("declined")}
    assert unresolved_findings(findings, decisions) == findings
    ok, reasons = can_finalise(findings, decisions)
    assert not ok and reasons[0] == "Very high blood pressure: say why the follow-up was declined"
    decisions = {
        "bp-severe": FollowUpDecision("referral", service_id="gp-same-day"),
        "smoking-current": FollowUpDecision("advice_given"),
    }
    assert unresolved_findings(findings, decisions) == []
    assert can_finalise(findings, decisions) == (True, [])
    assert can_finalise([], {}) == (True, [])


def test_finalise_refuses_wrong_kinds_of_input() -> None:
    with pytest.raises(ValidationError):
        can_finalise([SEVERE], [])  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        can_finalise(["bp-severe"], {})  # type: ignore[list-item]
    with pytest.raises(ValidationError):
        unresolved_findings(5, {})  # type: ignore[arg-type]


def test_finding_is_plain_data() -> None:
    assert isinstance(SEVERE, Finding)
    assert SEVERE.source.startswith("NICE NG136")


def test_evaluation_is_cheap() -> None:
    """The whole check evaluation must reach 2,000 checks a second; findings take a small share of that."""
    import time

    facts = {"systolic_mmhg": 150, "diastolic_mmhg": 95, "pulse_bpm": 104, "bmi_kg_m2": 31.2,
             "bmi_category": "Obesity class I", "hba1c_mmol_mol": 44, "total_cholesterol_mmol_l": 7.8,
             "non_hdl_mmol_l": 6.1, "audit_c_score": 6, "audit_c_band": "Increasing risk",
             "smoking_status": "current", "cigarettes_per_day": 15, "qrisk3_percent": 12.5,
             "on_antipsychotic": True, "diet_poor": True, "screening_overdue": True}  # fmt: skip
    start = time.perf_counter()
    for _ in range(2000):
        evaluate_findings(facts, RULES)
    assert time.perf_counter() - start < 2.0  # about 0.1 s on a laptop; generous for a loaded test machine
