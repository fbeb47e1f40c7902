"""The records the store hands out: plain frozen dataclasses, already decrypted.

They carry ids and versions so a caller can say exactly which row it means, and
plain dicts for the documents whose inner shape belongs to other parts of the
product (answers, findings, follow-up decisions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PERSON_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "nhs_number",
    "ethnic_category",
    "postcode",
    "phone",
    "gp_practice",
    "preferred_language",
    "communication_needs",
)


@dataclass(frozen=True)
class PersonDetails:
    """Demographics as the worker or a caseload file gives them (all encrypted at rest)."""

    given_name: str
    family_name: str
    date_of_birth: str  # YYYY-MM-DD
    sex: str = "unknown"  # female | male | other | unknown
    nhs_number: str | None = None  # ten digits, already validated
    ethnic_category: str | None = None
    postcode: str | None = None
    phone: str | None = None
    gp_practice: str | None = None
    preferred_language: str | None = None
    communication_needs: str | None = None

    def to_document(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in PERSON_FIELDS}

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> PersonDetails:
        values: dict[str, Any] = {name: doc.get(name) for name in PERSON_FIELDS if name in doc}
        return cls(**values)


@dataclass(frozen=True)
class PersonRecord:
    id: str
    version: int
    details: PersonDetails
    created_at: str
    updated_at: str

    @property
    def display_name(self) -> str:
        return f"{self.details.given_name} {self.details.family_name}".strip()


@dataclass(frozen=True)
class CheckRecord:
    id: str
    person_id: str
    session_id: str | None
    amends_id: str | None
    edition: int
    status: str  # draft | finalised
    definition_version: str
    version: int
    created_at: str
    created_by: str | None
    updated_at: str
    finalised_at: str | None
    finalised_by: str | None
    document: dict[str, Any]  # {"answers": {...}, "element_status": {...}, "decisions": {...}, "notes": str}

    @property
    def answers(self) -> dict[str, Any]:
        return dict(self.document.get("answers", {}))

    @property
    def element_status(self) -> dict[str, Any]:
        return dict(self.document.get("element_status", {}))

    @property
    def decisions(self) -> dict[str, Any]:
        return dict(self.document.get("decisions", {}))

    @property
    def is_final(self) -> bool:
        return self.status == "finalised"


@dataclass(frozen=True)
class FindingRecord:
    id: str
    check_id: str
    position: int
    document: dict[str, Any]  # the finding as evaluated: rule_id, title, severity, reason, source ...

    @property
    def rule_id(self) -> str:
        return str(self.document.get("rule_id", ""))


@dataclass(frozen=True)
class FollowUpRecord:
    id: str
    check_id: str
    finding_id: str
    person_id: str
    version: int
    state: str  # open | closed
    outcome: str | None  # attended | declined | no_response | closed
    due_on: str | None
    created_at: str
    updated_at: str
    document: dict[str, Any]  # {"decision": {...}, "outcome_note": str|None, "rule_id": ...}


@dataclass(frozen=True)
class ConsentRecord:
    id: str
    person_id: str
    check_id: str | None
    scope: str  # check | gp | mental_health_trust | charity
    granted: bool
    recorded_at: str
    recorded_by: str | None
    note: str | None


@dataclass(frozen=True)
class OutboxItem:
    id: str
    check_id: str
    kind: str
    state: str  # queued | sending | sent | failed
    attempts: int
    created_at: str
    updated_at: str
    next_attempt_at: str | None
    server_ref: str | None
    last_error: str | None


@dataclass(frozen=True)
class FinalisedCheck:
    check: CheckRecord
    findings: list[FindingRecord]
    follow_ups: list[FollowUpRecord]
    outbox_item: OutboxItem


@dataclass(frozen=True)
class VenueRecord:
    id: str
    name: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    user_id: str | None
    action: str
    table_name: str | None
    record_id: str | None


@dataclass(frozen=True)
class AuditVerification:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    message: str = ""
