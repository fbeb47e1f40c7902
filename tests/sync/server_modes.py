"""The behaviours of real FHIR servers the sync tests run against, and the one check that
matters after every run: each record of each check is on the server exactly once, nothing
points at a record that is not there, and the outbox is empty (or an item is held with its
reason)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from outreach.store.local_store import LocalStore
from sync import parts
from sync.server.behaviours import Behaviours
from sync.server.serving import RunningServer
from tests.sync.server_calls import server_count

# Each mode is what a widely used server does (see sync/server/behaviours.py); "atomic" is the
# reference server's own strict default. Built fresh per test: quota buckets live in the object.
MODES: dict[str, Callable[[], Behaviours]] = {
    "atomic": Behaviours,
    "entry by entry": lambda: Behaviours(transactions="entry-by-entry"),
    "at most 5 entries": lambda: Behaviours(max_transaction_entries=5),
    "entry by entry, at most 5": lambda: Behaviours(transactions="entry-by-entry", max_transaction_entries=5),
    "409 on concurrent writes": lambda: Behaviours(
        transactions="entry-by-entry", conflict_on_concurrent_writes=True
    ),
    "client ids refused": lambda: Behaviours(refuse_client_ids=True),
}
# Quotas are real time on the server, so their tests run the engine on the real clock.
QUOTA_MODES: dict[str, Callable[[], Behaviours]] = {
    "write quota per entry": lambda: Behaviours(transactions="entry-by-entry", write_quota=(25, 0.5)),
    "write and read quotas": lambda: Behaviours(write_quota=(40, 0.5), read_quota=(6, 0.3)),
    "everything at once": lambda: Behaviours(
        transactions="entry-by-entry",
        max_transaction_entries=8,
        write_quota=(30, 0.5),
        read_quota=(10, 0.3),
        conflict_on_concurrent_writes=True,
        refuse_client_ids=True,
    ),
}


def expected_records(store: LocalStore, build: Callable[..., dict[str, Any]]) -> dict[str, parts.Entry]:
    """Every record the outbox's checks consist of, once each (shared ones, like the
    organisation, appear in many bundles but are one record)."""
    out: dict[str, parts.Entry] = {}
    for item in store.outbox.list():
        for entry in parts.entries_of(build(store, item)):
            out.setdefault(entry.full_url, entry)
    return out


def assert_every_record_once(
    store: LocalStore, server: RunningServer, token: str, build: Callable[..., dict[str, Any]]
) -> None:
    """Per record: found by its conditional-create criteria exactly once on the server; per
    type: the server holds exactly as many as the checks have; nothing dangles."""
    if server.behaviours is not None:
        server.behaviours.read_quota = None  # counting is the test's business, not the device's
    records = expected_records(store, build)
    located = {}
    by_type: dict[str, int] = {}
    for full_url, entry in _dependency_order(records):
        query = parts.lookup_query(entry, located)
        assert query, f"{entry.resource_type} has no conditional-create criteria"
        params = dict(query)
        n, ref = _count_and_ref(server, token, entry.resource_type, params)
        assert n == 1, (entry.resource_type, params, n)
        located[full_url] = ref
        by_type[entry.resource_type] = by_type.get(entry.resource_type, 0) + 1
    for res_type, n in by_type.items():
        if res_type == "Patient":
            continue  # a person seen on another laptop may be one Patient for several
        assert server_count(server, token, res_type) == n, res_type
    assert server.store.dangling_references() == []


def _dependency_order(records: dict[str, parts.Entry]) -> list[tuple[str, parts.Entry]]:
    done: dict[str, str] = {}
    order: list[tuple[str, parts.Entry]] = []
    remaining = dict(records)
    while remaining:
        ready = [u for u, e in remaining.items() if e.needs <= done.keys()]
        assert ready, "the records refer to each other in a circle"
        for u in ready:
            order.append((u, remaining.pop(u)))
            done[u] = "x"
    return order


def _count_and_ref(
    server: RunningServer, token: str, res_type: str, params: dict[str, str]
) -> tuple[int, str]:
    import requests

    r = requests.get(
        f"{server.url}/{res_type}",
        params={**params, "_count": "5"},
        headers={"Authorization": f"Bearer {token}", "Accept": "application/fhir+json"},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    entries = body.get("entry", [])
    ref = f"{res_type}/{entries[0]['resource']['id']}" if entries else ""
    return int(body["total"]), ref
