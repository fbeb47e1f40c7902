"""Supervisor dashboards: the team's checks counted, without Qt and without personal data.

Why a separate, plain row type (`DashboardCheck`): the dashboards count thousands of checks,
and need only who did the check, where, when, what each core element came to, and what
happened to each finding. Decrypting and parsing whole check documents for that would be
slow, and handing names or NHS numbers to code that only counts would be needless exposure.
The team store produces these rows (`outreach.team.queue.dashboard_checks`, newest version
of each check only); everything here works from them alone.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import math
import os
import statistics
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol

from outreach.checks.definition import CORE_ELEMENTS
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

    finding: str              # finding rule id
    kind: str                 # referral | advice_given | already_under_care | declined | clinician_override
    service: str | None       # service name for referrals
    opened_on: date
    due_on: date | None
    closed_on: date | None    # None = still open


@dataclass(frozen=True)
class DashboardCheck:
    """One check (the newest version of its chain) as the dashboards count it."""

    chain_id: str
    person_key: str           # pseudonymous key for "people" counts (never a name or NHS number)
    worker: str
    venue: str
    visit_date: date
    elements: Mapping[str, str]   # each of CORE_ELEMENTS -> "done" | "declined" | "not_possible" | "incomplete"
    findings: tuple[str, ...]     # finding rule ids
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

    key: str                                  # worker name, venue name, "YYYY-MM", or "" for the whole team
    checks: int
    people: int                               # distinct people among these checks
    all_six_done: int                         # checks with every core element done
    elements: Mapping[str, ElementCounts]     # CORE_ELEMENTS order
    findings: int
    findings_by_kind: Mapping[str, int]       # finding rule id -> number, most frequent first
    follow_ups_open: int
    follow_ups_closed: int
    follow_ups_overdue: int                   # due before today and not closed
    days_to_closure_median: float | None      # over closed follow-ups; None when none is closed
    days_to_closure_p90: int | None           # nearest-rank 90th percentile
    referrals_by_service: Mapping[str, int]   # service name -> referrals, most frequent first

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

    period_start: date                        # first day in the period (inclusive)
    period_end: date                          # last day in the period (inclusive): "today"
    people: int                               # everyone the team has checked, up to period_end
    people_in_period: int                     # of whom checked at least once in the period
    people_all_six: int                       # of whom with all six elements done in the period

    @property
    def share(self) -> float | None:
        return self.people_all_six / self.people if self.people else None


@dataclass(frozen=True)
class Dashboard:
    """The team's figures as of `today`, for the whole team and by worker, venue and visit month."""

    today: date
    team: Figures
    national: NationalMeasure
    by_worker: tuple[Figures, ...]            # by name
    by_venue: tuple[Figures, ...]             # by name
    by_month: tuple[Figures, ...]             # oldest month first

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


class _Tally:
    """Running counts for one group while the checks are read once."""

    __slots__ = ("all_six", "checks", "closed", "days", "elements", "findings", "open", "overdue", "people",
                 "referrals")

    def __init__(self) -> None:
        self.checks = 0
        self.people: set[str] = set()
        self.all_six = 0
        self.elements: dict[str, list[int]] = {e: [0, 0, 0, 0] for e in CORE_ELEMENTS}
        self.findings: dict[str, int] = {}
        self.open = 0
        self.closed = 0
        self.overdue = 0
        self.days: list[int] = []
        self.referrals: dict[str, int] = {}

    def freeze(self, key: str) -> Figures:
        days = sorted(self.days)
        return Figures(
            key=key,
            checks=self.checks,
            people=len(self.people),
            all_six_done=self.all_six,
            elements={e: ElementCounts(*self.elements[e]) for e in CORE_ELEMENTS},
            findings=sum(self.findings.values()),
            findings_by_kind=_most_first(self.findings),
            follow_ups_open=self.open,
            follow_ups_closed=self.closed,
            follow_ups_overdue=self.overdue,
            days_to_closure_median=float(statistics.median(days)) if days else None,
            days_to_closure_p90=percentile_nearest_rank(days, P90),
            referrals_by_service=_most_first(self.referrals),
        )


def _most_first(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold(), item[0])))


_OUTCOME_INDEX: Final = {outcome: i for i, outcome in enumerate(ELEMENT_OUTCOMES)}
_INCOMPLETE_INDEX: Final = _OUTCOME_INDEX[INCOMPLETE]


def build_dashboard(checks: Sequence[DashboardCheck], *, today: date) -> Dashboard:
    """Count the team's checks (newest version of each) into every dashboard figure, in one pass.

    An element missing from a row, or with a status this code does not know, counts as
    incomplete: the dashboard must never show an element as done that it cannot prove done.
    """
    start = period_start(today)
    team = _Tally()
    groups: tuple[dict[str, _Tally], dict[str, _Tally], dict[str, _Tally]] = ({}, {}, {})
    done_in_period: dict[str, set[str]] = {}   # person_key -> core elements done in the period
    everyone: set[str] = set()
    seen_in_period: set[str] = set()
    for check in checks:
        indexes = [_OUTCOME_INDEX.get(check.elements.get(e, INCOMPLETE), _INCOMPLETE_INDEX)
                   for e in CORE_ELEMENTS]
        all_six = all(i == 0 for i in indexes)
        in_period = start <= check.visit_date <= today
        if check.visit_date <= today:
            everyone.add(check.person_key)
        if in_period:
            seen_in_period.add(check.person_key)
            done = [e for e, i in zip(CORE_ELEMENTS, indexes, strict=True) if i == 0]
            if done:
                done_in_period.setdefault(check.person_key, set()).update(done)
        follow_up_facts = [
            (f.closed_on is None,
             f.closed_on is None and f.due_on is not None and f.due_on < today,
             0 if f.closed_on is None else max(0, (f.closed_on - f.opened_on).days),  # wrong clock: same day
             (f.service or NO_SERVICE) if f.kind == REFERRAL else None)
            for f in check.follow_ups
        ]
        keys = (check.worker, check.venue, month_key(check.visit_date))
        tallies = [team]
        for table, key in zip(groups, keys, strict=True):
            tally = table.get(key)
            if tally is None:
                tally = table[key] = _Tally()
            tallies.append(tally)
        for tally in tallies:
            tally.checks += 1
            tally.people.add(check.person_key)
            if all_six:
                tally.all_six += 1
            elements = tally.elements
            for element, index in zip(CORE_ELEMENTS, indexes, strict=True):
                elements[element][index] += 1
            findings = tally.findings
            for finding in check.findings:
                findings[finding] = findings.get(finding, 0) + 1
            for is_open, overdue, days, service in follow_up_facts:
                if is_open:
                    tally.open += 1
                    if overdue:
                        tally.overdue += 1
                else:
                    tally.closed += 1
                    tally.days.append(days)
                if service is not None:
                    tally.referrals[service] = tally.referrals.get(service, 0) + 1
    all_six_people = sum(1 for done in done_in_period.values() if len(done) == len(CORE_ELEMENTS))
    by_worker, by_venue, by_month = groups
    return Dashboard(
        today=today,
        team=team.freeze(""),
        national=NationalMeasure(start, today, len(everyone), len(seen_in_period), all_six_people),
        by_worker=tuple(by_worker[k].freeze(k) for k in sorted(by_worker, key=lambda k: (k.casefold(), k))),
        by_venue=tuple(by_venue[k].freeze(k) for k in sorted(by_venue, key=lambda k: (k.casefold(), k))),
        by_month=tuple(by_month[k].freeze(k) for k in sorted(by_month)),
    )


# -- exports ----------------------------------------------------------------------------------------

CSV_HEADER: Final = ("breakdown", "group", "measure", "item", "value")
TEAM: Final = "team"
NATIONAL: Final = "national"
PERSONAL_EXPORT_ACTION: Final = "dashboard.export_personal_csv"
PRIVATE_FILE_MODE: Final = 0o600
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
            label.person_name if label else "", (label.nhs_number or "") if label else "",
            check.worker, check.venue, check.visit_date.isoformat(),
            *(check.elements.get(e, INCOMPLETE) for e in CORE_ELEMENTS),
            "; ".join(check.findings), len(open_), len(overdue), check.chain_id,
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
            seq = store.audit.append(conn, PERSONAL_EXPORT_ACTION, user_id=user.name if user else None,
                                     table="checks")
            _rename(tmp, target)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    _fsync_dir(target.parent)
    return seq


def _write_private(target: Path, data: bytes) -> None:
    """Owner-only, atomic: temp file made 0600 before any byte, fsync, rename into place."""
    tmp = _write_aside(target, data)
    try:
        _rename(tmp, target)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    _fsync_dir(target.parent)


def _write_aside(target: Path, data: bytes) -> str:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _write_error(target, exc) from None
    try:
        with contextlib.suppress(OSError):  # mkstemp made it 0600 already; some file systems refuse chmod
            os.chmod(tmp, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        _unlink_quietly(tmp)
        raise _write_error(target, exc) from None
    return tmp


def _rename(tmp: str, target: Path) -> None:
    try:
        os.replace(tmp, target)
    except OSError as exc:
        raise _write_error(target, exc) from None


def _write_error(target: Path, exc: OSError) -> StoreError:
    if exc.errno == errno.ENOSPC:
        return StorageFullError(f"The disk is full: {target.name} was not saved. Free some space and try again.")
    return StoreError(f"{target.name} cannot be saved there ({exc.strerror or exc.__class__.__name__}). "
                      "Choose another folder.")


def _unlink_quietly(tmp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable (POSIX); Windows cannot open folders and does not need it."""
    if os.name == "nt":  # pragma: no cover
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
