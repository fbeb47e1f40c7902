"""Pushing the outbox to the real reference server on loopback."""

from __future__ import annotations

from typing import Any

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
