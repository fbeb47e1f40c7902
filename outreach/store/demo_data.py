"""Obviously synthetic people and finalised checks, for training, demos and benchmarks.

People are called "Testperson <NATO word> <n>", have NHS numbers from the 999 range
(valid check digits, never issued to anyone) and birth dates spread over adult ages.
Their checks are complete synthetic answer sets (outreach.checks.synthetic), evaluated
against the real findings rules, given a follow-up for every finding, and finalised
through the same use cases the app uses, so every demo check has its findings,
follow-ups and outbox entry exactly as a real one would.

Writes are batched (one commit per `batch` people) so tens of thousands of checks take
minutes, not hours; each check is still finalised atomically inside its batch.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from outreach import services
from outreach.clinical.nhs_number import check_digit
from outreach.errors import ValidationError
from outreach.store.local_store import LocalStore
from outreach.store.records import CheckRecord, FinalisedCheck, PersonDetails, PersonRecord

NATO = (
    "Alpha",
    "Bravo",
    "Charlie",
    "Delta",
    "Echo",
    "Foxtrot",
    "Golf",
    "Hotel",
    "India",
    "Juliet",
    "Kilo",
    "Lima",
    "Mike",
    "November",
    "Oscar",
    "Papa",
    "Quebec",
    "Romeo",
    "Sierra",
    "Tango",
    "Uniform",
    "Victor",
    "Whiskey",
    "Xray",
    "Yankee",
    "Zulu",
)
DEMO_DEFINITION_VERSION_FALLBACK = "1.0.1"


@dataclass(frozen=True)
class DemoSummary:
    people: int
    checks: int
    findings: int
    seconds: float


def synthetic_nhs_numbers(start: int = 0):  # type: ignore[no-untyped-def]
    """Valid NHS numbers 999xxxxxxx in order from `start` (numbers without a check digit are skipped)."""
    n = start
    while n < 1_000_000:
        first = f"999{n:06d}"
        digit = check_digit(first)
        if digit is not None:
            yield first + str(digit)
        n += 1


def synthetic_person(i: int, rng: random.Random, nhs_number: str | None) -> PersonDetails:
    born = date(1946, 1, 1) + timedelta(days=rng.randrange(0, 58 * 365))
    return PersonDetails(
        given_name="Testperson",
        family_name=f"{NATO[i % len(NATO)]} {i // len(NATO) + 1}",
        date_of_birth=born.isoformat(),
        sex=rng.choice(("female", "male")),
        nhs_number=nhs_number,
        ethnic_category=rng.choice(("A", "A", "A", "B", "C", "D", "H", "J", "M", "N", "Z", "99")),
    )


class _CheckPool:
    """The real check definition and findings rules, and synthetic checks made from them.

    Each check's answers are made for the person it belongs to (age on the check's day, sex,
    ethnic category switch questions on and off), so every demo check is complete and
    finalises through the same use case as a real one. Making and evaluating an answer set
    takes well under a millisecond, so nothing is cached.
    """

    def __init__(self, rng: random.Random) -> None:
        from outreach.checks.definition import load_definition
        from outreach.clinical.findings import load_rules

        self.rng = rng
        self.definition = load_definition()
        self.rules = load_rules()
        self.definition_version = str(getattr(self.definition, "version", DEMO_DEFINITION_VERSION_FALLBACK))

    def answers_and_findings(
        self, person: PersonRecord, check: CheckRecord
    ) -> tuple[dict[str, Any], list[Any]]:
        """A complete answer set for this person's check, and the findings finalising will find in it."""
        from outreach.checks.evaluation import evaluate_check
        from outreach.checks.synthetic import synthetic_complete_check

        facts = services.person_facts(person, services.check_date(check))
        answers = synthetic_complete_check(self.rng, self.definition, facts)
        return answers, evaluate_check(self.definition, answers, facts, self.rules).findings


def _decision(finding: Any, today: date) -> dict[str, Any]:
    """A follow-up the finding's rule allows: a referral to its first suggested service when it
    has one, else advice, else already under care, else declined with a reason."""
    allowed = tuple(getattr(finding, "allowed_follow_ups", ()) or ())
    services_ = tuple(getattr(finding, "suggested_services", ()) or ())
    if "referral" in allowed and services_:
        days = 1 if getattr(finding, "severity", "") == "urgent" else 28
        return {
            "kind": "referral",
            "service_id": services_[0],
            "reason": None,
            "note": "Demo data: synthetic referral",
            "due_on": (today + timedelta(days=days)).isoformat(),
        }
    kind = next((k for k in ("advice_given", "already_under_care") if k in allowed), "declined")
    reason = "Demo data: synthetic reason" if kind in ("declined", "clinician_override") else None
    return {"kind": kind, "service_id": None, "reason": reason, "note": "Demo data: synthetic advice"}


def finalise_demo_check(
    store: LocalStore, pool: _CheckPool, person: PersonRecord, today: date, *, session_id: str | None = None
) -> FinalisedCheck:
    """Record consent, then start, fill, decide and finalise one synthetic check for `person`, as a worker would."""
    services.record_consent(store, person.id, "check", True, note="Demo data: synthetic consent")
    check = services.start_check(
        store, person.id, definition_version=pool.definition_version, session_id=session_id
    )
    answers, findings = pool.answers_and_findings(person, check)
    services.save_answers(store, check.id, answers)
    if findings:
        services.record_follow_up_decisions(
            store, check.id, {f.rule_id: _decision(f, today) for f in findings}
        )
    return services.finalise_check(store, check.id, definition=pool.definition, rules=pool.rules)


def fill_demo_data(
    store: LocalStore,
    *,
    people: int,
    checks_per_person: int,
    seed: int = 1,
    batch: int = 200,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Add `people` synthetic people with `checks_per_person` finalised checks each."""
    if people < 0 or checks_per_person < 0:
        raise ValidationError("The numbers of people and checks cannot be negative.")
    started = time.perf_counter()
    rng = random.Random(seed)
    pool = _CheckPool(rng) if checks_per_person else None
    numbers = synthetic_nhs_numbers(rng.randrange(0, 500_000))
    today = date.today()
    offset = store.people.count()
    made_people = made_checks = made_findings = 0
    while made_people < people:
        with store.db.write():
            for _ in range(min(batch, people - made_people)):
                person = _register(store, offset + made_people, rng, numbers)
                made_people += 1
                for _ in range(checks_per_person):
                    assert pool is not None
                    final = finalise_demo_check(store, pool, person, today)
                    made_checks += 1
                    made_findings += len(final.findings)
        if progress is not None:
            progress(made_people, made_checks)
    return DemoSummary(made_people, made_checks, made_findings, time.perf_counter() - started)


def _register(store: LocalStore, i: int, rng: random.Random, numbers) -> Any:  # type: ignore[no-untyped-def]
    for _ in range(1000):
        nhs = next(numbers, None)
        try:
            return services.register_person(store, synthetic_person(i, rng, nhs))
        except ValidationError as exc:
            if exc.item != "nhs_number":
                raise
    raise ValidationError("No free synthetic NHS numbers are left in this store.")  # pragma: no cover
