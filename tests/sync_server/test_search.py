"""Search on SQLite and PostgreSQL: the parameters the app pulls with, strict refusal of
everything else, and stable paging that survives inserts made while a client pages."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import delete

from sync.server import db
from sync.server.serving import start_in_thread
from sync.server.store import INDEX_KEY, Store

from .conftest import Client
from .fhir_data import (
    NHS_SYSTEM,
    UUID_SYSTEM,
    device,
    encounter,
    entry_post,
    nhs_number,
    organization,
    patient,
    provenance,
    service,
    task,
    uid,
)


def _ids(bundle: dict) -> list[str]:
    return [e["resource"]["id"] for e in bundle.get("entry", [])]


def _create(server: Client, resource: dict) -> dict:
    r = server.post(f"/{resource['resourceType']}", resource)
    assert r.status_code == 201, r.text
    return r.json()


def _page_all(server: Client, first: str) -> tuple[list[str], list[dict]]:
    ids, bundles, url = [], [], first
    while url:
        r = server.get(url)
        assert r.status_code == 200, r.text
        b = r.json()
        bundles.append(b)
        ids += _ids(b)
        url = next((link["url"] for link in b["link"] if link["relation"] == "next"), None)
    return ids, bundles


def test_task_search_by_owner_status_focus_and_last_updated(server: Client) -> None:
    p = _create(server, patient(1))
    p2 = _create(server, patient(2))
    dev = _create(
        server,
        {
            "resourceType": "Device",
            "identifier": [{"system": UUID_SYSTEM, "value": "urn:uuid:d1"}],
            "status": "active",
        },
    )
    owner = f"Device/{dev['id']}"
    t1 = _create(server, task(f"Patient/{p['id']}", owner))
    t2 = _create(server, task(f"Patient/{p2['id']}", owner, status="completed"))
    _create(server, task(f"Patient/{p['id']}"))  # no owner
    b = server.get("/Task", params={"owner": owner}).json()
    assert b["type"] == "searchset" and b["total"] == 2 and _ids(b) == [t1["id"], t2["id"]]
    assert _ids(server.get("/Task", params={"owner": owner, "status": "completed"}).json()) == [t2["id"]]
    assert _ids(
        server.get("/Task", params={"status": "requested,completed", "focus": f"Patient/{p2['id']}"}).json()
    ) == [t2["id"]]
    since = t1["meta"]["lastUpdated"]
    assert _ids(server.get("/Task", params={"owner": owner, "_lastUpdated": f"gt{since}"}).json()) == [
        t2["id"]
    ]
    assert _ids(server.get("/Task", params={"owner": owner, "_lastUpdated": f"ge{since}"}).json()) == [
        t1["id"],
        t2["id"],
    ]
    assert _ids(server.get("/Task", params={"_lastUpdated": f"lt{since}"}).json()) == []
    assert _ids(server.get("/Task", params={"_lastUpdated": f"le{since}"}).json()) == [t1["id"]]
    day = since[:10]
    assert server.get("/Task", params={"_lastUpdated": day}).json()["total"] == 3
    assert (
        server.get("/Task", params={"_lastUpdated": [f"ge{day}", f"lt{day}T23:59:59.999999Z"]}).json()[
            "total"
        ]
        >= 0
    )
    assert _ids(server.get("/Device", params={"status": "active"}).json()) == [dev["id"]]
    assert _ids(server.get("/Task", params={"_id": t2["id"]}).json()) == [t2["id"]]


def test_identifier_token_forms_and_patient_reference(server: Client) -> None:
    p = _create(server, patient(3))
    nhs = nhs_number(3)
    for q in (f"{NHS_SYSTEM}|{nhs}", nhs):
        assert _ids(server.get("/Patient", params={"identifier": q}).json()) == [p["id"]]
    assert _ids(server.get("/Patient", params={"identifier": f"|{nhs}"}).json()) == []
    assert server.get("/Patient", params={"identifier": f"{NHS_SYSTEM}|"}).json()["total"] == 1
    from .fhir_data import encounter, observation

    e = _create(server, encounter(f"Patient/{p['id']}"))
    o = _create(server, observation(f"Patient/{p['id']}", f"Encounter/{e['id']}"))
    for q in (
        {"patient": p["id"]},
        {"patient": f"Patient/{p['id']}"},
        {"subject": f"Patient/{p['id']}"},
        {"encounter": f"Encounter/{e['id']}"},
        {"code": "http://snomed.info/sct|27113001"},
    ):
        assert _ids(server.get("/Observation", params=q).json()) == [o["id"]], q
    assert _ids(server.get("/Encounter", params={"patient": p["id"], "status": "finished"}).json()) == [
        e["id"]
    ]


def test_unknown_and_unsupported_parameters_are_refused(server: Client) -> None:
    def issue(r):  # type: ignore[no-untyped-def]
        return r.json()["issue"][0]

    r = server.get("/Task", params={"owner": "Device/1", "colour": "red"})
    assert (
        r.status_code == 400 and issue(r)["code"] == "not-supported" and "colour" in issue(r)["diagnostics"]
    )
    assert server.get("/HealthcareService", params={"status": "active"}).status_code == 400
    assert server.get("/Task", params={"owner:missing": "true"}).status_code == 400
    assert server.get("/Task", params={"_include": "Task:owner"}).status_code == 501
    assert server.get("/Task", params={"_sort": "-_lastUpdated"}).status_code == 501
    assert server.get("/Task", params={"_sort": "_lastUpdated"}).status_code == 200
    assert server.get("/Task", params={"_lastUpdated": "ne2026-01-01"}).status_code == 400
    assert server.get("/Task", params={"_lastUpdated": "gt2026-01-01T10:00:00"}).status_code == 400
    assert server.get("/Task", params={"_lastUpdated": "gtyesterday"}).status_code == 400
    assert server.get("/Task", params={"_count": "ten"}).status_code == 400
    assert server.get("/Task", params={"status": ""}).status_code == 400


@pytest.mark.parametrize("role", ["worker", "supervisor"])
def test_paging_is_stable_across_inserts(server: Client, role: str) -> None:
    """Both search paths: a worker's (filtered by its access rows) on what it wrote, and the
    unfiltered one a supervisor (and everyone reading the directory) pages through."""
    if role == "supervisor":
        server = Client(server.running, server.running.add_device("Test team lead", role="supervisor"))
        res_type, make = "HealthcareService", service
    else:
        res_type, make = "Organization", organization
    made = [_create(server, make(f"Service {i}"))["id"] for i in range(7)]
    first = server.get(f"/{res_type}", params={"_count": "3"}).json()
    assert first["total"] == 7 and _ids(first) == made[:3]
    next_url = next(link["url"] for link in first["link"] if link["relation"] == "next")
    # Writes while the client pages: two new services and an update to one already seen.
    made.append(_create(server, make("Service 7"))["id"])
    seen = server.get(f"/{res_type}/{made[0]}").json()
    seen["name"] = "Service 0 renamed"
    assert server.put(f"/{res_type}/{made[0]}", seen).status_code == 200
    made.append(_create(server, make("Service 8"))["id"])
    rest, bundles = _page_all(server, next_url)
    got = _ids(first) + rest
    # Every resource exactly once in lastUpdated order, then the updated one at the end again.
    assert got == made[:3] + made[3:8] + [made[0]] + made[8:]
    assert all(len(_ids(b)) <= 3 for b in bundles)
    assert all(any(link["relation"] == "self" for link in b["link"]) for b in bundles)
    if role == "supervisor":
        server.http.close()


def test_incremental_pull_by_last_updated(server: Client) -> None:
    for i in range(4):
        _create(server, organization(f"Directory {i}"))
    ids, bundles = _page_all(server, "/Organization?_count=2")
    last = max(e["resource"]["meta"]["lastUpdated"] for b in bundles for e in b.get("entry", []))
    assert len(ids) == 4
    assert server.get("/Organization", params={"_lastUpdated": f"gt{last}"}).json()["total"] == 0
    new = _create(server, organization("Directory 4"))
    assert _ids(server.get("/Organization", params={"_lastUpdated": f"gt{last}"}).json()) == [new["id"]]


def test_count_zero_gives_total_only(server: Client) -> None:
    _create(server, organization("A"))
    b = server.get("/Organization", params={"_count": "0"}).json()
    assert b["total"] == 1 and "entry" not in b


def test_bad_and_expired_cursors(tmp_path: Path) -> None:
    with start_in_thread(f"sqlite:///{tmp_path / 's.db'}", page_ttl_s=0.3) as running:
        client = Client(running, running.add_device("Test laptop"))
        for i in range(3):
            _create(client, organization(f"S{i}"))
        first = client.get("/Organization", params={"_count": "1"}).json()
        next_url = next(link["url"] for link in first["link"] if link["relation"] == "next")
        assert client.get(next_url).status_code == 200
        tampered = next_url[:-3] + ("AAA" if not next_url.endswith("AAA") else "BBB")
        assert client.get(tampered).status_code == 400
        assert client.get("/Organization", params={"_cursor": "garbage"}).status_code == 400
        other_query = next_url.replace("_cursor=", "identifier=x&_cursor=")
        assert client.get(other_query).status_code == 400
        time.sleep(0.5)
        gone = client.get(next_url)
        assert gone.status_code == 410, gone.text
        issue = gone.json()["issue"][0]
        assert (
            issue["details"]["text"] == "restart-search" and "Start the search again" in issue["diagnostics"]
        )
        client.http.close()


@pytest.mark.parametrize("n", [25])
def test_searchset_validates_as_fhir(server: Client, n: int) -> None:
    from fhir.resources.R4B import get_fhir_model_class

    for i in range(n):
        _create(server, organization(f"Svc {i}"))
    b = server.get("/Organization", params={"_count": "10"}).json()
    get_fhir_model_class("Bundle").model_validate(b)
    assert len(b["entry"]) == 10 and b["total"] == n


def test_incremental_pulls_during_concurrent_writes_miss_nothing(server: Client) -> None:
    """Two writers add services while a reader keeps pulling `_lastUpdated=gt<newest seen>`
    in small pages: at the end the reader has every service, none twice."""
    import threading

    import requests

    made: list[str] = []
    lock = threading.Lock()

    def writer(k: int) -> None:
        with requests.Session() as s:
            for i in range(15):
                r = s.post(
                    f"{server.url}/Organization",
                    json=organization(f"W{k}-{i}"),
                    headers=server.headers(),
                    timeout=30,
                )
                assert r.status_code == 201, r.text
                with lock:
                    made.append(r.json()["id"])

    writers = [threading.Thread(target=writer, args=(k,)) for k in range(2)]
    for t in writers:
        t.start()
    seen: list[str] = []
    newest = "1970-01-01T00:00:00.000000Z"
    while True:
        done = not any(t.is_alive() for t in writers)
        url: str | None = f"/Organization?_count=4&_sort=_lastUpdated&_lastUpdated=gt{newest}"
        while url:
            b = server.get(url).json()
            for e in b.get("entry", []):
                seen.append(e["resource"]["id"])
                newest = max(newest, e["resource"]["meta"]["lastUpdated"])
            url = next((link["url"] for link in b["link"] if link["relation"] == "next"), None)
        if done:
            break
    for t in writers:
        t.join()
    assert len(made) == 30
    assert sorted(seen) == sorted(made)  # every one, exactly once


def _statuses(r: requests.Response) -> list[str]:
    assert r.status_code == 200, r.text
    return [e["response"]["status"] for e in r.json()["entry"]]


def test_conditional_create_of_provenance_by_target_and_agent(server: Client) -> None:
    """Provenance has no identifier; the client recognises its own by target and agent."""
    pat_ref = f"Patient/{_create(server, patient(40))['id']}"
    enc_ref = f"Encounter/{_create(server, encounter(pat_ref))['id']}"
    dev_a, dev_b = (f"Device/{_create(server, device())['id']}" for _ in range(2))
    criteria = {"If-None-Exist": f"target={enc_ref}&agent={dev_a}"}
    first = server.post("/Provenance", provenance(enc_ref, dev_a), headers=criteria)
    again = server.post("/Provenance", provenance(enc_ref, dev_a), headers=criteria)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.headers["Location"] == first.headers["Location"]
    assert server.count("Provenance", agent=dev_a, target=enc_ref) == 1
    assert server.count("Provenance", agent=dev_b) == 0
    # In a transaction: the same Provenance matches; one by another agent is new.
    entries = [
        {
            "fullUrl": uid(),
            "resource": provenance(enc_ref, dev),
            "request": {
                "method": "POST",
                "url": "Provenance",
                "ifNoneExist": f"target={enc_ref}&agent={dev}",
            },
        }
        for dev in (dev_a, dev_b)
    ]
    r = server.post("/", {"resourceType": "Bundle", "type": "transaction", "entry": entries})
    assert _statuses(r) == ["200 OK", "201 Created"]
    assert server.count("Provenance") == 2


def test_if_none_exist_may_name_an_earlier_entry_by_urn(server: Client) -> None:
    """A check's Provenance is matched on an Encounter created (or matched) in the same bundle."""
    dev = f"Device/{_create(server, device())['id']}"
    p_url, e_url = uid(), uid()
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            entry_post(patient(41, p_url), p_url),
            entry_post(encounter(p_url, e_url), e_url),
            {
                "fullUrl": uid(),
                "resource": provenance(e_url, dev),
                "request": {
                    "method": "POST",
                    "url": "Provenance",
                    "ifNoneExist": f"target={e_url}&agent={dev}",
                },
            },
        ],
    }
    first = server.post("/", bundle)
    assert _statuses(first) == ["201 Created"] * 3
    enc_ref = first.json()["entry"][1]["response"]["location"].rsplit("/_history/", 1)[0]
    assert server.count("Provenance", target=enc_ref, agent=dev) == 1
    assert _statuses(server.post("/", bundle)) == ["200 OK"] * 3
    assert server.count("Provenance") == 1


def test_older_databases_are_reindexed_for_new_search_parameters(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    with start_in_thread(url) as running:
        client = Client(running, running.add_device("Test laptop 1"))
        dev = f"Device/{_create(client, device())['id']}"
        _create(client, provenance(dev, dev))
        client.http.close()
    # Make it look like a database indexed before Provenance had an 'agent' parameter.
    store = Store(url)
    si, meta = db.search_index, db.server_meta
    with store.engine.begin() as conn:
        conn.execute(delete(si).where(si.c.param == "agent"))
        conn.execute(delete(meta).where(meta.c.key == INDEX_KEY))
    store.close()
    with start_in_thread(url) as running:
        client = Client(running, running.add_device("Team lead", role="supervisor"))
        assert client.count("Provenance", agent=dev) == 1
        client.http.close()


def test_identifier_search_with_sixty_alternatives_and_count(server: Client) -> None:
    """The client reconciles by asking for up to 50 identifiers at once, a page at a time."""
    values = [uid() for _ in range(60)]
    entries = [entry_post(patient(100 + i, v), v) for i, v in enumerate(values)]
    r = server.post("/", {"resourceType": "Bundle", "type": "transaction", "entry": entries})
    assert r.status_code == 200, r.text
    _create(server, patient(200))  # one that must not match
    query = ",".join(f"{UUID_SYSTEM}|{v}" for v in values)
    first = server.get("/Patient", params={"identifier": query, "_count": "25"})
    assert first.json()["total"] == 60 and len(first.json()["entry"]) == 25
    ids, bundles = _page_all(server, first.url)
    assert len(ids) == len(set(ids)) == 60
    assert [len(b["entry"]) for b in bundles] == [25, 25, 10]
