"""Obviously synthetic people and finalised checks, for training, demos and benchmarks.

People are called "Testperson <NATO word> <n>", have NHS numbers from the 999 range
(valid check digits, never issued to anyone) and birth dates spread over adult ages.
Their checks are complete synthetic answer sets (outreach.checks.synthetic), evaluated
against the real findings rules, given a follow-up for every finding, and finalised
through the same use cases the app uses, so every demo check has its findings,
follow-ups and outbox entry exactly as a real one would.

Consent to share. A trainer demonstrating sync needs a caseload that looks like a real one:
most people agree to share their check with their GP (some also with the mental health
trust or the charity), and a minority decline sharing with anyone, so their checks stay in
the outbox as "waits for consent". `sharing="mix"` records exactly that, the same for the
same seed; `"all"` has everyone share with their GP; `"none"` (the default, for callers
that record sharing themselves) asks nobody, so nothing may leave the laptop until someone
records consent.

Writes are batched (one commit per `batch` people) so tens of thousands of checks take
minutes, not hours; each check is still finalised atomically inside its batch.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Final, Literal

from outreach import services
from outreach.clinical.nhs_number import check_digit
from outreach.errors import ValidationError
from outreach.store.consent_repo import SCOPES
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

Sharing = Literal["none", "all", "mix"]
SHARING_CHOICES: Final[tuple[Sharing, ...]] = ("mix", "all", "none")
RECIPIENTS: Final = tuple(s for s in SCOPES if s != "check")  # gp, mental_health_trust, charity
CONSENT_NOTE: Final = "Demo data: synthetic consent"
# The realistic mix: about one person in seven declines sharing with anyone, one in twenty
# shares with the mental health trust or the charity but not the GP, everyone else shares
# with the GP, and of those some also with the trust and some with the charity.
DECLINE_SHARE: Final = 0.15
NOT_GP_SHARE: Final = 0.05
ALSO_TRUST: Final = 0.4
ALSO_CHARITY: Final = 0.3


@dataclass(frozen=True)
class DemoSummary:
    people: int
    checks: int
    findings: int
    seconds: float
    sharing: int = 0  # people who agreed to share with at least one recipient
    declined: int = 0  # people who declined sharing with anyone (their checks wait for consent)
    shared_with: dict[str, int] = field(default_factory=dict)  # recipient -> people who agreed

    @property
    def not_asked(self) -> int:
        """People with no sharing decision recorded (also held until consent is recorded)."""
        return self.people - self.sharing - self.declined


def sharing_plan(people: int, mode: Sharing, seed: int) -> list[dict[str, bool] | None]:
    """Each person's sharing decision per recipient, in registration order (None: not asked).

    Counts come from the proportions above rather than a coin per person, so even a small
    training caseload has its few decliners; a random generator of its own, seeded from
    `seed`, places them, so the people and checks made for a seed are the same in every mode.
    """
    if mode == "none":
        return [None] * people
    if mode == "all":
        return [{"gp": True, "mental_health_trust": False, "charity": False} for _ in range(people)]
    if mode != "mix":
        raise ValidationError(f"Sharing is one of: {', '.join(SHARING_CHOICES)}.", item="sharing")
    rng = random.Random(f"demo-sharing-{seed}")
    declined = max(1, round(people * DECLINE_SHARE)) if people >= 3 else 0
    not_gp = round(people * NOT_GP_SHARE)
    plan: list[dict[str, bool] | None] = []
    for i in range(people):
        if i < declined:
            plan.append(dict.fromkeys(RECIPIENTS, False))
        elif i < declined + not_gp:
            trust = rng.random() < 0.5
            plan.append({"gp": False, "mental_health_trust": trust, "charity": not trust})
        else:
            plan.append(
                {
                    "gp": True,
                    "mental_health_trust": rng.random() < ALSO_TRUST,
                    "charity": rng.random() < ALSO_CHARITY,
                }
            )
    rng.shuffle(plan)
    return plan


def record_sharing(store: LocalStore, person_id: str, decisions: dict[str, bool]) -> None:
    """Record the person's answer for every recipient, as the consent screen does."""
    for recipient in RECIPIENTS:
        services.record_consent(store, person_id, recipient, decisions[recipient], note=CONSENT_NOTE)


def synthetic_nhs_numbers(start: int = 0) -> Iterator[str]:
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
    """Record consent, then start, fill, decide and finalise one synthetic check for `person`, as a
    worker would."""
    services.record_consent(store, person.id, "check", True, note=CONSENT_NOTE)
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
    sharing: Sharing = "none",
) -> DemoSummary:
    """Add `people` synthetic people with `checks_per_person` finalised checks each.

    `sharing` says what they agreed to share (see the module docstring); the default asks
    nobody, for callers that record sharing themselves.
    """
    if people < 0 or checks_per_person < 0:
        raise ValidationError("The numbers of people and checks cannot be negative.")
    plan = sharing_plan(people, sharing, seed)
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
                decisions = plan[made_people]
                if decisions is not None:
                    record_sharing(store, person.id, decisions)
                made_people += 1
                for _ in range(checks_per_person):
                    assert pool is not None
                    final = finalise_demo_check(store, pool, person, today)
                    made_checks += 1
                    made_findings += len(final.findings)
        if progress is not None:
            progress(made_people, made_checks)
    decided = [d for d in plan if d is not None]
    return DemoSummary(
        made_people,
        made_checks,
        made_findings,
        time.perf_counter() - started,
        sharing=sum(1 for d in decided if any(d.values())),
        declined=sum(1 for d in decided if not any(d.values())),
        shared_with={r: sum(1 for d in decided if d[r]) for r in RECIPIENTS},
    )


def _register(store: LocalStore, i: int, rng: random.Random, numbers: Iterator[str]) -> Any:
    for _ in range(1000):
        nhs = next(numbers, None)
        try:
            return services.register_person(store, synthetic_person(i, rng, nhs))
        except ValidationError as exc:
            if exc.item != "nhs_number":
                raise
    raise ValidationError("No free synthetic NHS numbers are left in this store.")  # pragma: no cover
