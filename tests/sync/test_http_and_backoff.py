"""The Session wrapper's rules and the backoff arithmetic."""

from __future__ import annotations

import random
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from outreach.errors import NetworkError
from sync.backoff import Backoff
from sync.connectivity import shared_record_reachable
from sync.http import USER_AGENT, Answer, FhirHttp, parse_retry_after
from sync.server.serving import RunningServer


def test_retry_after_in_seconds_or_as_a_date() -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now) == pytest.approx(
        90
    )
    assert parse_retry_after(format_datetime(now - timedelta(seconds=5), usegmt=True), now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_full_jitter_stays_under_the_doubling_ceiling_and_respects_retry_after() -> None:
    backoff = Backoff(base_s=2.0, cap_s=60.0, rng=random.Random(3))
    for attempt in range(1, 12):
        delays = [backoff.delay(attempt) for _ in range(200)]
        ceiling = min(60.0, 2.0 * 2 ** (attempt - 1))
        assert all(0.0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # spread over the whole range, not bunched
    assert all(backoff.delay(1, retry_after=30.0) >= 30.0 for _ in range(50))


def test_tls_is_always_verified_and_plain_http_only_on_this_computer(tmp_path: object) -> None:
    http = FhirHttp("https://shared-record.example.org/fhir", "secret-token-value")
    assert http._session.verify is True and http._session.headers["User-Agent"] == USER_AGENT
    assert "secret-token-value" not in repr(http)
    bundle = FhirHttp("https://shared-record.example.org/fhir", "t", ca_bundle="/etc/org-ca.pem")
    assert bundle._session.verify == "/etc/org-ca.pem"
    with pytest.raises(NetworkError, match="https"):
        FhirHttp("http://shared-record.example.org/fhir", "t")
    # A paging link to another site would carry our token there: refused.
    with pytest.raises(NetworkError, match="another site"):
        http.url_for("https://elsewhere.example.net/Task?page=2")
    assert http.url_for("Task") == "https://shared-record.example.org/fhir/Task"


def test_reachability(server: RunningServer) -> None:
    assert shared_record_reachable(server.url)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert not shared_record_reachable(f"http://127.0.0.1:{port}")
    assert not shared_record_reachable("")


def test_search_matches_are_read_one_way_for_every_caller() -> None:
    """A searchset's "match" entries are what a search found; "include" entries, entries without a
    resource, and anything that is not a searchset (an error, a transaction answer, garbage) are not
    "found nothing": the last give None, which every caller treats as a failed search."""
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [
            {"resource": {"resourceType": "Task", "id": "t1"}, "search": {"mode": "match"}},
            {"resource": {"resourceType": "Task", "id": "t2"}},  # mode left out: a match
            {"resource": {"resourceType": "Patient", "id": "p1"}, "search": {"mode": "include"}},
            {"resource": {"resourceType": "Encounter", "id": "e1"}, "search": {"mode": "match"}},
            {"fullUrl": "no resource"},
            "not an entry",
        ],
    }
    answer = Answer(200, {}, bundle)
    assert [r["id"] for r in answer.matches()] == ["t1", "t2", "e1"]  # type: ignore[union-attr]
    assert [r["id"] for r in answer.matches("Task")] == ["t1", "t2"]  # type: ignore[union-attr]
    assert Answer(200, {}, {"resourceType": "Bundle", "type": "searchset"}).matches() == []
    assert Answer(200, {}, {"resourceType": "Bundle", "type": "transaction-response"}).matches() is None
    assert Answer(500, {}, bundle).matches() is None
    assert Answer(200, {}, "<html>proxy login</html>").matches() is None
    assert Answer(200, {}, None).matches() is None
