"""One check context: the single place that says what a check *is* on its visit day.

Everything that shows, summarises, sends or freezes a check reads it through
`check_context` so they cannot disagree:

- **the visit date.** A check happens on the day it was started. An amendment corrects the
  *same visit*, so it keeps the original visit's date (an amendment made after the person's
  birthday still works out their age on the visit day; the shared record, whose Encounter
  period and Observation times are the first version's, says the same). The date is taken
  from the first version of the amendment chain when the chain is known, else from
  ``visit_date`` written into the amendment's document when it was made, else from the
  check's own start.
- **the person's facts on that date** (age, sex, ethnic category), by `facts_on`.
- **the element statuses, read once.** A status may be saved as the element's status answer,
  in the document's ``element_status`` map, or both (older checks and imports use the map
  only). `answers_with_statuses` merges them here and nowhere else.
- **the evaluation** (calculators, QRISK3, findings, completeness) from those answers, with the
  Townsend score stored with the check when the organisation provides a postcode file.
- **one gate**, `finalise_blockers`: the screen disables Finalise, and the core refuses to
  finalise, for exactly the same list of reasons.

Pure Python: no Qt, no store access. `outreach.services.check_context` loads what it needs
from the store and calls `build_context`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from outreach.checks.answers import NOT_A_QUESTION, UNKNOWN_ITEM
from outreach.checks.definition import CheckDefinition
from outreach.checks.evaluation import CheckEvaluation, evaluate_check
from outreach.checks.person import ETHNIC_CATEGORY_CODES, PersonFacts
from outreach.clinical.blood_pressure import SUBSTANTIAL_DIFFERENCE_MMHG
from outreach.clinical.findings import FollowUpDecision, RuleSet, follow_up_problems
from outreach.store.records import CheckRecord, PersonDetails, PersonRecord

__all__ = [
    "BLOCKER_KINDS",
    "Blocker",
    "CheckContext",
    "answers_with_statuses",
    "build_context",
    "decisions_from_document",
    "facts_on",
    "finalise_blockers",
    "visit_date_of",
]

# The document key an amendment carries its visit's date under (see `visit_date_of`).
VISIT_DATE_KEY: Final = "visit_date"
# The document key of the Townsend score found for the person's postcode ({"score", "source"}),
# stored once with the check (an amendment copies it) so every part uses the same one.
TOWNSEND_KEY: Final = "townsend"
# What can hold up finalising, in the order a worker deals with them.
BLOCKER_KINDS: Final = ("element", "answer", "measurement", "follow_up")


def _day(stamp: Any) -> date | None:
    try:
        return date.fromisoformat(str(stamp)[:10])
    except (TypeError, ValueError):
        return None


def visit_date_of(
    check: CheckRecord, history: Sequence[CheckRecord] = (), *, today: date | None = None
) -> date:
    """The day of the visit this check records.

    An amendment corrects the same visit, so it keeps the first version's date: the oldest
    version in `history` (the amendment chain, oldest first) when given, else the
    ``visit_date`` stored in the amendment's document, else the day the check was started.
    `today` is only the last resort for an unreadable start time (never seen in practice).
    """
    if history:
        first = _day(history[0].created_at)
        if first is not None:
            return first
    stored = _day(check.document.get(VISIT_DATE_KEY)) if check.amends_id else None
    if stored is not None:
        return stored
    started = _day(check.created_at)
    return started if started is not None else (today or date.today())


def facts_on(details: PersonDetails | PersonRecord | None, on: date) -> PersonFacts:
    """Age on `on`, sex and ethnic category as the calculators take them.

    Anything the calculators cannot use (sex "other" or "unknown", an unreadable date of
    birth, an unknown ethnic code) is left unknown rather than stopping the check.
    """
    if details is None:
        return PersonFacts()
    if isinstance(details, PersonRecord):
        details = details.details
    age: int | None = None
    born = _day(details.date_of_birth or "")
    if born is not None and len(str(details.date_of_birth)) >= 10:
        years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        age = years if 0 <= years <= 130 else None
    sex = details.sex if details.sex in ("female", "male") else None
    ethnic = details.ethnic_category if details.ethnic_category in ETHNIC_CATEGORY_CODES else None
    return PersonFacts(age, sex, ethnic)


def answers_with_statuses(definition: CheckDefinition, document: Mapping[str, Any]) -> dict[str, Any]:
    """The stored answers with each element status saved only in ``element_status`` filled in.

    The status answer wins when both are there (it is what the worker last chose on screen).
    """
    answers = dict(document.get("answers") or {})
    statuses = document.get("element_status") or {}
    if not isinstance(statuses, Mapping):
        return answers
    for element in definition.elements:
        saved = statuses.get(element.id)
        if element.status_id in answers or not isinstance(saved, Mapping):
            continue
        status = saved.get("status")
        if status not in ("done", "declined", "not_possible"):
            continue
        answers[element.status_id] = status
        if saved.get("reason") and element.reason_id not in answers:
            answers[element.reason_id] = str(saved["reason"])
    return answers


def decisions_from_document(raw: Mapping[str, Any]) -> dict[str, FollowUpDecision]:
    """Stored follow-up decisions as FollowUpDecision by rule id (unreadable ones left out)."""
    out: dict[str, FollowUpDecision] = {}
    for rule_id, value in (raw or {}).items():
        if isinstance(value, FollowUpDecision):
            out[str(rule_id)] = value
        elif isinstance(value, Mapping) and value.get("kind"):
            out[str(rule_id)] = FollowUpDecision(
                kind=str(value.get("kind")),
                service_id=value.get("service_id") or None,
                reason=value.get("reason") or None,
                note=value.get("note") or None,
            )
    return out


@dataclass(frozen=True, slots=True)
class Blocker:
    """One reason a check cannot be finalised yet.

    `kind` is one of BLOCKER_KINDS; `subject` the element id, question linkId or finding
    rule id it is about; `message` plain English (the screen words each kind itself so it
    can translate them, and uses `message` for the details).
    """

    kind: str
    subject: str
    message: str


def finalise_blockers(
    evaluation: CheckEvaluation,
    decisions: Mapping[str, FollowUpDecision],
    directory_ids: Collection[str] | None = None,
) -> list[Blocker]:
    """Everything that stops a check being finalised, for the screen and the core alike.

    1. every element must be done, declined or not possible (with what it still needs);
    2. no answer may still be refused or awaiting confirmation (answers to questions an older
       definition had are kept but cannot be corrected here, so they do not hold it up);
    3. a third blood pressure reading is taken when the first two differ by more than 10 mmHg;
    4. every finding needs a follow-up its rule allows (a referral to a service in
       `directory_ids`, when given).
    """
    out: list[Blocker] = []
    for element in evaluation.completeness.elements:
        if element.recorded:
            continue
        detail = "; ".join(element.missing)
        text = f"{element.title}: {detail[:1].lower() + detail[1:]}" if detail else element.title
        out.append(Blocker("element", element.element_id, text))
    for link_id, problem in evaluation.problems.items():
        if problem.kind in (UNKNOWN_ITEM, NOT_A_QUESTION):
            continue
        out.append(Blocker("answer", link_id, problem.message))
    clinic = evaluation.calculators.get("clinic_blood_pressure")
    if clinic is not None and clinic.third_needed:
        # NICE NG136 1.2: a third reading when the first two differ substantially.
        out.append(
            Blocker(
                "measurement",
                "blood_pressure.systolic_3",
                "Blood pressure: take a third reading (the first two differ by more than "
                f"{SUBSTANTIAL_DIFFERENCE_MMHG} mmHg)",
            )
        )
    for finding, reason in follow_up_problems(evaluation.findings, decisions, directory_ids):
        out.append(Blocker("follow_up", finding.rule_id, reason))
    return out


@dataclass(frozen=True, slots=True)
class CheckContext:
    """A check on its visit day: the facts, answers, decisions and evaluation everyone uses.

    Build it with `build_context` (or `services.check_context`); the screen makes a new one
    from the worker's latest entries with `revised`, so it is never a second calculation.
    """

    check: CheckRecord
    definition: CheckDefinition
    rules: RuleSet | None
    visit_date: date
    person: PersonFacts
    answers: Mapping[str, Any]
    decisions: Mapping[str, FollowUpDecision]
    evaluation: CheckEvaluation

    @property
    def is_amendment(self) -> bool:
        return self.check.amends_id is not None

    def blockers(self, directory_ids: Collection[str] | None = None) -> list[Blocker]:
        return finalise_blockers(self.evaluation, self.decisions, directory_ids)

    def revised(
        self,
        *,
        answers: Mapping[str, Any] | None = None,
        decisions: Mapping[str, FollowUpDecision] | None = None,
    ) -> CheckContext:
        """The same check, visit day and person with the worker's latest answers and decisions.

        `answers` are taken as they are (statuses were merged when the context was first built,
        and the screen keeps status answers itself from then on).
        """
        new_answers = dict(answers) if answers is not None else dict(self.answers)
        new_decisions = dict(decisions) if decisions is not None else dict(self.decisions)
        evaluation = (
            evaluate_check(
                self.definition,
                new_answers,
                self.person,
                self.rules,
                townsend=self.check.document.get(TOWNSEND_KEY),
            )
            if answers is not None
            else self.evaluation
        )
        return dataclasses.replace(self, answers=new_answers, decisions=new_decisions, evaluation=evaluation)


def build_context(
    check: CheckRecord,
    person: PersonRecord | PersonDetails | None,
    *,
    definition: CheckDefinition,
    rules: RuleSet | None = None,
    history: Sequence[CheckRecord] = (),
) -> CheckContext:
    """The context of `check` for `person` (whose record the check belongs to).

    `history` is the amendment chain oldest first (it fixes the visit date of an amendment
    made before amendments carried their visit date); `rules` None skips findings (the
    FHIR mapping only needs the values and calculators).
    """
    day = visit_date_of(check, history)
    who = facts_on(person, day)
    answers = answers_with_statuses(definition, check.document)
    evaluation = evaluate_check(definition, answers, who, rules, townsend=check.document.get(TOWNSEND_KEY))
    return CheckContext(
        check, definition, rules, day, who, answers, decisions_from_document(check.decisions), evaluation
    )
