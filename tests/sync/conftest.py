"""Fixtures for the sync tests: a real reference server on a free loopback port (SQLite),
a real encrypted store with synthetic finalised checks, and an engine on a fake clock so
backoff takes no real time."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from outreach import services
from outreach.demo_data import fill_demo_data
from outreach.store import sync_state
from outreach.store.local_store import LocalStore
from sync.backoff import Backoff
from sync.engine import SyncConfig, SyncEngine
from sync.server.faults import Faults
from sync.server.serving import RunningServer, start_in_thread
from tests.factories import new_store
from tests.fakes import FakeClock
from tests.sync.bundles import check_bundle
from tests.sync.server_calls import server_count

ADMIN = "Sam"
PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running = start_in_thread(f"sqlite:///{tmp_path / 'shared.db'}", faults=Faults())
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def token(server: RunningServer) -> str:
    return server.add_device("Test laptop 1")


def make_store(folder: Path, *, checks: int, consent: bool = True, seed: int = 1) -> LocalStore:
    store = new_store(folder, admin=ADMIN, passphrase=PASSPHRASE)
    fill_demo_data(store, people=checks, checks_per_person=1, seed=seed)
    if consent:
        share_all(store)
    return store


def share_all(store: LocalStore, *, except_people: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """Consent to the check and to sharing with the GP for everyone with a check in the outbox
    (but `except_people`, who already gave it); returns everyone with a check."""
    people = {item.check_id: store.checks.get(item.check_id).person_id for item in store.outbox.list()}
    with store.db.write():
        for person_id in set(people.values()) - set(except_people):
            services.record_consent(store, person_id, "check", True)
            services.record_consent(store, person_id, "gp", True)
    return set(people.values())


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    s = make_store(tmp_path / "laptop", checks=6)
    try:
        yield s
    finally:
        s.close()


def make_engine(store: LocalStore, server: RunningServer, token: str, **kw: Any) -> SyncEngine:
    config = SyncConfig(
        server_url=server.url,
        concurrency=kw.pop("concurrency", 4),
        timeout=kw.pop("timeout", (2.0, 5.0)),
        max_wait_s=kw.pop("max_wait_s", 3600.0),
        max_passes=kw.pop("max_passes", 20),
        page_size=kw.pop("page_size", 100),
        whole_transactions=kw.pop("whole_transactions", False),
        device_name=kw.pop("device_name", None),
    )
    kw.setdefault("builder", check_bundle)
    kw.setdefault("clock", FakeClock())
    kw.setdefault("backoff", Backoff(base_s=2.0, cap_s=120.0, rng=random.Random(7)))
    return SyncEngine(store, config, token, **kw)


@pytest.fixture
def engine_for(server: RunningServer, token: str) -> Callable[..., SyncEngine]:
    def make(store: LocalStore, **kw: Any) -> SyncEngine:
        return make_engine(store, server, token, **kw)

    return make


def assert_exactly_once(store: LocalStore, server: RunningServer, token: str) -> None:
    """Every check is on the server exactly once: its Encounter and its Observations."""
    from outreach.fhir.identifiers import CHECK_SYSTEM

    items = store.outbox.list()
    for item in items:
        assert server_count(server, token, "Encounter", identifier=f"{CHECK_SYSTEM}|{item.check_id}") == 1
    assert server_count(server, token, "Encounter") == len(items)
    assert server_count(server, token, "Observation") == 2 * len(items)


def pending(store: LocalStore) -> list[Any]:
    return store.outbox.list(("queued", "sending", "failed"))


__all__ = [
    "ADMIN",
    "PASSPHRASE",
    "assert_exactly_once",
    "make_engine",
    "make_store",
    "pending",
    "server_count",
    "share_all",
    "sync_state",
]
