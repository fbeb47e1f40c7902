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
from outreach.store.records import PersonDetails

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
DEMO_DEFINITION_VERSION_FALLBACK = "1.0.0"
_POOL_SIZE = 200  # distinct evaluated answer sets, reused round-robin (evaluation is the slow part)


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
    """Synthetic answer sets with their findings, from the real check definition and rules."""

    def __init__(self, rng: random.Random, size: int) -> None:
        from outreach.checks.definition import load_definition
        from outreach.checks.evaluation import evaluate_check
        from outreach.checks.person import PersonFacts
        from outreach.checks.synthetic import synthetic_complete_check
        from outreach.clinical.findings import load_rules

        defn = load_definition()
        rules = load_rules()
        self.definition_version = str(getattr(defn, "version", DEMO_DEFINITION_VERSION_FALLBACK))
        self.items: list[tuple[dict[str, Any], list[Any]]] = []
        for _ in range(size):
            who = PersonFacts(
                age_years=rng.randint(20, 80), sex=rng.choice(("female", "male")), ethnic_category="A"
            )
            answers = synthetic_complete_check(rng, defn, who)
            findings = evaluate_check(defn, answers, who, rules).findings
            self.items.append((answers, findings))


def _decision(finding: Any, today: date) -> dict[str, Any]:
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
    kind = "advice_given" if "advice_given" in allowed or not allowed else allowed[0]
    reason = "Demo data: synthetic reason" if kind in ("declined", "clinician_override") else None
    return {"kind": kind, "service_id": None, "reason": reason, "note": "Demo data: synthetic advice"}


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
    pool = _CheckPool(rng, min(_POOL_SIZE, max(1, people * checks_per_person))) if checks_per_person else None
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
                    answers, findings = pool.items[made_checks % len(pool.items)]
                    check = services.start_check(store, person.id, definition_version=pool.definition_version)
                    services.save_answers(store, check.id, answers)
                    if findings:
                        services.record_follow_up_decisions(
                            store, check.id, {f.rule_id: _decision(f, today) for f in findings}
                        )
                    services.finalise_check(store, check.id, findings)
                    made_checks += 1
                    made_findings += len(findings)
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
