"""A broken check definition refuses to load, naming the item at fault."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from outreach.checks.definition import CheckDefinition, load_definition, parse_definition
from outreach.errors import DefinitionError
from tests.checks.conftest import ext, find


def refused(raw: dict[str, Any], item: str | None, words: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        parse_definition(raw)
    assert caught.value.item == item
    assert words in caught.value.message
    if item:
        assert item in caught.value.message


def test_bundled_definition_loads(defn: CheckDefinition) -> None:
    assert defn.version == "1.2.0"
    assert len(defn.items) > 100
    # dependency order: every enableWhen question and parent comes before the item
    position = {item.link_id: n for n, item in enumerate(defn.order)}
    for item in defn.order:
        if item.parent:
            assert position[item.parent] < position[item.link_id]
        for cond in item.enable_when:
            assert position[cond.question] < position[item.link_id]


def test_unmodified_copy_parses(raw: dict[str, Any]) -> None:
    assert parse_definition(raw).url == raw["url"]


def test_duplicate_link_id(raw: dict[str, Any]) -> None:
    find(raw, "weight.waist")["linkId"] = "weight.weight"
    refused(raw, "weight.weight", "duplicate linkId")


def test_enable_when_unknown_item(raw: dict[str, Any]) -> None:
    find(raw, "smoking.cigarettes_per_day")["enableWhen"][0]["question"] = "smoking.nothing"
    refused(raw, "smoking.cigarettes_per_day", "unknown item 'smoking.nothing'")


def test_enable_when_answer_not_an_option(raw: dict[str, Any]) -> None:
    find(raw, "smoking.cigarettes_per_day")["enableWhen"][0]["answerCoding"]["code"] = "999"
    refused(raw, "smoking.cigarettes_per_day", "not an option")


def test_enable_when_wrong_answer_type(raw: dict[str, Any]) -> None:
    cond = find(raw, "smoking.cigarettes_per_day")["enableWhen"][0]
    del cond["answerCoding"]
    cond["answerBoolean"] = True
    refused(raw, "smoking.cigarettes_per_day", "cannot use answerBoolean")


def test_enable_when_unknown_operator(raw: dict[str, Any]) -> None:
    find(raw, "smoking.cigarettes_per_day")["enableWhen"][0]["operator"] = "~"
    refused(raw, "smoking.cigarettes_per_day", "operator")


def test_enable_when_loop(raw: dict[str, Any]) -> None:
    find(raw, "smoking.tobacco_status")["enableWhen"] = [
        {"question": "smoking.cigarettes_per_day", "operator": "exists", "answerBoolean": True}]
    with pytest.raises(DefinitionError) as caught:
        parse_definition(raw)
    assert "loop" in caught.value.message
    assert caught.value.item in ("smoking.tobacco_status", "smoking.cigarettes_per_day")


def test_min_greater_than_max(raw: dict[str, Any]) -> None:
    ext(find(raw, "weight.weight"), "/minValue")["valueDecimal"] = 400
    refused(raw, "weight.weight", "greater than maxValue")


def test_soft_limit_outside_hard(raw: dict[str, Any]) -> None:
    soft = ext(find(raw, "blood_pressure.systolic"), "check-soft-limit")
    soft["extension"][1]["valueInteger"] = 301
    refused(raw, "blood_pressure.systolic", "outside the hard limits")


def test_soft_low_above_soft_high(raw: dict[str, Any]) -> None:
    soft = ext(find(raw, "weight.weight"), "check-soft-limit")
    soft["extension"][0]["valueDecimal"] = 150
    soft["extension"][1]["valueDecimal"] = 100
    refused(raw, "weight.weight", "greater than high")


def test_measurement_without_hard_limits(raw: dict[str, Any]) -> None:
    item = find(raw, "weight.weight")
    item["extension"] = [e for e in item["extension"] if not e["url"].endswith("/maxValue")]
    refused(raw, "weight.weight", "hard limits")


def test_unknown_unit(raw: dict[str, Any]) -> None:
    ext(find(raw, "weight.weight"), "questionnaire-unit")["valueCoding"]["code"] = "furlong"
    refused(raw, "weight.weight", "unknown unit 'furlong'")


def test_unit_option_that_cannot_convert(raw: dict[str, Any]) -> None:
    ext(find(raw, "weight.weight"), "questionnaire-unitOption")["valueCoding"]["code"] = "mg/dL"
    refused(raw, "weight.weight", "unknown unit 'mg/dL'")


def test_measurement_without_unit(raw: dict[str, Any]) -> None:
    item = find(raw, "blood_pressure.pulse")
    item["extension"] = [e for e in item["extension"] if not e["url"].endswith("questionnaire-unit")]
    refused(raw, "blood_pressure.pulse", "must have a unit")


def test_missing_code_on_measurement(raw: dict[str, Any]) -> None:
    del find(raw, "lipids.hdl")["code"]
    refused(raw, "lipids.hdl", "SNOMED CT or LOINC code")


def test_code_from_unknown_system(raw: dict[str, Any]) -> None:
    find(raw, "lipids.hdl")["code"][0]["system"] = "http://example.org/codes"
    refused(raw, "lipids.hdl", "use SNOMED CT or LOINC")


def test_element_without_status(raw: dict[str, Any]) -> None:
    group = find(raw, "oral_health")
    group["item"] = [i for i in group["item"] if i["linkId"] != "oral_health.status"]
    group["item"][0]["enableWhen"] = []  # the reason question referred to the status
    del group["item"][0]["enableBehavior"]
    group["item"][1]["enableWhen"] = []
    refused(raw, "oral_health", "no status question 'oral_health.status'")


def test_status_with_wrong_options(raw: dict[str, Any]) -> None:
    find(raw, "lipids.status")["answerOption"].pop()
    refused(raw, "lipids.status", "exactly done, declined and not_possible")


def test_element_without_reason(raw: dict[str, Any]) -> None:
    group = find(raw, "sexual_health")
    group["item"] = [i for i in group["item"] if i["linkId"] != "sexual_health.reason"]
    refused(raw, "sexual_health", "no reason question")


def test_core_element_missing(raw: dict[str, Any]) -> None:
    group = find(raw, "lipids")
    group["extension"] = [e for e in group["extension"] if not e["url"].endswith("check-core-element")]
    refused(raw, "lipids", "core element 'lipids' is missing")


def test_extra_core_element(raw: dict[str, Any]) -> None:
    find(raw, "oral_health")["extension"].append(
        {
            "url": "https://outreach-health-checks.org/fhir/StructureDefinition/check-core-element",
            "valueBoolean": True,
        }
    )
    refused(raw, "oral_health", "not one of the six core elements")


def test_top_level_item_not_an_element(raw: dict[str, Any]) -> None:
    raw["item"].append({"linkId": "loose", "text": "Loose question", "type": "boolean"})
    refused(raw, "loose", "top-level item must be a group")


def test_unknown_fact(raw: dict[str, Any]) -> None:
    ext(find(raw, "weight.weight"), "check-fact")["valueCode"] = "wieght_kg"
    refused(raw, "weight.weight", "unknown fact 'wieght_kg'")


def test_number_fact_fed_twice(raw: dict[str, Any]) -> None:
    ext(find(raw, "weight.previous_weight"), "check-fact")["valueCode"] = "weight_kg"
    refused(raw, "weight.previous_weight", "several items")


def test_choice_without_options(raw: dict[str, Any]) -> None:
    find(raw, "diet_activity.diet")["answerOption"] = []
    refused(raw, "diet_activity.diet", "needs answer options")


def test_duplicate_option(raw: dict[str, Any]) -> None:
    options = find(raw, "diet_activity.diet")["answerOption"]
    options[1]["valueCoding"]["code"] = options[0]["valueCoding"]["code"]
    refused(raw, "diet_activity.diet", "appears twice")


def test_unsupported_item_type(raw: dict[str, Any]) -> None:
    find(raw, "oral_health.dentist")["type"] = "attachment"
    refused(raw, "oral_health.dentist", "not supported")


def test_group_without_items(raw: dict[str, Any]) -> None:
    find(raw, "oral_health.details")["item"] = []
    refused(raw, "oral_health.details", "no items")


def test_item_without_link_id(raw: dict[str, Any]) -> None:
    del find(raw, "oral_health.dentist")["linkId"]
    refused(raw, "oral_health.details", "without a linkId")


def test_limits_on_a_text_item(raw: dict[str, Any]) -> None:
    find(raw, "care_plan.goals")["extension"] = [
        {"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": 1}
    ]
    refused(raw, "care_plan.goals", "only numbers can have limits")


def test_not_a_questionnaire() -> None:
    with pytest.raises(DefinitionError, match="not a FHIR Questionnaire"):
        parse_definition({"resourceType": "Patient"})
    with pytest.raises(DefinitionError, match="not a FHIR Questionnaire"):
        parse_definition([1, 2, 3])


def test_missing_version_and_retired_status(raw: dict[str, Any]) -> None:
    del raw["version"]
    with pytest.raises(DefinitionError, match="no version"):
        parse_definition(raw)
    raw["version"] = "1.0.0"
    raw["status"] = "retired"
    with pytest.raises(DefinitionError, match="retired"):
        parse_definition(raw)


def test_unreadable_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match="cannot be read"):
        load_definition(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(DefinitionError, match="not valid JSON"):
        load_definition(bad)


def test_edited_definition_file_loads(tmp_path: Path, raw: dict[str, Any]) -> None:
    """A local service can change a limit in the file without a release."""
    ext(find(raw, "weight.weight"), "/maxValue")["valueDecimal"] = 300
    path = tmp_path / "local.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert load_definition(path).items["weight.weight"].hard_max == 300
