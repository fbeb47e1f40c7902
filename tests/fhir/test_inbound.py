"""Reading reviews, the service directory and device status from the shared record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.device import Device
from fhir.resources.R4B.healthcareservice import HealthcareService
from fhir.resources.R4B.task import Task

from outreach.clinical.service_directory import load_service_directory
from outreach.errors import ValidationError
from outreach.fhir.identifiers import CHECK_SYSTEM, DEVICE_SYSTEM, FOLLOW_UP_SYSTEM, SERVICE_SYSTEM
from outreach.fhir.inbound import (
    is_own_follow_up_task,
    parse_device_status,
    parse_healthcare_service,
    parse_review_task,
)

CHECK_ID = "0c0c0c0c-0000-4000-8000-000000000001"


def review(**changes: Any) -> dict[str, Any]:
    task: dict[str, Any] = {
        "resourceType": "Task",
        "id": "rev-1",
        "meta": {"versionId": "2", "lastUpdated": "2026-03-04T09:00:00Z"},
        "status": "requested",
        "intent": "order",
        "businessStatus": {"text": "Needs amendment"},
        "description": "Supervisor review",
        "focus": {"reference": "Encounter/abc-123"},
        "owner": {"display": "Outreach worker Sam"},
        "authoredOn": "2026-03-04T08:59:00Z",
        "lastModified": "2026-03-04T09:00:00Z",
        "note": [{"text": "Please re-check the waist measurement."}, {"text": "Otherwise fine."}],
        "someFutureElement": {"ignored": True},
    }
    task.update(changes)
    return task


def test_a_review_task_becomes_a_review_update() -> None:
    raw = review()
    Task.model_validate({k: v for k, v in raw.items() if k != "someFutureElement"})  # it is real FHIR
    update = parse_review_task(raw)
    assert update.task_id == "rev-1" and update.version_id == "2"
    assert update.status == "requested" and update.business_status == "Needs amendment"
    assert update.comments == ("Please re-check the waist measurement.", "Otherwise fine.")
    assert update.encounter_reference == "Encounter/abc-123" and update.check_id is None
    assert update.owner == "Outreach worker Sam"
    assert update.last_updated == "2026-03-04T09:00:00Z"


@pytest.mark.parametrize("focus", [
    {"identifier": {"system": CHECK_SYSTEM, "value": CHECK_ID}},
    {"type": "Encounter", "identifier": {"system": CHECK_SYSTEM, "value": CHECK_ID},
     "reference": "http://server.example/fhir/Encounter/abc-123/_history/1"},
])
def test_the_check_is_named_by_our_identifier_or_a_reference(focus: dict[str, Any]) -> None:
    update = parse_review_task(review(focus=focus, businessStatus={"coding": [{"code": "approved"}]}))
    assert update.check_id == CHECK_ID
    assert update.business_status == "approved"
    if "reference" in focus:
        assert update.encounter_reference == "Encounter/abc-123"


@pytest.mark.parametrize(("changes", "item"), [
    ({"status": None}, "Task.status"),
    ({"status": "sort-of-done"}, "Task.status"),
    ({"focus": None}, "Task.focus"),
    ({"focus": {"reference": "Patient/1"}}, "Task.focus"),
    ({"focus": {"identifier": {"system": "https://elsewhere.example/id", "value": "x"}}}, "Task.focus"),
    ({"id": None}, "Task.id"),
])
def test_a_review_missing_what_we_need_is_refused_in_words(changes: dict[str, Any], item: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_review_task(review(**changes))
    assert caught.value.item == item
    assert caught.value.message[0].isupper() and "None" not in caught.value.message


def test_not_a_task_is_refused() -> None:
    with pytest.raises(ValidationError):
        parse_review_task({"resourceType": "Observation", "id": "1"})
    with pytest.raises(ValidationError):
        parse_review_task(["not", "a", "resource"])


def test_our_own_follow_up_tasks_are_recognised() -> None:
    ours = review(identifier=[{"system": FOLLOW_UP_SYSTEM, "value": "f-1"}])
    assert is_own_follow_up_task(ours)
    assert not is_own_follow_up_task(review())


def service(**changes: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "HealthcareService",
        "id": "HS1",
        "meta": {"versionId": "1", "lastUpdated": "2026-03-01T00:00:00Z"},
        "identifier": [{"system": SERVICE_SYSTEM, "value": "stop-smoking-north"}],
        "active": True,
        "category": [
            {"coding": [{"system": "http://example.org/cat", "code": "ss", "display": "Stop smoking"}]}
        ],
        "name": "Synthetic Stop Smoking Service",
        "comment": "Free support to stop smoking.",
        "telecom": [
            {"system": "email", "value": "help@example.org"},
            {"system": "phone", "value": "0100 000 0000"},
        ],
    }
    resource.update(changes)
    return resource


def test_a_healthcare_service_becomes_a_directory_entry_the_directory_loader_accepts(tmp_path: Path) -> None:
    raw = service()
    HealthcareService.model_validate(raw)
    entry = parse_healthcare_service(raw)
    assert (entry.id, entry.name, entry.category, entry.phone, entry.active) == (
        "stop-smoking-north",
        "Synthetic Stop Smoking Service",
        "stop smoking",
        "0100 000 0000",
        True,
    )
    assert ("email", "help@example.org") in entry.telecom
    inactive = parse_healthcare_service(
        service(
            active=False,
            identifier=None,
            id="gp-review",
            comment=None,
            category=None,
            type=[{"text": "Primary care"}],
        )
    )
    assert inactive.id == "gp-review" and not inactive.active and inactive.category == "primary care"
    seed = {
        "id": "from-shared-record",
        "version": "1",
        "services": [entry.as_seed_entry(), inactive.as_seed_entry()],
    }
    path = tmp_path / "services.json"
    path.write_text(json.dumps(seed), encoding="utf-8")
    loaded = load_service_directory(path)
    assert loaded.services["stop-smoking-north"].phone == "0100 000 0000"
    assert loaded.services["gp-review"].description == inactive.name  # no comment: the name stands in


@pytest.mark.parametrize(
    "changes",
    [
        {"name": None},
        {"name": "  "},
        {"identifier": None, "id": "Has Spaces"},
        {"active": "yes"},
    ],
)
def test_a_service_missing_what_we_need_is_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        parse_healthcare_service(service(**changes))


@pytest.mark.parametrize(
    ("status", "revoked"),
    [
        ("active", False),
        ("inactive", True),
        ("entered-in-error", True),
        ("unknown", False),
    ],
)
def test_device_status_gives_a_revoked_flag(status: str, revoked: bool) -> None:
    raw = {
        "resourceType": "Device",
        "id": "d1",
        "status": status,
        "identifier": [{"system": DEVICE_SYSTEM, "value": "laptop-store-id"}],
        "extraThing": 1,
    }
    Device.model_validate({k: v for k, v in raw.items() if k != "extraThing"})
    result = parse_device_status(raw)
    assert result.revoked is revoked and result.device_id == "laptop-store-id" and result.server_id == "d1"


def test_device_without_status_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_device_status({"resourceType": "Device", "id": "d1"})
    assert caught.value.item == "Device.status"


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ([{"system": "urn:a", "value": "x1"}], "x1"),
        ({"system": "urn:a", "value": "x1"}, "x1"),  # 0..1 on some types: a single object
        ([{"system": "urn:b", "value": "y"}, {"system": "urn:a", "value": "  x1 \n"}], "x1"),
        ([{"system": "urn:a", "value": "   "}, {"system": "urn:a", "value": "x2"}], "x2"),
        ([{"system": "urn:a", "value": 7}], None),  # not text: no value
        (["urn:a|x1", None, {"system": "urn:a"}], None),
        ("urn:a|x1", None),
        (None, None),
    ],
)
def test_an_identifier_is_read_one_way_whatever_the_server_sends(
    identifier: object, expected: str | None
) -> None:
    from outreach.fhir.identifiers import identifier_value

    assert identifier_value({"resourceType": "Task", "identifier": identifier}, "urn:a") == expected
