"""Reading and writing the supervisor's tables (`team_tables`): all of the team side's SQL.

Why here and not in `outreach.team`: SQL lives only inside the store; the team modules ask
for what they need in plain calls and get plain values back, already unsealed.

Writes made while pulling take the page's open connection (`conn`), so a page's resources,
the follow-up changes it carries and the cursor that covers it commit together. Everything
personal is sealed with the row's table, id and version bound in (`sealing.seal_json`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from outreach.errors import StoreError, ValidationError
from outreach.store.database import utc_now
from outreach.store.local_store import LocalStore
from outreach.store.sealing import open_json, seal_json
from outreach.store.team_tables import (
    team_chains,
    team_checks,
    team_decisions,
    team_follow_ups,
    team_pending,
    team_resources,
)

RECEIVED, RETURNED, RESUBMITTED, APPROVED = "received", "returned", "resubmitted", "approved"
DECISION_STATES = ("queued", "sending", "sent", "failed")


def _seal(
    store: LocalStore, value: Any, table: str, record_id: str, version: int, column: str = "data"
) -> bytes:
    return seal_json(store.cipher, value, table=table, record_id=record_id, version=version, column=column)


def _open(
    store: LocalStore, blob: bytes, table: str, record_id: str, version: int, column: str = "data"
) -> Any:
    return open_json(store.cipher, blob, table=table, record_id=record_id, version=version, column=column)


# -- pulled resources ---------------------------------------------------------------------------------


# Staging rows are sealed at version 1 always: a newer version of a resource replaces the row
# whole (the server's own version is inside), and the pull writes thousands of them a minute,
# so each is one plain statement, not a read and a write.
_PUT_RESOURCE = (
    "INSERT INTO team_resources (res_type, res_id, version, last_updated, data) VALUES (?, ?, 1, ?, ?) "
    "ON CONFLICT (res_type, res_id) DO UPDATE SET version = 1, last_updated = excluded.last_updated, "
    "data = excluded.data"
)
_FORGET_RESOURCE = "DELETE FROM team_resources WHERE res_type = ? AND res_id = ?"


def put_resource(conn: Connection, store: LocalStore, resource: dict[str, Any]) -> None:
    """Keep (or replace with its newer version) one pulled resource, sealed."""
    rtype, rid = str(resource["resourceType"]), str(resource["id"])
    stamp = str((resource.get("meta") or {}).get("lastUpdated") or "")
    blob = _seal(store, resource, "team_resources", f"{rtype}/{rid}", 1)
    conn.exec_driver_sql(_PUT_RESOURCE, (rtype, rid, stamp, blob))


def _by_type(refs: Iterable[str]) -> dict[str, list[str]]:
    wanted: dict[str, set[str]] = {}
    for ref in refs:
        rtype, _, rid = ref.partition("/")
        wanted.setdefault(rtype, set()).add(rid)
    return {t: sorted(ids) for t, ids in wanted.items()}


def present(conn: Connection, refs: Iterable[str]) -> set[str]:
    """Which of these "Type/id" refs are kept here."""
    found: set[str] = set()
    for rtype, ids in _by_type(refs).items():
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            rows = conn.exec_driver_sql(
                f"SELECT res_id FROM team_resources WHERE res_type = ? AND res_id IN ({marks})",
                (rtype, *chunk),
            )
            found.update(f"{rtype}/{rid}" for (rid,) in rows)
    return found


def load_resources(conn: Connection, store: LocalStore, refs: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The kept resources among `refs`, unsealed, by ref."""
    out: dict[str, dict[str, Any]] = {}
    for rtype, ids in _by_type(refs).items():
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            rows = conn.exec_driver_sql(
                "SELECT res_id, version, data FROM team_resources "
                f"WHERE res_type = ? AND res_id IN ({marks})",
                (rtype, *chunk),
            )
            for rid, version, data in rows:
                ref = f"{rtype}/{rid}"
                out[ref] = _open(store, data, "team_resources", ref, version)
    return out


def kept_of_type(conn: Connection, store: LocalStore, res_type: str) -> dict[str, dict[str, Any]]:
    """Every kept resource of one type, unsealed, by ref."""
    r = team_resources.c
    rows = conn.execute(select(team_resources).where(r.res_type == res_type)).all()
    return {
        f"{row.res_type}/{row.res_id}": _open(
            store, row.data, "team_resources", f"{row.res_type}/{row.res_id}", row.version
        )
        for row in rows
    }


def forget_resources(conn: Connection, refs: Iterable[str]) -> None:
    rows = [tuple(ref.split("/", 1)) for ref in refs]
    if rows:
        conn.exec_driver_sql(_FORGET_RESOURCE, rows)


def assembled_encounters(conn: Connection) -> set[str]:
    """The server's Encounter refs of every check version assembled here (the pull's skip list)."""
    return {ref for (ref,) in conn.exec_driver_sql("SELECT encounter_ref FROM team_checks")}


def known_follow_ups(conn: Connection) -> set[str]:
    """The Task refs of every follow-up of an assembled check."""
    return {ref for (ref,) in conn.exec_driver_sql("SELECT task_ref FROM team_follow_ups")}


def put_pending(conn: Connection, provenance_ref: str, encounter_ref: str, targets: Sequence[str],
                last_updated: str) -> None:
    """A check whose Provenance is here (complete on the server), waiting for its parts to come down."""
    conn.exec_driver_sql(
        "INSERT OR REPLACE INTO team_pending (provenance_ref, encounter_ref, targets, last_updated) "
        "VALUES (?, ?, ?, ?)", (provenance_ref, encounter_ref, json.dumps(list(targets)), last_updated))


@dataclass(frozen=True)
class PendingCheck:
    provenance_ref: str
    encounter_ref: str
    targets: tuple[str, ...]


def pending_checks(store: LocalStore) -> list[PendingCheck]:
    p = team_pending.c
    with store.db.read() as conn:
        rows = conn.execute(select(team_pending).order_by(p.last_updated, p.provenance_ref)).all()
    return [PendingCheck(r.provenance_ref, r.encounter_ref, tuple(json.loads(r.targets))) for r in rows]


def pending_count(store: LocalStore) -> int:
    with store.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(team_pending)).scalar_one())


def forget_pending_without_encounter(conn: Connection) -> int:
    """Stop waiting for checks whose Encounter the team pull has gone past without keeping it.

    Called only once a whole pass of the Encounter search has finished: the worker's laptop writes
    the Provenance after every part, so such a pass has seen the check's Encounter if it is one of
    this app's; one neither kept nor assembled is someone else's (another system's Provenance) and
    would otherwise count as "waiting" forever. Its staged Provenance goes with it; how many."""
    rows = conn.exec_driver_sql(
        "SELECT p.provenance_ref FROM team_pending p WHERE NOT EXISTS (SELECT 1 FROM team_resources r "
        "WHERE r.res_type = 'Encounter' AND 'Encounter/' || r.res_id = p.encounter_ref) "
        "AND NOT EXISTS (SELECT 1 FROM team_checks c WHERE c.encounter_ref = p.encounter_ref)").all()
    refs = [str(r[0]) for r in rows]
    for chunk in _chunks(refs, 500):
        conn.exec_driver_sql("DELETE FROM team_pending WHERE provenance_ref IN "
                             f"({','.join('?' * len(chunk))})",
                             tuple(chunk))
    forget_resources(conn, refs)
    return len(refs)


# -- assembled checks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assembled:
    """One assembled check version, ready to keep."""

    doc: dict[str, Any]
    encounter_ref: str
    provenance_ref: str
    consumed: tuple[str, ...]  # its parts' refs, dropped from the staging table
    person_key: str


_SAVE_CHECK = (
    "INSERT OR REPLACE INTO team_checks (id, chain_id, edition, encounter_ref, received_at, version, data) "
    "VALUES (?, ?, ?, ?, ?, 1, ?)"
)
_SAVE_FOLLOW_UP = (
    "INSERT OR REPLACE INTO team_follow_ups (task_ref, follow_up_id, check_id, chain_id, state, opened_on, "
    "due_on, closed_on, last_updated, version, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)"
)


def save_checks(conn: Connection, store: LocalStore, items: Sequence[Assembled]) -> None:
    """Keep assembled check versions, their follow-ups and their chains' queue rows; drop their parts.

    Inside the caller's write transaction, so each check is either wholly assembled or still pending.
    """
    if not items:
        return
    checks_rows: list[tuple[Any, ...]] = []
    follow_rows: list[tuple[Any, ...]] = []
    forget: list[tuple[str, ...]] = []
    pending: list[tuple[str]] = []
    for item in items:
        doc = item.doc
        check_id = str(doc["check_id"])
        checks_rows.append(
            (
                check_id,
                doc["chain_id"],
                int(doc["edition"]),
                item.encounter_ref,
                doc["received_at"],
                _seal(store, doc, "team_checks", check_id, 1),
            )
        )
        for f in doc.get("follow_ups") or []:
            ref = str(f["task_ref"])
            follow_rows.append((
                ref, str(f.get("follow_up_id") or ref), check_id, doc["chain_id"], f["state"],
                f.get("opened_on") or str(doc["visit_date"]), (f.get("decision") or {}).get("due_on"),
                f.get("closed_on"), f.get("last_updated") or "",
                _seal(store, _follow_up_data(f), "team_follow_ups", ref, 1)))
        forget.extend(tuple(ref.split("/", 1)) for ref in item.consumed)
        pending.append((item.provenance_ref,))
    conn.exec_driver_sql(_SAVE_CHECK, checks_rows)
    if follow_rows:
        conn.exec_driver_sql(_SAVE_FOLLOW_UP, follow_rows)
    if forget:
        conn.exec_driver_sql(_FORGET_RESOURCE, forget)
    conn.exec_driver_sql("DELETE FROM team_pending WHERE provenance_ref = ?", pending)
    docs = {str(i.doc["check_id"]): i.doc for i in items}
    keys = {str(i.doc["chain_id"]): i.person_key for i in items}
    for chain_id in sorted(keys):
        refresh_chain(conn, store, chain_id, person_key=keys[chain_id], docs=docs)


def save_check(conn: Connection, store: LocalStore, doc: dict[str, Any], *, encounter_ref: str,
               provenance_ref: str, consumed: Iterable[str], person_key: str) -> None:
    """One assembled check version (see `save_checks`)."""
    save_checks(conn, store, [Assembled(doc, encounter_ref, provenance_ref, tuple(consumed), person_key)])


def _follow_up_data(follow_up: dict[str, Any]) -> dict[str, Any]:
    return {k: follow_up.get(k) for k in ("rule_id", "decision", "service_name", "outcome", "outcome_note")}


def update_follow_up(conn: Connection, store: LocalStore, task_ref: str, change: dict[str, Any]) -> bool:
    """A later version of a follow-up's Task (closed with an outcome, or reopened). True if it changed."""
    f = team_follow_ups.c
    row = conn.execute(select(team_follow_ups).where(f.task_ref == task_ref)).first()
    if row is None:
        return False
    if row.last_updated and change.get("last_updated") and str(change["last_updated"]) <= row.last_updated:
        return False  # the version already applied, or an older one (a page read again at the cursor)
    data = _open(store, row.data, "team_follow_ups", task_ref, row.version)
    data["outcome"] = change.get("outcome")
    data["outcome_note"] = change.get("outcome_note")
    version = row.version + 1
    conn.execute(
        update(team_follow_ups)
        .where(f.task_ref == task_ref)
        .values(
            state=change["state"],
            closed_on=change.get("closed_on"),
            last_updated=change.get("last_updated") or "",
            version=version,
            data=_seal(store, data, "team_follow_ups", task_ref, version),
        )
    )
    refresh_chain(conn, store, row.chain_id)  # the dashboards read the follow-up's state from the chain row
    return True


@dataclass(frozen=True)
class TeamFollowUp:
    task_ref: str
    follow_up_id: str
    check_id: str
    chain_id: str
    state: str
    opened_on: str
    due_on: str | None
    closed_on: str | None
    data: dict[str, Any]


def follow_ups_for(store: LocalStore, check_ids: Sequence[str] | None = None) -> list[TeamFollowUp]:
    """The follow-ups of these check versions (all of them with None), unsealed."""
    f = team_follow_ups.c
    query = select(team_follow_ups).order_by(f.check_id, f.opened_on, f.task_ref)
    out: list[TeamFollowUp] = []
    with store.db.read() as conn:
        chunks = [None] if check_ids is None else list(_chunks(list(check_ids), 500))
        for chunk in chunks:
            q = query if chunk is None else query.where(f.check_id.in_(chunk))
            for row in conn.execute(q).all():
                data = _open(store, row.data, "team_follow_ups", row.task_ref, row.version)
                out.append(TeamFollowUp(row.task_ref, row.follow_up_id, row.check_id, row.chain_id, row.state,
                                        row.opened_on, row.due_on, row.closed_on, data))
    return out


@dataclass(frozen=True)
class TeamCheckRow:
    check_id: str
    chain_id: str
    edition: int
    encounter_ref: str
    received_at: str
    doc: dict[str, Any]


def _check_row(store: LocalStore, row: Any) -> TeamCheckRow:
    return TeamCheckRow(row.id, row.chain_id, row.edition, row.encounter_ref, row.received_at,
                        _open(store, row.data, "team_checks", row.id, row.version))


def chain_versions(store: LocalStore, chain_id: str) -> list[TeamCheckRow]:
    """Every version of one chain here, oldest first."""
    c = team_checks.c
    with store.db.read() as conn:
        rows = conn.execute(
            select(team_checks).where(c.chain_id == chain_id).order_by(c.edition, c.received_at)
        ).all()
    return [_check_row(store, r) for r in rows]


def newest_versions(store: LocalStore) -> list[TeamCheckRow]:
    """The newest version of every chain (what the dashboards count)."""
    c, k = team_checks.c, team_chains.c
    query = select(team_checks).join(team_chains, k.check_id == c.id).order_by(k.visit_date, k.chain_id)
    with store.db.read() as conn:
        rows = conn.execute(query).all()
    return [_check_row(store, r) for r in rows]


def check_count(store: LocalStore) -> int:
    with store.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(team_checks)).scalar_one())


# -- the queue (one row per chain) ----------------------------------------------------------------------


def refresh_chain(conn: Connection, store: LocalStore, chain_id: str, *, person_key: str | None = None,
                  docs: Mapping[str, dict[str, Any]] | None = None) -> None:
    """Recompute a chain's queue row from its newest version and its decisions (`docs`: versions the
    caller holds unsealed already, by check id)."""
    newest = conn.exec_driver_sql(
        "SELECT id, edition, received_at, version, data FROM team_checks WHERE chain_id = ? "
        "ORDER BY edition DESC, received_at DESC LIMIT 1", (chain_id,)).first()
    if newest is None:
        return
    doc = (docs or {}).get(newest.id) or _open(store, newest.data, "team_checks", newest.id, newest.version)
    state = chain_state(conn, chain_id, newest.id)
    k = team_chains.c
    existing = conn.execute(select(k.version, k.data).where(k.chain_id == chain_id)).first()
    version = 1 if existing is None else existing.version + 1
    details = (doc.get("person") or {}).get("details") or {}
    if person_key is None and existing is not None:
        person_key = _open(store, existing.data, "team_chains", chain_id, existing.version).get("person_key")
    current = {ref: (state, closed) for ref, state, closed in conn.exec_driver_sql(
        "SELECT task_ref, state, closed_on FROM team_follow_ups WHERE check_id = ?", (newest.id,))}
    row_data = {
        "person_name": f"{details.get('given_name') or ''} {details.get('family_name') or ''}".strip(),
        "nhs_number": details.get("nhs_number"),
        "person_key": person_key or "",
        "dashboard": _dashboard_row(doc, current),
    }
    findings = doc.get("findings") or []
    values = {
        "check_id": newest.id,
        "edition": newest.edition,
        "worker": str(doc.get("worker") or ""),
        "venue": str(doc.get("venue") or ""),
        "visit_date": str(doc.get("visit_date") or ""),
        "urgent": int(any(f.get("severity") == "urgent" for f in findings)),
        "findings": len(findings),
        "state": state,
        "received_at": newest.received_at,
        "version": version,
        "data": _seal(store, row_data, "team_chains", chain_id, version),
    }
    if existing is None:
        conn.execute(insert(team_chains), {"chain_id": chain_id, **values})
    else:
        conn.execute(update(team_chains).where(k.chain_id == chain_id).values(**values))


def _dashboard_row(doc: Mapping[str, Any], current: Mapping[str, tuple[str, str | None]]) -> dict[str, Any]:
    """What the dashboards count of a chain's newest version (no name, no NHS number)."""
    follow_ups = []
    for f in doc.get("follow_ups") or []:
        decision = f.get("decision") or {}
        kind = str(decision.get("kind") or "")
        state, closed = current.get(str(f.get("task_ref")), (f.get("state"), f.get("closed_on")))
        service = (f.get("service_name") or decision.get("service_id")) if kind == "referral" else None
        follow_ups.append([f.get("rule_id") or "", kind, service, f.get("opened_on") or doc.get("visit_date"),
                           decision.get("due_on"), closed if state == "closed" else None])
    return {
        "worker": doc.get("worker") or "",
        "venue": doc.get("venue") or "",
        "visit_date": doc.get("visit_date"),
        "elements": dict(doc.get("elements") or {}),
        "findings": [str(f.get("rule_id")) for f in doc.get("findings") or []],
        "follow_ups": follow_ups,
    }


DASHBOARD_CACHE = "dashboard"
DASHBOARD_SHARDS = 64  # cells of the dashboards' cache: at ~700 bytes a chain, 64 cells hold ~90,000 chains


def _shard(chain_id: str) -> str:
    try:
        n = int(chain_id[:4], 16) % DASHBOARD_SHARDS
    except ValueError:
        n = sum(chain_id.encode()) % DASHBOARD_SHARDS
    return f"{DASHBOARD_CACHE}/{n:02d}"


def dashboard_rows(store: LocalStore) -> dict[str, dict[str, Any]]:
    """chain id -> the dashboards' row of its newest version (with "person_key").

    Kept in a few sealed cells of many chains' rows each, every row stamped with its chain row's
    version, so opening the dashboards decrypts a few dozen cells, not one per chain; only chains
    changed since (a new version, a follow-up closed) are unsealed again, and their cells rewritten."""
    with store.db.read() as conn:
        versions: dict[str, int] = {
            str(c): int(v) for c, v in conn.exec_driver_sql("SELECT chain_id, version FROM team_chains").all()
        }
        cells = conn.exec_driver_sql("SELECT key, version, data FROM team_cache WHERE key LIKE ?",
                                     (DASHBOARD_CACHE + "/%",)).all()
    shards: dict[str, dict[str, Any]] = {}
    cell_versions: dict[str, int] = {}
    for key, version, data in cells:
        cell_versions[key] = int(version)
        try:
            shards[key] = dict(_open(store, data, "team_cache", key, int(version)).get("rows") or {})
        except StoreError:
            shards[key] = {}  # a damaged cell is only a cache: built again below
    rows: dict[str, Any] = {c: r for shard in shards.values() for c, r in shard.items()}
    stale = [c for c, v in versions.items() if (rows.get(c) or [None])[0] != v]
    gone = [c for c in rows if c not in versions]
    changed: set[str] = set()
    if stale:
        with store.db.read() as conn:
            for chunk in _chunks(stale, 500):
                marks = ",".join("?" * len(chunk))
                for chain_id, version, data in conn.exec_driver_sql(
                    f"SELECT chain_id, version, data FROM team_chains WHERE chain_id IN ({marks})",
                    tuple(chunk),
                ):
                    opened = _open(store, data, "team_chains", chain_id, version)
                    row = [version, dict(opened.get("dashboard") or {}, person_key=opened.get("person_key"))]
                    rows[chain_id] = row
                    shards.setdefault(_shard(chain_id), {})[chain_id] = row
                    changed.add(_shard(chain_id))
    for chain_id in gone:
        rows.pop(chain_id, None)
        for key, shard in shards.items():
            if shard.pop(chain_id, None) is not None:
                changed.add(key)
    if changed:
        with store.db.write() as conn:
            for key in sorted(changed):
                version = cell_versions.get(key, 0) + 1
                blob = _seal(store, {"rows": shards[key]}, "team_cache", key, version)
                conn.exec_driver_sql(
                    "INSERT INTO team_cache (key, version, data) VALUES (?, ?, ?) ON CONFLICT (key) DO "
                    "UPDATE SET "
                    "version = excluded.version, data = excluded.data", (key, version, blob))
    return {chain_id: row[1] for chain_id, row in rows.items()}


DASHBOARD_FIGURES = "figures/dashboard"  # the built figures (outside the "dashboard/" cells' prefix)


def dashboard_stamp(store: LocalStore) -> str:
    """What the dashboards' figures were counted from, in a few numbers: the check versions kept (how many
    and the newest row) and the follow-ups (how many, the newest row and their versions summed).

    A dashboard row changes only with a new check version or a follow-up's later Task (its version goes
    up); a saved-again row gets a new rowid; nothing is ever removed. So an equal stamp means the same
    figures, and a decision (which changes the queue's state, not what the dashboards count) keeps them."""
    with store.db.read() as conn:
        checks = conn.exec_driver_sql("SELECT count(*), coalesce(max(rowid), 0) FROM team_checks").one()
        follow = conn.exec_driver_sql(
            "SELECT count(*), coalesce(max(rowid), 0), coalesce(sum(version), 0) FROM team_follow_ups").one()
    return ":".join(str(int(n)) for n in (*checks, *follow))


def kept_figures(store: LocalStore) -> dict[str, Any] | None:
    """The dashboards' figures as last built (with their stamp), or None (never built, or unreadable)."""
    with store.db.read() as conn:
        row = conn.exec_driver_sql("SELECT version, data FROM team_cache WHERE key = ?",
                                   (DASHBOARD_FIGURES,)).first()
    if row is None:
        return None
    try:
        kept = _open(store, row[1], "team_cache", DASHBOARD_FIGURES, int(row[0]))
    except StoreError:
        return None  # only a cache: built again
    return kept if isinstance(kept, dict) else None


def keep_figures(store: LocalStore, value: dict[str, Any]) -> None:
    """Keep the dashboards' built figures, sealed, replacing the last ones."""
    with store.db.write() as conn:
        row = conn.exec_driver_sql(
            "SELECT version FROM team_cache WHERE key = ?", (DASHBOARD_FIGURES,)
        ).first()
        version = (int(row[0]) if row else 0) + 1
        conn.exec_driver_sql(
            "INSERT INTO team_cache (key, version, data) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
            "version = excluded.version, data = excluded.data",
            (DASHBOARD_FIGURES, version, _seal(store, value, "team_cache", DASHBOARD_FIGURES, version)))


def chain_state(conn: Connection, chain_id: str, newest_check_id: str) -> str:
    """received (no decision yet), returned (the last decision returned this version), resubmitted
    (a newer version came after a return), approved (the last decision approved this version).
    A newer version after an approval needs a look again: received."""
    d = team_decisions.c
    last = conn.execute(
        select(d.check_id, d.approved)
        .where(d.chain_id == chain_id)
        .order_by(d.created_at.desc(), d.id.desc())
        .limit(1)
    ).first()
    if last is None:
        return RECEIVED
    if last.check_id == newest_check_id:
        return APPROVED if last.approved else RETURNED
    return RECEIVED if last.approved else RESUBMITTED


@dataclass(frozen=True)
class QueueQuery:
    worker: str | None = None
    venue: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    states: tuple[str, ...] = ()


def _where(q: QueueQuery) -> list[Any]:
    k = team_chains.c
    out: list[Any] = []
    if q.worker:
        out.append(k.worker == q.worker)
    if q.venue:
        out.append(k.venue == q.venue)
    if q.date_from:
        out.append(k.visit_date >= q.date_from)
    if q.date_to:
        out.append(k.visit_date <= q.date_to)
    if q.states:
        out.append(k.state.in_(list(q.states)))
    return out


@dataclass(frozen=True)
class ChainRow:
    chain_id: str
    check_id: str
    edition: int
    worker: str
    venue: str
    visit_date: str
    urgent: bool
    findings: int
    state: str
    received_at: str
    person_name: str
    nhs_number: str | None
    person_key: str


def queue_rows(store: LocalStore, q: QueueQuery, offset: int, limit: int) -> list[ChainRow]:
    """One page of the queue: urgent first, then the oldest visit, then the longest waiting."""
    if limit <= 0 or offset < 0:
        return []
    k = team_chains.c
    query = (select(team_chains).where(and_(True, *_where(q)))
             .order_by(k.urgent.desc(), k.visit_date, k.received_at, k.chain_id).limit(limit).offset(offset))
    with store.db.read() as conn:
        rows = conn.execute(query).all()
    return [_chain_row(store, r) for r in rows]


def chain_row(store: LocalStore, chain_id: str) -> ChainRow | None:
    with store.db.read() as conn:
        row = conn.execute(select(team_chains).where(team_chains.c.chain_id == chain_id)).first()
    return None if row is None else _chain_row(store, row)


def _chain_row(store: LocalStore, row: Any) -> ChainRow:
    data = _open(store, row.data, "team_chains", row.chain_id, row.version)
    return ChainRow(
        row.chain_id,
        row.check_id,
        row.edition,
        row.worker,
        row.venue,
        row.visit_date,
        bool(row.urgent),
        row.findings,
        row.state,
        row.received_at,
        str(data.get("person_name") or ""),
        data.get("nhs_number"),
        str(data.get("person_key") or ""),
    )


def queue_size(store: LocalStore, q: QueueQuery) -> int:
    query = select(func.count()).select_from(team_chains).where(and_(True, *_where(q)))
    with store.db.read() as conn:
        return int(conn.execute(query).scalar_one())


def queue_workers_and_venues(store: LocalStore) -> tuple[list[str], list[str]]:
    k = team_chains.c
    with store.db.read() as conn:
        workers = [r[0] for r in conn.execute(select(k.worker).distinct().order_by(k.worker))]
        venues = [r[0] for r in conn.execute(select(k.venue).distinct().order_by(k.venue))]
    return workers, venues


# -- decisions (and their outbox state) -----------------------------------------------------------------


@dataclass(frozen=True)
class DecisionRow:
    id: str
    chain_id: str
    check_id: str
    approved: bool
    state: str
    attempts: int
    created_at: str
    next_attempt_at: str | None
    server_ref: str | None
    data: dict[str, Any]
    last_error: str | None


def _decision_row(store: LocalStore, row: Any) -> DecisionRow:
    error = None
    if row.last_error is not None:
        error = _open(store, row.last_error, "team_decisions", row.id, row.version, "last_error")
    return DecisionRow(row.id, row.chain_id, row.check_id, bool(row.approved), row.state, row.attempts,
                       row.created_at, row.next_attempt_at, row.server_ref,
                       _open(store, row.data, "team_decisions", row.id, row.version), error)


def add_decision(store: LocalStore, *, decision_id: str, chain_id: str, check_id: str, approved: bool,
                 data: dict[str, Any], action: str, user: str | None) -> DecisionRow:
    """Queue a decision for the shared record, refresh its chain's state and audit it: one transaction."""
    now = str(data.get("at") or utc_now())
    with store.db.write() as conn:
        # Checked again inside the write: a pull that brought a newer version since the supervisor
        # opened this one must not let them decide on what they have not read.
        chain = team_chains.c
        newest = conn.execute(select(chain.check_id).where(chain.chain_id == chain_id)).scalar()
        if newest != check_id:
            raise ValidationError(
                "A newer version of this check has arrived. Open it again and review the newest version.",
                item="version",
            )
        conn.execute(insert(team_decisions), {
            "id": decision_id, "chain_id": chain_id, "check_id": check_id, "approved": int(approved),
            "state": "queued", "attempts": 0, "created_at": now, "updated_at": now, "next_attempt_at": None,
            "server_ref": None, "version": 1, "data": _seal(store, data, "team_decisions", decision_id, 1),
            "last_error": None,
        })
        refresh_chain(conn, store, chain_id)
        store.audit.append(conn, action, user_id=user, table="team_decisions", record_id=decision_id)
    return decision(store, decision_id)


def decision(store: LocalStore, decision_id: str) -> DecisionRow:
    with store.db.read() as conn:
        row = conn.execute(select(team_decisions).where(team_decisions.c.id == decision_id)).first()
    if row is None:
        raise StoreError("This review decision is not in the store.")
    return _decision_row(store, row)


def decisions_for(store: LocalStore, chain_id: str) -> list[DecisionRow]:
    d = team_decisions.c
    with store.db.read() as conn:
        rows = conn.execute(
            select(team_decisions).where(d.chain_id == chain_id).order_by(d.created_at, d.id)
        ).all()
    return [_decision_row(store, r) for r in rows]


def due_decisions(
    store: LocalStore, now: str | None = None, *, everything: bool = False
) -> list[DecisionRow]:
    """Decisions to send: queued, left "sending" by a crash, and failed ones whose time has come
    (every failed one with `everything`: the supervisor pressed "Sync now"). A failed decision with
    no next attempt is held (refused for good, or not allowed): only Sync now tries it again."""
    d = team_decisions.c
    now = now or utc_now()
    due_failed = d.state == "failed" if everything else and_(
        d.state == "failed", d.next_attempt_at.is_not(None), d.next_attempt_at <= now)
    query = select(team_decisions).where(or_(d.state.in_(("queued", "sending")), due_failed)).order_by(
        d.created_at, d.id)
    with store.db.read() as conn:
        rows = conn.execute(query).all()
    return [_decision_row(store, r) for r in rows]


def move_decision(store: LocalStore, decision_id: str, state: str, *, error: str | None = None,
                  next_attempt_at: str | None = None, server_ref: str | None = None,
                  count_attempt: bool = False) -> None:
    """queued/failed -> sending (before the request goes out) -> sent | failed (with the words)."""
    if state not in DECISION_STATES:
        raise StoreError(f"'{state}' is not a state of a decision.")
    d = team_decisions.c
    with store.db.write() as conn:
        row = conn.execute(select(d.version, d.attempts, d.state).where(d.id == decision_id)).first()
        if row is None:
            raise StoreError("This review decision is not in the store.")
        if row.state == "sent" and state != "sent":
            return  # confirmed already (the pull saw it): never moved back
        version = row.version + 1
        data_row = conn.execute(select(d.data).where(d.id == decision_id)).scalar_one()
        data = _open(store, data_row, "team_decisions", decision_id, row.version)
        values: dict[str, Any] = {
            "state": state,
            "version": version,
            "updated_at": utc_now(),
            "next_attempt_at": next_attempt_at,
            "data": _seal(store, data, "team_decisions", decision_id, version),
            "last_error": None
            if error is None
            else _seal(store, error, "team_decisions", decision_id, version, "last_error"),
        }
        if count_attempt:
            values["attempts"] = row.attempts + 1
        if server_ref is not None:
            values["server_ref"] = server_ref
        conn.execute(update(team_decisions).where(d.id == decision_id).values(**values))
        store.audit.append(
            conn,
            f"review.{state}",
            user_id=store.current_user.name if store.current_user else None,
            table="team_decisions",
            record_id=decision_id,
        )


def decision_from_server(
    conn: Connection,
    store: LocalStore,
    *,
    decision_id: str,
    check_id: str,
    approved: bool,
    data: dict[str, Any],
    server_ref: str,
) -> str:
    """A decision Task that came down (this laptop's, confirmed; or another supervisor's): "recorded",
    "known" (confirmed here already), or "waiting" when the version it is about is not here yet."""
    c, d = team_checks.c, team_decisions.c
    chain_id = conn.execute(select(c.chain_id).where(c.id == check_id)).scalar()
    if chain_id is None:
        return "waiting"
    row = conn.execute(select(d.version, d.state).where(d.id == decision_id)).first()
    if row is None:
        at = str(data.get("at") or utc_now())
        conn.execute(
            insert(team_decisions),
            {
                "id": decision_id,
                "chain_id": chain_id,
                "check_id": check_id,
                "approved": int(approved),
                "state": "sent",
                "attempts": 0,
                "created_at": at,
                "updated_at": utc_now(),
                "next_attempt_at": None,
                "server_ref": server_ref,
                "version": 1,
                "data": _seal(store, data, "team_decisions", decision_id, 1),
                "last_error": None,
            },
        )
    elif row.state != "sent":
        conn.execute(update(team_decisions).where(d.id == decision_id).values(
            state="sent", server_ref=server_ref, updated_at=utc_now(), next_attempt_at=None, last_error=None))
    else:
        return "known"  # confirmed here already (a page read again at the cursor): nothing changes
    refresh_chain(conn, store, str(chain_id))
    return "recorded"


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
