"""The CapabilityStatement: exactly what this server does, so a client can check before it relies on it."""

from __future__ import annotations

from dataclasses import dataclass
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


# Where the server's limits are declared for a program to read: one extension each on
# CapabilityStatement.rest, valueUnsignedInt (valueDecimal for seconds). They are also said
# in words in rest.documentation.
LIMIT_EXTENSION = "https://outreach-health-checks.org/fhir/StructureDefinition/server-limit-"


@dataclass(frozen=True)
class Limits:
    """What a client must keep to; beyond each, the server answers 4xx (see the docs)."""

    max_entries: int  # entries in one transaction (413 beyond)
    max_write_s: float  # seconds one write may hold the database (413 beyond, nothing stored)
    max_body: int  # bytes in one request body (413 beyond)
    max_or_values: int  # comma-separated alternatives in one search parameter (400 beyond)
    max_search_values: int  # values in one search, all parameters together (400 beyond)
    max_count: int  # the largest page (_count is capped to it)

    def documentation(self) -> str:
        return (
            f" Limits: a transaction holds at most {self.max_entries} entries (413 too-costly beyond); a "
            "write "
            f"that holds the database longer than {self.max_write_s:g} seconds is rolled back and refused "
            "with "
            f"413 too-costly (send smaller parts); a request body is at most {self.max_body} bytes (413); a "
            f"search parameter holds at most {self.max_or_values} alternatives and a search at most "
            f"{self.max_search_values} values (400 too-costly); _count is at most {self.max_count}. Writes "
            "from "
            "different devices take turns, so one device's transactions cannot hold back another's."
        )

    def extensions(self) -> list[dict[str, Any]]:
        return [
            {"url": LIMIT_EXTENSION + "transaction-entries", "valueUnsignedInt": self.max_entries},
            {"url": LIMIT_EXTENSION + "write-seconds", "valueDecimal": self.max_write_s},
            {"url": LIMIT_EXTENSION + "body-bytes", "valueUnsignedInt": self.max_body},
            {"url": LIMIT_EXTENSION + "search-alternatives", "valueUnsignedInt": self.max_or_values},
            {"url": LIMIT_EXTENSION + "search-values", "valueUnsignedInt": self.max_search_values},
            {"url": LIMIT_EXTENSION + "page-size", "valueUnsignedInt": self.max_count},
        ]


def capability_statement(base_url: str, version: str, date: str, limits: Limits) -> dict[str, Any]:
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
                + "."
                + limits.documentation(),
                "extension": limits.extensions(),
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
