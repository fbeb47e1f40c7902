"""A shared record in memory: checks mapped by the product's own mapping, given server ids the way
a FHIR server gives them, and handed to the team pull's apply step without HTTP.

Why: the queue, the states, the words for changes and the dashboards' rows are about what the
pull keeps, not about the network; these tests run in a fraction of a second each. The real
server is used by tests/team/test_round_trip.py and tests/sync/test_team_*.py.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from outreach.fhir.outbox import bundle_for_outbox_item
from outreach.store.local_store import LocalStore
from sync.team_pull import TeamPuller


class SharedRecord:
    """Every resource stored once per identity (the fullUrl the mapping derives from it)."""

    def __init__(self) -> None:
        self.refs: dict[str, str] = {}  # urn:uuid fullUrl -> Type/id
        self.resources: dict[str, dict[str, Any]] = {}
        self._clock = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

    def _stamp(self) -> str:
        self._clock += timedelta(seconds=1)
        return self._clock.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def receive(self, store: LocalStore, check_id: str) -> list[dict[str, Any]]:
        """Store one check as a server would (conditional creates: what exists is reused); the
        resources it made or reused, in the order a pull by type would meet them."""
        item = next(i for i in store.outbox.list() if i.check_id == check_id)
        entries = bundle_for_outbox_item(store, item).bundle["entry"]
        for entry in entries:
            if entry["fullUrl"] not in self.refs:
                self.refs[entry["fullUrl"]] = f"{entry['resource']['resourceType']}/{uuid.uuid4()}"
        out = []
        for entry in entries:
            ref = self.refs[entry["fullUrl"]]
            if ref in self.resources and not ref.startswith("Provenance/"):
                out.append(self.resources[ref])
                continue
            text = json.dumps(entry["resource"])
            for urn, target in self.refs.items():
                text = text.replace(urn, target)
            resource = json.loads(text)
            resource["id"] = ref.split("/", 1)[1]
            resource["meta"] = {**resource.get("meta", {}), "versionId": "1", "lastUpdated": self._stamp()}
            self.resources[ref] = resource
            out.append(resource)
        return out

    def update(self, resource: dict[str, Any]) -> dict[str, Any]:
        ref = f"{resource['resourceType']}/{resource['id']}"
        version = int(self.resources[ref]["meta"]["versionId"]) + 1
        changed = {**resource, "meta": {"versionId": str(version), "lastUpdated": self._stamp()}}
        self.resources[ref] = changed
        return changed


def pull_into(supervisor: LocalStore, resources: list[dict[str, Any]]) -> int:
    """The team pull's apply and assemble steps over these resources; how many checks were assembled."""
    puller = TeamPuller(supervisor, http=None)  # type: ignore[arg-type]  # no searches are made
    puller.apply_resources(resources)
    return puller.assemble_ready()
