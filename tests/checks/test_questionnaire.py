"""The bundled SMI check is a valid FHIR R4 Questionnaire with the content the NHS check needs."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire

from outreach.checks.definition import (
    CORE_ELEMENTS,
    EXT_MAX,
    EXT_MIN,
    EXT_SOFT_LIMIT,
    EXT_UNIT,
    LOINC,
    SNOMED,
    CheckDefinition,
)
from tests.checks.conftest import find, walk


def test_validates_as_fhir_questionnaire(raw: dict[str, Any]) -> None:
    q = Questionnaire.model_validate(raw)
    assert q.status == "active"
    assert q.version == "1.2.0"
    assert q.url.endswith("/Questionnaire/smi-annual-check")


def test_core_elements_are_the_six_nhs_elements(defn: CheckDefinition) -> None:
    assert tuple(e.id for e in defn.core_elements) == CORE_ELEMENTS
    wider = {e.id for e in defn.elements if not e.core}
    assert wider == {"substance_use", "medication", "diet_activity", "screening", "oral_health",
                     "sexual_health", "general_health", "care_plan"}


def test_every_element_has_status_and_reason(defn: CheckDefinition) -> None:
    for element in defn.elements:
        status = defn.items[element.status_id]
        assert [o.code for o in status.options] == ["done", "declined", "not_possible"]
        reason = defn.items[element.reason_id]
        assert {c.answer for c in reason.enable_when} == {"declined", "not_possible"}
        assert reason.enable_any


def test_every_measurement_has_code_unit_and_limits(raw: dict[str, Any]) -> None:
    measurements = [i for i in walk(raw["item"]) if i["type"] in ("decimal", "integer")]
    assert len(measurements) >= 14
    for item in measurements:
        assert any(c["system"] in (SNOMED, LOINC) for c in item["code"]), item["linkId"]
        urls = {e["url"] for e in item["extension"]}
        assert {EXT_UNIT, EXT_MIN, EXT_MAX, EXT_SOFT_LIMIT} <= urls, item["linkId"]


def test_codes_from_the_clinical_reference(raw: dict[str, Any]) -> None:
    expected = {
        "weight.weight": "27113001", "weight.height": "50373000", "weight.waist": "276361009",
        "blood_pressure.systolic": "271649006", "blood_pressure.diastolic": "271650006",
        "blood_pressure.pulse": "78564009", "lipids.total_cholesterol": "1005671000000105",
        "lipids.hdl": "1005681000000107", "glucose.hba1c": "999791000000106",
        "glucose.fasting_glucose": "1003141000000105", "glucose.random_glucose": "1031331000000106",
        "smoking.cigarettes_per_day": "230056004", "smoking.ecigarette": "722499006",
    }
    for link, code in expected.items():
        codes = [c["code"] for c in find(raw, link)["code"] if c["system"] == SNOMED]
        assert code in codes, link
    smoking = {o["valueCoding"]["code"] for o in find(raw, "smoking.tobacco_status")["answerOption"]}
    assert smoking == {"266919005", "8517006", "77176002"}


def test_audit_c_options_score_0_to_4(defn: CheckDefinition) -> None:
    for q in ("alcohol.audit_c_q1", "alcohol.audit_c_q2", "alcohol.audit_c_q3"):
        assert [o.score for o in defn.items[q].options] == [0, 1, 2, 3, 4]


def test_cigarettes_only_for_current_smokers(defn: CheckDefinition) -> None:
    cond = defn.items["smoking.cigarettes_per_day"].enable_when
    assert [(c.question, c.operator, c.answer) for c in cond] == [("smoking.tobacco_status", "=", "77176002")]


def test_qrisk3_conditions_are_asked(defn: CheckDefinition) -> None:
    facts = {i.fact for i in defn.items.values() if i.element == "general_health"}
    assert {
        "atrial_fibrillation",
        "rheumatoid_arthritis",
        "ckd_stage_3_to_5",
        "migraine",
        "systemic_lupus_erythematosus",
        "treated_hypertension",
        "diabetes",
        "regular_oral_corticosteroids",
        "erectile_dysfunction",
        "family_history_chd",
    } <= facts
    assert defn.items["medication.antipsychotic"].fact == "on_antipsychotic"
