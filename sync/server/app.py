"""The WSGI application: HTTP in, FHIR RESTful semantics, JSON out.

Routing, headers (ETag, Location, Last-Modified, Prefer), authentication and the mapping
of every failure to an OperationOutcome live here; storage rules live in store.py.
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from outreach import __version__

from . import faults as fk
from .access import Principal
from .behaviours import Behaviours, retry_after
from .capability import Limits, capability_statement
from .clock import now_us, to_http_date, to_instant
from .errors import FhirError, bad_request, not_supported, operation_outcome, status_line
from .faults import Faults
from .resource_types import SUPPORTED_TYPES
from .search import MAX_COUNT, MAX_OR_VALUES, MAX_SEARCH_VALUES
from .store import Store, Version, WriteOptions, WriteRequest, WriteResult
from .validation import check_id, check_supported_type, validate_resource

log = logging.getLogger("outreach.server")

FHIR_JSON = "application/fhir+json"
_JSON_TYPES = ("application/fhir+json", "application/json", "application/json+fhir")
DEFAULT_MAX_BODY = 10 * 1024 * 1024
# The deepest JSON nesting accepted. FHIR resources the app sends nest a dozen levels; a
# body nested thousands deep would exhaust the parser's and the validator's recursion.
MAX_JSON_DEPTH = 64
# The longest path accepted (ids are at most 64 characters, so real paths are far shorter).
MAX_PATH = 2048
# An ETag version number longer than this is not one this server ever handed out.
MAX_ETAG_DIGITS = 18
DEFAULT_CONTACT = "your organisation's IT service desk"
# The most entries one transaction may hold. The app sends at most 100; 500 entries are
# validated and stored in well under a second (bench/bench_server.py), which bounds how long
# one device's transaction keeps the others' writes waiting. Declared in the CapabilityStatement.
DEFAULT_MAX_ENTRIES = 500
ABORT_KEY = "outreach.abort_connection"
# The slow_write fault rule taken for this request (tests only).
HOLD_KEY = "outreach.slow_write_rule"

StartResponse = Callable[..., Any]


@dataclass
class Response:
    status: int
    body: dict[str, Any] | None
    headers: dict[str, str]


class FhirApp:
    """The server as a WSGI callable.

    `faults` (tests only) injects network and server failures; `behaviours` switches on limits
    and habits of real FHIR servers (see behaviours.py; all off by default); `contact` is who a
    revoked device is told to call.
    """

    def __init__(
        self,
        store: Store,
        *,
        faults: Faults | None = None,
        behaviours: Behaviours | None = None,
        max_body: int = DEFAULT_MAX_BODY,
        contact: str = DEFAULT_CONTACT,
        base_url: str | None = None,
        max_entries: int = DEFAULT_MAX_ENTRIES,
    ) -> None:
        self.store = store
        self.max_entries = max_entries
        self.faults = faults
        self.behaviours = behaviours if behaviours is not None else Behaviours()
        self.max_body = max_body
        self.contact = contact
        self.base_url = base_url.rstrip("/") if base_url else None
        self.started = to_instant(now_us())

    # --- WSGI entry ------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        t0 = time.perf_counter()
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "") or "/"
        body_in = _CountingInput(environ)
        environ["wsgi.input"] = body_in
        rule = self.faults.take(method, path) if self.faults is not None else None
        device = "-"
        if rule is not None and rule.kind == fk.DELAY:
            time.sleep(rule.seconds)
        if rule is not None and rule.kind == fk.SLOW_WRITE:
            environ[HOLD_KEY] = rule
        if rule is not None and rule.kind in (fk.ERROR_500, fk.UNAVAILABLE_503, fk.REJECT_TOKEN):
            resp = self._fault_response(rule)
        else:
            try:
                resp, device = self._handle(environ, method, path)
            except FhirError as err:
                resp = self._error(err)
            except RecursionError:
                resp = self._error(_too_deep())
            except OperationalError as exc:
                log_failure("database unavailable", method, path, exc)
                resp = self._error(
                    FhirError(
                        503,
                        "transient",
                        "The database is unavailable; try again shortly.",
                        headers={"Retry-After": "5"},
                    )
                )
            except Exception as exc:  # noqa: BLE001 - any failure becomes a logged 500 OperationOutcome
                log_failure("unexpected error", method, path, exc)
                resp = self._error(
                    FhirError(500, "exception", "The server failed unexpectedly; the error is logged.")
                )
        payload = b"" if resp.body is None else json.dumps(resp.body, ensure_ascii=False).encode("utf-8")
        if rule is not None and rule.kind == fk.MALFORMED_JSON and payload:
            payload = payload[: max(1, len(payload) // 2)] + b"\x00}{"
        # Never log query strings: identifier searches carry NHS numbers. The path and device
        # name are escaped, so a request cannot write a line of its own into the log.
        log.info(
            "%s %s %d %s %.1fms",
            printable(method, 16),
            printable(path, 200),
            resp.status,
            printable(device, 200),
            (time.perf_counter() - t0) * 1000,
        )
        if rule is not None and rule.kind == fk.DROP_AFTER_COMMIT:
            abort = environ.get(ABORT_KEY)
            if abort is not None:
                abort()
                start_response(status_line(500), [("Content-Length", "0")])
                return [b""]
            raise ConnectionAbortedError("fault: drop after commit")
        # Read what the client sent even when refusing it early (401, 415, faults...): closing a
        # socket with unread data resets the connection, and the client would lose our answer.
        body_in.drain(limit=4 * self.max_body)
        headers = (
            {"Content-Type": f"{FHIR_JSON}; charset=utf-8", **resp.headers} if payload else dict(resp.headers)
        )
        headers["Content-Length"] = str(len(payload))
        start_response(status_line(resp.status), list(headers.items()))
        # HEAD is answered as GET would be, with the same headers and no body (RFC 9110).
        return [b""] if method == "HEAD" else [payload]

    def _fault_response(self, rule: fk.Rule) -> Response:
        if rule.kind == fk.ERROR_500:
            return self._error(FhirError(500, "exception", "Injected fault: internal server error."))
        if rule.kind == fk.REJECT_TOKEN:
            return self._error(
                FhirError(
                    401,
                    "login",
                    "The access token has expired.",
                    headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
                )
            )
        return self._error(
            FhirError(
                503,
                "transient",
                "Injected fault: service unavailable.",
                headers={"Retry-After": str(rule.retry_after)},
            )
        )

    def _error(self, err: FhirError) -> Response:
        return Response(err.status, err.outcome(), err.headers)

    # --- routing ---------------------------------------------------------------------------

    def _handle(self, environ: dict[str, Any], method: str, path: str) -> tuple[Response, str]:
        if len(path) > MAX_PATH:
            raise FhirError(414, "too-long", f"The path is {len(path)} characters; the limit is {MAX_PATH}.")
        if method == "HEAD":
            method = "GET"  # the body is dropped in __call__
        parts = [p for p in path.split("/") if p]
        self._check_accept(environ)
        if parts == ["metadata"]:
            if method != "GET":
                raise _method_not_allowed(method, "GET")
            return Response(
                200, capability_statement(self._base(environ), __version__, self.started, self.limits()), {}
            ), "-"
        who = self._authenticate(environ)
        device = who.name
        if method == "GET":
            self._check_read_quota(device)
        if method in ("DELETE", "PATCH"):
            raise not_supported(
                f"{method} is not supported by this server: records are never deleted or patched."
            )
        if any(p.startswith("$") for p in parts):
            raise not_supported("FHIR operations ($...) are not supported by this server.")
        if not parts:
            if method == "POST":
                return self._transaction(environ, who), device
            if method == "GET":
                raise not_supported("Whole-system search is not supported; search one resource type.")
            raise _method_not_allowed(method, "POST")
        if parts[0] == "_history":
            raise not_supported("History (history-system) is not supported; use vread for a given version.")
        check_supported_type(parts[0])
        res_type = parts[0]
        if len(parts) == 1:
            if method == "GET":
                return self._search(environ, res_type, who), device
            if method == "POST":
                return self._create(environ, res_type, who), device
            if method == "PUT":
                raise not_supported("Conditional update (PUT with search criteria) is not supported.")
            raise _method_not_allowed(method, "GET, POST")
        if parts[1] == "_history":
            raise not_supported("History (history-type) is not supported; use vread for a given version.")
        if parts[1] == "_search":
            raise not_supported("Search by POST is not supported; use GET with parameters.")
        res_id = parts[1]
        check_id(res_id)
        if len(parts) == 2:
            if method == "GET":
                self._no_query(environ)
                return self._version_response(
                    self.store.read(res_type, res_id, who=who), 200, environ, with_location=False
                ), device
            if method == "PUT":
                return self._update(environ, res_type, res_id, who), device
            raise _method_not_allowed(method, "GET, PUT")
        if parts[2] != "_history":
            raise FhirError(404, "not-found", f"There is nothing at {path}.")
        if len(parts) == 3:
            raise not_supported("History (history-instance) is not supported; use vread for a given version.")
        if len(parts) == 4:
            if method != "GET":
                raise _method_not_allowed(method, "GET")
            self._no_query(environ)
            try:
                vid = int(parts[3])
            except ValueError:
                raise FhirError(
                    404, "not-found", f"'{parts[3]}' is not a version of {res_type}/{res_id}."
                ) from None
            return self._version_response(
                self.store.vread(res_type, res_id, vid, who=who), 200, environ, with_location=False
            ), device
        raise FhirError(404, "not-found", f"There is nothing at {path}.")

    # --- interactions ------------------------------------------------------------------------

    def _search(self, environ: dict[str, Any], res_type: str, who: Principal) -> Response:
        pairs = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        page, echo, count = self.store.search(res_type, pairs, who=who)
        base = self._base(environ)
        link_params = [*echo, ("_count", str(count))]
        links = [{"relation": "self", "url": f"{base}/{res_type}?{urlencode(pairs)}"}]
        if page.next_cursor:
            links.append(
                {
                    "relation": "next",
                    "url": f"{base}/{res_type}?{urlencode([*link_params, ('_cursor', page.next_cursor)])}",
                }
            )
        bundle = {
            "resourceType": "Bundle",
            "type": "searchset",
            "meta": {"lastUpdated": to_instant(now_us())},
            "total": page.total,
            "link": links,
            "entry": [
                {
                    "fullUrl": f"{base}/{v.res_type}/{v.res_id}",
                    "resource": v.body,
                    "search": {"mode": "match"},
                }
                for v in page.versions
            ],
        }
        if not bundle["entry"]:
            del bundle["entry"]
        return Response(200, bundle, {})

    def _create(self, environ: dict[str, Any], res_type: str, who: Principal) -> Response:
        device = who.name
        self._no_query(environ)
        body = self._read_json(environ)
        validate_resource(body, res_type)
        body = {k: v for k, v in body.items() if k != "id"}  # FHIR: the server ignores a client id on create
        req = WriteRequest("POST", res_type, body, if_none_exist=environ.get("HTTP_IF_NONE_EXIST"))
        with self._write_allowance(device, 1):
            (result,) = self.store.write(
                [req], device=device, bundle=False, options=self._write_options(environ), who=who
            )
        return self._write_response(result, environ)

    def _update(self, environ: dict[str, Any], res_type: str, res_id: str, who: Principal) -> Response:
        device = who.name
        self._no_query(environ)
        body = self._read_json(environ)
        validate_resource(body, res_type)
        if body.get("id") != res_id:
            raise bad_request(
                f"The resource id ({body.get('id')!r}) must equal the id in the URL ({res_id!r}) for an "
                "update.",
                "invalid",
            )
        if_match = _parse_etag(environ.get("HTTP_IF_MATCH"))
        req = WriteRequest("PUT", res_type, body, res_id=res_id, if_match=if_match)
        with self._write_allowance(device, 1):
            (result,) = self.store.write(
                [req], device=device, bundle=False, options=self._write_options(environ), who=who
            )
        return self._write_response(result, environ)

    def _transaction(self, environ: dict[str, Any], who: Principal) -> Response:
        device = who.name
        self._no_query(environ)
        entries = bundle_entries(self._read_json(environ))
        self._check_entry_cap(len(entries))
        if self.behaviours.entry_by_entry:
            return self._entry_by_entry(entries, environ, who)
        requests = [parse_entry(i, e) for i, e in enumerate(entries)]
        with self._write_allowance(device, len(requests)):
            results = self.store.write(
                requests, device=device, bundle=True, options=self._write_options(environ), who=who
            )
        prefer = _prefer(environ)
        return Response(200, _transaction_response([_success_entry(r, prefer) for r in results]), {})

    def _entry_by_entry(self, entries: list[Any], environ: dict[str, Any], who: Principal) -> Response:
        """A transaction processed like a batch, as some servers do: each entry in its own
        database transaction, a status per entry, and a failed entry's references left as sent."""
        options = self._write_options(environ)
        urn_map: dict[str, str] = {}  # fullUrl -> Type/id of the entries that succeeded
        outcomes: list[WriteResult | FhirError] = []
        for i, raw in enumerate(entries):
            outcome = self._one_entry(i, raw, urn_map, who, options)
            if isinstance(outcome, WriteResult) and isinstance(raw.get("fullUrl"), str):
                urn_map[raw["fullUrl"]] = f"{outcome.version.res_type}/{outcome.version.res_id}"
            outcomes.append(outcome)
        prefer = _prefer(environ)
        if prefer == "minimal":
            return Response(200, None, {})  # as one real server answers: no body at all
        return Response(
            200,
            _transaction_response(
                [
                    _success_entry(o, prefer) if isinstance(o, WriteResult) else _failure_entry(o)
                    for o in outcomes
                ]
            ),
            {},
        )

    def _one_entry(
        self, i: int, raw: Any, urn_map: dict[str, str], who: Principal, options: WriteOptions
    ) -> WriteResult | FhirError:
        """Entry i's result, or the error that entry alone gets: one bad entry stops nothing else."""
        try:
            req = parse_entry(i, raw)
        except FhirError as err:
            return err
        try:
            with self._write_allowance(who.name, 1):
                return self.store.write_entry(req, device=who.name, urn_map=urn_map, options=options, who=who)
        except FhirError as err:
            return err.with_entry(i)

    # --- behaviours of real servers (off unless switched on) -------------------------------

    def _write_options(self, environ: dict[str, Any]) -> WriteOptions:
        """The store's options for this request, read afresh so tests can switch modes live."""
        b = self.behaviours
        slow: fk.Rule | None = environ.get(HOLD_KEY)
        return WriteOptions(
            refuse_client_ids=b.refuse_client_ids,
            wait_for_writer=not b.conflict_on_concurrent_writes,
            hold=None if slow is None else lambda: slow.release.wait(slow.seconds),
        )

    def _check_entry_cap(self, n: int) -> None:
        cap = self.behaviours.max_transaction_entries
        if cap is not None and n > cap:
            raise bad_request(
                f"This server accepts at most {cap} entries in one transaction; this one has {n}.",
                "too-costly",
            )
        if n > self.max_entries:
            raise FhirError(
                413,
                "too-costly",
                f"This server accepts at most {self.max_entries} entries in one transaction; this one has "
                f"{n}. "
                "Send it in smaller parts.",
            )

    def limits(self) -> Limits:
        """The limits a client must keep to, as declared in the CapabilityStatement."""
        return Limits(
            max_entries=self.max_entries,
            max_write_s=self.store.max_write_s,
            max_body=self.max_body,
            max_or_values=MAX_OR_VALUES,
            max_search_values=MAX_SEARCH_VALUES,
            max_count=MAX_COUNT,
        )

    @contextmanager
    def _write_allowance(self, device: str, n: int) -> Iterator[None]:
        """Charge n writes to the device's write quota (429 if it is spent); writes that are
        then refused for another reason are given back, so only work done counts."""
        wait = self.behaviours.take_writes(device, n)
        if wait:
            quota = self.behaviours.write_quota
            assert quota is not None
            raise _throttled(f"This device may write {quota[0]} resources every {quota[1]:g} seconds", wait)
        try:
            yield
        except BaseException:
            self.behaviours.give_back_writes(device, n)
            raise

    def _check_read_quota(self, device: str) -> None:
        wait = self.behaviours.take_read(device)
        if wait:
            quota = self.behaviours.read_quota
            assert quota is not None
            raise _throttled(
                f"This device may make {quota[0]} read requests every {quota[1]:g} seconds", wait
            )

    # --- responses ---------------------------------------------------------------------

    def _write_response(self, result: WriteResult, environ: dict[str, Any]) -> Response:
        resp = self._version_response(result.version, result.status, environ, with_location=True)
        prefer = _prefer(environ)
        if prefer == "minimal":
            resp.body = None
        elif prefer == "OperationOutcome":
            what = "Created" if result.status == 201 else "Matched an existing resource or updated"
            resp.body = operation_outcome(
                "information", "informational", f"{what}: {result.version.location}"
            )
        return resp

    def _version_response(
        self, v: Version, status: int, environ: dict[str, Any], *, with_location: bool
    ) -> Response:
        headers = {"ETag": v.etag, "Last-Modified": to_http_date(v.last_updated)}
        if with_location:
            headers["Location"] = f"{self._base(environ)}/{v.location}"
        return Response(status, v.body, headers)

    # --- request checks ----------------------------------------------------------------

    def _base(self, environ: dict[str, Any]) -> str:
        if self.base_url:
            return self.base_url
        host = (
            environ.get("HTTP_HOST")
            or f"{environ.get('SERVER_NAME', '127.0.0.1')}:{environ.get('SERVER_PORT', '80')}"
        )
        return f"{environ.get('wsgi.url_scheme', 'http')}://{host}"

    def _authenticate(self, environ: dict[str, Any]) -> Principal:
        """The device the bearer token names, with its role; 401 unknown, 403 revoked (either role)."""
        auth = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _, token = auth.partition(" ")
        challenge = {"WWW-Authenticate": 'Bearer realm="outreach"'}
        if scheme.lower() != "bearer" or not token.strip():
            raise FhirError(
                401, "login", "This server needs 'Authorization: Bearer <device token>'.", headers=challenge
            )
        device = self.store.device_for_token(token.strip())
        if device is None:
            raise FhirError(
                401,
                "login",
                "The device token is not recognised. Ask IT to enrol this device.",
                headers={"WWW-Authenticate": 'Bearer realm="outreach", error="invalid_token"'},
            )
        if device.revoked:
            when = f" on {to_instant(device.revoked_at)[:10]}" if device.revoked_at else ""
            raise FhirError(
                403,
                "forbidden",
                f"This device ('{device.name}') was revoked{when} and can no longer send or receive records. "
                f"Contact {self.contact} to have it re-enrolled.",
                details="device-revoked",
            )
        return device.principal

    def _check_accept(self, environ: dict[str, Any]) -> None:
        accept = environ.get("HTTP_ACCEPT", "")
        if not accept:
            return
        kinds = [a.split(";")[0].strip().lower() for a in accept.split(",")]
        if not any(k in _JSON_TYPES or k in ("*/*", "application/*") for k in kinds):
            raise FhirError(406, "not-supported", "This server only answers in JSON (application/fhir+json).")

    def _no_query(self, environ: dict[str, Any]) -> None:
        qs = environ.get("QUERY_STRING", "")
        for name, value in parse_qsl(qs, keep_blank_values=True):
            if name == "_format" and value in ("json", FHIR_JSON, "application/json"):
                continue
            if name == "_format":
                raise FhirError(406, "not-supported", "This server only speaks JSON (application/fhir+json).")
            raise bad_request(
                f"The parameter '{name}' is not supported on this interaction.", "not-supported"
            )

    def _read_json(self, environ: dict[str, Any]) -> Any:
        ctype = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if ctype not in _JSON_TYPES:
            raise FhirError(
                415,
                "not-supported",
                f"Send FHIR JSON with 'Content-Type: {FHIR_JSON}' (got '{ctype or 'none'}').",
            )
        length_text = environ.get("CONTENT_LENGTH") or ""
        if not length_text.strip():
            raise FhirError(411, "structure", "The request needs a Content-Length header.")
        try:
            length = int(length_text)
        except ValueError:
            raise bad_request("Content-Length is not a number.") from None
        stream = environ["wsgi.input"]
        if length > self.max_body:
            raise FhirError(
                413, "too-long", f"The request is {length} bytes; the limit is {self.max_body} bytes."
            )
        raw = stream.read(length) if length else b""
        try:
            body = json.loads(raw.decode("utf-8"))
        except RecursionError:
            raise _too_deep() from None
        except (UnicodeDecodeError, ValueError) as exc:
            raise FhirError(400, "structure", f"The body is not valid JSON: {exc}") from None
        if json_depth(body) > MAX_JSON_DEPTH:
            raise _too_deep()
        return body


class _CountingInput:
    """wsgi.input that knows how much of the declared body is still unread."""

    def __init__(self, environ: dict[str, Any]) -> None:
        self._stream = environ["wsgi.input"]
        try:
            self.remaining = max(0, int(environ.get("CONTENT_LENGTH") or 0))
        except ValueError:
            self.remaining = 0

    def read(self, size: int = -1) -> bytes:
        if size < 0 or size > self.remaining:
            size = self.remaining
        data = self._stream.read(size) if size else b""
        self.remaining -= len(data)
        return data

    def drain(self, *, limit: int) -> None:
        """Discard the unread rest of the body, unless it is too large to be worth reading."""
        if self.remaining > limit:
            return
        while self.remaining > 0:
            if not self.read(min(self.remaining, 65536)):
                return


def _transaction_response(entries: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "transaction-response",
        "meta": {"lastUpdated": to_instant(now_us())},
    }
    if entries:
        out["entry"] = entries
    return out


def _success_entry(result: WriteResult, prefer: str) -> dict[str, Any]:
    v = result.version
    entry: dict[str, Any] = {
        "response": {
            "status": status_line(result.status),
            "location": v.location,
            "etag": v.etag,
            "lastModified": to_instant(v.last_updated),
        }
    }
    if prefer == "representation":
        entry["resource"] = v.body
    elif prefer == "OperationOutcome":
        entry["response"]["outcome"] = operation_outcome("information", "informational", "Done.")
    return entry


def _failure_entry(err: FhirError) -> dict[str, Any]:
    """A response entry for an entry that failed on its own (entry-by-entry mode)."""
    return {"response": {"status": status_line(err.status), "outcome": err.outcome()}}


def _throttled(limit: str, wait_s: float) -> FhirError:
    after = retry_after(wait_s)
    return FhirError(
        429,
        "throttled",
        f"{limit}; try again in {after} seconds.",
        headers={"Retry-After": after},
    )


def _method_not_allowed(method: str, allowed: str) -> FhirError:
    return FhirError(
        405, "not-supported", f"{method} is not allowed here; allowed: {allowed}.", headers={"Allow": allowed}
    )


def _prefer(environ: dict[str, Any]) -> str:
    for part in environ.get("HTTP_PREFER", "").split(";"):
        for item in part.split(","):
            key, _, value = item.strip().partition("=")
            if key.strip() == "return":
                return value.strip().strip('"')
    return "representation"


def _parse_etag(value: str | None) -> int | None:
    """The version number in an If-Match value such as W/"3" (or "3", or 3)."""
    if value is None:
        return None
    text = value.strip()
    text = text.removeprefix("W/")
    text = text.strip('"')
    if not text.isascii() or not text.isdigit() or len(text) > MAX_ETAG_DIGITS:
        raise bad_request(
            f'If-Match must be a version ETag such as W/"3", not {printable(value, 40)!r}.', "value"
        )
    return int(text)


def json_depth(value: Any) -> int:
    """How deeply a parsed JSON value nests (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Iterable[Any] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > MAX_JSON_DEPTH:
                return deepest
        stack.extend((c, depth) for c in children)
    return deepest


def _too_deep() -> FhirError:
    return FhirError(
        400,
        "structure",
        f"The JSON body nests more than {MAX_JSON_DEPTH} levels deep; FHIR resources do not.",
    )


def printable(text: str, limit: int) -> str:
    """`text` safe for one log line: control and other non-printing characters escaped
    (a newline becomes \\x0a), and cut to `limit` characters."""
    out = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text[:limit])
    return out + "..." if len(text) > limit else out


def log_failure(what: str, method: str, path: str, exc: BaseException) -> None:
    """Log a failure with where it happened in the code, but not the exception's message:
    database errors quote the SQL parameters and validation errors the values, which can be
    NHS numbers. The exception's type and the stack are enough to find the fault."""
    frames = "".join(traceback.format_tb(exc.__traceback__)[-8:])
    log.error(
        "%s handling %s %s: %s\n%s",
        what,
        printable(method, 16),
        printable(path, 200),
        type(exc).__name__,
        frames.rstrip(),
    )


def parse_transaction(bundle: Any) -> list[WriteRequest]:
    """Check a transaction Bundle and turn its entries into write requests (nothing stored yet)."""
    return [parse_entry(i, e) for i, e in enumerate(bundle_entries(bundle))]


def bundle_entries(bundle: Any) -> list[Any]:
    """Check a transaction Bundle's own shape and return its entries, not yet checked one by one
    (so that entry-by-entry processing can refuse a bad entry and go on with the others)."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise FhirError(400, "structure", "POST / takes a Bundle of type 'transaction'.")
    btype = bundle.get("type")
    if btype == "batch":
        raise not_supported("Batch bundles are not supported; send a transaction bundle.")
    if btype != "transaction":
        raise bad_request(f"POST / takes a Bundle of type 'transaction', not '{btype}'.")
    entries = bundle.get("entry") or []
    if not isinstance(entries, list):
        raise FhirError(400, "structure", "Bundle.entry must be a list.")
    shell = {
        **bundle,
        "entry": [{k: v for k, v in e.items() if k != "resource"} for e in entries if isinstance(e, dict)],
    }
    try:
        get_fhir_model_class("Bundle").model_validate(shell)
    except (ValidationError, TypeError, ValueError) as exc:
        raise FhirError(
            400, "structure", f"The Bundle is not valid FHIR: {str(exc).splitlines()[0:3]}"
        ) from None
    return entries


def parse_entry(i: int, entry: Any) -> WriteRequest:
    """Entry i of a transaction as a write request; errors name the entry."""
    try:
        return _parse_entry(entry)
    except FhirError as err:
        raise err.with_entry(i) from None


def _parse_entry(entry: Any) -> WriteRequest:
    if not isinstance(entry, dict):
        raise FhirError(400, "structure", "Each entry must be an object.")
    request = entry.get("request")
    if not isinstance(request, dict):
        raise FhirError(400, "required", "A transaction entry needs request.method and request.url.")
    method = str(request.get("method", "")).upper()
    url = str(request.get("url", "")).strip().lstrip("/")
    if method in ("GET", "HEAD", "DELETE", "PATCH"):
        raise not_supported(f"{method} entries are not supported in transactions; only POST and PUT.")
    if method not in ("POST", "PUT"):
        raise bad_request(f"request.method {method!r} is not a FHIR transaction method.")
    for unsupported in ("ifNoneMatch", "ifModifiedSince"):
        if request.get(unsupported) is not None:
            raise not_supported(f"request.{unsupported} is not supported in transactions.")
    resource = entry.get("resource")
    full_url = entry.get("fullUrl")
    if full_url is not None and not isinstance(full_url, str):
        raise bad_request("fullUrl must be a string.")
    if "?" in url:
        raise not_supported("Conditional updates (a search in request.url) are not supported.")
    parts = url.split("/")
    if method == "POST":
        if len(parts) != 1 or not parts[0]:
            raise bad_request(f"A POST entry's request.url must be the resource type, not {url!r}.")
        res_type = parts[0]
        check_supported_type(res_type)
        validate_resource(resource, res_type)
        assert isinstance(resource, dict)  # validate_resource refused anything but an object
        body = {k: v for k, v in resource.items() if k != "id"}
        if_none_exist = request.get("ifNoneExist")
        if if_none_exist is not None and (not isinstance(if_none_exist, str) or not if_none_exist.strip()):
            raise bad_request("request.ifNoneExist must be a non-empty query string.")
        return WriteRequest("POST", res_type, body, if_none_exist=if_none_exist, full_url=full_url)
    if len(parts) != 2 or not parts[1]:
        raise bad_request(f"A PUT entry's request.url must be Type/id, not {url!r}.")
    res_type, res_id = parts
    check_supported_type(res_type)
    check_id(res_id)
    validate_resource(resource, res_type)
    assert isinstance(resource, dict)  # validate_resource refused anything but an object
    if resource.get("id") != res_id:
        raise bad_request(
            f"The resource id ({resource.get('id')!r}) must equal the id in request.url ({res_id!r})."
        )
    if request.get("ifNoneExist") is not None:
        raise bad_request("ifNoneExist is only allowed on POST entries.")
    if_match = _parse_etag(request.get("ifMatch"))
    return WriteRequest("PUT", res_type, resource, res_id=res_id, if_match=if_match, full_url=full_url)


def make_app(
    db_url: str | None = None,
    *,
    store: Store | None = None,
    faults: Faults | None = None,
    behaviours: Behaviours | None = None,
    page_ttl_s: float | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    contact: str = DEFAULT_CONTACT,
    base_url: str | None = None,
    max_entries: int = DEFAULT_MAX_ENTRIES,
    max_write_s: float | None = None,
) -> FhirApp:
    """Build the app on a database URL (or an existing Store)."""
    if store is None:
        if db_url is None:
            raise ValueError("make_app needs a database URL or a Store")
        store = Store(db_url) if page_ttl_s is None else Store(db_url, page_ttl_s=page_ttl_s)
    elif page_ttl_s is not None:
        store.page_ttl_s = page_ttl_s
    if max_write_s is not None:
        store.max_write_s = max_write_s
    return FhirApp(
        store,
        faults=faults,
        behaviours=behaviours,
        max_body=max_body,
        contact=contact,
        base_url=base_url,
        max_entries=max_entries,
    )


__all__ = ["SUPPORTED_TYPES", "FhirApp", "make_app", "parse_transaction"]
