"""The CapabilityStatement: exactly what this server does, so a client can check before it relies on it."""

from __future__ import annotations

from typing import Any

from .resource_types import COMMON_PARAMS, PARAMS, RESULT_PARAMS, SUPPORTED_TYPES

SOFTWARE_NAME = "Outreach Health Checks reference shared-record server"

STRICT_NOTE = (
    "Strict handling always: unknown search parameters and modifiers are refused with 400, known but "
    "unimplemented FHIR parameters (_include, _revinclude, _summary, _elements, _total, _has, ...) with 501, "
    "whatever the Prefer: handling header says. Not supported (501): delete, patch, history-type, "
    "history-instance, history-system, batch, search by POST, conditional update/delete, operations. "
    "Paging: next links are keyset links in _lastUpdated order; a link that has expired or comes from a "
    "replaced database answers 410 Gone with OperationOutcome.issue.details.text 'restart-search'. "
    "Transactions: all or nothing; conditional create via ifNoneExist answers 200 with the existing "
    "resource's location when it matches; each business identifier (type, system, value) names at most "
    "one resource (409 duplicate otherwise); relative references to types this server holds must resolve."
)


def capability_statement(base_url: str, version: str, date: str) -> dict[str, Any]:
    resources = []
    for t in SUPPORTED_TYPES:
        params = [
            {"name": "_id", "type": "token", "documentation": COMMON_PARAMS["_id"]},
            {"name": "_lastUpdated", "type": "date", "documentation": COMMON_PARAMS["_lastUpdated"]},
        ]
        for p in PARAMS[t].values():
            params.append({"name": p.name, "type": p.kind, "documentation": p.documentation})
        resources.append(
            {
                "type": t,
                "interaction": [{"code": c} for c in ("read", "vread", "update", "create", "search-type")],
                "versioning": "versioned-update",
                "readHistory": True,
                "updateCreate": True,
                "conditionalCreate": True,
                "conditionalRead": "not-supported",
                "conditionalUpdate": False,
                "conditionalDelete": "not-supported",
                "searchParam": params,
            }
        )
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": date,
        "publisher": "Outreach Health Checks",
        "kind": "instance",
        "software": {"name": SOFTWARE_NAME, "version": version},
        "implementation": {"description": SOFTWARE_NAME, "url": base_url},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": STRICT_NOTE
                + " Result parameters: "
                + "; ".join(f"{k}: {v}" for k, v in RESULT_PARAMS.items())
                + ".",
                "security": {
                    "cors": False,
                    "description": "Every request except GET /metadata needs 'Authorization: Bearer <device "
                    "token>'. 401 for a missing or unknown token, 403 for a revoked device.",
                },
                "resource": resources,
                "interaction": [{"code": "transaction"}],
            }
        ],
    }
