"""Reading a server's CapabilityStatement against what the app needs.

Why read it at all, when the live probes try things for real: it is the one request that
needs no token, so IT can run the check before a laptop is enrolled, and it covers every
resource type at once, which the probes cannot do without writing clinical-looking data.

A declaration that is absent is not the same as one that says "no": FHIR makes most
capability flags optional. "No" is MISSING; "does not say" is WARN, with a pointer to the
live test that settles it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from .report import MISSING, OK, WARN, Finding

# What the app writes with every check (the FHIR mapping in outreach/fhir): each one is
# created only if its identifier is not there yet (conditional create).
WRITTEN_TYPES: Final = (
    "Patient",
    "Encounter",
    "QuestionnaireResponse",
    "Observation",
    "ServiceRequest",
    "Task",
    "Consent",
    "Provenance",
    "Organization",
    "Practitioner",
    "Location",
    "Device",
)
# Provenance carries no business identifier in R4: it is created only if no Provenance with the
# same target (the check's Encounter) and agent (this laptop's Device) is there yet, so it needs
# conditional create on those two search parameters. Every other written type is found by identifier.
IDENTIFIED_TYPES: Final = tuple(t for t in WRITTEN_TYPES if t != "Provenance")
PROVENANCE_PARAMS: Final = ("target", "agent")
# What the app pulls down, incrementally by _lastUpdated with paging.
PULLED_TYPES: Final = ("Task", "HealthcareService", "Device")

JSON_FORMATS: Final = ("json", "application/fhir+json", "application/json")
SECURITY_CODES: Final = ("OAuth", "SMART-on-FHIR")


def server_rest(cs: dict[str, Any]) -> dict[str, Any]:
    """The statement's `rest` entry for the server side (the first one when none says so)."""
    rests = [r for r in cs.get("rest") or [] if isinstance(r, dict)]
    return next((r for r in rests if r.get("mode") == "server"), rests[0] if rests else {})


def _codes(items: Iterable[Any] | None) -> set[str]:
    return {str(i.get("code")) for i in items or [] if isinstance(i, dict) and i.get("code")}


def _names(items: Iterable[Any] | None) -> set[str]:
    return {str(i.get("name")) for i in items or [] if isinstance(i, dict) and i.get("name")}


def _listing(types: Iterable[str]) -> str:
    return ", ".join(types)


def declared_security(rest: dict[str, Any]) -> str:
    """How the statement says clients sign in ("SMART-on-FHIR", "OAuth", "bearer token"), or ""."""
    security = rest.get("security") or {}
    codes = {
        str(c.get("code"))
        for s in security.get("service") or []
        if isinstance(s, dict)
        for c in s.get("coding") or []
        if isinstance(c, dict)
    }
    found: list[str] = [c for c in SECURITY_CODES if c in codes]
    if any(
        "oauth-uris" in str(e.get("url", "")) for e in security.get("extension") or [] if isinstance(e, dict)
    ):
        found.append("SMART-on-FHIR")
    text = " ".join(str(s.get("text", "")) for s in security.get("service") or [] if isinstance(s, dict))
    text = f"{text} {security.get('description', '')}".lower()
    if not found and "bearer" in text:
        found.append("bearer token")
    if not found and ("oauth" in text or "smart" in text):
        found.append("OAuth")
    return " and ".join(dict.fromkeys(found))


def analyse(cs: dict[str, Any]) -> list[Finding]:
    """One finding per feature the app needs, from the CapabilityStatement alone."""
    rest = server_rest(cs)
    resources = {str(r.get("type")): r for r in rest.get("resource") or [] if isinstance(r, dict)}
    system_params = _names(rest.get("searchParam") or [])
    return [
        _fhir_version(cs),
        _json(cs),
        _transactions(rest),
        _types(resources),
        _flag(resources, WRITTEN_TYPES, "Create", lambda r: "create" in _codes(r.get("interaction"))),
        _conditional_create(resources),
        _identifier_search(resources),
        _provenance(resources),
        _last_updated(resources, system_params),
    ]


def _fhir_version(cs: dict[str, Any]) -> Finding:
    version = str(cs.get("fhirVersion") or "")
    if version.startswith("4.0."):
        return Finding("FHIR version", OK, f"The server speaks FHIR {version} (R4), as the app does.")
    return Finding(
        "FHIR version",
        MISSING,
        f"The server speaks FHIR {version or '(version not stated)'}; the app speaks FHIR R4 (4.0.x).",
        "Point server_url at the server's R4 address (servers that hold several FHIR versions give each its "
        "own address), or create the FHIR store or service as R4.",
    )


def _json(cs: dict[str, Any]) -> Finding:
    formats = [str(f) for f in cs.get("format") or []]
    if any(f.split(";")[0].strip().lower() in JSON_FORMATS for f in formats):
        return Finding("JSON", OK, "The server reads and writes FHIR JSON.")
    return Finding(
        "JSON",
        MISSING,
        f"The server does not offer FHIR JSON (it lists: {', '.join(formats) or 'nothing'}).",
        "Switch on JSON (application/fhir+json): the app does not send or read XML.",
    )


def _transactions(rest: dict[str, Any]) -> Finding:
    codes = _codes(rest.get("interaction"))
    if "transaction" in codes:
        return Finding("Transactions", OK, "The server accepts transaction bundles at its base address.")
    batch = (
        " It accepts batch bundles, which are not the same: a batch does not link its entries."
        if "batch" in codes
        else ""
    )
    return Finding(
        "Transactions",
        MISSING,
        "The server does not declare transaction bundles; the app sends every check in transaction bundles."
        + batch,
        "Switch on transaction bundles (POST of a Bundle of type 'transaction' to the base address). On "
        "Azure, "
        "use the FHIR service in Azure Health Data Services: the older Azure API for FHIR on Cosmos DB takes "
        "batch bundles only.",
    )


def _types(resources: dict[str, Any]) -> Finding:
    needed = tuple(dict.fromkeys((*WRITTEN_TYPES, *PULLED_TYPES)))
    absent = [t for t in needed if t not in resources]
    if not absent:
        return Finding(
            "Resource types", OK, f"The server holds all {len(needed)} resource types the app uses."
        )
    return Finding(
        "Resource types",
        MISSING,
        f"The server does not hold: {_listing(absent)}.",
        "Enable these resource types on the server (HAPI FHIR: list them in "
        "hapi.fhir.supported_resource_types, or leave that setting out to allow every type).",
    )


def _flag(resources: dict[str, Any], types: Iterable[str], feature: str, has: Any) -> Finding:
    lacking = [t for t in types if t in resources and not has(resources[t])]
    if not lacking:
        return Finding(feature, OK, "Declared for every resource type the app writes.")
    return Finding(
        feature,
        MISSING,
        f"Not declared for: {_listing(lacking)}.",
        "Allow clients to create these resource types (check the server's write permissions and any "
        "read-only setting).",
    )


def _conditional_create(resources: dict[str, Any]) -> Finding:
    refused = [
        t for t in IDENTIFIED_TYPES if t in resources and resources[t].get("conditionalCreate") is False
    ]
    silent = [t for t in IDENTIFIED_TYPES if t in resources and "conditionalCreate" not in resources[t]]
    feature = "Conditional create"
    if refused:
        return Finding(
            feature,
            MISSING,
            f"Switched off for: {_listing(refused)}. The app creates each resource only if its identifier is "
            "not there yet, which is how a check sent twice is still stored once.",
            "Switch on conditional create (If-None-Exist / ifNoneExist on identifier) for these types. "
            "Google Cloud supports it on identifier searches; HAPI FHIR and Azure support it by default.",
        )
    if silent:
        return Finding(
            feature,
            WARN,
            f"The server does not say whether it supports conditional create for: {_listing(silent)}.",
            "Run the check again with --write-test to try it for real.",
        )
    return Finding(
        feature,
        OK,
        "Declared for every resource type the app finds by identifier, so resending never duplicates.",
    )


def _search_params(resource: dict[str, Any]) -> set[str]:
    return _names(resource.get("searchParam") or [])


def _searchable(resource: dict[str, Any]) -> bool:
    return "search-type" in _codes(resource.get("interaction"))


def _identifier_search(resources: dict[str, Any]) -> Finding:
    lacking = [
        t
        for t in IDENTIFIED_TYPES
        if t in resources and not (_searchable(resources[t]) and "identifier" in _search_params(resources[t]))
    ]
    if not lacking:
        return Finding(
            "Search by identifier",
            OK,
            "Declared for every type the app finds by identifier, so it can ask whether a check arrived "
            "after a lost answer.",
        )
    return Finding(
        "Search by identifier",
        MISSING,
        f"Not declared for: {_listing(lacking)}. The app searches by identifier to learn whether a check "
        "arrived when the answer was lost, and conditional create relies on the same search.",
        "Switch on search by the 'identifier' parameter for these types.",
    )


def _provenance(resources: dict[str, Any]) -> Finding:
    """Provenance: conditional create on target and agent, and search by both.

    The app sends a check's Provenance last, as a conditional create on
    `target=Encounter/<id>&agent=Device/<id>`: that is how a resent check gets one Provenance,
    not two, and how the app asks whether a check is complete. A server that says "no" to any
    part of it is MISSING; one that does not say is WARN, for the write test to settle.
    """
    feature = "Provenance by target and agent"
    advice = (
        "Switch on conditional create (ifNoneExist) for Provenance and its 'target' and 'agent' search "
        "parameters. Some servers allow conditional create on identifier searches only (Google Cloud "
        "documents this): check with --write-test."
    )
    res = resources.get("Provenance")
    if res is None:
        return Finding(
            feature,
            MISSING,
            "The server does not hold Provenance; the app sends one with every check to record who sent it.",
            "Enable the Provenance resource type. " + advice,
        )
    said_no: list[str] = []
    silent: list[str] = []
    if res.get("conditionalCreate") is False:
        said_no.append("conditional create is switched off")
    elif "conditionalCreate" not in res:
        silent.append("conditional create")
    interactions = _codes(res.get("interaction"))
    if interactions and "search-type" not in interactions:
        said_no.append("it cannot be searched")
    elif not interactions:
        silent.append("search")
    if res.get("searchParam"):
        lacking = [p for p in PROVENANCE_PARAMS if p not in _search_params(res)]
        if lacking:
            said_no.append(f"no search by {' or '.join(repr(p) for p in lacking)}")
    else:
        silent.append("search by 'target' and 'agent'")
    why = (
        "The app creates a check's Provenance only if none with the same target (the check's Encounter) and "
        "agent (this laptop) is there yet, so a resent check gets one Provenance, and searches by them to "
        "learn whether a check is complete."
    )
    if said_no:
        return Finding(
            feature, MISSING, f"For Provenance the server declares {'; '.join(said_no)}. {why}", advice
        )
    if silent:
        return Finding(
            feature,
            WARN,
            f"The server does not say whether Provenance supports: {', '.join(silent)}. {why}",
            "Run the check again with --write-test to try it for real.",
        )
    return Finding(
        feature,
        OK,
        "Conditional create and search by 'target' and 'agent' are declared, so a resent check gets one "
        "Provenance.",
    )


def _last_updated(resources: dict[str, Any], system_params: set[str]) -> Finding:
    lacking = [
        t
        for t in PULLED_TYPES
        if t in resources
        and not (
            _searchable(resources[t]) and "_lastUpdated" in (_search_params(resources[t]) | system_params)
        )
    ]
    feature = "Search by _lastUpdated"
    if not lacking:
        return Finding(
            feature, OK, f"Declared for {_listing(PULLED_TYPES)}, which the app fetches a little at a time."
        )
    return Finding(
        feature,
        MISSING,
        f"Not declared for: {_listing(lacking)}. The app fetches reviews, the service directory and this "
        "laptop's status by what changed since its last sync.",
        "Switch on search by _lastUpdated (and _count paging) for these types.",
    )
