"""Obviously synthetic FHIR resources for the server tests (999-range NHS numbers, 'Testperson' names)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.factories import nth_nhs_number

UUID_SYSTEM = "urn:ietf:rfc:3986"
NHS_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
SNOMED = "http://snomed.info/sct"


nhs_number = nth_nhs_number  # the n-th valid number of the 999 test range


def uid() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def ident(value: str | None = None) -> dict[str, str]:
    return {"system": UUID_SYSTEM, "value": value or uid()}


def patient(n: int = 1, our_id: str | None = None) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "identifier": [{"system": NHS_SYSTEM, "value": nhs_number(n)}, ident(our_id)],
        "name": [{"family": "Testperson", "given": ["Alpha"]}],
        "gender": "unknown",
        "birthDate": "1980-01-01",
    }


def encounter(subject: str, our_id: str | None = None) -> dict[str, Any]:
    return {
        "resourceType": "Encounter",
        "identifier": [ident(our_id)],
        "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "FLD"},
        "subject": {"reference": subject},
    }


def observation(
    subject: str, enc: str, our_id: str | None = None, code: str = "27113001", kg: float = 72.5
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "identifier": [ident(our_id)],
        "status": "final",
        "code": {"coding": [{"system": SNOMED, "code": code}]},
        "subject": {"reference": subject},
        "encounter": {"reference": enc},
        "valueQuantity": {"value": kg, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"},
    }


def task(
    focus: str, owner: str | None = None, status: str = "requested", our_id: str | None = None
) -> dict[str, Any]:
    t: dict[str, Any] = {
        "resourceType": "Task",
        "identifier": [ident(our_id)],
        "status": status,
        "intent": "order",
        "focus": {"reference": focus},
    }
    if owner:
        t["owner"] = {"reference": owner}
    return t


def service(name: str, our_id: str | None = None) -> dict[str, Any]:
    return {"resourceType": "HealthcareService", "identifier": [ident(our_id)], "active": True, "name": name}


def organization(name: str, our_id: str | None = None) -> dict[str, Any]:
    """A plain resource a worker laptop may create, for the search and paging tests (the service
    directory is the supervisor's to write)."""
    return {"resourceType": "Organization", "identifier": [ident(our_id)], "active": True, "name": name}


def provenance(target: str, agent: str) -> dict[str, Any]:
    """A Provenance of one target by one agent (both references), with no identifier."""
    return {
        "resourceType": "Provenance",
        "target": [{"reference": target}],
        "recorded": "2026-11-23T10:00:00Z",
        "agent": [{"who": {"reference": agent}}],
    }


def device() -> dict[str, Any]:
    return {"resourceType": "Device", "identifier": [ident()]}


def entry_post(resource: dict[str, Any], full_url: str, if_none_exist: bool = True) -> dict[str, Any]:
    req: dict[str, Any] = {"method": "POST", "url": resource["resourceType"]}
    if if_none_exist:
        uuid_ident = next(i for i in resource["identifier"] if i["system"] == UUID_SYSTEM)
        req["ifNoneExist"] = f"identifier={UUID_SYSTEM}|{uuid_ident['value']}"
    return {"fullUrl": full_url, "resource": resource, "request": req}


def check_bundle(n: int = 1) -> dict[str, Any]:
    """One health check as a transaction: Patient, Encounter, two Observations, Provenance,
    all joined by urn:uuid references and created conditionally on their UUID identifiers."""
    p_url, e_url, o1_url, o2_url = uid(), uid(), uid(), uid()
    resources = [
        (patient(n, p_url), p_url),
        (encounter(p_url, e_url), e_url),
        (observation(p_url, e_url, o1_url, "27113001", 72.5), o1_url),
        (observation(p_url, e_url, o2_url, "60621009", 24.1), o2_url),
    ]
    entries = [entry_post(r, u) for r, u in resources]
    # Provenance has no identifier in R4, so it is sent as a PUT with a client-chosen id:
    # a resent identical PUT changes nothing.
    prov_id = str(uuid.uuid4())
    prov = {
        "resourceType": "Provenance",
        "id": prov_id,
        "target": [{"reference": u} for _, u in resources[1:]],
        "recorded": "2026-11-23T10:00:00Z",
        "agent": [{"who": {"display": "Test laptop 1"}}],
    }
    entries.append(
        {"fullUrl": uid(), "resource": prov, "request": {"method": "PUT", "url": f"Provenance/{prov_id}"}}
    )
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}
