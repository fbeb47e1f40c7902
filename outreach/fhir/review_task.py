"""A supervisor's review decision as a FHIR R4 Task, and back.

Why a Task: the worker's laptop already pulls Tasks about its checks (`outreach.fhir.inbound.
parse_review_task`) and words them from the status alone, so any FHIR server and any other
review tool give the same words: `completed` is an approval; `requested` asks the worker to act
(a return, with the comment in `note`). The focus is the Encounter of the version decided on,
both as the server's literal reference and by our check identifier, so a laptop that has not
learnt the server's ids yet still finds its check.

Each decision carries its own identifier (a random UUID made when the supervisor decides), and
is sent as a conditional create on it, so a resend after a lost answer creates nothing new.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from outreach.fhir import codes
from outreach.fhir.identifiers import (
    CHECK_SYSTEM,
    CODE_SYSTEM_BASE,
    ID_BASE,
    identifier,
    identifier_value,
    if_none_exist,
)

REVIEW_SYSTEM: Final = ID_BASE + "review-decision"  # Task: the decision's own id
REVIEW_OUTCOME_SYSTEM: Final = CODE_SYSTEM_BASE + "review-outcome"
APPROVED_WORDS: Final = "Approved"
RETURNED_WORDS: Final = "Returned with comments"


@dataclass(frozen=True, slots=True)
class ReviewDecisionTask:
    """What a decision Task says, read back from the shared record."""

    decision_id: str
    server_id: str
    approved: bool
    check_id: str | None  # the version decided on (our check identifier in the focus)
    comment: str
    by: str
    at: str


def review_task(*, decision_id: str, approved: bool, comment: str, by: str, at: str, check_id: str,
                encounter_ref: str | None, patient_ref: str | None = None,
                practitioner_ref: str | None = None, worker: str | None = None) -> dict[str, Any]:
    """The Task for one decision (plain JSON, ready to send)."""
    words = APPROVED_WORDS if approved else RETURNED_WORDS
    focus: dict[str, Any] = {"type": "Encounter", "identifier": identifier(CHECK_SYSTEM, check_id)}
    if encounter_ref:
        focus["reference"] = encounter_ref
    task: dict[str, Any] = {
        "resourceType": "Task",
        "identifier": [identifier(REVIEW_SYSTEM, decision_id)],
        "status": "completed" if approved else "requested",
        "businessStatus": {
            "coding": [{"system": REVIEW_OUTCOME_SYSTEM, "code": "approved" if approved else "returned",
                        "display": words}],
            "text": words,
        },
        "intent": "order",
        # R4 task-code: "approve" (activate/approve the focal resource), "change" (change the focal resource).
        "code": {"coding": [{"system": codes.TASK_CODE, "code": "approve" if approved else "change",
                             "display": "Activate/approve the focal resource" if approved
                             else "Change the focal resource"}]},
        "description": words if approved else f"{words}: please amend the check and send it again.",
        "focus": focus,
        "authoredOn": at,
        "lastModified": at,
        "requester": {"display": by},
    }
    if patient_ref:
        task["for"] = {"reference": patient_ref}
    if practitioner_ref or worker:
        owner: dict[str, Any] = {}
        if practitioner_ref:
            owner["reference"] = practitioner_ref
        if worker:
            owner["display"] = worker
        task["owner"] = owner
    if comment:
        task["note"] = [{"authorString": by, "time": at, "text": comment}]
    return task


def review_bundle(task: Mapping[str, Any], decision_id: str) -> dict[str, Any]:
    """A one-entry transaction: a conditional create on the decision's identifier."""
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [{
            "fullUrl": f"urn:uuid:{decision_id}",
            "resource": dict(task),
            "request": {"method": "POST", "url": "Task",
                        "ifNoneExist": if_none_exist(REVIEW_SYSTEM, decision_id)},
        }],
    }


def is_review_task(resource: Mapping[str, Any]) -> bool:
    return identifier_value(resource, REVIEW_SYSTEM) is not None


def parse_decision_task(resource: Mapping[str, Any]) -> ReviewDecisionTask | None:
    """A decision Task written by this app (None for any other Task)."""
    decision_id = identifier_value(resource, REVIEW_SYSTEM)
    if decision_id is None or resource.get("resourceType") != "Task":
        return None
    focus = _mapping(resource.get("focus"))
    ident = _mapping(focus.get("identifier"))
    check_id = str(ident["value"]) if ident.get("system") == CHECK_SYSTEM and ident.get("value") else None
    notes = [n for n in resource.get("note") or [] if isinstance(n, Mapping) and n.get("text")]
    requester = _mapping(resource.get("requester"))
    by = str(requester.get("display") or (notes[0].get("authorString") if notes else "") or "")
    return ReviewDecisionTask(
        decision_id=decision_id,
        server_id=str(resource.get("id") or ""),
        approved=resource.get("status") == "completed",
        check_id=check_id,
        comment="\n".join(str(n["text"]) for n in notes),
        by=by,
        at=str(resource.get("authoredOn") or (resource.get("meta") or {}).get("lastUpdated") or ""),
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


