"""The same venue from two laptops is one Location on the shared record, and checks half sent
before venues were team-wide finish without sending anything twice."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from outreach.fhir.identifiers import (
    CHECK_SYSTEM,
    VENUE_SYSTEM,
    derived_uuid,
    identifier,
    if_none_exist,
    normalised_venue_name,
)
from outreach.fhir.outbox import venue_for_session
from outreach.store import sync_state
from outreach.store.crypto import TEST_KDF
from outreach.store.local_store import LocalStore
from outreach.store.records import OutboxItem
from sync import parts
from sync.push import product_bundle_builder
from sync.server.serving import RunningServer, start_in_thread
from tests.fhir.test_outbox_and_server import finalise_synthetic, register, share_all
from tests.sync.conftest import make_engine

ORG = "Synthetic Outreach Service"
FHIR_JSON = "application/fhir+json"
Builder = Callable[[LocalStore, OutboxItem], dict[str, Any]]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running = start_in_thread(f"sqlite:///{tmp_path / 'shared.db'}")
    try:
        yield running
    finally:
        running.stop()


def laptop(folder: Path, venue_name: str) -> tuple[LocalStore, str]:
    store = LocalStore.create(
        folder, admin_name="Sam Testworker", admin_passphrase="synthetic passphrase one", kdf=TEST_KDF
    )
    venue = store.venues.add(venue_name)
    return store, store.venues.start_session(venue.id)


def check_at(store: LocalStore, session: str, n: int) -> str:
    who = register(store, n)
    done = finalise_synthetic(store, who.id, n, session_id=session)
    share_all(store, who.id, done.check.id)
    return str(done.check.id)


def search(server: RunningServer, token: str, res_type: str, **params: str) -> list[dict[str, Any]]:
    r = requests.get(f"{server.url}/{res_type}", params={**params, "_count": "100"}, timeout=30,
                     headers={"Authorization": f"Bearer {token}", "Accept": FHIR_JSON})
    assert r.status_code == 200, r.text
    return [e["resource"] for e in r.json().get("entry", [])]


def encounter_location(server: RunningServer, token: str, check_id: str) -> str:
    (enc,) = search(server, token, "Encounter", identifier=f"{CHECK_SYSTEM}|{check_id}")
    (where,) = enc["location"]
    return str(where["location"]["reference"])


def test_venue_names_compare_as_the_team_means_them() -> None:
    same = [
        "St Mark's Church Hall",
        "st marks church hall ",
        "St. Mark’s  Church-Hall",
        "ST MARKS CHURCH HALL",
    ]
    assert {normalised_venue_name(n) for n in same} == {"st marks church hall"}
    assert normalised_venue_name("Café Nour") == normalised_venue_name("cafe nour")
    assert normalised_venue_name("St Mark's Church Hall") != normalised_venue_name("St Luke's Church Hall")


def test_two_laptops_at_the_same_venue_make_one_location(tmp_path: Path, server: RunningServer) -> None:
    lead = server.add_device("Test team lead", role="supervisor")
    first, first_session = laptop(tmp_path / "one", "St Mark's Church Hall")
    second, second_session = laptop(tmp_path / "two", "st marks church  hall ")
    try:
        checks = []
        for n, (store, session, name) in enumerate(
            [(first, first_session, "Test laptop 1"), (second, second_session, "Test laptop 2")]
        ):
            checks.append(check_at(store, session, 10 + n))
            token = server.add_device(name)
            make_engine(store, server, token, builder=product_bundle_builder(ORG)).run_once()
            assert [i.state for i in store.outbox.list()] == ["sent"]
        (location,) = search(server, lead, "Location")
        assert location["name"] == "St Mark's Church Hall"  # as the first laptop to go there wrote it
        assert {encounter_location(server, lead, c) for c in checks} == {f"Location/{location['id']}"}
        assert location["identifier"][0]["system"] == VENUE_SYSTEM
    finally:
        first.close()
        second.close()


def _before_team_venues(build: Builder) -> Builder:
    """The mapping as earlier versions made it: the Location named by this laptop's venue id."""

    def old(store: LocalStore, item: OutboxItem) -> dict[str, Any]:
        bundle = build(store, item)
        venue = venue_for_session(store, store.checks.get(item.check_id).session_id)
        assert venue is not None
        (entry,) = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Location"]
        new_url = entry["fullUrl"]
        old_url = "urn:uuid:" + derived_uuid("entry", "Location", VENUE_SYSTEM, venue.id)
        entry["resource"]["identifier"] = [identifier(VENUE_SYSTEM, venue.id)]
        entry["request"]["ifNoneExist"] = if_none_exist(VENUE_SYSTEM, venue.id)
        return dict(json.loads(json.dumps(bundle).replace(new_url, old_url)))

    return old


def test_a_check_half_sent_before_the_upgrade_finishes_with_nothing_sent_twice(
    tmp_path: Path, server: RunningServer
) -> None:
    lead = server.add_device("Test team lead", role="supervisor")
    token = server.add_device("Test laptop 1")
    store, session = laptop(tmp_path / "one", "St Mark's Church Hall")
    try:
        old_builder = _before_team_venues(product_bundle_builder(ORG))
        sent_before = check_at(store, session, 20)
        make_engine(store, server, token, builder=old_builder).run_once()
        # The next check got as far as its shared records (the Location among them), then the
        # laptop was upgraded before its Encounter went out.
        half = check_at(store, session, 21)
        (item,) = [i for i in store.outbox.list() if i.check_id == half]
        entries = [e for e in parts.entries_of(old_builder(store, item))
                   if e.resource_type in ("Organization", "Patient", "Practitioner", "Device", "Location")]
        confirmed: dict[str, str] = {}
        headers = {"Authorization": f"Bearer {token}", "Content-Type": FHIR_JSON, "Accept": FHIR_JSON}
        while ready := parts.ready(entries, confirmed):
            answer = requests.post(
                f"{server.url}/", json=parts.part_bundle(ready, confirmed), headers=headers, timeout=30
            )
            assert answer.status_code == 200, answer.text
            for e, got in zip(ready, answer.json()["entry"], strict=True):
                confirmed[e.full_url] = str(parts.reference_of(got["response"]["location"]))
        sync_state.record_confirmed(store, server.url, item.id, half, confirmed)
        (legacy,) = search(server, lead, "Location")

        make_engine(store, server, token, builder=product_bundle_builder(ORG)).run_once()
        assert [i.state for i in store.outbox.list()] == ["sent", "sent"]
        # Each check once; the one sent before keeps its Location, the half-sent one uses the team's.
        assert len(search(server, lead, "Encounter")) == 2
        assert encounter_location(server, lead, sent_before) == f"Location/{legacy['id']}"
        team = encounter_location(server, lead, half)
        assert team != f"Location/{legacy['id']}"
        assert len(search(server, lead, "Location")) == 2  # the earlier one stays; nothing duplicated since
        assert server.store.dangling_references() == []
        # A second laptop at the same hall now finds the team's Location.
        other, other_session = laptop(tmp_path / "two", "ST MARKS CHURCH HALL")
        try:
            later = check_at(other, other_session, 22)
            other_token = server.add_device("Test laptop 2")
            make_engine(other, server, other_token, builder=product_bundle_builder(ORG)).run_once()
            assert encounter_location(server, lead, later) == team
            assert len(search(server, lead, "Location")) == 2
        finally:
            other.close()
    finally:
        store.close()

