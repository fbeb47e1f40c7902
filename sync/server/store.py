"""The server's storage: atomic writes, reads, searches and device enrolment.

Every write runs in one database transaction that first locks the single clock row. That
serialises writers across threads and processes, so (a) conditional create checks and the
insert that follows cannot race, and (b) lastUpdated values are handed out in commit order,
which is what makes `_lastUpdated` incremental pulls and paging lose nothing.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy import Connection, Row, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from . import access, db
from .access import DEFAULT_ROLE, Principal
from .clock import Ticker, now_us, to_instant
from .errors import FhirError, bad_request
from .resource_types import (
    PARAMS,
    SUPPORTED_TYPES,
    identifiers,
    index_rows,
    references,
    split_reference,
)
from .search import Cursor, after_cursor, make_cursor, parse_search, read_cursor

DEFAULT_PAGE_TTL_S = 3600.0
# How long one write transaction may work while holding the writer before it is rolled back
# and refused (413: send it in smaller parts). With at most DEFAULT_MAX_ENTRIES entries a
# transaction takes about a second, so this only trips on a struggling database.
DEFAULT_MAX_WRITE_S = 10.0
# How long a write may wait for its turn at the writer before it is answered 503 with
# Retry-After: well inside the app's 30-second read timeout.
DEFAULT_WRITER_WAIT_S = 20.0
# server_meta key holding a fingerprint of the search parameters the index was built for.
INDEX_KEY = "search_index_params"
LOCK_REFUSED = "The database refused a concurrent write; try again."


@dataclass(frozen=True)
class Version:
    """One stored version of a resource."""

    res_type: str
    res_id: str
    version_id: int
    last_updated: int
    deleted: bool
    body: dict[str, Any]

    @property
    def etag(self) -> str:
        return f'W/"{self.version_id}"'

    @property
    def location(self) -> str:
        return f"{self.res_type}/{self.res_id}/_history/{self.version_id}"


@dataclass
class WriteRequest:
    """One create (POST) or update (PUT), alone or as a transaction entry."""

    method: str  # "POST" or "PUT"
    res_type: str
    body: dict[str, Any]
    res_id: str | None = None  # PUT only
    if_none_exist: str | None = None  # POST only: a query string
    if_match: int | None = None  # PUT only: the version the client last saw
    full_url: str | None = None


@dataclass(frozen=True)
class WriteOptions:
    """How a write behaves beyond the FHIR rules (see behaviours.py); the defaults are the
    server's own: update-as-create allowed, writers wait their turn."""

    refuse_client_ids: bool = False  # a PUT may update an existing resource but not create one
    wait_for_writer: bool = True  # False: refuse with 409 while another write is in progress
    hold: Callable[[], object] | None = None  # tests only: called in the write transaction before commit


@dataclass
class WriteResult:
    status: int  # 201 created, 200 matched/updated/unchanged
    version: Version


@dataclass
class SearchPage:
    versions: list[Version]
    total: int
    next_cursor: str | None


@dataclass(frozen=True)
class Device:
    name: str
    revoked: bool
    created: int
    revoked_at: int | None
    role: str = DEFAULT_ROLE

    @property
    def principal(self) -> Principal:
        return Principal(self.name, self.role)


@dataclass
class _Plan:
    """What one entry will do, worked out before anything is written."""

    req: WriteRequest
    res_id: str
    existing: Version | None = None
    matched: bool = False  # conditional create found a match: no write
    body: dict[str, Any] = field(default_factory=dict)


class WriterQueue:
    """The process's writer lock, handed out to devices in turn.

    A plain lock lets whichever thread the scheduler wakes first win, so a device sending
    transactions back to back (the app keeps several requests in flight) can keep another
    device's small write waiting behind all of them. Here each device with writes waiting has
    its own first-come-first-served line and the writer goes round the devices in turn, so a
    device's write waits for at most one write of each other device. A write that cannot start
    within `max_wait_s` is answered 503 with Retry-After rather than left hanging past the
    client's timeout. Between server processes the database's lock on the clock row queues them.
    """

    def __init__(self, *, max_wait_s: float = DEFAULT_WRITER_WAIT_S) -> None:
        self.max_wait_s = max_wait_s
        self._cond = threading.Condition()
        self._lines: dict[str | None, deque[object]] = {}  # device -> its waiting writes, in order
        self._rota: deque[str | None] = deque()  # devices with waiting writes, next turn first
        self._busy = False
        self._granted: object | None = None

    def locked(self) -> bool:
        with self._cond:
            return self._busy

    @contextmanager
    def turn(self, device: str | None, *, blocking: bool = True) -> Iterator[None]:
        """Hold the writer for the duration of the block."""
        ticket = object()
        with self._cond:
            if not blocking and (self._busy or self._rota):
                raise FhirError(409, "lock-error", LOCK_REFUSED)
            line = self._lines.get(device)
            if line is None:
                line = self._lines[device] = deque()
                self._rota.append(device)
            line.append(ticket)
            self._grant_next()
            deadline = time.monotonic() + self.max_wait_s
            while self._granted is not ticket:
                left = deadline - time.monotonic()
                if left <= 0:
                    self._withdraw(device, ticket)
                    raise FhirError(
                        503,
                        "transient",
                        "The server is busy with other devices' writes and could not start this one within "
                        f"{self.max_wait_s:g} seconds; try again shortly.",
                        headers={"Retry-After": "2"},
                    )
                self._cond.wait(left)
            self._granted = None
        try:
            yield
        finally:
            with self._cond:
                self._busy = False
                self._grant_next()

    def _grant_next(self) -> None:
        """If the writer is free, give it to the first write of the device whose turn it is."""
        if self._busy or not self._rota:
            return
        device = self._rota.popleft()
        line = self._lines[device]
        self._granted = line.popleft()
        self._busy = True
        if line:
            self._rota.append(device)  # its next write waits for one of every other device's
        else:
            del self._lines[device]
        self._cond.notify_all()

    def _withdraw(self, device: str | None, ticket: object) -> None:
        line = self._lines.get(device)
        if line is not None and ticket in line:
            line.remove(ticket)
            if not line:
                del self._lines[device]
                self._rota.remove(device)


@dataclass
class _Pending:
    """What one write transaction stores, gathered entry by entry and inserted at the end with
    one statement per table: a 34-entry check is then about ten statements instead of two
    hundred, which is most of the time a write holds the writer.

    `owners` maps (type, system, value) to the resource holding that identifier: read from the
    database once for every identifier the transaction mentions, then kept up to date as
    entries are applied, so duplicates are found in entry order as before.
    """

    owners: dict[tuple[str, str, str], str] = field(default_factory=dict)
    resources: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    identifiers: list[dict[str, Any]] = field(default_factory=list)
    index: list[dict[str, Any]] = field(default_factory=list)
    grants: set[tuple[str, str, str]] = field(default_factory=set)  # (device, type, id): access.py

    def flush(self, conn: Connection) -> None:
        for table, rows in (
            (db.resources, self.resources),
            (db.history, self.history),
            (db.identifiers, self.identifiers),
            (db.search_index, self.index),
        ):
            if rows:
                conn.execute(insert(table), rows)
        access.grant(conn, self.grants)


# Identifier pairs looked up per statement: SQLite refuses an expression deeper than 1000 terms.
_LOOKUP_CHUNK = 100


def _load_owners(conn: Connection, wanted: set[tuple[str, str, str]]) -> dict[tuple[str, str, str], str]:
    """Which resource holds each (type, system, value) identifier: its id, or "" when free."""
    found: dict[tuple[str, str, str], str] = dict.fromkeys(wanted, "")
    keys = sorted(wanted)
    for start in range(0, len(keys), _LOOKUP_CHUNK):
        chunk = keys[start : start + _LOOKUP_CHUNK]
        # IN lists (one cached statement whatever their length) rather than an OR of ANDs,
        # which SQLAlchemy would build afresh for every transaction; exact triples are picked
        # out below.
        rows = conn.execute(
            _OWNERS_QUERY,
            {
                "types": sorted({t for t, _sy, _v in chunk}),
                "systems": sorted({sy for _t, sy, _v in chunk}),
                "values": sorted({v for _t, _sy, v in chunk}),
            },
        )
        for row in rows:
            key = (row.res_type, row.system, row.value)
            if key in found:
                found[key] = row.res_id
    return found


_OWNERS_QUERY = select(
    db.identifiers.c.res_type, db.identifiers.c.system, db.identifiers.c.value, db.identifiers.c.res_id
).where(
    db.identifiers.c.res_type.in_(bindparam("types", expanding=True)),
    db.identifiers.c.system.in_(bindparam("systems", expanding=True)),
    db.identifiers.c.value.in_(bindparam("values", expanding=True)),
)
_PRESENT_QUERY = select(db.resources.c.res_type, db.resources.c.res_id).where(
    db.resources.c.res_type.in_(bindparam("types", expanding=True)),
    db.resources.c.res_id.in_(bindparam("ids", expanding=True)),
    db.resources.c.deleted.is_(False),
)


def _simple_identifier(query: str) -> tuple[str, str] | None:
    """(system, value) when an If-None-Exist query is just `identifier=system|value`."""
    query = query.split("?", 1)[1] if "?" in query else query
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return None
    if len(pairs) != 1 or pairs[0][0] != "identifier" or "," in pairs[0][1]:
        return None
    system, bar, value = pairs[0][1].partition("|")
    return (system, value) if bar and system and value else None


def hash_token(token: str) -> str:
    """Tokens are 256-bit random values, so a plain SHA-256 is enough to keep them unrecoverable."""
    return hashlib.sha256(token.encode()).hexdigest()


class Store:
    """All database work of the server. Thread-safe; one per process and database."""

    def __init__(
        self,
        db_url: str,
        *,
        page_ttl_s: float = DEFAULT_PAGE_TTL_S,
        max_write_s: float = DEFAULT_MAX_WRITE_S,
    ) -> None:
        self.engine = db.make_engine(db_url)
        self.page_ttl_s = page_ttl_s
        self.max_write_s = max_write_s
        self.writer = WriterQueue()
        self._init_schema()

    def close(self) -> None:
        self.engine.dispose()

    # --- set-up ------------------------------------------------------------------------

    def _init_schema(self) -> None:
        db.metadata.create_all(self.engine)
        wanted = {
            "schema_version": str(db.SCHEMA_VERSION),
            "epoch": uuid.uuid4().hex,
            "page_secret": secrets.token_hex(32),
        }
        with self.engine.connect() as conn:
            have = dict(conn.execute(select(db.server_meta.c.key, db.server_meta.c.value)).all())
            has_clock = conn.execute(select(func.count()).select_from(db.server_clock)).scalar_one() > 0
        rows: list[tuple[Table, dict[str, object]]] = [
            (db.server_meta, {"key": k, "value": v}) for k, v in wanted.items() if k not in have
        ]
        if not has_clock:
            rows.append((db.server_clock, {"id": 1, "last_us": 0}))
        for table, values in rows:
            try:
                with self.engine.begin() as conn:
                    conn.execute(insert(table).values(**values))
            except IntegrityError:  # another process initialised it at the same moment
                pass
        with self.engine.connect() as conn:
            meta = dict(conn.execute(select(db.server_meta.c.key, db.server_meta.c.value)).all())
        if int(meta["schema_version"]) > db.SCHEMA_VERSION:
            raise RuntimeError(
                f"The database was written by a newer server (schema {meta['schema_version']}); upgrade the "
                "server."
            )
        self.epoch: str = meta["epoch"]
        self._secret = bytes.fromhex(meta["page_secret"])
        if int(meta["schema_version"]) < db.SCHEMA_VERSION:
            self._upgrade()
        if meta.get(INDEX_KEY) != index_fingerprint():
            self._rebuild_search_index()

    def _upgrade(self) -> None:
        """Bring a database from an older server up to this schema (roles and the access table)."""
        m = db.server_meta
        with self._writing() as (conn, _ticker):
            version = conn.execute(select(m.c.value).where(m.c.key == "schema_version")).scalar_one()
            if int(version) >= db.SCHEMA_VERSION:
                return  # another process upgraded it first
            access.upgrade(conn)
            conn.execute(update(m).where(m.c.key == "schema_version").values(value=str(db.SCHEMA_VERSION)))

    def _rebuild_search_index(self) -> None:
        """Index every current resource afresh, when the search parameters changed since the
        index was built: otherwise a new parameter would miss older resources, and a
        conditional create on it would make a second copy."""
        si, r, m = db.search_index, db.resources.c, db.server_meta
        with self._writing() as (conn, _ticker):
            conn.execute(delete(si))
            rows = conn.execute(select(r.res_type, r.res_id, r.body).where(r.deleted.is_(False)))
            for row in rows.all():
                _insert_index(conn, row.res_type, row.res_id, json.loads(row.body))
            conn.execute(delete(m).where(m.c.key == INDEX_KEY))
            conn.execute(insert(m).values(key=INDEX_KEY, value=index_fingerprint()))

    @contextmanager
    def _writing(
        self, options: WriteOptions | None = None, device: str | None = None
    ) -> Iterator[tuple[Connection, Ticker]]:
        """One atomic write transaction holding the clock lock, taken in turn (see WriterQueue).

        With `wait_for_writer` off, a write that finds another one in progress in this process
        is refused with 409 (as some servers' databases do) instead of queueing behind it.
        """
        options = options or WriteOptions()
        with self.writer.turn(device, blocking=options.wait_for_writer), self.engine.begin() as conn:
            clock = db.server_clock
            # An UPDATE first takes the write lock (SQLite) / row lock (PostgreSQL) before any read;
            # with RETURNING it also reads the clock, one round trip fewer while holding the writer.
            take = update(clock).where(clock.c.id == 1).values(last_us=clock.c.last_us)
            if conn.dialect.update_returning:
                last = conn.execute(take.returning(clock.c.last_us)).scalar_one()
            else:  # SQLite before 3.35
                conn.execute(take)
                last = conn.execute(select(clock.c.last_us).where(clock.c.id == 1)).scalar_one()
            ticker = Ticker(last)
            yield conn, ticker
            if options.hold is not None:
                options.hold()
            conn.execute(update(clock).where(clock.c.id == 1).values(last_us=ticker.last))

    def writing_now(self) -> bool:
        """Whether a write transaction of this process holds the writer lock (tests wait on it)."""
        return self.writer.locked()

    # --- reads -------------------------------------------------------------------------

    def read(self, res_type: str, res_id: str, *, who: Principal | None = None) -> Version:
        """The current version; `who` (None: tooling) must be allowed to read it (access.py)."""
        with self.engine.connect() as conn:
            v = _current(conn, res_type, res_id)
            if v is None:
                raise FhirError(404, "not-found", f"{res_type}/{res_id} does not exist.")
            if not access.may_read(conn, who, res_type, res_id):
                raise access.refuse_read(res_type, res_id)
        if v.deleted:
            raise FhirError(410, "deleted", f"{res_type}/{res_id} was deleted.")
        return v

    def vread(self, res_type: str, res_id: str, version_id: int, *, who: Principal | None = None) -> Version:
        h = db.history.c
        with self.engine.connect() as conn:
            row = conn.execute(
                select(h.res_type, h.res_id, h.version_id, h.last_updated, h.deleted, h.body).where(
                    h.res_type == res_type, h.res_id == res_id, h.version_id == version_id
                )
            ).first()
            if row is None:
                raise FhirError(404, "not-found", f"{res_type}/{res_id} has no version {version_id}.")
            if not access.may_read(conn, who, res_type, res_id):
                raise access.refuse_read(res_type, res_id)
        v = _version(row)
        if v.deleted:
            raise FhirError(410, "deleted", f"Version {version_id} of {res_type}/{res_id} is a deletion.")
        return v

    def search(
        self, res_type: str, pairs: list[tuple[str, str]], *, who: Principal | None = None
    ) -> tuple[SearchPage, list[tuple[str, str]], int]:
        """One page of matches; also returns the parameters to echo in links and the page size.

        A worker's search silently keeps to what it may read (access.py), as real servers do."""
        parsed = parse_search(res_type, pairs)
        r = db.resources.c
        where = [r.res_type == res_type, r.deleted.is_(False), *parsed.clauses]
        only_granted = access.search_filter(who, res_type, selective=parsed.selective)
        if only_granted is not None:
            where.append(only_granted)
        page_where = list(where)
        if parsed.cursor_text is not None:
            cursor = read_cursor(
                parsed.cursor_text,
                epoch=self.epoch,
                secret=self._secret,
                query_hash=parsed.query_hash,
                ttl_s=self.page_ttl_s,
            )
            page_where.append(after_cursor(cursor))
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(db.resources).where(*where)).scalar_one()
            rows: Sequence[Row[*tuple[Any, ...]]] = []
            if parsed.count:
                # A filter that names ids (or a worker's own rows) finds few resources through
                # the index; ordering by `last_updated + 0` keeps the database from walking every
                # resource of the type in lastUpdated order to avoid sorting those few.
                order = r.last_updated + 0 if parsed.selective or only_granted is not None else r.last_updated
                rows = conn.execute(
                    select(r.res_type, r.res_id, r.version_id, r.last_updated, r.deleted, r.body)
                    .where(*page_where)
                    .order_by(order, r.res_id)
                    .limit(parsed.count + 1)
                ).all()
        versions = [_version(row) for row in rows[: parsed.count]]
        next_cursor = None
        if len(rows) > parsed.count and versions:
            last = versions[-1]
            next_cursor = make_cursor(
                Cursor(last.last_updated, last.res_id),
                epoch=self.epoch,
                secret=self._secret,
                query_hash=parsed.query_hash,
            )
        return SearchPage(versions, total, next_cursor), parsed.echo, parsed.count

    # --- writes ------------------------------------------------------------------------

    def write(
        self,
        requests: list[WriteRequest],
        *,
        device: str | None,
        bundle: bool,
        options: WriteOptions | None = None,
        who: Principal | None = None,
    ) -> list[WriteResult]:
        """Apply creates/updates atomically: all of them or none.

        Errors name the failing entry when `bundle` is true. Processing follows the FHIR
        transaction rules: identities are resolved first (conditional creates matched), then
        urn:uuid references rewritten, then the writer's role checked (`who`, None for tooling:
        access.py), then everything written with fresh versions.
        """
        if who is not None:
            device = who.name
        try:
            return self._write(requests, device=device, bundle=bundle, options=options, who=who)
        except IntegrityError:
            raise _raced() from None

    def write_entry(
        self,
        req: WriteRequest,
        *,
        device: str | None,
        urn_map: dict[str, str],
        options: WriteOptions | None = None,
        who: Principal | None = None,
    ) -> WriteResult:
        """Apply one transaction entry in its own database transaction, as a server that
        processes transactions entry by entry does.

        urn:uuid references found in `urn_map` (entries that already succeeded) are rewritten;
        any other urn reference is stored as sent, dangling. Relative references must still
        resolve. Errors do not name the entry; the caller knows which one it was.
        """
        if who is not None:
            device = who.name
        try:
            with self._writing(options, device) as (conn, ticker):
                pending = _Pending(owners=_load_owners(conn, _mentioned_identifiers([req])))
                plan = self._plan(conn, 0, req, False, urn_map, options, pending.owners, who)
                self._rewrite_and_check_refs(conn, [plan], urn_map, False, strict_urns=False)
                self._authorise(conn, [plan], urn_map, device, who, False, pending)
                result = self._apply(conn, ticker, plan, device, {}, 0, False, pending)
                pending.flush(conn)
                return result
        except IntegrityError:
            raise _raced() from None

    def _write(
        self,
        requests: list[WriteRequest],
        *,
        device: str | None,
        bundle: bool,
        options: WriteOptions | None,
        who: Principal | None = None,
    ) -> list[WriteResult]:
        with self._writing(options, device) as (conn, ticker):
            # The writer is held from here: past the deadline the whole transaction is rolled
            # back and refused, so no one request can keep every other device waiting.
            deadline = time.monotonic() + self.max_write_s
            pending = _Pending(owners=_load_owners(conn, _mentioned_identifiers(requests)))
            plans: list[_Plan] = []
            known: dict[str, str] = {}  # fullUrl -> Type/id of the entries planned so far
            for i, req in enumerate(requests):
                plan = self._plan(conn, i, req, bundle, known, options, pending.owners, who)
                plans.append(plan)
                if req.full_url:
                    known.setdefault(req.full_url, f"{req.res_type}/{plan.res_id}")
                self._check_deadline(deadline, len(requests))
            urn_map = self._identities(plans, bundle)
            self._rewrite_and_check_refs(conn, plans, urn_map, bundle)
            self._authorise(conn, plans, urn_map, device, who, bundle, pending)
            results = []
            written: dict[tuple[str, str, str], int] = {}
            for i, plan in enumerate(plans):
                try:
                    results.append(self._apply(conn, ticker, plan, device, written, i, bundle, pending))
                except FhirError as err:
                    raise err.with_entry(i) if bundle else err
                self._check_deadline(deadline, len(requests))
            pending.flush(conn)
            self._check_deadline(deadline, len(requests))
            return results

    def _check_deadline(self, deadline: float, n: int) -> None:
        if time.monotonic() > deadline:
            raise FhirError(
                413,
                "too-costly",
                f"Storing these {n} entries took longer than the {self.max_write_s:g} seconds one write may "
                "hold the database, so nothing was stored. Send them in smaller parts.",
            )

    def _plan(
        self,
        conn: Connection,
        i: int,
        req: WriteRequest,
        bundle: bool,
        known: dict[str, str],
        options: WriteOptions | None,
        owners: dict[tuple[str, str, str], str] | None = None,
        who: Principal | None = None,
    ) -> _Plan:
        """Work out what one entry will do. `known` maps the fullUrls of earlier entries to
        their Type/id, so ifNoneExist criteria may name them by urn:uuid (as HAPI allows);
        `owners` holds the identifiers already looked up for this transaction."""
        try:
            if req.method == "POST":
                if req.if_none_exist is not None:
                    matches = self._match(conn, req.res_type, req.if_none_exist, known, owners, who)
                    if len(matches) > 1:
                        raise FhirError(
                            412,
                            "multiple-matches",
                            f"The If-None-Exist criteria '{req.if_none_exist}' match {len(matches)} "
                            f"{req.res_type} resources; make them specific enough to match one.",
                        )
                    if matches:
                        return _Plan(req, matches[0].res_id, existing=matches[0], matched=True)
                return _Plan(req, str(uuid.uuid4()))
            assert req.res_id is not None
            existing = _current(conn, req.res_type, req.res_id)
            if (
                who is not None
                and not who.sees_everything
                and existing is not None
                and not existing.deleted
                and not access.wrote(conn, who.name, req.res_type, req.res_id)
            ):
                # Before If-Match is compared: a 412 would tell the version of a record the
                # worker may not read.
                raise access.forbidden(
                    f"{req.res_type}/{req.res_id} was written by another device: a worker laptop "
                    "updates only the records it sent."
                )
            if req.if_match is not None and (
                existing is None or existing.deleted or existing.version_id != req.if_match
            ):
                have = "does not exist" if existing is None else f"is at version {existing.version_id}"
                raise FhirError(
                    412,
                    "conflict",
                    f"{req.res_type}/{req.res_id} {have}, not version {req.if_match} as If-Match expects: "
                    "read it again and reapply the change.",
                )
            if options is not None and options.refuse_client_ids and (existing is None or existing.deleted):
                raise FhirError(
                    404,
                    "not-found",
                    f"{req.res_type}/{req.res_id} does not exist, and this server does not let clients "
                    "choose the id of a new resource: create it with POST instead.",
                )
            return _Plan(req, req.res_id, existing=existing)
        except FhirError as err:
            raise err.with_entry(i) if bundle else err

    def _match(
        self,
        conn: Connection,
        res_type: str,
        query: str,
        known: dict[str, str],
        owners: dict[tuple[str, str, str], str] | None = None,
        who: Principal | None = None,
    ) -> list[Version]:
        """The resources the criteria match (at most 2). A worker's criteria that do not prove
        the match concerns it (access.criteria_prove_concern) match only among what it may read,
        as its searches do: otherwise the answer (created, matched, several matches) would tell
        it what other laptops' records hold."""
        simple = _simple_identifier(query)
        if owners is not None and simple is not None and (res_type, *simple) in owners:
            # The common case, already answered by the transaction's one identifier lookup.
            owner = owners[(res_type, *simple)]
            current = _current(conn, res_type, owner) if owner else None
            return [current] if current is not None and not current.deleted else []
        query = query.split("?", 1)[1] if "?" in query else query
        try:
            pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=True)
        except ValueError:
            raise bad_request(f"The If-None-Exist criteria '{query}' are not a valid query string.") from None
        pairs = [(name, _resolve_urns(res_type, name, value, known)) for name, value in pairs]
        parsed = parse_search(res_type, pairs, conditional=True)
        if len(pairs) == 1 and pairs[0][0] == "identifier" and "," not in pairs[0][1]:
            system, bar, value = pairs[0][1].partition("|")
            if bar and system and value:
                # The common case, answered from the unique identifier table in one lookup.
                ids = db.identifiers.c
                owner_id: str | None = conn.execute(
                    select(ids.res_id).where(
                        ids.res_type == res_type, ids.system == system, ids.value == value
                    )
                ).scalar_one_or_none()
                current = _current(conn, res_type, owner_id) if owner_id is not None else None
                return [current] if current is not None and not current.deleted else []
        r = db.resources.c
        where = [r.res_type == res_type, r.deleted.is_(False), *parsed.clauses]
        if not access.criteria_prove_concern(res_type, query):
            only_granted = access.search_filter(who, res_type, selective=True)
            if only_granted is not None:
                where.append(only_granted)
        rows = conn.execute(
            select(r.res_type, r.res_id, r.version_id, r.last_updated, r.deleted, r.body)
            .where(*where)
            .limit(2)
        ).all()
        return [_version(row) for row in rows]

    def _identities(self, plans: list[_Plan], bundle: bool) -> dict[str, str]:
        urn_map: dict[str, str] = {}
        seen: dict[tuple[str, str], int] = {}
        for i, plan in enumerate(plans):
            key = (plan.req.res_type, plan.res_id)
            if key in seen and not (plan.matched and plans[seen[key]].matched):
                raise FhirError(
                    409,
                    "conflict",
                    f"Bundle.entry[{i}] and Bundle.entry[{seen[key]}] both write {key[0]}/{key[1]}; "
                    "a transaction may touch each resource once.",
                )
            seen.setdefault(key, i)
            if plan.req.full_url:
                if plan.req.full_url in urn_map:
                    raise bad_request(f"Bundle.entry[{i}]: fullUrl '{plan.req.full_url}' is used twice.")
                urn_map[plan.req.full_url] = f"{key[0]}/{key[1]}"
        return urn_map

    def _rewrite_and_check_refs(
        self,
        conn: Connection,
        plans: list[_Plan],
        urn_map: dict[str, str],
        bundle: bool,
        *,
        strict_urns: bool = True,
    ) -> None:
        """Rewrite urn references to the Type/id they stand for and check relative references
        resolve. With `strict_urns` off an unknown urn is kept as sent (entry-by-entry mode)."""
        in_bundle = {f"{p.req.res_type}/{p.res_id}" for p in plans}
        needed: dict[tuple[str, str], tuple[int, str]] = {}
        for i, plan in enumerate(plans):
            if plan.matched:
                continue
            body = json.loads(json.dumps(plan.req.body))  # our own copy to rewrite
            for path, ref in references(body):
                target = ref["reference"]
                if target in urn_map:
                    ref["reference"] = urn_map[target]
                    continue
                if target.startswith("urn:"):
                    if not strict_urns:
                        continue
                    err = FhirError(
                        422,
                        "processing",
                        f"{body['resourceType']}.{path} refers to '{target}', which is not the fullUrl of "
                        "any "
                        "entry in this bundle.",
                    )
                    raise err.with_entry(i) if bundle else err
                split = split_reference(target)
                relative = split is not None and "://" not in target and split[0] in SUPPORTED_TYPES
                if split is not None and relative and f"{split[0]}/{split[1]}" not in in_bundle:
                    needed.setdefault(split, (i, f"{body['resourceType']}.{path}"))
            plan.body = body
        # Referential integrity: relative references to types this server holds must resolve.
        present: set[tuple[str, str]] = set()
        keys = list(needed)
        for start in range(0, len(keys), _LOOKUP_CHUNK):
            chunk = keys[start : start + _LOOKUP_CHUNK]
            rows = conn.execute(
                _PRESENT_QUERY,
                {"types": sorted({t for t, _ in chunk}), "ids": sorted({rid for _, rid in chunk})},
            )
            present.update((row.res_type, row.res_id) for row in rows)
        for (t, rid), (i, where) in needed.items():
            if (t, rid) not in present:
                err = FhirError(
                    422, "processing", f"{where} refers to {t}/{rid}, which does not exist on this server."
                )
                raise err.with_entry(i) if bundle else err

    def _authorise(
        self,
        conn: Connection,
        plans: list[_Plan],
        urn_map: dict[str, str],
        device: str | None,
        who: Principal | None,
        bundle: bool,
        pending: _Pending,
    ) -> None:
        """Check the writer's role allows every entry (access.py), then note the access rows the
        write earns: the writer's own, and for a Task about an Encounter (a review, or a
        follow-up) rows for every device holding that Encounter. Nothing is written yet."""
        if who is not None and who.sees_everything:
            for i, plan in enumerate(plans):
                if plan.req.res_type not in access.SUPERVISOR_WRITES:
                    err = access.forbidden(
                        f"A supervisor's token writes review Tasks and the service directory, not "
                        f"{plan.req.res_type} records: checks are sent from the worker's laptop."
                    )
                    raise err.with_entry(i) if bundle else err
        elif who is not None:
            self._authorise_worker(conn, plans, urn_map, who, bundle, pending)
        tasks: dict[str, set[str]] = {}
        for plan in plans:
            if plan.matched:
                continue
            if device is not None:
                pending.grants.add((device, plan.req.res_type, plan.res_id))
            if plan.req.res_type == "Task":
                ids, logical = access.task_targets(plan.body)
                tasks[plan.res_id] = ids | access.encounters_by_identifier(conn, logical)
        if not tasks:
            return
        held = access.holders(conn, [("Encounter", e) for ids in tasks.values() for e in ids])
        for d, t, rid in list(pending.grants):
            if t == "Encounter":
                held.setdefault((t, rid), set()).add(d)
        for task_id, ids in tasks.items():
            for enc in ids:
                pending.grants.update((d, "Task", task_id) for d in held.get(("Encounter", enc), ()))

    def _authorise_worker(
        self,
        conn: Connection,
        plans: list[_Plan],
        urn_map: dict[str, str],
        who: Principal,
        bundle: bool,
        pending: _Pending,
    ) -> None:
        """A worker writes its checks: not the directory, not what another device wrote, and
        nothing that refers to a record it may not read; a conditional create may match another
        laptop's record only when the criteria prove the record concerns it (access.py)."""

        def refuse(i: int, words: str) -> FhirError:
            err = access.forbidden(words)
            return err.with_entry(i) if bundle else err

        in_bundle = {(p.req.res_type, p.res_id) for p in plans}
        wanted: set[tuple[str, str]] = set()
        targets: dict[int, list[tuple[str, tuple[str, str]]]] = {}
        criteria: dict[int, list[tuple[str, str]] | None] = {}
        for i, plan in enumerate(plans):
            t = plan.req.res_type
            if t == access.DIRECTORY:
                raise refuse(
                    i,
                    "A worker laptop's token may not change the service directory (HealthcareService); "
                    "a supervisor's token may.",
                )
            if plan.matched:
                wanted.add((t, plan.res_id))
                refs = access.criteria_references(t, plan.req.if_none_exist or "", urn_map)
                criteria[i] = refs
                wanted.update(refs or ())
                continue
            found = [(path, key) for path, key in access.relative_targets(plan.body)
                     if key[0] != access.DIRECTORY and key not in in_bundle]
            if t == "Task":  # a Task naming a check by its identifier reaches that check's laptops
                _ids, logical = access.task_targets(plan.body)
                found.extend(
                    ("focus/encounter identifier", ("Encounter", e))
                    for e in access.encounters_by_identifier(conn, logical)
                    if ("Encounter", e) not in in_bundle
                )
            targets[i] = found
            wanted.update(key for _path, key in found)
        seen = access.visible(conn, who.name, wanted)
        for i, refs in criteria.items():
            key = (plans[i].req.res_type, plans[i].res_id)
            if key in seen:
                continue
            if refs is None or not all(r in seen or r in in_bundle for r in refs):
                raise refuse(
                    i,
                    f"The conditional create's criteria match {key[0]}/{key[1]}, which another device wrote "
                    "and this device may not read.",
                )
            pending.grants.add((who.name, *key))  # found by its identifier: it concerns this laptop
            seen.add(key)
        for i, found in targets.items():
            for path, key in found:
                if key not in seen:
                    raise refuse(
                        i,
                        f"{plans[i].req.res_type}.{path} refers to {key[0]}/{key[1]}, which this device may "
                        "not read: a worker laptop refers only to its own records and the shared ones its "
                        "checks found.",
                    )

    def _apply(
        self,
        conn: Connection,
        ticker: Ticker,
        plan: _Plan,
        device: str | None,
        written: dict[tuple[str, str, str], int],
        i: int,
        bundle: bool,
        pending: _Pending,
    ) -> WriteResult:
        """Work out one entry's new version and add its rows to `pending` (an update of an
        existing resource changes its rows at once); check its identifiers are its own."""
        req, existing = plan.req, plan.existing
        if plan.matched:
            assert existing is not None
            return WriteResult(200, existing)
        body = plan.body
        body["id"] = plan.res_id
        if existing is not None and not existing.deleted and _same_content(existing.body, body):
            return WriteResult(200, existing)  # an identical PUT changes nothing (safe to resend)
        version_id = existing.version_id + 1 if existing is not None else 1
        ts = ticker.tick()
        meta = dict(body.get("meta") or {})
        meta["versionId"] = str(version_id)
        meta["lastUpdated"] = to_instant(ts)
        rest = {k: v for k, v in body.items() if k not in ("resourceType", "id", "meta")}
        body = {"resourceType": req.res_type, "id": plan.res_id, "meta": meta, **rest}
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
        t, rid = req.res_type, plan.res_id
        self._replace_identifiers(conn, t, rid, body, written, bundle, existing is None, pending)
        res, si = db.resources, db.search_index
        row = {"version_id": version_id, "last_updated": ts, "deleted": False, "body": text}
        if existing is None:
            pending.resources.append({"res_type": t, "res_id": rid, **row})
        else:
            conn.execute(update(res).where(res.c.res_type == t, res.c.res_id == rid).values(**row))
            conn.execute(delete(si).where(si.c.res_type == t, si.c.res_id == rid))
        pending.history.append({"res_type": t, "res_id": rid, **row, "device": device})
        pending.index.extend(
            {"res_type": t, "res_id": rid, "param": p, "system": sy, "value": v}
            for p, sy, v in index_rows(t, body)
        )
        status = 201 if existing is None or existing.deleted else 200
        written_version = Version(t, rid, version_id, ts, False, body)
        for system, value in identifiers(body):
            written[(t, system, value)] = i
        return WriteResult(status, written_version)

    def _replace_identifiers(
        self,
        conn: Connection,
        t: str,
        rid: str,
        body: dict[str, Any],
        written: dict[tuple[str, str, str], int],
        bundle: bool,
        new: bool,
        pending: _Pending,
    ) -> None:
        ids = db.identifiers
        if not new:
            conn.execute(delete(ids).where(ids.c.res_type == t, ids.c.res_id == rid))
            for key in [k for k, owner in pending.owners.items() if owner == rid and k[0] == t]:
                pending.owners[key] = ""  # released: looked up, and free again
        wanted = sorted(identifiers(body))
        for system, value in wanted:
            owner = pending.owners.get((t, system, value))
            if owner and owner != rid:
                where = (
                    f" (created by Bundle.entry[{written[(t, system, value)]}])"
                    if bundle and (t, system, value) in written
                    else ""
                )
                raise FhirError(
                    409,
                    "duplicate",
                    f"The identifier {system}|{value} already belongs to {t}/{owner}{where}. Each business "
                    "identifier names one resource: use If-None-Exist on it to reuse the existing one.",
                )
        for system, value in wanted:
            pending.owners[(t, system, value)] = rid
            pending.identifiers.append({"res_type": t, "system": system, "value": value, "res_id": rid})

    # --- devices -----------------------------------------------------------------------

    def add_device(self, name: str, role: str = DEFAULT_ROLE) -> str:
        """Enrol a device with its role (access.py) and return its bearer token (shown once,
        never stored)."""
        access.check_role(role)
        name = name.strip()
        if not name or len(name) > 200:
            raise ValueError("A device needs a name of 1 to 200 characters.")
        token = secrets.token_urlsafe(32)
        d = db.devices
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(d).values(
                        name=name,
                        token_hash=hash_token(token),
                        revoked=False,
                        created=now_us(),
                        revoked_at=None,
                        role=role,
                    )
                )
        except IntegrityError:
            raise ValueError(f"A device called '{name}' is already enrolled; choose another name.") from None
        return token

    def revoke_device(self, name: str) -> bool:
        """Revoke a device; False if there is no such device."""
        d = db.devices
        with self.engine.begin() as conn:
            n = conn.execute(
                update(d)
                .where(d.c.name == name, d.c.revoked.is_(False))
                .values(revoked=True, revoked_at=now_us())
            ).rowcount
            exists_ = conn.execute(select(d.c.name).where(d.c.name == name)).first() is not None
        return bool(n) or exists_

    def device_for_token(self, token: str) -> Device | None:
        d = db.devices.c
        with self.engine.connect() as conn:
            row = conn.execute(
                select(d.name, d.revoked, d.created, d.revoked_at, d.role).where(
                    d.token_hash == hash_token(token)
                )
            ).first()
        return (
            None
            if row is None
            else Device(row.name, bool(row.revoked), row.created, row.revoked_at, row.role)
        )

    def list_devices(self) -> list[Device]:
        d = db.devices.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(d.name, d.revoked, d.created, d.revoked_at, d.role).order_by(d.name)
            ).all()
        return [Device(r.name, bool(r.revoked), r.created, r.revoked_at, r.role) for r in rows]

    # --- helpers for tests and tooling ---------------------------------------------------

    def dangling_references(self) -> list[tuple[str, str, str]]:
        """(resource, path, target) for every stored reference that names nothing here: a
        `urn:` reference, or a relative Type/id of a type this server holds that does not exist.

        Entry-by-entry transactions can leave these behind (an Encounter pointing at a Patient
        that was never stored); sync tests assert there are none. Absolute URLs, contained
        references and other types are not judged.
        """
        r = db.resources.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(r.res_type, r.res_id, r.body)
                .where(r.deleted.is_(False))
                .order_by(r.res_type, r.res_id)
            ).all()
        present = {(row.res_type, row.res_id) for row in rows}
        found = []
        for row in rows:
            for path, ref in references(json.loads(row.body)):
                if _dangles(ref["reference"], present):
                    found.append((f"{row.res_type}/{row.res_id}", path, ref["reference"]))
        return found

    def count(self, res_type: str, identifier: tuple[str, str] | None = None) -> int:
        """How many current resources of a type there are, optionally with one (system, value) identifier."""
        if identifier is not None:
            # Counted from the search index of stored resources, not from the unique identifier table.
            si = db.search_index.c
            where = [
                si.res_type == res_type,
                si.param == "identifier",
                si.system == identifier[0],
                si.value == identifier[1],
            ]
            with self.engine.connect() as conn:
                return conn.execute(
                    select(func.count()).select_from(db.search_index).where(*where)
                ).scalar_one()
        r = db.resources.c
        with self.engine.connect() as conn:
            return conn.execute(
                select(func.count())
                .select_from(db.resources)
                .where(r.res_type == res_type, r.deleted.is_(False))
            ).scalar_one()


def _insert_index(conn: Connection, t: str, rid: str, body: dict[str, Any]) -> None:
    rows = index_rows(t, body)
    if rows:
        conn.execute(
            insert(db.search_index),
            [{"res_type": t, "res_id": rid, "param": p, "system": s, "value": v} for p, s, v in rows],
        )


def _mentioned_identifiers(requests: list[WriteRequest]) -> set[tuple[str, str, str]]:
    """Every (type, system, value) a transaction's resources carry or its If-None-Exist asks for."""
    wanted: set[tuple[str, str, str]] = set()
    for req in requests:
        wanted.update((req.res_type, sy, v) for sy, v in identifiers(req.body))
        simple = _simple_identifier(req.if_none_exist) if req.if_none_exist else None
        if simple is not None:
            wanted.add((req.res_type, *simple))
    return wanted


def _raced() -> FhirError:
    # Only reachable if a writer bypassed the clock lock; the constraint kept the data right.
    return FhirError(
        409, "duplicate", "Another write took one of these identifiers at the same moment; retry."
    )


def _resolve_urns(res_type: str, name: str, value: str, known: dict[str, str]) -> str:
    """A reference parameter's value with each urn of an earlier entry replaced by its Type/id
    (tokens are left alone: an identifier value may itself be a urn:uuid)."""
    param = PARAMS[res_type].get(name)
    if param is None or param.kind != "reference":
        return value
    return ",".join(known.get(v, v) for v in value.split(","))


def index_fingerprint() -> str:
    """A short hash of every search parameter's definition, stored with the index it built."""
    spec = sorted(
        (t, p.name, p.kind, p.path, p.targets) for t, params in PARAMS.items() for p in params.values()
    )
    return hashlib.sha256(json.dumps(spec).encode()).hexdigest()[:16]


def _current(conn: Connection, res_type: str, res_id: str) -> Version | None:
    r = db.resources.c
    row = conn.execute(
        select(r.res_type, r.res_id, r.version_id, r.last_updated, r.deleted, r.body).where(
            r.res_type == res_type, r.res_id == res_id
        )
    ).first()
    return None if row is None else _version(row)


def _version(row: Any) -> Version:
    return Version(
        row.res_type, row.res_id, row.version_id, row.last_updated, bool(row.deleted), json.loads(row.body)
    )


def _dangles(target: str, present: set[tuple[str, str]]) -> bool:
    if target.startswith("urn:"):
        return True
    split = split_reference(target)
    if split is None or "://" in target or split[0] not in SUPPORTED_TYPES:
        return False
    return split not in present


def _same_content(old: dict[str, Any], new: dict[str, Any]) -> bool:
    def strip(body: dict[str, Any]) -> dict[str, Any]:
        b = dict(body)
        meta = {k: v for k, v in (b.get("meta") or {}).items() if k not in ("versionId", "lastUpdated")}
        if meta:
            b["meta"] = meta
        else:
            b.pop("meta", None)
        return b

    return strip(old) == strip(new)
