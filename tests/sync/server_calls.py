"""Plain HTTP calls to the reference server that sync tests (engine and app) use to
check or seed what the shared record holds, kept in one place so they agree."""

from __future__ import annotations

from typing import Any

import requests

from sync.server.serving import RunningServer


def server_count(server: RunningServer, token: str, res_type: str, **params: str) -> int:
    """How many resources of ``res_type`` matching ``params`` the server holds."""
    r = requests.get(
        f"{server.url}/{res_type}",
        params={**params, "_count": "0"},
        headers={"Authorization": f"Bearer {token}", "Accept": "application/fhir+json"},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return int(r.json()["total"])


def post(server: RunningServer, token: str, resource: dict[str, Any]) -> dict[str, Any]:
    """Create ``resource`` on the server (as a supervisor would) and return what it stored."""
    r = requests.post(
        f"{server.url}/{resource['resourceType']}",
        json=resource,
        timeout=10,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())
