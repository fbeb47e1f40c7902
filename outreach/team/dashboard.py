"""Supervisor dashboards: the team's checks counted, without Qt and without personal data.

Why a separate, plain row type (`DashboardCheck`): the dashboards count thousands of checks,
and need only who did the check, where, when, what each core element came to, and what
happened to each finding. Decrypting and parsing whole check documents for that would be
slow, and handing names or NHS numbers to code that only counts would be needless exposure.
The team store produces these rows (`outreach.team.queue.dashboard_checks`, newest version
of each check only); everything here works from them alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

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
