"""What comes down from the shared record, read into plain records the app uses.

Three things come down: reviews (a supervisor's Task about one of our checks), the service
directory (HealthcareService) and this laptop's device status (Device). Any FHIR server
may add elements we do not know, so unknown fields are ignored; but a resource missing
what we need is refused with a ValidationError saying what is missing, never half-read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from outreach.errors import ValidationError
from outreach.fhir.identifiers import (
    CHECK_SYSTEM,
    DEVICE_SYSTEM,
    FOLLOW_UP_SYSTEM,
    SERVICE_SYSTEM,
    identifier_value,
)

TASK_STATUSES: Final = frozenset({
    "draft", "requested", "received", "accepted", "rejected", "ready", "cancelled", "in-progress", "on-hold",
    "failed", "completed", "entered-in-error",
})
DEVICE_STATUSES: Final = frozenset({"active", "inactive", "entered-in-error", "unknown"})
REVOKED_DEVICE_STATUSES: Final = frozenset({"inactive", "entered-in-error"})
_SERVICE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True, slots=True)
class ReviewUpdate:
    """A supervisor's review of one check, as the worker sees it."""

    task_id: str  # the Task's id on the server
    version_id: str | None  # meta.versionId (a later version replaces an earlier one)
    last_updated: str | None  # meta.lastUpdated
    status: str  # FHIR Task.status (requested, in-progress, completed ...)
    business_status: str | None  # e.g. "Needs amendment", in the reviewer's words
    comments: tuple[str, ...]  # the reviewer's notes, oldest first
    check_id: str | None  # our check id, when the focus names the Encounter by our identifier
    encounter_reference: str | None  # "Encounter/<server id>", when the focus is a literal reference
    owner: str | None  # who is asked to act (display or reference)
    description: str | None
    authored_on: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    """One service of the directory; `as_seed_entry` gives the shape of resources/directory/services.json."""

    id: str
    name: str
    category: str
    description: str
    phone: str | None
    active: bool
    telecom: tuple[tuple[str, str], ...] = ()  # (system, value) pairs: phone, email, url ...

    def as_seed_entry(self) -> dict[str, str]:
        entry = {"id": self.id, "name": self.name, "category": self.category,
                 "description": self.description or self.name}
        if self.phone:
            entry["phone"] = self.phone
        return entry


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    device_id: str | None  # our device identifier (the laptop's store id), when the resource carries it
    server_id: str | None
    status: str
    revoked: bool


# -- helpers ------------------------------------------------------------------------------------


def _resource(resource: Any, resource_type: str) -> Mapping[str, Any]:
    if not isinstance(resource, Mapping):
        raise ValidationError(
            f"The shared record sent something that is not a {resource_type}.", item=resource_type
        )
    if resource.get("resourceType") != resource_type:
        got = resource.get("resourceType")
        raise ValidationError(
            f"Expected a {resource_type} from the shared record but got "
            f"{got if isinstance(got, str) else 'something else'}.",
            item=resource_type,
        )
    return resource


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _concept_text(concept: Any) -> str | None:
    """The words of a CodeableConcept: its text, else the first coding's display, else its code."""
    if not isinstance(concept, Mapping):
        return None
    text = _text(concept.get("text"))
    if text:
        return text
    for coding in concept.get("coding") or []:
        if isinstance(coding, Mapping):
            words = _text(coding.get("display")) or _text(coding.get("code"))
            if words:
                return words
    return None


def _meta(resource: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = resource.get("meta")
    return meta if isinstance(meta, Mapping) else {}


# -- reviews ------------------------------------------------------------------------------------


def is_own_follow_up_task(resource: Mapping[str, Any]) -> bool:
    """True for the follow-up Tasks this app sent itself (they come back in a Task pull too)."""
    return identifier_value(resource, FOLLOW_UP_SYSTEM) is not None


def parse_review_task(resource: Any) -> ReviewUpdate:
    """A review Task: needs an id, a status and a focus naming one of our checks' Encounters.

    The focus may be a literal reference ("Encounter/123", the server's id for the check,
    which the transaction response gave) or a logical one by our check identifier.
    """
    task = _resource(resource, "Task")
    task_id = _text(task.get("id"))
    if not task_id:
        raise ValidationError("A review from the shared record has no id.", item="Task.id")
    status = task.get("status")
    if status not in TASK_STATUSES:
        raise ValidationError(f"Review {task_id} has no valid status.", item="Task.status")
    focus = task.get("focus")
    if not isinstance(focus, Mapping):
        raise ValidationError(f"Review {task_id} does not say which check it is about.", item="Task.focus")
    check_id = None
    ident = focus.get("identifier")
    if isinstance(ident, Mapping) and ident.get("system") == CHECK_SYSTEM and _text(ident.get("value")):
        check_id = str(ident["value"]).strip()
    encounter_reference = None
    ref = _text(focus.get("reference"))
    if ref:
        parts = ref.split("/")
        if len(parts) >= 4 and parts[-2] == "_history":
            parts = parts[:-2]
        if len(parts) >= 2 and parts[-2] == "Encounter" and parts[-1]:
            encounter_reference = f"Encounter/{parts[-1]}"
    if check_id is None and encounter_reference is None:
        raise ValidationError(
            f"Review {task_id} is not about a check (its focus is not an Encounter).", item="Task.focus"
        )
    comments = tuple(
        t for t in (_text(n.get("text")) for n in task.get("note") or [] if isinstance(n, Mapping)) if t
    )
    owner = task.get("owner")
    owner_words = None
    if isinstance(owner, Mapping):
        owner_words = _text(owner.get("display")) or _text(owner.get("reference"))
    meta = _meta(task)
    return ReviewUpdate(
        task_id=task_id,
        version_id=_text(meta.get("versionId")),
        last_updated=_text(meta.get("lastUpdated")),
        status=str(status),
        business_status=_concept_text(task.get("businessStatus")),
        comments=comments,
        check_id=check_id,
        encounter_reference=encounter_reference,
        owner=owner_words,
        description=_text(task.get("description")),
        authored_on=_text(task.get("authoredOn")),
        last_modified=_text(task.get("lastModified")),
    )


# -- the service directory ----------------------------------------------------------------------


def parse_healthcare_service(resource: Any) -> DirectoryEntry:
    """A directory entry: the id is our service identifier (else the server id), a name is required."""
    service = _resource(resource, "HealthcareService")
    service_id = identifier_value(service, SERVICE_SYSTEM) or _text(service.get("id"))
    if not service_id or not _SERVICE_ID.match(service_id):
        raise ValidationError(
            "A service from the shared record has no usable id (lower-case letters, digits and hyphens).",
            item="HealthcareService.identifier",
        )
    name = _text(service.get("name"))
    if not name:
        raise ValidationError(f"Service {service_id} from the shared record has no name.", item=service_id)
    category = None
    for key in ("category", "type"):
        for concept in service.get(key) or []:
            category = _concept_text(concept)
            if category:
                break
        if category:
            break
    telecom = []
    for point in service.get("telecom") or []:
        if isinstance(point, Mapping) and _text(point.get("value")):
            telecom.append((str(point.get("system") or "other"), str(point["value"]).strip()))
    phone = next((value for system, value in telecom if system == "phone"), None)
    active = service.get("active")
    if active is not None and not isinstance(active, bool):
        raise ValidationError(f"Service {service_id}: 'active' must be true or false.", item=service_id)
    description = _text(service.get("comment")) or _text(service.get("extraDetails")) or ""
    return DirectoryEntry(
        id=service_id,
        name=name,
        category=(category or "other").lower(),
        description=description,
        phone=phone,
        active=active is not False,
        telecom=tuple(telecom),
    )


# -- device status -------------------------------------------------------------------------------


def parse_device_status(resource: Any) -> DeviceStatus:
    """Whether the shared record has switched this laptop off (Device.status inactive or entered-in-error)."""
    device = _resource(resource, "Device")
    status = device.get("status")
    if status not in DEVICE_STATUSES:
        raise ValidationError(
            "The device status from the shared record is missing or unknown.", item="Device.status"
        )
    return DeviceStatus(
        device_id=identifier_value(device, DEVICE_SYSTEM),
        server_id=_text(device.get("id")),
        status=str(status),
        revoked=status in REVOKED_DEVICE_STATUSES,
    )
