"""Transaction bundles on SQLite and PostgreSQL: atomic, idempotent when resent, reference
rewriting, conflicts, and conditional create under concurrency."""

from __future__ import annotations

import copy
import threading

import requests

from .conftest import Client
from .fhir_data import UUID_SYSTEM, check_bundle, entry_post, observation, patient, uid


def _by_identifier(server: Client, res_type: str, value: str) -> int:
    return server.count(res_type, identifier=f"{UUID_SYSTEM}|{value}")


def _uuid_of(entry: dict) -> str:
    return next(i["value"] for i in entry["resource"]["identifier"] if i["system"] == UUID_SYSTEM)


def test_transaction_creates_all_and_rewrites_urn_references(server: Client) -> None:
    bundle = check_bundle(1)
    r = server.post("/", bundle)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["type"] == "transaction-response"
    assert len(out["entry"]) == len(bundle["entry"])
    locations = []
    for e in out["entry"]:
        resp = e["response"]
        assert resp["status"] == "201 Created"
        assert resp["etag"] == 'W/"1"'
        assert resp["location"].endswith("/_history/1")
        assert resp["lastModified"].endswith("Z")
        locations.append(resp["location"].rsplit("/_history/", 1)[0])
    patient_ref, enc_ref, obs_ref = locations[0], locations[1], locations[2]
    obs = server.get(f"/{obs_ref}").json()
    assert obs["subject"]["reference"] == patient_ref
    assert obs["encounter"]["reference"] == enc_ref
    prov = server.get(f"/{locations[4]}").json()
    assert [t["reference"] for t in prov["target"]] == locations[1:4]
    # lastUpdated is strictly increasing within the transaction
    stamps = [e["response"]["lastModified"] for e in out["entry"]]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_resent_bundle_creates_one_copy(server: Client) -> None:
    bundle = check_bundle(2)
    first = server.post("/", bundle).json()
    second = server.post("/", copy.deepcopy(bundle))
    assert second.status_code == 200, second.text
    statuses = [e["response"]["status"] for e in second.json()["entry"]]
    assert statuses == ["200 OK"] * len(statuses)
    assert [e["response"]["location"] for e in second.json()["entry"]] == [
        e["response"]["location"] for e in first["entry"]
    ]
    for entry in bundle["entry"][:4]:
        assert _by_identifier(server, entry["resource"]["resourceType"], _uuid_of(entry)) == 1
    assert (
        server.count("Encounter") == 1
        and server.count("Observation") == 2
        and server.count("Provenance") == 1
    )


def test_one_invalid_entry_commits_nothing(server: Client) -> None:
    bundle = check_bundle(3)
    bundle["entry"][3]["resource"]["valueQuantity"]["value"] = "seventy"
    r = server.post("/", bundle)
    assert r.status_code == 400, r.text
    issue = r.json()["issue"][0]
    assert issue["diagnostics"].startswith("Bundle.entry[3]")
    assert issue["expression"][0] == "Bundle.entry[3].resource.valueQuantity.value"
    for res_type in ("Patient", "Encounter", "Observation", "Provenance"):
        assert server.count(res_type) == 0


def test_failure_after_earlier_writes_rolls_back(server: Client) -> None:
    # The last entry fails only when written (identifier already taken), after others were written.
    taken = patient(40)
    server.post("/Patient", taken)
    bundle = check_bundle(4)
    clash = patient(40)
    clash["identifier"] = taken["identifier"]
    bundle["entry"].append(
        {"fullUrl": uid(), "resource": clash, "request": {"method": "POST", "url": "Patient"}}
    )
    r = server.post("/", bundle)
    assert r.status_code == 409, r.text
    assert r.json()["issue"][0]["code"] == "duplicate"
    assert "Bundle.entry[5]" in r.json()["issue"][0]["diagnostics"]
    assert (
        server.count("Patient") == 1 and server.count("Encounter") == 0 and server.count("Observation") == 0
    )


def test_two_entries_writing_the_same_resource_conflict(server: Client) -> None:
    p = patient(5)
    p["id"] = "same"
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"resource": p, "request": {"method": "PUT", "url": "Patient/same"}},
            {"resource": {**p, "gender": "male"}, "request": {"method": "PUT", "url": "Patient/same"}},
        ],
    }
    r = server.post("/", bundle)
    assert r.status_code == 409 and "Bundle.entry[1]" in r.json()["issue"][0]["diagnostics"]
    assert server.count("Patient") == 0
    # two new resources with the same identifier in one bundle conflict too
    a, b = patient(6), patient(6)
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [entry_post(a, uid(), False), entry_post(b, uid(), False)],
    }
    r = server.post("/", bundle)
    assert r.status_code == 409 and "Bundle.entry[0]" in r.json()["issue"][0]["diagnostics"]
    assert server.count("Patient") == 0


def test_if_match_inside_a_transaction(server: Client) -> None:
    created = server.post("/Patient", {**patient(7)}).json()
    pid = created["id"]
    changed = {**created, "gender": "female"}
    stale = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            entry_post(patient(8), uid()),
            {"resource": changed, "request": {"method": "PUT", "url": f"Patient/{pid}", "ifMatch": 'W/"2"'}},
        ],
    }
    r = server.post("/", stale)
    assert r.status_code == 412 and "Bundle.entry[1]" in r.json()["issue"][0]["diagnostics"]
    assert server.count("Patient") == 1
    stale["entry"][1]["request"]["ifMatch"] = 'W/"1"'
    r = server.post("/", stale)
    assert r.status_code == 200, r.text
    assert [e["response"]["status"] for e in r.json()["entry"]] == ["201 Created", "200 OK"]
    assert r.json()["entry"][1]["response"]["etag"] == 'W/"2"'


def test_references_must_resolve(server: Client) -> None:
    dangling_urn = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [entry_post(observation(uid(), uid()), uid())],
    }
    r = server.post("/", dangling_urn)
    assert r.status_code == 422 and "fullUrl" in r.json()["issue"][0]["diagnostics"]
    missing = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [entry_post(observation("Patient/nobody", "Encounter/none"), uid())],
    }
    r = server.post("/", missing)
    assert r.status_code == 422 and "does not exist" in r.json()["issue"][0]["diagnostics"]
    assert server.count("Observation") == 0


def test_bundle_shape_errors(server: Client) -> None:
    base = {"resourceType": "Bundle"}
    assert server.post("/", {**base, "type": "batch", "entry": []}).status_code == 501
    assert server.post("/", {**base, "type": "collection"}).status_code == 400
    assert server.post("/", patient(1)).status_code == 400
    get_entry = {**base, "type": "transaction", "entry": [{"request": {"method": "GET", "url": "Patient"}}]}
    assert server.post("/", get_entry).status_code == 501
    delete_entry = {
        **base,
        "type": "transaction",
        "entry": [{"request": {"method": "DELETE", "url": "Patient/1"}}],
    }
    assert server.post("/", delete_entry).status_code == 501
    if_none_match = check_bundle(8)
    if_none_match["entry"][0]["request"]["ifNoneMatch"] = 'W/"1"'
    assert server.post("/", if_none_match).status_code == 501
    cond_put = {
        **base,
        "type": "transaction",
        "entry": [{"resource": patient(1), "request": {"method": "PUT", "url": "Patient?identifier=x"}}],
    }
    assert server.post("/", cond_put).status_code == 501
    unknown = {"resourceType": "MedicationRequest"}
    bad_type = {
        **base,
        "type": "transaction",
        "entry": [{"resource": unknown, "request": {"method": "POST", "url": "MedicationRequest"}}],
    }
    assert server.post("/", bad_type).status_code == 404
    wrong_url = {
        **base,
        "type": "transaction",
        "entry": [{"resource": patient(1), "request": {"method": "POST", "url": "Encounter"}}],
    }
    assert server.post("/", wrong_url).status_code == 400
    dup_full_url = check_bundle(9)
    dup_full_url["entry"][1]["fullUrl"] = dup_full_url["entry"][0]["fullUrl"]
    assert server.post("/", dup_full_url).status_code == 400
    assert server.post("/", {**base, "type": "transaction"}).json()["type"] == "transaction-response"


def test_prefer_representation_in_transaction(server: Client) -> None:
    r = server.post("/", check_bundle(10), headers={"Prefer": "return=representation"})
    assert all(e["resource"]["meta"]["versionId"] == "1" for e in r.json()["entry"])
    r = server.post("/", check_bundle(11), headers={"Prefer": "return=minimal"})
    assert all("resource" not in e for e in r.json()["entry"])


def test_concurrent_identical_conditional_creates_make_one_copy(server: Client) -> None:
    bundle = check_bundle(12)
    start = threading.Barrier(4)
    results: list[int] = []
    lock = threading.Lock()

    def post() -> None:
        with requests.Session() as s:
            start.wait()
            r = s.post(f"{server.url}/", json=bundle, headers=server.headers(), timeout=60)
        with lock:
            results.append(r.status_code)

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 4
    for entry in bundle["entry"][:4]:
        assert _by_identifier(server, entry["resource"]["resourceType"], _uuid_of(entry)) == 1
    assert server.count("Observation") == 2 and server.count("Provenance") == 1


def test_two_servers_on_one_database_make_one_copy(server: Client, db_url: str) -> None:
    """Two server processes' worth of state (own engines, own locks) share one database:
    the database-level clock lock alone must keep conditional create to one copy."""
    from sync.server.serving import start_in_thread

    other = start_in_thread(db_url)
    try:
        token = server.token  # the same laptop, its requests shared between the two processes
        bundles = [check_bundle(20 + i) for i in range(3)]
        start = threading.Barrier(6)
        codes: list[int] = []
        lock = threading.Lock()

        def post(url: str, tok: str, bundle: dict) -> None:
            with requests.Session() as s:
                start.wait()
                r = s.post(f"{url}/", json=bundle, headers=server.headers(token=tok), timeout=60)
            with lock:
                codes.append(r.status_code)

        threads = [
            threading.Thread(target=post, args=(url, tok, b))
            for b in bundles
            for url, tok in ((server.url, server.token), (other.url, token))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert codes == [200] * 6
        assert server.count("Patient") == 3 and server.count("Encounter") == 3
        assert server.count("Observation") == 6 and server.count("Provenance") == 3
    finally:
        other.stop()
