"""Which resource types the server holds, which search parameters each supports, and how
those parameters are pulled out of a resource when it is written.

The list is deliberately short: exactly what the outreach app pushes and pulls. Anything
not listed here is refused, never silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from .errors import FhirError

SUPPORTED_TYPES: tuple[str, ...] = (
    "Patient",
    "Encounter",
    "Location",
    "Organization",
    "Practitioner",
    "Observation",
    "QuestionnaireResponse",
    "ServiceRequest",
    "Task",
    "Consent",
    "Provenance",
    "HealthcareService",
    "Device",
    "CarePlan",
)

# FHIR R4 id datatype: 1-64 of A-Z a-z 0-9 - .
ID_RE = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
# Size of the identifier and search index columns (db.py).
MAX_INDEXED = 500


@dataclass(frozen=True)
class SearchParam:
    """One search parameter of one resource type.

    `path` names the element it indexes (dotted for a nested one, e.g. 'agent.who');
    `targets` limits a reference parameter to references of those types (the FHIR
    `patient` parameter only matches Patient/...).
    """

    name: str
    kind: Literal["token", "reference"]
    path: str
    documentation: str
    targets: tuple[str, ...] = ()


def _p(name: str, kind: Literal["token", "reference"], path: str, doc: str, *targets: str) -> SearchParam:
    return SearchParam(name, kind, path, doc, tuple(targets))


_IDENTIFIER = _p("identifier", "token", "identifier", "Business identifier, as system|value, |value or value")
_STATUS = _p("status", "token", "status", "The resource's status code")


def _subject_pair(path: str) -> list[SearchParam]:
    return [
        _p("patient", "reference", path, f"The Patient in {path}, as Patient/id or id", "Patient"),
        _p("subject", "reference", path, f"Who or what {path} refers to, as Type/id"),
    ]


_ENCOUNTER = _p(
    "encounter", "reference", "encounter", "The Encounter this belongs to, as Encounter/id", "Encounter"
)
_CODE = _p("code", "token", "code", "A coding of the code element, as system|code or code")

PARAMS: dict[str, dict[str, SearchParam]] = {
    t: {p.name: p for p in ps}
    for t, ps in {
        "Patient": [_IDENTIFIER],
        "Encounter": [_IDENTIFIER, _STATUS, *_subject_pair("subject")],
        "Location": [_IDENTIFIER, _STATUS],
        "Organization": [_IDENTIFIER],
        "Practitioner": [_IDENTIFIER],
        "Observation": [
            _IDENTIFIER,
            _STATUS,
            _CODE,
            *_subject_pair("subject"),
            _ENCOUNTER,
            _p("focus", "reference", "focus", "What the observation is about, as Type/id"),
        ],
        "QuestionnaireResponse": [_IDENTIFIER, _STATUS, *_subject_pair("subject"), _ENCOUNTER],
        "ServiceRequest": [_IDENTIFIER, _STATUS, _CODE, *_subject_pair("subject"), _ENCOUNTER],
        "Task": [
            _IDENTIFIER,
            _STATUS,
            _CODE,
            *_subject_pair("for"),
            _ENCOUNTER,
            _p("focus", "reference", "focus", "What the task acts on, as Type/id"),
            _p("owner", "reference", "owner", "Who is responsible for the task, as Type/id"),
        ],
        "Consent": [
            _IDENTIFIER,
            _STATUS,
            _p(
                "patient",
                "reference",
                "patient",
                "Who the consent applies to, as Patient/id or id",
                "Patient",
            ),
        ],
        "Provenance": [
            _p("target", "reference", "target", "The resource(s) this provenance is about, as Type/id"),
            _p("agent", "reference", "agent.who", "Who or what took part (Provenance.agent.who), as Type/id"),
        ],
        "HealthcareService": [_IDENTIFIER],
        "Device": [
            _IDENTIFIER,
            _STATUS,
            _p("patient", "reference", "patient", "The Patient the device is affixed to", "Patient"),
        ],
        "CarePlan": [_IDENTIFIER, _STATUS, *_subject_pair("subject"), _ENCOUNTER],
    }.items()
}

# Parameters every type supports, handled by the search engine itself.
COMMON_PARAMS: dict[str, str] = {
    "_id": "The logical id of the resource",
    "_lastUpdated": (
        "When the resource version was stored: gt, ge, lt, le or eq followed by a date or instant"
    ),
}
# Result parameters the server understands.
RESULT_PARAMS: dict[str, str] = {
    "_count": "Page size (0-1000, default 50); next links page stably in _lastUpdated order",
    "_sort": "Only _lastUpdated (the fixed order) is accepted",
    "_format": "Only json / application/fhir+json",
    "_cursor": "Opaque paging position; only use it as it appears in a next link",
}
# Standard FHIR parameters we know but do not implement: refused with 501, not 400.
KNOWN_UNSUPPORTED: frozenset[str] = frozenset(
    {
        "_include",
        "_revinclude",
        "_summary",
        "_elements",
        "_contained",
        "_containedType",
        "_total",
        "_has",
        "_text",
        "_content",
        "_list",
        "_query",
        "_filter",
        "_security",
        "_tag",
        "_profile",
        "_source",
        "_type",
        "_pretty",
    }
)


def split_reference(ref: str) -> tuple[str, str] | None:
    """(type, id) of a literal reference, or None for contained (#x) or urn references.

    Absolute URLs keep only their trailing Type/id, and a version suffix is dropped, because
    search matches the current version of the resource named.
    """
    if not ref or ref.startswith(("#", "urn:")):
        return None
    parts = ref.split("/")
    if len(parts) >= 4 and parts[-2] == "_history":
        parts = parts[:-2]
    if len(parts) < 2 or not parts[-2] or not parts[-1]:
        return None
    return parts[-2], parts[-1]


def _values(body: Any, path: str) -> Iterator[Any]:
    """The values at a dotted path such as 'agent.who', flattening lists on the way down
    (Provenance.agent is a list, each with one 'who')."""
    head, _, rest = path.partition(".")
    value = body.get(head) if isinstance(body, dict) else None
    items = value if isinstance(value, list) else [] if value is None else [value]
    for item in items:
        if rest:
            yield from _values(item, rest)
        else:
            yield item


def index_rows(resource_type: str, body: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(param, system, value) rows for the search index of one resource version.

    Tokens keep their system ('' when none); references are stored as (param, Type, id).
    """
    rows: set[tuple[str, str, str]] = set()
    for param in PARAMS.get(resource_type, {}).values():
        for v in _values(body, param.path):
            if param.kind == "reference":
                ref = v.get("reference") if isinstance(v, dict) else None
                split = split_reference(ref) if isinstance(ref, str) else None
                if split and (not param.targets or split[0] in param.targets):
                    rows.add((param.name, split[0], split[1]))
            else:
                for system, code in _tokens(v):
                    rows.add((param.name, system, code))
    # Values longer than the index columns cannot be searched for; everything else is indexed.
    return {r for r in rows if len(r[1]) <= MAX_INDEXED and len(r[2]) <= MAX_INDEXED}


def _tokens(v: Any) -> Iterator[tuple[str, str]]:
    if isinstance(v, str):
        yield "", v
    elif isinstance(v, dict):
        if "coding" in v:
            for c in v.get("coding") or []:
                if isinstance(c, dict) and c.get("code"):
                    yield c.get("system") or "", str(c["code"])
        elif v.get("code") is not None:
            yield v.get("system") or "", str(v["code"])
        elif v.get("value") is not None:
            yield v.get("system") or "", str(v["value"])


def identifiers(body: dict[str, Any]) -> set[tuple[str, str]]:
    """The (system, value) business identifiers of a resource, for conditional create."""
    out: set[tuple[str, str]] = set()
    for ident in _values(body, "identifier"):
        if isinstance(ident, dict) and ident.get("value"):
            out.add((ident.get("system") or "", str(ident["value"])))
    return out


def check_identifier_lengths(body: dict[str, Any]) -> None:
    """Refuse identifiers too long to be kept unique (the identifier table's column size)."""
    for system, value in identifiers(body):
        if len(system) > MAX_INDEXED or len(value) > MAX_INDEXED:
            raise FhirError(
                400,
                "too-long",
                f"An identifier system or value is longer than {MAX_INDEXED} characters.",
                expression=f"{body.get('resourceType', 'Resource')}.identifier",
            )


def references(body: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every Reference-like object ({"reference": "..."}) anywhere in a resource, with its path."""
    if isinstance(body, dict):
        ref = body.get("reference")
        if isinstance(ref, str):
            yield path, body
        for k, v in body.items():
            yield from references(v, f"{path}.{k}" if path else k)
    elif isinstance(body, list):
        for i, v in enumerate(body):
            yield from references(v, f"{path}[{i}]")
