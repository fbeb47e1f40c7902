"""What an attacker or a broken client on the network can do to the server: nothing it logs
may carry patient data or a line of the client's making, its files are the server user's
own, and every refusal is an OperationOutcome with a 4xx status, never a 5xx."""

from __future__ import annotations

import logging
import os
import socket
import stat
from pathlib import Path

import pytest
import requests

from sync.server.capability import LIMIT_EXTENSION
from sync.server.store import Store

from .conftest import Client
from .fhir_data import NHS_SYSTEM, check_bundle, nhs_number, patient


def _outcome(r: requests.Response, status: int) -> dict:
    assert r.status_code == status, (r.status_code, r.text[:300])
    body = r.json()
    assert body["resourceType"] == "OperationOutcome", body
    return body["issue"][0]


def _server_log(caplog: pytest.LogCaptureFixture) -> str:
    """Everything the server and its database layer logged (not the test's HTTP client)."""
    return "\n".join(
        rec.getMessage() + (rec.exc_text or "")
        for rec in caplog.records
        if rec.name.startswith(("outreach", "sqlalchemy", "sync"))
    )


# --- item 2: a client's oversized search is its error, and no value reaches the log ----------


def test_a_thousand_ored_identifiers_is_400_and_logs_no_nhs_number(
    server: Client, caplog: pytest.LogCaptureFixture
) -> None:
    numbers = [nhs_number(n) for n in range(1, 1001)]
    with caplog.at_level(logging.DEBUG):
        r = server.get("/Patient", params={"identifier": ",".join(f"{NHS_SYSTEM}|{n}" for n in numbers)})
    issue = _outcome(r, 400)
    assert issue["code"] == "too-costly" and "100 alternatives" in issue["diagnostics"]
    assert "Retry-After" not in r.headers
    logged = _server_log(caplog)
    assert logged and not any(n in logged for n in numbers)
    # Many parameters of a few values each add up too.
    many = [
        ("identifier", ",".join(f"{NHS_SYSTEM}|{n}" for n in numbers[i : i + 50])) for i in range(0, 250, 50)
    ]
    assert _outcome(server.get("/Patient", params=many), 400)["code"] == "too-costly"
    # The limit is stated where a client looks for it.
    meta = server.get("/metadata").json()
    assert "100 alternatives" in meta["rest"][0]["documentation"]
    # At the limit the search works.
    ok = server.get("/Patient", params={"identifier": ",".join(f"{NHS_SYSTEM}|{n}" for n in numbers[:100])})
    assert ok.status_code == 200, ok.text


def test_a_database_failure_never_logs_its_parameters(
    sqlite_server: Client, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    secret = nhs_number(77)

    def broken(*_a: object, **_k: object) -> None:
        raise OperationalError("SELECT ... WHERE value = ?", (secret,), Exception(f"locked near {secret}"))

    monkeypatch.setattr(sqlite_server.running.store, "search", broken)
    with caplog.at_level(logging.DEBUG):
        r = sqlite_server.get("/Patient", params={"identifier": f"{NHS_SYSTEM}|{secret}"})
    _outcome(r, 503)
    logged = _server_log(caplog)
    assert "OperationalError" in logged and secret not in logged


# --- item 3: no log forging ------------------------------------------------------------


def test_control_characters_in_the_path_cannot_forge_a_log_line(
    sqlite_server: Client, caplog: pytest.LogCaptureFixture
) -> None:
    forged = "2026-12-01 23:59:59,000 INFO outreach.server: POST / 200 FORGED-DEVICE 1.0ms"
    with caplog.at_level(logging.INFO, logger="outreach.server"):
        r = requests.get(f"{sqlite_server.url}/Patient%0A{forged.replace(' ', '%20')}%0D%1B[2J", timeout=10)
    _outcome(r, 401)
    lines = [rec.getMessage() for rec in caplog.records if rec.name == "outreach.server"]
    assert lines and all("\n" not in m and "\r" not in m and "\x1b" not in m for m in lines)
    assert any("\\x0a2026-12-01" in m for m in lines)


# --- item 4: the database files are the server user's own ------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_sqlite_database_and_wal_are_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        db = tmp_path / "shared.db"
        store = Store(f"sqlite:///{db}")
        try:
            store.add_device("Test laptop 1")
            files = [db, db.with_name("shared.db-wal"), db.with_name("shared.db-shm")]
            assert all(f.exists() for f in files)
            for f in files:
                assert stat.S_IMODE(f.stat().st_mode) == 0o600, f.name
        finally:
            store.close()
        # A database left world-readable by an older version is closed up on start.
        os.chmod(db, 0o644)
        Store(f"sqlite:///{db}").close()
        assert stat.S_IMODE(db.stat().st_mode) == 0o600
    finally:
        os.umask(old)


# --- item 5: the inputs that gave 500s, HTML or an empty 405 --------------------------------


def _nested(depth: int) -> dict:
    value: dict = {"url": "http://example.org/x", "valueString": "leaf"}
    for _ in range(depth):
        value = {"url": "http://example.org/x", "extension": [value]}
    return value


def test_deep_json_is_400(sqlite_server: Client) -> None:
    deep = "[" * 5000 + "]" * 5000
    r = requests.post(
        f"{sqlite_server.url}/Patient",
        data=deep,
        headers=sqlite_server.headers(),
        timeout=30,
    )
    assert _outcome(r, 400)["code"] == "structure"
    p = patient(1)
    p["extension"] = [_nested(200)]
    assert _outcome(sqlite_server.post("/Patient", p), 400)["code"] == "structure"
    bundle = check_bundle(1)
    bundle["entry"][0]["resource"]["extension"] = [_nested(150)]
    assert _outcome(sqlite_server.post("/", bundle), 400)["code"] == "structure"
    # Ordinary nesting still works.
    p = patient(2)
    p["extension"] = [_nested(5)]
    assert sqlite_server.post("/Patient", p).status_code == 201


def test_a_huge_etag_is_400(sqlite_server: Client) -> None:
    created = sqlite_server.post("/Patient", patient(1)).json()
    r = sqlite_server.put(
        f"/Patient/{created['id']}", created, headers={"If-Match": 'W/"' + "9" * 5000 + '"'}
    )
    assert _outcome(r, 400)["code"] == "value"


def test_a_100k_id_is_an_operation_outcome(sqlite_server: Client) -> None:
    r = sqlite_server.get("/Patient/" + "a" * 100_000)
    issue = _outcome(r, 414)
    assert issue["code"] == "too-long"
    r = sqlite_server.get("/Patient/" + "a" * 5_000)
    assert _outcome(r, 414)["code"] == "too-long"


def test_head_is_answered_as_get_without_a_body(sqlite_server: Client) -> None:
    created = sqlite_server.post("/Patient", patient(1)).json()
    r = requests.head(
        f"{sqlite_server.url}/Patient/{created['id']}", headers=sqlite_server.headers(), timeout=10
    )
    assert r.status_code == 200 and r.headers["ETag"] == 'W/"1"' and r.content == b""
    assert int(r.headers["Content-Length"]) > 0
    r = requests.head(f"{sqlite_server.url}/Patient/nope", headers=sqlite_server.headers(), timeout=10)
    assert r.status_code == 404 and r.headers["Content-Type"].startswith("application/fhir+json")


def test_a_malformed_request_line_is_an_operation_outcome(sqlite_server: Client) -> None:
    host, port = sqlite_server.url.rsplit("//", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(b"GET /Patient HTTP/9.9 extra\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.") and b" 400 " in head.split(b"\r\n")[0]
    assert b"application/fhir+json" in head and b'"OperationOutcome"' in body


# --- item 1: one device cannot hold every other device's writes -------------------------------


def _observations(n: int) -> dict:
    """A transaction of one Patient, one Encounter and n-2 Observations."""
    from .fhir_data import encounter, entry_post, observation, uid

    p = entry_post(patient(1), f"urn:uuid:{uid()}")
    e = entry_post(encounter(p["fullUrl"]), f"urn:uuid:{uid()}")
    obs = [entry_post(observation(p["fullUrl"], e["fullUrl"]), f"urn:uuid:{uid()}") for _ in range(n - 2)]
    return {"resourceType": "Bundle", "type": "transaction", "entry": [p, e, *obs]}


def test_a_transaction_over_the_entry_cap_is_413_and_the_cap_is_declared(server: Client) -> None:
    meta = server.get("/metadata").json()["rest"][0]
    ext = {e["url"].removeprefix(LIMIT_EXTENSION): e for e in meta["extension"]}
    cap = ext["transaction-entries"]["valueUnsignedInt"]
    assert cap == 500 and "at most 500 entries" in meta["documentation"]
    r = server.post("/", _observations(cap + 1))
    assert _outcome(r, 413)["code"] == "too-costly"
    assert server.count("Patient") == 0
    assert server.post("/", _observations(cap)).status_code == 200


def test_a_write_that_holds_the_database_too_long_is_rolled_back(tmp_path: Path) -> None:
    from sync.server.serving import start_in_thread

    with start_in_thread(f"sqlite:///{tmp_path / 's.db'}", max_write_s=0.0) as running:
        client = Client(running, running.add_device("Test laptop 1"))
        issue = _outcome(client.post("/", _observations(40)), 413)
        assert issue["code"] == "too-costly" and "smaller parts" in issue["diagnostics"]
        assert client.count("Patient") == 0 and client.count("Observation") == 0
        client.http.close()


def test_writes_take_turns_between_devices() -> None:
    """Device A has four writes queued when B's one arrives: B's goes second, not fifth."""
    import threading

    from sync.server.store import WriterQueue

    q = WriterQueue()
    order: list[str] = []
    hold = threading.Event()

    def write(name: str, device: str) -> None:
        with q.turn(device):
            order.append(name)
            if name == "a1":
                hold.wait(10)

    threads = [threading.Thread(target=write, args=("a1", "A"))]
    threads[0].start()
    assert _wait(q.locked)
    for name, dev in (("a2", "A"), ("a3", "A"), ("a4", "A"), ("b1", "B")):
        t = threading.Thread(target=write, args=(name, dev))
        t.start()
        threads.append(t)
        queued = len(threads) - 1
        assert _wait(lambda: _waiting(q) == queued)  # noqa: B023 - called before the loop moves on
    hold.set()
    for t in threads:
        t.join(10)
    assert order == ["a1", "a2", "b1", "a3", "a4"]


def test_a_write_that_cannot_start_in_time_is_503_with_retry_after() -> None:
    from sync.server.errors import FhirError
    from sync.server.store import WriterQueue

    q = WriterQueue(max_wait_s=0.2)
    with q.turn("A"), pytest.raises(FhirError) as caught, q.turn("B"):
        pass
    assert caught.value.status == 503 and caught.value.headers["Retry-After"]
    with q.turn("B"):  # the queue is usable afterwards
        assert q.locked()


def _waiting(q: object) -> int:
    return sum(len(line) for line in q._lines.values())  # type: ignore[attr-defined]


def _wait(pred: object, timeout: float = 5.0) -> bool:
    from .conftest import wait_until

    return wait_until(pred, timeout)
