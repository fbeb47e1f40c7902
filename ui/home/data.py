"""The store work behind the home screen, as plain functions for the store worker.

Each function is wrapped with `blocking`: called on the GUI thread it fails at once,
so a slip shows up in a test rather than as a frozen screen. They return plain
dataclasses the widgets can show without touching the store again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from outreach import services
from outreach.store.local_store import LocalStore
from outreach.store.models import checks as checks_table
from outreach.store.records import (
    CheckRecord,
    FollowUpRecord,
    OutboxItem,
    PersonDetails,
    PersonRecord,
    VenueRecord,
)
from outreach.store.search_index import PersonHit
from ui.tasks import blocking

DUE_SOON_DAYS = 7  # "due this week": due within 7 days from today
OUTBOX_WAITING = ("queued", "sending", "failed")
MAX_LISTED = 500  # a home list longer than this is not read by anyone; the count says how many


@dataclass(frozen=True)
class DraftInfo:
    check_id: str
    person_id: str
    person_name: str
    started_at: str
    updated_at: str


@dataclass(frozen=True)
class FollowUpRow:
    record: FollowUpRecord
    person_name: str
    overdue: bool
    due_today: bool
    later: bool = False  # due after this week, or no due date: listed last, with the date


@dataclass(frozen=True)
class OutboxRow:
    item: OutboxItem
    person_name: str


@dataclass(frozen=True)
class HomeData:
    venues: list[VenueRecord]
    drafts: list[DraftInfo]
    follow_ups: list[FollowUpRow]
    follow_ups_total: int
    outbox: list[OutboxRow]
    outbox_total: int


def _name(store: LocalStore, person_id: str) -> str:
    hit = store.people_index.get(person_id)
    if hit is not None:
        return f"{hit.given_name} {hit.family_name}".strip()
    return store.people.get(person_id).display_name


@blocking
def load_home(store: LocalStore, today: date | None = None) -> HomeData:
    follow_ups, follow_ups_total = load_follow_ups(store, today)
    outbox, outbox_total = load_outbox(store)
    return HomeData(store.venues.list(), _drafts(store), follow_ups, follow_ups_total, outbox, outbox_total)


def _drafts(store: LocalStore) -> list[DraftInfo]:
    user = store.current_user.name if store.current_user else None
    out = []
    for draft in store.checks.drafts():
        if user is not None and draft.created_by not in (None, user):
            continue
        out.append(
            DraftInfo(
                draft.id, draft.person_id, _name(store, draft.person_id), draft.created_at, draft.updated_at
            )
        )
    return out


def load_follow_ups(store: LocalStore, today: date | None = None) -> tuple[list[FollowUpRow], int]:
    """Every open follow-up (an open one stays listed until its outcome is recorded): overdue
    first, then those due this week, then later ones; by due date within each."""
    day = today or date.today()
    today_iso = day.isoformat()
    week_end = (day + timedelta(days=DUE_SOON_DAYS)).isoformat()
    records = services.open_follow_ups(store)  # by due date, undated last
    rows = []
    for r in records[:MAX_LISTED]:
        overdue = bool(r.due_on and r.due_on < today_iso)
        later = not r.due_on or r.due_on > week_end
        rows.append(
            FollowUpRow(
                r, _name(store, r.person_id), overdue=overdue, due_today=r.due_on == today_iso, later=later
            )
        )
    rows.sort(key=lambda row: 0 if row.overdue else 2 if row.later else 1)  # stable: due dates stay in order
    return rows, len(records)


@blocking
def load_follow_ups_task(store: LocalStore, today: date | None = None) -> tuple[list[FollowUpRow], int]:
    return load_follow_ups(store, today)


def load_outbox(store: LocalStore) -> tuple[list[OutboxRow], int]:
    items = services.list_outbox(store, OUTBOX_WAITING)
    shown = items[:MAX_LISTED]
    ids = [i.check_id for i in shown]
    owners: dict[str, str] = {}
    if ids:
        with store.db.read() as conn:
            owners = dict(
                conn.execute(
                    select(checks_table.c.id, checks_table.c.person_id).where(checks_table.c.id.in_(ids))
                ).all()
            )
    return [
        OutboxRow(i, _name(store, owners[i.check_id]) if i.check_id in owners else "") for i in shown
    ], len(items)


@blocking
def search_people(store: LocalStore, query: str, limit: int = 50) -> list[PersonHit]:
    return services.find_people(store, query, limit=limit)


@blocking
def start_session(store: LocalStore, venue_name: str, venue_id: str | None) -> tuple[str, str, str]:
    """(venue id, venue name, session id); a typed venue the store does not know is added first."""
    name = venue_name.strip()
    if venue_id is None:
        known = {v.name.casefold(): v for v in store.venues.list()}
        venue = known.get(name.casefold()) or store.venues.add(name)
        venue_id, name = venue.id, venue.name
    return venue_id, name, store.venues.start_session(venue_id)


@blocking
def possible_duplicates(store: LocalStore, details: PersonDetails) -> list[PersonRecord]:
    return services.possible_duplicates(store, details)


@blocking
def register_person(store: LocalStore, details: PersonDetails) -> PersonRecord:
    return services.register_person(store, details)


@blocking
def person_overview(
    store: LocalStore, person_id: str
) -> tuple[PersonRecord, list[CheckRecord], list[FollowUpRecord]]:
    return (
        services.get_person(store, person_id),
        services.list_checks_for_person(store, person_id),
        services.open_follow_ups(store, person_id=person_id),
    )


@blocking
def record_outcome(
    store: LocalStore, follow_up_id: str, outcome: str, note: str | None, expected_version: int | None
) -> FollowUpRecord:
    return services.record_follow_up_outcome(
        store, follow_up_id, outcome, note=note, expected_version=expected_version
    )


def describe_decision(record: FollowUpRecord, directory: Any = None) -> str:
    """What was decided for this follow-up, in a few words."""
    decision = record.document.get("decision") or {}
    kind = str(decision.get("kind") or "")
    service_id = decision.get("service_id")
    service = ""
    if service_id and directory is not None:
        found = directory.services.get(service_id)
        service = found.name if found is not None else str(service_id)
    elif service_id:
        service = str(service_id)
    words = kind.replace("_", " ").capitalize()
    return f"{words}: {service}" if service else words
