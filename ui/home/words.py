"""Words for what the store holds, shared by the worker's and the supervisor's screens."""

from __future__ import annotations

from typing import Any

from outreach.store.records import FollowUpRecord


def describe_decision(record: FollowUpRecord, directory: Any = None) -> str:
    """What was decided for this follow-up, in a few words."""
    decision = record.document.get("decision") or {}
    kind = str(decision.get("kind") or "")
    service_id = decision.get("service_id")
    service = ""
    if service_id and directory is not None:
        found = directory.services.get(service_id)
        service = found.name if found is not None else str(service_id)
    elif service_id:
        service = str(service_id)
    words = kind.replace("_", " ").capitalize()
    return f"{words}: {service}" if service else words
