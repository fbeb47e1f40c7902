"""The outbound mapping from plain records: valid R4B resources, codes, identifiers, references."""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from typing import Any

import pytest

from outreach.checks.definition import default_definition
from outreach.checks.synthetic import synthetic_complete_check
from outreach.clinical.service_directory import in_sentence, load_service_directory
from outreach.errors import ValidationError
from outreach.fhir import codes
from outreach.fhir.bundle import CHECK_VERSION_SYSTEM, EXT_REPLACES, check_bundle, person_facts
from outreach.fhir.identifiers import (
    CHECK_SYSTEM,
    FOLLOW_UP_SYSTEM,
    NHS_NUMBER_SYSTEM,
    ODS_ORGANISATION_SYSTEM,
    PERSON_SYSTEM,
    SERVICE_SYSTEM,
    check_search_params,
)
from tests.fhir.factories import FINALISED, SENDER, VENUE, VISIT, consents, finalised_check, person
from tests.fhir.helpers import by_full_url, codes_of, references, resources, validate_bundle

SNOMED, LOINC, UCUM = "http://snomed.info/sct", "http://loinc.org", "http://unitsofmeasure.org"
DIRECTORY = load_service_directory()

# Written out from clinical.md 4.1 (not read from the code under test):
# answer linkId -> (SNOMED, LOINC or None, UCUM unit, category)
EXPECTED_MEASUREMENTS = {
    "weight.weight": ("27113001", "29463-7", "kg", "vital-signs"),
    "weight.height": ("50373000", "8302-2", "cm", "vital-signs"),
    "weight.waist": ("276361009", None, "cm", "vital-signs"),
    "blood_pressure.pulse": ("78564009", "8867-4", "/min", "vital-signs"),
    "glucose.hba1c": ("999791000000106", "59261-8", "mmol/mol", "laboratory"),
    "glucose.fasting_glucose": ("1003141000000105", "14771-0", "mmol/L", "laboratory"),
    "glucose.random_glucose": ("1031331000000106", "15074-8", "mmol/L", "laboratory"),
    "lipids.total_cholesterol": ("1005671000000105", "14647-2", "mmol/L", "laboratory"),
    "lipids.hdl": ("1005681000000107", "14646-4", "mmol/L", "laboratory"),
    "smoking.cigarettes_per_day": ("230056004", None, "/d", "social-history"),
}
EXPECTED_CALCULATED = {
    "bmi": ("60621009", "39156-5", "kg/m2", "vital-signs"),
    "audit_c": ("763256006", "75626-2", "{score}", "survey"),
    "qrisk3": ("1085871000000105", None, "%", "survey"),
}


def build(seed: int = 3, *, answers: dict[str, Any] | None = None, **kw: Any) -> Any:
    p = kw.pop("p", None) or person(1)
    check, findings, follow_ups = finalised_check(seed, p, answers=answers)
    args = {
        "findings": findings,
        "follow_ups": follow_ups,
        "consents": consents(p),
        "sender": SENDER,
        "venue": VENUE,
        "directory": DIRECTORY,
    }
    args.update(kw)
    return check_bundle(check, p, **args), check, findings, follow_ups


def observation_by_code(bundle: dict[str, Any], system: str, code: str) -> list[dict[str, Any]]:
    return [o for o in resources(bundle, "Observation") if (system, code) in codes_of(o["code"])]


def full_answers(seed: int) -> dict[str, Any]:
    p = person(1)
    return synthetic_complete_check(random.Random(seed), default_definition(), person_facts(p, VISIT))


# -- structure -----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(12))
def test_every_resource_validates_and_every_reference_resolves(seed: int) -> None:
    result, check, _, _ = build(seed, p=person(seed + 1, sex="female" if seed % 2 else "male"))
    bundle = result.bundle
    assert bundle["type"] == "transaction"
    validate_bundle(bundle)
    full_urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(full_urls) == len(set(full_urls))
    assert all(u.startswith("urn:uuid:") for u in full_urls)
    for ref in references(bundle):
        if ref.startswith("urn:uuid:"):
            assert ref in full_urls, ref
        else:
            pytest.fail(f"unexpected non-bundle reference {ref}")
    assert result.resource_count == len(bundle["entry"])
    assert result.encounter_identifier == {"system": CHECK_SYSTEM, "value": check.id}


@pytest.mark.parametrize("seed", range(6))
def test_every_entry_is_a_conditional_create_on_its_own_identifier(seed: int) -> None:
    bundle = build(seed)[0].bundle
    for entry in bundle["entry"]:
        resource, request = entry["resource"], entry["request"]
        if resource["resourceType"] == "Provenance":
            # R4 Provenance has no identifier, and servers refuse client-chosen ids: a conditional
            # create on this laptop's record of this check's Encounter.
            encounter = next(
                e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Encounter"
            )
            device = next(e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Device")
            assert "id" not in resource
            assert request == {
                "method": "POST",
                "url": "Provenance",
                "ifNoneExist": f"target={encounter}&agent={device}",
            }
            continue
        assert request["method"] == "POST" and request["url"] == resource["resourceType"]
        idents = resource["identifier"]
        idents = idents if isinstance(idents, list) else [idents]
        assert idents and all(i["system"].startswith("http") and i["value"] for i in idents)
        criteria = request["ifNoneExist"]
        assert criteria.startswith("identifier=")
        named = criteria[len("identifier=") :].split(",")
        assert (
            named
            and all(
                f"{i['system']}|{i['value']}" in named for i in idents if i["system"] != CHECK_VERSION_SYSTEM
            )
            or resource["resourceType"] == "Encounter"
        )
        own = {f"{i['system']}|{i['value']}" for i in idents}
        assert set(named) <= own


def test_the_same_check_maps_to_the_same_bundle_and_another_check_to_other_identifiers() -> None:
    first = build(5)[0].bundle
    again = build(5)[0].bundle
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)
    p = person(1)
    other_check, f, fu = finalised_check(5, p, check_id="99999999-0000-4000-8000-00000000c0c0")
    other = check_bundle(
        other_check,
        p,
        findings=f,
        follow_ups=fu,
        consents=consents(p),
        sender=SENDER,
        venue=VENUE,
        directory=DIRECTORY,
    ).bundle

    def per_check_identifiers(bundle: dict[str, Any]) -> set[str]:
        shared = {"Patient", "Practitioner", "Organization", "Location", "Device"}
        out = set()
        for e in bundle["entry"]:
            r = e["resource"]
            if r["resourceType"] in shared:
                continue
            idents = r.get("identifier") or [{"value": e["fullUrl"]}]  # Provenance: no identifier
            for i in idents if isinstance(idents, list) else [idents]:
                out.add(i["value"])
        return out

    assert not per_check_identifiers(first) & per_check_identifiers(other)
    assert by_full_url(first).keys() & by_full_url(other).keys()  # the same person, worker, venue ...


def test_patient_carries_nhs_number_our_id_ethnicity_practice_and_language() -> None:
    result, _, _, _ = build(2)
    patient = resources(result.bundle, "Patient")[0]
    p = person(1)
    assert patient["meta"]["profile"] == ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"]
    assert {"system": NHS_NUMBER_SYSTEM, "value": p.details.nhs_number} in patient["identifier"]
    assert {"system": PERSON_SYSTEM, "value": p.id} in patient["identifier"]
    assert patient["birthDate"] == "1970-05-17" and patient["gender"] == "male"
    assert patient["name"][0]["family"] == p.details.family_name
    ext = patient["extension"][0]
    assert ext["url"] == "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory"
    assert ext["valueCodeableConcept"]["coding"][0]["code"] == "A"
    assert patient["generalPractitioner"][0]["identifier"] == {
        "system": ODS_ORGANISATION_SYSTEM,
        "value": "A81001",
    }
    assert patient["communication"][0]["language"]["coding"][0]["code"] == "en-GB"
    entry = next(e for e in result.bundle["entry"] if e["resource"] is patient)
    # Either identifier finds an existing Patient, so one person never becomes two.
    assert entry["request"]["ifNoneExist"] == (
        f"identifier={NHS_NUMBER_SYSTEM}|{p.details.nhs_number},{PERSON_SYSTEM}|{p.id}"
    )


def test_patient_without_nhs_number_is_found_by_our_identifier_only() -> None:
    p = person(1, nhs_number=None, gp_practice="Synthetic Surgery", preferred_language="Polish")
    result, _, _, _ = build(2, p=p, consents=consents(p))
    validate_bundle(result.bundle)
    patient = resources(result.bundle, "Patient")[0]
    assert patient["identifier"] == [{"system": PERSON_SYSTEM, "value": p.id}]
    assert patient["generalPractitioner"] == [{"type": "Organization", "display": "Synthetic Surgery"}]
    assert patient["communication"][0]["language"] == {"text": "Polish"}
    entry = next(e for e in result.bundle["entry"] if e["resource"] is patient)
    assert entry["request"]["ifNoneExist"] == f"identifier={PERSON_SYSTEM}|{p.id}"


def test_encounter_names_check_version_venue_worker_and_organisation() -> None:
    result, check, _, _ = build(4)
    bundle = result.bundle
    urls = by_full_url(bundle)
    encounter = resources(bundle, "Encounter")[0]
    assert {"system": CHECK_SYSTEM, "value": check.id} in encounter["identifier"]
    assert {"system": CHECK_VERSION_SYSTEM, "value": f"{check.id}/1"} in encounter["identifier"]
    assert encounter["status"] == "finished" and encounter["class"]["code"] == "FLD"
    assert encounter["period"] == {"start": VISIT, "end": FINALISED}
    location = urls[encounter["location"][0]["location"]["reference"]]
    assert location["resourceType"] == "Location" and location["name"] == VENUE.name
    worker = urls[encounter["participant"][0]["individual"]["reference"]]
    assert worker["resourceType"] == "Practitioner" and worker["name"][0]["text"] == "Sam"
    org = urls[encounter["serviceProvider"]["reference"]]
    assert org["resourceType"] == "Organization" and org["name"] == SENDER.organisation_name
    assert check_search_params(check.id) == {"identifier": f"{CHECK_SYSTEM}|{check.id}"}


def test_questionnaire_response_holds_the_answers_in_canonical_units() -> None:
    answers = full_answers(7)
    answers["weight.weight"] = {"value": [12, 5], "unit": "[stone_av]"}
    result, check, _, _ = build(7, answers=answers)
    qr = resources(result.bundle, "QuestionnaireResponse")[0]
    defn = default_definition()
    assert qr["questionnaire"] == f"{defn.url}|{check.definition_version}"
    assert qr["status"] == "completed"

    def flatten(items: list[dict[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for item in items:
            if "answer" in item:
                out[item["linkId"]] = item["answer"][0]
            out.update(flatten(item.get("item", [])))
        return out

    flat = flatten(qr["item"])
    assert flat["weight.weight"] == {"valueDecimal": 78.47148}  # 12 st 5 lb in kg
    assert flat["weight.status"]["valueCoding"]["code"] == "done"
    assert flat["smoking.tobacco_status"]["valueCoding"]["system"] == SNOMED
    assert set(flat) <= set(defn.items)


# -- observations --------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
def test_each_measurement_has_the_reference_codes_units_and_category(seed: int) -> None:
    answers = full_answers(seed)
    result, _, _, _ = build(seed, answers=answers)
    bundle = result.bundle
    from outreach.checks.evaluation import evaluate_check

    evaluation = evaluate_check(default_definition(), answers, person_facts(person(1), VISIT))
    values = evaluation.values
    for link, (sct, loinc, unit, category) in EXPECTED_MEASUREMENTS.items():
        found = observation_by_code(bundle, SNOMED, sct)
        if link not in values:
            assert not [o for o in found if "valueQuantity" in o], link
            continue
        assert len(found) == 1, link
        obs = found[0]
        if loinc:
            assert (LOINC, loinc) in codes_of(obs["code"]), link
        assert obs["category"][0]["coding"][0]["code"] == category
        assert obs["valueQuantity"]["system"] == UCUM and obs["valueQuantity"]["code"] == unit
        assert obs["valueQuantity"]["value"] == pytest.approx(values[link], abs=0.006)
        assert obs["status"] == "final" and obs["effectiveDateTime"] == VISIT
        assert obs["meta"]["profile"][0].startswith("https://fhir.hl7.org.uk/StructureDefinition/UKCore-")
    calc = evaluation.calculators
    expected_calc = {"bmi": calc["bmi"].bmi_kg_m2, "audit_c": calc["audit_c"].score}
    if "qrisk3" in calc:
        expected_calc["qrisk3"] = calc["qrisk3"].risk_percent
    for name, value in expected_calc.items():
        sct, loinc, unit, category = EXPECTED_CALCULATED[name]
        (obs,) = observation_by_code(bundle, SNOMED, sct)
        assert obs["valueQuantity"]["code"] == unit and obs["category"][0]["coding"][0]["code"] == category
        assert obs["valueQuantity"]["value"] == pytest.approx(value, abs=0.06)
        if loinc:
            assert (LOINC, loinc) in codes_of(obs["code"])
        assert obs["derivedFrom"]
    readings = [k for k in ("", "_2", "_3") if f"blood_pressure.systolic{k}" in values]
    panels = observation_by_code(bundle, LOINC, "85354-9")
    assert len(panels) == len(readings)  # every reading taken is sent (NICE NG136 repeats)
    bp = panels[0]
    assert (SNOMED, "75367002") in codes_of(bp["code"])
    systolic, diastolic = bp["component"]
    assert (LOINC, "8480-6") in codes_of(systolic["code"]) and (SNOMED, "271649006") in codes_of(
        systolic["code"]
    )
    assert (LOINC, "8462-4") in codes_of(diastolic["code"]) and (SNOMED, "271650006") in codes_of(
        diastolic["code"]
    )
    assert systolic["valueQuantity"]["value"] == values["blood_pressure.systolic"]
    assert diastolic["valueQuantity"]["value"] == values["blood_pressure.diastolic"]
    assert systolic["valueQuantity"]["code"] == "mm[Hg]"
    assert "valueQuantity" not in bp


@pytest.mark.parametrize(
    ("status", "per_day", "expected"),
    [
        ("266919005", None, {"266919005"}),
        ("8517006", None, {"8517006"}),
        ("77176002", 5, {"77176002", "160603005"}),
        ("77176002", 15, {"77176002", "160604004"}),
        ("77176002", 25, {"77176002", "160605003"}),
        ("77176002", 40, {"77176002", "160606002"}),
    ],
)
def test_smoking_status_is_the_snomed_finding_refined_by_amount(
    status: str, per_day: int | None, expected: set[str]
) -> None:
    answers = full_answers(11)
    answers["smoking.tobacco_status"] = status
    answers.pop("smoking.cigarettes_per_day", None)
    if per_day is not None:
        answers["smoking.cigarettes_per_day"] = per_day
    bundle = build(11, answers=answers)[0].bundle
    (obs,) = observation_by_code(bundle, LOINC, "72166-2")
    assert obs["category"][0]["coding"][0]["code"] == "social-history"
    assert {c["code"] for c in obs["valueCodeableConcept"]["coding"]} == expected
    assert all(c["system"] == SNOMED for c in obs["valueCodeableConcept"]["coding"])


@pytest.mark.parametrize(
    ("state", "absent_code"), [("declined", "asked-declined"), ("not_possible", "not-performed")]
)
def test_a_core_element_not_done_is_an_observation_with_a_data_absent_reason(
    state: str, absent_code: str
) -> None:
    answers = {k: v for k, v in full_answers(9).items() if not k.startswith("blood_pressure.")}
    answers["blood_pressure.status"] = state
    answers["blood_pressure.reason"] = "Synthetic reason: cuff too small"
    result, _, _, _ = build(9, answers=answers)
    bundle = result.bundle
    validate_bundle(bundle)
    (bp,) = observation_by_code(bundle, LOINC, "85354-9")
    assert bp["dataAbsentReason"]["coding"][0] == {
        "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
        "code": absent_code,
        "display": codes.ABSENT_REASON[state].display,
    }
    assert "component" not in bp and "valueQuantity" not in bp
    assert "cuff too small" in bp["note"][0]["text"]
    assert not observation_by_code(bundle, SNOMED, "78564009")  # no pulse either
    qr = resources(bundle, "QuestionnaireResponse")[0]
    group = next(i for i in qr["item"] if i["linkId"] == "blood_pressure")
    answered = {i["linkId"]: i["answer"][0] for i in group["item"]}
    assert answered["blood_pressure.status"]["valueCoding"]["code"] == state
    assert answered["blood_pressure.reason"] == {"valueString": "Synthetic reason: cuff too small"}


def test_element_status_recorded_outside_the_answers_is_used() -> None:
    p = person(1)
    answers = {k: v for k, v in full_answers(9).items() if not k.startswith("lipids.")}
    check, f, fu = finalised_check(9, p, answers=answers)
    doc = dict(check.document)
    doc["element_status"] = {"lipids": {"status": "declined", "reason": "Did not want a finger-prick test"}}
    from dataclasses import replace

    check = replace(check, document=doc)
    bundle = check_bundle(check, p, findings=f, follow_ups=fu, consents=consents(p), sender=SENDER).bundle
    (obs,) = observation_by_code(bundle, SNOMED, "1005671000000105")
    assert obs["dataAbsentReason"]["coding"][0]["code"] == "asked-declined"
    assert "finger-prick" in obs["note"][0]["text"]


# -- follow-up -------------------------------------------------------------------------------------


def test_a_service_request_per_referral_and_a_task_per_follow_up() -> None:
    for seed in range(20):
        result, _check, findings, follow_ups = build(seed)
        referrals = [f for f in follow_ups if f.document["decision"]["kind"] == "referral"]
        if referrals and len(referrals) < len(follow_ups):
            break
    else:  # pragma: no cover - the synthetic generator always gives a mix within 20 seeds
        pytest.fail("no synthetic check with both referrals and other follow-ups")
    bundle = result.bundle
    urls = by_full_url(bundle)
    requests_ = resources(bundle, "ServiceRequest")
    tasks = resources(bundle, "Task")
    assert len(requests_) == len(referrals) and len(tasks) == len(follow_ups)
    by_follow_up = {t["identifier"][0]["value"]: t for t in tasks}
    assert {t["identifier"][0]["system"] for t in tasks} == {FOLLOW_UP_SYSTEM}
    for follow_up in follow_ups:
        task = by_follow_up[follow_up.id]
        decision = follow_up.document["decision"]
        assert urls[task["for"]["reference"]]["resourceType"] == "Patient"
        assert task["description"] and task["intent"] == "order"
        focus = urls[task["focus"]["reference"]]
        if decision["kind"] == "referral":
            assert task["status"] == "requested"
            assert task["restriction"]["period"]["end"] == decision["due_on"]
            assert focus["resourceType"] == "ServiceRequest"
            service = DIRECTORY.services[decision["service_id"]]
            assert focus["performer"][0]["identifier"] == {"system": SERVICE_SYSTEM, "value": service.id}
            assert focus["performer"][0]["display"] == service.name
            assert f"Referral to {in_sentence(service.name)} about " in task["description"]
            assert "to The " not in task["description"] and "to The " not in focus["code"]["text"]
            finding = next(f for f in findings if f.id == follow_up.finding_id)
            assert focus["reasonCode"][0]["coding"][0]["code"] == finding.rule_id
            assert focus["reasonCode"][0]["text"] == finding.document["reason"]
            assert focus["code"]["coding"][0]["system"] == SNOMED
        else:
            assert task["status"] == "completed" and focus["resourceType"] == "Encounter"


def test_referral_codes_follow_the_service() -> None:
    answers = full_answers(2)
    answers["smoking.tobacco_status"] = "77176002"
    answers["smoking.cigarettes_per_day"] = 20
    bundle = build(2, answers=answers)[0].bundle
    smoking = [
        s
        for s in resources(bundle, "ServiceRequest")
        if s["performer"][0]["identifier"]["value"] == "stop-smoking-bnssg"
    ]
    assert smoking and smoking[0]["code"]["coding"][0]["code"] == "871661000000106"  # clinical.md 4.3


# -- consent ---------------------------------------------------------------------------------------


def consent_of(bundle: dict[str, Any]) -> dict[str, str]:
    (consent,) = resources(bundle, "Consent")
    out = {"check": consent["provision"]["type"]}
    for nested in consent["provision"]["provision"]:
        out[nested["actor"][0]["reference"]["identifier"]["value"]] = nested["type"]
    return out


def test_consent_says_permit_or_deny_per_recipient() -> None:
    p = person(1)
    result, _, _, _ = build(3, p=p, consents=consents(p, gp=False, charity=True, mental_health_trust=True))
    assert consent_of(result.bundle) == {
        "check": "permit",
        "gp": "deny",
        "mental_health_trust": "permit",
        "charity": "permit",
    }
    # The check itself is still recorded for the service that did it.
    assert resources(result.bundle, "Observation")


def test_a_recipient_never_asked_is_a_deny_and_the_newest_decision_counts() -> None:
    p = person(1)
    records = consents(p, charity=True)
    records = [r for r in records if r.scope != "mental_health_trust"]
    from dataclasses import replace

    later = replace(
        records[-1],
        id="c0000000-0000-4000-8000-0000000000ff",
        granted=False,
        recorded_at="2026-03-02T10:30:00.000000Z",
    )
    result, _, _, _ = build(3, p=p, consents=[*records, later])
    assert consent_of(result.bundle) == {
        "check": "permit",
        "gp": "permit",
        "mental_health_trust": "deny",
        "charity": "deny",
    }


@pytest.mark.parametrize(
    "granted",
    [
        {"check": False},
        {"gp": False, "mental_health_trust": False, "charity": False},
    ],
)
def test_nothing_is_mapped_without_consent_to_share(granted: dict[str, bool]) -> None:
    p = person(1)
    with pytest.raises(ValidationError) as caught:
        build(3, p=p, consents=consents(p, **granted))
    assert caught.value.item == "consent"
    with pytest.raises(ValidationError):
        build(3, p=p, consents=[])


def test_consent_to_another_check_does_not_count() -> None:
    p = person(1)
    with pytest.raises(ValidationError):
        build(3, p=p, consents=consents(p, check_id="another-check"))


# -- amendments ------------------------------------------------------------------------------------


def test_an_amendment_is_a_new_version_pointing_at_the_one_it_replaces() -> None:
    p = person(1)
    original, f1, fu1 = finalised_check(6, p)
    answers = dict(original.answers)
    answers["weight.weight"] = 70.0
    amended, f2, fu2 = finalised_check(
        66, p, answers=answers, check_id="66666666-0000-4000-8000-00000000c0c0", amends=original
    )
    first = check_bundle(
        original,
        p,
        findings=f1,
        follow_ups=fu1,
        consents=consents(p, check_id=original.id),
        sender=SENDER,
        venue=VENUE,
    ).bundle
    with pytest.raises(ValidationError):
        check_bundle(amended, p, findings=f2, follow_ups=fu2, consents=consents(p), sender=SENDER)
    second = check_bundle(
        amended,
        p,
        findings=f2,
        follow_ups=fu2,
        consents=consents(p, check_id=original.id),
        sender=SENDER,
        venue=VENUE,
        history=[original, amended],
    ).bundle
    validate_bundle(second)
    encounter = resources(second, "Encounter")[0]
    assert {"system": CHECK_SYSTEM, "value": amended.id} in encounter["identifier"]
    assert {"system": CHECK_VERSION_SYSTEM, "value": f"{original.id}/2"} in encounter["identifier"]
    replaces = next(e for e in encounter["extension"] if e["url"] == EXT_REPLACES)
    assert replaces["valueReference"]["identifier"] == {"system": CHECK_SYSTEM, "value": original.id}
    assert encounter["period"]["start"] == original.created_at  # the same visit
    qr = resources(second, "QuestionnaireResponse")[0]
    old_qr = resources(first, "QuestionnaireResponse")[0]
    assert qr["status"] == "amended" and qr["identifier"] != old_qr["identifier"]
    assert qr["extension"][0]["valueReference"]["identifier"] == old_qr["identifier"]
    assert {o["status"] for o in resources(second, "Observation")} == {"amended"}
    (weight,) = observation_by_code(second, SNOMED, "27113001")
    assert weight["valueQuantity"]["value"] == 70.0
    (provenance,) = resources(second, "Provenance")
    assert provenance["activity"]["coding"][0]["code"] == "UPDATE"
    revised = {
        e["what"]["type"]: e["what"]["identifier"] for e in provenance["entity"] if e["role"] == "revision"
    }
    assert revised["Encounter"] == {"system": CHECK_SYSTEM, "value": original.id}
    assert revised["QuestionnaireResponse"] == old_qr["identifier"]
    assert provenance["reason"][0]["text"] == "Weight was entered in the wrong box"


def test_provenance_targets_every_other_resource_with_worker_and_device() -> None:
    bundle = build(8)[0].bundle
    (provenance,) = resources(bundle, "Provenance")
    targets = {t["reference"] for t in provenance["target"]}
    others = {e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] != "Provenance"}
    assert targets == others
    urls = by_full_url(bundle)
    agents = {urls[a["who"]["reference"]]["resourceType"] for a in provenance["agent"]}
    assert agents == {"Practitioner", "Device"}
    assert all(
        urls[a["onBehalfOf"]["reference"]]["resourceType"] == "Organization" for a in provenance["agent"]
    )
    assert provenance["recorded"] == FINALISED
    device = next(r for r in urls.values() if r["resourceType"] == "Device")
    assert device["identifier"][0]["value"] == SENDER.device_id


def test_refuses_a_draft_or_someone_elses_check() -> None:
    p = person(1)
    check, f, fu = finalised_check(1, p)
    from dataclasses import replace

    with pytest.raises(ValidationError):
        check_bundle(
            replace(check, status="draft", finalised_at=None),
            p,
            findings=f,
            follow_ups=fu,
            consents=consents(p),
            sender=SENDER,
        )
    with pytest.raises(ValidationError):
        check_bundle(check, person(2), findings=f, follow_ups=fu, consents=consents(person(2)), sender=SENDER)


def test_resource_mix_is_what_the_mapping_promises() -> None:
    result = build(3)[0]
    kinds = Counter(e["resource"]["resourceType"] for e in result.bundle["entry"])
    for one in (
        "Patient",
        "Encounter",
        "QuestionnaireResponse",
        "Consent",
        "Provenance",
        "Practitioner",
        "Organization",
        "Device",
        "Location",
    ):
        assert kinds[one] == 1, one
    assert kinds["Observation"] >= 10


def test_mapping_one_check_takes_well_under_five_milliseconds() -> None:
    p = person(1)
    prepared = [finalised_check(seed, p) for seed in range(40)]
    records = consents(p)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for check, findings, follow_ups in prepared:
            check_bundle(
                check,
                p,
                findings=findings,
                follow_ups=follow_ups,
                consents=records,
                sender=SENDER,
                venue=VENUE,
                directory=DIRECTORY,
            )
        best = min(best, (time.perf_counter() - started) / len(prepared))
    print(f"mapping: {best * 1000:.2f} ms per check")
    assert best < 0.005


def test_the_code_table_agrees_with_the_check_definition() -> None:
    """The Questionnaire and the Observations must never disagree about what a question measures."""
    defn = default_definition()
    for link, spec in codes.MEASURED.items():
        item = defn.items[link]
        assert {(c.system, c.code) for c in spec.codes} <= {(c.system, c.code) for c in item.codes}, link
        assert item.unit == spec.unit, link
    for link, concepts in (
        ("blood_pressure.systolic", codes.SYSTOLIC),
        ("blood_pressure.diastolic", codes.DIASTOLIC),
    ):
        assert {(c.system, c.code) for c in concepts} == {(c.system, c.code) for c in defn.items[link].codes}
        assert defn.items[link].unit == codes.MM_HG
    smoking = {o.code for o in defn.items["smoking.tobacco_status"].options}
    assert smoking == {"266919005", "8517006", "77176002"}  # clinical.md 4.2
    # Every measurement the definition codes is either mapped or deliberately left to the response.
    measured = {
        link for link, item in defn.items.items() if item.type in ("decimal", "integer") and item.codes
    }
    readings = {f"blood_pressure.{part}{n}" for part in ("systolic", "diastolic") for n in ("", "_2", "_3")}
    assert measured <= set(codes.MEASURED) | codes.NOT_OBSERVATIONS | readings
    for n in ("_2", "_3"):  # repeated readings are coded as the first
        for part, concepts in (("systolic", codes.SYSTOLIC), ("diastolic", codes.DIASTOLIC)):
            item = defn.items[f"blood_pressure.{part}{n}"]
            assert {(c.system, c.code) for c in concepts} == {(c.system, c.code) for c in item.codes}


def test_mapping_does_not_change_the_records() -> None:
    p = person(1)
    check, findings, follow_ups = finalised_check(4, p)
    before = json.dumps(
        [check.document, [f.document for f in findings], [f.document for f in follow_ups]], sort_keys=True
    )
    check_bundle(check, p, findings=findings, follow_ups=follow_ups, consents=consents(p), sender=SENDER)
    after = json.dumps(
        [check.document, [f.document for f in findings], [f.document for f in follow_ups]], sort_keys=True
    )
    assert before == after


def test_a_coded_assessment_becomes_an_observation_with_its_snomed_answer() -> None:
    answers = full_answers(1)
    answers["diet_activity.status"] = "done"
    answers["diet_activity.activity"] = "366121000000108"
    bundle = build(1, answers=answers)[0].bundle
    (obs,) = observation_by_code(bundle, SNOMED, "1086511000000107")  # GPPAQ index, clinical.md 4.1
    assert obs["valueCodeableConcept"]["coding"][0]["code"] == "366121000000108"
    assert obs["category"][0]["coding"][0]["code"] == "survey"


@pytest.mark.parametrize("seed", range(10))
def test_random_mixes_of_declined_and_not_possible_elements_still_validate(seed: int) -> None:
    rng = random.Random(1000 + seed)
    answers = full_answers(seed)
    skipped: dict[str, str] = {}
    for element in default_definition().elements:
        roll = rng.random()
        if roll < 0.4:
            state = "declined" if roll < 0.2 else "not_possible"
            answers[element.status_id] = state
            answers[element.reason_id] = f"Synthetic reason {seed}"
            skipped[element.id] = state
    bundle = build(seed, answers=answers)[0].bundle
    validate_bundle(bundle)
    absent = {
        o["code"]["coding"][0]["code"]: o["dataAbsentReason"]["coding"][0]["code"]
        for o in resources(bundle, "Observation")
        if "dataAbsentReason" in o
    }
    expected = {
        codes.ELEMENT_ABSENT[e].codes[0].code: codes.ABSENT_REASON[s].code
        for e, s in skipped.items()
        if e in codes.ELEMENT_ABSENT
    }
    assert absent == expected
    if "weight" in skipped:
        assert not observation_by_code(bundle, SNOMED, "60621009")  # no BMI without the measurement
    for obs in resources(bundle, "Observation"):
        assert ("dataAbsentReason" in obs) != any(k.startswith("value") or k == "component" for k in obs)


def test_every_blood_pressure_reading_is_sent_and_the_first_keeps_its_identifier() -> None:
    """NICE NG136: at 140/90 or more a second reading, a third when they differ by more than 10 mmHg;
    each is its own panel, the first with the identifier it always had, the one used says so."""
    answers = full_answers(3)
    answers.update(
        {
            "blood_pressure.systolic": 170,
            "blood_pressure.diastolic": 96,
            "blood_pressure.systolic_2": 150,
            "blood_pressure.diastolic_2": 92,
            "blood_pressure.systolic_3": 148,
            "blood_pressure.diastolic_3": 94,
        }
    )
    bundle = build(answers=answers)[0].bundle
    single = dict(answers)
    single.update({"blood_pressure.systolic": 130, "blood_pressure.diastolic": 80})
    one = build(answers=single)[0].bundle
    panels = observation_by_code(bundle, LOINC, "85354-9")
    (alone,) = observation_by_code(one, LOINC, "85354-9")
    assert [[c["valueQuantity"]["value"] for c in p["component"]] for p in panels] == [
        [170, 96],
        [150, 92],
        [148, 94],
    ]
    assert panels[0]["identifier"] == alone["identifier"]  # the first reading's identifier never changes
    assert len({p["identifier"][0]["value"] for p in panels}) == 3
    assert "note" not in alone  # a single reading is sent exactly as before
    notes = [p["note"][0]["text"] for p in panels]
    assert notes[0] == "Reading 1 of 3" and notes[1] == "Reading 2 of 3"
    assert notes[2].startswith("Reading 3 of 3; used as the clinic blood pressure")
    qrisk = observation_by_code(bundle, SNOMED, "1085871000000105")
    if qrisk:
        assert {"reference": by_url_of(bundle, panels[2])} in qrisk[0]["derivedFrom"]


def by_url_of(bundle: dict[str, Any], resource: dict[str, Any]) -> str:
    return next(e["fullUrl"] for e in bundle["entry"] if e["resource"] is resource)
