""" "Sent" means stored: answers that look like success but are not are never taken as sent.

A small loopback HTTP server stands in for servers that answer a transaction with 200 and
failed entries inside, or 200 with no body at all; the real reference server is used for
reviews that arrive before their check can be matched."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from outreach.fhir.identifiers import CHECK_SYSTEM
from outreach.store import sync_state
from outreach.store.local_store import LocalStore
from sync import parts
from sync.backoff import Backoff
from sync.engine import SyncConfig, SyncEngine
from sync.server.serving import RunningServer
from tests.fakes import FakeClock
from tests.sync.bundles import check_bundle
from tests.sync.conftest import make_engine, pending
from tests.sync.server_calls import post

Answer = Callable[[dict[str, Any]], tuple[int, bytes]]
NO_WAIT = Backoff(base_s=0.001, cap_s=0.001)  # each run retries what the last one left


class _Stub:
    """A loopback FHIR endpoint whose transaction answers a test chooses; searches find nothing."""

    def __init__(self, answer: Answer) -> None:
        stub = self
        self.posts: list[dict[str, Any]] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.posts.append(body)
                status, payload = answer(body)
                self._reply(status, payload)

            def do_GET(self) -> None:
                empty = {"resourceType": "Bundle", "type": "searchset", "total": 0}
                self._reply(200, json.dumps(empty).encode())

            def _reply(self, status: int, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def one_failed_entry(bundle: dict[str, Any]) -> tuple[int, bytes]:
    """200 transaction-response: every entry created except the last, refused with 429."""
    entries = []
    for n, entry in enumerate(bundle["entry"]):
        if n == len(bundle["entry"]) - 1:
            outcome = {
                "resourceType": "OperationOutcome",
                "issue": [{"severity": "error", "code": "throttled", "diagnostics": "Quota exceeded"}],
            }
            entries.append({"response": {"status": "429 Too Many Requests", "outcome": outcome}})
        else:
            rtype = entry["request"]["url"]
            entries.append({"response": {"status": "201 Created", "location": f"{rtype}/s{n}/_history/1"}})
    body = {"resourceType": "Bundle", "type": "transaction-response", "entry": entries}
    return 200, json.dumps(body).encode()


@pytest.fixture
def stub_for() -> Iterator[Callable[[Answer], _Stub]]:
    made: list[_Stub] = []

    def make(answer: Answer) -> _Stub:
        made.append(_Stub(answer))
        return made[-1]

    yield make
    for stub in made:
        stub.close()


def engine(store: LocalStore, url: str) -> SyncEngine:
    config = SyncConfig(server_url=url, concurrency=1, timeout=(2.0, 5.0), max_wait_s=0.0, max_passes=1)
    return SyncEngine(store, config, "test-token", builder=check_bundle, clock=FakeClock())


def test_a_200_transaction_response_with_one_failed_entry_is_never_sent(
    store: LocalStore, stub_for: Callable[[Answer], _Stub]
) -> None:
    stub = stub_for(one_failed_entry)
    report = engine(store, stub.url).run_once()
    assert stub.posts, "nothing was sent"
    assert report.sent == 0
    assert store.outbox.list(("sent",)) == []
    item = store.outbox.list()[0]
    assert item.state == "failed" and "Partly sent" in (item.last_error or "")
    # What the server did confirm is remembered, so a retry sends only the rest.
    confirmed = sync_state.confirmed_entries(store, stub.url)
    first_part = parts.entries_of(stub.posts[0])
    assert first_part[-1].full_url not in confirmed
    assert all(e.full_url in confirmed for e in first_part[:-1])
    assert "Quota exceeded" in (sync_state.item_detail(store, item.id) or "")


@pytest.mark.parametrize(
    "answer",
    [
        lambda b: (200, b""),  # a bare 2xx: Prefer honoured as "minimal", or a proxy
        lambda b: (201, json.dumps({"resourceType": "OperationOutcome", "issue": []}).encode()),
        lambda b: (200, json.dumps({"resourceType": "Bundle", "type": "transaction-response"}).encode()),
    ],
    ids=["empty body", "an OperationOutcome", "no entries"],
)
def test_a_success_that_confirms_nothing_is_not_sent(
    answer: Answer, store: LocalStore, stub_for: Callable[[Answer], _Stub]
) -> None:
    stub = stub_for(answer)
    report = engine(store, stub.url).run_once()
    assert stub.posts and report.sent == 0
    assert store.outbox.list(("sent",)) == []
    assert sync_state.confirmed_entries(store, stub.url) == {}


def test_a_review_that_arrives_before_its_check_can_be_matched_is_kept_and_matched_later(
    store: LocalStore, server: RunningServer, token: str
) -> None:
    item = store.outbox.list()[0]
    # Every transaction answer is lost: the server stores the records, the laptop learns only
    # what it asks for, one part per run, and never the Encounter's id.
    server.faults.drop_after_commit(times=None, method="POST", path="/")
    query = [("identifier", f"{CHECK_SYSTEM}|{item.check_id}")]
    for _ in range(4):
        make_engine(store, server, token, max_passes=1, max_wait_s=0.0, backoff=NO_WAIT).run_once()
        found = server.store.search("Encounter", query)[0]
        if found.versions:
            break
    assert store.outbox.get(item.id).state != "sent"
    (encounter,) = found.versions
    # The supervisor reviews the check on the shared record, naming the server's Encounter.
    post(
        server,
        token,
        {
            "resourceType": "Task",
            "status": "requested",
            "intent": "order",
            "description": "Please repeat the blood pressure",
            "focus": {"reference": f"Encounter/{encounter.res_id}"},
            "authoredOn": "2026-12-01T10:00:00Z",
        },
    )
    # The next run cannot ask about the Encounter either (the search fails), but the review
    # comes down: it is kept, sealed, not shown, and the cursor moves past it.
    server.faults.error_500(times=None, method="GET", path="/Encounter")
    report = make_engine(store, server, token, max_passes=1, max_wait_s=0.0, backoff=NO_WAIT).run_once()
    reviews = {p.kind: p for p in report.pulled}["reviews"]
    assert reviews.kept == 1 and sync_state.list_reviews(store) == []
    # Back to normal: the check is found on the server, and its review joins it.
    server.faults.clear()
    make_engine(store, server, token).run_once()
    assert pending(store) == []
    (review,) = sync_state.reviews_for_check(store, item.check_id)
    assert review.summary == "Please repeat the blood pressure"


def test_instants_are_compared_as_instants_not_as_text() -> None:
    from sync.pull import _later, instant

    assert instant("2026-12-01T10:00:00Z") == instant("2026-12-01T10:00:00.000+00:00")
    # As text "…:00.5+00:00" sorts before "…:00Z"; as instants it is later.
    assert _later(instant("2026-12-01T10:00:00.5+00:00"), "2026-12-01T10:00:00Z")  # type: ignore[arg-type]
    assert not _later(instant("2026-12-01T11:00:00+02:00"), "2026-12-01T10:00:00Z")  # type: ignore[arg-type]
    assert instant("2026-12-01") is None and instant("garbage") is None


def test_the_same_part_never_refers_to_itself() -> None:
    """Parts hold only entries whose references are confirmed: nothing in a part can dangle,
    however a server processes it."""
    entries = parts.entries_of(
        {
            "entry": [
                {
                    "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000001",
                    "resource": {"resourceType": "Patient"},
                    "request": {"method": "POST", "url": "Patient"},
                },
                {
                    "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000002",
                    "resource": {
                        "resourceType": "Encounter",
                        "subject": {"reference": "urn:uuid:00000000-0000-4000-8000-000000000001"},
                    },
                    "request": {"method": "POST", "url": "Encounter"},
                },
            ]
        }
    )
    assert [e.resource_type for e in parts.ready(entries, {})] == ["Patient"]
    confirmed = {"urn:uuid:00000000-0000-4000-8000-000000000001": "Patient/7"}
    (enc,) = parts.ready(entries, confirmed)
    assert parts.rewrite(enc, confirmed)["resource"]["subject"] == {"reference": "Patient/7"}
    assert parts.reference_of("https://x.example/fhir/Patient/7/_history/2") == "Patient/7"
    assert parts.status_code("201 Created") == 201 and parts.status_code(" 429") == 429
