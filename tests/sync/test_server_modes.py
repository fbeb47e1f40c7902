"""Sync against the behaviours of real FHIR servers, not only our strict one: transactions
processed entry by entry (200 with failed entries inside), a cap on entries per transaction,
per-entry 429 write quotas, 429 on reads, 409 on concurrent writes, client-chosen ids
refused, and all of them at once, with the network faults on top.

Every test ends the same way: each record of each check on the server exactly once, nothing
pointing at a record that is not there, and the outbox empty."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from outreach.store.local_store import LocalStore
from sync.backoff import Backoff, Clock
from sync.engine import SyncReport
from sync.push import product_bundle_builder
from sync.server.behaviours import Behaviours
from sync.server.faults import Faults
from sync.server.serving import RunningServer, start_in_thread
from tests.fakes import FakeClock
from tests.sync.bundles import check_bundle
from tests.sync.conftest import make_engine, make_store, pending
from tests.sync.server_modes import MODES, QUOTA_MODES, assert_every_record_once
from tests.sync.test_faults import FAULTS

PRODUCT = product_bundle_builder("Test outreach service", "", "Test laptop 1")


@pytest.fixture
def laptop(tmp_path: Path) -> Iterator[LocalStore]:
    s = make_store(tmp_path / "laptop", checks=6)
    try:
        yield s
    finally:
        s.close()


def serve(tmp_path: Path, behaviours: Behaviours) -> RunningServer:
    return start_in_thread(f"sqlite:///{tmp_path / 'shared.db'}", faults=Faults(), behaviours=behaviours)


def sync_until_empty(
    store: LocalStore, server: RunningServer, token: str, *, runs: int = 6, **kw: Any
) -> list[SyncReport]:
    """What the app does: sync again (automatically, on its interval) until nothing waits."""
    reports = []
    for _ in range(runs):
        reports.append(make_engine(store, server, token, **kw).run_once())
        if not pending(store):
            break
    return reports


@pytest.mark.parametrize("mode", list(MODES))
def test_the_products_checks_arrive_whole_and_once_in_every_mode(
    mode: str, tmp_path: Path, laptop: LocalStore
) -> None:
    with serve(tmp_path, MODES[mode]()) as server:
        token = server.add_device("Test laptop 1")
        checker = server.add_device("Checker", role="supervisor")
        reports = sync_until_empty(laptop, server, token, builder=PRODUCT, concurrency=6)
        assert pending(laptop) == [], [(i.last_error) for i in pending(laptop)]
        assert sum(r.sent for r in reports) == 6
        assert_every_record_once(laptop, server, checker, PRODUCT)
        # The laptop forgets everything it learnt and sends every check again, blind (no
        # lookups first): the conditional creates still leave each record there once.
        with laptop.db.write() as conn:
            conn.exec_driver_sql("UPDATE outbox SET state='queued', attempts=0, next_attempt_at=NULL")
            conn.exec_driver_sql("DELETE FROM sync_entries")
            conn.exec_driver_sql("DELETE FROM sync_server_refs")
        again = sync_until_empty(laptop, server, token, builder=PRODUCT, concurrency=6)
        # (each first attempt goes blind; a retry after a 409 may look before it sends again)
        assert sum(r.sent for r in again) == 6
        assert_every_record_once(laptop, server, checker, PRODUCT)


@pytest.mark.parametrize("mode", list(QUOTA_MODES))
def test_quotas_slow_the_sync_down_but_lose_and_duplicate_nothing(
    mode: str, tmp_path: Path, laptop: LocalStore
) -> None:
    with serve(tmp_path, QUOTA_MODES[mode]()) as server:
        token = server.add_device("Test laptop 1")
        checker = server.add_device("Checker", role="supervisor")
        reports = sync_until_empty(
            laptop,
            server,
            token,
            builder=PRODUCT,
            concurrency=6,
            clock=Clock(),  # the server's quotas refill in real time
            backoff=Backoff(base_s=0.05, cap_s=0.5, rng=random.Random(3)),
            max_wait_s=5.0,
        )
        assert pending(laptop) == [], [(i.last_error) for i in pending(laptop)]
        assert_every_record_once(laptop, server, checker, PRODUCT)
        pulled = {p.kind: p for p in reports[-1].pulled}
        assert all(p.error is None for p in pulled.values()), pulled  # the pull waited out its 429s


FAULTED_MODES = [
    "entry by entry",
    "entry by entry, at most 5",
    "409 on concurrent writes",
    "client ids refused",
]


@pytest.mark.parametrize("mode", FAULTED_MODES)
@pytest.mark.parametrize("fault", list(FAULTS))
def test_network_faults_on_top_of_each_mode(
    fault: str, mode: str, tmp_path: Path, laptop: LocalStore
) -> None:
    with serve(tmp_path, MODES[mode]()) as server:
        token = server.add_device("Test laptop 1")
        checker = server.add_device("Checker", role="supervisor")
        FAULTS[fault](server.faults)
        clock = FakeClock()
        reports = sync_until_empty(
            laptop, server, token, builder=check_bundle, clock=clock, timeout=(2.0, 0.5)
        )
        assert server.faults.fired, "the fault never happened"
        assert pending(laptop) == [], [i.last_error for i in pending(laptop)]
        assert_every_record_once(laptop, server, checker, check_bundle)
        if "commit" in fault:
            assert sum(r.found_on_server for r in reports) >= 1  # found by asking, not resent


def test_a_record_the_server_will_not_take_holds_its_check_with_the_reason(
    tmp_path: Path, laptop: LocalStore
) -> None:
    """Entry by entry, one Observation invalid: the rest of its check is stored, the check is
    held with plain words for the worker and the server's own reply for IT, the others go."""
    from outreach.store import sync_state
    from tests.sync.bundles import builder_breaking

    bad = laptop.outbox.list()[1].check_id
    build: Callable[..., dict[str, Any]] = builder_breaking({bad})
    with serve(tmp_path, Behaviours(transactions="entry-by-entry")) as server:
        token = server.add_device("Test laptop 1")
        report = make_engine(laptop, server, token, builder=build).run_once()
        assert report.count("sent") == 5 and report.count("refused") == 1
        (held,) = pending(laptop)
        assert held.check_id == bad
        assert "would not store part of this check (Observation" in (held.last_error or "")
        detail = sync_state.item_detail(laptop, held.id) or ""
        assert "Observation" in detail and ("422" in detail or "400" in detail), detail
        (row,) = sync_state.outbox_view(laptop)
        assert row.waits_for == "worker"
        assert server.store.dangling_references() == []
        assert server.store.count("Provenance") == 5  # the held check's last part never went


@pytest.mark.parametrize("fault", ["response lost after the server committed", "all at once"])
def test_one_transaction_per_check_where_the_server_is_known_to_be_atomic(
    fault: str, tmp_path: Path, laptop: LocalStore
) -> None:
    """`sync_transactions = "whole"`: a check's records go in one transaction (references in it
    left as urn:uuid for the server to resolve), with the same per-entry reading and lookups."""
    with serve(tmp_path, Behaviours()) as server:
        token = server.add_device("Test laptop 1")
        FAULTS[fault](server.faults)
        reports = sync_until_empty(
            laptop,
            server,
            token,
            builder=PRODUCT,
            clock=FakeClock(),
            timeout=(2.0, 1.0),
            whole_transactions=True,
        )
        assert pending(laptop) == [], [i.last_error for i in pending(laptop)]
        assert_every_record_once(laptop, server, server.add_device("Checker", role="supervisor"), PRODUCT)
        assert sum(r.found_on_server for r in reports) >= 1
        posts = [f for f in server.faults.fired if f[1] == "POST"]
        assert posts  # the faults hit transactions
