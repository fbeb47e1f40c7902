"""Checks, findings, follow-ups, consent, outbox and audit: the rules the records keep."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from outreach import services
from outreach.errors import StoreError, ValidationError
from outreach.store.database import database_path
from outreach.store.local_store import LocalStore
from tests.store.conftest import person, reopen, synthetic_nhs_number

FINDING = {"rule_id": "bp-high", "title": "Blood pressure high", "severity": "act"}
REFERRAL = {
    "kind": "referral",
    "service_id": "gp-routine",
    "reason": None,
    "note": None,
    "due_on": "2026-12-01",
}


def _draft(store: LocalStore) -> str:
    p = services.register_person(store, person(1, nhs_number=synthetic_nhs_number(1)))
    services.record_consent(store, p.id, "check", True)
    check = services.start_check(store, p.id, definition_version="1.0.0")
    services.save_answer(store, check.id, "systolic", 162)
    return check.id


def _finalised(store: LocalStore) -> str:
    check_id = _draft(store)
    services.record_follow_up_decision(store, check_id, "bp-high", REFERRAL)
    store.checks.finalise(check_id, [FINDING])
    return check_id


def test_finalise_writes_check_findings_follow_ups_and_outbox_together(
    store: LocalStore, data_dir: Path
) -> None:
    check_id = _draft(store)
    services.record_follow_up_decision(store, check_id, "bp-high", REFERRAL)
    result = store.checks.finalise(check_id, [FINDING])
    assert result.check.is_final and result.outbox_item.state == "queued"
    store.close()
    s = reopen(data_dir)
    try:
        check = s.checks.get(check_id)
        assert check.status == "finalised" and check.answers == {"systolic": 162}
        assert [i.check_id for i in s.outbox.list()] == [check_id]
        assert [f.rule_id for f in s.checks.findings(check_id)] == ["bp-high"]
        (follow,) = s.follow_ups.for_check(check_id)
        assert follow.state == "open" and follow.due_on == "2026-12-01"
    finally:
        s.close()


def test_a_finalise_that_fails_part_way_leaves_no_trace(
    store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_id = _draft(store)
    services.record_follow_up_decision(store, check_id, "bp-high", REFERRAL)
    audit_count = store.audit.count()

    def boom(*args: object, **kwargs: object) -> int:
        raise RuntimeError("power cut simulated after the outbox insert")

    monkeypatch.setattr(store.audit, "append", boom)
    with pytest.raises(RuntimeError):
        store.checks.finalise(check_id, [FINDING])
    monkeypatch.undo()
    assert store.checks.get(check_id).status == "draft"
    assert store.outbox.list() == []
    assert store.checks.findings(check_id) == [] and store.follow_ups.for_check(check_id) == []
    assert store.audit.count() == audit_count


def test_finalise_refuses_a_finding_without_follow_up(store: LocalStore) -> None:
    check_id = _draft(store)
    with pytest.raises(ValidationError, match="Blood pressure high"):
        store.checks.finalise(check_id, [FINDING])
    assert store.outbox.list() == []


def test_a_finalised_check_cannot_be_changed_through_the_repository(store: LocalStore) -> None:
    check_id = _finalised(store)
    with pytest.raises(ValidationError, match="amend"):
        services.save_answer(store, check_id, "systolic", 120)
    with pytest.raises(ValidationError):
        store.checks.finalise(check_id, [])
    assert store.checks.get(check_id).answers == {"systolic": 162}


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE checks SET status = 'draft' WHERE id = :id",
        "UPDATE checks SET data = x'00' WHERE id = :id",
        "DELETE FROM checks WHERE id = :id",
        "DELETE FROM check_findings WHERE check_id = :id",
        "UPDATE check_findings SET data = x'00' WHERE check_id = :id",
        "INSERT INTO check_findings (id, check_id, position, version, data) VALUES ('x', :id, 9, 1, x'00')",
    ],
)
def test_a_finalised_check_cannot_be_changed_behind_the_app(
    store: LocalStore, data_dir: Path, sql: str
) -> None:
    check_id = _finalised(store)
    store.close()
    raw = sqlite3.connect(database_path(data_dir))
    try:
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            raw.execute(sql, {"id": check_id})
    finally:
        raw.close()


def test_amendment_is_a_new_version_pointing_to_the_original(store: LocalStore) -> None:
    first = _finalised(store)
    amended = services.amend_check(store, first, reason="systolic mistyped")
    assert amended.status == "draft" and amended.amends_id == first and amended.edition == 2
    assert amended.answers == {"systolic": 162}
    services.save_answer(store, amended.id, "systolic", 126)
    store.checks.finalise(amended.id, [])
    with pytest.raises(ValidationError, match="already been amended"):
        services.amend_check(store, first)
    third = services.amend_check(store, amended.id)
    chain = services.check_history(store, third.id)
    assert [c.id for c in chain] == [first, amended.id, third.id]
    assert [c.edition for c in chain] == [1, 2, 3]
    assert store.checks.get(first).answers == {"systolic": 162}  # the original is untouched
    assert {i.check_id for i in store.outbox.list()} == {first, amended.id}


def test_amending_a_draft_is_refused(store: LocalStore) -> None:
    with pytest.raises(ValidationError, match="still a draft"):
        services.amend_check(store, _draft(store))


def test_follow_up_outcome_closes_it_and_overdue_ones_are_found(store: LocalStore) -> None:
    check_id = _finalised(store)
    from datetime import date

    (open_item,) = services.open_follow_ups(store)
    assert services.open_follow_ups(store, overdue_on=date(2026, 12, 2)) == [open_item]
    assert services.open_follow_ups(store, overdue_on=date(2026, 11, 30)) == []
    closed = services.record_follow_up_outcome(store, open_item.id, "attended", note="seen by GP")
    assert closed.state == "closed" and closed.outcome == "attended"
    assert store.follow_ups.get(open_item.id).document["outcome_note"] == "seen by GP"
    assert services.open_follow_ups(store) == []
    with pytest.raises(ValidationError):
        services.record_follow_up_outcome(store, open_item.id, "maybe")
    assert store.follow_ups.for_check(check_id)[0].outcome == "attended"


def test_consent_is_append_only_and_the_newest_answer_counts(store: LocalStore, data_dir: Path) -> None:
    p = services.register_person(store, person(2))
    services.record_consent(store, p.id, "check", True)
    services.record_consent(store, p.id, "gp", True)
    services.record_consent(store, p.id, "gp", False, note="changed their mind")
    assert services.consent_status(store, p.id) == {"check": True, "gp": False}
    assert [c.note for c in store.consents.history(p.id)] == [None, None, "changed their mind"]
    with pytest.raises(ValidationError):
        services.record_consent(store, p.id, "everyone", True)
    store.close()
    raw = sqlite3.connect(database_path(data_dir))
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute("UPDATE consents SET granted = 1")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute("DELETE FROM consents")
    finally:
        raw.close()


def test_outbox_moves_through_its_states_and_keeps_the_error(store: LocalStore) -> None:
    _finalised(store)
    (item,) = services.list_outbox(store)
    sending = store.outbox.mark_sending(item.id)
    assert sending.state == "sending" and sending.attempts == 1
    failed = store.outbox.mark_failed(item.id, "server said 503", next_attempt_at="2000-01-01T00:00:00Z")
    assert failed.state == "failed" and failed.last_error == "server said 503"
    assert [i.id for i in store.outbox.due()] == [item.id]
    store.outbox.mark_sending(item.id)
    sent = store.outbox.mark_sent(item.id, server_ref="Bundle/1")
    assert (
        sent.state == "sent"
        and sent.attempts == 2
        and sent.last_error is None
        and sent.server_ref == "Bundle/1"
    )
    assert services.list_outbox(store, ["queued", "failed"]) == []
    with pytest.raises(ValidationError):
        store.outbox.mark_sending(item.id)
    # Which checks are sent is read from the index alone, for just the checks asked about.
    other = services.register_person(store, person(2, nhs_number=synthetic_nhs_number(2)))
    services.record_consent(store, other.id, "check", True)
    waiting = services.start_check(store, other.id, definition_version="1.0.0").id
    services.record_follow_up_decision(store, waiting, "bp-high", REFERRAL)
    store.checks.finalise(waiting, [FINDING])
    assert store.outbox.sent_among([item.check_id, waiting, "no-such-check"]) == {item.check_id}
    assert store.outbox.sent_among([]) == set()


def test_audit_trail_is_append_only_and_chained(store: LocalStore, data_dir: Path) -> None:
    _finalised(store)
    verdict = store.audit.verify()
    assert verdict.ok and verdict.checked >= 6
    entries = store.audit.entries()
    assert {"person.register", "check.start", "check.autosave", "check.finalise"} <= {
        e.action for e in entries
    }
    assert all(e.user_id == "Admin Testuser" for e in entries)
    store.close()
    path = database_path(data_dir)
    raw = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("UPDATE audit SET action = 'nothing' WHERE seq = 3")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("DELETE FROM audit WHERE seq = 3")
    # Someone determined drops the trigger and rewrites history: the chain shows where.
    raw.execute("DROP TRIGGER audit_append_only_update")
    raw.execute("UPDATE audit SET user_id = 'Someone Else' WHERE seq = 3")
    raw.commit()
    raw.close()
    s = reopen(data_dir)
    try:
        verdict = s.audit.verify()
        assert not verdict.ok and verdict.first_broken_seq == 3
    finally:
        s.close()


def test_audit_chain_notices_a_deleted_entry(store: LocalStore, data_dir: Path) -> None:
    _finalised(store)
    store.close()
    raw = sqlite3.connect(database_path(data_dir))
    raw.execute("DROP TRIGGER audit_append_only_delete")
    raw.execute("DELETE FROM audit WHERE seq = 2")
    raw.commit()
    raw.close()
    s = reopen(data_dir)
    try:
        verdict = s.audit.verify()
        assert not verdict.ok and verdict.first_broken_seq == 3
    finally:
        s.close()


def test_unknown_check_gives_a_clear_message(store: LocalStore) -> None:
    with pytest.raises(StoreError, match="not in the store"):
        services.save_answer(store, "no-such-check", "systolic", 1)


def test_venues_and_sessions(store: LocalStore) -> None:
    venue = store.venues.add("Synthetic Community Cafe", {"postcode": "ZZ9 9ZZ"})
    session_id = store.venues.start_session(venue.id)
    p = services.register_person(store, person(0))
    services.record_consent(store, p.id, "check", True)
    check = services.start_check(store, p.id, definition_version="1.0.0", session_id=session_id)
    store.venues.end_session(session_id)
    assert store.venues.list() == [venue]
    assert services.load_check(store, check.id).session_id == session_id
    with pytest.raises(StoreError):
        store.venues.start_session("no-such-venue")
