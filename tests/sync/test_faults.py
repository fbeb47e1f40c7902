"""Fault tests against the real reference server and its real fault hooks: whatever the
network does, every check ends up on the shared record exactly once and the outbox empties.
Backoff runs on a fake clock, so retries take no real waiting."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from outreach.errors import AuthError
from outreach.store.local_store import LocalStore
from sync.server.faults import Faults
from sync.server.serving import RunningServer
from tests.fakes import FakeClock
from tests.sync.conftest import assert_exactly_once, make_engine, make_store, pending

POST = {"method": "POST", "path": "/"}

FAULTS: dict[str, Callable[[Faults], Any]] = {
    "dropped before the request arrives": lambda f: f.drop_before_request(times=3),
    "response lost after the server committed": lambda f: f.drop_after_commit(times=3, **POST),
    "500": lambda f: f.error_500(times=3, **POST),
    "503 with Retry-After": lambda f: f.unavailable_503(retry_after=9, times=2, **POST),
    "timeout": lambda f: f.delay(1.5, times=2, **POST),
    "malformed JSON after commit": lambda f: f.malformed_json(times=3, **POST),
    "all at once": lambda f: (
        f.drop_before_request(times=2),
        f.drop_after_commit(times=2, **POST),
        f.error_500(times=1, **POST),
        f.unavailable_503(retry_after=3, times=1, **POST),
        f.malformed_json(times=1, **POST),
    ),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_after_the_fault_every_check_is_there_exactly_once(
    fault: str, store: LocalStore, server: RunningServer, token: str
) -> None:
    FAULTS[fault](server.faults)
    clock = FakeClock()
    report = make_engine(store, server, token, clock=clock, timeout=(2.0, 0.5)).run_once()
    assert server.faults.fired, "the fault never happened"
    assert server.faults.pending() == 0
    assert pending(store) == [], [i.last_error for i in pending(store)]
    assert report.pending == 0
    assert_exactly_once(store, server, token)
    retried = [i for i in store.outbox.list() if i.attempts > 1]
    assert retried, "no item needed a second attempt"
    if "commit" in fault:
        # The answer was lost after the server stored part of a check: that part was found by
        # asking the server, not sent again.
        assert report.found_on_server >= 1
    if fault == "503 with Retry-After":
        assert max(clock.slept) >= 9.0  # never came back sooner than the server asked


def test_connection_refused_then_the_server_comes_up(
    store: LocalStore, server: RunningServer, token: str
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]  # nothing listens once the socket is closed

    class Down:
        url = f"http://127.0.0.1:{closed_port}"

    report = make_engine(store, Down, token, max_passes=3).run_once()  # type: ignore[arg-type]
    assert report.count("retry") == 6 and report.sent == 0
    words = {i.last_error for i in store.outbox.list()}
    assert words == {"The shared record could not be reached (no connection)."}
    assert all(i.state == "failed" and i.next_attempt_at for i in store.outbox.list())
    # The network comes back: the items are sent once their retry time has come.
    clock = FakeClock()
    clock.advance(3600)
    report = make_engine(store, server, token, clock=clock).run_once()
    assert report.count("sent") == 6 and pending(store) == []
    assert_exactly_once(store, server, token)


def test_an_expired_token_stops_the_run_and_nothing_is_lost(
    store: LocalStore, server: RunningServer, token: str
) -> None:
    server.faults.reject_token(times=None)
    with pytest.raises(AuthError, match="Ask IT") as caught:
        make_engine(store, server, token).run_once()
    assert token not in str(caught.value)
    assert caught.value.report.pending == 6
    assert len(pending(store)) == 6
    assert server.store.count("Encounter") == 0
    server.faults.clear()
    make_engine(store, server, token).run_once()
    assert pending(store) == []
    assert_exactly_once(store, server, token)


def test_backoff_grows_between_retries(tmp_path: Path, server: RunningServer, token: str) -> None:
    store = make_store(tmp_path / "one", checks=1)
    server.faults.error_500(times=None, **POST)
    clock = FakeClock()
    make_engine(store, server, token, clock=clock, concurrency=1, max_passes=6).run_once()
    (item,) = store.outbox.list()
    assert item.state == "failed" and item.attempts == 6
    assert "problem (500)" in (item.last_error or "")
    # Full jitter stays under the doubling ceiling 2, 4, 8, 16 ... seconds.
    waits = clock.slept
    assert len(waits) == 5
    assert all(0 <= w <= 2.0 * 2**n for n, w in enumerate(waits))
    store.close()
