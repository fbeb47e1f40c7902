"""A supervisor's decision on a team check: approve it, or return it with comments.

The decision is kept here at once (the supervisor may be offline), with the FHIR Task that says
it built once and sent as it is by the next sync: a conditional create on the decision's own
identifier, so it reaches the shared record exactly once however often it is resent. The
queue shows the new state straight away; `Decision.sent` says when the shared record has it.
Every decision is in the audit trail ("review.approve" / "review.return").
"""

from __future__ import annotations

import uuid

from outreach.errors import ValidationError
from outreach.fhir.review_task import review_task
from outreach.store import team_repo
from outreach.store.database import utc_now
from outreach.store.local_store import LocalStore
from outreach.team.queue import decisions_of
from outreach.team.records import Decision

MAX_COMMENT_CHARS = 4000  # a few paragraphs: a return says what to correct, not a report


def decide(store: LocalStore, chain_id: str, *, approve: bool, comment: str, user: str,
           check_id: str | None = None) -> Decision:
    """Approve the newest version of a chain, or return it with a comment (required).

    `check_id`, when given, is the version the supervisor was looking at: if a newer version has
    come down meanwhile, the decision is refused so nobody approves what they have not read.
    Raises ValidationError in plain words.
    """
    text = (comment or "").strip()
    if not approve and not text:
        raise ValidationError(
            "Say what needs changing before returning the check: the worker sees your comment with it.",
            item="comment")
    if len(text) > MAX_COMMENT_CHARS:
        raise ValidationError(
            f"The comment is too long ({len(text)} characters; at most {MAX_COMMENT_CHARS}). Shorten it.",
            item="comment")
    if not (user or "").strip():
        raise ValidationError("Sign in to review checks: a decision needs a name.", item="user")
    versions = team_repo.chain_versions(store, chain_id)
    if not versions:
        raise ValidationError(
            "This check is not on this laptop, so it cannot be reviewed here.", item="chain"
        )
    newest = versions[-1]
    if check_id is not None and check_id != newest.check_id:
        raise ValidationError(
            f"A newer version of this check has arrived (version {newest.edition}). Open it again and "
            "review the newest version.", item="version")
    row = team_repo.chain_row(store, chain_id)
    if row is not None and row.check_id != newest.check_id:  # pragma: no cover - kept equal by the store
        raise ValidationError("This check changed while it was open. Open it again.", item="version")
    already = [d for d in team_repo.decisions_for(store, chain_id) if d.check_id == newest.check_id]
    if already and already[-1].approved and approve:
        raise ValidationError("This version is already approved.", item="version")
    decision_id = str(uuid.uuid4())
    at = utc_now()
    doc = newest.doc
    task = review_task(
        decision_id=decision_id, approved=approve, comment=text, by=user.strip(), at=at,
        check_id=newest.check_id, encounter_ref=newest.encounter_ref,
        patient_ref=doc.get("patient_ref"), practitioner_ref=doc.get("practitioner_ref"),
        worker=doc.get("worker"),
    )
    data = {"comment": text, "by": user.strip(), "at": at, "task": task}
    team_repo.add_decision(
        store, decision_id=decision_id, chain_id=chain_id, check_id=newest.check_id, approved=approve,
        data=data, action="review.approve" if approve else "review.return", user=user.strip(),
    )
    return next(d for d in decisions_of(store, chain_id) if d.decision_id == decision_id)
