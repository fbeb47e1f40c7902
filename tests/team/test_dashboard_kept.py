"""The dashboards' figures are kept between openings and counted again only when something changed:
opening the dashboards of 10,000 checks must not take the second that counting them takes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from outreach.store import team_repo
from outreach.store.local_store import LocalStore
from outreach.team import queue
from outreach.team.dashboard import build_dashboard, dashboard_from_json, dashboard_to_json
from outreach.team.decisions import decide
from outreach.team.queue import dashboard_checks, team_dashboard
from tests.team.shared_record import SharedRecord, pull_into
from tests.team.support import SUPERVISOR, amend, laptop, worker_laptop
from tests.team.test_dashboard import TEAM, TODAY


def test_figures_written_and_read_back_are_the_figures_built() -> None:
    board = build_dashboard(TEAM, today=TODAY)
    assert dashboard_from_json(dashboard_to_json(board)) == board
    empty = build_dashboard([], today=TODAY)
    assert dashboard_from_json(dashboard_to_json(empty)) == empty


@pytest.fixture
def laptops(tmp_path: Path) -> Iterator[tuple[LocalStore, LocalStore, SharedRecord]]:
    worker = worker_laptop(tmp_path / "worker", checks=6, seed=33)
    boss = laptop(tmp_path / "boss", SUPERVISOR, "supervisor")
    try:
        yield worker, boss, SharedRecord()
    finally:
        worker.close()
        boss.close()


def test_kept_figures_until_a_check_changes_or_the_day_moves(laptops, monkeypatch) -> None:
    worker, boss, record = laptops
    for item in worker.outbox.list():
        pull_into(boss, record.receive(worker, item.check_id))
    today = date.today()
    first = team_dashboard(boss, today)
    assert first == build_dashboard(dashboard_checks(boss), today=today)
    assert first.team.checks == 6

    counted: list[int] = []
    real = queue.dashboard_checks

    def counting(store: LocalStore) -> list:
        counted.append(1)
        return real(store)

    monkeypatch.setattr(queue, "dashboard_checks", counting)
    assert team_dashboard(boss, today) == first and not counted  # nothing changed: the kept figures
    # A decision changes the queue's state, not what the dashboards count: still the kept figures.
    decide(boss, worker.outbox.list()[1].check_id, approve=True, comment="", user=SUPERVISOR)
    assert team_dashboard(boss, today) == first and not counted

    # A new version of a check (a chain's row changes): counted again, and the change is in the figures.
    chain = worker.outbox.list()[0].check_id
    assert "blood_pressure.pulse" in worker.checks.get(chain).answers
    second = amend(worker, chain, {"blood_pressure.pulse": 72}, "Pulse counted again")
    pull_into(boss, record.receive(worker, second))
    again = team_dashboard(boss, today)
    assert counted == [1] and again == build_dashboard(real(boss), today=today)
    assert team_dashboard(boss, today) == again and counted == [1]

    # The next day overdue follow-ups and the 12-month window move: counted again.
    tomorrow = team_dashboard(boss, today + timedelta(days=1))
    assert counted == [1, 1] and tomorrow.today == today + timedelta(days=1)


def test_unreadable_kept_figures_are_counted_again(laptops) -> None:
    worker, boss, record = laptops
    for item in worker.outbox.list():
        pull_into(boss, record.receive(worker, item.check_id))
    today = date.today()
    built = team_dashboard(boss, today)
    with boss.db.write() as conn:
        conn.exec_driver_sql(
            "UPDATE team_cache SET data = ? WHERE key = ?", (b"damaged", team_repo.DASHBOARD_FIGURES)
        )
    assert team_repo.kept_figures(boss) is None
    assert team_dashboard(boss, today) == built
    assert team_repo.kept_figures(boss) is not None
