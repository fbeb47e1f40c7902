"""Dashboard figures against a small synthetic team counted by hand.

Today is 2 Dec 2026, so the national measure's 12 months run from 3 Dec 2025 to 2 Dec 2026
(both inclusive). Eight checks, six people (P1..P6), three workers, two venues:

Each check: person, worker, venue, visit date; core elements NOT done; findings; follow-ups.

- C1: P1, Ana, Food bank, 2026-11-30; all six done; bp-high;
  referral GP practice due 14 Dec, open.
- C2: P2, Ana, Hostel, 2026-11-01; smoking declined; bmi-raised, smoking-current;
  advice closed the same day (0 days); referral Stop smoking service due 15 Nov, open = OVERDUE.
- C3: P3, Ben, Food bank, 2026-10-31; lipids and glucose not possible; bp-high;
  referral GP practice closed 10 Nov (10 days).
- C4: P1 (a second check for P1), Ben, Hostel, 2025-06-01; all six done; no findings.
- C5: P4, Ana, Food bank, 2026-03-10; lipids declined, glucose incomplete; alcohol-increasing-risk;
  referral Drug and alcohol service closed 9 Apr (30 days).
- C6: P4, Ben, Food bank, 2026-06-15; weight, blood pressure, alcohol incomplete, smoking declined;
  glucose-high-risk; advice with no due date, open.
- C7: P5, Ben, Hostel, 2025-12-02; all six done; cholesterol-high;
  declined, due 2 Dec 2026 (= today), open: NOT overdue.
- C8: P6, Cat, Hostel, 2025-12-03; all six done; bmi-raised;
  already under care, closed 8 Dec (5 days).
"""

from __future__ import annotations

import csv
import io
import os
import random
import stat
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from outreach.checks.definition import CORE_ELEMENTS
from outreach.errors import StoreError, ValidationError
from outreach.store.crypto import TEST_KDF
from outreach.store.local_store import LocalStore
from outreach.team import dashboard as dash
from outreach.team.dashboard import (
    DashboardCheck,
    DashboardFollowUp,
    build_dashboard,
    percentile_nearest_rank,
    period_start,
    to_csv,
)

TODAY = date(2026, 12, 2)


def elements(**not_done: str) -> dict[str, str]:
    """All six core elements done, except those named."""
    values = dict.fromkeys(CORE_ELEMENTS, "done")
    values.update(not_done)
    return values


def fu(
    kind: str,
    opened: date,
    due: date | None,
    closed: date | None = None,
    *,
    finding: str = "x",
    service: str | None = None,
) -> DashboardFollowUp:
    return DashboardFollowUp(
        finding=finding, kind=kind, service=service, opened_on=opened, due_on=due, closed_on=closed
    )


def check(
    chain: str,
    person: str,
    worker: str,
    venue: str,
    visit: date,
    els: dict[str, str],
    findings: tuple[str, ...] = (),
    follow_ups: tuple[DashboardFollowUp, ...] = (),
) -> DashboardCheck:
    return DashboardCheck(
        chain_id=chain,
        person_key=person,
        worker=worker,
        venue=venue,
        visit_date=visit,
        elements=els,
        findings=findings,
        follow_ups=follow_ups,
    )


D = date
TEAM = [
    check(
        "C1",
        "P1",
        "Ana",
        "Food bank",
        D(2026, 11, 30),
        elements(),
        ("bp-high",),
        (fu("referral", D(2026, 11, 30), D(2026, 12, 14), service="GP practice"),),
    ),
    check(
        "C2",
        "P2",
        "Ana",
        "Hostel",
        D(2026, 11, 1),
        elements(smoking="declined"),
        ("bmi-raised", "smoking-current"),
        (
            fu("advice_given", D(2026, 11, 1), D(2026, 11, 15), D(2026, 11, 1)),
            fu("referral", D(2026, 11, 1), D(2026, 11, 15), service="Stop smoking service"),
        ),
    ),
    check(
        "C3",
        "P3",
        "Ben",
        "Food bank",
        D(2026, 10, 31),
        elements(lipids="not_possible", glucose="not_possible"),
        ("bp-high",),
        (fu("referral", D(2026, 10, 31), D(2026, 11, 14), D(2026, 11, 10), service="GP practice"),),
    ),
    check("C4", "P1", "Ben", "Hostel", D(2025, 6, 1), elements()),
    check(
        "C5",
        "P4",
        "Ana",
        "Food bank",
        D(2026, 3, 10),
        elements(lipids="declined", glucose="incomplete"),
        ("alcohol-increasing-risk",),
        (fu("referral", D(2026, 3, 10), D(2026, 3, 24), D(2026, 4, 9), service="Drug and alcohol service"),),
    ),
    check(
        "C6",
        "P4",
        "Ben",
        "Food bank",
        D(2026, 6, 15),
        elements(weight="incomplete", blood_pressure="incomplete", alcohol="incomplete", smoking="declined"),
        ("glucose-high-risk",),
        (fu("advice_given", D(2026, 6, 15), None),),
    ),
    check(
        "C7",
        "P5",
        "Ben",
        "Hostel",
        D(2025, 12, 2),
        elements(),
        ("cholesterol-high",),
        (fu("declined", D(2025, 12, 2), D(2026, 12, 2)),),
    ),
    check(
        "C8",
        "P6",
        "Cat",
        "Hostel",
        D(2025, 12, 3),
        elements(),
        ("bmi-raised",),
        (fu("already_under_care", D(2025, 12, 3), D(2025, 12, 17), D(2025, 12, 8)),),
    ),
]


@pytest.fixture(scope="module")
def board() -> dash.Dashboard:
    return build_dashboard(TEAM, today=TODAY)


def counts(figures: dash.Figures, element: str) -> tuple[int, int, int, int]:
    c = figures.elements[element]
    return c.done, c.declined, c.not_possible, c.incomplete


def test_six_element_completion_for_the_team(board: dash.Dashboard) -> None:
    team = board.team
    assert team.checks == 8
    assert team.people == 6  # P1 has two checks (C1, C4)
    assert team.all_six_done == 4  # C1, C4, C7, C8
    assert team.all_six_share == pytest.approx(0.5)
    # (done, declined, not possible, incomplete) per element
    assert counts(team, "weight") == (7, 0, 0, 1)  # incomplete: C6
    assert counts(team, "blood_pressure") == (7, 0, 0, 1)  # incomplete: C6
    assert counts(team, "lipids") == (6, 1, 1, 0)  # declined C5, not possible C3
    assert counts(team, "glucose") == (6, 0, 1, 1)  # not possible C3, incomplete C5
    assert counts(team, "alcohol") == (7, 0, 0, 1)  # incomplete C6
    assert counts(team, "smoking") == (6, 2, 0, 0)  # declined C2, C6
    assert list(team.elements) == list(CORE_ELEMENTS)
    assert all(team.elements[e].total == 8 for e in CORE_ELEMENTS)


def test_national_measure_counts_people_across_their_checks_in_the_12_months(board: dash.Dashboard) -> None:
    national = board.national
    assert (national.period_start, national.period_end) == (D(2025, 12, 3), TODAY)
    assert national.people == 6  # everyone ever checked
    assert national.people_in_period == 5  # not P5: C7 is on 2 Dec 2025, one day before the period
    # P1 (C1); P4 (C5 + C6: neither check has all six, together they do); P6 (C8 on the period's first day).
    # Not P2 (smoking declined: declining does not complete an element), not P3 (not possible), not P5.
    assert national.people_all_six == 3
    assert national.share == pytest.approx(0.5)


def test_national_measure_window_edges() -> None:
    done = elements()
    on_edge = [check("A", "PA", "Ana", "V", D(2025, 12, 2), done)]  # a year ago today: outside
    inside = [check("B", "PB", "Ana", "V", D(2025, 12, 3), done)]  # the day after: inside
    future = [check("C", "PC", "Ana", "V", D(2026, 12, 3), done)]  # after today: not counted at all
    assert build_dashboard(on_edge, today=TODAY).national.people_all_six == 0
    assert build_dashboard(inside, today=TODAY).national.people_all_six == 1
    later = build_dashboard(future, today=TODAY).national
    assert (later.people, later.people_all_six, later.share) == (0, 0, None)


def test_period_start_is_the_day_after_a_year_ago_even_on_29_february() -> None:
    assert period_start(D(2026, 12, 2)) == D(2025, 12, 3)
    assert period_start(D(2028, 2, 29)) == D(2027, 3, 1)
    assert period_start(D(2027, 1, 1)) == D(2026, 1, 2)


def test_findings_follow_ups_and_referrals_for_the_team(board: dash.Dashboard) -> None:
    team = board.team
    assert team.findings == 8
    assert team.findings_by_kind == {
        "bmi-raised": 2,
        "bp-high": 2,
        "alcohol-increasing-risk": 1,
        "cholesterol-high": 1,
        "glucose-high-risk": 1,
        "smoking-current": 1,
    }
    assert list(team.findings_by_kind)[:2] == ["bmi-raised", "bp-high"]  # most frequent first, then a-z
    assert (team.follow_ups_open, team.follow_ups_closed) == (4, 4)  # open: C1, C2 referral, C6, C7
    assert team.follow_ups == 8
    # Overdue: only C2's referral (due 15 Nov). C1 is due later, C6 has no due date, C7 is due today.
    assert team.follow_ups_overdue == 1
    # Days to closure: C2 advice 0, C8 5, C3 10, C5 30 -> median (5 + 10) / 2;
    # 90th percentile: rank ceil(0.9 * 4) = 4, the largest
    assert team.days_to_closure_median == pytest.approx(7.5)
    assert team.days_to_closure_p90 == 30
    assert team.referrals_by_service == {
        "GP practice": 2,
        "Drug and alcohol service": 1,
        "Stop smoking service": 1,
    }
    assert team.referrals == 4


def test_by_worker(board: dash.Dashboard) -> None:
    by = {f.key: f for f in board.by_worker}
    assert [f.key for f in board.by_worker] == ["Ana", "Ben", "Cat"]
    ana, ben, cat = by["Ana"], by["Ben"], by["Cat"]
    assert (ana.checks, ana.people, ana.all_six_done) == (3, 3, 1)  # C1, C2, C5; all six: C1
    assert (ben.checks, ben.people, ben.all_six_done) == (4, 4, 2)  # C3, C4, C6, C7; all six: C4, C7
    assert (cat.checks, cat.people, cat.all_six_done) == (1, 1, 1)  # C8
    assert (ana.follow_ups_open, ana.follow_ups_closed, ana.follow_ups_overdue) == (2, 2, 1)
    assert (ben.follow_ups_open, ben.follow_ups_closed, ben.follow_ups_overdue) == (2, 1, 0)
    assert (ana.days_to_closure_median, ana.days_to_closure_p90) == (15.0, 30)  # 0 and 30 days
    assert (ben.days_to_closure_median, ben.days_to_closure_p90) == (10.0, 10)
    assert (cat.days_to_closure_median, cat.days_to_closure_p90) == (5.0, 5)
    assert counts(ben, "smoking") == (3, 1, 0, 0)  # C6 declined
    assert ben.referrals_by_service == {"GP practice": 1}
    assert board.overdue_by_worker == {"Ana": 1}


def test_by_venue(board: dash.Dashboard) -> None:
    food, hostel = board.by_venue
    assert (food.key, food.checks, food.people, food.all_six_done) == ("Food bank", 4, 3, 1)  # C1 C3 C5 C6
    assert (hostel.key, hostel.checks, hostel.people, hostel.all_six_done) == (
        "Hostel",
        4,
        4,
        3,
    )  # C2 C4 C7 C8
    assert (food.follow_ups_overdue, hostel.follow_ups_overdue) == (0, 1)
    assert food.findings_by_kind == {"bp-high": 2, "alcohol-increasing-risk": 1, "glucose-high-risk": 1}
    assert counts(food, "lipids") == (2, 1, 1, 0)  # C1 C6 done, C5 declined, C3 n/p


def test_by_month_uses_the_visit_month_and_its_boundaries(board: dash.Dashboard) -> None:
    months = {f.key: (f.checks, f.all_six_done) for f in board.by_month}
    assert [f.key for f in board.by_month] == [
        "2025-06",
        "2025-12",
        "2026-03",
        "2026-06",
        "2026-10",
        "2026-11",
    ]
    assert months["2025-12"] == (2, 2)  # C7 (2 Dec) and C8 (3 Dec) in one month, either side of the window
    assert months["2026-10"] == (1, 0)  # C3 on 31 Oct stays in October
    assert months["2026-11"] == (2, 1)  # C2 on 1 Nov and C1 on 30 Nov
    november = board.by_month[-1]
    assert november.follow_ups_overdue == 1
    assert board.breakdown("month") is board.by_month
    with pytest.raises(ValueError):
        board.breakdown("postcode")


def test_unknown_or_missing_element_status_counts_as_incomplete() -> None:
    odd = check("X", "PX", "Ana", "V", TODAY, {"weight": "done", "blood_pressure": "maybe"})
    team = build_dashboard([odd], today=TODAY).team
    assert counts(team, "weight") == (1, 0, 0, 0)
    assert counts(team, "blood_pressure") == (0, 0, 0, 1)
    assert counts(team, "smoking") == (0, 0, 0, 1)
    assert team.all_six_done == 0


def test_no_checks_gives_no_shares_rather_than_zero() -> None:
    board = build_dashboard([], today=TODAY)
    assert board.team.checks == 0
    assert board.team.all_six_share is None
    assert board.team.days_to_closure_median is None and board.team.days_to_closure_p90 is None
    assert board.national.share is None
    assert board.by_worker == board.by_venue == board.by_month == ()


def test_nearest_rank_percentile() -> None:
    assert percentile_nearest_rank([], 0.9) is None
    assert percentile_nearest_rank([7], 0.9) == 7
    assert percentile_nearest_rank(list(range(1, 11)), 0.9) == 9  # rank 9 of 10
    assert percentile_nearest_rank(list(range(1, 12)), 0.9) == 10  # rank ceil(9.9) = 10 of 11


def test_days_counted_as_a_histogram_match_the_plain_median_and_percentile() -> None:
    rnd = random.Random(15)
    for size in (1, 2, 3, 10, 11, 57):
        days = [rnd.randrange(0, 60) for _ in range(size)]
        histogram = Counter(days)
        assert dash.median_and_p90(histogram) == (
            size,
            float(statistics.median(days)),
            percentile_nearest_rank(sorted(days), 0.9),
        )
    assert dash.median_and_p90({}) == (0, None, None)


# -- exports -----------------------------------------------------------------------------------------


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_aggregate_csv_holds_the_figures_and_no_personal_data(board: dash.Dashboard) -> None:
    text = to_csv(board)
    rows = rows_of(text)
    assert list(rows[0]) == list(dash.CSV_HEADER)

    def value(breakdown: str, group: str, measure: str, item: str = "") -> str:
        (row,) = [
            r
            for r in rows
            if (r["breakdown"], r["group"], r["measure"], r["item"]) == (breakdown, group, measure, item)
        ]
        return row["value"]

    assert value("national", "", "people_all_six_done_in_period") == "3"
    assert value("national", "", "people_all_six_done_percent") == "50.0"
    assert value("team", "", "all_six_done") == "4"
    assert value("team", "", "element_declined", "smoking") == "2"
    assert value("team", "", "element_not_possible", "lipids") == "1"
    assert value("team", "", "days_to_closure_median") == "7.5"
    assert value("worker", "Ana", "follow_ups_overdue") == "1"
    assert value("venue", "Hostel", "referrals_by_service", "Stop smoking service") == "1"
    assert value("month", "2026-11", "checks") == "2"
    for secret in ("P1", "P4", "C1", "C5"):  # person keys and check ids
        assert secret not in {cell for row in rows for cell in row.values()}


def test_csv_cells_that_a_spreadsheet_would_run_are_defused() -> None:
    sneaky = check("X", "PX", '=HYPERLINK("x")', "+venue", TODAY, elements())
    rows = rows_of(to_csv(build_dashboard([sneaky], today=TODAY)))
    groups = {r["group"] for r in rows}
    assert '\'=HYPERLINK("x")' in groups and "'+venue" in groups
    assert not any(g.startswith(("=", "+")) for g in groups)


def test_aggregate_file_is_owner_only_and_complete(board: dash.Dashboard, tmp_path: Path) -> None:
    path = dash.write_aggregate_csv(board, tmp_path / "figures.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert path.read_bytes().decode("utf-8-sig") == to_csv(board)
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["figures.csv"]  # no temp file left behind


@dataclass(frozen=True)
class Label:
    chain_id: str
    person_name: str
    nhs_number: str | None


PEOPLE = [Label("C1", "Testperson Alpha", "9990000018"), Label("C2", "Testperson Bravo", None)]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    s = LocalStore.create(
        tmp_path / "data",
        admin_name="Admin Testuser",
        admin_passphrase="synthetic passphrase one",
        kdf=TEST_KDF,
    )
    try:
        yield s
    finally:
        s.close()


def test_personal_export_needs_the_explicit_flag(store: LocalStore, tmp_path: Path) -> None:
    before = store.audit.count()
    with pytest.raises(ValidationError):
        dash.export_personal_csv(
            store, tmp_path / "people.csv", TEAM, PEOPLE, today=TODAY, personal_data_confirmed=False
        )
    assert not (tmp_path / "people.csv").exists()
    assert store.audit.count() == before


def test_personal_export_writes_names_and_an_audit_entry(store: LocalStore, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    seq = dash.export_personal_csv(store, path, TEAM, PEOPLE, today=TODAY, personal_data_confirmed=True)
    rows = rows_of(path.read_text(encoding="utf-8-sig"))
    assert len(rows) == 8
    c1 = next(r for r in rows if r["check_id"] == "C1")
    assert (c1["person_name"], c1["nhs_number"], c1["element_smoking"]) == (
        "Testperson Alpha",
        "9990000018",
        "done",
    )
    c2 = next(r for r in rows if r["check_id"] == "C2")
    assert (c2["nhs_number"], c2["follow_ups_open"], c2["follow_ups_overdue"]) == ("", "1", "1")
    assert next(r for r in rows if r["check_id"] == "C3")["person_name"] == ""  # no label: left blank
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    entry = store.audit.entries(limit=1)[0]
    assert (entry.seq, entry.action, entry.user_id) == (seq, dash.PERSONAL_EXPORT_ACTION, "Admin Testuser")
    assert entry.record_id is None  # never the file's name or folder
    assert store.audit.verify().ok


def test_personal_export_that_cannot_be_saved_leaves_no_file_and_no_entry(
    store: LocalStore, tmp_path: Path
) -> None:
    before = store.audit.count()
    target = tmp_path / "people.csv"
    target.mkdir()  # a folder in the way: the rename fails
    with pytest.raises(StoreError):
        dash.export_personal_csv(store, target, TEAM, PEOPLE, today=TODAY, personal_data_confirmed=True)
    assert store.audit.count() == before
    assert [p.name for p in tmp_path.iterdir() if p.name != "data"] == ["people.csv"]  # no temp file
