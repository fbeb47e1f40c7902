"""One clinical truth: what the screen shows, the summary says, finalising freezes and the shared
record receives are the same numbers, for any check, amendments across a birthday and across 60
included.

Each example runs the real use cases on a real store: start a check on the visit day, finalise it,
amend it days or months later (the store's clock is moved), finalise the amendment, then compare
- the screen (the check context the check screen builds, with and without the amendment's history),
- the summary (from the same context),
- the findings frozen at finalising, and
- the FHIR bundle sync sends (QRISK3, BMI, AUDIT-C, blood pressure Observations),
with each other and with an independent reckoning of the person's age on the visit day.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach import services
from outreach.checks.context import build_context, finalise_blockers
from outreach.checks.definition import default_definition
from outreach.checks.evaluation import qrisk3_fact
from outreach.checks.synthetic import synthetic_complete_check
from outreach.clinical.findings import load_rules
from outreach.clinical.service_directory import load_service_directory
from outreach.clinical.townsend import TownsendLookup
from outreach.demo_data import synthetic_nhs_numbers
from outreach.fhir import codes
from outreach.fhir.outbox import bundle_for_outbox_item
from outreach.store import checks_repo
from outreach.store.local_store import LocalStore
from outreach.store.records import PersonDetails
from outreach.summary import summary_for_context
from tests.factories import new_store
from tests.fakes import StoreClock

DEFN = default_definition()
RULES = load_rules()
DIRECTORY = load_service_directory()
_counter = iter(range(1, 10**6))


# Each example registers a new person: a fresh synthetic NHS number for each.
_NHS_NUMBERS = synthetic_nhs_numbers(1)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStore]:
    path: Path = tmp_path_factory.mktemp("one-truth") / "data"
    s = new_store(path, admin="Sam Testworker")
    try:
        yield s
    finally:
        s.close()


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _decide(store: LocalStore, check_id: str) -> None:
    """A follow-up the rule allows for every finding (as a nurse would choose on the findings page)."""
    context = services.check_context(store, check_id, definition=DEFN, rules=RULES)
    decisions: dict[str, Any] = {}
    for f in context.evaluation.findings:
        if "referral" in f.allowed_follow_ups and f.suggested_services:
            decisions[f.rule_id] = {"kind": "referral", "service_id": f.suggested_services[0]}
        else:
            kind = next(k for k in ("advice_given", "already_under_care", "clinician_override")
                        if k in f.allowed_follow_ups)
            decisions[f.rule_id] = {"kind": kind, "reason": "Discussed with the person"}
    if decisions:
        services.record_follow_up_decisions(store, check_id, decisions)


def _by_code(bundle: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
            and any(c.get("code") == code for c in e["resource"]["code"]["coding"])]


def _half_up(value: float) -> int:
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    age_at_visit=st.one_of(st.integers(24, 86), st.sampled_from([59, 60, 44, 45])),
    birthday_in=st.integers(-30, 400),  # days from the visit to the next birthday (negative: just had it)
    amend_after=st.integers(1, 500),  # days from the visit to the amendment
    sex=st.sampled_from(["female", "male"]),
    ethnic=st.sampled_from(["A", "H", "J", "M", "N", "R", "S", "Z"]),
    townsend=st.one_of(st.none(), st.floats(-7, 12).map(lambda x: round(x, 2))),
)
def test_screen_summary_findings_and_shared_record_agree(
    store: LocalStore, monkeypatch: pytest.MonkeyPatch, seed: int, age_at_visit: int, birthday_in: int,
    amend_after: int, sex: str, ethnic: str, townsend: float | None,
) -> None:
    clock = StoreClock(datetime(2026, 3, 2, 10, 15, tzinfo=UTC))
    monkeypatch.setattr(checks_repo, "utc_now", clock)
    visit = clock.now.date()
    # Born so that the person is `age_at_visit` on the visit day and has a birthday `birthday_in` days away.
    birthday = visit + timedelta(days=birthday_in)
    try:
        born = birthday.replace(year=birthday.year - age_at_visit - (1 if birthday_in > 0 else 0))
    except ValueError:  # 29 February
        year = birthday.year - age_at_visit - (1 if birthday_in > 0 else 0)
        born = (birthday - timedelta(days=1)).replace(year=year)
    n = next(_counter)
    person = services.register_person(
        store,
        PersonDetails(
            given_name="Testperson",
            family_name=f"Truth {n}",
            date_of_birth=born.isoformat(),
            sex=sex,
            nhs_number=next(_NHS_NUMBERS),
            ethnic_category=ethnic,
            gp_practice="A81001",
            postcode="BS1 4DJ",
        ),
    )
    expected_age = _age(born, visit)

    # The visit: a complete check, a follow-up for each finding, finalised.
    services.record_consent(store, person.id, "check", True)
    for scope in ("gp", "mental_health_trust", "charity"):
        services.record_consent(store, person.id, scope, True)
    first = services.start_check(store, person.id, definition_version=DEFN.version)
    if townsend is not None:  # the organisation's postcode file, looked up once when the check starts
        services.record_townsend(store, first.id, TownsendLookup("org-townsend.csv", {"BS14DJ": townsend}))
    who = build_context(first, person, definition=DEFN).person
    services.save_answers(store, first.id, synthetic_complete_check(random.Random(seed), DEFN, who))
    _decide(store, first.id)
    services.finalise_check(store, first.id, definition=DEFN, rules=RULES)

    # The amendment, made later (perhaps after a birthday, perhaps after turning 60).
    clock.now += timedelta(days=amend_after)
    draft = services.amend_check(store, first.id, reason="Corrected the weight")
    services.save_answer(store, draft.id, "weight.weight", 71.5)
    _decide(store, draft.id)
    # The screen as it opens a stored amendment (with its history) and right after amending (without).
    opened = services.check_context(store, draft.id, definition=DEFN, rules=RULES)
    just_amended = build_context(services.load_check(store, draft.id), person, definition=DEFN, rules=RULES)
    assert opened.visit_date == just_amended.visit_date == visit
    assert opened.person.age_years == just_amended.person.age_years == expected_age
    # One gate: nothing blocks the amendment the first version did not (no new age-only question).
    assert finalise_blockers(opened.evaluation, opened.decisions, DIRECTORY.services.keys()) == []
    final = services.finalise_check(
        store, draft.id, definition=DEFN, rules=RULES, directory_ids=DIRECTORY.services.keys()
    )

    screen = services.check_context(store, draft.id, definition=DEFN, rules=RULES)
    evaluation = screen.evaluation
    assert evaluation.facts.get("age_years") == expected_age
    if evaluation.qrisk3.result is not None:  # the Townsend score used is said beside the score
        assert ("org-townsend.csv" in evaluation.qrisk3.caveats[1]) is (townsend is not None)
    assert just_amended.evaluation.facts == evaluation.facts
    # Findings frozen at finalising are the findings on screen.
    assert [f.document["rule_id"] for f in final.findings] == [f.rule_id for f in evaluation.findings]

    # The summary, from the same context.
    summary = summary_for_context(screen, person.details, services=DIRECTORY)
    numbers = {line.key: line for line in summary.numbers}
    qrisk = evaluation.qrisk3.result
    if qrisk is not None and qrisk.risk_percent >= 1:
        assert str(_half_up(qrisk.risk_percent)) in numbers["heart"].value
    else:
        assert "heart" not in numbers or qrisk is not None
    bmi = evaluation.calculators.get("bmi")
    if bmi is not None:
        assert f"{bmi.bmi_kg_m2:.1f}".rstrip("0").rstrip(".") in numbers["weight"].meaning

    # The shared record, as sync sends it.
    item = next(i for i in services.list_outbox(store) if i.check_id == draft.id)
    bundle = bundle_for_outbox_item(store, item, directory=DIRECTORY).bundle
    sent_qrisk = _by_code(bundle, codes.QRISK3.codes[0].code)
    if qrisk is None:
        assert sent_qrisk == []
    else:
        assert [o["valueQuantity"]["value"] for o in sent_qrisk] == [qrisk3_fact(qrisk.risk_percent)]
        assert evaluation.facts["qrisk3_percent"] == qrisk3_fact(qrisk.risk_percent)
    sent_bmi = _by_code(bundle, codes.BMI.codes[0].code)
    assert [o["valueQuantity"]["value"] for o in sent_bmi] == ([round(bmi.bmi_kg_m2, 1)] if bmi else [])
    audit = evaluation.calculators.get("audit_c")
    sent_audit = _by_code(bundle, codes.AUDIT_C.codes[0].code)
    assert [o["valueQuantity"]["value"] for o in sent_audit] == ([audit.score] if audit else [])
    # Every Observation is dated on the visit day, the day the ages were worked out on.
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "Observation":
            assert resource["effectiveDateTime"][:10] == visit.isoformat()
