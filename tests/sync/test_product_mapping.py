"""The product's own mapping (outreach.fhir) through the engine, with faults: the shared
record ends up with exactly the resources of each check's bundle, once."""

from __future__ import annotations

from collections import Counter

from outreach.fhir.identifiers import CHECK_SYSTEM
from outreach.store.local_store import LocalStore
from sync.push import product_bundle_builder
from sync.server.serving import RunningServer
from tests.sync.conftest import make_engine, pending, server_count

POST = {"method": "POST", "path": "/"}


def test_product_bundles_arrive_exactly_once_through_faults(
    store: LocalStore, server: RunningServer, token: str
) -> None:
    build = product_bundle_builder("Test outreach service", "", "Test laptop 1")
    expected: Counter[str] = Counter()
    for item in store.outbox.list():
        for entry in build(store, item)["entry"]:
            expected[entry["resource"]["resourceType"]] += 1
    server.faults.drop_after_commit(times=2, **POST)
    server.faults.malformed_json(times=1, **POST)
    server.faults.error_500(times=1, **POST)
    report = make_engine(store, server, token, builder=None).run_once()
    assert pending(store) == [] and report.pending == 0
    assert report.found_on_server >= 1  # lost answers: those records were found, not resent
    for item in store.outbox.list():
        assert server_count(server, token, "Encounter", identifier=f"{CHECK_SYSTEM}|{item.check_id}") == 1
    for res_type in ("Encounter", "Observation", "QuestionnaireResponse"):
        assert server_count(server, token, res_type) == expected[res_type], res_type
    assert expected["Observation"] > 6
