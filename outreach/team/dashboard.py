"""Supervisor dashboards: the team's checks counted, without Qt and without personal data.

Why a separate, plain row type (`DashboardCheck`): the dashboards count thousands of checks,
and need only who did the check, where, when, what each core element came to, and what
happened to each finding. Decrypting and parsing whole check documents for that would be
slow, and handing names or NHS numbers to code that only counts would be needless exposure.
The team store produces these rows (`outreach.team.queue.dashboard_checks`, newest version
of each check only); everything here works from them alone.
"""

from __future__ import annotations

import csv
import errno
import io
import math
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import compress
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol

from outreach.checks.definition import CORE_ELEMENTS
from outreach.durable_files import PRIVATE_FILE_MODE, fsync_folder, remove_quietly, write_atomic, write_beside
from outreach.errors import StorageFullError, StoreError, ValidationError

if TYPE_CHECKING:  # the store is needed only for the audited export
    from outreach.store.local_store import LocalStore

# What a core element came to in a check.
DONE = "done"
DECLINED = "declined"
NOT_POSSIBLE = "not_possible"
INCOMPLETE = "incomplete"
ELEMENT_OUTCOMES = (DONE, DECLINED, NOT_POSSIBLE, INCOMPLETE)


@dataclass(frozen=True)
class DashboardFollowUp:
    """The follow-up decided for one finding, and whether it has been closed."""

    finding: str  # finding rule id
    kind: str  # referral | advice_given | already_under_care | declined | clinician_override
    service: str | None  # service name for referrals
    opened_on: date
    due_on: date | None
    closed_on: date | None  # None = still open


@dataclass(frozen=True)
class DashboardCheck:
    """One check (the newest version of its chain) as the dashboards count it."""

    chain_id: str
    person_key: str  # pseudonymous key for "people" counts (never a name or NHS number)
    worker: str
    venue: str
    visit_date: date
    elements: Mapping[
        str, str
    ]  # each of CORE_ELEMENTS -> "done" | "declined" | "not_possible" | "incomplete"
    findings: tuple[str, ...]  # finding rule ids
    follow_ups: tuple[DashboardFollowUp, ...]


# -- the figures ----------------------------------------------------------------------------------

WORKER, VENUE, MONTH = "worker", "venue", "month"
BREAKDOWNS: Final = (WORKER, VENUE, MONTH)
REFERRAL: Final = "referral"
NO_SERVICE: Final = ""  # a referral whose service was not named (should not happen: a referral needs one)
P90: Final = 0.9


@dataclass(frozen=True)
class ElementCounts:
    """How one core element came out across a group of checks."""

    done: int = 0
    declined: int = 0
    not_possible: int = 0
    incomplete: int = 0

    @property
    def total(self) -> int:
        return self.done + self.declined + self.not_possible + self.incomplete

    def count(self, outcome: str) -> int:
        """The number of checks with `outcome` (one of ELEMENT_OUTCOMES)."""
        return int(getattr(self, outcome))


@dataclass(frozen=True)
class Figures:
    """Every dashboard figure for one group of checks: the whole team, one worker, one venue or one month.

    Follow-ups belong to the group of the check whose finding they answer.
    """

    key: str  # worker name, venue name, "YYYY-MM", or "" for the whole team
    checks: int
    people: int  # distinct people among these checks
    all_six_done: int  # checks with every core element done
    elements: Mapping[str, ElementCounts]  # CORE_ELEMENTS order
    findings: int
    findings_by_kind: Mapping[str, int]  # finding rule id -> number, most frequent first
    follow_ups_open: int
    follow_ups_closed: int
    follow_ups_overdue: int  # due before today and not closed
    days_to_closure_median: float | None  # over closed follow-ups; None when none is closed
    days_to_closure_p90: int | None  # nearest-rank 90th percentile
    referrals_by_service: Mapping[str, int]  # service name -> referrals, most frequent first

    @property
    def all_six_share(self) -> float | None:
        """Share (0-1) of checks with all six core elements done; None for no checks."""
        return self.all_six_done / self.checks if self.checks else None

    @property
    def follow_ups(self) -> int:
        return self.follow_ups_open + self.follow_ups_closed

    @property
    def referrals(self) -> int:
        return sum(self.referrals_by_service.values())


@dataclass(frozen=True)
class NationalMeasure:
    """Share of people with all six core elements done in the 12 months to `period_end`.

    Numerator as the national PHSMI statistic counts it (clinical.md 1.2: a person counts when
    all six elements are recorded in the 12-month period, as QOF MH021, computed from the six
    component codes, so they may come from different checks; "declined" does not complete one).
    The national denominator is the practice's SMI register, which this app does not hold: here
    it is every person the team has checked (`people`), so someone not seen for over a year
    counts against the figure rather than silently dropping out of it.
    """

    period_start: date  # first day in the period (inclusive)
    period_end: date  # last day in the period (inclusive): "today"
    people: int  # everyone the team has checked, up to period_end
    people_in_period: int  # of whom checked at least once in the period
    people_all_six: int  # of whom with all six elements done in the period

    @property
    def share(self) -> float | None:
        return self.people_all_six / self.people if self.people else None


@dataclass(frozen=True)
class Dashboard:
    """The team's figures as of `today`, for the whole team and by worker, venue and visit month."""

    today: date
    team: Figures
    national: NationalMeasure
    by_worker: tuple[Figures, ...]  # by name
    by_venue: tuple[Figures, ...]  # by name
    by_month: tuple[Figures, ...]  # oldest month first

    def breakdown(self, name: str) -> tuple[Figures, ...]:
        """The groups for one of BREAKDOWNS."""
        if name == WORKER:
            return self.by_worker
        if name == VENUE:
            return self.by_venue
        if name == MONTH:
            return self.by_month
        raise ValueError(f"Unknown breakdown {name!r} (use {', '.join(BREAKDOWNS)})")

    @property
    def overdue_by_worker(self) -> dict[str, int]:
        """Overdue follow-ups per worker (workers with none left out), most first."""
        pairs = [(f.key, f.follow_ups_overdue) for f in self.by_worker if f.follow_ups_overdue]
        return dict(sorted(pairs, key=lambda p: (-p[1], p[0].casefold())))


def period_start(today: date) -> date:
    """First day of the 12 months that end on `today` (inclusive both ends).

    The day after the same date a year earlier; 29 February falls back to the 28th, so a
    period ending on 29 Feb 2028 starts on 1 Mar 2027.
    """
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return year_ago + timedelta(days=1)


def month_key(day: date) -> str:
    """The visit month a check is counted under: "YYYY-MM"."""
    return f"{day.year:04d}-{day.month:02d}"


def percentile_nearest_rank(sorted_values: Sequence[int], fraction: float) -> int | None:
    """The nearest-rank percentile: the value at rank ceil(fraction * n) of the sorted values.

    Chosen because it is always one of the observed values (a whole number of days) and a
    reader can count it by hand; None for no values.
    """
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def _most_first(counts: Mapping[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold(), item[0])))


_OUTCOME_INDEX: Final = {outcome: i for i, outcome in enumerate(ELEMENT_OUTCOMES)}
_INCOMPLETE_INDEX: Final = _OUTCOME_INDEX[INCOMPLETE]
_MISSING: Final = (INCOMPLETE,) * len(CORE_ELEMENTS)
_UNKNOWN: Final = (_INCOMPLETE_INDEX,) * len(CORE_ELEMENTS)
_ALL_DONE: Final = (_OUTCOME_INDEX[DONE],) * len(CORE_ELEMENTS)
_ALL_SIX_MASK: Final = (1 << len(CORE_ELEMENTS)) - 1


def _done_mask(outcomes: tuple[int, ...]) -> int:
    """Bit i set when core element i is done."""
    return sum(1 << i for i, outcome in enumerate(outcomes) if outcome == 0)


@dataclass
class _Rows:
    """The checks read once into plain columns; each breakdown is then counted from these with Counter."""

    outcomes: list[tuple[int, ...]] = field(default_factory=list)  # per check: ELEMENT_OUTCOMES indexes
    all_six: list[bool] = field(default_factory=list)  # per check: every core element done
    columns: list[tuple[int, ...]] = field(default_factory=list)  # per core element: `outcomes` transposed
    persons: list[str] = field(default_factory=list)
    # Parallel columns: the check number (its index in `outcomes`) and one value per item.
    finding_checks: list[int] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)  # finding rule id
    open_checks: list[int] = field(default_factory=list)
    open_overdue: list[bool] = field(default_factory=list)
    closed_checks: list[int] = field(default_factory=list)
    closed_days: list[int] = field(default_factory=list)  # days from opening to closure
    referral_checks: list[int] = field(default_factory=list)
    referral_services: list[str] = field(default_factory=list)


_first = itemgetter(0)


def median_and_p90(histogram: Mapping[int, int]) -> tuple[int, float | None, int | None]:
    """(how many, median, nearest-rank 90th percentile) of values given as value -> how often.

    Counting days to closure as a histogram keeps a breakdown's cost to the number of distinct
    day counts, not the number of follow-ups. Same results as statistics.median and
    percentile_nearest_rank on the expanded values.
    """
    items = sorted((value, number) for value, number in histogram.items() if number > 0)
    total = sum(number for _value, number in items)
    if not total:
        return 0, None, None

    def at(rank: int) -> int:  # the rank-th smallest value, 1-based
        seen = 0
        for value, number in items:
            seen += number
            if seen >= rank:
                return value
        return items[-1][0]

    if total % 2:
        median = float(at(total // 2 + 1))
    else:
        median = (at(total // 2) + at(total // 2 + 1)) / 2
    return total, median, at(max(1, math.ceil(P90 * total)))


def _figures_by(keys: list[str], rows: _Rows) -> dict[str, Figures]:
    """Every figure for each group, `keys[i]` being check i's group."""
    group_of = keys.__getitem__
    checks = Counter(keys)
    people = Counter(map(_first, set(zip(keys, rows.persons, strict=True))))
    elements: dict[str, list[list[int]]] = {
        k: [[0] * len(ELEMENT_OUTCOMES) for _ in CORE_ELEMENTS] for k in checks
    }
    for element, column in enumerate(rows.columns):
        for (key, outcome), number in Counter(zip(keys, column, strict=True)).items():
            elements[key][element][outcome] += number
    all_six = Counter(compress(keys, rows.all_six))
    findings: dict[str, dict[str, int]] = {k: {} for k in checks}
    for (key, finding), number in Counter(zip(map(group_of, rows.finding_checks), rows.findings)).items():
        findings[key][finding] = number
    open_: Counter[tuple[str, bool]] = Counter(zip(map(group_of, rows.open_checks), rows.open_overdue))
    days: dict[str, dict[int, int]] = {}  # group -> days to closure -> follow-ups
    for (key, d), number in Counter(zip(map(group_of, rows.closed_checks), rows.closed_days)).items():
        days.setdefault(key, {})[d] = number
    referrals: dict[str, dict[str, int]] = {k: {} for k in checks}
    pairs = zip(map(group_of, rows.referral_checks), rows.referral_services)
    for (key, service), number in Counter(pairs).items():
        referrals[key][service] = number
    figures = {}
    for key, number in checks.items():
        closed, median, p90 = median_and_p90(days.get(key, {}))
        overdue = open_[(key, True)]
        figures[key] = Figures(
            key=key,
            checks=number,
            people=people[key],
            all_six_done=all_six[key],
            elements={e: ElementCounts(*elements[key][j]) for j, e in enumerate(CORE_ELEMENTS)},
            findings=sum(findings[key].values()),
            findings_by_kind=_most_first(findings[key]),
            follow_ups_open=overdue + open_[(key, False)],
            follow_ups_closed=closed,
            follow_ups_overdue=overdue,
            days_to_closure_median=median,
            days_to_closure_p90=p90,
            referrals_by_service=_most_first(referrals[key]),
        )
    return figures


def build_dashboard(checks: Sequence[DashboardCheck], *, today: date) -> Dashboard:
    """Count the team's checks (newest version of each) into every dashboard figure.

    An element missing from a row, or with a status this code does not know, counts as
    incomplete: the dashboard must never show an element as done that it cannot prove done.
    Each check is read once into plain columns (the per-element lookups run in C through
    `map`); each breakdown is then a handful of Counter passes: 10,000 checks take about a
    tenth of a second of processor time, some ten times a bare loop over them
    (bench/bench_dashboard.py).
    """
    start = period_start(today)
    outcome_of = _OUTCOME_INDEX.get
    rows = _Rows()
    workers: list[str] = []
    venues: list[str] = []
    months: list[str] = []
    month_of: dict[date, str] = {}
    masks: dict[tuple[int, ...], int] = {}
    done_in_period: dict[str, int] = {}  # person_key -> bit mask of core elements done in the period
    everyone: set[str] = set()
    seen_in_period: set[str] = set()
    for i, check in enumerate(checks):
        try:
            outcomes = tuple(map(outcome_of, map(check.elements.get, CORE_ELEMENTS, _MISSING), _UNKNOWN))
        except TypeError:  # an unhashable status: nothing this code knows
            outcomes = tuple(
                _OUTCOME_INDEX.get(v, _INCOMPLETE_INDEX) if isinstance(v, str) else _INCOMPLETE_INDEX
                for v in (check.elements.get(e) for e in CORE_ELEMENTS)
            )
        rows.outcomes.append(outcomes)
        rows.all_six.append(outcomes == _ALL_DONE)
        person = check.person_key
        rows.persons.append(person)
        workers.append(check.worker)
        venues.append(check.venue)
        visit = check.visit_date
        month = month_of.get(visit)
        if month is None:
            month = month_of[visit] = month_key(visit)
        months.append(month)
        if visit <= today:
            everyone.add(person)
            if visit >= start:
                seen_in_period.add(person)
                mask = masks.get(outcomes)
                if mask is None:
                    mask = masks[outcomes] = _done_mask(outcomes)
                if mask:
                    done_in_period[person] = done_in_period.get(person, 0) | mask
        if check.findings:
            rows.findings.extend(check.findings)
            rows.finding_checks.extend([i] * len(check.findings))
        for f in check.follow_ups:
            if f.closed_on is None:
                rows.open_checks.append(i)
                rows.open_overdue.append(f.due_on is not None and f.due_on < today)
            else:
                rows.closed_checks.append(i)
                rows.closed_days.append(max(0, (f.closed_on - f.opened_on).days))  # wrong clock: same day
            if f.kind == REFERRAL:
                rows.referral_checks.append(i)
                rows.referral_services.append(f.service or NO_SERVICE)
    rows.columns = list(zip(*rows.outcomes, strict=True)) if rows.outcomes else [() for _ in CORE_ELEMENTS]
    team = _figures_by([""] * len(rows.persons), rows).get("") or _figures_by_nothing()
    by_worker, by_venue, by_month = (_figures_by(keys, rows) for keys in (workers, venues, months))
    all_six_people = sum(1 for mask in done_in_period.values() if mask == _ALL_SIX_MASK)
    return Dashboard(
        today=today,
        team=team,
        national=NationalMeasure(start, today, len(everyone), len(seen_in_period), all_six_people),
        by_worker=tuple(by_worker[k] for k in sorted(by_worker, key=lambda k: (k.casefold(), k))),
        by_venue=tuple(by_venue[k] for k in sorted(by_venue, key=lambda k: (k.casefold(), k))),
        by_month=tuple(by_month[k] for k in sorted(by_month)),
    )


def _figures_by_nothing() -> Figures:
    """The team's figures when there are no checks: zeros, and no shares or days to show."""
    return Figures(
        key="",
        checks=0,
        people=0,
        all_six_done=0,
        elements={e: ElementCounts() for e in CORE_ELEMENTS},
        findings=0,
        findings_by_kind={},
        follow_ups_open=0,
        follow_ups_closed=0,
        follow_ups_overdue=0,
        days_to_closure_median=None,
        days_to_closure_p90=None,
        referrals_by_service={},
    )


# -- exports ----------------------------------------------------------------------------------------

CSV_HEADER: Final = ("breakdown", "group", "measure", "item", "value")
TEAM: Final = "team"
NATIONAL: Final = "national"
PERSONAL_EXPORT_ACTION: Final = "dashboard.export_personal_csv"
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


class PersonLabel(Protocol):
    """Who a check is about, as the review queue lists it (outreach.team.records.QueueRow has these)."""

    @property
    def chain_id(self) -> str: ...
    @property
    def person_name(self) -> str: ...
    @property
    def nhs_number(self) -> str | None: ...


def _cell(value: object) -> str:
    """One CSV cell; text a spreadsheet would run as a formula is prefixed with a quote mark."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    text = str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100.0 * share, 1)


def _figure_rows(breakdown: str, figures: Figures) -> Iterator[tuple[object, ...]]:
    group = figures.key
    yield breakdown, group, "checks", "", figures.checks
    yield breakdown, group, "people", "", figures.people
    yield breakdown, group, "all_six_done", "", figures.all_six_done
    yield breakdown, group, "all_six_done_percent", "", _percent(figures.all_six_share)
    for element, counts in figures.elements.items():
        for outcome in ELEMENT_OUTCOMES:
            yield breakdown, group, f"element_{outcome}", element, counts.count(outcome)
    yield breakdown, group, "findings", "", figures.findings
    for kind, number in figures.findings_by_kind.items():
        yield breakdown, group, "findings_by_kind", kind, number
    yield breakdown, group, "follow_ups_open", "", figures.follow_ups_open
    yield breakdown, group, "follow_ups_closed", "", figures.follow_ups_closed
    yield breakdown, group, "follow_ups_overdue", "", figures.follow_ups_overdue
    yield breakdown, group, "days_to_closure_median", "", figures.days_to_closure_median
    yield breakdown, group, "days_to_closure_p90", "", figures.days_to_closure_p90
    for service, number in figures.referrals_by_service.items():
        yield breakdown, group, "referrals_by_service", service, number


def aggregate_rows(dashboard: Dashboard) -> Iterator[tuple[object, ...]]:
    """Every figure as (breakdown, group, measure, item, value): counts only, no one's details.

    Groups are worker names, venue names and months; nothing names, numbers or keys a person.
    """
    national = dashboard.national
    yield NATIONAL, "", "as_of", "", dashboard.today.isoformat()
    yield NATIONAL, "", "period_start", "", national.period_start.isoformat()
    yield NATIONAL, "", "people_checked", "", national.people
    yield NATIONAL, "", "people_checked_in_period", "", national.people_in_period
    yield NATIONAL, "", "people_all_six_done_in_period", "", national.people_all_six
    yield NATIONAL, "", "people_all_six_done_percent", "", _percent(national.share)
    yield from _figure_rows(TEAM, dashboard.team)
    for breakdown in BREAKDOWNS:
        for figures in dashboard.breakdown(breakdown):
            yield from _figure_rows(breakdown, figures)


def to_csv(dashboard: Dashboard) -> str:
    """The aggregates as CSV text (no personal data), one figure per line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows([_cell(v) for v in row] for row in aggregate_rows(dashboard))
    return out.getvalue()


def write_aggregate_csv(dashboard: Dashboard, path: str | os.PathLike[str]) -> Path:
    """Save the aggregate CSV (owner-only, atomically); no audit entry, as it holds no personal data."""
    target = Path(path)
    _write_private(target, to_csv(dashboard).encode("utf-8-sig"))  # BOM: spreadsheets then read UTF-8
    return target


PERSONAL_HEADER: Final = (
    ("person_name", "nhs_number", "worker", "venue", "visit_date")
    + tuple(f"element_{e}" for e in CORE_ELEMENTS)
    + ("findings", "follow_ups_open", "follow_ups_overdue", "check_id")
)


def personal_csv(checks: Sequence[DashboardCheck], people: Iterable[PersonLabel], *, today: date) -> str:
    """One line per check with the person's name and NHS number: personal data. See export_personal_csv."""
    labels = {p.chain_id: p for p in people}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(PERSONAL_HEADER)
    for check in sorted(checks, key=lambda c: (c.visit_date, c.chain_id)):
        label = labels.get(check.chain_id)
        open_ = [f for f in check.follow_ups if f.closed_on is None]
        overdue = [f for f in open_ if f.due_on is not None and f.due_on < today]
        row: list[object] = [
            label.person_name if label else "",
            (label.nhs_number or "") if label else "",
            check.worker,
            check.venue,
            check.visit_date.isoformat(),
            *(check.elements.get(e, INCOMPLETE) for e in CORE_ELEMENTS),
            "; ".join(check.findings),
            len(open_),
            len(overdue),
            check.chain_id,
        ]
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def export_personal_csv(
    store: LocalStore,
    path: str | os.PathLike[str],
    checks: Sequence[DashboardCheck],
    people: Iterable[PersonLabel],
    *,
    today: date,
    personal_data_confirmed: bool,
) -> int:
    """Save the checks WITH names and NHS numbers, and put the export in the audit trail.

    The file leaves the app's encryption, so this is never a side effect of the figures
    export: the caller must pass `personal_data_confirmed=True` once the user has accepted
    the warning. The audit entry (who, when; never the file's name or folder, which can name
    a person or say where to find the file) commits in the same step as the file appears: the
    file is written aside, and renamed into place inside the audit entry's transaction, so a
    failed audit leaves no file and a failed rename leaves no entry. Returns the entry's number.
    """
    if personal_data_confirmed is not True:
        raise ValidationError("Exporting names and NHS numbers needs the warning to be accepted first.")
    target = Path(path)
    data = personal_csv(checks, people, today=today).encode("utf-8-sig")
    user = store.current_user
    tmp = _write_aside(target, data)
    try:
        with store.db.write() as conn:
            seq = store.audit.append(
                conn, PERSONAL_EXPORT_ACTION, user_id=user.name if user else None, table="checks"
            )
            _rename(tmp, target)
    except BaseException:
        remove_quietly(tmp)
        raise
    fsync_folder(target.parent)
    return seq


def _write_private(target: Path, data: bytes) -> None:
    """Owner-only and atomic (outreach.durable_files), with a failure in words."""
    try:
        write_atomic(target, data, mode=PRIVATE_FILE_MODE)
    except OSError as exc:
        raise _write_error(target, exc) from None


def _write_aside(target: Path, data: bytes) -> str:
    try:
        return write_beside(target, data, mode=PRIVATE_FILE_MODE)
    except OSError as exc:
        raise _write_error(target, exc) from None


def _rename(tmp: str, target: Path) -> None:
    try:
        os.replace(tmp, target)
    except OSError as exc:
        raise _write_error(target, exc) from None


def _write_error(target: Path, exc: OSError) -> StoreError:
    if exc.errno == errno.ENOSPC:
        return StorageFullError(
            f"The disk is full: {target.name} was not saved. Free some space and try again."
        )
    return StoreError(
        f"{target.name} cannot be saved there ({exc.strerror or exc.__class__.__name__}). "
        "Choose another folder."
    )


# -- the built figures, kept between openings -----------------------------------------------------------
# Counting 10,000 checks takes about a second; the figures themselves are a few hundred numbers. They are
# kept (sealed, by the store) as plain JSON so the dashboards open at once when nothing has changed since.

def _figures_json(f: Figures) -> dict[str, object]:
    return {
        "key": f.key, "checks": f.checks, "people": f.people, "all_six_done": f.all_six_done,
        "elements": {k: [c.done, c.declined, c.not_possible, c.incomplete] for k, c in f.elements.items()},
        "findings": f.findings, "findings_by_kind": dict(f.findings_by_kind),
        "follow_ups_open": f.follow_ups_open, "follow_ups_closed": f.follow_ups_closed,
        "follow_ups_overdue": f.follow_ups_overdue, "days_to_closure_median": f.days_to_closure_median,
        "days_to_closure_p90": f.days_to_closure_p90, "referrals_by_service": dict(f.referrals_by_service),
    }


def _figures_of(data: Mapping[str, Any]) -> Figures:
    def n(key: str) -> int:
        return int(data[key])

    def counts(key: str) -> dict[str, int]:
        return {str(k): int(v) for k, v in dict(data[key]).items()}

    median, p90 = data["days_to_closure_median"], data["days_to_closure_p90"]
    return Figures(
        key=str(data["key"]), checks=n("checks"), people=n("people"), all_six_done=n("all_six_done"),
        elements={str(k): ElementCounts(*map(int, v)) for k, v in dict(data["elements"]).items()},
        findings=n("findings"), findings_by_kind=counts("findings_by_kind"),
        follow_ups_open=n("follow_ups_open"), follow_ups_closed=n("follow_ups_closed"),
        follow_ups_overdue=n("follow_ups_overdue"),
        days_to_closure_median=None if median is None else float(median),
        days_to_closure_p90=None if p90 is None else int(p90),
        referrals_by_service=counts("referrals_by_service"),
    )


def dashboard_to_json(dashboard: Dashboard) -> dict[str, object]:
    """The built figures as plain JSON values (no names of people, no NHS numbers: only counts)."""
    nat = dashboard.national
    return {
        "today": dashboard.today.isoformat(),
        "team": _figures_json(dashboard.team),
        "national": [nat.period_start.isoformat(), nat.period_end.isoformat(), nat.people,
                     nat.people_in_period, nat.people_all_six],
        "by_worker": [_figures_json(f) for f in dashboard.by_worker],
        "by_venue": [_figures_json(f) for f in dashboard.by_venue],
        "by_month": [_figures_json(f) for f in dashboard.by_month],
    }


def dashboard_from_json(data: Mapping[str, Any]) -> Dashboard:
    """The figures `dashboard_to_json` wrote, exactly as built. KeyError/TypeError/ValueError if not that."""
    start, end, people, in_period, all_six = (str(data["national"][0]), str(data["national"][1]),
                                              *map(int, data["national"][2:]))
    return Dashboard(
        today=date.fromisoformat(str(data["today"])),
        team=_figures_of(data["team"]),
        national=NationalMeasure(date.fromisoformat(start), date.fromisoformat(end), int(people),
                                 int(in_period), int(all_six)),
        by_worker=tuple(_figures_of(f) for f in data["by_worker"]),
        by_venue=tuple(_figures_of(f) for f in data["by_venue"]),
        by_month=tuple(_figures_of(f) for f in data["by_month"]),
    )
