"""Who may see and write what: worker and supervisor tokens on the real server (HTTP on loopback)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, text, update

from sync.server import db
from sync.server.serving import RunningServer, start_in_thread
from sync.server.store import Store, WriteRequest

from .conftest import Client
from .fhir_data import NHS_SYSTEM, UUID_SYSTEM, check_bundle, nhs_number, patient, service, task, uid


@pytest.fixture
def team(db_url: str) -> Iterator[tuple[RunningServer, Client, Client, Client]]:
    """A server with two worker laptops and a supervisor."""
    running = start_in_thread(db_url)
    a = Client(running, running.add_device("Test laptop A"))
    b = Client(running, running.add_device("Test laptop B", role="worker"))
    lead = Client(running, running.add_device("Test team lead", role="supervisor"))
    try:
        yield running, a, b, lead
    finally:
        for c in (a, b, lead):
            c.http.close()
        running.stop()


def _send(client: Client, n: int) -> dict[str, str]:
    """Send one check; Type -> id of what it stored (Provenance left out)."""
    r = client.post("/", check_bundle(n))
    assert r.status_code == 200, r.text
    out: dict[str, str] = {}
    for entry in r.json()["entry"]:
        res_type, res_id = entry["response"]["location"].split("/")[:2]
        out.setdefault(res_type, res_id)
    return out


def _forbidden(r: Any) -> str:
    assert r.status_code == 403, r.text
    body = r.json()
    assert body["resourceType"] == "OperationOutcome"
    (issue,) = body["issue"]
    assert issue["code"] == "forbidden"
    return str(issue["diagnostics"])


def _review(encounter_id: str, words: str = "Please repeat the blood pressure") -> dict[str, Any]:
    return {
        "resourceType": "Task",
        "identifier": [{"system": UUID_SYSTEM, "value": uid()}],
        "status": "requested",
        "intent": "order",
        "focus": {"reference": f"Encounter/{encounter_id}"},
        "description": words,
    }


def test_a_worker_reads_its_own_checks_and_not_another_laptops(team: Any) -> None:
    _running, a, b, _lead = team
    mine, theirs = _send(a, 1), _send(b, 2)
    assert a.count("Patient") == 1 and a.count("Encounter") == 1 and a.count("Observation") == 2
    assert a.get(f"/Patient/{mine['Patient']}").status_code == 200
    # Another laptop's patient: a direct read is refused, plainly; a search just does not find it.
    words = _forbidden(a.get(f"/Patient/{theirs['Patient']}"))
    assert "may not read" in words and theirs["Patient"] in words
    _forbidden(a.get(f"/Patient/{theirs['Patient']}/_history/1"))
    _forbidden(a.get(f"/Encounter/{theirs['Encounter']}"))
    assert a.count("Patient", identifier=f"{NHS_SYSTEM}|{nhs_number(2)}") == 0
    assert a.count("Observation", encounter=f"Encounter/{theirs['Encounter']}") == 0
    assert a.count("Patient", _id=theirs["Patient"]) == 0
    # Something that does not exist is still 404, not 403.
    assert a.get(f"/Patient/{uid()[9:]}").status_code == 404


def test_a_worker_cannot_write_a_review_or_touch_another_laptops_records(team: Any) -> None:
    _running, a, b, lead = team
    theirs = _send(b, 2)
    assert "may not read" in _forbidden(a.post("/Task", _review(theirs["Encounter"])))
    in_bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": uid(),
                "resource": _review(theirs["Encounter"]),
                "request": {"method": "POST", "url": "Task"},
            }
        ],
    }
    _forbidden(a.post("/", in_bundle))
    # Nor update what another device wrote, even with the right version.
    followed = b.post("/Task", task(f"Encounter/{theirs['Encounter']}"))
    assert followed.status_code == 201
    body = followed.json()
    assert "written by another device" in _forbidden(
        a.put(f"/Task/{body['id']}", {**body, "status": "completed"})
    )
    # Refused before If-Match is compared: a 412 would tell the record's version.
    stale = a.put(f"/Task/{body['id']}", {**body, "status": "completed"}, headers={"If-Match": 'W/"9"'})
    assert "written by another device" in _forbidden(stale)
    # Nor the service directory, which every laptop downloads.
    assert "directory" in _forbidden(a.post("/HealthcareService", service("Synthetic Weight Service")))
    assert lead.count("Task") == 1  # nothing of the refused writes was stored


def test_a_worker_updates_its_own_follow_up_with_if_match(team: Any) -> None:
    _running, a, _b, _lead = team
    mine = _send(a, 1)
    made = a.post("/Task", task(f"Encounter/{mine['Encounter']}")).json()
    r = a.put(f"/Task/{made['id']}", {**made, "status": "completed"}, headers={"If-Match": 'W/"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["meta"]["versionId"] == "2"


def test_a_supervisor_reads_the_team_and_writes_reviews_but_not_checks(team: Any) -> None:
    _running, a, b, lead = team
    mine, theirs = _send(a, 1), _send(b, 2)
    assert lead.count("Patient") == 2 and lead.count("Encounter") == 2 and lead.count("Observation") == 4
    assert lead.get(f"/Patient/{theirs['Patient']}").status_code == 200
    review = _review(mine["Encounter"])
    key = review["identifier"][0]
    created = lead.post(
        "/Task", review, headers={"If-None-Exist": f"identifier={key['system']}|{key['value']}"}
    )
    assert created.status_code == 201, created.text
    again = lead.post(
        "/Task", review, headers={"If-None-Exist": f"identifier={key['system']}|{key['value']}"}
    )
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]  # exactly once
    body = created.json()
    updated = lead.put(f"/Task/{body['id']}", {**body, "status": "completed"}, headers={"If-Match": 'W/"1"'})
    assert updated.status_code == 200, updated.text
    # The review reaches the laptop whose check it is about, and only that one.
    assert a.count("Task") == 1 and a.get(f"/Task/{body['id']}").status_code == 200
    assert b.count("Task") == 0
    _forbidden(b.get(f"/Task/{body['id']}"))
    # The worker cannot change the supervisor's decision.
    _forbidden(a.put(f"/Task/{body['id']}", {**updated.json(), "status": "requested"}))
    # A supervisor does not create checks, alone or in a transaction.
    assert "not Patient" in _forbidden(lead.post("/Patient", patient(7)))
    _forbidden(lead.post("/", check_bundle(7)))
    # It keeps the service directory, which every laptop reads.
    assert lead.post("/HealthcareService", service("Synthetic Weight Service")).status_code == 201
    assert a.count("HealthcareService") == 1 and b.count("HealthcareService") == 1


def test_a_review_naming_the_check_by_identifier_reaches_its_laptop(team: Any) -> None:
    _running, a, b, lead = team
    bundle = check_bundle(1)
    encounter_key = bundle["entry"][1]["resource"]["identifier"][0]
    assert a.post("/", bundle).status_code == 200
    review = _review("x")
    review["focus"] = {"identifier": encounter_key}
    assert lead.post("/Task", review).status_code == 201
    assert a.count("Task") == 1 and b.count("Task") == 0


def test_a_shared_record_another_laptop_made_is_readable_once_matched(team: Any) -> None:
    """Two laptops register the same person: the second's conditional create matches the first
    laptop's Patient, and the second laptop may then read it and refer to it."""
    _running, a, b, _lead = team
    first = a.post(
        "/Patient", patient(5), headers={"If-None-Exist": f"identifier={NHS_SYSTEM}|{nhs_number(5)}"}
    )
    assert first.status_code == 201
    pid = first.json()["id"]
    _forbidden(b.get(f"/Patient/{pid}"))
    matched = b.post(
        "/Patient", patient(5), headers={"If-None-Exist": f"identifier={NHS_SYSTEM}|{nhs_number(5)}"}
    )
    assert matched.status_code == 200 and matched.json()["id"] == pid
    assert b.get(f"/Patient/{pid}").status_code == 200
    enc = {"resourceType": "Encounter", "status": "finished", "subject": {"reference": f"Patient/{pid}"},
           "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "FLD"}}
    assert b.post("/Encounter", enc).status_code == 201
    # A record a laptop never found by its identifier cannot be referred to.
    other = a.post("/Patient", patient(6)).json()["id"]
    _forbidden(b.post("/Encounter", {**enc, "subject": {"reference": f"Patient/{other}"}}))


def test_revoked_tokens_of_either_role_are_refused(team: Any) -> None:
    running, a, _b, lead = team
    assert a.get("/Patient").status_code == 200 and lead.get("/Patient").status_code == 200
    running.store.revoke_device("Test laptop A")
    running.store.revoke_device("Test team lead")
    for client in (a, lead):
        for r in (client.get("/Patient"), client.post("/Task", _review("x"))):
            assert r.status_code == 403
            assert r.json()["issue"][0]["details"]["text"] == "device-revoked"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sync.server.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_add_device_takes_the_role(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    lead = _cli("add-device", "Test team lead", "--role", "supervisor", "--db", url)
    assert lead.returncode == 0 and "as a supervisor" in lead.stdout
    laptop = _cli("add-device", "Test laptop 1", "--db", url)  # worker unless told otherwise
    assert laptop.returncode == 0 and "as a worker" in laptop.stdout
    assert _cli("add-device", "Test laptop 2", "--role", "admin", "--db", url).returncode == 2
    listed = _cli("list-devices", "--db", url).stdout
    assert "Test team lead\tsupervisor" in listed and "Test laptop 1\tworker" in listed
    store = Store(url)
    try:
        with pytest.raises(ValueError, match="worker"):
            store.add_device("Test laptop 3", role="Supervisor")
    finally:
        store.close()


def test_a_database_from_before_roles_keeps_every_laptop_reading_its_own(tmp_path: Path) -> None:
    """Upgrading: devices become workers, and each reads what it wrote, the shared records its
    records refer to, and the reviews of its checks, as before the upgrade."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    store = Store(url)
    token_a = store.add_device("Test laptop A")
    store.add_device("Test laptop B")
    p = uid()
    shared = store.write(
        [WriteRequest("POST", "Patient", patient(9), full_url=p)], device="Test laptop B", bundle=True
    )
    pid = shared[0].version.res_id
    enc = {"resourceType": "Encounter", "status": "finished", "subject": {"reference": f"Patient/{pid}"},
           "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "FLD"}}
    (mine,) = store.write([WriteRequest("POST", "Encounter", enc)], device="Test laptop A", bundle=False)
    store.write(
        [WriteRequest("POST", "Task", _review(mine.version.res_id))], device="Test lead", bundle=False
    )
    with store.engine.begin() as conn:  # as an older server left it: no roles, no access table rows
        conn.execute(delete(db.access))
        conn.execute(text("ALTER TABLE devices DROP COLUMN role"))
        conn.execute(update(db.server_meta).where(db.server_meta.c.key == "schema_version").values(value="1"))
    store.close()
    with start_in_thread(url) as running:
        a = Client(running, token_a)
        assert a.count("Encounter") == 1 and a.count("Task") == 1
        assert a.get(f"/Patient/{pid}").status_code == 200  # B made it; A's Encounter refers to it
        assert [d.role for d in running.store.list_devices()] == ["worker", "worker"]
        a.http.close()


def test_two_worker_laptops_sync_end_to_end_and_only_their_own_reviews_come_down(tmp_path: Path) -> None:
    """The app's real push, pull and follow-up update with worker tokens: each laptop's checks go,
    the supervisor's review of one laptop's check reaches that laptop only, and the outcome of a
    follow-up goes up as an If-Match update."""
    from outreach import services
    from outreach.fhir.identifiers import CHECK_SYSTEM, FOLLOW_UP_SYSTEM
    from outreach.store import sync_state
    from sync.push import product_bundle_builder
    from tests.sync.conftest import make_engine, make_store

    build = product_bundle_builder("Synthetic Outreach Service")
    with start_in_thread(f"sqlite:///{tmp_path / 'shared.db'}") as running:
        tokens = [running.add_device(f"Test laptop {n}") for n in (1, 2)]
        lead = Client(running, running.add_device("Test team lead", role="supervisor"))
        stores = [make_store(tmp_path / f"laptop{n}", checks=2, seed=n) for n in (1, 2)]
        try:
            for store, token in zip(stores, tokens, strict=True):
                make_engine(store, running, token, builder=build).run_once()
                assert {i.state for i in store.outbox.list()} == {"sent"}
            first = stores[0].outbox.list()[0].check_id
            (enc,) = lead.get("/Encounter", params={"identifier": f"{CHECK_SYSTEM}|{first}"}).json()["entry"]
            assert lead.post("/Task", _review(enc["resource"]["id"])).status_code == 201
            pulled = [
                {p.kind: p for p in make_engine(s, running, t, builder=build).run_once().pulled}["reviews"]
                for s, t in zip(stores, tokens, strict=True)
            ]
            assert pulled[0].error is None and len(sync_state.reviews_for_check(stores[0], first)) == 1
            assert pulled[1].error is None and sync_state.list_reviews(stores[1]) == []
            # Laptop 2 cannot see laptop 1's people, by search or by id.
            other = Client(running, tokens[1])
            assert other.count("Encounter") == 2 and lead.count("Encounter") == 4
            assert other.get(f"/Encounter/{enc['resource']['id']}").status_code == 403
            other.http.close()
            # A follow-up outcome recorded after sending goes up as an If-Match update.
            follow_up = next(
                f for i in stores[0].outbox.list() for f in stores[0].follow_ups.for_check(i.check_id)
                if f.state == "open"
            )
            services.record_follow_up_outcome(stores[0], follow_up.id, "attended")
            report = make_engine(stores[0], running, tokens[0], builder=build).run_once()
            assert report.updates.sent == 1
            task = lead.get("/Task", params={"identifier": f"{FOLLOW_UP_SYSTEM}|{follow_up.id}"}).json()
            assert task["entry"][0]["resource"]["meta"]["versionId"] == "2"
        finally:
            lead.http.close()
            for store in stores:
                store.close()


def test_a_conditional_create_must_know_the_identifier_to_match_another_laptops_record(team: Any) -> None:
    """Criteria naming only the identifier's system (or anything but full identifiers and
    references) would match without knowing the person: they match only what the laptop may
    read, so they neither grant the record nor tell whether it exists."""
    _running, a, b, _lead = team
    pid = a.post("/Patient", patient(5)).json()["id"]
    for criteria in (f"identifier={NHS_SYSTEM}|", f"identifier={NHS_SYSTEM}|,{NHS_SYSTEM}|{nhs_number(8)}"):
        # Not matched: B's create is refused only for the NHS number it sent itself.
        r = b.post("/Patient", patient(5), headers={"If-None-Exist": criteria})
        assert r.status_code == 409, r.text
        _forbidden(b.get(f"/Patient/{pid}"))
    # Such criteria match only among what the laptop may read, so the answer says nothing of
    # what other laptops hold: nothing of A's matched, B's own record is created, then matched.
    a.post("/Patient", patient(6))
    made = b.post("/Patient", patient(7), headers={"If-None-Exist": f"identifier={UUID_SYSTEM}|"})
    assert made.status_code == 201, made.text
    again = b.post("/Patient", patient(7), headers={"If-None-Exist": "_lastUpdated=gt2000-01-01"})
    assert again.status_code == 200 and again.json()["id"] == made.json()["id"]
    assert b.count("Patient") == 1 and a.count("Patient") == 2


def test_a_worker_cannot_reach_another_laptop_by_a_task_naming_its_check_by_identifier(team: Any) -> None:
    _running, a, b, lead = team
    bundle = check_bundle(1)
    encounter_key = bundle["entry"][1]["resource"]["identifier"][0]
    assert a.post("/", bundle).status_code == 200
    review = _review("x")
    review["focus"] = {"identifier": encounter_key}
    assert "may not read" in _forbidden(b.post("/Task", review))
    assert a.count("Task") == 0 and lead.count("Task") == 0
