"""What sync keeps between runs, and what it brings down for the worker to see.

* the device token (sealed with the vault: a stolen laptop's database does not give
  away the key to the shared record);
* pull cursors: the server's `meta.lastUpdated` of the last page fully applied, per
  kind. They are the server's own timestamps (no personal data) and are written in the
  same transaction as the page they cover, so a crash never skips a page;
* holds: outbox items that wait for a person, not for the network (the server refused
  them, or the person has not agreed to share with anyone), so automatic retries leave
  them alone while the worker can still see why;
* which server resource belongs to which local check (so a review that points at the
  server's Encounter finds its check);
* which of a check's resources the server has confirmed, with the server's location for
  each (per server address), so a retry sends only what is missing;
* for an item the server could not take, the server's exact reply for IT (sealed: a
  server may echo an identifier back);
* reviews (FHIR Task, sealed: a supervisor's note may name the person) and the service
  directory (HealthcareService, public, in clear);
* the device status the server last reported (e.g. revoked, with whom to contact).

This module is plain core code: sync (which does the HTTP) calls it, and so may the UI.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    delete,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Connection

from outreach.errors import StoreError
from outreach.store.database import backup_database, run_migrations, utc_now
from outreach.store.local_store import LocalStore
from outreach.store.models import (
    checks,
    outbox,
    sync_directory,
    sync_entries,
    sync_holds,
    sync_reviews,
    sync_server_refs,
    sync_settings,
    sync_updates,
)
from outreach.store.records import OutboxItem
from outreach.store.sealing import open_json, seal_json

# Sync's own tables (declared with every other table in outreach.store.models): a store made before
# sync existed lacks them until ensure_tables migrates it.
SYNC_TABLES = (
    sync_settings,
    sync_holds,
    sync_server_refs,
    sync_reviews,
    sync_entries,
    sync_updates,
    sync_directory,
)
TOKEN_KEY = "device_token"
DEVICE_STATUS_KEY = "device_status"
LAST_SYNC_KEY = "last_sync"
HOLD_REFUSED = "refused"  # the server said no: waits until the worker retries or amends
HOLD_NO_CONSENT = "no_consent"  # the person has not agreed to share with anyone
# The change the store tells its listeners when a supervisor's review of one of our checks arrives.
REVIEW_RECEIVED = "review.received"


# -- schema ---------------------------------------------------------------------------------------
def ensure_tables(store: LocalStore) -> None:
    """Bring a store made before sync existed up to date (backup first, then the migration).

    New stores get these tables from their first migration run; this covers a laptop whose
    store was set up by an earlier build."""
    with store.db.read() as conn:
        present = set(inspect(conn).get_table_names())
    if {t.name for t in SYNC_TABLES} <= present:
        return
    backup_database(store.db, tag="before-sync-tables")
    run_migrations(store.db)


# -- settings ---------------------------------------------------------------------------------------
def _get_row(conn: Connection, key: str) -> Any:
    return conn.execute(select(sync_settings).where(sync_settings.c.key == key)).first()


def _put(
    conn: Connection, key: str, *, value: str | None = None, sealed: Any = None, cipher: Any = None
) -> None:
    row = _get_row(conn, key)
    version = (row.version + 1) if row is not None else 1
    data = (
        seal_json(cipher, sealed, table="sync_settings", record_id=key, version=version)
        if sealed is not None
        else None
    )
    if row is None:
        conn.execute(insert(sync_settings), {"key": key, "version": version, "value": value, "data": data})
    else:
        conn.execute(
            update(sync_settings)
            .where(sync_settings.c.key == key)
            .values(version=version, value=value, data=data)
        )


def get_value(store: LocalStore, key: str) -> str | None:
    with store.db.read() as conn:
        row = _get_row(conn, key)
    return None if row is None else row.value


def set_value(store: LocalStore, key: str, value: str | None) -> None:
    with store.db.write() as conn:
        _put(conn, key, value=value)


def set_device_token(store: LocalStore, token: str) -> None:
    """Keep the shared-record token for this laptop, sealed by the vault (store must be unlocked)."""
    token = token.strip()
    if not token or any(c.isspace() for c in token):
        raise StoreError("That does not look like a device token: it must be one line without spaces.")
    with store.db.write() as conn:
        _put(conn, TOKEN_KEY, sealed={"token": token}, cipher=store.cipher)
        store.audit.append(
            conn, "sync.token_set", user_id=store.current_user.name if store.current_user else None
        )


def device_token(store: LocalStore) -> str | None:
    with store.db.read() as conn:
        row = _get_row(conn, TOKEN_KEY)
    if row is None or row.data is None:
        return None
    return (
        str(
            open_json(
                store.cipher, row.data, table="sync_settings", record_id=TOKEN_KEY, version=row.version
            ).get("token")
            or ""
        )
        or None
    )


def cursor(store: LocalStore, kind: str) -> str | None:
    """The server's lastUpdated of the last page of `kind` applied here (None: start from the beginning)."""
    return get_value(store, f"cursor.{kind}")


def set_cursor(conn: Connection, kind: str, value: str | None) -> None:
    """Inside the write transaction that applies the page it covers."""
    _put(conn, f"cursor.{kind}", value=value)


def set_device_status(store: LocalStore, status: dict[str, Any]) -> None:
    with store.db.write() as conn:
        put_device_status(conn, status)


def put_device_status(conn: Connection, status: dict[str, Any]) -> None:
    _put(conn, DEVICE_STATUS_KEY, value=json.dumps(status, sort_keys=True))


def device_status(store: LocalStore) -> dict[str, Any]:
    """What the server last said about this laptop, e.g. {"state": "revoked", "message": ...}."""
    raw = get_value(store, DEVICE_STATUS_KEY)
    return json.loads(raw) if raw else {"state": "unknown"}


# -- holds ------------------------------------------------------------------------------------------
def holds(store: LocalStore) -> dict[str, str]:
    with store.db.read() as conn:
        return {r.outbox_id: r.reason for r in conn.execute(select(sync_holds))}


def hold(store: LocalStore, outbox_id: str, reason: str) -> None:
    with store.db.write() as conn:
        conn.execute(delete(sync_holds).where(sync_holds.c.outbox_id == outbox_id))
        conn.execute(insert(sync_holds), {"outbox_id": outbox_id, "reason": reason, "since": utc_now()})


def release(store: LocalStore, outbox_id: str) -> None:
    with store.db.write() as conn:
        conn.execute(delete(sync_holds).where(sync_holds.c.outbox_id == outbox_id))


def retry_item(store: LocalStore, outbox_id: str) -> OutboxItem:
    """The worker pressed "Try again": lift any hold and put the item back in the queue."""
    with store.db.write():
        release(store, outbox_id)
        item = store.outbox.get(outbox_id)
        if item.state in ("failed", "sending"):
            item = store.outbox.requeue(outbox_id)
    return item


# -- server references --------------------------------------------------------------------------------
def record_server_refs(store: LocalStore, check_id: str, refs: list[str]) -> None:
    if not refs:
        return
    with store.db.write() as conn:
        conn.execute(
            insert(sync_server_refs).prefix_with("OR REPLACE"),
            [{"ref": ref, "check_id": check_id} for ref in refs],
        )


def confirmed_entries(store: LocalStore, server: str, full_urls: list[str] | None = None) -> dict[str, str]:
    """fullUrl -> `Type/id` of every resource this server has confirmed (optionally only these)."""
    e = sync_entries.c
    query = select(e.full_url, e.location).where(e.server == server)
    with store.db.read() as conn:
        if full_urls is None:
            rows = conn.execute(query).all()
        else:
            rows = []
            for start in range(0, len(full_urls), 500):  # stay under SQLite's variable limit
                chunk = full_urls[start : start + 500]
                rows += conn.execute(query.where(e.full_url.in_(chunk))).all()
    return {r.full_url: r.location for r in rows}


def record_confirmed(
    store: LocalStore, server: str, outbox_id: str, check_id: str, confirmed: dict[str, str]
) -> None:
    """Remember what the server confirmed (one transaction), and which check each location is of."""
    if not confirmed:
        return
    now = utc_now()
    with store.db.write() as conn:
        conn.execute(
            insert(sync_entries).prefix_with("OR REPLACE"),  # one statement for the whole part
            [
                {
                    "server": server,
                    "full_url": u,
                    "location": loc,
                    "outbox_id": outbox_id,
                    "confirmed_at": now,
                }
                for u, loc in confirmed.items()
            ],
        )
        own = sorted({ref for ref in confirmed.values() if ref.split("/")[0] not in SHARED_TYPES})
        if own:
            record_server_refs(store, check_id, own)
            for matched in rematch_reviews(conn):
                store.changes.noted(conn, REVIEW_RECEIVED, "checks", matched)


# Resources many checks share: their locations say nothing about which check a review is of.
SHARED_TYPES = frozenset({"Patient", "Organization", "Practitioner", "Device", "Location"})


def rematch_reviews(conn: Connection) -> list[str]:
    """Give reviews that came down before their check could be matched their check now.

    Returns the checks that now have a review they did not have."""
    r = sync_reviews.c
    matched: list[str] = []
    for row in conn.execute(select(r.id, r.focus_ref, r.focus_check_id).where(r.check_id.is_(None))).all():
        check_id = _match_check(conn, row.focus_check_id, row.focus_ref)
        if check_id is not None:
            conn.execute(update(sync_reviews).where(r.id == row.id).values(check_id=check_id))
            matched.append(str(check_id))
    return matched


def about_another_laptops_check(conn: Connection, focus_check_id: str | None) -> bool:
    """True when a review names its check by our check identifier and no such check was ever on
    this laptop: it is about another laptop's check (a supervisor's laptop reads the whole team's
    reviews), so there is nothing here it could ever match. A review naming its check only by the
    server's id cannot be judged yet and is kept (`store_review`)."""
    return bool(focus_check_id) and not _known_check(conn, str(focus_check_id))


def _match_check(conn: Connection, focus_check_id: str | None, focus_ref: str | None) -> str | None:
    if focus_check_id and _known_check(conn, focus_check_id):
        return focus_check_id
    if focus_ref:
        found = conn.execute(
            select(sync_server_refs.c.check_id).where(sync_server_refs.c.ref == focus_ref)
        ).scalar()
        return str(found) if found is not None else None
    return None


def set_item_detail(store: LocalStore, outbox_id: str, detail: str | None) -> None:
    """The server's exact reply about an item, for IT (sealed); None clears it."""
    with store.db.write() as conn:
        key = f"detail.{outbox_id}"
        if detail is None:
            conn.execute(delete(sync_settings).where(sync_settings.c.key == key))
        else:
            _put(conn, key, sealed={"detail": detail}, cipher=store.cipher)


def item_detail(store: LocalStore, outbox_id: str) -> str | None:
    key = f"detail.{outbox_id}"
    with store.db.read() as conn:
        row = _get_row(conn, key)
    if row is None or row.data is None:
        return None
    doc = open_json(store.cipher, row.data, table="sync_settings", record_id=key, version=row.version)
    return str(doc.get("detail") or "") or None


def _known_check(conn: Connection, check_id: str) -> bool:
    return conn.execute(select(outbox.c.id).where(outbox.c.check_id == check_id)).first() is not None


# -- changes to records already sent ---------------------------------------------------------------
FOLLOW_UP_OUTCOME = "follow-up-outcome"


@dataclass(frozen=True)
class PendingUpdate:
    """A change the shared record has to learn (e.g. a follow-up closed after its check was sent)."""

    id: str
    kind: str
    record_id: str
    check_id: str
    state: str
    attempts: int
    next_attempt_at: str | None
    last_error: str | None


def queue_follow_up_outcome(conn: Connection, follow_up_id: str, check_id: str) -> None:
    """Inside the transaction that records the outcome: the shared record's Task must follow.

    One row per follow-up: a later change queues it again (sync always sends the follow-up as
    it is when sent, so the newest outcome wins and nothing is sent twice)."""
    now = utc_now()
    u = sync_updates.c
    row = conn.execute(
        select(u.id, u.version).where(u.kind == FOLLOW_UP_OUTCOME, u.record_id == follow_up_id)
    ).first()
    if row is None:
        conn.execute(
            insert(sync_updates),
            {
                "id": str(uuid.uuid4()),
                "kind": FOLLOW_UP_OUTCOME,
                "record_id": follow_up_id,
                "check_id": check_id,
                "state": "queued",
                "attempts": 0,
                "version": 1,
                "created_at": now,
                "updated_at": now,
                "next_attempt_at": None,
                "last_error": None,
            },
        )
    else:
        conn.execute(
            update(sync_updates)
            .where(u.id == row.id)
            .values(
                state="queued", version=row.version + 1, updated_at=now, next_attempt_at=None, last_error=None
            )
        )


def pending_updates(store: LocalStore, now: str | None = None) -> list[PendingUpdate]:
    """Updates not yet on the shared record (with `now`: only those whose retry time has come)."""
    u = sync_updates.c
    query = select(sync_updates).where(u.state != "sent").order_by(u.created_at, u.id)
    if now is not None:
        query = query.where((u.next_attempt_at.is_(None)) | (u.next_attempt_at <= now))
    with store.db.read() as conn:
        rows = conn.execute(query).all()
    return [_pending(store, r) for r in rows]


def _pending(store: LocalStore, row: Any) -> PendingUpdate:
    error = None
    if row.last_error is not None:
        error = open_json(
            store.cipher,
            row.last_error,
            table="sync_updates",
            record_id=row.id,
            version=row.version,
            column="last_error",
        )
    return PendingUpdate(
        row.id, row.kind, row.record_id, row.check_id, row.state, row.attempts, row.next_attempt_at, error
    )


def settle_update(
    store: LocalStore,
    update_id: str,
    *,
    sent: bool,
    error: str | None = None,
    next_attempt_at: str | None = None,
) -> None:
    """Record how one attempt ended: sent, or failed with the words and when to try again."""
    u = sync_updates.c
    with store.db.write() as conn:
        row = conn.execute(select(u.version, u.attempts).where(u.id == update_id)).first()
        if row is None:
            return
        version = row.version + 1
        sealed = (
            seal_json(
                store.cipher,
                error,
                table="sync_updates",
                record_id=update_id,
                version=version,
                column="last_error",
            )
            if error is not None
            else None
        )
        conn.execute(
            update(sync_updates)
            .where(u.id == update_id)
            .values(
                state="sent" if sent else "failed",
                attempts=row.attempts + 1,
                version=version,
                updated_at=utc_now(),
                next_attempt_at=None if sent else next_attempt_at,
                last_error=sealed,
            )
        )


# -- reviews ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Review:
    """A supervisor's review of a check, as the shared record holds it (a FHIR Task)."""

    id: str  # the server's Task id
    check_id: str | None  # our check, when the Task points at one we sent
    status: str  # FHIR Task.status: requested, in-progress, completed ...
    server_version: str | None
    last_updated: str
    received_at: str
    document: dict[str, Any]  # {"description", "business_status", "notes": [...], "owner", "focus", ...}

    @property
    def summary(self) -> str:
        return str(self.document.get("description") or self.document.get("business_status") or self.status)


def store_review(
    conn: Connection,
    store: LocalStore,
    *,
    server_id: str,
    status: str,
    server_version: str | None,
    last_updated: str,
    document: dict[str, Any],
    focus_ref: str | None,
    focus_check_id: str | None,
) -> str | None:
    """Insert or replace one review, inside the page's write transaction.

    Returns the check id it is about, or None when it cannot be matched to a check sent from
    this laptop yet. An unmatched review is kept all the same (sealed, without a check): the
    shared record may hold the review before this laptop knows the server's ids for its
    check (an answer was lost, or the check was sent in parts), and the pull's cursor moves
    past it, so dropping it would lose it for good. `rematch_reviews` matches it later."""
    check_id = _match_check(conn, focus_check_id, focus_ref)
    row = conn.execute(select(sync_reviews.c.version).where(sync_reviews.c.id == server_id)).first()
    version = (row.version + 1) if row is not None else 1
    blob = seal_json(store.cipher, document, table="sync_reviews", record_id=server_id, version=version)
    values = {
        "version": version,
        "check_id": check_id,
        "status": status,
        "server_version": server_version,
        "last_updated": last_updated,
        "received_at": utc_now(),
        "data": blob,
        "focus_ref": focus_ref,
        "focus_check_id": focus_check_id,
    }
    if row is None:
        conn.execute(insert(sync_reviews), {"id": server_id, **values})
    else:
        conn.execute(update(sync_reviews).where(sync_reviews.c.id == server_id).values(**values))
    if check_id is None:
        return None
    # Not an audited action (nothing here was done on this laptop), but the screens showing the check
    # or its person must hear of it like any other change.
    store.changes.noted(conn, REVIEW_RECEIVED, "checks", str(check_id))
    return str(check_id)


def _review(store: LocalStore, row: Any) -> Review:
    doc = open_json(store.cipher, row.data, table="sync_reviews", record_id=row.id, version=row.version)
    return Review(
        row.id, row.check_id, row.status, row.server_version, row.last_updated, row.received_at, doc
    )


def reviews_for_check(store: LocalStore, check_id: str) -> list[Review]:
    with store.db.read() as conn:
        rows = conn.execute(
            select(sync_reviews)
            .where(sync_reviews.c.check_id == check_id)
            .order_by(sync_reviews.c.last_updated)
        ).all()
    return [_review(store, r) for r in rows]


def list_reviews(store: LocalStore, *, open_only: bool = False) -> list[Review]:
    query = (
        select(sync_reviews)
        .where(sync_reviews.c.check_id.is_not(None))  # not yet matched to a check: not shown
        .order_by(sync_reviews.c.last_updated)
    )
    if open_only:
        query = query.where(
            sync_reviews.c.status.notin_(("completed", "cancelled", "rejected", "entered-in-error"))
        )
    with store.db.read() as conn:
        rows = conn.execute(query).all()
    return [_review(store, r) for r in rows]


# -- service directory --------------------------------------------------------------------------------
@dataclass(frozen=True)
class DirectoryEntry:
    id: str
    name: str
    active: bool
    last_updated: str
    resource: dict[str, Any]


def store_service(
    conn: Connection, *, server_id: str, name: str, active: bool, last_updated: str, resource: dict[str, Any]
) -> None:
    conn.execute(delete(sync_directory).where(sync_directory.c.id == server_id))
    conn.execute(
        insert(sync_directory),
        {
            "id": server_id,
            "name": name,
            "active": 1 if active else 0,
            "last_updated": last_updated,
            "resource": json.dumps(resource),
        },
    )


def list_directory(store: LocalStore, *, active_only: bool = True) -> list[DirectoryEntry]:
    query = select(sync_directory).order_by(sync_directory.c.name)
    if active_only:
        query = query.where(sync_directory.c.active == 1)
    with store.db.read() as conn:
        rows = conn.execute(query).all()
    return [
        DirectoryEntry(r.id, r.name, bool(r.active), r.last_updated, json.loads(r.resource)) for r in rows
    ]


# -- what the worker sees -----------------------------------------------------------------------------
@dataclass(frozen=True)
class OutboxRow:
    """One outbox line for the worker: state in plain words and what happens next."""

    outbox_id: str
    check_id: str
    state: str  # queued | sending | sent | failed
    attempts: int
    last_error: str | None
    next_attempt_at: str | None
    waits_for: str  # "nothing" | "network" | "worker" | "consent"
    words: str


def outbox_view(
    store: LocalStore,
    *,
    include_sent: bool = False,
    refusal: Callable[[str], str | None] | None = None,
) -> list[OutboxRow]:
    """The outbox in the worker's words. `refusal(check_id)`: why a check may not leave the laptop
    (consent), None when it may; asked of unsent items the sync has not held yet, so a check without
    consent says so from the moment it is saved, not only after a sync has looked at it. The store
    cannot read consent rules itself (they belong to the mapping): `outreach.services.outbox_lines`
    passes them in."""
    held = holds(store)
    states = None if include_sent else ("queued", "sending", "failed")
    with store.db.read() as conn:
        amended = {
            r.amends_id
            for r in conn.execute(select(checks.c.amends_id).where(checks.c.amends_id.is_not(None)))
        }
    rows: list[OutboxRow] = []
    for item in store.outbox.list(states):
        reason = held.get(item.id)
        if item.state == "sent":
            waits, words = "nothing", "Sent to the shared record."
        elif reason == HOLD_NO_CONSENT:
            waits, words = "consent", f"Not sent: {item.last_error or 'no consent to share.'}"
        elif reason is None and refusal is not None and (refused := refusal(item.check_id)) is not None:
            waits, words = "consent", f"Not sent: {refused}"
        elif reason == HOLD_REFUSED and item.check_id in amended:
            waits, words = (
                "nothing",
                (
                    f"Refused by the shared record ({item.last_error or 'no reason given'}); "
                    "an amendment of this check replaces it and is sent on its own."
                ),
            )
        elif reason == HOLD_REFUSED:
            waits, words = "worker", f"Refused by the shared record: {item.last_error or 'no reason given'}"
        elif item.state == "failed":
            when = (
                f" Next try after {item.next_attempt_at[:16].replace('T', ' ')} UTC."
                if item.next_attempt_at
                else ""
            )
            reason = (item.last_error or "the last attempt failed").rstrip(". ")
            waits, words = "network", f"Waiting to retry: {reason}.{when}"
        elif item.state == "sending":
            waits, words = "network", "Being sent (or the laptop stopped while sending: it will be checked)."
        else:
            waits, words = "network", "Waiting to be sent."
        rows.append(
            OutboxRow(
                item.id,
                item.check_id,
                item.state,
                item.attempts,
                item.last_error,
                item.next_attempt_at,
                waits,
                words,
            )
        )
    return rows
