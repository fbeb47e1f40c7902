"""The test-only fault hooks the sync fault tests rely on, each shown to do what it says."""

from __future__ import annotations

import time

import pytest
import requests

from sync.server.faults import Faults

from .conftest import Client
from .fhir_data import UUID_SYSTEM, check_bundle


def _faults(server: Client) -> Faults:
    assert server.running.faults is not None
    return server.running.faults


def test_drop_before_request_reaches_nothing(sqlite_server: Client) -> None:
    _faults(sqlite_server).drop_before_request()
    with pytest.raises(requests.ConnectionError):
        sqlite_server.post("/", check_bundle(1))
    assert sqlite_server.count("Patient") == 0
    assert sqlite_server.post("/", check_bundle(1)).status_code == 200
    assert _faults(sqlite_server).fired[0][0] == "drop_before_request"


def test_drop_after_commit_then_resend_gives_one_copy(sqlite_server: Client) -> None:
    bundle = check_bundle(2)
    _faults(sqlite_server).drop_after_commit(method="POST", path="/")
    with pytest.raises(requests.ConnectionError):
        sqlite_server.post("/", bundle)
    assert sqlite_server.count("Encounter") == 1  # it committed
    r = sqlite_server.post("/", bundle)
    assert r.status_code == 200
    assert {e["response"]["status"] for e in r.json()["entry"]} == {"200 OK"}
    enc_uuid = next(
        i["value"] for i in bundle["entry"][1]["resource"]["identifier"] if i["system"] == UUID_SYSTEM
    )
    assert sqlite_server.count("Encounter", identifier=f"{UUID_SYSTEM}|{enc_uuid}") == 1
    assert sqlite_server.running.store.count("Encounter", identifier=(UUID_SYSTEM, enc_uuid)) == 1
    assert sqlite_server.count("Observation") == 2


def test_500_and_503_commit_nothing(sqlite_server: Client) -> None:
    f = _faults(sqlite_server)
    f.error_500(path="/")
    r = sqlite_server.post("/", check_bundle(3))
    assert r.status_code == 500 and r.json()["resourceType"] == "OperationOutcome"
    f.unavailable_503(retry_after=7, times=2)
    for _ in range(2):
        r = sqlite_server.post("/", check_bundle(3))
        assert r.status_code == 503 and r.headers["Retry-After"] == "7"
        assert r.json()["issue"][0]["code"] == "transient"
    assert f.pending() == 0
    assert sqlite_server.count("Patient") == 0


def test_faults_match_method_and_path_only(sqlite_server: Client) -> None:
    f = _faults(sqlite_server)
    f.error_500(method="POST", path="/")
    assert sqlite_server.get("/Patient").status_code == 200
    assert f.pending() == 1
    assert sqlite_server.post("/", check_bundle(4)).status_code == 500


def test_delay_lets_a_client_time_out(sqlite_server: Client) -> None:
    _faults(sqlite_server).delay(1.0, path="/Patient")
    t0 = time.monotonic()
    with pytest.raises(requests.Timeout):
        requests.get(f"{sqlite_server.url}/Patient", headers=sqlite_server.headers(), timeout=0.3)
    assert time.monotonic() - t0 < 1.0
    assert sqlite_server.get("/Patient").status_code == 200


def test_malformed_json_after_commit(sqlite_server: Client) -> None:
    _faults(sqlite_server).malformed_json(path="/")
    r = sqlite_server.post("/", check_bundle(5))
    assert r.status_code == 200
    with pytest.raises(ValueError):
        r.json()
    assert sqlite_server.count("Patient") == 1


def test_reject_token_and_until_cleared(sqlite_server: Client) -> None:
    f = _faults(sqlite_server)
    f.reject_token(times=None)
    for _ in range(3):
        r = sqlite_server.get("/Patient")
        assert r.status_code == 401 and "invalid_token" in r.headers["WWW-Authenticate"]
    f.clear()
    assert sqlite_server.get("/Patient").status_code == 200


def test_no_http_route_to_faults(sqlite_server: Client) -> None:
    for path in ("/faults", "/_faults", "/$faults"):
        assert sqlite_server.post(path, {"kind": "error_500"}).status_code in (404, 501)
    assert _faults(sqlite_server).pending() == 0


def test_oversized_request_is_413(sqlite_server: Client) -> None:
    bundle = check_bundle(6)
    bundle["entry"][0]["resource"]["name"][0]["text"] = "x" * 70_000
    r = sqlite_server.post("/", bundle)
    assert r.status_code == 413 and r.json()["issue"][0]["code"] == "too-long"


def test_early_answers_reach_a_client_that_sent_a_large_body(sqlite_server: Client) -> None:
    """Refusals made before reading the body (faults, 401) must not turn into connection resets."""
    bundle = check_bundle(7)
    bundle["entry"][0]["resource"]["name"][0]["text"] = "y" * 200_000
    f = _faults(sqlite_server)
    for _ in range(5):
        f.unavailable_503(retry_after=1)
        assert sqlite_server.post("/", bundle).status_code == 503
        r = requests.post(
            f"{sqlite_server.url}/",
            json=bundle,
            headers={"Content-Type": "application/fhir+json"},
            timeout=10,
        )
        assert r.status_code == 401
    assert sqlite_server.count("Patient") == 0
