"""The worker's home screen: today's venue session, the drafts, follow-ups and outbox lists, people.

Lists come a page at a time (`PAGE_SIZE` rows) with counts from the indexes, so home opens as
quickly with ten thousand people as with ten: only the rows on the page are decrypted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from outreach import services
from outreach.store.follow_ups_repo import OpenCounts, OpenFilter
from outreach.store.local_store import LocalStore
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
PAGE_SIZE = 50  # rows read per page as a list scrolls (two screens); the counts say how many in all


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

    @property
    def group(self) -> str:
        """Which due-date group the row counts in: "overdue", "week" or "later"."""
        return "overdue" if self.overdue else "later" if self.later else "week"


@dataclass(frozen=True)
class FollowUpQuery:
    """What the worker asked the follow-ups list to show: a due-date group (None: all), people
    whose name, date of birth or NHS number matches `person_text`, and a venue."""

    due: str | None = None
    person_text: str = ""
    venue_id: str | None = None


@dataclass(frozen=True)
class FollowUpsPage:
    """One page of the follow-ups list; the filter as the store read it (people resolved, today's
    dates), so later pages read the same list; the counts when they were asked for."""

    rows: list[FollowUpRow]
    offset: int
    filter: OpenFilter
    counts: OpenCounts | None


@dataclass(frozen=True)
class OutboxRow:
    item: OutboxItem
    person_name: str


@dataclass(frozen=True)
class OutboxPage:
    rows: list[OutboxRow]
    offset: int
    total: int
    failed: int


@dataclass(frozen=True)
class TodaySession:
    """Today's venue session, read back from the store when the app opens again."""

    venue_id: str
    venue_name: str
    session_id: str


@dataclass(frozen=True)
class HomeData:
    venues: list[VenueRecord]
    drafts: list[DraftInfo]
    follow_ups: FollowUpsPage
    outbox: OutboxPage
    session: TodaySession | None = None

    @property
    def follow_ups_total(self) -> int:
        return self.follow_ups.counts.total if self.follow_ups.counts else len(self.follow_ups.rows)

    @property
    def outbox_total(self) -> int:
        return self.outbox.total


def _name(store: LocalStore, person_id: str) -> str:
    hit = store.people_index.get(person_id)
    if hit is not None:
        return f"{hit.given_name} {hit.family_name}".strip()
    return store.people.get(person_id).display_name


# -- the lists --------------------------------------------------------------------------------------------


@blocking
def load_home(store: LocalStore, today: date | None = None) -> HomeData:
    """What home shows first: one page of each list with its counts, never every row."""
    return HomeData(
        store.venues.list(),
        _drafts(store),
        load_follow_ups(store, FollowUpQuery(), 0, PAGE_SIZE, today=today),
        load_outbox(store),
        _today_session(store),
    )


@blocking
def load_drafts(store: LocalStore) -> list[DraftInfo]:
    return _drafts(store)


@blocking
def load_venues(store: LocalStore) -> list[VenueRecord]:
    return store.venues.list()


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


def _open_filter(store: LocalStore, query: FollowUpQuery, today: date | None = None) -> OpenFilter:
    """The store's filter for `query` on the worker's calendar: a typed name becomes the ids of the
    people it finds (from the in-memory index), however many."""
    day = today or date.today()
    text = query.person_text.strip()
    return OpenFilter(
        today=day.isoformat(),
        week_end=(day + timedelta(days=DUE_SOON_DAYS)).isoformat(),
        due=query.due,
        person_ids=services.people_matching(store, text) if text else None,
        venue_id=query.venue_id,
    )


@blocking
def load_follow_ups(
    store: LocalStore,
    query: FollowUpQuery | OpenFilter,
    offset: int = 0,
    limit: int = PAGE_SIZE,
    with_counts: bool = True,
    *,
    today: date | None = None,
) -> FollowUpsPage:
    """A page of open follow-ups (an open one stays listed until its outcome is recorded): overdue
    first, then those due this week, then later ones; by due date within each. Only the page's
    rows are decrypted; the counts come from the index. A later page passes the first page's
    `filter`, so it reads the same list even across midnight."""
    flt = query if isinstance(query, OpenFilter) else _open_filter(store, query, today)
    records = services.open_follow_up_page(store, flt, offset, limit)
    week_end = flt.week_end
    rows = [
        FollowUpRow(
            r,
            _name(store, r.person_id),
            overdue=bool(r.due_on and r.due_on < flt.today),
            due_today=r.due_on == flt.today,
            later=not r.due_on or r.due_on > week_end,
        )
        for r in records
    ]
    counts = services.open_follow_up_counts(store, flt) if with_counts else None
    return FollowUpsPage(rows, offset, flt, counts)


@blocking
def load_follow_up_counts(store: LocalStore, flt: OpenFilter) -> OpenCounts:
    return services.open_follow_up_counts(store, flt)


@blocking
def record_outcome(
    store: LocalStore, follow_up_id: str, outcome: str, note: str | None, expected_version: int | None
) -> FollowUpRecord:
    """Close a follow-up with its outcome; `expected_version` refuses it when someone (sync, another
    window) changed the follow-up since the worker read it."""
    return services.record_follow_up_outcome(
        store, follow_up_id, outcome, note=note, expected_version=expected_version
    )


@blocking
def load_outbox(store: LocalStore, offset: int = 0, limit: int = PAGE_SIZE) -> OutboxPage:
    """A page of the checks waiting to be sent, with how many wait in all and how many failed."""
    items = services.outbox_page(store, OUTBOX_WAITING, offset, limit)
    counts = services.outbox_counts(store, OUTBOX_WAITING)
    owners = store.checks.owners([i.check_id for i in items])
    rows = [OutboxRow(i, _name(store, owners[i.check_id]) if i.check_id in owners else "") for i in items]
    return OutboxPage(rows, offset, sum(counts.values()), counts.get("failed", 0))


# -- today's venue session ----------------------------------------------------------------------------------


def _local_midnight_utc(day: date | None = None) -> str:
    """The start of the worker's local day, as the store's UTC timestamps are written."""
    midnight = datetime.combine(day or date.today(), time.min).astimezone()
    return midnight.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _today_session(store: LocalStore) -> TodaySession | None:
    found = store.venues.current_session(_local_midnight_utc())
    if found is None:
        return None
    session_id, venue = found
    return TodaySession(venue.id, venue.name, session_id)


@blocking
def start_session(
    store: LocalStore, venue_name: str, venue_id: str | None, ends: str | None = None
) -> tuple[str, str, str]:
    """(venue id, venue name, session id); a typed venue the store does not know is added first.
    `ends`: the session this one replaces (switching venue), ended in the same transaction."""
    name = venue_name.strip()
    with store.db.write():
        if venue_id is None:
            known = {v.name.casefold(): v for v in store.venues.list()}
            venue = known.get(name.casefold()) or store.venues.add(name)
            venue_id, name = venue.id, venue.name
        return venue_id, name, store.venues.start_session(venue_id, ends=ends)


# -- people -------------------------------------------------------------------------------------------------


@blocking
def search_people(
    store: LocalStore, query: str, offset: int = 0, limit: int = PAGE_SIZE
) -> tuple[list[PersonHit], int]:
    """One page of the people `query` finds, and how many it finds in all."""
    return services.find_people_page(store, query, offset, limit)


@blocking
def load_possible_duplicates(store: LocalStore, details: PersonDetails) -> list[PersonRecord]:
    """People already registered who may be the one being typed in, asked before registering."""
    return services.possible_duplicates(store, details)


@blocking
def register_person(store: LocalStore, details: PersonDetails) -> PersonRecord:
    return services.register_person(store, details)


@blocking
def load_person(
    store: LocalStore, person_id: str
) -> tuple[PersonRecord, list[CheckRecord], list[FollowUpRecord]]:
    """The person, their checks and their open follow-ups: what the person panel shows."""
    return (
        services.get_person(store, person_id),
        services.list_checks_for_person(store, person_id),
        services.open_follow_ups(store, person_id=person_id),
    )
