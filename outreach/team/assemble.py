"""One check rebuilt from the resources the shared record holds, in the worker's own format.

Why rebuild instead of showing the FHIR resources: the supervisor must see a check exactly as
the worker saw it, and the worker's read-only check page takes the store's records
(CheckRecord, PersonRecord, FindingRecord, FollowUpRecord). The QuestionnaireResponse carries
every answer the check counted (element statuses and reasons included), the Tasks carry the
follow-up decided for each finding (with the finding's rule id), the ServiceRequests name the
referral's service, the Consent what the person agreed to share, the Patient who they are,
the Practitioner who did it and the Location where. Observations repeat what the
QuestionnaireResponse says in coded form, so they are not needed here.

Findings: the shared record holds each finding as the reason of its follow-up Task (rule id,
title and reason in words), because every finding has exactly one follow-up. The finding's
severity and advice are the product's own rules: the answers are evaluated again on the
visit day, and the worker's findings (the Tasks) are the truth for which findings there were.

Everything here is pure: plain dicts in, a JSON-able document out; no store, no HTTP.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from outreach.checks.context import TOWNSEND_KEY, build_context
from outreach.checks.definition import CheckDefinition
from outreach.clinical.findings import RuleSet
from outreach.clinical.service_directory import in_sentence
from outreach.fhir.bundle import (
    CHECK_VERSION_SYSTEM,
    EXT_EDITION,
    EXT_REPLACES,
    FINDING_SYSTEM,
    FOLLOW_UP_KIND_SYSTEM,
)
from outreach.fhir.consent import RECIPIENT_NAMES, RECIPIENTS
from outreach.fhir.follow_up_update import OUTCOME_SYSTEM
from outreach.fhir.identifiers import (
    CHECK_SYSTEM,
    FOLLOW_UP_SYSTEM,
    NHS_NUMBER_SYSTEM,
    PERSON_SYSTEM,
    SERVICE_SYSTEM,
    VENUE_SYSTEM,
    identifier_value,
)
from outreach.store.records import CheckRecord, FindingRecord, FollowUpRecord, PersonDetails, PersonRecord

# The resource types a check is assembled from (Organization and Device are not needed).
CHECK_PARTS: Final = ("Encounter", "QuestionnaireResponse", "Task", "ServiceRequest", "Consent")
SHARED_PARTS: Final = ("Patient", "Practitioner", "Location")
PULLED_TYPES: Final = (*SHARED_PARTS, *CHECK_PARTS, "Provenance")
NO_VENUE: Final = "No venue recorded"
UNKNOWN_WORKER: Final = "Unknown worker"
CLOSED_TASK_STATUSES: Final = frozenset({"completed", "cancelled", "failed", "rejected", "entered-in-error"})


def normal_ref(ref: Any) -> str | None:
    """"Type/id" from any literal reference (absolute, relative, with or without _history)."""
    if not isinstance(ref, str) or not ref or ref.startswith(("urn:", "#")):
        return None
    parts = ref.rstrip("/").split("/")
    if len(parts) >= 4 and parts[-2] == "_history":
        parts = parts[:-2]
    if len(parts) < 2 or not parts[-2][:1].isupper() or not parts[-1]:
        return None
    return f"{parts[-2]}/{parts[-1]}"


def ref_of(resource: Mapping[str, Any]) -> str:
    return f"{resource.get('resourceType')}/{resource.get('id')}"


def _reference(value: Any) -> str | None:
    return normal_ref(value.get("reference")) if isinstance(value, Mapping) else None


def encounter_of(resource: Mapping[str, Any]) -> str | None:
    """The Encounter a check's part belongs to ("Encounter/<id>"), from whichever element says it."""
    kind = resource.get("resourceType")
    if kind == "Encounter":
        return ref_of(resource)
    if kind == "Consent":
        for data in ((resource.get("provision") or {}).get("data") or []):
            ref = _reference((data or {}).get("reference"))
            if ref and ref.startswith("Encounter/"):
                return ref
        return None
    if kind == "Provenance":
        for target in resource.get("target") or []:
            ref = _reference(target)
            if ref and ref.startswith("Encounter/"):
                return ref
        return None
    ref = _reference(resource.get("encounter"))
    return ref if ref and ref.startswith("Encounter/") else None


def provenance_targets(provenance: Mapping[str, Any]) -> list[str]:
    """The parts of the check the Provenance names, of the types assembled here (Observations
    included: the QRISK3 one is read when it is here, see `required_part`)."""
    out = []
    for target in provenance.get("target") or []:
        ref = _reference(target)
        if ref and ref.split("/", 1)[0] in (*PULLED_TYPES, "Observation"):
            out.append(ref)
    return out


def required_part(ref: str) -> bool:
    """Whether a check waits for this part. Observations only repeat the answers, except the QRISK3
    score's note, which names the Townsend score the worker's laptop used; only that one is pulled,
    so the others never come and are not waited for."""
    return ref.split("/", 1)[0] in PULLED_TYPES


# The QRISK3 note that names the Townsend score used
# (outreach.checks.evaluation.QRISK3_CAVEATS_WITH_TOWNSEND).
_TOWNSEND_NOTE = re.compile(r"Townsend deprivation score (-?[0-9.]+(?:e-?[0-9]+)?) for the person's postcode "
                            r"\((.*)\)\.")


def townsend_of(observations: Iterable[Mapping[str, Any]]) -> dict[str, Any] | None:
    """{"score", "source"} the worker's laptop used for QRISK3, from the score's note; None if none."""
    for observation in observations:
        for note in observation.get("note") or []:
            found = _TOWNSEND_NOTE.search(str((note or {}).get("text") or ""))
            if found:
                try:
                    return {"score": float(found.group(1)), "source": found.group(2)}
                except ValueError:
                    return None
    return None


def _day(value: Any) -> str | None:
    try:
        return _dt.date.fromisoformat(str(value)[:10]).isoformat()
    except (TypeError, ValueError):
        return None


# -- answers ----------------------------------------------------------------------------------------


def _answer_value(answer: Mapping[str, Any]) -> Any:
    for key, value in answer.items():
        if not key.startswith("value"):
            continue
        if key == "valueCoding":
            return (value or {}).get("code")
        return value
    return None


def answers_from_response(response: Mapping[str, Any]) -> dict[str, Any]:
    """linkId -> value of every answered question of a QuestionnaireResponse (nested items too)."""
    out: dict[str, Any] = {}

    def walk(items: Iterable[Any]) -> None:
        for node in items or []:
            if not isinstance(node, Mapping):
                continue
            link = node.get("linkId")
            for answer in node.get("answer") or []:
                if not isinstance(answer, Mapping):
                    continue
                value = _answer_value(answer)
                if link and value is not None:
                    out[str(link)] = value
                walk(answer.get("item") or [])
            walk(node.get("item") or [])

    walk(response.get("item") or [])
    return out


# -- the assembled check -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Parts:
    """The resources of one check version, as pulled."""

    provenance: Mapping[str, Any]
    encounter: Mapping[str, Any]
    response: Mapping[str, Any] | None
    tasks: Sequence[Mapping[str, Any]]
    requests: Sequence[Mapping[str, Any]]
    consent: Mapping[str, Any] | None
    patient: Mapping[str, Any] | None
    practitioner: Mapping[str, Any] | None
    location: Mapping[str, Any] | None
    observations: Sequence[Mapping[str, Any]] = ()  # those pulled (the QRISK3 score), when here


def assemble(parts: Parts, *, definition: CheckDefinition, rules: RuleSet | None) -> dict[str, Any]:
    """The check as a plain document (sealed by the store, read back by `outreach.team.queue`).

    Keys: check_id, chain_id, edition, replaces, reason, worker, venue, venue_id, visit_date,
    visit_start, finalised_at, received_at, definition_version, person {id, details},
    answers, findings [finding documents], follow_ups [...], consent {...}.
    """
    enc = parts.encounter
    check_id = identifier_value(enc, CHECK_SYSTEM) or str(enc.get("id"))
    edition = 1
    replaces = None
    for ext in enc.get("extension") or []:
        if not isinstance(ext, Mapping):
            continue
        if ext.get("url") == EXT_EDITION and isinstance(ext.get("valueInteger"), int):
            edition = int(ext["valueInteger"])
        if ext.get("url") == EXT_REPLACES:
            ident = (ext.get("valueReference") or {}).get("identifier") or {}
            if ident.get("system") == CHECK_SYSTEM and ident.get("value"):
                replaces = str(ident["value"])
    version_key = identifier_value(enc, CHECK_VERSION_SYSTEM)
    chain_id = version_key.rsplit("/", 1)[0] if version_key and "/" in version_key else check_id
    period = enc.get("period") or {}
    prov = parts.provenance
    visit_start = str(period.get("start") or prov.get("recorded") or "")
    finalised_at = str(
        prov.get("recorded") or (parts.response or {}).get("authored") or period.get("end") or ""
    )
    reason = None
    for r in prov.get("reason") or []:
        if isinstance(r, Mapping) and r.get("text"):
            reason = str(r["text"])
    worker = _worker(parts.practitioner)
    venue = str((parts.location or {}).get("name") or NO_VENUE)
    person = _person(parts.patient)
    answers = answers_from_response(parts.response or {})
    questionnaire = str((parts.response or {}).get("questionnaire") or "")
    definition_version = questionnaire.split("|", 1)[1] if "|" in questionnaire else definition.version
    services = {ref_of(sr): sr for sr in parts.requests}
    follow_ups = [_follow_up(t, services) for t in parts.tasks if identifier_value(t, FOLLOW_UP_SYSTEM)]
    follow_ups.sort(key=lambda f: (f["position"], f["follow_up_id"]))
    doc: dict[str, Any] = {
        "check_id": check_id,
        "chain_id": chain_id,
        "edition": edition,
        "replaces": replaces,
        "reason": reason,
        "worker": worker,
        "venue": venue,
        "venue_id": identifier_value(parts.location or {}, VENUE_SYSTEM),
        "visit_date": _day(visit_start) or _day(finalised_at) or _dt.date.today().isoformat(),
        "visit_start": visit_start,
        "finalised_at": finalised_at,
        "received_at": str((prov.get("meta") or {}).get("lastUpdated") or finalised_at),
        "definition_version": definition_version,
        "person": person,
        "patient_ref": ref_of(parts.patient) if parts.patient else None,
        "practitioner_ref": ref_of(parts.practitioner) if parts.practitioner else None,
        "answers": answers,
        "consent": _consent(parts.consent),
    }
    townsend = townsend_of(parts.observations)
    if townsend is not None:
        doc["townsend"] = townsend  # QRISK3 worked out with the same score as on the worker's screen
    doc["findings"] = _findings(doc, follow_ups, definition, rules)
    for follow_up in follow_ups:
        follow_up.pop("position", None)
    doc["follow_ups"] = follow_ups
    return doc


def _worker(practitioner: Mapping[str, Any] | None) -> str:
    for name in (practitioner or {}).get("name") or []:
        if isinstance(name, Mapping):
            text = name.get("text") or " ".join([*(name.get("given") or []), str(name.get("family") or "")])
            if str(text).strip():
                return str(text).strip()
    return UNKNOWN_WORKER


def _person(patient: Mapping[str, Any] | None) -> dict[str, Any]:
    p = patient or {}
    name = next((n for n in p.get("name") or [] if isinstance(n, Mapping)), {})
    ethnic = None
    for ext in p.get("extension") or []:
        coding = ((ext or {}).get("valueCodeableConcept") or {}).get("coding") or []
        if coding and isinstance(coding[0], Mapping):
            ethnic = coding[0].get("code")
    gp = None
    for practice in p.get("generalPractitioner") or []:
        if isinstance(practice, Mapping):
            gp = (practice.get("identifier") or {}).get("value") or practice.get("display")
    language = None
    for comm in p.get("communication") or []:
        concept = (comm or {}).get("language") or {}
        coding = concept.get("coding") or []
        language = (coding[0].get("code") if coding else None) or concept.get("text")
    details = PersonDetails(
        given_name=" ".join(str(g) for g in name.get("given") or []),
        family_name=str(name.get("family") or ""),
        date_of_birth=str(p.get("birthDate") or ""),
        sex=str(p.get("gender") or "unknown"),
        nhs_number=identifier_value(p, NHS_NUMBER_SYSTEM),
        ethnic_category=ethnic,
        gp_practice=gp,
        preferred_language=language,
    )
    return {
        "id": identifier_value(p, PERSON_SYSTEM) or str(p.get("id") or ""),
        "details": details.to_document(),
    }


def _follow_up(task: Mapping[str, Any], services: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    reason = task.get("reasonCode") or {}
    coding: dict[str, Any] = next(
        (c for c in reason.get("coding") or [] if (c or {}).get("system") == FINDING_SYSTEM), {})
    kind_coding: dict[str, Any] = next(
        (c for c in (task.get("businessStatus") or {}).get("coding") or []
         if (c or {}).get("system") == FOLLOW_UP_KIND_SYSTEM), {})
    kind = str(kind_coding.get("code") or "")
    notes = [str(n.get("text")) for n in task.get("note") or [] if isinstance(n, Mapping) and n.get("text")]
    outcome_note = None
    kept = []
    for note in notes:
        if note.startswith("Outcome: "):
            outcome_note = note
        else:
            kept.append(note)
    decision: dict[str, Any] = {
        "kind": kind,
        "reason": None,
        "note": None,
        "service_id": None,
        "due_on": None,
    }
    if kind in ("declined", "clinician_override") and kept:
        decision["reason"] = kept[0]
        decision["note"] = " ".join(kept[1:]) or None
    elif kept:
        decision["note"] = " ".join(kept)
    service_name = None
    request = services.get(_reference(task.get("focus")) or "")
    if request is not None:
        performer = next((p for p in request.get("performer") or [] if isinstance(p, Mapping)), {})
        decision["service_id"] = (performer.get("identifier") or {}).get("value") if (
            (performer.get("identifier") or {}).get("system") == SERVICE_SYSTEM) else None
        service_name = performer.get("display")
    due = ((task.get("restriction") or {}).get("period") or {}).get("end")
    decision["due_on"] = _day(due)
    status = str(task.get("status") or "")
    outcome_coding: dict[str, Any] = next(
        (c for c in (task.get("statusReason") or {}).get("coding") or []
         if (c or {}).get("system") == OUTCOME_SYSTEM), {})
    closed = status in CLOSED_TASK_STATUSES
    recorded = str(task.get("authoredOn") or "")
    modified = str(task.get("lastModified") or recorded)
    return {
        "task_ref": ref_of(task),
        "follow_up_id": identifier_value(task, FOLLOW_UP_SYSTEM),
        "rule_id": str(coding.get("code") or ""),
        "title": coding.get("display"),
        "finding_text": reason.get("text"),
        "position": 0,
        "decision": decision,
        "service_name": service_name,
        "state": "closed" if closed else "open",
        "outcome": outcome_coding.get("code") if closed else None,
        "outcome_note": outcome_note,
        "opened_on": _day(recorded),
        "closed_on": _day(modified) if closed else None,
        "last_updated": str((task.get("meta") or {}).get("lastUpdated") or ""),
        "severity": "urgent" if (request or {}).get("priority") == "urgent" else None,
    }


def task_status_change(task: Mapping[str, Any]) -> dict[str, Any]:
    """What a later version of a follow-up Task says about its status (for a check already assembled)."""
    status = str(task.get("status") or "")
    closed = status in CLOSED_TASK_STATUSES
    outcome_coding: dict[str, Any] = next(
        (c for c in (task.get("statusReason") or {}).get("coding") or []
         if (c or {}).get("system") == OUTCOME_SYSTEM), {})
    notes = [str(n.get("text")) for n in task.get("note") or [] if isinstance(n, Mapping) and n.get("text")]
    return {
        "state": "closed" if closed else "open",
        "outcome": outcome_coding.get("code") if closed else None,
        "outcome_note": next((n for n in notes if n.startswith("Outcome: ")), None),
        "closed_on": _day(task.get("lastModified") or (task.get("meta") or {}).get("lastUpdated"))
        if closed
        else None,
        "last_updated": str((task.get("meta") or {}).get("lastUpdated") or ""),
    }


def _consent(consent: Mapping[str, Any] | None) -> dict[str, Any]:
    if not consent:
        return {"check": None, "recipients": {}, "recorded_at": None}
    provision = consent.get("provision") or {}
    recipients: dict[str, bool] = {}
    for nested in provision.get("provision") or []:
        for actor in (nested or {}).get("actor") or []:
            who = (((actor or {}).get("reference") or {}).get("identifier") or {}).get("value")
            if who in RECIPIENTS:
                recipients[str(who)] = (nested or {}).get("type") == "permit"
    return {"check": provision.get("type") == "permit", "recipients": recipients,
            "recorded_at": consent.get("dateTime")}


def consent_words(consent: Mapping[str, Any]) -> str:
    """What the person agreed to share, in one sentence for the supervisor."""
    if consent.get("check") is None:
        return "No consent record came with this check."
    recipients = consent.get("recipients") or {}
    agreed = [in_sentence(RECIPIENT_NAMES[r]) for r in RECIPIENTS if recipients.get(r) is True]
    refused = [in_sentence(RECIPIENT_NAMES[r]) for r in RECIPIENTS if recipients.get(r) is False]
    words = "Agreed to the check" if consent.get("check") else "Did not agree to the check"
    if agreed:
        words += "; agreed to share with " + _and(agreed)
    if refused:
        words += "; not shared with " + _and(refused)
    day = _day(consent.get("recorded_at"))
    if day:
        when = _dt.date.fromisoformat(day)
        words += f"; recorded {when.day} {when.strftime('%b %Y')}"
    return words + "."


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _findings(doc: dict[str, Any], follow_ups: list[dict[str, Any]], definition: CheckDefinition,
              rules: RuleSet | None) -> list[dict[str, Any]]:
    """The check's findings: one per follow-up Task, described by the product's rules.

    Also records each element's state (done, declined, not possible, incomplete) in
    doc["elements"], from the same evaluation, for the dashboards."""
    evaluated_list, elements = evaluate(doc, definition, rules)
    doc["elements"] = elements
    evaluated = {f["rule_id"]: f for f in evaluated_list}
    order = {rule_id: n for n, rule_id in enumerate(evaluated)}
    out: list[dict[str, Any]] = []
    for follow_up in follow_ups:
        rule_id = follow_up["rule_id"]
        finding = dict(evaluated.get(rule_id) or {})
        if not finding:
            finding = {"rule_id": rule_id, "title": follow_up.get("title") or rule_id,
                       "reason": follow_up.get("finding_text") or "", "source": "",
                       "allowed_follow_ups": [], "suggested_services": [], "suggested_text": ""}
            try:
                rule = rules.rule(rule_id) if rules is not None else None
            except KeyError:
                rule = None
            finding["severity"] = rule.severity if rule is not None else (follow_up.get("severity") or "act")
        follow_up["position"] = order.get(rule_id, len(order) + len(out))
        out.append(finding)
    out.sort(key=lambda f: order.get(f["rule_id"], 1_000_000))
    for follow_up in follow_ups:
        follow_up.pop("severity", None)
        follow_up.pop("title", None)
        follow_up.pop("finding_text", None)
    return out


def evaluate(doc: Mapping[str, Any], definition: CheckDefinition,
             rules: RuleSet | None) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The findings the product's rules give for these answers on the visit day (finding documents),
    and each element's state from the check's completeness."""
    check = record_of(doc)
    context = build_context(check, person_of(doc), definition=definition, rules=rules)
    out: list[dict[str, Any]] = []
    for finding in context.evaluation.findings:
        out.append({
            "rule_id": finding.rule_id, "title": finding.title, "severity": finding.severity,
            "reason": finding.reason, "source": finding.source,
            "allowed_follow_ups": list(finding.allowed_follow_ups),
            "suggested_services": list(finding.suggested_services),
            "suggested_text": finding.suggested_text,
        })
    elements = {e.element_id: e.state for e in context.evaluation.completeness.elements}
    return out, elements


# -- back to the worker's records ----------------------------------------------------------------------


def person_of(doc: Mapping[str, Any]) -> PersonRecord:
    person = doc.get("person") or {}
    stamp = str(doc.get("finalised_at") or "")
    return PersonRecord(
        str(person.get("id") or ""),
        1,
        PersonDetails.from_document(dict(person.get("details") or {})),
        stamp,
        stamp,
    )


def record_of(doc: Mapping[str, Any]) -> CheckRecord:
    """The check version in the worker's CheckRecord form (finalised, read-only)."""
    decisions = {f["rule_id"]: dict(f["decision"]) for f in doc.get("follow_ups") or [] if f.get("rule_id")}
    document: dict[str, Any] = {
        "answers": dict(doc.get("answers") or {}),
        "decisions": decisions,
        "notes": "",
        "visit_date": doc.get("visit_date"),
    }
    if doc.get("reason"):
        document["amendment_reason"] = doc["reason"]
    if doc.get("townsend"):
        document[TOWNSEND_KEY] = dict(doc["townsend"])
    return CheckRecord(
        id=str(doc["check_id"]),
        person_id=str((doc.get("person") or {}).get("id") or ""),
        session_id=None,
        amends_id=doc.get("replaces"),
        edition=int(doc.get("edition") or 1),
        status="finalised",
        definition_version=str(doc.get("definition_version") or ""),
        version=1,
        created_at=str(doc.get("visit_start") or doc.get("finalised_at") or ""),
        created_by=doc.get("worker"),
        updated_at=str(doc.get("finalised_at") or ""),
        finalised_at=str(doc.get("finalised_at") or "") or None,
        finalised_by=doc.get("worker"),
        document=document,
    )


def findings_of(doc: Mapping[str, Any]) -> list[FindingRecord]:
    check_id = str(doc["check_id"])
    return [FindingRecord(f"{check_id}/finding/{n}", check_id, n, dict(f))
            for n, f in enumerate(doc.get("findings") or [])]


def follow_ups_of(
    doc: Mapping[str, Any], current: Mapping[str, Mapping[str, Any]] | None = None
) -> list[FollowUpRecord]:
    """The follow-ups in the worker's form; `current` (task_ref -> status change) wins over the document."""
    check_id = str(doc["check_id"])
    person_id = str((doc.get("person") or {}).get("id") or "")
    by_rule = {f.rule_id: f.id for f in findings_of(doc)}
    out = []
    for f in doc.get("follow_ups") or []:
        now = dict(f)
        now.update((current or {}).get(str(f.get("task_ref")), {}))
        out.append(FollowUpRecord(
            id=str(now.get("follow_up_id") or now.get("task_ref")),
            check_id=check_id,
            finding_id=by_rule.get(str(now.get("rule_id")), ""),
            person_id=person_id,
            version=1,
            state=str(now.get("state") or "open"),
            outcome=now.get("outcome"),
            due_on=(now.get("decision") or {}).get("due_on"),
            created_at=str(doc.get("finalised_at") or ""),
            updated_at=str(now.get("last_updated") or doc.get("finalised_at") or ""),
            document={"decision": dict(now.get("decision") or {}), "outcome_note": now.get("outcome_note"),
                      "rule_id": now.get("rule_id"), "service_name": now.get("service_name")},
        ))
    return out
