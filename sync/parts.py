"""Splitting one check's bundle into parts any FHIR server can take, and reading the answers.

Why parts: real servers differ in ways that silently lose data when a client sends one big
transaction and trusts a 2xx. Some process a transaction entry by entry (a failed Patient
leaves an Encounter pointing at nothing), some cap the entries in a transaction, some refuse
writes per entry (429 quota, 409 concurrent write). So a check is sent in dependency order:
a part holds only entries whose references all point at resources the server has already
confirmed, with those references rewritten to the server's own locations. Entries in one
part never refer to each other, so however the server processes the part (atomically or
entry by entry), nothing it stores can point at something it did not store.

Every entry stays a conditional create (`ifNoneExist` on the resource's client-made
identifier), so resending any part creates nothing new; progress is remembered per entry
(by its `fullUrl`, which the mapping derives from the resource's identity), so a retry
sends only what is still missing.

Everything here is pure: no HTTP, no store. `sync.push` drives it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

URN_PREFIX = "urn:uuid:"
_URN = re.compile(r"urn:uuid:[0-9a-fA-F-]{36}")
# A FHIR resource type followed by an id (R4 id datatype), inside a location or reference.
_TYPE_ID = re.compile(r"(?:^|/)([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(?:/_history/[^/]+)?/?$")
_STATUS = re.compile(r"^\s*(\d{3})\b")


@dataclass(frozen=True)
class Entry:
    """One entry of the check's bundle, as the mapping made it (references still urn:uuid)."""

    full_url: str
    resource_type: str
    raw: dict[str, Any]  # the bundle entry: fullUrl, resource, request
    needs: frozenset[str]  # urn:uuid fullUrls this entry refers to (resource and ifNoneExist)

    @property
    def if_none_exist(self) -> str | None:
        value = (self.raw.get("request") or {}).get("ifNoneExist")
        return value if isinstance(value, str) and value else None


def entries_of(bundle: Mapping[str, Any]) -> list[Entry]:
    """The bundle's entries in the mapping's order, each with the urns it depends on.

    A dependency on a urn that no entry of this bundle carries is kept: such an entry can
    never be made ready, and the push refuses it plainly instead of sending a dangling link.
    """
    out: list[Entry] = []
    for raw in bundle.get("entry", []) or []:
        full_url = str(raw.get("fullUrl") or "")
        resource = raw.get("resource") or {}
        needs = set(_urns_in(resource)) | set(
            _URN.findall((raw.get("request") or {}).get("ifNoneExist") or "")
        )
        needs.discard(full_url)
        out.append(Entry(full_url, str(resource.get("resourceType") or ""), raw, frozenset(needs)))
    return out


def _urns_in(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _urns_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from _urns_in(v)
    elif isinstance(value, str) and value.startswith(URN_PREFIX):
        yield value


def reference_of(location: str | None) -> str | None:
    """`Type/id` from a location such as `Patient/12/_history/1` or an absolute URL; None if unreadable."""
    if not location or not isinstance(location, str):
        return None
    path = urlsplit(location).path if "://" in location else location
    m = _TYPE_ID.search(path.split("?")[0])
    return f"{m.group(1)}/{m.group(2)}" if m else None


def status_code(status: Any) -> int | None:
    """The number at the start of `entry.response.status` ("201 Created", "201", 201)."""
    if isinstance(status, int):
        return status
    m = _STATUS.match(str(status or ""))
    return int(m.group(1)) if m else None


def rewrite(entry: Entry, confirmed: Mapping[str, str]) -> dict[str, Any]:
    """The bundle entry with every urn it uses replaced by the server's `Type/id` for it."""
    raw = copy.deepcopy(entry.raw)
    raw["resource"] = _replace(raw.get("resource") or {}, confirmed)
    request = raw.get("request") or {}
    query = request.get("ifNoneExist")
    if isinstance(query, str):
        request["ifNoneExist"] = _URN.sub(lambda m: confirmed.get(m.group(0), m.group(0)), query)
    return raw


def _replace(value: Any, confirmed: Mapping[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _replace(v, confirmed) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, confirmed) for v in value]
    if isinstance(value, str) and value in confirmed:
        return confirmed[value]
    return value


def ready(entries: Iterable[Entry], confirmed: Mapping[str, str]) -> list[Entry]:
    """Unconfirmed entries whose every reference the server has already confirmed."""
    return [e for e in entries if e.full_url not in confirmed and e.needs <= confirmed.keys()]


def stuck(entries: Iterable[Entry], confirmed: Mapping[str, str]) -> list[Entry]:
    """Entries that can never become ready: they refer to a urn no entry of the bundle has."""
    entries = list(entries)
    known = {e.full_url for e in entries} | set(confirmed)
    return [e for e in entries if e.full_url not in confirmed and not e.needs <= known]


def part_bundle(entries: Iterable[Entry], confirmed: Mapping[str, str]) -> dict[str, Any]:
    """A transaction Bundle of these (ready) entries, references rewritten."""
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [rewrite(e, confirmed) for e in entries],
    }


def lookup_query(entry: Entry, confirmed: Mapping[str, str]) -> list[tuple[str, str]] | None:
    """The search that finds this entry's resource on the server: its conditional-create
    criteria, references rewritten. None when the entry has no criteria."""
    query = entry.if_none_exist
    if query is None:
        return None
    query = _URN.sub(lambda m: confirmed.get(m.group(0), m.group(0)), query)
    query = query.split("?", 1)[1] if "?" in query else query
    return parse_qsl(query, keep_blank_values=True)


def identifier_key(query: list[tuple[str, str]] | None) -> tuple[str, str] | None:
    """(system, value) when the criteria are exactly one `identifier=system|value`."""
    if not query or len(query) != 1 or query[0][0] != "identifier":
        return None
    system, bar, value = query[0][1].partition("|")
    return (system, value) if bar and system and value and "," not in query[0][1] else None


# -- reading the server's answer ---------------------------------------------------------------
@dataclass
class EntryFailure:
    full_url: str
    resource_type: str
    status: int | None
    reply: str  # the server's own words for this entry (for IT)


@dataclass
class PartResult:
    """What the server confirmed of one part, entry by entry.

    `unclear` lists entries the answer said nothing certain about (no answer body, a
    success without a location, too few entries): they may or may not be stored, so the
    next attempt asks the server before sending them again.
    """

    confirmed: dict[str, str] = field(default_factory=dict)  # fullUrl -> Type/id on the server
    failed: list[EntryFailure] = field(default_factory=list)
    unclear: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.failed and not self.unclear


def read_answer(sent: list[Entry], body: Any) -> PartResult:
    """Every entry's `response.status` and location, matched to what was sent by position.

    FHIR: a transaction-response has one entry per request entry, in the same order. A bare
    2xx, a body of another kind, or a different number of entries confirms nothing.
    """
    result = PartResult()
    if (
        not isinstance(body, dict)
        or body.get("resourceType") != "Bundle"
        or body.get("type") not in ("transaction-response", "batch-response")
    ):
        result.unclear = [e.full_url for e in sent]
        return result
    answers = [a for a in body.get("entry", []) or [] if isinstance(a, dict)]
    if len(answers) != len(sent):
        result.unclear = [e.full_url for e in sent]
        return result
    for entry, answer in zip(sent, answers, strict=True):
        response = answer.get("response") or {}
        code = status_code(response.get("status"))
        if code is not None and 200 <= code < 300:
            ref = reference_of(response.get("location")) or _resource_ref(answer.get("resource"))
            if ref is not None and ref.split("/")[0] == entry.resource_type:
                result.confirmed[entry.full_url] = ref
            else:
                result.unclear.append(entry.full_url)
        elif code is None:
            result.unclear.append(entry.full_url)
        else:
            result.failed.append(
                EntryFailure(entry.full_url, entry.resource_type, code, outcome_text(response.get("outcome")))
            )
    return result


def _resource_ref(resource: Any) -> str | None:
    if isinstance(resource, dict) and resource.get("resourceType") and resource.get("id"):
        return f"{resource['resourceType']}/{resource['id']}"
    return None


def outcome_text(outcome: Any) -> str:
    """An OperationOutcome's diagnostics in one line (empty when there is none)."""
    issues = outcome.get("issue", []) if isinstance(outcome, dict) else []
    texts = [
        str(i.get("diagnostics") or (i.get("details") or {}).get("text") or i.get("code") or "")
        for i in issues
        if isinstance(i, dict)
    ]
    return "; ".join(t for t in texts if t)[:500]
