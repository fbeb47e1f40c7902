"""From a real store's outbox to the real reference server: one copy of everything, however often sent."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from outreach import services
from outreach.checks.definition import default_definition
from outreach.checks.synthetic import synthetic_complete_check
from outreach.clinical.findings import load_rules
from outreach.errors import ValidationError
from outreach.fhir.bundle import Sender, check_bundle, person_facts
from outreach.fhir.identifiers import CHECK_SYSTEM, PERSON_SYSTEM, check_search_params
from outreach.fhir.outbox import bundle_for_outbox_item, store_device_id
from outreach.store.crypto import TEST_KDF
from outreach.store.local_store import LocalStore
from outreach.store.records import PersonDetails
from sync.server.serving import start_in_thread
from tests.fhir.factories import SENDER, consents, finalised_check, nhs_number, person
from tests.fhir.helpers import references, resources, validate_bundle

FHIR_JSON = "application/fhir+json"
RULES = load_rules()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    s = LocalStore.create(
        tmp_path / "data",
        admin_name="Sam Testworker",
        admin_passphrase="synthetic passphrase one",
        kdf=TEST_KDF,
    )
    try:
        yield s
    finally:
        s.close()


def finalise_synthetic(
    store: LocalStore,
    person_id: str,
    seed: int,
    *,
    session_id: str | None = None,
    amend_of: str | None = None,
) -> Any:
    defn = default_definition()
    record = services.get_person(store, person_id)
    who = person_facts(record, "2026-03-02")
    if amend_of is None:
        answers = synthetic_complete_check(random.Random(seed), defn, who)
        services.record_consent(store, person_id, "check", True)
        check = services.start_check(store, person_id, definition_version=defn.version, session_id=session_id)
        services.save_answers(store, check.id, answers)
    else:
        check = services.amend_check(store, amend_of, reason="Corrected the weight")
        services.save_answer(store, check.id, "weight.weight", 71.5)
        answers = services.load_check(store, check.id).answers
    findings = services.evaluate_draft(store, check.id, definition=defn, rules=RULES).findings
    decisions = {}
    for i, f in enumerate(findings):
        if "referral" in f.allowed_follow_ups and i % 2 == 0:
            decisions[f.rule_id] = {
                "kind": "referral",
                "service_id": f.suggested_services[0],
                "due_on": "2026-04-01",
            }
        else:
            kind = (
                next(k for k in ("advice_given", "already_under_care") if k in f.allowed_follow_ups)
                if f.severity != "urgent"
                else "referral"
            )
            decisions[f.rule_id] = {"kind": kind}
            if kind == "referral":
                decisions[f.rule_id]["service_id"] = f.suggested_services[0]
    if decisions:
        services.record_follow_up_decisions(store, check.id, decisions)
    return services.finalise_check(store, check.id, definition=defn, rules=RULES)


def register(store: LocalStore, n: int, **changes: Any) -> Any:
    fields: dict[str, Any] = {
        "given_name": "Testperson",
        "family_name": f"Bravo {n}",
        "date_of_birth": "1968-02-03",
        "sex": "female",
        "nhs_number": nhs_number(100 + n),
        "ethnic_category": "N",
        "gp_practice": "A81001",
    }
    fields.update(changes)
    return services.register_person(store, PersonDetails(**fields))


def share_all(store: LocalStore, person_id: str, check_id: str | None = None) -> None:
    services.record_consent(store, person_id, "check", True, check_id=check_id)
    for scope in ("gp", "mental_health_trust", "charity"):
        services.record_consent(store, person_id, scope, True)


# -- from the store ------------------------------------------------------------------------------


def test_bundle_for_outbox_item_loads_everything_from_the_store(store: LocalStore) -> None:
    venue = store.venues.add("Synthetic Day Centre")
    session = store.venues.start_session(venue.id)
    who = register(store, 1)
    done = finalise_synthetic(store, who.id, 4, session_id=session)
    item = services.list_outbox(store)[0]
    with pytest.raises(ValidationError) as caught:  # nothing agreed yet
        bundle_for_outbox_item(store, item)
    assert caught.value.item == "consent"
    share_all(store, who.id, done.check.id)
    result = bundle_for_outbox_item(
        store,
        item,
        sender=Sender.from_org_config(
            type("Org", (), {"organisation_name": "Synthetic Outreach", "organisation_ods_code": ""})(),
            device_id=store_device_id(store),
            device_name="Laptop 1",
        ),
    )
    validate_bundle(result.bundle)
    kinds = Counter(e["resource"]["resourceType"] for e in result.bundle["entry"])
    assert kinds["Task"] == len(done.follow_ups)
    assert (
        kinds["Location"] == 1 and resources(result.bundle, "Location")[0]["name"] == "Synthetic Day Centre"
    )
    assert resources(result.bundle, "Practitioner")[0]["name"][0]["text"] == "Sam Testworker"
    assert resources(result.bundle, "Device")[0]["identifier"][0]["value"] == store_device_id(store)
    # The same item mapped again, after a reopen, is the same bundle.
    assert (
        bundle_for_outbox_item(store, item, sender=SENDER).bundle["entry"][0]
        == bundle_for_outbox_item(store, item, sender=SENDER).bundle["entry"][0]
    )


def test_an_amendment_from_the_store_names_the_version_it_replaces(store: LocalStore) -> None:
    who = register(store, 2)
    first = finalise_synthetic(store, who.id, 5)
    share_all(store, who.id, first.check.id)
    second = finalise_synthetic(store, who.id, 5, amend_of=first.check.id)
    items = {i.check_id: i for i in services.list_outbox(store)}
    result = bundle_for_outbox_item(store, items[second.check.id], sender=SENDER)
    validate_bundle(result.bundle)
    encounter = resources(result.bundle, "Encounter")[0]
    assert {"system": CHECK_SYSTEM, "value": second.check.id} in encounter["identifier"]
    assert encounter["period"]["start"] == first.check.created_at
    (provenance,) = resources(result.bundle, "Provenance")
    assert provenance["entity"][0]["what"]["identifier"] == {"system": CHECK_SYSTEM, "value": first.check.id}


# -- against the reference server ------------------------------------------------------------------


class Server:
    def __init__(self, db_url: str) -> None:
        self.running = start_in_thread(db_url)
        self.token = self.running.add_device("Mapping test laptop")
        self.http = requests.Session()
        self.http.headers.update(
            {"Authorization": f"Bearer {self.token}", "Accept": FHIR_JSON, "Content-Type": FHIR_JSON}
        )

    def post(self, bundle: dict[str, Any]) -> requests.Response:
        return self.http.post(self.running.url, json=bundle, timeout=30)

    def search(self, resource_type: str, **params: str) -> dict[str, Any]:
        r = self.http.get(
            f"{self.running.url}/{resource_type}", params={**params, "_count": "100"}, timeout=30
        )
        assert r.status_code == 200, r.text
        return r.json()

    def count(self, resource_type: str, **params: str) -> int:
        return int(self.search(resource_type, **params)["total"])

    def close(self) -> None:
        self.http.close()
        self.running.stop()


@pytest.fixture
def shared_record(tmp_path: Path) -> Iterator[Server]:
    s = Server(f"sqlite:///{tmp_path / 'shared.db'}")
    try:
        yield s
    finally:
        s.close()


def identifiers_of(resource: dict[str, Any]) -> list[dict[str, str]]:
    idents = resource.get("identifier", [])
    return idents if isinstance(idents, list) else [idents]


def assert_one_copy_each(shared_record: Server, bundle: dict[str, Any]) -> None:
    for entry in bundle["entry"]:
        resource = entry["resource"]
        kind = resource["resourceType"]
        if kind == "Provenance":
            continue  # counted below, by the Encounter it is about

        ident = identifiers_of(resource)[-1] if kind == "Patient" else identifiers_of(resource)[0]
        assert shared_record.count(kind, identifier=f"{ident['system']}|{ident['value']}") == 1, (kind, ident)
    # Provenance has no identifier: one per Encounter (the server resolves the urn:uuid in its
    # conditional-create criteria to the Encounter it matched, as FHIR transactions require).
    (encounter,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Encounter"]
    ident = identifiers_of(encounter)[0]
    found = shared_record.search("Encounter", identifier=f"{ident['system']}|{ident['value']}")
    assert shared_record.count("Provenance", target=f"Encounter/{found['entry'][0]['resource']['id']}") == 1


def test_a_bundle_sent_twice_is_stored_once(shared_record: Server) -> None:
    p = person(3)
    check, findings, follow_ups = finalised_check(12, p)
    bundle = check_bundle(
        check, p, findings=findings, follow_ups=follow_ups, consents=consents(p), sender=SENDER
    ).bundle
    first = shared_record.post(bundle)
    assert first.status_code == 200, first.text
    statuses = [e["response"]["status"] for e in first.json()["entry"]]
    assert all(s.startswith("201") for s in statuses), statuses
    again = shared_record.post(bundle)  # e.g. the response was lost and the item is resent
    assert again.status_code == 200, again.text
    assert all(e["response"]["status"].startswith("200") for e in again.json()["entry"])
    assert_one_copy_each(shared_record, bundle)
    assert shared_record.count("Observation") == len(resources(bundle, "Observation"))
    # "Did it arrive?" has one answer: the Encounter by the check's identifier.
    found = shared_record.search("Encounter", **check_search_params(check.id))
    assert found["total"] == 1
    encounter_id = found["entry"][0]["resource"]["id"]
    # References were rewritten to the server's ids: the observations belong to that Encounter.
    assert shared_record.count("Observation", encounter=f"Encounter/{encounter_id}") == len(
        resources(bundle, "Observation")
    )


def test_checks_of_one_person_from_two_laptops_share_one_patient(shared_record: Server) -> None:
    p = person(4)
    same_person_elsewhere = person(4, given_name="Testperson")
    same_person_elsewhere = type(p)(
        "11111111-0000-4000-8000-000000000004", 1, same_person_elsewhere.details, p.created_at, p.updated_at
    )
    other_laptop = Sender(organisation_name=SENDER.organisation_name, device_id="laptop-two")
    sent = []
    for who, seed, sender in ((p, 13, SENDER), (same_person_elsewhere, 14, other_laptop)):
        check, findings, follow_ups = finalised_check(seed, who)
        bundle = check_bundle(
            check, who, findings=findings, follow_ups=follow_ups, consents=consents(who), sender=sender
        ).bundle
        r = shared_record.post(bundle)
        assert r.status_code == 200, r.text
        sent.append(bundle)
    assert shared_record.count("Patient") == 1
    assert shared_record.count("Encounter") == 2
    assert (
        shared_record.count("Practitioner") == 1
        and shared_record.count("Organization") == 1
        and shared_record.count("Device") == 2
    )
    patient = shared_record.search("Patient")["entry"][0]["resource"]
    assert {"system": PERSON_SYSTEM, "value": p.id} in patient["identifier"]
    assert_one_copy_each(shared_record, sent[0])


def test_original_and_amendment_both_arrive_and_link(shared_record: Server) -> None:
    p = person(5)
    original, f1, fu1 = finalised_check(15, p)
    answers = dict(original.answers)
    answers["weight.weight"] = 66.0
    amended, f2, fu2 = finalised_check(
        15, p, answers=answers, check_id="15151515-0000-4000-8000-00000000c0c0", amends=original
    )
    records = consents(p, check_id=original.id)
    b1 = check_bundle(original, p, findings=f1, follow_ups=fu1, consents=records, sender=SENDER).bundle
    b2 = check_bundle(
        amended, p, findings=f2, follow_ups=fu2, consents=records, sender=SENDER, history=[original, amended]
    ).bundle
    for bundle in (b1, b2, b2, b1):
        r = shared_record.post(bundle)
        assert r.status_code == 200, r.text
    assert shared_record.count("Encounter") == 2 and shared_record.count("QuestionnaireResponse") == 2
    assert shared_record.count("QuestionnaireResponse", status="amended") == 1
    assert shared_record.count("Provenance") == 2
    assert_one_copy_each(shared_record, b2)


def test_every_reference_in_a_stored_resource_points_at_a_stored_resource(shared_record: Server) -> None:
    p = person(6)
    check, findings, follow_ups = finalised_check(16, p)
    bundle = check_bundle(
        check, p, findings=findings, follow_ups=follow_ups, consents=consents(p), sender=SENDER
    ).bundle
    r = shared_record.post(bundle)
    assert r.status_code == 200, r.text
    for entry in r.json()["entry"]:
        location = entry["response"]["location"]
        stored = shared_record.http.get(
            location if location.startswith("http") else f"{shared_record.running.url}/{location}", timeout=30
        ).json()
        for ref in references(stored):
            assert not ref.startswith("urn:uuid:"), ref
            got = shared_record.http.get(f"{shared_record.running.url}/{ref}", timeout=30)
            assert got.status_code == 200, ref


def test_a_review_created_on_the_server_reads_back_as_a_review_update(shared_record: Server) -> None:
    from outreach.fhir.inbound import is_own_follow_up_task, parse_review_task

    p = person(7)
    check, findings, follow_ups = finalised_check(17, p)
    bundle = check_bundle(
        check, p, findings=findings, follow_ups=follow_ups, consents=consents(p), sender=SENDER
    ).bundle
    assert shared_record.post(bundle).status_code == 200
    encounter_id = shared_record.search("Encounter", **check_search_params(check.id))["entry"][0]["resource"][
        "id"
    ]
    task = {
        "resourceType": "Task",
        "status": "requested",
        "intent": "order",
        "businessStatus": {"text": "Needs amendment"},
        "focus": {
            "reference": f"Encounter/{encounter_id}",
            "identifier": {"system": CHECK_SYSTEM, "value": check.id},
        },
        "note": [{"text": "Please confirm the blood pressure with a second reading."}],
        "owner": {"display": "Sam Testworker"},
    }
    created = shared_record.http.post(f"{shared_record.running.url}/Task", json=task, timeout=30)
    assert created.status_code == 201, created.text
    pulled = shared_record.search("Task", _lastUpdated="gt2000-01-01")
    reviews = [
        parse_review_task(e["resource"]) for e in pulled["entry"] if not is_own_follow_up_task(e["resource"])
    ]
    assert len(reviews) == 1
    (review,) = reviews
    assert review.check_id == check.id and review.encounter_reference == f"Encounter/{encounter_id}"
    assert review.business_status == "Needs amendment" and review.version_id == "1"
    assert review.comments == ("Please confirm the blood pressure with a second reading.",)
    assert len(pulled["entry"]) == 1 + len(
        follow_ups
    )  # our own follow-up tasks come down too, and are told apart


def test_a_directory_service_stored_on_the_server_reads_back(shared_record: Server) -> None:
    from outreach.fhir.identifiers import SERVICE_SYSTEM
    from outreach.fhir.inbound import parse_healthcare_service

    body = {
        "resourceType": "HealthcareService",
        "active": True,
        "name": "Synthetic Weight Service",
        "identifier": [{"system": SERVICE_SYSTEM, "value": "weight-management"}],
        "category": [{"text": "Weight management"}],
        "comment": "Twelve weeks of group support.",
        "telecom": [{"system": "phone", "value": "0100 000 0001"}],
    }
    lead = {"Authorization": f"Bearer {shared_record.running.add_device('Team lead', role='supervisor')}"}
    assert (
        shared_record.http.post(
            f"{shared_record.running.url}/HealthcareService", json=body, timeout=30, headers=lead
        ).status_code
        == 201
    )
    (entry,) = [
        parse_healthcare_service(e["resource"]) for e in shared_record.search("HealthcareService")["entry"]
    ]
    assert entry.as_seed_entry() == {
        "id": "weight-management",
        "name": "Synthetic Weight Service",
        "category": "weight management",
        "description": "Twelve weeks of group support.",
        "phone": "0100 000 0001",
    }


def test_consent_for_outbox_item_says_whether_it_may_go(store: LocalStore) -> None:
    from outreach.fhir.outbox import consent_for_outbox_item

    who = register(store, 3)
    done = finalise_synthetic(store, who.id, 6)
    item = services.list_outbox(store)[0]
    assert not consent_for_outbox_item(store, item).may_send
    services.record_consent(store, who.id, "check", True, check_id=done.check.id)
    services.record_consent(store, who.id, "gp", False)
    decision = consent_for_outbox_item(store, item)
    assert not decision.may_send and "GP" in (decision.refusal() or "")
    services.record_consent(store, who.id, "charity", True)
    decision = consent_for_outbox_item(store, item)
    assert decision.may_send and decision.shared_with == ("charity",)
