"""Turning search parameters into SQL, strictly, and the signed paging cursor.

Unknown parameters are refused with 400 and known-but-unimplemented FHIR parameters with
501: a client that asks for something the server cannot do must find out, because a
silently ignored filter returns the wrong records.

Paging is keyset paging in (lastUpdated, id) order. Because every write gets a strictly
increasing lastUpdated and writers are serialised, resources written while a client pages
appear after everything it has already seen, so nothing is skipped or shown twice.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, select

from .clock import parse_range
from .db import resources, search_index
from .errors import FhirError, bad_request
from .resource_types import (
    COMMON_PARAMS,
    KNOWN_UNSUPPORTED,
    PARAMS,
    RESULT_PARAMS,
    SearchParam,
    split_reference,
)

DEFAULT_COUNT = 50
MAX_COUNT = 1000
# The most comma-separated alternatives one parameter may hold, and the most values a whole
# search may hold. Beyond these a database refuses the query (SQLite: "Expression tree is too
# large"), which is the client's error, not a reason to retry: 400, and stated in the
# CapabilityStatement.
MAX_OR_VALUES = 100
MAX_SEARCH_VALUES = 200
RESTART = "restart-search"


@dataclass(frozen=True)
class Cursor:
    """Position after which the next page starts."""

    last_updated: int
    res_id: str


@dataclass
class ParsedSearch:
    res_type: str
    clauses: list[ColumnElement[bool]]
    count: int
    cursor_text: str | None
    query_hash: str
    echo: list[tuple[str, str]]  # the parameters to repeat in self/next links
    # True when a filter names ids (identifier, a reference, _id...): the matches are then found
    # through those ids, not by walking every resource of the type in lastUpdated order.
    selective: bool = False


def parse_search(
    res_type: str, pairs: Sequence[tuple[str, str]], *, conditional: bool = False
) -> ParsedSearch:
    """Parse a query string's (name, value) pairs for a search on `res_type`.

    With `conditional=True` (If-None-Exist) only filters are allowed, and at least one.
    """
    params = PARAMS[res_type]
    clauses: list[ColumnElement[bool]] = []
    count = DEFAULT_COUNT
    cursor_text: str | None = None
    echo: list[tuple[str, str]] = []
    selective = False
    values = sum(value.count(",") + 1 for _name, value in pairs)
    if values > MAX_SEARCH_VALUES:
        raise bad_request(
            f"This search holds {values} values; this server takes at most {MAX_SEARCH_VALUES} in one search "
            f"(and {MAX_OR_VALUES} alternatives in one parameter). Split it into several searches.",
            "too-costly",
        )
    for name, value in pairs:
        base, _, modifier = name.partition(":")
        if base in KNOWN_UNSUPPORTED:
            raise FhirError(
                501, "not-supported", f"The search parameter '{base}' is not supported by this server."
            )
        if modifier:
            raise bad_request(
                f"Search modifiers such as '{name}' are not supported by this server.", "not-supported"
            )
        if base in RESULT_PARAMS:
            if conditional:
                raise bad_request(f"'{base}' cannot be used in a conditional create.", "not-supported")
            if base == "_count":
                count = _parse_count(value)
                continue  # _count is written into links separately
            if base == "_sort":
                if value not in ("_lastUpdated",):
                    raise FhirError(
                        501, "not-supported", "Only _sort=_lastUpdated (the fixed order) is supported."
                    )
            elif base == "_format":
                if value not in ("json", "application/fhir+json", "application/json"):
                    raise FhirError(
                        406, "not-supported", "This server only speaks JSON (application/fhir+json)."
                    )
            elif base == "_cursor":
                cursor_text = value
                continue
            echo.append((name, value))
            continue
        if base not in params and base not in COMMON_PARAMS:
            supported = sorted([*params, *COMMON_PARAMS, *RESULT_PARAMS])
            raise bad_request(
                f"Unknown search parameter '{base}' for {res_type}. This server is strict and refuses "
                f"parameters it does not support. Supported: {', '.join(supported)}.",
                "not-supported",
            )
        if value == "":
            raise bad_request(f"The search parameter '{base}' has no value.", "value")
        clauses.append(_clause(res_type, base, params.get(base), value))
        selective = selective or base != "_lastUpdated"
        echo.append((name, value))
    if conditional and not clauses:
        raise bad_request("A conditional create needs at least one search parameter.", "invalid")
    qh = hashlib.sha256(json.dumps([res_type, sorted(echo)]).encode()).hexdigest()[:16]
    return ParsedSearch(res_type, clauses, count, cursor_text, qh, echo, selective)


def _parse_count(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise bad_request(f"_count must be a whole number, not '{value}'.", "value") from None
    if n < 0:
        raise bad_request("_count cannot be negative.", "value")
    return min(n, MAX_COUNT)


def _clause(res_type: str, name: str, param: SearchParam | None, value: str) -> ColumnElement[bool]:
    r = resources.c
    alternatives = value.split(",")
    if len(alternatives) > MAX_OR_VALUES:
        raise bad_request(
            f"The search parameter '{name}' holds {len(alternatives)} alternatives; this server takes at "
            "most "
            f"{MAX_OR_VALUES} in one parameter. Split it into several searches.",
            "too-costly",
        )
    if any(a == "" for a in alternatives):
        raise bad_request(f"The search parameter '{name}' has an empty value in '{value}'.", "value")
    if name == "_id":
        return r.res_id.in_(alternatives)
    if name == "_lastUpdated":
        if len(alternatives) > 1:
            raise bad_request("_lastUpdated takes one value per parameter; repeat the parameter for a range.")
        return _date_clause(value)
    assert param is not None
    si = search_index.alias()
    conds = [
        _reference_cond(si, param, a) if param.kind == "reference" else _token_cond(si, a)
        for a in alternatives
    ]
    # An IN over the index rows that match, not a correlated EXISTS: the database then finds the
    # few matching ids through ix_search_lookup and fetches those resources by primary key,
    # instead of probing the index once for every resource of the type (an identifier lookup
    # among 270,000 Observations went from seconds to milliseconds: bench/bench_server_search.py).
    where = [si.c.res_type == res_type, si.c.param == name, or_(*conds)]
    values = [_value_of(param, a) for a in alternatives]
    if all(v is not None for v in values):
        # The same filter, also said as `value IN (...)`: an OR of (system AND value) pairs cannot
        # use the (type, param, value) index, the IN can, so 20 OR'd identifiers are 20 lookups.
        where.append(si.c.value.in_(sorted({v for v in values if v is not None})))
    return r.res_id.in_(select(si.c.res_id).where(*where))


def _value_of(param: SearchParam, text: str) -> str | None:
    """The index value one alternative requires, or None when it constrains only the system."""
    if param.kind == "reference":
        if "/" in text:
            split = split_reference(text)
            return split[1] if split is not None else None
        return text
    if "|" not in text:
        return text
    _system, _, code = text.partition("|")
    return code or None


def _token_cond(si, text: str) -> ColumnElement[bool]:  # type: ignore[no-untyped-def]
    if "|" not in text:
        return si.c.value == text
    system, _, code = text.partition("|")
    if system and code:
        return and_(si.c.system == system, si.c.value == code)
    if code:
        return and_(si.c.system == "", si.c.value == code)
    return si.c.system == system


def _reference_cond(si, param: SearchParam, text: str) -> ColumnElement[bool]:  # type: ignore[no-untyped-def]
    if "/" in text:
        split = split_reference(text)
        if split is None:
            raise bad_request(
                f"'{text}' is not a reference this server can search for (use Type/id).", "value"
            )
        return and_(si.c.system == split[0], si.c.value == split[1])
    return si.c.value == text


_PREFIXES = ("gt", "ge", "lt", "le", "eq")


def _date_clause(value: str) -> ColumnElement[bool]:
    prefix = value[:2] if value[:2].isalpha() else "eq"
    if value[:2].isalpha() and prefix not in _PREFIXES:
        raise bad_request(
            f"The prefix '{prefix}' is not supported for _lastUpdated; use gt, ge, lt, le or eq.",
            "not-supported",
        )
    low, high = parse_range(value[2:] if value[:2].isalpha() else value)
    lu = resources.c.last_updated
    return {
        "gt": lu >= high,
        "ge": lu >= low,
        "lt": lu < low,
        "le": lu < high,
        "eq": and_(lu >= low, lu < high),
    }[prefix]


def after_cursor(cursor: Cursor) -> ColumnElement[bool]:
    lu = resources.c.last_updated
    # The leading `lu >= ...` lets the (type, lastUpdated, id) index start at the cursor; the OR
    # alone would make the database read every earlier resource again on each page.
    return and_(
        lu >= cursor.last_updated,
        or_(lu > cursor.last_updated, and_(lu == cursor.last_updated, resources.c.res_id > cursor.res_id)),
    )


# --- the paging cursor -------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_cursor(cursor: Cursor, *, epoch: str, secret: bytes, query_hash: str) -> str:
    payload = json.dumps(
        {
            "e": epoch,
            "q": query_hash,
            "t": int(time.time() * 1000),
            "u": cursor.last_updated,
            "i": cursor.res_id,
        },
        separators=(",", ":"),
    ).encode()
    sig = hmac.new(secret, payload, hashlib.sha256).digest()[:16]
    return f"{_b64(payload)}.{_b64(sig)}"


def read_cursor(text: str, *, epoch: str, secret: bytes, query_hash: str, ttl_s: float) -> Cursor:
    """Check and decode a cursor.

    410 Gone (details 'restart-search') when the cursor was valid once but cannot be used
    now: it is older than the paging lifetime or the database was replaced. 400 when it is
    not a cursor this server ever issued for this search.
    """
    try:
        p64, s64 = text.split(".")
        payload = _unb64(p64)
        sig = _unb64(s64)
        data = json.loads(payload)
        e, q, t, u, i = data["e"], data["q"], data["t"], data["u"], data["i"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise bad_request(
            "The paging cursor is malformed; use next links exactly as the server gave them."
        ) from None
    if e != epoch:
        raise _gone("The paging link comes from a previous database on this server.")
    if not hmac.compare_digest(sig, hmac.new(secret, payload, hashlib.sha256).digest()[:16]):
        raise bad_request("The paging cursor was altered; use next links exactly as the server gave them.")
    if q != query_hash:
        raise bad_request(
            "The paging cursor belongs to a different search; keep the other parameters unchanged."
        )
    if time.time() - t / 1000 > ttl_s:
        raise _gone(f"The paging link has expired (links last {int(ttl_s)} seconds).")
    return Cursor(int(u), str(i))


def _gone(why: str) -> FhirError:
    return FhirError(410, "not-found", f"{why} Start the search again from the first page.", details=RESTART)
