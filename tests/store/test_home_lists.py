"""The store side of home's lists: pages, honest counts and filters answered from indexes;
the change feed that tells screens what changed; today's venue session read back."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select, text

from outreach import services
from outreach.checks.definition import default_definition
from outreach.store.changes import Change
from outreach.store.follow_ups_repo import OpenFilter
from outreach.store.local_store import LocalStore
from outreach.store.models import follow_ups
from outreach.store.records import PersonRecord
from tests.store.conftest import person

TODAY = date(2027, 3, 10)


def flt(**kwargs: object) -> OpenFilter:
    return OpenFilter(today=TODAY.isoformat(), week_end=(TODAY + timedelta(days=7)).isoformat(), **kwargs)  # type: ignore[arg-type]


def finalised_with(
    store: LocalStore, who: PersonRecord, days: list[int | None], session_id: str | None = None
) -> list[str]:
    """A finalised check for `who` whose follow-ups are due `days` from TODAY (None: undated)."""
    services.record_consent(store, who.id, "check", True)
    check = services.start_check(
        store, who.id, definition_version=default_definition().version, session_id=session_id
    )
    decisions = {}
    for i, d in enumerate(days):
        decisions[f"rule-{i}"] = {
            "kind": "referral",
            "service_id": "gp-practice",
            "reason": None,
            "note": None,
            "due_on": (TODAY + timedelta(days=d)).isoformat() if d is not None else None,
        }
    services.record_follow_up_decisions(store, check.id, decisions)
    final = store.checks.finalise(check.id, [{"rule_id": k, "title": k} for k in decisions])
    return [f.id for f in final.follow_ups]


def test_pages_list_soonest_due_first_undated_last_and_counts_say_how_many(store: LocalStore) -> None:
    alpha = services.register_person(store, person(0))
    bravo = services.register_person(store, person(1))
    finalised_with(store, alpha, [-3, 2, 30, None])
    finalised_with(store, bravo, [-1, 7, 8, None, 0])
    counts = store.follow_ups.open_counts(flt())
    assert (counts.total, counts.overdue, counts.this_week, counts.later) == (9, 2, 3, 4)

    everything = store.follow_ups.open_page(flt(), 0, 100)
    dues = [f.due_on for f in everything]
    dated = [d for d in dues if d is not None]
    assert dated == sorted(dated) and dues[-2:] == [None, None] and len(dues) == 9
    # Pages of any size put together give the same list, across the dated/undated boundary.
    for size in (1, 2, 4):
        pieced = []
        for offset in range(0, 12, size):
            pieced += store.follow_ups.open_page(flt(), offset, size)
        assert [f.id for f in pieced] == [f.id for f in everything]

    assert [f.due_on for f in store.follow_ups.open_page(flt(due="overdue"), 0, 10)] == [
        (TODAY - timedelta(days=3)).isoformat(),
        (TODAY - timedelta(days=1)).isoformat(),
    ]
    assert len(store.follow_ups.open_page(flt(due="week"), 0, 10)) == 3
    later = store.follow_ups.open_page(flt(due="later"), 0, 10)
    assert len(later) == 4 and later[-1].due_on is None
    assert {f.person_id for f in store.follow_ups.open_page(flt(person_ids=(alpha.id,)), 0, 10)} == {alpha.id}
    assert store.follow_ups.open_counts(flt(person_ids=(bravo.id,))).total == 5
    assert store.follow_ups.open_counts(flt(person_ids=())).total == 0


def test_the_venue_filter_follows_checks_to_their_session(store: LocalStore) -> None:
    alpha = services.register_person(store, person(0))
    cafe = store.venues.add("Synthetic Community Cafe")
    hostel = store.venues.add("Synthetic Hostel")
    at_cafe = finalised_with(store, alpha, [1, 2], session_id=store.venues.start_session(cafe.id))
    finalised_with(store, alpha, [3], session_id=store.venues.start_session(hostel.id))
    finalised_with(store, alpha, [4])  # no session at all
    assert [f.id for f in store.follow_ups.open_page(flt(venue_id=cafe.id), 0, 10)] == at_cafe
    assert store.follow_ups.open_counts(flt(venue_id=hostel.id)).total == 1
    assert store.follow_ups.open_counts(flt()).total == 4


def test_list_queries_walk_indexes_instead_of_sorting_every_open_follow_up(store: LocalStore) -> None:
    page = (
        select(follow_ups.c.id)
        .where(follow_ups.c.state == "open", follow_ups.c.due_on.is_not(None))
        .order_by(follow_ups.c.due_on, follow_ups.c.created_at, follow_ups.c.id)
        .limit(100)
        .offset(200)
    )
    with store.db.read() as conn:
        sql = str(page.compile(conn, compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(r) for r in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))
    assert "ix_follow_ups_list" in plan and "TEMP B-TREE" not in plan
    # A person or two: read through the person index, never by walking every open follow-up.
    few = select(func.count()).where(*store.follow_ups._where(flt(person_ids=("someone",)), due=False))
    with store.db.read() as conn:
        sql = str(few.compile(conn, compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(r) for r in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))
    assert "ix_follow_ups_person" in plan and "ix_follow_ups_list" not in plan
    # A venue with few checks: from its sessions to their checks to their follow-ups.
    venue = select(func.count()).where(
        *store.follow_ups._where(flt(venue_id="v"), due=False, small_venue=True)
    )
    with store.db.read() as conn:
        sql = str(venue.compile(conn, compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(r) for r in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))
    assert "ix_follow_ups_check" in plan and "ix_follow_ups_list" not in plan


def test_outbox_pages_and_counts(store: LocalStore) -> None:
    alpha = services.register_person(store, person(0))
    for _ in range(5):
        finalised_with(store, alpha, [1])
    items = store.outbox.list(("queued",))
    store.outbox.mark_sending(items[0].id)
    store.outbox.mark_failed(items[0].id, "No answer")
    assert store.outbox.counts(("queued", "sending", "failed")) == {"queued": 4, "failed": 1}
    waiting = ("queued", "sending", "failed")
    assert [i.id for i in store.outbox.page(waiting, 0, 3) + store.outbox.page(waiting, 3, 3)] == [
        i.id for i in store.outbox.list(waiting)
    ]


def test_search_says_how_many_match_and_pages_through_them(store: LocalStore) -> None:
    for n in range(130):
        services.register_person(store, person(n))
    first, total = services.find_people_page(store, "testperson", 0, 50)
    assert total == 130 and len(first) == 50
    rest = services.find_people_page(store, "testperson", 50, 100)[0]
    assert len(rest) == 80 and not {h.id for h in first} & {h.id for h in rest}
    assert len(services.people_matching(store, "testperson")) == 130


def test_the_change_feed_tells_each_committed_change_with_its_person(store: LocalStore) -> None:
    heard: list[Change] = []
    stop = store.changes.subscribe(heard.append)
    alpha = services.register_person(store, person(0))
    ids = finalised_with(store, alpha, [1])
    services.record_follow_up_outcome(store, ids[0], "attended")
    actions = [(c.action, c.person_id) for c in heard]
    assert ("person.register", alpha.id) in actions
    assert ("check.finalise", alpha.id) in actions
    assert ("follow_up.attended", alpha.id) in actions
    # A write that rolls back is never told.
    heard.clear()
    try:
        with store.db.write():
            services.register_person(store, person(1))
            raise RuntimeError("power cut")
    except RuntimeError:
        pass
    assert heard == []
    stop()
    services.register_person(store, person(2))
    assert heard == []


def test_todays_session_is_read_back_and_switching_venue_ends_the_last_one(store: LocalStore) -> None:
    cafe = store.venues.add("Synthetic Community Cafe")
    hostel = store.venues.add("Synthetic Hostel")
    midnight = "2000-01-01T00:00:00.000000Z"
    assert store.venues.current_session(midnight) is None
    first = store.venues.start_session(cafe.id)
    found = store.venues.current_session(midnight)
    assert found is not None and found[0] == first and found[1].name == "Synthetic Community Cafe"
    second = store.venues.start_session(hostel.id, ends=first)
    found = store.venues.current_session(midnight)
    assert found is not None and found[0] == second and found[1].id == hostel.id
    assert store.venues.current_session("2999-01-01T00:00:00.000000Z") is None  # only today's
