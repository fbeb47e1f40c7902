"""Use cases the UI and sync call: one function per thing a worker (or sync) does.

Each function takes the open `LocalStore` first, checks its input in words a worker
understands (ValidationError with `item` naming the field), and performs the change
in one durable transaction. They are plain synchronous calls: the UI runs them on its
single database worker thread, never on the GUI thread.

Documents whose inner shape belongs to other parts of the product (answers, findings,
follow-up decisions) are accepted as mappings or dataclasses and stored as sealed
JSON, so the store does not depend on their classes.

Several calls can be batched into one commit: ``with store.db.write(): ...`` around
them (demo data and imports do this).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from outreach.checks.context import (
    TOWNSEND_KEY,
    VISIT_DATE_KEY,
    Blocker,
    CheckContext,
    build_context,
    decisions_from_document,
    facts_on,
    visit_date_of,
)
from outreach.checks.definition import CheckDefinition
from outreach.checks.evaluation import CheckEvaluation
from outreach.checks.person import PersonFacts
from outreach.clinical.findings import FollowUpDecision, RuleSet
from outreach.clinical.nhs_number import normalise_nhs_number
from outreach.clinical.townsend import TownsendLookup
from outreach.errors import ValidationError
from outreach.store import sync_state
from outreach.store.checks_repo import DECISION_KINDS
from outreach.store.consent_repo import SCOPES
from outreach.store.follow_ups_repo import OUTCOMES, OpenCounts, OpenFilter
from outreach.store.local_store import LocalStore
from outreach.store.records import (
    PERSON_FIELDS,
    CheckRecord,
    ConsentRecord,
    FinalisedCheck,
    FindingRecord,
    FollowUpRecord,
    OutboxItem,
    PersonDetails,
    PersonRecord,
)
from outreach.store.search_index import PersonHit, parse_date

__all__ = [
    "ELEMENT_STATUSES",
    "SEXES",
    "ImportReport",
    "amend_check",
    "check_context",
    "check_date",
    "check_history",
    "consent_status",
    "decisions_of",
    "evaluate_draft",
    "finalise_check",
    "find_people",
    "get_person",
    "import_caseload",
    "list_checks_for_person",
    "list_outbox",
    "load_check",
    "load_findings",
    "open_follow_ups",
    "person_facts",
    "possible_duplicates",
    "record_consent",
    "record_follow_up_decision",
    "record_follow_up_decisions",
    "record_follow_up_outcome",
    "record_townsend",
    "register_person",
    "save_answer",
    "save_answers",
    "set_element_status",
    "start_check",
    "update_person",
    "validate_person",
]

SEXES = ("female", "male", "other", "unknown")
ELEMENT_STATUSES = ("done", "declined", "not_possible", "incomplete")
_MAX_NAME = 100
# Free text (a note, a reason, a typed answer): about two pages. Longer is text pasted by
# mistake, refused with the field's name rather than stored and re-sealed on every autosave.
MAX_TEXT = 4000
# The longest each optional demographic may be (the caseload import uses the same figures).
_PERSON_LIMITS = {
    "postcode": ("postcode", 16),
    "phone": ("phone number", 32),
    "gp_practice": ("GP practice code", 16),
    "preferred_language": ("preferred language", 50),
    "ethnic_category": ("ethnic category", 8),
    "communication_needs": ("communication needs", 500),
}


# -- people ------------------------------------------------------------------------------


def validate_person(details: PersonDetails) -> PersonDetails:
    """The details cleaned up (trimmed names, normalised NHS number), or a ValidationError naming the
    field."""
    given = (details.given_name or "").strip()
    family = (details.family_name or "").strip()
    if not given:
        raise ValidationError("Enter the person's given name.", item="given_name")
    if not family:
        raise ValidationError("Enter the person's family name.", item="family_name")
    if len(given) > _MAX_NAME:
        raise ValidationError(f"A given name can have at most {_MAX_NAME} characters.", item="given_name")
    if len(family) > _MAX_NAME:
        raise ValidationError(f"A family name can have at most {_MAX_NAME} characters.", item="family_name")
    for name, (words, limit) in _PERSON_LIMITS.items():
        value = getattr(details, name)
        if isinstance(value, str) and len(value.strip()) > limit:
            raise ValidationError(f"The {words} can have at most {limit} characters.", item=name)
    dob = parse_date(details.date_of_birth or "")
    if dob is None:
        raise ValidationError(
            "Enter the date of birth as a real date, e.g. 1980-03-25.", item="date_of_birth"
        )
    if dob > date.today().isoformat():
        raise ValidationError("The date of birth is in the future: check it.", item="date_of_birth")
    if dob < "1900-01-01":
        raise ValidationError("The date of birth is before 1900: check it.", item="date_of_birth")
    sex = (details.sex or "unknown").strip().lower()
    if sex not in SEXES:
        raise ValidationError(f"Sex must be one of: {', '.join(SEXES)}.", item="sex")
    nhs = details.nhs_number.strip() if details.nhs_number else ""
    nhs_number = normalise_nhs_number(nhs) if nhs else None
    return dataclasses.replace(
        details, given_name=given, family_name=family, date_of_birth=dob, sex=sex, nhs_number=nhs_number
    )


def register_person(store: LocalStore, details: PersonDetails) -> PersonRecord:
    """Add a person. Refuses an NHS number that is already registered (open that person instead).

    Same name and birth date without an NHS number is allowed (two people can share them):
    call `possible_duplicates` first to let the worker choose.
    """
    clean = validate_person(details)
    with store.db.write():
        if clean.nhs_number and store.people.find_by_nhs_number(clean.nhs_number):
            raise ValidationError(
                "Someone with this NHS number is already registered. Search for them instead.",
                item="nhs_number",
            )
        return store.people.add(clean)


def update_person(
    store: LocalStore, person_id: str, details: PersonDetails, *, expected_version: int
) -> PersonRecord:
    clean = validate_person(details)
    with store.db.write():
        if clean.nhs_number:
            others = [p for p in store.people.find_by_nhs_number(clean.nhs_number) if p.id != person_id]
            if others:
                raise ValidationError("Another person already has this NHS number.", item="nhs_number")
        return store.people.update(person_id, clean, expected_version=expected_version)


def possible_duplicates(store: LocalStore, details: PersonDetails) -> list[PersonRecord]:
    """People already stored with the same NHS number, or the same names and date of birth."""
    clean = validate_person(details)
    return [store.people.get(i) for i in store.people.find_same_person(clean)]


def get_person(store: LocalStore, person_id: str) -> PersonRecord:
    return store.people.get(person_id)


def find_people(store: LocalStore, query: str, *, limit: int = 50) -> list[PersonHit]:
    """Search by name prefixes and/or date of birth ("alp test 1970-01-02"), or by NHS number.

    Names and dates come from the in-memory index built at unlock; an NHS number is
    matched exactly through its blind index.
    """
    return find_people_page(store, query, 0, limit)[0]


def find_people_page(store: LocalStore, query: str, offset: int, limit: int) -> tuple[list[PersonHit], int]:
    """One page of `find_people`'s results and how many match in all: a list says the true number
    ("Found: 212") and loads more as the worker scrolls, instead of stopping at a fixed few."""
    text = (query or "").strip()
    if not text:
        return [], 0
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) == 10 and all(ch.isdigit() or ch in " -" for ch in text):
        hits = []
        for person in store.people.find_by_nhs_number(digits):
            d = person.details
            hits.append(PersonHit(person.id, d.given_name, d.family_name, d.date_of_birth, d.nhs_number))
        return hits[offset : offset + limit], len(hits)
    return store.people_index.search_page(text, offset, limit)


def people_matching(store: LocalStore, query: str) -> tuple[str, ...]:
    """Ids of everyone a search would find (for "follow-ups of people called ..."), any number of them."""
    text = (query or "").strip()
    if not text:
        return ()
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) == 10 and all(ch.isdigit() or ch in " -" for ch in text):
        return tuple(p.id for p in store.people.find_by_nhs_number(digits))
    return tuple(sorted(store.people_index.match_ids(text)))


@dataclass(frozen=True)
class ImportReport:
    """What a caseload import did, line by line (line 1 is the header row)."""

    imported: list[str] = field(default_factory=list)  # new person ids
    already_present: list[int] = field(default_factory=list)  # lines naming someone already stored
    refused: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)


def import_caseload(store: LocalStore, rows: Iterable[Any], *, batch: int = 500) -> ImportReport:
    """Add the people of a checked caseload (outreach.store.caseload_csv rows); never anyone twice.

    A row is "already present" when someone stored has the same NHS number, or the same
    names and date of birth, so importing the same file again adds no one.
    """
    report = ImportReport()
    pending = list(rows)
    for start in range(0, len(pending), batch):
        with store.db.write():
            for row in pending[start : start + batch]:
                fields_ = row.person_fields() if hasattr(row, "person_fields") else dict(row)
                known = {k: v for k, v in fields_.items() if k in PERSON_FIELDS}
                if getattr(row, "communication_needs", None):
                    known["communication_needs"] = row.communication_needs
                line = int(getattr(row, "line", 0))
                try:
                    details = validate_person(PersonDetails(**known))
                    if store.people.find_same_person(details):
                        report.already_present.append(line)
                        continue
                    report.imported.append(store.people.add(details).id)
                except ValidationError as exc:
                    report.refused.append((line, exc.message))
    return report


# -- checks --------------------------------------------------------------------------------


def start_check(
    store: LocalStore, person_id: str, *, definition_version: str, session_id: str | None = None
) -> CheckRecord:
    """Start a draft check for someone whose newest answer to "consent to the check" is yes.

    Consent is recorded before the check starts (record_consent(..., "check", True)); the
    refusal is made here, not only on the consent screen, so no caller (import, demo data,
    a future screen) can make a check nobody agreed to. Record consent and start the check
    inside one ``with store.db.write():`` to keep them together.
    """
    with store.db.write():
        store.people.get(person_id)  # a clear message if the person is not there (and proves it decrypts)
        if not store.consents.current(person_id).get("check"):
            raise ValidationError(
                "This person has not agreed to the check: record their consent before starting it.",
                item="consent",
            )
        return store.checks.start(person_id, definition_version=definition_version, session_id=session_id)


def save_answer(store: LocalStore, check_id: str, link_id: str, value: Any) -> CheckRecord:
    """Autosave one answer (already validated by the check definition). None clears it."""
    stored = _limited(_plain(value), link_id)

    def change(doc: dict[str, Any]) -> None:
        if stored is None:
            doc["answers"].pop(link_id, None)
        else:
            doc["answers"][link_id] = stored

    return store.checks.update_draft(check_id, change)


def save_answers(store: LocalStore, check_id: str, answers: Mapping[str, Any]) -> CheckRecord:
    """Autosave several answers in one transaction (e.g. a whole element)."""
    stored = {k: _limited(_plain(v), k) for k, v in answers.items()}

    def change(doc: dict[str, Any]) -> None:
        for key, value in stored.items():
            if value is None:
                doc["answers"].pop(key, None)
            else:
                doc["answers"][key] = value

    return store.checks.update_draft(check_id, change)


def set_element_status(
    store: LocalStore, check_id: str, element: str, status: str, reason: str | None = None
) -> CheckRecord:
    """Mark an element done, declined (reason) or not possible (reason); "incomplete" clears it."""
    if status not in ELEMENT_STATUSES:
        raise ValidationError(f"Status must be one of: {', '.join(ELEMENT_STATUSES)}.", item=element)
    if status in ("declined", "not_possible") and not (reason or "").strip():
        raise ValidationError("Give a reason when an element is declined or not possible.", item=element)
    _check_text(reason, element, "The reason")

    def change(doc: dict[str, Any]) -> None:
        if status == "incomplete":
            doc["element_status"].pop(element, None)
        else:
            doc["element_status"][element] = {"status": status, "reason": (reason or "").strip() or None}

    return store.checks.update_draft(check_id, change)


def record_follow_up_decision(store: LocalStore, check_id: str, rule_id: str, decision: Any) -> CheckRecord:
    """Save (autosave) the follow-up chosen for one finding of a draft check.

    `decision` is a FollowUpDecision or a mapping with kind, service_id, reason, note and
    optionally due_on (YYYY-MM-DD). A referral needs a service; declined and clinician
    override need a reason. `None` removes the decision.
    """
    return record_follow_up_decisions(store, check_id, {rule_id: decision})


def record_follow_up_decisions(store: LocalStore, check_id: str, decisions: Mapping[str, Any]) -> CheckRecord:
    """Several decisions (rule id -> decision, or None to remove) in one autosave."""
    checked = {
        rule_id: (None if d is None else _checked_decision(rule_id, d)) for rule_id, d in decisions.items()
    }

    def change(doc: dict[str, Any]) -> None:
        for rule_id, decision in checked.items():
            if decision is None:
                doc["decisions"].pop(rule_id, None)
            else:
                doc["decisions"][rule_id] = decision

    return store.checks.update_draft(check_id, change)


def _checked_decision(rule_id: str, decision: Any) -> dict[str, Any]:
    doc_decision = _limited(_document(decision), rule_id)
    kind = doc_decision.get("kind")
    if kind not in DECISION_KINDS:
        raise ValidationError(f"Choose a follow-up: {', '.join(DECISION_KINDS)}.", item=rule_id)
    if kind == "referral" and not doc_decision.get("service_id"):
        raise ValidationError("Choose the service this person is referred to.", item=rule_id)
    if kind in ("declined", "clinician_override") and not (doc_decision.get("reason") or "").strip():
        raise ValidationError("Give the reason for this follow-up decision.", item=rule_id)
    due_on = doc_decision.get("due_on")
    if due_on is not None:
        parsed = parse_date(str(due_on))
        if parsed is None:
            raise ValidationError("The follow-up date is not a real date.", item=rule_id)
        doc_decision["due_on"] = parsed
    return doc_decision


def check_date(check: CheckRecord, history: Sequence[CheckRecord] = ()) -> date:
    """The visit's date: ages are worked out on this day, not on the day it is finalised.

    An amendment keeps the original visit's date (it corrects the same visit); see
    `outreach.checks.context.visit_date_of`.
    """
    return visit_date_of(check, history)


def person_facts(person: PersonRecord, on: date) -> PersonFacts:
    """Age on `on`, sex and ethnic category as the calculators take them (`context.facts_on`)."""
    return facts_on(person, on)


def decisions_of(check: CheckRecord) -> dict[str, FollowUpDecision]:
    """The draft's stored follow-up decisions as FollowUpDecision, by rule id (unreadable ones left out)."""
    return decisions_from_document(check.decisions)


def check_context(
    store: LocalStore, check_id: str, *, definition: CheckDefinition, rules: RuleSet | None
) -> CheckContext:
    """The check as stored, on its visit day, for its person: what the screen shows, the summary
    says, finalising freezes and the shared record receives."""
    check = store.checks.get(check_id)
    person = store.people.get(check.person_id)
    history = store.checks.history(check_id) if check.amends_id else [check]
    return build_context(check, person, definition=definition, rules=rules, history=history)


def evaluate_draft(
    store: LocalStore, check_id: str, *, definition: CheckDefinition, rules: RuleSet
) -> CheckEvaluation:
    """The check as stored, evaluated with the person's facts on the visit day."""
    return check_context(store, check_id, definition=definition, rules=rules).evaluation


def finalise_check(
    store: LocalStore,
    check_id: str,
    *,
    definition: CheckDefinition,
    rules: RuleSet,
    directory_ids: Collection[str] | None = None,
) -> FinalisedCheck:
    """Freeze the check with its findings and follow-ups and queue it for sync, in one transaction.

    The findings are worked out here from the stored answers and the person's record, never
    taken from the caller, so no finding can be left out. Refused (ValidationError naming
    what is still open) unless every element is done, declined or not possible, and every
    finding has a follow-up its rule allows (a referral to a service in `directory_ids`,
    when given). The draft is read and frozen inside one write, so nothing changes between.
    """
    with store.db.write():
        check = store.checks.get(check_id)
        if check.is_final:
            raise ValidationError("This check is already finalised: amend it to change it.", item="check")
        context = check_context(store, check_id, definition=definition, rules=rules)
        _refuse_blockers(context.blockers(directory_ids))
        evaluation = context.evaluation
        return store.checks.finalise(check_id, [_document(f) for f in evaluation.findings])


def record_townsend(store: LocalStore, check_id: str, lookup: TownsendLookup) -> CheckRecord | None:
    """Store with a draft the Townsend score of the person's postcode from the organisation's file.

    Done once, when the check starts, so the screen, the summary, finalising and the shared record
    all use the same score (and a later file does not change a check already taken). Returns None,
    storing nothing, when the person has no postcode or it is not in the file: QRISK3 then uses 0
    and the screen says so.
    """
    check = store.checks.get(check_id)
    person = store.people.get(check.person_id)
    score = lookup.score_for(person.details.postcode)
    if score is None:
        return None
    found = {"score": score, "source": lookup.source}

    def keep(doc: dict[str, Any]) -> None:
        doc[TOWNSEND_KEY] = found

    return store.checks.update_draft(check_id, keep)


def amend_check(store: LocalStore, check_id: str, *, reason: str | None = None) -> CheckRecord:
    """A new draft version of a finalised check (the original is kept unchanged).

    The amendment corrects the same visit, so it carries that visit's date in its document:
    ages (QRISK3, screening by age) are worked out on the visit day wherever the amendment
    is read, even without its history at hand.
    """
    _check_text(reason, "amendment_reason", "The reason for the amendment")
    with store.db.write():
        draft = store.checks.amend(check_id, reason=reason)
        day = visit_date_of(draft, store.checks.history(check_id)).isoformat()

        def keep_visit_date(doc: dict[str, Any]) -> None:
            doc[VISIT_DATE_KEY] = day

        return store.checks.update_draft(draft.id, keep_visit_date)


def load_check(store: LocalStore, check_id: str) -> CheckRecord:
    return store.checks.get(check_id)


def load_findings(store: LocalStore, check_id: str) -> list[FindingRecord]:
    return store.checks.findings(check_id)


def check_history(store: LocalStore, check_id: str) -> list[CheckRecord]:
    return store.checks.history(check_id)


def list_checks_for_person(store: LocalStore, person_id: str) -> list[CheckRecord]:
    return store.checks.for_person(person_id)


# -- follow-ups ------------------------------------------------------------------------------


def record_follow_up_outcome(
    store: LocalStore,
    follow_up_id: str,
    outcome: str,
    *,
    note: str | None = None,
    expected_version: int | None = None,
) -> FollowUpRecord:
    """Close a follow-up: attended, declined, no_response or closed."""
    if outcome not in OUTCOMES:
        raise ValidationError(f"Choose an outcome: {', '.join(OUTCOMES)}.", item="outcome")
    _check_text(note, "outcome_note", "The note")
    with store.db.write() as conn:
        record = store.follow_ups.record_outcome(
            follow_up_id, outcome, note=note, expected_version=expected_version
        )
        # The shared record holds (or will hold) this follow-up as a Task: it must learn the
        # outcome too, or the finding looks open to everyone else. Queued in the same transaction.
        sync_state.queue_follow_up_outcome(conn, record.id, record.check_id)
    return record


def open_follow_ups(
    store: LocalStore, *, person_id: str | None = None, overdue_on: date | None = None
) -> list[FollowUpRecord]:
    """Open follow-ups; with `overdue_on`, only those due before that day."""
    return store.follow_ups.open_items(
        person_id=person_id, due_before=overdue_on.isoformat() if overdue_on else None
    )


def open_follow_up_counts(store: LocalStore, flt: OpenFilter) -> OpenCounts:
    """How many open follow-ups there are for the filter's person and venue, by when due."""
    return store.follow_ups.open_counts(flt)


def open_follow_up_page(store: LocalStore, flt: OpenFilter, offset: int, limit: int) -> list[FollowUpRecord]:
    """One page of the open follow-ups list, soonest due first (see `FollowUpsRepository.open_page`)."""
    return store.follow_ups.open_page(flt, offset, limit)


# -- consent ----------------------------------------------------------------------------------


def record_consent(
    store: LocalStore,
    person_id: str,
    scope: str,
    granted: bool,
    *,
    check_id: str | None = None,
    note: str | None = None,
) -> ConsentRecord:
    """Record consent to the check ("check") or to sharing with "gp", "mental_health_trust", "charity"."""
    if scope not in SCOPES:
        raise ValidationError(f"Consent is for one of: {', '.join(SCOPES)}.", item="scope")
    _check_text(note, "consent_note", "The note")
    return store.consents.record(person_id, scope, bool(granted), check_id=check_id, note=note)


def consent_status(store: LocalStore, person_id: str) -> dict[str, bool]:
    """The newest answer per scope (absent: never asked, so not given)."""
    return store.consents.current(person_id)


# -- outbox -------------------------------------------------------------------------------------


def list_outbox(store: LocalStore, states: Iterable[str] | None = None) -> list[OutboxItem]:
    return store.outbox.list(states)


def outbox_page(store: LocalStore, states: Iterable[str], offset: int, limit: int) -> list[OutboxItem]:
    return store.outbox.page(states, offset, limit)


def outbox_lines(store: LocalStore, *, include_sent: bool = False) -> list[sync_state.OutboxRow]:
    """The outbox in the worker's words, with the consent rule the sync applies: a check the person
    has not agreed to share says "Not sent" and why, before any sync has run."""
    from outreach.fhir.consent import check_refusal

    return sync_state.outbox_view(
        store, include_sent=include_sent, refusal=lambda check_id: check_refusal(store, check_id)
    )


def outbox_counts(store: LocalStore, states: Iterable[str] | None = None) -> dict[str, int]:
    return store.outbox.counts(states)


# -- internals ----------------------------------------------------------------------------------


def _document(value: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if not isinstance(value, Mapping):
        raise ValidationError("This cannot be saved (expected named values).")
    plain = _plain(dict(value))
    assert isinstance(plain, dict)
    return plain


def _refuse_blockers(blockers: Sequence[Blocker]) -> None:
    """The finalise gate's refusal in words (the same list the screen shows beside Finalise)."""
    elements = [b.message for b in blockers if b.kind == "element"]
    if elements:
        raise ValidationError(
            "Each part of the check must be done, declined or not possible before it can be "
            "finalised. Still open: " + "; ".join(elements) + ".",
            item="elements",
        )
    answers = [b.message for b in blockers if b.kind == "answer"]
    if answers:
        raise ValidationError(
            "Some answers still need correcting or confirming before the check can be finalised: "
            + "; ".join(answers),
            item="answers",
        )
    measurements = [b.message for b in blockers if b.kind == "measurement"]
    if measurements:
        raise ValidationError(
            "A measurement is still needed before the check can be finalised: "
            + "; ".join(measurements)
            + ".",
            item="measurement",
        )
    follow_ups = [b.message for b in blockers if b.kind == "follow_up"]
    if follow_ups:
        raise ValidationError(
            "Every finding needs a follow-up before the check can be finalised. Still open: "
            + "; ".join(follow_ups)
            + ".",
            item="follow_up",
        )


def _plain(value: Any) -> Any:
    """JSON-safe copy (tuples become lists, dates ISO text); refuses what JSON cannot hold."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    try:
        return json.loads(json.dumps(value, default=_json_default))
    except (TypeError, ValueError):
        raise ValidationError("This answer cannot be saved: it is not a plain value.") from None


def _check_text(text: str | None, item: str, what: str) -> None:
    if text is not None and len(text) > MAX_TEXT:
        raise ValidationError(
            f"{what} can have at most {MAX_TEXT} characters (this has {len(text)}): "
            "was something pasted by mistake?",
            item=item,
        )


def _limited(value: Any, item: str) -> Any:
    """`value` itself, once every text inside it (keys included) is within MAX_TEXT."""
    pending = [value]
    while pending:
        current = pending.pop()
        if isinstance(current, str):
            _check_text(current, item, "A typed answer or note")
        elif isinstance(current, dict):
            pending.extend(current.keys())
            pending.extend(current.values())
        elif isinstance(current, list):
            pending.extend(current)
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(type(value).__name__)
