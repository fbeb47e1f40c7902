"""A decision Task reads back as the decision that was written."""

from __future__ import annotations

from outreach.fhir.review_task import parse_decision_task, review_bundle, review_task

CHECK = "0f5e7a3c-2222-4b4b-8c8c-0123456789ab"


def _task(*, approved: bool, comment: str) -> dict[str, object]:
    task = review_task(
        decision_id="5c1d2b7e-1111-4a4a-9b9b-0123456789ab",
        approved=approved,
        comment=comment,
        by="Testother Supervisor",
        at="2026-11-30T10:00:00Z",
        check_id=CHECK,
        encounter_ref="Encounter/e1",
    )
    return {**task, "id": "review-1"}


def test_a_return_reads_back_with_its_comment_author_and_version() -> None:
    decision = parse_decision_task(_task(approved=False, comment="The weight looks wrong"))
    assert decision is not None
    assert decision.decision_id == "5c1d2b7e-1111-4a4a-9b9b-0123456789ab"
    assert decision.server_id == "review-1"
    assert decision.approved is False
    assert decision.check_id == CHECK
    assert (decision.comment, decision.by, decision.at) == (
        "The weight looks wrong",
        "Testother Supervisor",
        "2026-11-30T10:00:00Z",
    )


def test_an_approval_reads_back_as_one_and_is_sent_once_by_its_identifier() -> None:
    task = _task(approved=True, comment="")
    decision = parse_decision_task(task)
    assert decision is not None and decision.approved is True and decision.comment == ""
    [entry] = review_bundle(task, decision.decision_id)["entry"]
    assert entry["request"]["method"] == "POST"
    assert decision.decision_id in entry["request"]["ifNoneExist"]


def test_any_other_task_is_not_a_decision() -> None:
    task = _task(approved=True, comment="")
    assert parse_decision_task({**task, "identifier": []}) is None
    assert parse_decision_task({**task, "resourceType": "ServiceRequest"}) is None
