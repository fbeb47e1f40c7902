"""The supervisor's queue, check view, states, decisions and dashboard rows, over checks made by the
product's own mapping (tests/team/shared_record.py), without a network."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from outreach import services
from outreach.checks.completeness import DONE
from outreach.checks.definition import CORE_ELEMENTS, default_definition
from outreach.clinical.findings import load_rules
from outreach.errors import ValidationError
from outreach.fhir.review_task import parse_decision_task, review_task
from outreach.store import team_repo
from outreach.store.local_store import LocalStore
from outreach.team.decisions import decide
from outreach.team.queue import (
    answer_words,
    dashboard_checks,
    load_team_check,
    queue_choices,
    queue_count,
    queue_page,
    team_dashboard,
)
from outreach.team.records import APPROVED, RECEIVED, RESUBMITTED, RETURNED, QueueFilter
from tests.team.shared_record import SharedRecord, pull_into
from tests.team.support import SUPERVISOR, WORKER, amend, laptop, worker_laptop


@pytest.fixture
def laptops(tmp_path: Path) -> Iterator[tuple[LocalStore, LocalStore, SharedRecord]]:
    worker = worker_laptop(tmp_path / "worker", checks=12, seed=21)
    boss = laptop(tmp_path / "boss", SUPERVISOR, "supervisor")
    try:
        yield worker, boss, SharedRecord()
    finally:
        worker.close()
        boss.close()


def _send_all(worker: LocalStore, record: SharedRecord) -> list[dict]:
    return [r for item in worker.outbox.list() for r in record.receive(worker, item.check_id)]


def test_every_check_is_shown_as_the_worker_recorded_it(laptops) -> None:
    worker, boss, record = laptops
    assert pull_into(boss, _send_all(worker, record)) == 12
    definition, rules = default_definition(), load_rules()
    for item in worker.outbox.list():
        own = services.check_context(worker, item.check_id, definition=definition, rules=rules)
        view = load_team_check(boss, item.check_id)
        assert view.worker == WORKER and view.edition == 1 and view.state == RECEIVED
        assert view.visit_date == own.visit_date
        assert [f.rule_id for f in view.findings] == [f.rule_id for f in own.evaluation.findings]
        severities = {f.rule_id: f.severity for f in own.evaluation.findings}
        assert all(f.document["severity"] == severities[f.rule_id] for f in view.findings)
        # Each finding's follow-up, as decided.
        decided = {f.document["rule_id"]: f for f in worker.follow_ups.for_check(item.check_id)}
        assert {f.document["rule_id"] for f in view.follow_ups} == set(decided)
        for shown in view.follow_ups:
            mine = decided[shown.document["rule_id"]]
            assert shown.id == mine.id and shown.state == mine.state and shown.due_on == mine.due_on
            assert shown.document["decision"]["kind"] == mine.document["decision"]["kind"]
            assert shown.finding_id in {f.id for f in view.findings}
        # The answers that count, the same values.
        values = own.evaluation.values
        for link, value in values.items():
            assert link in view.check.answers, link
            if isinstance(value, float):
                assert view.check.answers[link] == pytest.approx(value)


def test_queue_order_filters_and_choices(laptops) -> None:
    worker, boss, record = laptops
    pull_into(boss, _send_all(worker, record))
    rows = queue_page(boss, QueueFilter(), 0, 100)
    assert len(rows) == queue_count(boss, QueueFilter()) == 12
    assert [(not r.urgent, r.visit_date, r.received_at) for r in rows] == sorted(
        (not r.urgent, r.visit_date, r.received_at) for r in rows)
    assert queue_choices(boss) == ([WORKER], ["No venue recorded"])
    assert queue_count(boss, QueueFilter(venue="No venue recorded", worker=WORKER)) == 12
    assert queue_count(boss, QueueFilter(venue="Elsewhere")) == 0
    later = QueueFilter(date_from=date(2100, 1, 1))
    assert queue_count(boss, later) == 0 and queue_page(boss, later, 0, 10) == []
    assert all(r.person_name and r.nhs_number for r in rows)
    assert queue_page(boss, QueueFilter(today=date(2100, 1, 1)), 0, 1)[0].age_days > 0


def test_states_follow_decisions_and_versions(laptops) -> None:
    worker, boss, record = laptops
    pull_into(boss, _send_all(worker, record))
    chain = worker.outbox.list()[0].check_id
    with pytest.raises(ValidationError):
        decide(boss, chain, approve=False, comment="", user=SUPERVISOR)
    decide(boss, chain, approve=False, comment="Please add the waist measurement", user=SUPERVISOR)
    assert load_team_check(boss, chain).state == RETURNED
    assert queue_count(boss, QueueFilter(states=frozenset({RETURNED}))) == 1

    original = worker.checks.get(chain)
    link = "weight.waist" if "weight.waist" in original.answers else "blood_pressure.pulse"
    second = amend(worker, chain, {link: float(original.answers[link]) + 4}, "Waist measured again")
    assert pull_into(boss, record.receive(worker, second)) == 1
    view = load_team_check(boss, chain)
    assert view.state == RESUBMITTED and view.check_id == second and view.edition == 2
    [change] = view.versions[1].changes
    item = default_definition().items[link]
    assert change.before == answer_words(item, original.answers[link])
    assert change.after == answer_words(item, float(original.answers[link]) + 4)
    assert item.label.lower() in change.label.lower()

    with pytest.raises(ValidationError, match="newer version"):
        decide(boss, chain, approve=True, comment="", user=SUPERVISOR, check_id=chain)
    decide(boss, chain, approve=True, comment="", user=SUPERVISOR, check_id=second)
    assert load_team_check(boss, chain).state == APPROVED
    with pytest.raises(ValidationError, match="already approved"):
        decide(boss, chain, approve=True, comment="", user=SUPERVISOR)
    # A version after an approval needs a look again.
    third = amend(worker, second, {link: float(original.answers[link]) + 5}, "Typo")
    pull_into(boss, record.receive(worker, third))
    assert load_team_check(boss, chain).state == RECEIVED
    assert [v.edition for v in load_team_check(boss, chain).versions] == [1, 2, 3]
    # The queue shows one row per chain, at its newest version.
    rows = [r for r in queue_page(boss, QueueFilter(), 0, 100) if r.chain_id == chain]
    assert len(rows) == 1 and rows[0].check_id == third and rows[0].edition == 3


def test_a_version_that_arrives_while_deciding_refuses_the_decision(laptops) -> None:
    """decide() reads the newest version, then writes: a pull landing in between (here, the write
    asked for the version that was newest before the pull) is refused inside the write itself,
    with nothing queued or audited."""
    worker, boss, record = laptops
    pull_into(boss, _send_all(worker, record))
    chain = worker.outbox.list()[0].check_id
    original = worker.checks.get(chain)
    link = "weight.waist" if "weight.waist" in original.answers else "blood_pressure.pulse"
    newer = amend(worker, chain, {link: float(original.answers[link]) + 1}, "Measured again")
    pull_into(boss, record.receive(worker, newer))
    audited = len(boss.audit.entries(limit=10_000))
    with pytest.raises(ValidationError, match="newer version"):
        team_repo.add_decision(
            boss, decision_id="synthetic-decision", chain_id=chain, check_id=chain, approved=True,
            data={"comment": "", "by": SUPERVISOR}, action="review.approve", user=SUPERVISOR,
        )
    assert team_repo.decisions_for(boss, chain) == []
    assert len(boss.audit.entries(limit=10_000)) == audited


@pytest.mark.parametrize("repeated", [False, True])
def test_a_decision_from_elsewhere_that_arrives_before_its_check_waits_for_it(
    laptops, repeated: bool
) -> None:
    worker, boss, record = laptops
    chain = worker.outbox.list()[0].check_id
    resources = record.receive(worker, chain)
    encounter = next(r for r in resources if r["resourceType"] == "Encounter")
    task = review_task(
        decision_id="5c1d2b7e-1111-4a4a-9b9b-0123456789ab",
        approved=False,
        comment="Seen by another supervisor",
        by="Testother Supervisor",
        at="2026-11-30T10:00:00Z",
        check_id=chain,
        encounter_ref=f"Encounter/{encounter['id']}",
    )
    task = {**task, "id": "review-1", "meta": {"versionId": "1", "lastUpdated": "2026-11-30T10:00:00Z"}}
    assert parse_decision_task(task) is not None
    assert pull_into(boss, [task]) == 0
    assert pull_into(boss, resources) == 1
    from sync.team_pull import TeamPuller

    puller = TeamPuller(boss, http=None)  # type: ignore[arg-type]
    if repeated:  # the same Task read again at the cursor now finds its check, before the kept copy is seen
        puller.apply_resources([task])
        assert puller.report.decisions == 1
    assert puller._apply_kept_decisions() == (0 if repeated else 1)  # one decision, counted once
    assert TeamPuller(boss, http=None)._apply_kept_decisions() == 0  # type: ignore[arg-type]  # not kept
    view = load_team_check(boss, chain)
    assert view.state == RETURNED
    assert [(d.by, d.comment, d.sent) for d in view.decisions] == [
        ("Testother Supervisor", "Seen by another supervisor", True)]


def test_a_check_missing_a_part_is_never_shown(laptops) -> None:
    worker, boss, record = laptops
    chain = worker.outbox.list()[0].check_id
    resources = record.receive(worker, chain)
    without = [r for r in resources if r["resourceType"] != "QuestionnaireResponse"]
    assert pull_into(boss, without) == 0
    assert queue_count(boss, QueueFilter()) == 0 and team_repo.pending_count(boss) == 1
    assert pull_into(boss, [r for r in resources if r["resourceType"] == "QuestionnaireResponse"]) == 1
    assert queue_count(boss, QueueFilter()) == 1 and team_repo.pending_count(boss) == 0


def test_dashboard_rows_say_what_each_element_came_to(laptops) -> None:
    worker, boss, record = laptops
    definition, rules = default_definition(), load_rules()
    first = worker.outbox.list()[0].check_id
    lipids, glucose = definition.element_by_id["lipids"], definition.element_by_id["glucose"]
    amended = amend(worker, first, {lipids.status_id: "declined", lipids.reason_id: "Did not want a blood "
                                                                                    "test",
                                    glucose.status_id: "not_possible", glucose.reason_id: "No testing kit"},
                    "Blood tests were not done after all")
    pull_into(boss, _send_all(worker, record))
    rows = {c.chain_id: c for c in dashboard_checks(boss)}
    assert len(rows) == 12  # the amended check is one chain, counted at its newest version
    assert rows[first].elements["lipids"] == "declined" and rows[first].elements["glucose"] == "not_possible"
    newest = {item.check_id: item.check_id for item in worker.outbox.list()}
    newest[first] = amended
    seen: set[str] = set()
    for chain, check_id in newest.items():
        if chain == amended:
            continue
        own = services.check_context(worker, check_id, definition=definition, rules=rules).evaluation
        row = rows[chain]
        expected = {e.element_id: e.state for e in own.completeness.elements if e.element_id in CORE_ELEMENTS}
        assert dict(row.elements) == expected
        seen.update(expected.values())
        assert row.findings == tuple(f.rule_id for f in own.findings)
        assert row.worker == WORKER and row.person_key and row.person_key != chain
        for f in row.follow_ups:
            assert f.opened_on == row.visit_date or f.opened_on >= row.visit_date
            assert (f.closed_on is None) == (f.kind == "referral")
            assert (f.service is not None) == (f.kind == "referral")
    assert DONE in seen and len(seen) > 1, seen  # declined or not possible among them
    # Nobody's name reaches the dashboards' rows.
    person = worker.people.get(worker.checks.get(worker.outbox.list()[0].check_id).person_id)
    assert person.details.family_name not in repr(list(rows.values()))


def test_a_follow_up_closed_later_reaches_the_dashboard(laptops) -> None:
    worker, boss, record = laptops
    pull_into(boss, _send_all(worker, record))
    before = {c.chain_id: c for c in dashboard_checks(boss)}
    figures = team_dashboard(boss, date(2026, 12, 2))  # kept until something the dashboards count changes
    open_one = next(f for i in worker.outbox.list() for f in worker.follow_ups.for_check(i.check_id)
                    if f.state == "open")
    task_ref = record.refs[next(u for u in record.refs if record.refs[u].startswith("Task/")
                                and record.resources[record.refs[u]].get("identifier", [{}])[0].get("value")
                                == open_one.id)]
    task = dict(record.resources[task_ref], status="completed", lastModified="2026-12-01T12:00:00Z")
    task["statusReason"] = {"coding": [{"system": "https://outreach-health-checks.org/fhir/CodeSystem/"
                                                  "follow-up-outcome", "code": "attended"}]}
    pull_into(boss, [record.update(task)])
    after = {c.chain_id: c for c in dashboard_checks(boss)}
    closed = [f for f in after[open_one.check_id].follow_ups if f.finding == open_one.document["rule_id"]]
    assert closed and closed[0].closed_on == date(2026, 12, 1)
    assert all(f.closed_on is None for f in before[open_one.check_id].follow_ups if f.kind == "referral")
    shown = next(f for f in load_team_check(boss, open_one.check_id).follow_ups if f.id == open_one.id)
    assert shown.state == "closed" and shown.outcome == "attended"
    again = team_dashboard(boss, date(2026, 12, 2))  # the kept figures are not shown: counted again
    assert again.team.follow_ups_closed == figures.team.follow_ups_closed + 1


def test_qrisk3_is_worked_out_with_the_townsend_score_the_worker_used(laptops) -> None:
    worker, boss, record = laptops
    definition, rules = default_definition(), load_rules()
    chain = next(i.check_id for i in worker.outbox.list() if services.check_context(
        worker, i.check_id, definition=definition, rules=rules).evaluation.qrisk3.result is not None)
    draft = services.amend_check(worker, chain, reason="Postcode found")
    worker.checks.update_draft(
        draft.id, lambda doc: doc.update(townsend={"score": 4.5, "source": "Test file"})
    )
    done = services.finalise_check(worker, draft.id, definition=definition, rules=rules).check.id
    own = services.check_context(worker, done, definition=definition, rules=rules).evaluation.qrisk3.result
    assert own is not None
    pull_into(boss, record.receive(worker, chain) + record.receive(worker, done))
    view = load_team_check(boss, chain)
    assert view.check.document["townsend"] == {"score": 4.5, "source": "Test file"}
    from outreach.checks.context import build_context

    theirs = build_context(
        view.check, view.person, definition=definition, rules=rules
    ).evaluation.qrisk3.result
    assert theirs is not None and theirs.risk_percent == pytest.approx(own.risk_percent)
    without = dataclasses.replace(view.check, document={k: v for k, v in view.check.document.items()
                                                        if k != "townsend"})
    unknown = build_context(without, view.person, definition=definition, rules=rules).evaluation.qrisk3.result
    assert unknown is not None and unknown.risk_percent != pytest.approx(own.risk_percent)  # it mattered
