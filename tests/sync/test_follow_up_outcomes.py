"""A follow-up's outcome recorded after its check was sent reaches the shared record: the Task
the GP, the trust and the supervisor see changes from 'requested' to what happened, exactly
once, without overwriting a change someone else made to it meanwhile."""

from __future__ import annotations

from typing import Any

import requests

from outreach import services
from outreach.fhir.identifiers import FOLLOW_UP_SYSTEM
from outreach.store import sync_state
from outreach.store.local_store import LocalStore
from sync.push import product_bundle_builder
from sync.server.serving import RunningServer
from tests.sync.conftest import make_engine

PRODUCT = product_bundle_builder("Test outreach service")


def server_task(server: RunningServer, token: str, follow_up_id: str) -> dict[str, Any]:
    r = requests.get(
        f"{server.url}/Task",
        params={"identifier": f"{FOLLOW_UP_SYSTEM}|{follow_up_id}"},
        headers={"Authorization": f"Bearer {token}", "Accept": "application/fhir+json"},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    (entry,) = r.json()["entry"]
    return dict(entry["resource"])


def a_referral(store: LocalStore) -> Any:
    for item in store.outbox.list():
        for f in store.follow_ups.for_check(item.check_id):
            if f.state == "open" and (f.document.get("decision") or {}).get("kind") == "referral":
                return f
    raise AssertionError("the demo data has no open referral")


def test_an_outcome_recorded_after_sending_reaches_the_task_once(
    store: LocalStore, server: RunningServer, token: str
) -> None:
    make_engine(store, server, token, builder=PRODUCT).run_once()
    follow_up = a_referral(store)
    assert server_task(server, token, follow_up.id)["status"] == "requested"
    services.record_follow_up_outcome(store, follow_up.id, "attended", note="Seen at the clinic")
    report = make_engine(store, server, token, builder=PRODUCT).run_once()
    assert report.updates.sent == 1 and sync_state.pending_updates(store) == []
    task = server_task(server, token, follow_up.id)
    assert task["status"] == "completed" and task["statusReason"]["text"] == "Attended"
    assert any(n["text"] == "Outcome: Attended. Seen at the clinic" for n in task["note"])
    assert task["meta"]["versionId"] == "2"
    # Nothing new: the next sync writes nothing.
    again = make_engine(store, server, token, builder=PRODUCT).run_once()
    assert again.updates.sent == 0 and server_task(server, token, follow_up.id)["meta"]["versionId"] == "2"


def test_an_outcome_recorded_before_the_check_is_sent_waits_for_it(
    store: LocalStore, server: RunningServer, token: str
) -> None:
    follow_up = a_referral(store)
    services.record_follow_up_outcome(store, follow_up.id, "declined")
    # The check goes (its Task as decided at the visit), then the outcome changes the Task.
    report = make_engine(store, server, token, builder=PRODUCT).run_once()
    assert report.updates.sent == 1
    assert server_task(server, token, follow_up.id)["status"] == "cancelled"


def test_a_change_made_meanwhile_on_the_server_is_kept_and_the_outcome_reapplied(
    store: LocalStore, server: RunningServer, token: str, monkeypatch: Any
) -> None:
    make_engine(store, server, token, builder=PRODUCT).run_once()
    follow_up = a_referral(store)
    services.record_follow_up_outcome(store, follow_up.id, "no_response")
    from sync import updates

    real = updates.updated_task
    raced: list[bool] = []

    def someone_else_writes_first(task: dict[str, Any], *a: Any, **kw: Any) -> Any:
        if not raced:  # between our read and our write, a supervisor adds a note on the server
            raced.append(True)
            changed = {k: v for k, v in task.items() if k != "meta"}
            changed["note"] = [*(task.get("note") or []), {"text": "Supervisor: please chase"}]
            r = requests.put(
                f"{server.url}/Task/{task['id']}",
                json=changed,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
                timeout=10,
            )
            assert r.status_code == 200, r.text
        return real(task, *a, **kw)

    monkeypatch.setattr(updates, "updated_task", someone_else_writes_first)
    report = make_engine(store, server, token, builder=PRODUCT).run_once()
    assert report.updates.sent == 1
    task = server_task(server, token, follow_up.id)
    assert task["status"] == "failed" and task["statusReason"]["text"] == "No response from the person"
    assert any(n["text"] == "Supervisor: please chase" for n in task["note"])  # not overwritten


def test_status_lists_outcomes_not_yet_sent(store: LocalStore) -> None:
    follow_up = a_referral(store)
    services.record_follow_up_outcome(store, follow_up.id, "attended")
    (pending,) = sync_state.pending_updates(store)
    assert pending.record_id == follow_up.id and pending.state == "queued"


def test_a_read_quota_slows_the_outcomes_down_but_sends_them_all_in_one_sync(
    store: LocalStore, tmp_path: Any
) -> None:
    """A server that answers 429 with Retry-After once a laptop reads too fast: the outcomes sit
    through the short waits (as the pull does) instead of each being put off to a later sync."""
    from sync.backoff import Clock
    from sync.server.behaviours import Behaviours
    from sync.server.faults import Faults
    from sync.server.serving import start_in_thread

    with start_in_thread(
        f"sqlite:///{tmp_path / 'quota.db'}", faults=Faults(), behaviours=Behaviours(read_quota=(3, 0.2))
    ) as quota_server:
        token = quota_server.add_device("Test laptop 1")

        def sync() -> Any:
            return make_engine(
                store, quota_server, token, builder=PRODUCT, clock=Clock(), max_wait_s=5.0
            ).run_once()

        sync()
        closed = [
            f
            for item in store.outbox.list()
            for f in store.follow_ups.for_check(item.check_id)
            if f.state == "open"
        ]
        assert len(closed) > 3  # more than the quota lets through at once
        for f in closed:
            services.record_follow_up_outcome(store, f.id, "attended")
        report = sync()
        assert (report.updates.sent, report.updates.retrying) == (len(closed), 0)
        assert sync_state.pending_updates(store) == []
