"""The real-server behaviours tests can switch on (sync.server.behaviours), each shown to do
what the servers it imitates do, and the searches the client relies on with them."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from sqlalchemy import delete

from sync.server import db
from sync.server.behaviours import ENTRY_BY_ENTRY, Behaviours, parse_behaviours
from sync.server.faults import Faults
from sync.server.serving import RunningServer, start_in_thread

from .conftest import Client, wait_until
from .fhir_data import (
    NHS_SYSTEM,
    check_bundle,
    device,
    encounter,
    entry_post,
    nhs_number,
    patient,
    provenance,
    uid,
)

MODES = ["atomic", ENTRY_BY_ENTRY]


@dataclass
class Rig:
    """A running server with its behaviours and faults, and one device's client."""

    client: Client
    running: RunningServer
    behaviours: Behaviours
    faults: Faults

    def second_device(self) -> Client:
        return Client(self.running, self.running.add_device("Test laptop 2"))


def _rig(db_url: str) -> Iterator[Rig]:
    behaviours, faults = Behaviours(), Faults()
    running = start_in_thread(db_url, faults=faults, behaviours=behaviours)
    client = Client(running, running.add_device("Test laptop 1"))
    try:
        yield Rig(client, running, behaviours, faults)
    finally:
        client.http.close()
        running.stop()


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    """On SQLite: the behaviours live in the app, not the database."""
    yield from _rig(f"sqlite:///{tmp_path / 'shared.db'}")


@pytest.fixture
def any_db_rig(db_url: str) -> Iterator[Rig]:
    """On SQLite and PostgreSQL, for searches and writes whose SQL differs."""
    yield from _rig(db_url)


def _statuses(r: requests.Response) -> list[str]:
    return [e["response"]["status"] for e in r.json()["entry"]]


def _assert_retry_after(r: requests.Response) -> None:
    assert r.status_code == 429, r.text
    assert r.headers["Retry-After"].isdigit() and int(r.headers["Retry-After"]) >= 1
    assert r.json()["issue"][0]["code"] == "throttled"


def _ref_of(location: str) -> str:
    return location.rsplit("/_history/", 1)[0]


# --- transactions entry by entry -------------------------------------------------------------


def test_entry_by_entry_quota_refuses_one_entry_and_stores_the_others(rig: Rig) -> None:
    rig.behaviours.transactions = ENTRY_BY_ENTRY
    rig.behaviours.write_quota = (4, 60.0)
    r = rig.client.post("/", check_bundle(1))
    assert r.status_code == 200, r.text
    assert r.json()["type"] == "transaction-response"
    assert _statuses(r) == ["201 Created"] * 4 + ["429 Too Many Requests"]
    refused = r.json()["entry"][4]["response"]
    assert "location" not in refused
    issue = refused["outcome"]["issue"][0]
    assert issue["code"] == "throttled" and issue["diagnostics"].startswith("Bundle.entry[4]")
    counts = [rig.client.count(t) for t in ("Patient", "Encounter", "Observation", "Provenance")]
    assert counts == [1, 1, 2, 0]


def test_entry_by_entry_leaves_references_to_a_failed_entry_dangling(rig: Rig) -> None:
    rig.behaviours.transactions = ENTRY_BY_ENTRY
    bundle = check_bundle(2)
    # The Patient entry fails: its NHS number already belongs to another Patient.
    assert rig.client.post("/Patient", patient(2)).status_code == 201
    del bundle["entry"][0]["request"]["ifNoneExist"]
    patient_urn = bundle["entry"][0]["fullUrl"]
    r = rig.client.post("/", bundle)
    assert r.status_code == 200, r.text
    assert _statuses(r) == ["409 Conflict"] + ["201 Created"] * 4
    assert r.json()["entry"][0]["response"]["outcome"]["issue"][0]["code"] == "duplicate"
    enc_ref = _ref_of(r.json()["entry"][1]["response"]["location"])
    obs = rig.client.get("/" + _ref_of(r.json()["entry"][2]["response"]["location"])).json()
    assert obs["encounter"]["reference"] == enc_ref  # an entry that succeeded: rewritten
    assert obs["subject"]["reference"] == patient_urn  # the failed one: stored as sent
    dangling = rig.running.store.dangling_references()
    assert sorted(path for _res, path, _target in dangling) == ["subject"] * 3
    assert {target for *_rest, target in dangling} == {patient_urn}
    assert {res.split("/")[0] for res, *_rest in dangling} == {"Encounter", "Observation"}


def test_entry_by_entry_success_is_a_normal_transaction_response(rig: Rig) -> None:
    rig.behaviours.transactions = ENTRY_BY_ENTRY
    bundle = check_bundle(3)
    r = rig.client.post("/", bundle)
    assert _statuses(r) == ["201 Created"] * 5
    assert all(e["resource"]["meta"]["versionId"] == "1" for e in r.json()["entry"])
    assert rig.running.store.dangling_references() == []
    again = rig.client.post("/", bundle)
    assert _statuses(again) == ["200 OK"] * 5
    assert rig.client.count("Observation") == 2


def test_entry_by_entry_prefer_minimal_is_an_empty_200(rig: Rig) -> None:
    rig.behaviours.transactions = ENTRY_BY_ENTRY
    r = rig.client.post("/", check_bundle(4), headers={"Prefer": "return=minimal"})
    assert r.status_code == 200 and r.content == b""
    assert rig.client.count("Encounter") == 1
    r = rig.client.post("/", check_bundle(5), headers={"Prefer": "return=OperationOutcome"})
    assert r.status_code == 200 and _statuses(r) == ["201 Created"] * 5
    assert all(e["response"]["outcome"]["resourceType"] == "OperationOutcome" for e in r.json()["entry"])
    assert all("resource" not in e for e in r.json()["entry"])


def test_entry_by_entry_refuses_a_bad_entry_and_goes_on(rig: Rig) -> None:
    rig.behaviours.transactions = ENTRY_BY_ENTRY
    bundle = check_bundle(6)
    bundle["entry"][3]["resource"]["valueQuantity"]["value"] = "seventy"
    bundle["entry"][2]["resource"]["subject"] = {"reference": "Patient/nobody"}
    r = rig.client.post("/", bundle)
    assert r.status_code == 200, r.text
    assert _statuses(r) == [
        "201 Created",
        "201 Created",
        "422 Unprocessable Entity",
        "400 Bad Request",
        "201 Created",
    ]
    assert rig.client.count("Observation") == 0


def test_dangling_references_lists_relative_references_to_missing_resources(rig: Rig) -> None:
    r = rig.client.post("/", check_bundle(7))
    patient_ref = _ref_of(r.json()["entry"][0]["response"]["location"])
    assert rig.running.store.dangling_references() == []
    # As if another server had lost the Patient: delete its row under the server's feet.
    res = db.resources
    with rig.running.store.engine.begin() as conn:
        conn.execute(delete(res).where(res.c.res_type == "Patient"))
    dangling = rig.running.store.dangling_references()
    assert len(dangling) == 3 and {d[2] for d in dangling} == {patient_ref}


# --- the size cap -------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_a_transaction_over_the_cap_is_refused_whole(rig: Rig, mode: str) -> None:
    rig.behaviours.transactions = mode
    rig.behaviours.max_transaction_entries = 3
    r = rig.client.post("/", check_bundle(10))
    assert r.status_code == 400, r.text
    assert (
        r.json()["issue"][0]["diagnostics"]
        == "This server accepts at most 3 entries in one transaction; this one has 5."
    )
    assert rig.client.count("Patient") == 0
    rig.behaviours.max_transaction_entries = 5
    assert rig.client.post("/", check_bundle(10)).status_code == 200


# --- quotas ---------------------------------------------------------------------------------------


def test_write_quota_refuses_a_whole_atomic_transaction_with_retry_after(rig: Rig) -> None:
    rig.behaviours.write_quota = (6, 60.0)
    assert rig.client.post("/", check_bundle(11)).status_code == 200  # 5 of 6 used
    r = rig.client.post("/", check_bundle(12))
    _assert_retry_after(r)
    assert rig.client.count("Patient") == 1 and rig.client.count("Observation") == 2
    assert rig.client.post("/Patient", patient(13)).status_code == 201  # the 6th
    _assert_retry_after(rig.client.post("/Patient", patient(14)))
    existing = rig.client.get("/Patient", params={"identifier": f"{NHS_SYSTEM}|{nhs_number(13)}"})
    body = existing.json()["entry"][0]["resource"]
    _assert_retry_after(rig.client.put(f"/Patient/{body['id']}", {**body, "gender": "male"}))
    # Each device has its own bucket.
    assert rig.second_device().post("/Patient", patient(15)).status_code == 201


def test_write_quota_refills_and_counts_only_work_done(rig: Rig) -> None:
    rig.behaviours.write_quota = (1, 0.5)
    stale = {**patient(16), "id": "nobody"}
    r = rig.client.put("/Patient/nobody", stale, headers={"If-Match": 'W/"1"'})
    assert r.status_code == 412  # refused while writing: its write is given back
    assert rig.client.post("/Patient", patient(16)).status_code == 201
    r = rig.client.post("/Patient", patient(17))
    _assert_retry_after(r)
    assert r.headers["Retry-After"] == "1"
    time.sleep(0.55)
    assert rig.client.post("/Patient", patient(17)).status_code == 201


def test_read_quota_throttles_gets_but_not_metadata(rig: Rig) -> None:
    rig.behaviours.read_quota = (2, 60.0)
    assert rig.client.get("/Patient").status_code == 200
    assert rig.client.get("/Patient/nobody").status_code == 404
    _assert_retry_after(rig.client.get("/Patient"))
    assert rig.client.get("/metadata").status_code == 200
    assert rig.client.post("/Patient", patient(18)).status_code == 201  # writes are not reads
    assert rig.second_device().get("/Patient").status_code == 200
    rig.behaviours.read_quota = None
    assert rig.client.get("/Patient").status_code == 200


# --- concurrent writes ----------------------------------------------------------------------------


def _slow_post_in_background(rig: Rig) -> tuple[threading.Thread, list[int]]:
    """POST a Patient whose write transaction stays open until the test releases it (30 s at
    most); return once it holds the writer lock."""
    rig.faults.slow_write(30.0, method="POST", path="/Patient")
    codes: list[int] = []
    token = rig.client.token

    def post() -> None:
        with requests.Session() as s:
            r = s.post(f"{rig.client.url}/Patient", json=patient(20), headers=rig.client.headers(token=token))
            codes.append(r.status_code)

    thread = threading.Thread(target=post)
    thread.start()
    assert wait_until(rig.running.store.writing_now), "the slow write never started"
    return thread, codes


def test_a_write_during_another_write_waits_by_default(rig: Rig) -> None:
    thread, codes = _slow_post_in_background(rig)
    waiting: list[int] = []
    second = threading.Thread(
        target=lambda: waiting.append(rig.client.post("/Patient", patient(21)).status_code)
    )
    second.start()
    second.join(0.3)
    assert second.is_alive() and not waiting  # queued behind the slow write
    rig.faults.release_slow_writes()
    thread.join()
    second.join()
    assert codes == [201] and waiting == [201]


def test_conflict_on_concurrent_writes_refuses_with_409(rig: Rig) -> None:
    rig.behaviours.conflict_on_concurrent_writes = True
    thread, codes = _slow_post_in_background(rig)
    r = rig.client.post("/Patient", patient(22))
    assert r.status_code == 409, r.text
    issue = r.json()["issue"][0]
    assert issue["code"] == "lock-error" and "concurrent write" in issue["diagnostics"]
    assert rig.client.post("/", check_bundle(23)).status_code == 409  # atomic: the whole transaction
    rig.behaviours.transactions = ENTRY_BY_ENTRY
    r = rig.client.post("/", check_bundle(24))
    assert r.status_code == 200 and set(_statuses(r)) == {"409 Conflict"}
    rig.faults.release_slow_writes()
    thread.join()
    assert codes == [201]
    assert rig.client.count("Patient") == 1
    assert rig.client.post("/Patient", patient(22)).status_code == 201  # nothing in the way now


# --- client-chosen ids ---------------------------------------------------------------------------


def test_refuse_client_ids_refuses_create_by_put_but_allows_updates(rig: Rig) -> None:
    rig.behaviours.refuse_client_ids = True
    new = {**patient(30), "id": "chosen-by-client"}
    r = rig.client.put("/Patient/chosen-by-client", new)
    assert r.status_code == 404 and r.json()["issue"][0]["code"] == "not-found"
    created = rig.client.post("/Patient", patient(31)).json()
    r = rig.client.put(f"/Patient/{created['id']}", {**created, "gender": "female"})
    assert r.status_code == 200 and r.json()["meta"]["versionId"] == "2"


@pytest.mark.parametrize("mode", MODES)
def test_refuse_client_ids_in_a_transaction(rig: Rig, mode: str) -> None:
    rig.behaviours.refuse_client_ids = True
    rig.behaviours.transactions = mode
    r = rig.client.post("/", check_bundle(32))  # its Provenance is a PUT with a new id
    if mode == "atomic":
        assert r.status_code == 404 and r.json()["issue"][0]["diagnostics"].startswith("Bundle.entry[4]")
        assert rig.client.count("Patient") == 0
    else:
        assert r.status_code == 200 and _statuses(r) == ["201 Created"] * 4 + ["404 Not Found"]
        assert rig.client.count("Provenance") == 0


# --- conditional create on references, entry by entry ------------------------------------------


def test_conditional_create_of_provenance_by_target_and_agent_entry_by_entry(any_db_rig: Rig) -> None:
    """The client's Provenance is matched on its Encounter (by urn:uuid when created in the same
    bundle, else by Type/id) and its Device, also when the server goes entry by entry."""
    rig, client = any_db_rig, any_db_rig.client
    rig.behaviours.transactions = ENTRY_BY_ENTRY
    dev = f"Device/{client.post('/Device', device()).json()['id']}"
    p_url, e_url, prov_url = uid(), uid(), uid()
    prov = {
        "fullUrl": prov_url,
        "resource": provenance(e_url, dev),
        "request": {"method": "POST", "url": "Provenance", "ifNoneExist": f"target={e_url}&agent={dev}"},
    }
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [entry_post(patient(41, p_url), p_url), entry_post(encounter(p_url, e_url), e_url), prov],
    }
    first = client.post("/", bundle)
    assert _statuses(first) == ["201 Created"] * 3
    enc_ref = _ref_of(first.json()["entry"][1]["response"]["location"])
    assert _statuses(client.post("/", bundle)) == ["200 OK"] * 3
    prov["request"]["ifNoneExist"] = f"target={enc_ref}&agent={dev}"
    alone = {"resourceType": "Bundle", "type": "transaction", "entry": [prov]}
    assert _statuses(client.post("/", alone)) == ["200 OK"]
    assert client.count("Provenance") == 1 and rig.running.store.dangling_references() == []


# --- the command line ------------------------------------------------------------------------------


def test_parse_behaviours_round_trips_and_refuses_nonsense() -> None:
    spec = (
        "entry-by-entry,max-entries=10,write-quota=20/1,read-quota=100/60,"
        "conflict-on-concurrent-writes,refuse-client-ids"
    )
    b = parse_behaviours(spec)
    assert b == Behaviours(
        transactions=ENTRY_BY_ENTRY,
        max_transaction_entries=10,
        write_quota=(20, 1.0),
        read_quota=(100, 60.0),
        conflict_on_concurrent_writes=True,
        refuse_client_ids=True,
    )
    assert b.describe() == spec
    assert parse_behaviours("") == Behaviours() and Behaviours().describe() == ""
    for bad in ("entry-by-entrie", "max-entries=0", "write-quota=x/1", "read-quota=5/0", "atomic=1"):
        with pytest.raises(ValueError):
            parse_behaviours(bad)


def test_outreach_server_behave_option(tmp_path: Path) -> None:
    cli = [sys.executable, "-m", "sync.server.cli"]
    db_arg = f"sqlite:///{tmp_path / 'shared.db'}"
    bad = subprocess.run(
        [*cli, "--db", db_arg, "--behave", "max-entries=lots"], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 2 and "max-entries takes a whole number" in bad.stderr
    added = subprocess.run(
        [*cli, "add-device", "Test laptop 1", "--db", db_arg], capture_output=True, text=True, check=False
    )
    token = added.stdout.strip().splitlines()[-1]
    proc = subprocess.Popen(
        [*cli, "--db", db_arg, "--port", "0", "--quiet", "--behave", "entry-by-entry,max-entries=4"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        url = line.split(" at ")[1].split()[0]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"}
        r = requests.post(f"{url}/", json=check_bundle(1), headers=headers, timeout=10)
        assert r.status_code == 400 and "at most 4 entries" in r.text
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=10)
    assert "rehearsal behaviours on: entry-by-entry,max-entries=4" in err
