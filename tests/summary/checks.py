"""Synthetic checks for the summary tests: obviously fictional people and values."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from outreach.checks.definition import CheckDefinition, load_definition
from outreach.checks.evaluation import CheckEvaluation, evaluate_check
from outreach.checks.person import PersonFacts
from outreach.clinical.findings import RuleSet, load_rules
from outreach.clinical.service_directory import ServiceDirectory, load_service_directory
from outreach.summary import PersonSummary, build_summary

CHECK_DATE = dt.date(2026, 11, 23)
PERSON = PersonFacts(age_years=52, sex="female", ethnic_category="A")

# A healthy, complete check: every core element done, nothing crosses a threshold.
ALL_GOOD: dict[str, Any] = {
    "weight.status": "done", "weight.height": 168, "weight.weight": 64, "weight.waist": 78,
    "blood_pressure.status": "done", "blood_pressure.irregular": False,
    "blood_pressure.systolic": 118, "blood_pressure.diastolic": 76, "blood_pressure.pulse": 72,
    "lipids.status": "done", "lipids.fasting": False, "lipids.total_cholesterol": 4.6, "lipids.hdl": 1.6,
    "glucose.status": "done", "glucose.hba1c": 36,
    "alcohol.status": "done", "alcohol.audit_c_q1": "audit-q1-1", "alcohol.audit_c_q2": "audit-q2-0",
    "alcohol.audit_c_q3": "audit-q3-0",
    "smoking.status": "done", "smoking.tobacco_status": "266919005", "smoking.ecigarette": False,
}  # fmt: skip

# What QRISK3 needs beyond the core elements (general physical health and medication).
QRISK3_INPUTS: dict[str, Any] = {
    "medication.status": "done", "medication.reviewed": True, "medication.antipsychotic": False,
    "medication.side_effects": False,
    "general_health.status": "done", "general_health.diabetes": "diabetes-none",
    "general_health.atrial_fibrillation": False, "general_health.treated_hypertension": False,
    "general_health.ckd": False, "general_health.rheumatoid_arthritis": False, "general_health.sle": False,
    "general_health.migraine": False, "general_health.steroids": False,
    "general_health.family_history_chd": False, "general_health.existing_cvd": False,
    "general_health.statin": False,
}  # fmt: skip


@lru_cache(maxsize=1)
def definition() -> CheckDefinition:
    return load_definition()


@lru_cache(maxsize=1)
def rules() -> RuleSet:
    return load_rules()


@lru_cache(maxsize=1)
def directory() -> ServiceDirectory:
    return load_service_directory()


def evaluate(answers: dict[str, Any], person: PersonFacts = PERSON) -> CheckEvaluation:
    return evaluate_check(definition(), answers, person, rules())


def referral_decisions(evaluation: CheckEvaluation) -> dict[str, dict[str, Any]]:
    """The first suggested follow-up for each finding: a referral to its first suggested service."""
    decisions: dict[str, dict[str, Any]] = {}
    for finding in evaluation.findings:
        if "referral" in finding.allowed_follow_ups and finding.suggested_services:
            decisions[finding.rule_id] = {"kind": "referral", "service_id": finding.suggested_services[0]}
        else:
            decisions[finding.rule_id] = {"kind": finding.allowed_follow_ups[0], "reason": "Agreed"}
    return decisions


def summary_for(
    answers: dict[str, Any],
    decisions: dict[str, Any] | None = None,
    *,
    person: PersonFacts = PERSON,
    language: str | None = None,
    **kwargs: Any,
) -> PersonSummary:
    evaluation = evaluate(answers, person)
    return build_summary(
        evaluation,
        given_name=kwargs.pop("given_name", "Testperson"),
        check_date=CHECK_DATE,
        decisions=referral_decisions(evaluation) if decisions is None else decisions,
        services=directory(),
        worker=kwargs.pop("worker", "Sam Example"),
        organisation=kwargs.pop("organisation", "Example Outreach Team"),
        organisation_phone=kwargs.pop("organisation_phone", "0117 496 0000"),
        language=language,
        **kwargs,
    )
