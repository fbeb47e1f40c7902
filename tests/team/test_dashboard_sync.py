"""The supervisor's dashboard counts what workers sent: two laptops and the real reference server.

The worker's synthetic checks go to the shared record, the supervisor's laptop pulls them, and
the dashboard is counted from the pulled rows, against what the worker's own laptop holds.
Time passing is simulated by counting the dashboard as of a later day, when the follow-ups
still open are past their due dates: they must show as overdue, under the worker's name.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from outreach.team.dashboard import ELEMENT_OUTCOMES, build_dashboard, to_csv
from outreach.team.queue import dashboard_checks
from sync.server.faults import Faults
from sync.server.serving import RunningServer, start_in_thread
from tests.team.support import SUPERVISOR, add_device, laptop, sync, worker_laptop

CHECKS = 5


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running = start_in_thread(f"sqlite:///{tmp_path / 'shared.db'}", faults=Faults())
    try:
        yield running
    finally:
        running.stop()


def test_the_dashboard_counts_the_pulled_checks_and_shows_overdue_follow_ups_by_worker(
    tmp_path: Path, server: RunningServer
) -> None:
    worker = worker_laptop(tmp_path / "worker", checks=CHECKS, seed=21)
    boss = laptop(tmp_path / "boss", SUPERVISOR, "supervisor")
    try:
        assert sync(worker, server, add_device(server, "Worker laptop", "worker")).sent == CHECKS
        sync(boss, server, add_device(server, "Supervisor laptop", "supervisor"))

        rows = dashboard_checks(boss)
        assert len(rows) == CHECKS
        assert all(set(r.elements.values()) <= set(ELEMENT_OUTCOMES) for r in rows)
        (name,) = {r.worker for r in rows}  # one worker sent them all

        later = date.today() + timedelta(days=120)  # every open follow-up is past due
        still_open = worker.follow_ups.open_items()
        overdue = worker.follow_ups.open_items(due_before=later.isoformat())
        assert overdue, "the synthetic checks should leave some follow-up open"
        board = build_dashboard(rows, today=later)
        assert board.team.checks == CHECKS
        assert board.national.people == CHECKS  # one check per person, each its own key
        assert board.team.follow_ups_open == len(still_open)
        assert board.team.follow_ups_overdue == len(overdue)
        assert board.overdue_by_worker == {name: len(overdue)}
        assert board.team.findings == sum(len(r.findings) for r in rows) > 0

        today = build_dashboard(rows, today=date.today())
        assert today.team.follow_ups_overdue == len(
            worker.follow_ups.open_items(due_before=date.today().isoformat())
        )

        text = to_csv(board)
        for row in rows:  # no person key or check id leaves
            assert row.person_key not in text and row.chain_id not in text
    finally:
        worker.close()
        boss.close()
