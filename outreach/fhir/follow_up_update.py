"""A follow-up's outcome, recorded after its check was sent, as a change to the server's Task.

The check's bundle created the Task (identifier = the follow-up's id) with status `requested`
(a referral) or `completed` (advice given, already under care ...). When the worker later records
what happened, the Task the GP, the trust and the supervisor see must say so. The change is
applied to the Task exactly as the server holds it (other systems may have added to it), and
sent as an update conditional on the version read (If-Match), so a change made meanwhile is
never overwritten: the sync reads it again and reapplies the outcome.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from outreach.fhir.identifiers import CODE_SYSTEM_BASE
from outreach.store.records import FollowUpRecord

OUTCOME_SYSTEM: Final = CODE_SYSTEM_BASE + "follow-up-outcome"
# Our outcome -> FHIR Task.status (R4 task-status) and the words for statusReason.
TASK_STATUS: Final = {
    "attended": ("completed", "Attended"),
    "closed": ("completed", "Closed by the worker"),
    "declined": ("cancelled", "Declined by the person"),
    "no_response": ("failed", "No response from the person"),
}


def updated_task(
    task: dict[str, Any], follow_up: FollowUpRecord, *, recorded_at: str
) -> dict[str, Any] | None:
    """The server's Task with this follow-up's outcome applied; None when it says so already.

    Only the outcome's own fields change (status, statusReason, lastModified, one note with the
    worker's outcome note), so whatever else the server or another system put there stays.
    """
    if follow_up.outcome not in TASK_STATUS:
        return None  # still open here: nothing to tell
    status, words = TASK_STATUS[follow_up.outcome]
    reason = {
        "coding": [{"system": OUTCOME_SYSTEM, "code": follow_up.outcome, "display": words}],
        "text": words,
    }
    if task.get("status") == status and task.get("statusReason") == reason:
        return None
    out = copy.deepcopy(task)
    out["status"] = status
    out["statusReason"] = reason
    out["lastModified"] = recorded_at
    note = follow_up.document.get("outcome_note")
    if note:
        text = f"Outcome: {words}. {note}"
        notes = [n for n in out.get("note", []) or [] if not str(n.get("text", "")).startswith("Outcome: ")]
        out["note"] = [*notes, {"text": text}]
    out.pop("meta", None)  # the server keeps its own version and time
    return out
