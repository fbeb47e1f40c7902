"""Reviews: what a supervisor said about checks sent from this laptop (the worker's side).

A supervisor reviews a check on the shared record and leaves a FHIR Task pointing at it; sync
brings it down (`outreach.store.sync_state`, sealed in the store). The state of a review is
decided from the Task's status alone, so that any shared record that follows FHIR gives the
same answer: a finished Task is an approval, a withdrawn one is withdrawn, anything still open
asks something of the worker. The words for each state belong to the view (`ui.home.reviews`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from outreach.store.local_store import LocalStore
from outreach.store.records import CheckRecord, FollowUpRecord, PersonRecord
from ui.ops.home import load_person
from ui.tasks import blocking

RETURNED = "returned"
AMENDED = "amended"  # returned, and this laptop has since finalised an amendment of that version
APPROVED = "approved"
WITHDRAWN = "withdrawn"
_WITHDRAWN_STATUSES = ("cancelled", "rejected", "entered-in-error")


@dataclass(frozen=True)
class ReviewLine:
    """One review as the worker sees it."""

    review_id: str
    check_id: str
    person_id: str
    person_name: str
    finalised_at: str | None
    state: str  # returned | amended | approved | withdrawn
    summary: str  # the Task's description (or business status)
    business_status: str | None
    comments: tuple[str, ...]  # the supervisor's notes, oldest first
    owner: str | None
    updated: str  # the server's lastUpdated

    def comment_text(self) -> str:
        parts = [self.summary] if self.summary else []
        parts += [c for c in self.comments if c and c != self.summary]
        return "\n".join(parts)


def _review_state(status: str) -> str:
    """FHIR Task.status -> returned | approved | withdrawn."""
    if status == "completed":
        return APPROVED
    if status in _WITHDRAWN_STATUSES:
        return WITHDRAWN
    return RETURNED


def _answered(state: str, amended_since: bool) -> str:
    """A returned version that the worker has since amended asks nothing more of them: its
    amendment went to the supervisor, whose review of it will say approved or returned again."""
    return AMENDED if state == RETURNED and amended_since else state


def _lines(store: LocalStore, reviews: list[Any]) -> list[ReviewLine]:
    ids = sorted({r.check_id for r in reviews if r.check_id})
    owners = store.checks.owners_and_finalised(ids)
    amended = store.checks.superseded(ids)
    names: dict[str, str] = {}
    lines = []
    for review in reviews:
        if review.check_id not in owners:
            continue
        person_id, finalised_at = owners[review.check_id]
        if person_id not in names:
            hit = store.people_index.get(person_id)
            names[person_id] = (
                f"{hit.given_name} {hit.family_name}".strip()
                if hit is not None
                else store.people.get(person_id).display_name
            )
        doc = review.document
        lines.append(
            ReviewLine(
                review_id=review.id,
                check_id=review.check_id,
                person_id=person_id,
                person_name=names[person_id],
                finalised_at=finalised_at,
                state=_answered(_review_state(review.status), review.check_id in amended),
                summary=str(doc.get("description") or doc.get("business_status") or ""),
                business_status=doc.get("business_status"),
                comments=tuple(str(n) for n in doc.get("notes") or ()),
                owner=doc.get("owner"),
                updated=review.last_updated,
            )
        )
    return lines


def _states(store: LocalStore, check_ids: list[str]) -> dict[str, str]:
    """check id -> the state of its newest review, for the checks that have one."""
    from outreach.store import sync_state

    out: dict[str, str] = {}
    amended = store.checks.superseded(check_ids)
    for check_id in check_ids:
        reviews = sync_state.reviews_for_check(store, check_id)
        if reviews:
            newest = max(reviews, key=lambda r: r.last_updated)
            out[check_id] = _answered(_review_state(newest.status), check_id in amended)
    return out


@blocking
def load_reviews(store: LocalStore) -> list[ReviewLine]:
    """Every review of a check from this laptop: returned ones still to answer first, then approvals,
    returned ones answered by an amendment, withdrawals; newest first within each."""
    from outreach.store import sync_state

    lines = _lines(store, sync_state.list_reviews(store))
    order = {RETURNED: 0, APPROVED: 1, AMENDED: 2, WITHDRAWN: 3}
    lines.sort(key=lambda line: line.updated, reverse=True)
    lines.sort(key=lambda line: order.get(line.state, 4))
    return lines


@blocking
def load_check_reviews(store: LocalStore, check_id: str) -> list[ReviewLine]:
    """The reviews of one check, newest first (for the comments above an opened check)."""
    from outreach.store import sync_state

    lines = _lines(store, sync_state.reviews_for_check(store, check_id))
    return sorted(lines, key=lambda line: line.updated, reverse=True)


@blocking
def load_person_with_reviews(
    store: LocalStore, person_id: str
) -> tuple[tuple[PersonRecord, list[CheckRecord], list[FollowUpRecord]], dict[str, str]]:
    """The person (`ui.ops.home.load_person`) and their checks' review states, in one task."""
    overview = load_person(store, person_id)
    return overview, _states(store, [c.id for c in overview[1] if c.is_final])
