"""What the supervisor's review side hands out: plain frozen records, already unsealed.

The review screens (queue, check, decisions) and the dashboards are built on these alone, so
they never see the store's tables or the FHIR resources the checks came down as.

Review states, as the form platforms supervisors know name them:
received (no decision yet), returned (the last decision returned this version and nothing
newer came), resubmitted (the worker sent a new version after a return), approved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from outreach.store.records import CheckRecord, FindingRecord, FollowUpRecord, PersonRecord

RECEIVED, RETURNED, RESUBMITTED, APPROVED = "received", "returned", "resubmitted", "approved"
REVIEW_STATES = (RECEIVED, RETURNED, RESUBMITTED, APPROVED)
STATE_WORDS = {
    RECEIVED: "Received",
    RETURNED: "Returned with comments",
    RESUBMITTED: "Resubmitted",
    APPROVED: "Approved",
}


@dataclass(frozen=True)
class QueueFilter:
    worker: str | None = None  # worker display name as on the check
    venue: str | None = None
    date_from: date | None = None  # visit date, inclusive
    date_to: date | None = None
    states: frozenset[str] = frozenset()  # empty = every state
    today: date | None = None  # for "oldest first" ageing; None = date.today()


@dataclass(frozen=True)
class QueueRow:
    chain_id: str  # the first version's check id: what a supervisor reviews (all its versions)
    check_id: str  # the newest version's check id
    edition: int  # 1 = first version, 2 = first amendment ...
    person_name: str
    nhs_number: str | None
    worker: str
    venue: str
    visit_date: date
    received_at: str  # when the newest version reached the shared record (server lastUpdated)
    urgent: bool  # any finding of severity "urgent" in the newest version
    findings: int  # number of findings in the newest version
    state: str  # one of REVIEW_STATES
    age_days: int = 0  # days since the visit, on the filter's `today`


@dataclass(frozen=True)
class ChangedAnswer:
    label: str
    before: str
    after: str  # words as the check shows them


@dataclass(frozen=True)
class VersionInfo:
    edition: int
    check_id: str
    finalised_at: str
    reason: str | None
    changes: tuple[ChangedAnswer, ...]  # vs the previous version (empty for the first)


@dataclass(frozen=True)
class Decision:
    decision_id: str
    chain_id: str
    check_id: str
    approved: bool
    comment: str
    by: str
    at: str
    sent: bool  # confirmed by the shared record
    edition: int = 0  # the version decided on (0 when that version is not here)
    error: str | None = None  # why it has not gone yet, in words, when the last try failed


@dataclass(frozen=True)
class TeamCheckView:
    chain_id: str
    check_id: str
    edition: int
    state: str
    check: CheckRecord  # the newest version in the worker's own document format (outreach.store.records)
    person: PersonRecord  # as the worker recorded them (what the check's Patient says)
    worker: str
    venue: str
    visit_date: date
    findings: tuple[FindingRecord, ...]
    follow_ups: tuple[FollowUpRecord, ...]  # the follow-up decided for each finding, with its current status
    # e.g. "Agreed to the check; agreed to share with the GP practice; recorded 3 Nov 2026."
    consent_words: str
    versions: tuple[VersionInfo, ...]  # oldest first
    decisions: tuple[Decision, ...]  # oldest first
