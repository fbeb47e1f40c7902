"""The supervisor's pull of the team's checks: paged, resumable, never half a check, sealed at rest,
follow-up changes applied, decisions sent exactly once, and a refusal said in plain words."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from outreach import services
from outreach.fhir.review_task import REVIEW_SYSTEM
from outreach.store import sync_state, team_repo
from outreach.store.local_store import LocalStore
from outreach.team.decisions import decide
from outreach.team.queue import dashboard_checks, load_team_check, queue_count, queue_page
from outreach.team.records import QueueFilter
from sync.http import AccessRefusedError, FhirHttp
from sync.server.faults import Faults
from sync.server.serving import RunningServer, start_in_thread
from sync.team_pull import NOT_SUPERVISOR, TeamPuller
from tests.team.support import SUPERVISOR, WORKER, add_device, laptop, sync, worker_laptop


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running = start_in_thread(f"sqlite:///{tmp_path / 'shared.db'}", faults=Faults())
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def team(tmp_path: Path, server: RunningServer) -> Iterator[tuple[LocalStore, LocalStore, str, str]]:
    """A worker's laptop whose 4 checks are on the shared record, and a supervisor's empty laptop."""
    worker = worker_laptop(tmp_path / "worker", checks=4, seed=11)
    boss = laptop(tmp_path / "boss", SUPERVISOR, "supervisor")
    worker_token = add_device(server, "Worker laptop", "worker")
    boss_token = add_device(server, "Supervisor laptop", "supervisor")
    assert sync(worker, server, worker_token).sent == 4
    try:
        yield worker, boss, worker_token, boss_token
    finally:
        worker.close()
        boss.close()


def _puller(boss: LocalStore, server: RunningServer, token: str, **kw: Any) -> tuple[TeamPuller, FhirHttp]:
    http = FhirHttp(server.url, token, timeout=(2.0, 10.0))
    return TeamPuller(boss, http, **kw), http


def test_a_check_waits_until_every_part_is_here_and_is_never_shown_half(
    team: Any, server: RunningServer
) -> None:
    _, boss, _, token = team
    puller, http = _puller(boss, server, token, page_size=3)
    try:
        provenance = puller._puller.pull_kind("team-Provenance", "Provenance", puller._apply)
        assert provenance.received == 4 and provenance.pages >= 2  # paged: 3 a page
        assert puller.assemble_ready() == 0  # the Provenance names parts not here yet
        assert queue_count(boss, QueueFilter()) == 0
        assert team_repo.pending_count(boss) == 4
        report = puller.pull()
    finally:
        http.close()
    assert report.assembled == 4 and report.waiting == 0
    assert queue_count(boss, QueueFilter()) == 4
    assert sync_state.cursor(boss, "team-Encounter") is not None


def test_a_stopped_pull_goes_on_from_its_cursors(team: Any, server: RunningServer) -> None:
    _, boss, _, token = team
    cancel = threading.Event()
    pages: list[int] = []

    def stop_after_a_few(counts: Any) -> None:
        pages.append(counts.pages)
        if len(pages) >= 4:
            cancel.set()

    puller, http = _puller(boss, server, token, page_size=2, cancel=cancel, on_page=stop_after_a_few)
    try:
        first = puller.pull()
    finally:
        http.close()
    assert cancel.is_set()
    shown = queue_count(boss, QueueFilter())
    assert shown < 4
    for row in queue_page(boss, QueueFilter(), 0, 10):  # whatever is shown is whole
        assert load_team_check(boss, row.chain_id).follow_ups
    puller, http = _puller(boss, server, token, page_size=2)
    try:
        second = puller.pull()
    finally:
        http.close()
    assert queue_count(boss, QueueFilter()) == 4
    assert first.assembled + second.assembled == 4
    assert team_repo.check_count(boss) == 4 and team_repo.pending_count(boss) == 0
    # Pulling again changes nothing.
    puller, http = _puller(boss, server, token)
    try:
        third = puller.pull()
    finally:
        http.close()
    assert third.assembled == 0 and third.follow_ups_updated == 0
    assert team_repo.check_count(boss) == 4


def test_the_queue_orders_urgent_first_then_oldest_and_filters(team: Any, server: RunningServer) -> None:
    _, boss, _, token = team
    sync(boss, server, token)
    rows = queue_page(boss, QueueFilter(), 0, 10)
    assert len(rows) == 4
    keys = [(not r.urgent, r.visit_date, r.received_at) for r in rows]
    assert keys == sorted(keys)
    assert queue_count(boss, QueueFilter(worker=WORKER)) == 4
    assert queue_count(boss, QueueFilter(worker="Someone Else")) == 0
    day = rows[0].visit_date
    assert queue_count(boss, QueueFilter(date_from=day, date_to=day)) == sum(
        r.visit_date == day for r in rows
    )
    assert queue_count(boss, QueueFilter(states=frozenset({"approved"}))) == 0
    assert [r.chain_id for r in queue_page(boss, QueueFilter(), 1, 2)] == [r.chain_id for r in rows[1:3]]


def test_checks_are_sealed_at_rest(team: Any, server: RunningServer) -> None:
    worker, boss, _, token = team
    sync(boss, server, token)
    people = [worker.people.get(worker.checks.get(i.check_id).person_id) for i in worker.outbox.list()]
    needles = set()
    for person in people:
        needles.add(person.details.family_name.encode())
        if person.details.nhs_number:
            needles.add(person.details.nhs_number.encode())
    for path in Path(boss.data_dir).rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert not [n for n in needles if n in content], path.name


def test_a_follow_up_closed_after_sending_shows_closed(team: Any, server: RunningServer) -> None:
    worker, boss, worker_token, token = team
    sync(boss, server, token)
    follow_up = next(
        f for i in worker.outbox.list() for f in worker.follow_ups.for_check(i.check_id) if f.state == "open"
    )
    services.record_follow_up_outcome(worker, follow_up.id, "attended", note="Seen by the service")
    assert sync(worker, server, worker_token).updates.sent == 1
    report = sync(boss, server, token)
    assert report.team is not None and report.team.follow_ups_updated == 1
    view = load_team_check(boss, follow_up.check_id)
    shown = next(f for f in view.follow_ups if f.id == follow_up.id)
    assert shown.state == "closed" and shown.outcome == "attended"
    board = next(c for c in dashboard_checks(boss) if c.chain_id == follow_up.check_id)
    closed = [f for f in board.follow_ups if f.closed_on is not None]
    assert any(f.finding == follow_up.document["rule_id"] for f in closed)


def test_a_decision_whose_answer_was_lost_is_on_the_server_once(team: Any, server: RunningServer) -> None:
    _, boss, _, token = team
    sync(boss, server, token)
    chain = queue_page(boss, QueueFilter(), 0, 1)[0].chain_id
    decision = decide(boss, chain, approve=True, comment="", user=SUPERVISOR)
    server.faults.drop_after_commit(method="POST", path="/")
    # The server stored it but the answer was lost: not called sent.
    first = sync(boss, server, token, max_wait_s=0.0, team_pull=False)
    assert first.decisions.sent == 0 and first.decisions.retrying == 1
    assert not load_team_check(boss, chain).decisions[-1].sent
    # Sent again: the conditional create finds it, nothing new is made.
    second = sync(boss, server, token, team_pull=False)
    assert second.decisions.sent == 1
    assert server.store.count("Task", identifier=(REVIEW_SYSTEM, decision.decision_id)) == 1
    assert load_team_check(boss, chain).decisions[-1].sent
    # The pull reads it back as this laptop's decision, still one.
    third = sync(boss, server, token)
    assert third.decisions.sent == 0
    assert len(load_team_check(boss, chain).decisions) == 1


def test_a_decision_the_pull_saw_first_is_confirmed_by_it(team: Any, server: RunningServer) -> None:
    _, boss, _, token = team
    sync(boss, server, token)
    chain = queue_page(boss, QueueFilter(), 0, 1)[0].chain_id
    decide(boss, chain, approve=False, comment="Add the waist measurement", user=SUPERVISOR)
    server.faults.drop_after_commit(method="POST", path="/")
    sync(boss, server, token, max_wait_s=0.0)
    [decision] = load_team_check(boss, chain).decisions
    assert decision.sent and not decision.approved


def test_workers_do_not_pull_the_team(team: Any, server: RunningServer) -> None:
    worker, _, worker_token, _ = team
    assert sync(worker, server, worker_token).team is None


def test_a_refusal_says_the_laptop_lacks_supervisor_rights(
    team: Any, server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, boss, _, token = team
    real = FhirHttp.request

    def refuse_team_reads(self: FhirHttp, method: str, path: str, **kw: Any) -> Any:
        if method == "GET" and path in ("Provenance", "Encounter"):
            raise AccessRefusedError("The shared record does not allow this laptop to do that: forbidden")
        return real(self, method, path, **kw)

    monkeypatch.setattr(FhirHttp, "request", refuse_team_reads)
    report = sync(boss, server, token)  # no exception: the rest of the sync went through
    assert report.team is not None and report.team.refused == NOT_SUPERVISOR
    assert NOT_SUPERVISOR in report.lines()
    assert sync_state.device_status(boss).get("state") != "revoked"
    assert queue_count(boss, QueueFilter()) == 0


def test_a_provenance_of_someone_elses_encounter_stops_waiting_once_the_encounters_are_passed(
    team: Any, server: RunningServer
) -> None:
    _, boss, _, token = team
    foreign = {
        "resourceType": "Provenance",
        "id": "not-ours-1",
        "meta": {"lastUpdated": "2026-01-01T00:00:00Z"},
        "target": [{"reference": "Encounter/someone-elses"}],
        "recorded": "2026-01-01T00:00:00Z",
        "agent": [{"who": {"display": "Another system"}}],
    }
    cancel = threading.Event()
    puller, http = _puller(boss, server, token, cancel=cancel)
    try:
        puller.apply_resources([foreign])
        assert team_repo.pending_count(boss) == 1
        cancel.set()  # a run stopped before the Encounter search went past it: still waiting
        assert puller.pull().waiting == 1
        cancel.clear()
        http.close()
        puller, http = _puller(boss, server, token, cancel=cancel)
        report = puller.pull()
    finally:
        http.close()
    assert report.assembled == 4 and report.waiting == 0 and report.not_ours == 1
    assert team_repo.pending_count(boss) == 0
    with boss.db.read() as conn:
        assert not team_repo.present(conn, ["Provenance/not-ours-1"])  # its staged copy dropped too
