"""A write quota slows the sync down; it is not trouble.

The reference server on loopback limits how fast one laptop may write (429 beyond the quota,
for each entry of a transaction processed entry by entry, or for the whole transaction), as
many hosted FHIR servers do. The server is taking the data, only at its rate: one run waits
as the server asks and sends every check, each record exactly once, without backing any item
off, counting it as a failure or calling it "network or server trouble". Only the run's own
time budget ends it early, and then what is left is due again at once; the run can still be
stopped between requests.

Quotas are real time on the server, so these tests run the engine on the real clock, with the
product's own sync settings (SyncConfig's defaults, the product's backoff).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from outreach.store.local_store import LocalStore
from sync.engine import SyncConfig, SyncEngine, SyncReport
from sync.push import product_bundle_builder
from sync.server.behaviours import Behaviours
from sync.server.faults import Faults
from sync.server.serving import RunningServer, start_in_thread
from tests.sync.conftest import make_store, pending
from tests.sync.server_modes import assert_every_record_once, expected_records

PRODUCT = product_bundle_builder("Test outreach service", "", "Test laptop 1")
# The server that showed the fault (`--behave entry-by-entry,max-entries=5,write-quota=20/1`):
# 20 records a second for the laptop, at most 5 entries per transaction, each entry processed on
# its own (429 per entry); and the same quota refusing whole transactions (429, Retry-After).
QUOTA = (20, 1.0)
SERVERS = {
    "per entry": lambda: Behaviours(
        transactions="entry-by-entry", max_transaction_entries=5, write_quota=QUOTA
    ),
    "whole transaction": lambda: Behaviours(max_transaction_entries=5, write_quota=QUOTA),
}
RETRY, THROTTLED = "retry", "throttled"  # ItemOutcome.result: backed off / left for the quota


@pytest.fixture(scope="module")
def laptop_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six finalised checks (about 30 records each with the product's mapping: some 180 records,
    nine times the quota's burst), made once."""
    folder = tmp_path_factory.mktemp("quota") / "laptop"
    make_store(folder, checks=6, seed=11).close()
    return folder


@pytest.fixture
def laptop(laptop_template: Path, tmp_path: Path) -> Iterator[LocalStore]:
    import shutil

    from tests.factories import reopen
    from tests.sync.conftest import ADMIN, PASSPHRASE

    shutil.copytree(laptop_template, tmp_path / "laptop")
    store = reopen(tmp_path / "laptop", admin=ADMIN, passphrase=PASSPHRASE)
    try:
        yield store
    finally:
        store.close()


def _serve(tmp_path: Path, behaviours: Behaviours) -> RunningServer:
    return start_in_thread(f"sqlite:///{tmp_path / 'shared.db'}", faults=Faults(), behaviours=behaviours)


def _engine(
    laptop: LocalStore, server: RunningServer, token: str, *, on_item: Any = None, **config: Any
) -> SyncEngine:
    """The engine as the product makes it: default settings, clock and backoff."""
    config_ = SyncConfig(server_url=server.url, device_name="Test laptop 1", **config)
    return SyncEngine(laptop, config_, token, builder=PRODUCT, on_item=on_item)


def _no_backoff_and_no_trouble(laptop: LocalStore, report: SyncReport) -> None:
    assert report.count(RETRY) == 0, [o.words for o in report.items.values() if o.result == RETRY]
    assert not any("trouble" in line for line in report.lines()), report.lines()
    backed_off = [(i.state, i.next_attempt_at, i.last_error) for i in pending(laptop) if i.next_attempt_at]
    assert backed_off == []


@pytest.mark.parametrize("server_kind", list(SERVERS))
def test_one_run_sends_every_check_through_a_write_quota(
    server_kind: str, tmp_path: Path, laptop: LocalStore
) -> None:
    behaviours = SERVERS[server_kind]()
    checks = len(laptop.outbox.list())
    records = len(expected_records(laptop, PRODUCT))
    with _serve(tmp_path, behaviours) as server:
        token = server.add_device("Test laptop 1")
        seen: list[Any] = []  # every outcome as it happened, not only each check's last
        started = time.monotonic()
        report = _engine(laptop, server, token, on_item=seen.append).run_once()
        took = time.monotonic() - started
        assert (report.sent, report.pending) == (checks, 0), report.lines()
        _no_backoff_and_no_trouble(laptop, report)
        assert pending(laptop) == []
        # No check was backed off on the way, even for a moment: each went in its first attempt.
        assert [o.words for o in seen if o.result != "sent"] == []
        assert {o.attempts for o in seen} == {1}
        # The quota was met many times: the run went at the server's pace, not faster.
        assert report.quota_waits >= 5, report.lines()
        assert took >= (records - QUOTA[0]) / (QUOTA[0] / QUOTA[1]) * 0.9
        behaviours.write_quota = None
        assert_every_record_once(laptop, server, server.add_device("Checker", role="supervisor"), PRODUCT)


def test_a_run_out_of_time_leaves_the_rest_due_at_once_for_the_next_run(
    tmp_path: Path, laptop: LocalStore
) -> None:
    """A run whose time budget ends while the quota holds checks back: those checks are left
    partly sent, due at once (no backoff), and the next runs finish them, each record once."""
    behaviours = SERVERS["per entry"]()
    with _serve(tmp_path, behaviours) as server:
        token = server.add_device("Test laptop 1")
        first = _engine(laptop, server, token, max_run_s=2.0).run_once()
        left = pending(laptop)
        assert left and first.count(THROTTLED) >= 1, first.lines()
        _no_backoff_and_no_trouble(laptop, first)
        assert any("go on at the next sync" in line for line in first.lines())
        assert all(i.state in ("queued", "failed") for i in left)  # nothing left half-way in "sending"
        assert {i.id for i in laptop.outbox.due()} == {i.id for i in left}
        runs = 1
        while pending(laptop) and runs < 15:
            report = _engine(laptop, server, token, max_run_s=2.0).run_once()
            _no_backoff_and_no_trouble(laptop, report)
            runs += 1
        assert pending(laptop) == []
        behaviours.write_quota = None
        assert_every_record_once(laptop, server, server.add_device("Checker", role="supervisor"), PRODUCT)


def test_a_run_waiting_for_a_quota_stops_when_asked(tmp_path: Path, laptop: LocalStore) -> None:
    """Cancel while the quota holds the run back: it stops within a moment (between requests),
    leaves nothing half-way in "sending", and a later run sends the rest, each record once."""
    behaviours = Behaviours(transactions="entry-by-entry", max_transaction_entries=5, write_quota=(5, 1.0))
    with _serve(tmp_path, behaviours) as server:
        token = server.add_device("Test laptop 1")
        engine = _engine(laptop, server, token)
        timer = threading.Timer(1.5, engine.cancel)
        timer.start()
        started = time.monotonic()
        try:
            report = engine.run_once()
        finally:
            timer.cancel()
        assert time.monotonic() - started < 5.0
        assert report.cancelled and report.count(RETRY) == 0
        assert all(i.state in ("queued", "failed") for i in pending(laptop))
        behaviours.write_quota = (50, 0.5)
        again = _engine(laptop, server, token).run_once()
        _no_backoff_and_no_trouble(laptop, again)
        assert pending(laptop) == []
        behaviours.write_quota = None
        assert_every_record_once(laptop, server, server.add_device("Checker", role="supervisor"), PRODUCT)
