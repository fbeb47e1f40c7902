"""Who may see and write what on the shared record: the two roles of a device token.

A **worker** token belongs to a laptop that records checks. It may create its checks (every
type a check holds, as conditional creates), update what it wrote itself (its follow-up
Tasks, with If-Match), and read only what concerns it: what it wrote, what its conditional
creates matched (a Patient, Practitioner, Location, Organization or Device another laptop
made first: it is about to refer to it), Tasks about its own Encounters (reviews of its
checks), and the service directory (HealthcareService), which everyone reads.

A **supervisor** token reads every record of the team and writes review Tasks (create,
conditional create, update) and the service directory; it does not create checks.

Why an access table rather than rules evaluated on each read: a worker's search must stay
one indexed query on a record of hundreds of thousands of resources. Each write adds the
rows it earns, in the same transaction, and a worker's search joins them on their primary
key; a direct read is one primary-key lookup. Rows are never taken away: a device keeps
seeing what it once wrote, also after someone else updates it.

Searches filter silently (a worker asking for every Task gets its own), as real servers do.
A direct read of a resource the worker may not see answers 403 Forbidden, and of one that does
not exist 404: ids are random UUIDs, so telling the two apart reveals nothing a worker could
guess, and a plain 403 tells IT at once that it is a question of rights, not of lost data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy import ColumnElement, Connection, bindparam, exists, inspect, select, text, tuple_

from . import db
from .errors import FhirError
from .resource_types import PARAMS, SUPPORTED_TYPES, references, split_reference

WORKER = "worker"
SUPERVISOR = "supervisor"
ROLES = (WORKER, SUPERVISOR)
DEFAULT_ROLE = WORKER
# Everyone reads the directory; a worker may not change it.
DIRECTORY = "HealthcareService"
# What a supervisor's token writes: reviews and the directory.
SUPERVISOR_WRITES = frozenset({"Task", DIRECTORY})
# Task elements naming the check a Task is about: a review of an Encounter reaches the devices
# that hold that Encounter.
_TASK_TARGETS = ("focus", "encounter")
_CHUNK = 200  # keys per IN query (SQLite's expression limit is far above)


@dataclass(frozen=True)
class Principal:
    """The device a request comes from, and its role."""

    name: str
    role: str

    @property
    def sees_everything(self) -> bool:
        return self.role == SUPERVISOR


def check_role(role: str) -> str:
    """The role, checked: a typo must not enrol a device with rights nobody meant."""
    if role not in ROLES:
        raise ValueError(f"A device's role is 'worker' or 'supervisor', not {role!r}.")
    return role


def forbidden(diagnostics: str) -> FhirError:
    return FhirError(403, "forbidden", diagnostics)


def reads_all_of(who: Principal | None, res_type: str) -> bool:
    """True when no row-level filter applies: tooling (no principal), supervisors, the directory."""
    return who is None or who.sees_everything or res_type == DIRECTORY


def search_filter(who: Principal | None, res_type: str, *, selective: bool) -> ColumnElement[bool] | None:
    """The clause a worker's search adds: only rows the access table grants it.

    Both forms read the access table's primary key (device, type, id). When the search names ids
    (`selective`: an identifier, a reference) the few candidates are each checked with one probe;
    otherwise (the pulls: everything changed since) the worker's own rows of the type drive the
    search, so the cost follows what that laptop holds, not the size of the team's record."""
    if reads_all_of(who, res_type):
        return None
    assert who is not None
    a, r = db.access.c, db.resources.c
    if selective:
        return exists(
            select(a.res_id).where(a.device == who.name, a.res_type == r.res_type, a.res_id == r.res_id)
        )
    return r.res_id.in_(select(a.res_id).where(a.device == who.name, a.res_type == res_type))


def may_read(conn: Connection, who: Principal | None, res_type: str, res_id: str) -> bool:
    if reads_all_of(who, res_type):
        return True
    assert who is not None
    return bool(visible(conn, who.name, [(res_type, res_id)]))


def refuse_read(res_type: str, res_id: str) -> FhirError:
    return forbidden(
        f"This device's token may not read {res_type}/{res_id}. A worker laptop reads only the records it "
        "sent and what concerns them (reviews of its checks, the service directory, its own Device); "
        "a supervisor's token reads the team's records."
    )


def visible(conn: Connection, device: str, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these (type, id) the device holds an access row for."""
    wanted = sorted(set(keys))
    found: set[tuple[str, str]] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = set(wanted[start : start + _CHUNK])
        rows = conn.execute(
            _VISIBLE_QUERY,
            {"device": device, "types": sorted({t for t, _ in chunk}), "ids": sorted({i for _, i in chunk})},
        )
        # IN lists on type and id separately (one cached statement); exact pairs picked out here.
        found.update((row.res_type, row.res_id) for row in rows if (row.res_type, row.res_id) in chunk)
    return found


_VISIBLE_QUERY = select(db.access.c.res_type, db.access.c.res_id).where(
    db.access.c.device == bindparam("device"),
    db.access.c.res_type.in_(bindparam("types", expanding=True)),
    db.access.c.res_id.in_(bindparam("ids", expanding=True)),
)


def holders(conn: Connection, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], set[str]]:
    """The devices holding an access row for each of these (type, id)."""
    wanted = sorted(set(keys))
    out: dict[tuple[str, str], set[str]] = {}
    a = db.access.c
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        rows = conn.execute(
            select(a.device, a.res_type, a.res_id).where(tuple_(a.res_type, a.res_id).in_(chunk))
        )
        for row in rows:
            out.setdefault((row.res_type, row.res_id), set()).add(row.device)
    return out


def wrote(conn: Connection, device: str, res_type: str, res_id: str) -> bool:
    """Whether this device stored any version of the resource (the history keeps who wrote each)."""
    h = db.history.c
    return (
        conn.execute(
            select(h.version_id)
            .where(h.res_type == res_type, h.res_id == res_id, h.device == device)
            .limit(1)
        ).first()
        is not None
    )


def grant(conn: Connection, rows: Iterable[tuple[str, str, str]]) -> None:
    """Add (device, type, id) rows; rows already there are left as they are."""
    unique = sorted(set(rows))
    if not unique:
        return
    values = [{"device": d, "res_type": t, "res_id": i} for d, t, i in unique]
    name = conn.dialect.name
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    elif name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert  # type: ignore[assignment]
    else:  # pragma: no cover - db.make_engine accepts only these two
        raise RuntimeError(f"Unsupported database {name}")
    for start in range(0, len(values), 500):
        conn.execute(dialect_insert(db.access).on_conflict_do_nothing(), values[start : start + 500])


def task_targets(body: dict[str, Any]) -> tuple[set[str], set[tuple[str, str]]]:
    """The Encounter ids a Task names in focus/encounter as references, and the (system, value)
    of any it names by identifier only (a review may name the check by its identifier)."""
    ids: set[str] = set()
    logical: set[tuple[str, str]] = set()
    for element in _TASK_TARGETS:
        value = body.get(element)
        if not isinstance(value, dict):
            continue
        ref = value.get("reference")
        split = split_reference(ref) if isinstance(ref, str) else None
        if split is not None and split[0] == "Encounter":
            ids.add(split[1])
            continue
        ident = value.get("identifier")
        if isinstance(ident, dict) and ident.get("system") and ident.get("value"):
            logical.add((str(ident["system"]), str(ident["value"])))
    return ids, logical


def encounters_by_identifier(conn: Connection, pairs: Iterable[tuple[str, str]]) -> set[str]:
    ids = db.identifiers.c
    found: set[str] = set()
    for system, value in sorted(set(pairs)):
        row = conn.execute(
            select(ids.res_id).where(ids.res_type == "Encounter", ids.system == system, ids.value == value)
        ).first()
        if row is not None:
            found.add(row.res_id)
    return found


def relative_targets(body: dict[str, Any]) -> list[tuple[str, tuple[str, str]]]:
    """(path, (type, id)) of every relative reference to a type this server holds."""
    out = []
    for path, ref in references(body):
        target = ref["reference"]
        split = split_reference(target)
        if split is not None and "://" not in target and split[0] in SUPPORTED_TYPES:
            out.append((path, split))
    return out


def _criteria(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query.split("?", 1)[1] if "?" in query else query, keep_blank_values=True)


def criteria_prove_concern(res_type: str, query: str) -> bool:
    """Whether a conditional create's criteria use only full identifiers and reference parameters,
    the only criteria on which a worker may match another laptop's record: a match on anything
    else (a status, a date, an identifier's system alone) says nothing about whether the record
    concerns the device. Other criteria match only what the worker may read (Store._match)."""
    for name, value in _criteria(query):
        if name == "identifier":
            if not all(a.rpartition("|")[2] for a in value.split(",")):
                return False
            continue
        param = PARAMS.get(res_type, {}).get(name)
        if param is None or param.kind != "reference":
            return False
    return True


def criteria_references(res_type: str, query: str, urn_map: dict[str, str]) -> list[tuple[str, str]] | None:
    """The (type, id) that a conditional create's criteria name through reference parameters;
    None when the criteria do not prove concern (criteria_prove_concern)."""
    if not criteria_prove_concern(res_type, query):
        return None
    out: list[tuple[str, str]] = []
    for name, value in _criteria(query):
        if name == "identifier":
            continue
        for alternative in value.split(","):
            target = urn_map.get(alternative, alternative)
            split = split_reference(target)
            if split is None:
                return None
            out.append(split)
    return out


# --- upgrading a database written before roles --------------------------------------------------


def upgrade(conn: Connection) -> None:
    """Give a database from before roles its `role` column and fill the access table from what
    is stored: every device keeps reading what it wrote, the shared records its records refer to,
    and the Tasks about its Encounters. Runs once, inside the caller's write transaction."""
    columns = {c["name"] for c in inspect(conn).get_columns("devices")}
    if "role" not in columns:
        conn.execute(text("ALTER TABLE devices ADD COLUMN role VARCHAR(20) NOT NULL DEFAULT 'worker'"))
    h, r = db.history.c, db.resources.c
    writers: dict[tuple[str, str], set[str]] = {}
    for row in conn.execute(select(h.device, h.res_type, h.res_id).where(h.device.is_not(None)).distinct()):
        writers.setdefault((row.res_type, row.res_id), set()).add(row.device)
    rows: set[tuple[str, str, str]] = {(d, t, i) for (t, i), ds in writers.items() for d in ds}
    tasks: list[tuple[str, dict[str, Any]]] = []
    for row in conn.execute(select(r.res_type, r.res_id, r.body).where(r.deleted.is_(False))):
        devices = writers.get((row.res_type, row.res_id), set())
        body = json.loads(row.body)
        for _path, key in relative_targets(body):
            rows.update((d, *key) for d in devices)
        if row.res_type == "Task":
            tasks.append((row.res_id, body))
    encounter_holders: dict[str, set[str]] = {}
    for d, t, i in rows:
        if t == "Encounter":
            encounter_holders.setdefault(i, set()).add(d)
    for task_id, body in tasks:
        ids, logical = task_targets(body)
        for enc in ids | encounters_by_identifier(conn, logical):
            rows.update((d, "Task", task_id) for d in encounter_holders.get(enc, ()))
    grant(conn, rows)
