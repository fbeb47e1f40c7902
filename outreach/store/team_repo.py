"""Reading and writing the supervisor's tables (`team_tables`): all of the team side's SQL.

Why here and not in `outreach.team`: SQL lives only inside the store; the team modules ask
for what they need in plain calls and get plain values back, already unsealed.

Writes made while pulling take the page's open connection (`conn`), so a page's resources,
the follow-up changes it carries and the cursor that covers it commit together. Everything
personal is sealed with the row's table, id and version bound in (`sealing.seal_json`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from outreach.errors import StoreError
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


def _seal(store: LocalStore, value: Any, table: str, record_id: str, version: int, column: str = "data") -> bytes:
    return seal_json(store.cipher, value, table=table, record_id=record_id, version=version, column=column)


def _open(store: LocalStore, blob: bytes, table: str, record_id: str, version: int, column: str = "data") -> Any:
    return open_json(store.cipher, blob, table=table, record_id=record_id, version=version, column=column)


# -- pulled resources ---------------------------------------------------------------------------------


def put_resource(conn: Connection, store: LocalStore, resource: dict[str, Any]) -> None:
    """Keep (or replace with its newer version) one pulled resource, sealed."""
    r = team_resources.c
    rtype, rid = str(resource["resourceType"]), str(resource["id"])
    stamp = str((resource.get("meta") or {}).get("lastUpdated") or "")
    row = conn.execute(select(r.version).where(r.res_type == rtype, r.res_id == rid)).first()
    version = 1 if row is None else row.version + 1
    blob = _seal(store, resource, "team_resources", f"{rtype}/{rid}", version)
    if row is None:
        conn.execute(insert(team_resources), {"res_type": rtype, "res_id": rid, "version": version,
                                              "last_updated": stamp, "data": blob})
    else:
        conn.execute(update(team_resources).where(r.res_type == rtype, r.res_id == rid)
                     .values(version=version, last_updated=stamp, data=blob))


def present(conn: Connection, refs: Iterable[str]) -> set[str]:
    """Which of these "Type/id" refs are kept here."""
    wanted: dict[str, set[str]] = {}
    for ref in refs:
        rtype, _, rid = ref.partition("/")
        wanted.setdefault(rtype, set()).add(rid)
    r = team_resources.c
    found: set[str] = set()
    for rtype, ids in wanted.items():
        for chunk in _chunks(sorted(ids), 500):
            for (rid,) in conn.execute(select(r.res_id).where(r.res_type == rtype, r.res_id.in_(chunk))):
                found.add(f"{rtype}/{rid}")
    return found


def load_resources(conn: Connection, store: LocalStore, refs: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The kept resources among `refs`, unsealed, by ref."""
    wanted: dict[str, set[str]] = {}
    for ref in refs:
        rtype, _, rid = ref.partition("/")
        wanted.setdefault(rtype, set()).add(rid)
    r = team_resources.c
    out: dict[str, dict[str, Any]] = {}
    for rtype, ids in wanted.items():
        for chunk in _chunks(sorted(ids), 500):
            rows = conn.execute(select(team_resources).where(r.res_type == rtype, r.res_id.in_(chunk))).all()
            for row in rows:
                ref = f"{row.res_type}/{row.res_id}"
                out[ref] = _open(store, row.data, "team_resources", ref, row.version)
    return out


def kept_of_type(conn: Connection, store: LocalStore, res_type: str) -> dict[str, dict[str, Any]]:
    """Every kept resource of one type, unsealed, by ref."""
    r = team_resources.c
    rows = conn.execute(select(team_resources).where(r.res_type == res_type)).all()
    return {f"{row.res_type}/{row.res_id}": _open(store, row.data, "team_resources", f"{row.res_type}/{row.res_id}",
                                                   row.version) for row in rows}


def forget_resources(conn: Connection, refs: Iterable[str]) -> None:
    r = team_resources.c
    for ref in refs:
        rtype, _, rid = ref.partition("/")
        conn.execute(delete(team_resources).where(r.res_type == rtype, r.res_id == rid))


def encounter_assembled(conn: Connection, encounter_ref: str) -> bool:
    return conn.execute(
        select(team_checks.c.id).where(team_checks.c.encounter_ref == encounter_ref)
    ).first() is not None


def put_pending(conn: Connection, provenance_ref: str, encounter_ref: str, targets: Sequence[str],
                last_updated: str) -> None:
    """A check whose Provenance is here (complete on the server), waiting for its parts to come down."""
    p = team_pending.c
    conn.execute(delete(team_pending).where(p.provenance_ref == provenance_ref))
    conn.execute(insert(team_pending), {"provenance_ref": provenance_ref, "encounter_ref": encounter_ref,
                                        "targets": json.dumps(list(targets)), "last_updated": last_updated})


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


# -- assembled checks ---------------------------------------------------------------------------------


def save_check(conn: Connection, store: LocalStore, doc: dict[str, Any], *, encounter_ref: str,
               provenance_ref: str, consumed: Iterable[str], person_key: str) -> None:
    """Keep one assembled check version, its follow-ups and its chain's queue row; drop its parts.

    Inside the caller's write transaction, so a check is either wholly assembled or still pending.
    """
    c = team_checks.c
    check_id = str(doc["check_id"])
    row = conn.execute(select(c.version).where(c.id == check_id)).first()
    version = 1 if row is None else row.version + 1
    values = {"chain_id": doc["chain_id"], "edition": int(doc["edition"]), "encounter_ref": encounter_ref,
              "received_at": doc["received_at"], "version": version,
              "data": _seal(store, doc, "team_checks", check_id, version)}
    if row is None:
        conn.execute(insert(team_checks), {"id": check_id, **values})
    else:
        conn.execute(update(team_checks).where(c.id == check_id).values(**values))
    f = team_follow_ups.c
    for follow_up in doc.get("follow_ups") or []:
        ref = str(follow_up["task_ref"])
        conn.execute(delete(team_follow_ups).where(f.task_ref == ref))
        conn.execute(insert(team_follow_ups), {
            "task_ref": ref,
            "follow_up_id": str(follow_up.get("follow_up_id") or ref),
            "check_id": check_id,
            "chain_id": doc["chain_id"],
            "state": follow_up["state"],
            "opened_on": follow_up.get("opened_on") or str(doc["visit_date"]),
            "due_on": (follow_up.get("decision") or {}).get("due_on"),
            "closed_on": follow_up.get("closed_on"),
            "last_updated": follow_up.get("last_updated") or "",
            "version": 1,
            "data": _seal(store, _follow_up_data(follow_up), "team_follow_ups", ref, 1),
        })
    forget_resources(conn, consumed)
    conn.execute(delete(team_pending).where(team_pending.c.provenance_ref == provenance_ref))
    refresh_chain(conn, store, str(doc["chain_id"]), person_key=person_key)


def _follow_up_data(follow_up: dict[str, Any]) -> dict[str, Any]:
    return {k: follow_up.get(k) for k in ("rule_id", "decision", "service_name", "outcome", "outcome_note")}


def follow_up_known(conn: Connection, task_ref: str) -> bool:
    return conn.execute(
        select(team_follow_ups.c.task_ref).where(team_follow_ups.c.task_ref == task_ref)
    ).first() is not None


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
    conn.execute(update(team_follow_ups).where(f.task_ref == task_ref).values(
        state=change["state"], closed_on=change.get("closed_on"), last_updated=change.get("last_updated") or "",
        version=version, data=_seal(store, data, "team_follow_ups", task_ref, version)))
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
        rows = conn.execute(select(team_checks).where(c.chain_id == chain_id).order_by(c.edition, c.received_at)).all()
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


def refresh_chain(conn: Connection, store: LocalStore, chain_id: str, *, person_key: str | None = None) -> None:
    """Recompute a chain's queue row from its newest version and its decisions."""
    c = team_checks.c
    newest = conn.execute(
        select(team_checks).where(c.chain_id == chain_id).order_by(c.edition.desc(), c.received_at.desc()).limit(1)
    ).first()
    if newest is None:
        return
    doc = _open(store, newest.data, "team_checks", newest.id, newest.version)
    state = chain_state(conn, chain_id, newest.id)
    k = team_chains.c
    existing = conn.execute(select(k.version, k.data).where(k.chain_id == chain_id)).first()
    version = 1 if existing is None else existing.version + 1
    details = (doc.get("person") or {}).get("details") or {}
    if person_key is None and existing is not None:
        person_key = _open(store, existing.data, "team_chains", chain_id, existing.version).get("person_key")
    row_data = {
        "person_name": f"{details.get('given_name') or ''} {details.get('family_name') or ''}".strip(),
        "nhs_number": details.get("nhs_number"),
        "person_key": person_key or "",
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


def chain_state(conn: Connection, chain_id: str, newest_check_id: str) -> str:
    """received (no decision yet), returned (the last decision returned this version), resubmitted
    (a newer version came after a return), approved (the last decision approved this version).
    A newer version after an approval needs a look again: received."""
    d = team_decisions.c
    last = conn.execute(
        select(d.check_id, d.approved).where(d.chain_id == chain_id).order_by(d.created_at.desc(), d.id.desc()).limit(1)
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
    return ChainRow(row.chain_id, row.check_id, row.edition, row.worker, row.venue, row.visit_date,
                    bool(row.urgent), row.findings, row.state, row.received_at,
                    str(data.get("person_name") or ""), data.get("nhs_number"), str(data.get("person_key") or ""))


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


def person_keys(store: LocalStore) -> dict[str, str]:
    """chain id -> pseudonymous person key, for the dashboards' counts of people."""
    with store.db.read() as conn:
        rows = conn.execute(select(team_chains.c.chain_id, team_chains.c.version, team_chains.c.data)).all()
    return {r.chain_id: str(_open(store, r.data, "team_chains", r.chain_id, r.version).get("person_key") or "")
            for r in rows}


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
        rows = conn.execute(select(team_decisions).where(d.chain_id == chain_id).order_by(d.created_at, d.id)).all()
    return [_decision_row(store, r) for r in rows]


def due_decisions(store: LocalStore, now: str | None = None, *, everything: bool = False) -> list[DecisionRow]:
    """Decisions to send: queued, left "sending" by a crash, and failed ones whose time has come
    (every failed one with `everything`: the supervisor pressed "Sync now")."""
    d = team_decisions.c
    now = now or utc_now()
    due_failed = d.state == "failed" if everything else and_(
        d.state == "failed", or_(d.next_attempt_at.is_(None), d.next_attempt_at <= now))
    query = select(team_decisions).where(or_(d.state.in_(("queued", "sending")), due_failed)).order_by(
        d.created_at, d.id)
    with store.db.read() as conn:
        rows = conn.execute(query).all()
    return [_decision_row(store, r) for r in rows]


def unsent_decisions(store: LocalStore) -> int:
    with store.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(team_decisions).where(
            team_decisions.c.state != "sent")).scalar_one())


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
            "state": state, "version": version, "updated_at": utc_now(), "next_attempt_at": next_attempt_at,
            "data": _seal(store, data, "team_decisions", decision_id, version),
            "last_error": None if error is None else _seal(store, error, "team_decisions", decision_id, version,
                                                           "last_error"),
        }
        if count_attempt:
            values["attempts"] = row.attempts + 1
        if server_ref is not None:
            values["server_ref"] = server_ref
        conn.execute(update(team_decisions).where(d.id == decision_id).values(**values))
        store.audit.append(conn, f"review.{state}", user_id=store.current_user.name if store.current_user else None,
                           table="team_decisions", record_id=decision_id)


def decision_from_server(conn: Connection, store: LocalStore, *, decision_id: str, check_id: str, approved: bool,
                         data: dict[str, Any], server_ref: str) -> bool:
    """A decision Task that came down (this laptop's, confirmed; or another supervisor's). True when kept.

    One about a check version not here yet is left for a later pull (False)."""
    c, d = team_checks.c, team_decisions.c
    chain_id = conn.execute(select(c.chain_id).where(c.id == check_id)).scalar()
    if chain_id is None:
        return False
    row = conn.execute(select(d.version, d.state).where(d.id == decision_id)).first()
    if row is None:
        at = str(data.get("at") or utc_now())
        conn.execute(insert(team_decisions), {
            "id": decision_id, "chain_id": chain_id, "check_id": check_id, "approved": int(approved),
            "state": "sent", "attempts": 0, "created_at": at, "updated_at": utc_now(), "next_attempt_at": None,
            "server_ref": server_ref, "version": 1, "data": _seal(store, data, "team_decisions", decision_id, 1),
            "last_error": None,
        })
    elif row.state != "sent":
        conn.execute(update(team_decisions).where(d.id == decision_id).values(
            state="sent", server_ref=server_ref, updated_at=utc_now(), next_attempt_at=None, last_error=None))
    refresh_chain(conn, store, str(chain_id))
    return True


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
