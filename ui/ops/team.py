"""The supervisor's side: the team's review queue, one check under review, the decision, the
dashboards and their two exports.

The team's checks live in the supervisor's own sealed store (pulled from the shared record by
sync); everything here reads or writes that store through the headless core (`outreach.team`),
never the network. The core's team modules are imported inside each operation, so opening the
app does not load them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.store.local_store import LocalStore
from outreach.team.records import Decision, QueueFilter, QueueRow, TeamCheckView
from ui.tasks import blocking

if TYPE_CHECKING:
    from outreach.team.dashboard import Dashboard, DashboardCheck, PersonLabel

# Rows read per page: over three screenfuls at 1366x768. Each row's name is unsealed as it is read, so a
# page of 100 is about half the time of 200 (bench/bench_review_queue.py), and scrolling reads the next.
PAGE_SIZE = 100


@dataclass(frozen=True)
class QueuePage:
    """One page of the review queue for a filter; `total` is counted with the first page only."""

    filter: QueueFilter
    offset: int
    rows: tuple[QueueRow, ...]
    total: int | None


@dataclass(frozen=True)
class DecisionMade:
    """A decision as recorded, and the check as it now stands (its state and the decisions list)."""

    decision: Decision
    view: TeamCheckView


@blocking
def load_queue(store: LocalStore, flt: QueueFilter, offset: int, limit: int, with_count: bool) -> QueuePage:
    """A page of the queue (urgent first, then oldest); with the count of all rows the filter lists
    when `with_count`, so the first page and the summary above it come in one trip to the worker."""
    from outreach.team.queue import queue_count, queue_page

    total = queue_count(store, flt) if with_count else None
    rows = tuple(queue_page(store, flt, offset, limit))
    return QueuePage(flt, offset, rows, total)


@blocking
def load_queue_choices(store: LocalStore) -> tuple[list[str], list[str]]:
    """The workers and venues the team's checks name, for the filter boxes."""
    from outreach.team.queue import queue_choices

    return queue_choices(store)


@blocking
def load_team_check(store: LocalStore, chain_id: str) -> TeamCheckView:
    """Everything the review screen shows about one check and its versions."""
    from outreach.team.queue import load_team_check as load

    return load(store, chain_id)


@blocking
def decide_review(
    store: LocalStore, chain_id: str, *, approve: bool, comment: str, user: str, check_id: str
) -> DecisionMade:
    """Record the supervisor's decision (queued for the shared record through the outbox, audited)
    and read the check again, so the screen shows its new state from the store, not a guess.
    `check_id` is the version on screen: if a newer one came down meanwhile the core refuses, so
    nobody approves what they have not read."""
    from outreach.team.decisions import decide
    from outreach.team.queue import load_team_check as load

    decision = decide(store, chain_id, approve=approve, comment=comment, user=user, check_id=check_id)
    return DecisionMade(decision, load(store, chain_id))


@blocking
def load_dashboard(store: LocalStore, today: date) -> Dashboard:
    """The dashboards' figures, counted from the newest version of every team check (the kept figures
    when no check changed since they were counted: opening the dashboards must not take a second)."""
    from outreach.team.queue import team_dashboard

    return team_dashboard(store, today)


@blocking
def save_dashboard_figures(dashboard: Dashboard, path: str) -> Path:
    """Write the aggregate CSV: counts only, no one's details (no store access: any worker)."""
    from outreach.team.dashboard import write_aggregate_csv

    return write_aggregate_csv(dashboard, path)


@blocking
def save_dashboard_personal(
    store: LocalStore,
    path: str,
    *,
    today: date,
    checks: Sequence[DashboardCheck] | None = None,
    people: Iterable[PersonLabel] | None = None,
) -> int:
    """Write the personal CSV and its audit entry, on the store worker. Reads the team's checks and who
    each is about from the store unless given; the warning has been accepted by the time this runs."""
    from outreach.team.dashboard import export_personal_csv

    if checks is None or people is None:
        from outreach.team.queue import dashboard_checks, queue_count, queue_page

        if checks is None:
            checks = dashboard_checks(store)
        if people is None:
            everything = QueueFilter(today=today)
            people = queue_page(store, everything, 0, max(1, queue_count(store, everything)))
    return export_personal_csv(store, path, checks, people, today=today, personal_data_confirmed=True)
