"""Pulling reviews, the service directory and device status from the real reference server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from outreach.fhir.identifiers import CHECK_SYSTEM
from outreach.store import sync_state
from outreach.store.local_store import LocalStore
from sync.http import FhirHttp
from sync.pull import PullCounts, Puller
from sync.server.faults import Faults
from sync.server.serving import RunningServer, start_in_thread
from tests.sync.conftest import make_engine
from tests.sync.server_calls import post


def review_task(focus: dict[str, Any], words: str, status: str = "requested") -> dict[str, Any]:
    return {
        "resourceType": "Task",
        "status": status,
        "intent": "order",
        "focus": focus,
        "description": words,
        "note": [{"text": "Synthetic supervisor note"}],
    }


def test_a_review_created_on_the_server_comes_down_to_its_check(
    store: LocalStore, server: RunningServer, token: str
) -> None:
    make_engine(store, server, token).run_once()
    items = store.outbox.list()
    by_ref = json.loads(items[0].server_ref or "[]")
    encounter = next(r.split("/_history/")[0] for r in by_ref if r.startswith("Encounter/"))
    post(server, token, review_task({"reference": encounter}, "Please repeat the blood pressure"))
    # A review naming the check by our identifier instead of the server's id is found too.
    post(
        server,
        token,
        review_task(
            {"identifier": {"system": CHECK_SYSTEM, "value": items[1].check_id}}, "Reviewed: no action"
        ),
    )
    # A task about something this laptop never sent (or not yet known here) is kept, sealed,
    # but not shown: it may be about a check whose server ids this laptop has not learnt yet.
    elsewhere = post(
        server,
        token,
        {
            "resourceType": "Encounter",
            "status": "finished",
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
        },
    )
    post(server, token, review_task({"reference": f"Encounter/{elsewhere['id']}"}, "Not ours"))
    # A review naming by our identifier a check that was never on this laptop is another laptop's
    # (a supervisor's token reads the whole team's): there is nothing to keep it for.
    post(
        server,
        token,
        review_task({"identifier": {"system": CHECK_SYSTEM, "value": "check-of-another-laptop"}}, "Theirs"),
    )
    report = make_engine(store, server, token).run_once()
    reviews = {p.kind: p for p in report.pulled}["reviews"]
    assert reviews.received == 4 and reviews.stored == 2 and reviews.kept == 1
    assert len(sync_state.list_reviews(store)) == 2
    (first,) = sync_state.reviews_for_check(store, items[0].check_id)
    assert first.summary == "Please repeat the blood pressure" and first.status == "requested"
    assert first.document["notes"] == ["Synthetic supervisor note"]
    (second,) = sync_state.reviews_for_check(store, items[1].check_id)
    assert second.summary == "Reviewed: no action"
    # Review text is personal: it is sealed on disk.
    with store.db.read() as conn:
        blobs = b"".join(bytes(r[0]) for r in conn.exec_driver_sql("SELECT data FROM sync_reviews"))
    assert b"blood pressure" not in blobs
    # Nothing new: the next run downloads at most what sits at the cursor's own instant again
    # (it asks for 'ge' the cursor, so a server storing coarser instants loses nothing).
    again = {p.kind: p for p in make_engine(store, server, token).run_once().pulled}
    assert again["reviews"].received <= 1
    assert len(sync_state.list_reviews(store)) == 2


def test_directory_pages_are_followed_and_an_expired_page_link_starts_again(
    tmp_path: Path, store: LocalStore
) -> None:
    # Paging links that expire at once: every `next` is answered 410 restart-search.
    with start_in_thread(f"sqlite:///{tmp_path / 'ttl.db'}", faults=Faults(), page_ttl_s=0.0) as server:
        token = server.add_device("Test laptop 1")
        lead = server.add_device("Test team lead", role="supervisor")  # the directory is theirs to write
        for n in range(7):
            post(
                server,
                lead,
                {"resourceType": "HealthcareService", "active": n != 3, "name": f"Test service {n}"},
            )
        report = make_engine(store, server, token, page_size=2).run_once()
        directory = {p.kind: p for p in report.pulled}["directory"]
        assert directory.error is None
        # Each restart asks for 'ge' the cursor, so it sees the cursor's resource again: more
        # pages and restarts than with 'gt', and nothing skipped.
        assert directory.received >= 7 and directory.restarts >= 3
        names = [e.name for e in sync_state.list_directory(store)]
        assert names == sorted(f"Test service {n}" for n in range(7) if n != 3)
        assert len(sync_state.list_directory(store, active_only=False)) == 7


def test_a_crash_between_pages_repeats_nothing_and_skips_nothing(
    store: LocalStore, server: RunningServer, token: str
) -> None:
    lead = server.add_device("Test team lead", role="supervisor")  # the directory is theirs to write
    for n in range(5):
        post(server, lead, {"resourceType": "HealthcareService", "active": True, "name": f"Test service {n}"})

    class Crash(Exception):
        pass

    def crash_after_second_page(counts: PullCounts) -> None:
        if counts.pages == 2:
            raise Crash

    with FhirHttp(server.url, token) as http:
        puller = Puller(store, http, page_size=2, on_page=crash_after_second_page)
        with pytest.raises(Crash):
            puller.pull_kind("directory", "HealthcareService", puller._apply_service)
    assert len(sync_state.list_directory(store)) == 4  # both pages were applied with their cursor
    report = make_engine(store, server, token, page_size=2).run_once()
    directory = {p.kind: p for p in report.pulled}["directory"]
    assert directory.received <= 2  # only what came after the cursor (and the one at it)
    assert sorted(e.name for e in sync_state.list_directory(store)) == [f"Test service {n}" for n in range(5)]


def test_device_status_comes_down(store: LocalStore, server: RunningServer, token: str) -> None:
    post(
        server,
        token,
        {
            "resourceType": "Device",
            "status": "inactive",
            "deviceName": [{"name": "Test laptop 1", "type": "user-friendly-name"}],
        },
    )
    make_engine(store, server, token, device_name="Test laptop 1").run_once()
    assert sync_state.device_status(store)["state"] == "revoked"
