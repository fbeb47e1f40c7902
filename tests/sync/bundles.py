"""A small, valid check bundle for the sync tests, shaped like the product's mapping:
identifiers derived from store ids, every entry a conditional create on its identifier
(Provenance on its target Encounter), all joined by urn:uuid references.

Used when the product's mapping (outreach.fhir) is not what a test is about."""

from __future__ import annotations

from typing import Any

from outreach.fhir.identifiers import (
    CHECK_SYSTEM,
    NHS_NUMBER_SYSTEM,
    PERSON_SYSTEM,
    RECORD_SYSTEM,
    derived_uuid,
    if_none_exist,
)
from outreach.store.local_store import LocalStore
from outreach.store.records import OutboxItem

SNOMED = "http://snomed.info/sct"


def _post(resource: dict[str, Any], full_url: str, system: str, value: str) -> dict[str, Any]:
    return {
        "fullUrl": full_url,
        "resource": resource,
        "request": {
            "method": "POST",
            "url": resource["resourceType"],
            "ifNoneExist": if_none_exist(system, value),
        },
    }


def check_bundle(store: LocalStore, item: OutboxItem, *, broken: bool = False) -> dict[str, Any]:
    check = store.checks.get(item.check_id)
    person = store.people.get(check.person_id)
    p_url = f"urn:uuid:{derived_uuid('patient', person.id)}"
    e_url = f"urn:uuid:{derived_uuid('encounter', check.id)}"
    patient_ids = [{"system": PERSON_SYSTEM, "value": person.id}]
    if person.details.nhs_number:
        patient_ids.insert(0, {"system": NHS_NUMBER_SYSTEM, "value": person.details.nhs_number})
    entries = [
        _post(
            {
                "resourceType": "Patient",
                "identifier": patient_ids,
                "name": [{"family": person.details.family_name, "given": [person.details.given_name]}],
                "birthDate": person.details.date_of_birth,
            },
            p_url,
            PERSON_SYSTEM,
            person.id,
        ),
        _post(
            {
                "resourceType": "Encounter",
                "identifier": [{"system": CHECK_SYSTEM, "value": check.id}],
                "status": "finished",
                "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "FLD"},
                "subject": {"reference": p_url},
            },
            e_url,
            CHECK_SYSTEM,
            check.id,
        ),
    ]
    targets = [e_url]
    for n, (code, unit, value) in enumerate((("27113001", "kg", 72.5), ("50373000", "cm", 170.0))):
        obs_id = derived_uuid("observation", check.id, code)
        o_url = f"urn:uuid:{obs_id}"
        quantity: Any = {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}
        if broken and n == 0:
            quantity = {"value": "not a number"}  # the server's validation refuses this
        entries.append(
            _post(
                {
                    "resourceType": "Observation",
                    "identifier": [{"system": RECORD_SYSTEM, "value": obs_id}],
                    "status": "final",
                    "code": {"coding": [{"system": SNOMED, "code": code}]},
                    "subject": {"reference": p_url},
                    "encounter": {"reference": e_url},
                    "valueQuantity": quantity,
                },
                o_url,
                RECORD_SYSTEM,
                obs_id,
            )
        )
        targets.append(o_url)
    prov_id = derived_uuid("provenance", check.id)
    entries.append(
        {
            "fullUrl": f"urn:uuid:{prov_id}",
            "resource": {
                "resourceType": "Provenance",
                "target": [{"reference": t} for t in targets],
                "recorded": (check.finalised_at or check.updated_at).replace("Z", "+00:00"),
                "agent": [{"who": {"display": "Test laptop"}}],
            },
            "request": {"method": "POST", "url": "Provenance", "ifNoneExist": f"target={e_url}"},
        }
    )
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def builder_breaking(check_ids: set[str]):  # type: ignore[no-untyped-def]
    """A builder that makes an invalid bundle for the given checks only."""

    def build(store: LocalStore, item: OutboxItem) -> dict[str, Any]:
        return check_bundle(store, item, broken=item.check_id in check_ids)

    return build
