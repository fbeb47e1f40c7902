"""Single-resource interactions over real HTTP, on SQLite and PostgreSQL: metadata, create,
conditional create, read, vread, update with If-Match, Prefer, and the errors around them."""

from __future__ import annotations

import re

import requests
from fhir.resources.R4B import get_fhir_model_class

from sync.server.resource_types import SUPPORTED_TYPES

from .conftest import FHIR_JSON, Client
from .fhir_data import NHS_SYSTEM, encounter, nhs_number, patient


def _outcome(r: requests.Response, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith(FHIR_JSON)
    body = r.json()
    assert body["resourceType"] == "OperationOutcome"
    issue = body["issue"][0]
    assert issue["severity"] in ("error", "fatal") and issue["diagnostics"]
    if code:
        assert issue["code"] == code, issue
    return issue


def test_metadata_needs_no_token_and_lists_exactly_what_is_supported(server: Client) -> None:
    r = requests.get(f"{server.url}/metadata", timeout=10)
    assert r.status_code == 200
    cs = r.json()
    get_fhir_model_class("CapabilityStatement").model_validate(cs)
    rest = cs["rest"][0]
    assert [x["type"] for x in rest["resource"]] == list(SUPPORTED_TYPES)
    assert rest["interaction"] == [{"code": "transaction"}]
    task = next(x for x in rest["resource"] if x["type"] == "Task")
    assert {p["name"] for p in task["searchParam"]} >= {
        "_lastUpdated",
        "owner",
        "status",
        "focus",
        "identifier",
    }
    assert {i["code"] for i in task["interaction"]} == {"read", "vread", "update", "create", "search-type"}
    assert "Strict" in rest["documentation"]


def test_create_read_vread_with_headers(server: Client) -> None:
    r = server.post("/Patient", patient(1))
    assert r.status_code == 201, r.text
    loc = r.headers["Location"]
    m = re.fullmatch(re.escape(server.url) + r"/Patient/([A-Za-z0-9\-.]+)/_history/1", loc)
    assert m, loc
    pid = m.group(1)
    assert r.headers["ETag"] == 'W/"1"'
    assert r.headers["Last-Modified"].endswith("GMT")
    body = r.json()
    assert body["id"] == pid and body["meta"]["versionId"] == "1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", body["meta"]["lastUpdated"])

    got = server.get(f"/Patient/{pid}")
    assert got.status_code == 200 and got.headers["ETag"] == 'W/"1"'
    assert got.json() == body
    v1 = server.get(f"/Patient/{pid}/_history/1")
    assert v1.status_code == 200 and v1.json() == body
    _outcome(server.get(f"/Patient/{pid}/_history/2"), 404, "not-found")
    _outcome(server.get("/Patient/no-such-id"), 404, "not-found")


def test_create_ignores_client_id_and_overwrites_meta(server: Client) -> None:
    p = patient(2)
    p["id"] = "client-chosen"
    p["meta"] = {"versionId": "99", "profile": ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"]}
    body = server.post("/Patient", p).json()
    assert body["id"] != "client-chosen"
    assert body["meta"]["versionId"] == "1"
    assert body["meta"]["profile"] == p["meta"]["profile"]


def test_conditional_create_header_returns_200_and_existing_location(server: Client) -> None:
    p = patient(3)
    crit = f"identifier={NHS_SYSTEM}|{nhs_number(3)}"
    first = server.post("/Patient", p, headers={"If-None-Exist": crit})
    assert first.status_code == 201
    again = server.post("/Patient", p, headers={"If-None-Exist": crit})
    assert again.status_code == 200
    assert again.headers["Location"] == first.headers["Location"]
    assert again.json()["id"] == first.json()["id"]
    assert server.count("Patient") == 1


def test_conditional_create_with_several_matches_is_412(server: Client) -> None:
    a = encounter("Patient/x")
    a.pop("subject")
    server.post("/Encounter", a)
    b = encounter("Patient/x")
    b.pop("subject")
    server.post("/Encounter", b)
    _outcome(
        server.post("/Encounter", a, headers={"If-None-Exist": "status=finished"}), 412, "multiple-matches"
    )


def test_same_identifier_on_a_second_resource_is_409(server: Client) -> None:
    server.post("/Patient", patient(4))
    _outcome(server.post("/Patient", patient(4)), 409, "duplicate")
    assert server.count("Patient") == 1


def test_update_with_if_match_and_stale_version(server: Client) -> None:
    created = server.post("/Patient", patient(5)).json()
    pid = created["id"]
    created["gender"] = "female"
    ok = server.put(f"/Patient/{pid}", created, headers={"If-Match": 'W/"1"'})
    assert ok.status_code == 200, ok.text
    assert ok.headers["ETag"] == 'W/"2"'
    assert ok.json()["meta"]["versionId"] == "2"
    assert ok.json()["meta"]["lastUpdated"] > created["meta"]["lastUpdated"]
    created["gender"] = "male"
    _outcome(server.put(f"/Patient/{pid}", created, headers={"If-Match": 'W/"1"'}), 412, "conflict")
    assert server.get(f"/Patient/{pid}").json()["gender"] == "female"
    # history keeps every version
    assert server.get(f"/Patient/{pid}/_history/1").json()["gender"] == "unknown"
    assert server.get(f"/Patient/{pid}/_history/2").json()["gender"] == "female"


def test_put_creates_with_client_id_and_identical_put_changes_nothing(server: Client) -> None:
    p = patient(6)
    p["id"] = "pat-6"
    r = server.put("/Patient/pat-6", p)
    assert r.status_code == 201 and r.headers["ETag"] == 'W/"1"'
    again = server.put("/Patient/pat-6", p)
    assert again.status_code == 200 and again.headers["ETag"] == 'W/"1"'
    assert again.json()["meta"]["lastUpdated"] == r.json()["meta"]["lastUpdated"]
    _outcome(server.put("/Patient/pat-7", p), 400, "invalid")  # id in body must match the URL
    _outcome(server.put("/Patient/pat-8", {**p, "id": "pat-8"}, headers={"If-Match": 'W/"1"'}), 412)


def test_prefer_minimal_and_operation_outcome(server: Client) -> None:
    r = server.post("/Patient", patient(7), headers={"Prefer": "return=minimal"})
    assert r.status_code == 201 and r.content == b"" and r.headers["Location"]
    r = server.post("/Patient", patient(8), headers={"Prefer": "return=OperationOutcome"})
    assert r.status_code == 201 and r.json()["resourceType"] == "OperationOutcome"


def test_authentication_and_revocation(server: Client) -> None:
    r = requests.get(f"{server.url}/Patient", timeout=10)
    assert _outcome(r, 401, "login") and "Bearer" in r.headers["WWW-Authenticate"]
    _outcome(
        requests.get(f"{server.url}/Patient", headers={"Authorization": "Bearer nope"}, timeout=10),
        401,
        "login",
    )
    store = server.running.store
    token = store.add_device("Test laptop 2")
    assert server.get("/Patient", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert store.revoke_device("Test laptop 2")
    issue = _outcome(server.get("/Patient", headers={"Authorization": f"Bearer {token}"}), 403, "forbidden")
    assert "revoked" in issue["diagnostics"] and "Contact" in issue["diagnostics"]
    assert issue["details"]["text"] == "device-revoked"
    # the first device is unaffected, and the token itself is not stored
    assert server.get("/Patient").status_code == 200
    from sqlalchemy import text

    with store.engine.connect() as conn:
        hashes = [row[0] for row in conn.execute(text("SELECT token_hash FROM devices"))]
    assert token not in hashes and server.token not in hashes


def test_errors_are_operation_outcomes(server: Client) -> None:
    h = server.headers()
    _outcome(
        requests.post(f"{server.url}/Patient", data=b"{not json", headers=h, timeout=10), 400, "structure"
    )
    bad = patient(9)
    bad["birthDate"] = "not a date"
    _outcome(server.post("/Patient", bad), 400, "structure")
    _outcome(server.post("/Patient", {**patient(9), "madeUp": 1}), 400, "structure")
    _outcome(server.post("/Patient", encounter("Patient/x")), 400, "invalid")
    _outcome(server.post("/MedicationRequest", {"resourceType": "MedicationRequest"}), 404, "not-supported")
    _outcome(server.get("/MedicationRequest/1"), 404, "not-supported")
    _outcome(requests.delete(f"{server.url}/Patient/1", headers=h, timeout=10), 501, "not-supported")
    _outcome(
        requests.patch(f"{server.url}/Patient/1", data=b"[]", headers=h, timeout=10), 501, "not-supported"
    )
    _outcome(server.get("/Patient/_history"), 501, "not-supported")
    _outcome(server.get("/Patient/1/_history"), 501, "not-supported")
    _outcome(server.get("/_history"), 501, "not-supported")
    _outcome(server.get("/Patient/$everything"), 501, "not-supported")
    r = server.post("/Patient/1", patient(9))
    _outcome(r, 405, "not-supported")
    assert r.headers["Allow"] == "GET, PUT"
    ctype = {**h, "Content-Type": "application/xml"}
    _outcome(
        requests.post(f"{server.url}/Patient", data=b"<Patient/>", headers=ctype, timeout=10),
        415,
        "not-supported",
    )
    xml = {**h, "Accept": "application/fhir+xml"}
    _outcome(requests.get(f"{server.url}/Patient", headers=xml, timeout=10), 406, "not-supported")
    _outcome(server.get("/Patient/bad id!"), 400)
    too_long = patient(10)
    too_long["identifier"][1]["value"] = "urn:uuid:" + "9" * 600
    _outcome(server.post("/Patient", too_long), 400, "too-long")
    long_code = patient(11)
    long_code["maritalStatus"] = {"coding": [{"system": "http://example.org", "code": "x" * 600}]}
    assert server.post("/Patient", long_code).status_code == 201  # stored, just not searchable by that code
