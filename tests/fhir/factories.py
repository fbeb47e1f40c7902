"""Obviously synthetic plain records for the mapping tests (999-range NHS numbers, "Testperson" names)."""

from __future__ import annotations

import random
import uuid
from typing import Any

from outreach.checks.definition import default_definition
from outreach.checks.evaluation import evaluate_check
from outreach.checks.synthetic import synthetic_complete_check
from outreach.clinical.findings import load_rules
from outreach.fhir.bundle import Sender, person_facts
from outreach.store.records import (
    CheckRecord,
    ConsentRecord,
    FindingRecord,
    FollowUpRecord,
    PersonDetails,
    PersonRecord,
    VenueRecord,
)
from tests.factories import nth_nhs_number

SENDER = Sender(
    organisation_name="Synthetic Outreach Service",
    device_id="7d1c7a52-0000-4000-8000-000000000001",
    organisation_ods_code=None,
    device_name="Test laptop 1",
    software_version="0.1.0",
)
VISIT = "2026-03-02T10:15:00.000000Z"
FINALISED = "2026-03-02T11:02:00.000000Z"


nhs_number = nth_nhs_number  # the n-th valid number of the 999 test range


def person(n: int = 1, **changes: Any) -> PersonRecord:
    fields: dict[str, Any] = {
        "given_name": "Testperson",
        "family_name": f"Alpha {n}",
        "date_of_birth": "1970-05-17",
        "sex": "male",
        "nhs_number": nhs_number(n),
        "ethnic_category": "A",
        "gp_practice": "A81001",
        "preferred_language": "en-GB",
    }
    fields.update(changes)
    return PersonRecord(f"00000000-0000-4000-8000-{n:012d}", 1, PersonDetails(**fields), VISIT, VISIT)


def consents(p: PersonRecord, check_id: str | None = None, **granted: bool) -> list[ConsentRecord]:
    wanted = {"check": True, "gp": True, "mental_health_trust": True, "charity": True}
    wanted.update(granted)
    return [
        ConsentRecord(
            f"c0000000-0000-4000-8000-{i:012d}",
            p.id,
            check_id if scope == "check" else None,
            scope,
            value,
            VISIT,
            "Sam",
            None,
        )
        for i, (scope, value) in enumerate(wanted.items())
    ]


def _decision(finding: Any, i: int) -> dict[str, Any]:
    """Referrals and other follow-ups, alternately, so both kinds appear."""
    if (
        "referral" in finding.allowed_follow_ups
        and finding.suggested_services
        and (i % 2 == 0 or finding.rule_id.startswith("smoking"))
    ):
        return {
            "kind": "referral",
            "service_id": finding.suggested_services[0],
            "reason": None,
            "note": "Agreed with the person",
            "due_on": "2026-03-30",
        }
    kind = "advice_given" if "advice_given" in finding.allowed_follow_ups else "already_under_care"
    return {"kind": kind, "service_id": None, "reason": None, "note": None}


def finalised_check(
    seed: int,
    p: PersonRecord,
    *,
    answers: dict[str, Any] | None = None,
    check_id: str | None = None,
    amends: CheckRecord | None = None,
) -> tuple[CheckRecord, list[FindingRecord], list[FollowUpRecord]]:
    """A synthetic finalised check with findings and one follow-up per finding, as the store would hold."""
    defn = default_definition()
    who = person_facts(p, VISIT)
    if answers is None:
        answers = synthetic_complete_check(random.Random(seed), defn, who)
    found = evaluate_check(defn, answers, who, load_rules()).findings
    cid = check_id or f"{seed:08d}-0000-4000-8000-00000000c0c0"
    findings, follow_ups = [], []
    decisions = {}
    for i, f in enumerate(found):
        fid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{cid}/finding/{i}"))
        doc = {
            "rule_id": f.rule_id,
            "title": f.title,
            "severity": f.severity,
            "reason": f.reason,
            "source": f.source,
        }
        findings.append(FindingRecord(fid, cid, i, doc))
        decision = _decision(f, i)
        decisions[f.rule_id] = decision
        state = "open" if decision["kind"] == "referral" else "closed"
        follow_ups.append(
            FollowUpRecord(
                str(uuid.uuid5(uuid.NAMESPACE_URL, f"{cid}/follow-up/{i}")),
                cid,
                fid,
                p.id,
                1,
                state,
                None,
                decision.get("due_on"),
                FINALISED,
                FINALISED,
                {"rule_id": f.rule_id, "decision": decision, "outcome_note": None},
            )
        )
    document = {
        "answers": answers,
        "element_status": {},
        "decisions": decisions,
        "notes": None,
        "findings_count": len(found),
    }
    if amends is not None:
        document["amendment_reason"] = "Weight was entered in the wrong box"
    check = CheckRecord(
        cid,
        p.id,
        None,
        amends.id if amends else None,
        amends.edition + 1 if amends else 1,
        "finalised",
        defn.version,
        5,
        VISIT if amends is None else FINALISED,
        "Sam",
        FINALISED,
        FINALISED,
        "Sam",
        document,
    )
    return check, findings, follow_ups


VENUE = VenueRecord("0e0e0e0e-0000-4000-8000-000000000001", "Synthetic Food Bank", {})
