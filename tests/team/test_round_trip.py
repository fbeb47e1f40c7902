"""A check's whole review round trip, headless, on two laptops and the real reference server.

The worker finalises and syncs; the supervisor's laptop pulls the team's checks and returns one
with a comment; the worker's own pull reads it as "Returned with comments"; the worker amends
(a new version, history kept), finalises and syncs; the supervisor sees the chain as
"resubmitted" with the change listed, approves; the worker's pull reads "Approved". Every
decision reaches the shared record exactly once and is in the supervisor's audit trail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from outreach.errors import ValidationError
from outreach.fhir.review_task import REVIEW_SYSTEM
from outreach.store import sync_state
from outreach.store.local_store import LocalStore
from outreach.team.decisions import decide
from outreach.team.queue import load_team_check, queue_count, queue_page
from outreach.team.records import APPROVED, RECEIVED, RESUBMITTED, RETURNED, QueueFilter
from sync.server.faults import Faults
from sync.server.serving import RunningServer, start_in_thread
from tests.team.support import SUPERVISOR, add_device, amend, engine, laptop, sync, worker_laptop
from ui.home.reviews import review_words
from ui.ops.reviews import AMENDED as WORKER_AMENDED
from ui.ops.reviews import APPROVED as WORKER_APPROVED
from ui.ops.reviews import RETURNED as WORKER_RETURNED
from ui.ops.reviews import load_check_reviews, load_reviews

COMMENT = "Please repeat the blood pressure: the second reading is missing."


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running = start_in_thread(f"sqlite:///{tmp_path / 'shared.db'}", faults=Faults())
    try:
        yield running
    finally:
        running.stop()


def _review_tasks(server: RunningServer, decision_id: str) -> int:
    return server.store.count("Task", identifier=(REVIEW_SYSTEM, decision_id))


def off_gui_thread(func: Callable[..., Any], *args: Any) -> Any:
    """The app reads reviews on its store worker; the guard refuses them on the main thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(func, *args).result()


def _worker_review(store: LocalStore, check_id: str) -> sync_state.Review:
    reviews = sync_state.reviews_for_check(store, check_id)
    assert reviews, f"no review came down for {check_id}"
    return reviews[-1]


def test_return_amend_resubmit_approve(tmp_path: Path, server: RunningServer) -> None:
    worker = worker_laptop(tmp_path / "worker", checks=2, seed=5)
    boss = laptop(tmp_path / "supervisor", SUPERVISOR, "supervisor")
    worker_token = add_device(server, "Worker laptop", "worker")
    boss_token = add_device(server, "Supervisor laptop", "supervisor")
    try:
        first = sync(worker, server, worker_token)
        assert first.sent == 2 and first.pending == 0

        # The supervisor pulls the team's checks: both are in the queue, received.
        pulled = sync(boss, server, boss_token)
        assert pulled.team is not None and pulled.team.refused is None
        assert pulled.team.assembled == 2 and pulled.team.waiting == 0
        rows = queue_page(boss, QueueFilter(), 0, 10)
        assert [r.state for r in rows] == [RECEIVED, RECEIVED]
        assert queue_count(boss, QueueFilter(states=frozenset({RECEIVED}))) == 2

        item = worker.outbox.list()[0]
        original = worker.checks.get(item.check_id)
        row = next(r for r in rows if r.chain_id == original.id)
        view = load_team_check(boss, row.chain_id)
        # Shown as the worker recorded it: the same answers, the same findings, a follow-up each.
        assert view.check.answers.keys() >= {k for k, v in original.answers.items() if v is not None} - {
            k for k in original.answers if k.endswith("_confirmed")}
        for link, value in original.answers.items():
            if link in view.check.answers and isinstance(value, (int, float)):
                assert float(view.check.answers[link]) == pytest.approx(float(value)), link
        worker_findings = [f.rule_id for f in worker.checks.findings(original.id)]
        assert sorted(f.rule_id for f in view.findings) == sorted(worker_findings)
        assert len(view.follow_ups) == len(worker_findings)
        person = worker.people.get(original.person_id)
        assert view.person.display_name == person.display_name
        assert view.person.details.nhs_number == person.details.nhs_number
        assert "GP practice" in view.consent_words
        assert [v.edition for v in view.versions] == [1]

        # Returning needs words.
        with pytest.raises(ValidationError, match="Say what needs changing"):
            decide(boss, row.chain_id, approve=False, comment="   ", user=SUPERVISOR)
        returned = decide(boss, row.chain_id, approve=False, comment=COMMENT, user=SUPERVISOR)
        assert not returned.sent
        assert load_team_check(boss, row.chain_id).state == RETURNED
        sent = sync(boss, server, boss_token)
        assert sent.decisions.sent == 1
        assert load_team_check(boss, row.chain_id).decisions[-1].sent
        again = sync(boss, server, boss_token)  # nothing is sent twice
        assert again.decisions.sent == 0
        assert _review_tasks(server, returned.decision_id) == 1

        # The worker's own pull reads it as returned, with the comment.
        sync(worker, server, worker_token)
        review = _worker_review(worker, original.id)
        returned_lines = off_gui_thread(load_check_reviews, worker, original.id)
        assert [line.state for line in returned_lines] == [WORKER_RETURNED]
        assert review_words(WORKER_RETURNED) == "Returned with comments"
        assert COMMENT in review.document["notes"]

        # The worker amends: a new version that points at the old one.
        changed_link = "weight.waist" if "weight.waist" in original.answers else "blood_pressure.pulse"
        old_value = original.answers[changed_link]
        amended_id = amend(worker, original.id, {changed_link: float(old_value) + 7}, "Measured again")
        out = sync(worker, server, worker_token)
        assert out.pending == 0
        # The worker's list no longer asks them to act on the version they have amended.
        assert [(line.check_id, line.state) for line in off_gui_thread(load_reviews, worker)] == [
            (original.id, WORKER_AMENDED)
        ]

        boss_pull = sync(boss, server, boss_token)
        assert boss_pull.team is not None and boss_pull.team.assembled == 1
        view = load_team_check(boss, row.chain_id)
        assert view.state == RESUBMITTED and view.check_id == amended_id and view.edition == 2
        assert [v.edition for v in view.versions] == [1, 2]
        assert view.versions[1].reason == "Measured again"
        change = [c for c in view.versions[1].changes]
        assert len(change) == 1, change
        assert change[0].before.startswith(f"{float(old_value):g}")
        assert change[0].after.startswith(f"{float(old_value) + 7:g}")
        assert (
            queue_page(boss, QueueFilter(states=frozenset({RESUBMITTED})), 0, 10)[0].chain_id == row.chain_id
        )

        # Deciding on the version no longer the newest is refused in words.
        with pytest.raises(ValidationError, match="newer version"):
            decide(boss, row.chain_id, approve=True, comment="", user=SUPERVISOR, check_id=original.id)
        approved = decide(boss, row.chain_id, approve=True, comment="Thank you", user=SUPERVISOR,
                          check_id=amended_id)
        assert load_team_check(boss, row.chain_id).state == APPROVED
        sync(boss, server, boss_token)
        assert _review_tasks(server, approved.decision_id) == 1
        decisions = load_team_check(boss, row.chain_id).decisions
        assert [(d.approved, d.edition, d.sent) for d in decisions] == [(False, 1, True), (True, 2, True)]

        sync(worker, server, worker_token)
        approved_lines = off_gui_thread(load_check_reviews, worker, amended_id)
        assert [line.state for line in approved_lines] == [WORKER_APPROVED]
        # The approval comes first; the answered return stays below it as history.
        assert [(line.check_id, line.state) for line in off_gui_thread(load_reviews, worker)] == [
            (amended_id, WORKER_APPROVED), (original.id, WORKER_AMENDED)]
        assert review_words(WORKER_AMENDED) == "Returned, amended since"

        # Every decision is in the supervisor's audit trail.
        actions = [e.action for e in boss.audit.entries(limit=1000)]
        assert actions.count("review.return") == 1 and actions.count("review.approve") == 1
        assert boss.audit.verify().ok
    finally:
        worker.close()
        boss.close()


def test_a_decision_refused_for_good_is_held_not_resent_every_sync(
    tmp_path: Path, server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A decision the shared record refuses for good (here its Task's authoredOn is not a date, so the
    server answers 400) is held with the server's words, as a refused check is: the next automatic sync
    leaves it alone, and only Sync now tries it again."""
    from outreach.store import team_repo
    from sync import team_push

    worker = worker_laptop(tmp_path / "worker", checks=1, seed=9)
    boss = laptop(tmp_path / "supervisor", SUPERVISOR, "supervisor")
    worker_token = add_device(server, "Worker laptop", "worker")
    boss_token = add_device(server, "Supervisor laptop", "supervisor")
    try:
        sync(worker, server, worker_token)
        sync(boss, server, boss_token)
        [row] = queue_page(boss, QueueFilter(), 0, 10)
        made = decide(boss, row.chain_id, approve=True, comment="", user=SUPERVISOR)
        real_bundle = team_push.review_bundle

        def broken(task: dict, decision_id: str) -> dict:
            return real_bundle({**task, "authoredOn": "not a date"}, decision_id)

        monkeypatch.setattr(team_push, "review_bundle", broken)
        report = engine(boss, server, boss_token).run_once()
        assert (report.decisions.sent, report.decisions.refused, report.decisions.retrying) == (0, 1, 0)
        held = team_repo.decision(boss, made.decision_id)
        assert held.state == "failed" and held.next_attempt_at is None
        assert "did not take the decision" in (held.last_error or "")
        attempts = held.attempts
        engine(boss, server, boss_token).run_once()  # an automatic sync: not tried again
        assert team_repo.decision(boss, made.decision_id).attempts == attempts
        monkeypatch.setattr(team_push, "review_bundle", real_bundle)
        sync(boss, server, boss_token)  # Sync now: tried again, and now it goes
        assert team_repo.decision(boss, made.decision_id).state == "sent"
        assert _review_tasks(server, made.decision_id) == 1
    finally:
        for store in (worker, boss):
            store.close()
