"""Pushing the outbox to the real reference server on loopback."""

from __future__ import annotations

from typing import Any

import pytest

from outreach.store.local_store import LocalStore
from sync.server.serving import RunningServer
from tests.sync.conftest import assert_exactly_once, pending


def test_all_checks_arrive_once_and_the_outbox_empties(
    store: LocalStore, server: RunningServer, token: str, engine_for: Any
) -> None:
    report = engine_for(store).run_once()
    assert report.count("sent") == 6 and report.pending == 0
    assert pending(store) == []
    assert_exactly_once(store, server, token)
    # A second run sends nothing.
    again = engine_for(store).run_once()
    assert again.items == {}
    assert_exactly_once(store, server, token)


def test_progress_callbacks_and_cancel(
    store: LocalStore, server: RunningServer, token: str, engine_for: Any
) -> None:
    seen: list[tuple[str, int, int]] = []
    outcomes: list[Any] = []
    engine = engine_for(store, concurrency=1)

    def on_item(outcome: Any) -> None:
        outcomes.append(outcome)
        if len(outcomes) == 2:
            engine.cancel()  # as the UI's Cancel button would, from any thread

    engine.on_item = on_item
    engine.on_progress = lambda phase, done, total: seen.append((phase, done, total))
    report = engine.run_once()
    assert report.cancelled and report.count("sent") == 2 and report.pulled == []
    assert [s for s in seen if s[0] == "push"][:2] == [("push", 1, 6), ("push", 2, 6)]
    states = sorted(i.state for i in store.outbox.list())
    assert states == ["queued"] * 4 + ["sent"] * 2  # nothing left half-way in "sending"
    assert engine_for(store).run_once().count("sent") == 4


def test_one_sync_at_a_time_per_store(
    store: LocalStore, server: RunningServer, token: str, engine_for: Any
) -> None:
    from outreach.errors import NetworkError

    first = engine_for(store)
    second = engine_for(store)

    def nested(outcome: Any) -> None:
        with pytest.raises(NetworkError, match="already running"):
            second.run_once()

    first.on_item = nested
    first.run_once()
    assert pending(store) == []


def test_sending_is_committed_before_the_request_goes_out(
    store: LocalStore, server: RunningServer, token: str, engine_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from outreach.store.database import database_path
    from sync.push import Pusher

    seen: list[str] = []
    original = Pusher._send

    def send_and_look(self: Pusher, job: Any) -> Any:
        # Another connection (as after a crash) must already see "sending".
        with sqlite3.connect(database_path(store.data_dir)) as other:
            seen.append(other.execute("SELECT state FROM outbox WHERE id = ?", (job.item.id,)).fetchone()[0])
        return original(self, job)

    monkeypatch.setattr(Pusher, "_send", send_and_look)
    engine_for(store).run_once()
    # Each check goes in several parts: before every one of them the item is already "sending".
    assert len(seen) >= 6 and set(seen) == {"sending"}
