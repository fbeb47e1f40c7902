"""One finalised check (or amendment) as one FHIR R4 transaction Bundle, as plain JSON data.

Why one transaction per check: the shared record then holds all of a check or none of it,
so "did it arrive?" has one answer (search the Encounter by the check's identifier).
Why plain dicts and not fhir.resources models: the sync engine sends a thousand checks in
a run and building pydantic models costs far more than the mapping itself; the tests
validate every resource with the R4B models instead.

Every entry is a conditional create (POST with ifNoneExist on the resource's own
client-generated identifier), so a resent bundle changes nothing. Provenance has no
identifier element in R4, and many servers let only administrators create a resource with
a client-chosen id, so its condition is its target Encounter and this laptop's Device
(`target=...&agent=...`, both standard search parameters). References inside the bundle
use the entries' urn:uuid fullUrls, which are derived from the identifiers, so the same
check always maps to the same bundle; the sync engine sends it in dependency-ordered parts
and rewrites those urns to the server's ids (`sync.parts`).

The functions here take plain records, not the store, so they are tested without one;
`outreach.fhir.outbox.bundle_for_outbox_item` loads the records for an outbox item.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from outreach.checks.context import build_context, facts_on
from outreach.checks.definition import ANSWER_SYSTEM, STATUS_SYSTEM, CheckDefinition, Item, default_definition
from outreach.checks.evaluation import CheckEvaluation
from outreach.checks.person import PersonFacts
from outreach.clinical.ethnicity import ETHNIC_CATEGORIES
from outreach.clinical.service_directory import ServiceDirectory, in_sentence
from outreach.errors import ValidationError
from outreach.fhir import codes
from outreach.fhir.consent import SharingConsent, consent_resource, require_consent, sharing_consent
from outreach.fhir.identifiers import (
    CHECK_SYSTEM,
    CODE_SYSTEM_BASE,
    DEVICE_SYSTEM,
    FOLLOW_UP_SYSTEM,
    ID_BASE,
    NHS_NUMBER_SYSTEM,
    ODS_ORGANISATION_SYSTEM,
    ORGANISATION_SYSTEM,
    PERSON_SYSTEM,
    RECORD_SYSTEM,
    SERVICE_SYSTEM,
    STRUCTURE_BASE,
    VENUE_SYSTEM,
    WORKER_SYSTEM,
    derived_uuid,
    identifier,
    if_none_exist,
    team_location_value,
)
from outreach.store.records import (
    CheckRecord,
    ConsentRecord,
    FindingRecord,
    FollowUpRecord,
    PersonRecord,
    VenueRecord,
)

CHECK_VERSION_SYSTEM: Final = ID_BASE + "check-version"  # "<first version's check id>/<edition>"
FINDING_SYSTEM: Final = CODE_SYSTEM_BASE + "check-finding"  # finding rule ids (resources/rules/findings.json)
FOLLOW_UP_KIND_SYSTEM: Final = CODE_SYSTEM_BASE + "follow-up-kind"
EXT_REPLACES: Final = STRUCTURE_BASE + "check-replaces"  # on Encounter and QuestionnaireResponse
EXT_EDITION: Final = STRUCTURE_BASE + "check-edition"  # on Encounter: 1, 2 (first amendment) ...
CHECK_TYPE_TEXT: Final = "Annual physical health check (severe mental illness)"
FOLLOW_UP_WORDS: Final = {
    "referral": "Referral",
    "advice_given": "Advice given",
    "already_under_care": "Already under care for this",
    "declined": "Declined by the person",
    "clinician_override": "No further action: clinician's decision",
}
_ODS_PRACTICE = re.compile(r"^[A-Z][0-9]{5}$")  # clinical.md 4.5: GP practice = letter + 5 digits
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True, slots=True)
class Sender:
    """Who is sending: the organisation and this laptop (from the organisation file and the store)."""

    organisation_name: str
    device_id: str  # stable id of this laptop's store
    organisation_ods_code: str | None = None
    device_name: str | None = None
    software_version: str | None = None

    @classmethod
    def from_org_config(cls, org: Any, *, device_id: str, device_name: str | None = None,
                        software_version: str | None = None) -> Sender:
        """From an outreach.settings.OrgConfig (duck-typed: organisation_name, organisation_ods_code)."""
        return cls(
            organisation_name=str(getattr(org, "organisation_name", "") or "Outreach service"),
            organisation_ods_code=(str(getattr(org, "organisation_ods_code", "") or "").strip() or None),
            device_id=device_id, device_name=device_name, software_version=software_version,
        )


@dataclass(frozen=True, slots=True)
class CheckBundle:
    """What the sync engine sends for one outbox item, and how to find it on the server afterwards."""

    check_id: str
    bundle: dict[str, Any]  # the transaction Bundle, ready for json.dumps
    encounter_identifier: dict[str, str]  # {"system", "value"}: search Encounter?identifier=system|value
    resource_count: int


def check_bundle(
    check: CheckRecord,
    person: PersonRecord,
    *,
    findings: Sequence[FindingRecord],
    follow_ups: Sequence[FollowUpRecord],
    consents: Sequence[ConsentRecord],
    sender: Sender,
    venue: VenueRecord | None = None,
    history: Sequence[CheckRecord] = (),
    definition: CheckDefinition | None = None,
    directory: ServiceDirectory | None = None,
) -> CheckBundle:
    """The transaction Bundle for one finalised check version.

    `history` is the amendment chain oldest first (services.check_history); it is needed
    for an amendment, to name the version it replaces and the visit's own times.
    Raises ValidationError when the check is not finalised, belongs to someone else, or
    may not be shared (item="consent": nothing was agreed to share).
    """
    if not check.is_final or not check.finalised_at:
        raise ValidationError("Only a finalised check can be sent to the shared record.", item=check.id)
    if check.person_id != person.id:
        raise ValidationError(
            "This check belongs to someone else: it cannot be sent with this person.", item=check.id
        )
    if not sender.device_id:
        raise ValidationError("This laptop has no device id, so its checks cannot be sent.", item="device")
    chain = list(history) or [check]
    if check.amends_id and (len(chain) < 2 or chain[-1].id != check.id):
        raise ValidationError(
            "Give the amendment's history (oldest version first) to send it.", item="history"
        )
    consent = sharing_consent([c for c in consents if c.person_id == person.id], [c.id for c in chain])
    require_consent(consent)
    return _Mapper(
        check,
        person,
        findings,
        follow_ups,
        consent,
        sender,
        venue,
        chain,
        definition or default_definition(),
        directory,
    ).build()


def person_facts(person: PersonRecord, on: str) -> PersonFacts:
    """Age on the day `on` (ISO date or time), sex and ethnic category: `context.facts_on`."""
    day = _dt.date.fromisoformat(on[:10]) if on else _dt.date.today()
    return facts_on(person, day)


class _Mapper:
    """Builds the bundle for one check; one instance per call, so nothing is shared between checks."""

    def __init__(
        self,
        check: CheckRecord,
        person: PersonRecord,
        findings: Sequence[FindingRecord],
        follow_ups: Sequence[FollowUpRecord],
        consent: SharingConsent,
        sender: Sender,
        venue: VenueRecord | None,
        chain: Sequence[CheckRecord],
        defn: CheckDefinition,
        directory: ServiceDirectory | None,
    ) -> None:
        self.check = check
        self.person = person
        self.findings = {f.id: f for f in findings}
        self.follow_ups = sorted(follow_ups, key=lambda f: (self._finding_position(f), f.id))
        self.consent = consent
        self.sender = sender
        self.venue = venue
        self.first = chain[0]
        self.chain = list(chain)
        self.clinic: Any = None  # the visit's blood pressure readings (set by build)
        self.defn = defn
        self.directory = directory
        self.entries: list[dict[str, Any]] = []
        self.refs: list[str] = []
        self.amended = check.amends_id is not None
        # The visit's own times: an amendment describes the same visit as its first version.
        self.visit_start = self.first.created_at
        self.visit_end = self.first.finalised_at or check.finalised_at
        self.recorded = check.finalised_at or check.updated_at
        self.worker = check.finalised_by or check.created_by or "Unknown worker"

    def _finding_position(self, follow_up: FollowUpRecord) -> int:
        finding = self.findings.get(follow_up.finding_id)
        return finding.position if finding is not None else 1_000_000

    # -- bundle plumbing ------------------------------------------------------------------------
    def _add(self, resource: dict[str, Any], system: str, value: str, *, search: str | None = None) -> str:
        """Add a conditional create; returns the urn:uuid other resources use to refer to it."""
        full_url = "urn:uuid:" + derived_uuid("entry", resource["resourceType"], system, value)
        self.entries.append(
            {
                "fullUrl": full_url,
                "resource": resource,
                "request": {
                    "method": "POST",
                    "url": resource["resourceType"],
                    "ifNoneExist": search or if_none_exist(system, value),
                },
            }
        )
        self.refs.append(full_url)
        return full_url

    def _record_id(self, *parts: str) -> dict[str, str]:
        return identifier(RECORD_SYSTEM, derived_uuid(self.check.id, *parts))

    # -- the bundle -----------------------------------------------------------------------------
    def build(self) -> CheckBundle:
        # The one check context: the same visit day, facts, statuses and evaluation as the screen,
        # the summary and finalising (an amendment keeps its first version's visit day).
        context = build_context(self.check, self.person, definition=self.defn, history=self.chain)
        evaluation = context.evaluation
        self.clinic = evaluation.calculators.get("clinic_blood_pressure")
        values = dict(evaluation.values)
        self.org = self._organisation()
        self.patient = self._patient()
        self.practitioner = self._practitioner()
        self.device = self._device()
        self.location = self._location() if self.venue is not None else None
        self.encounter = self._encounter()
        self.qr = self._questionnaire_response(values)
        self._observations(values, evaluation)
        referrals = self._referrals()
        self._tasks(referrals)
        self._consent()
        self._provenance()
        bundle = {
            "resourceType": "Bundle",
            "identifier": identifier(RECORD_SYSTEM, derived_uuid(self.check.id, "bundle")),
            "type": "transaction",
            "entry": self.entries,
        }
        return CheckBundle(self.check.id, bundle, identifier(CHECK_SYSTEM, self.check.id), len(self.entries))

    # -- who and where --------------------------------------------------------------------------
    def _organisation(self) -> str:
        ods = self.sender.organisation_ods_code
        ident = (
            identifier(ODS_ORGANISATION_SYSTEM, ods)
            if ods
            else identifier(ORGANISATION_SYSTEM, derived_uuid("organisation", self.sender.organisation_name))
        )
        resource = {
            "resourceType": "Organization",
            "meta": {"profile": [codes.PROFILE_ORGANIZATION]},
            "identifier": [ident],
            "active": True,
            "name": self.sender.organisation_name,
        }
        return self._add(resource, ident["system"], ident["value"])

    def _patient(self) -> str:
        d = self.person.details
        idents = []
        if d.nhs_number:
            idents.append(identifier(NHS_NUMBER_SYSTEM, d.nhs_number))
        ours = identifier(PERSON_SYSTEM, self.person.id)
        idents.append(ours)
        resource: dict[str, Any] = {
            "resourceType": "Patient",
            "meta": {"profile": [codes.PROFILE_PATIENT]},
            "identifier": idents,
            "name": [{"use": "official", "family": d.family_name, "given": [d.given_name]}],
            "gender": d.sex if d.sex in ("female", "male", "other", "unknown") else "unknown",
            "birthDate": d.date_of_birth,
        }
        if d.ethnic_category is not None and d.ethnic_category in ETHNIC_CATEGORIES:
            resource["extension"] = [
                {
                    "url": codes.UK_ETHNIC_CATEGORY_EXT,
                    "valueCodeableConcept": {
                        "coding": [
                            {
                                "system": codes.UK_ETHNIC_CATEGORY_SYSTEM,
                                "code": d.ethnic_category,
                                "display": ETHNIC_CATEGORIES[d.ethnic_category],
                            }
                        ]
                    },
                }
            ]
        if d.gp_practice:
            practice = d.gp_practice.strip()
            if _ODS_PRACTICE.match(practice.upper()):
                resource["generalPractitioner"] = [
                    {
                        "type": "Organization",
                        "identifier": identifier(ODS_ORGANISATION_SYSTEM, practice.upper()),
                    }
                ]
            else:
                resource["generalPractitioner"] = [{"type": "Organization", "display": practice}]
        if d.preferred_language:
            language = d.preferred_language.strip()
            concept: dict[str, Any] = (
                {"coding": [{"system": codes.LANGUAGE_SYSTEM, "code": language}]}
                if _LANGUAGE_TAG.match(language)
                else {"text": language}
            )
            resource["communication"] = [{"language": concept, "preferred": True}]
        # Either identifier finds the person already on the shared record (FHIR token search:
        # a comma means "or"), so a person registered on two laptops stays one Patient.
        search = "identifier=" + ",".join(f"{i['system']}|{i['value']}" for i in idents)
        return self._add(resource, ours["system"], ours["value"], search=search)

    def _practitioner(self) -> str:
        org_key = self.sender.organisation_ods_code or self.sender.organisation_name
        ident = identifier(WORKER_SYSTEM, derived_uuid("worker", org_key, self.worker))
        resource = {
            "resourceType": "Practitioner",
            "meta": {"profile": [codes.PROFILE_PRACTITIONER]},
            "identifier": [ident],
            "active": True,
            "name": [{"text": self.worker}],
        }
        return self._add(resource, ident["system"], ident["value"])

    def _device(self) -> str:
        ident = identifier(DEVICE_SYSTEM, self.sender.device_id)
        resource: dict[str, Any] = {
            "resourceType": "Device",
            "identifier": [ident],
            "status": "active",
            "deviceName": [
                {"name": self.sender.device_name or "Outreach laptop", "type": "user-friendly-name"}
            ],
            "owner": {"reference": self.org},
        }
        if self.sender.software_version:
            resource["version"] = [{"value": self.sender.software_version}]
        return self._add(resource, ident["system"], ident["value"])

    def _location(self) -> str:
        """One Location per venue for the whole team: its identifier comes from the organisation
        and the venue's normalised name, not from this laptop's venue record, so every laptop's
        conditional create finds the same one. Its fullUrl follows the identifier; a check half
        sent before this change simply sends the team's Location next (sync_entries knew the old
        one by its old fullUrl), and nothing else of the check is sent again."""
        assert self.venue is not None
        org_key = self.sender.organisation_ods_code or self.sender.organisation_name
        ident = identifier(VENUE_SYSTEM, team_location_value(org_key, self.venue.name, self.venue.id))
        resource = {
            "resourceType": "Location",
            "identifier": [ident],
            "status": "active",
            "name": self.venue.name or "Outreach venue",
            "mode": "instance",
            "managingOrganization": {"reference": self.org},
        }
        return self._add(resource, ident["system"], ident["value"])

    # -- the visit and the answers --------------------------------------------------------------
    def _replaces(self) -> dict[str, Any] | None:
        if not self.check.amends_id:
            return None
        return {
            "url": EXT_REPLACES,
            "valueReference": {
                "type": "Encounter",
                "identifier": identifier(CHECK_SYSTEM, self.check.amends_id),
            },
        }

    def _encounter(self) -> str:
        ident = identifier(CHECK_SYSTEM, self.check.id)
        extensions = [{"url": EXT_EDITION, "valueInteger": self.check.edition}]
        replaces = self._replaces()
        if replaces:
            extensions.append(replaces)
        resource: dict[str, Any] = {
            "resourceType": "Encounter",
            "meta": {"profile": [codes.PROFILE_ENCOUNTER]},
            "extension": extensions,
            "identifier": [ident, identifier(CHECK_VERSION_SYSTEM, f"{self.first.id}/{self.check.edition}")],
            "status": "finished",
            "class": codes.ENCOUNTER_CLASS.coding(),
            "type": [{"text": CHECK_TYPE_TEXT}],
            "subject": {"reference": self.patient},
            "participant": [
                {
                    "type": [
                        {
                            "coding": [
                                {
                                    "system": codes.PARTICIPATION_TYPE,
                                    "code": "PPRF",
                                    "display": "primary performer",
                                }
                            ]
                        }
                    ],
                    "individual": {"reference": self.practitioner},
                }
            ],
            "period": {"start": self.visit_start, "end": self.visit_end},
            "reasonCode": [{"coding": [codes.SMI_REGISTER.coding()]}],
            "serviceProvider": {"reference": self.org},
        }
        if self.location:
            resource["location"] = [{"location": {"reference": self.location}, "status": "completed"}]
        return self._add(resource, ident["system"], ident["value"])

    def _questionnaire_response(self, values: Mapping[str, Any]) -> str:
        ident = self._record_id("questionnaire-response")
        items = [i for i in (self._qr_item(e.link_id, values) for e in self.defn.elements) if i]
        resource: dict[str, Any] = {
            "resourceType": "QuestionnaireResponse",
            "meta": {"profile": [codes.PROFILE_QUESTIONNAIRE_RESPONSE]},
            "identifier": ident,  # 0..1 in R4
            "questionnaire": f"{self.defn.url}|{self.check.definition_version}",
            "status": "amended" if self.amended else "completed",
            "subject": {"reference": self.patient},
            "encounter": {"reference": self.encounter},
            "authored": self.recorded,
            "author": {"reference": self.practitioner},
            "source": {"reference": self.patient},
            "item": items,
        }
        replaces = self._replaces()
        if replaces:
            resource["extension"] = [
                {
                    "url": EXT_REPLACES,
                    "valueReference": {
                        "type": "QuestionnaireResponse",
                        "identifier": identifier(
                            RECORD_SYSTEM, derived_uuid(self.check.amends_id or "", "questionnaire-response")
                        ),
                    },
                }
            ]
        return self._add(resource, ident["system"], ident["value"])

    def _qr_item(self, link_id: str, values: Mapping[str, Any]) -> dict[str, Any] | None:
        item = self.defn.items[link_id]
        children = [c for c in (self._qr_item(child, values) for child in item.children) if c]
        node: dict[str, Any] = {"linkId": link_id}
        if item.text:
            node["text"] = item.text
        if item.type == "group" or not item.answerable:
            if not children:
                return None
            node["item"] = children
            return node
        value = values.get(link_id)
        if value is None:
            return None
        answer = _answer(item, value)
        if children:
            answer["item"] = children
        node["answer"] = [answer]
        return node

    # -- observations ---------------------------------------------------------------------------
    def _observation(self, spec: codes.ObservationSpec, key: str, body: Mapping[str, Any]) -> str:
        ident = self._record_id("observation", key)
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "meta": {"profile": [spec.profile]},
            "identifier": [ident],
            "status": "amended" if self.amended else "final",
            "category": [
                {
                    "coding": [
                        {
                            "system": codes.OBSERVATION_CATEGORY,
                            "code": spec.category,
                            "display": codes.CATEGORY_DISPLAY[spec.category],
                        }
                    ]
                }
            ],
            "code": {"coding": [c.coding() for c in spec.codes], "text": spec.text},
            "subject": {"reference": self.patient},
            "encounter": {"reference": self.encounter},
            "effectiveDateTime": self.visit_start,
            "performer": [{"reference": self.practitioner}],
            **body,
        }
        return self._add(resource, ident["system"], ident["value"])

    def _quantity(self, spec: codes.ObservationSpec, value: float) -> dict[str, Any]:
        number: float | int
        if isinstance(value, int) and not isinstance(value, bool):
            number = value  # whole numbers stay whole (pulse, cigarettes a day, scores)
        elif spec.decimals == 0:
            number = round(value)
        elif spec.decimals is None:
            number = value
        else:
            number = round(float(value), spec.decimals)
        return {"value": number, "unit": spec.unit_display, "system": codes.UCUM, "code": spec.unit}

    def _observations(self, values: Mapping[str, Any], evaluation: CheckEvaluation) -> None:
        states = {e.id: values.get(e.status_id) for e in self.defn.elements}
        made: dict[str, str] = {}
        for element in self.defn.elements:
            state = states.get(element.id)
            if state in ("declined", "not_possible"):
                self._absent(element.id, state, values.get(element.reason_id))
                continue
            if state != "done":
                continue
            for link in element.item_ids:
                if link in values:
                    self._answered(link, values, made)
        calculators = evaluation.calculators
        bmi = calculators.get("bmi")
        if bmi is not None and states.get("weight") == "done":
            sources = [made[k] for k in ("weight.weight", "weight.height") if k in made]
            made["bmi"] = self._observation(
                codes.BMI,
                "bmi",
                {
                    "valueQuantity": self._quantity(codes.BMI, bmi.bmi_kg_m2),
                    "derivedFrom": [{"reference": r} for r in sources],
                },
            )
        lipids = calculators.get("lipids")
        if lipids is not None and states.get("lipids") == "done":
            sources = [made[k] for k in ("lipids.total_cholesterol", "lipids.hdl") if k in made]
            made["ratio"] = self._observation(
                codes.TC_HDL_RATIO,
                "tc-hdl-ratio",
                {
                    "valueQuantity": self._quantity(codes.TC_HDL_RATIO, lipids.tc_hdl_ratio),
                    "derivedFrom": [{"reference": r} for r in sources],
                },
            )
        audit = calculators.get("audit_c")
        if audit is not None and states.get("alcohol") == "done":
            made["audit_c"] = self._observation(
                codes.AUDIT_C,
                "audit-c",
                {
                    "valueQuantity": self._quantity(codes.AUDIT_C, audit.score),
                    "interpretation": [{"text": audit.band}],
                    "derivedFrom": [{"reference": self.qr}],
                },
            )
        full_audit = calculators.get("audit")
        if full_audit is not None and states.get("alcohol") == "done":
            made["audit"] = self._observation(
                AUDIT,
                "audit",
                {
                    "valueQuantity": self._quantity(AUDIT, full_audit.score),
                    "interpretation": [{"text": full_audit.band}],
                    "derivedFrom": [{"reference": self.qr}],
                },
            )
        qrisk = calculators.get("qrisk3")
        if qrisk is not None:
            sources = [made[k] for k in ("bmi", "blood_pressure", "ratio", "smoking_status") if k in made]
            self._observation(
                codes.QRISK3,
                "qrisk3",
                {
                    "valueQuantity": self._quantity(codes.QRISK3, qrisk.risk_percent),
                    "method": {"text": "QRISK3-2017"},
                    # For the clinician reading it: what the score may miss and what was estimated
                    # (e.g. "Townsend ... 0 was used"), as the worker saw beside it.
                    "note": [{"text": caveat} for caveat in evaluation.qrisk3.caveats],
                    "derivedFrom": [{"reference": r} for r in [self.qr, *sources]],
                },
            )

    def _answered(self, link: str, values: Mapping[str, Any], made: dict[str, str]) -> None:
        value = values[link]
        spec = codes.MEASURED.get(link)
        if spec is not None:
            body: dict[str, Any] = {"valueQuantity": self._quantity(spec, value)}
            if link == "blood_pressure.pulse" and values.get("blood_pressure.irregular") is True:
                body["note"] = [{"text": "Pulse irregular"}]
            if link.startswith("lipids.") and values.get("lipids.fasting") is not None:
                body["note"] = [
                    {"text": "Fasting sample" if values["lipids.fasting"] else "Non-fasting sample"}
                ]
            made[link] = self._observation(spec, spec.key, body)
            return
        reading = _BP_READING_LINKS.get(link)
        if reading is not None and reading[1] in values:
            self._bp_reading(reading[0], value, values[reading[1]], made)
            return
        if link == "smoking.tobacco_status":
            made["smoking_status"] = self._observation(
                codes.SMOKING_STATUS,
                codes.SMOKING_STATUS.key,
                {
                    "valueCodeableConcept": self._smoking_value(
                        value, values.get("smoking.cigarettes_per_day")
                    )
                },
            )
            return
        item = self.defn.items[link]
        if link in codes.NOT_OBSERVATIONS or item.type != "choice" or not item.codes:
            return
        snomed = [c for c in item.codes if c.system == codes.SNOMED]
        option = item.option_by_code.get(value)
        if not snomed or option is None or option.system != codes.SNOMED:
            return  # only coded assessments with a SNOMED question and answer become Observations
        spec = codes.ObservationSpec(
            link,
            tuple(codes.Code(c.system, c.code, c.display or item.label) for c in item.codes),
            None,
            None,
            codes.CODED_ASSESSMENT_CATEGORY,
            codes.PROFILE_OBSERVATION,
        )
        made[link] = self._observation(
            spec,
            link,
            {
                "valueCodeableConcept": {
                    "coding": [{"system": codes.SNOMED, "code": option.code, "display": option.display}],
                    "text": option.display,
                }
            },
        )

    def _bp_reading(self, n: int, systolic: Any, diastolic: Any, made: dict[str, str]) -> None:
        """One blood pressure reading as a panel Observation.

        The first keeps the identifier it always had; a second and third (NICE NG136: repeated at
        140/90 or more) get their own. With more than one reading each says which it was, and the
        one used to classify the blood pressure (the lower of the last two) says so; that one is
        what QRISK3 is derived from.
        """
        key = codes.BP_PANEL.key if n == 1 else f"{codes.BP_PANEL.key}-{n}"
        body: dict[str, Any] = {
            "component": [
                _bp_component(codes.SYSTOLIC, systolic),
                _bp_component(codes.DIASTOLIC, diastolic),
            ]
        }
        clinic = self.clinic
        count = len(clinic.readings) if clinic is not None else 1
        used = clinic is not None and clinic.used == n - 1
        if count > 1:
            words = f"Reading {n} of {count}"
            if used:
                words += (
                    "; used as the clinic blood pressure (NICE NG136: the lower of the last two readings)"
                )
            body["note"] = [{"text": words}]
        reference = self._observation(codes.BP_PANEL, key, body)
        made[f"blood_pressure_{n}"] = reference
        if used or "blood_pressure" not in made:
            made["blood_pressure"] = reference

    def _smoking_value(self, code: str, per_day: Any) -> dict[str, Any]:
        item = self.defn.items["smoking.tobacco_status"]
        option = item.option_by_code.get(code)
        display = option.display if option else code
        coding = [{"system": codes.SNOMED, "code": code, "display": display}]
        if code == "77176002" and isinstance(per_day, (int, float)) and per_day >= 1:
            for least, concept in codes.SMOKER_BY_AMOUNT:  # clinical.md 4.2: current smoker refined by amount
                if per_day >= least:
                    coding.append(concept.coding())
                    break
        return {"coding": coding, "text": display}

    def _absent(self, element: str, state: str, reason: Any) -> None:
        spec = codes.ELEMENT_ABSENT.get(element)
        if spec is None:
            return  # wider elements: the QuestionnaireResponse records the status and reason
        words = "Declined" if state == "declined" else "Not possible"
        body: dict[str, Any] = {
            "dataAbsentReason": {"coding": [codes.ABSENT_REASON[state].coding()], "text": words},
            "note": [{"text": f"{words}: {reason}" if reason else words}],
        }
        self._observation(spec, f"{spec.key}-{state}", body)

    # -- follow-up ------------------------------------------------------------------------------
    def _finding_concept(self, follow_up: FollowUpRecord) -> dict[str, Any] | None:
        finding = self.findings.get(follow_up.finding_id)
        doc = finding.document if finding is not None else {}
        rule_id = str(doc.get("rule_id") or follow_up.document.get("rule_id") or "")
        if not rule_id:
            return None
        coding: dict[str, Any] = {"system": FINDING_SYSTEM, "code": rule_id}
        if doc.get("title"):
            coding["display"] = str(doc["title"])
        concept: dict[str, Any] = {"coding": [coding]}
        if doc.get("reason") or doc.get("title"):
            concept["text"] = str(doc.get("reason") or doc.get("title"))
        return concept

    def _service(self, service_id: str) -> tuple[str, str]:
        """(name, category) of a directory service; the id itself when the directory does not know it."""
        service = self.directory.services.get(service_id) if self.directory is not None else None
        if service is None:
            return service_id, ""
        return service.name, service.category

    def _referrals(self) -> dict[str, str]:
        made: dict[str, str] = {}
        for follow_up in self.follow_ups:
            decision = follow_up.document.get("decision") or {}
            if decision.get("kind") != "referral" or not decision.get("service_id"):
                continue
            service_id = str(decision["service_id"])
            name, category = self._service(service_id)
            code = codes.REFERRAL_BY_SERVICE.get(service_id) or codes.REFERRAL_BY_CATEGORY.get(
                category, codes.GENERAL_REFERRAL
            )
            finding = self.findings.get(follow_up.finding_id)
            severity = str(finding.document.get("severity", "")) if finding is not None else ""
            ident = identifier(RECORD_SYSTEM, derived_uuid("service-request", follow_up.id))
            resource: dict[str, Any] = {
                "resourceType": "ServiceRequest",
                "meta": {"profile": [codes.PROFILE_SERVICE_REQUEST]},
                "identifier": [ident],
                "status": "active",
                "intent": "order",
                "category": [{"coding": [codes.GENERAL_REFERRAL.coding()]}],
                "priority": "urgent" if severity == "urgent" else "routine",
                "code": {"coding": [code.coding()], "text": f"Referral to {in_sentence(name)}"},
                "subject": {"reference": self.patient},
                "encounter": {"reference": self.encounter},
                "authoredOn": self.recorded,
                "requester": {"reference": self.practitioner},
                "performer": [
                    {
                        "type": "HealthcareService",
                        "identifier": identifier(SERVICE_SYSTEM, service_id),
                        "display": name,
                    }
                ],
            }
            reason = self._finding_concept(follow_up)
            if reason:
                resource["reasonCode"] = [reason]
            if decision.get("note"):
                resource["note"] = [{"text": str(decision["note"])}]
            made[follow_up.id] = self._add(resource, ident["system"], ident["value"])
        return made

    def _tasks(self, referrals: Mapping[str, str]) -> None:
        for follow_up in self.follow_ups:
            decision = follow_up.document.get("decision") or {}
            kind = str(decision.get("kind") or "")
            request = referrals.get(follow_up.id)
            reason = self._finding_concept(follow_up)
            finding_words = (reason or {}).get("coding", [{}])[0].get("display") or "a finding of the check"
            if request is not None:
                name, _ = self._service(str(decision["service_id"]))
                description = f"Referral to {in_sentence(name)} about {finding_words.lower()}."
            else:
                description = f"{FOLLOW_UP_WORDS.get(kind, 'Follow-up')}: {finding_words.lower()}."
            due = follow_up.due_on or decision.get("due_on")
            if due:
                description += f" Due by {due}."
            ident = identifier(FOLLOW_UP_SYSTEM, follow_up.id)
            resource: dict[str, Any] = {
                "resourceType": "Task",
                "identifier": [ident],
                "status": "requested" if request is not None else "completed",
                "businessStatus": {
                    "coding": [
                        {
                            "system": FOLLOW_UP_KIND_SYSTEM,
                            "code": kind or "unknown",
                            "display": FOLLOW_UP_WORDS.get(kind, "Follow-up"),
                        }
                    ]
                },
                "intent": "order",
                "description": description,
                "focus": {"reference": request or self.encounter},
                "for": {"reference": self.patient},
                "encounter": {"reference": self.encounter},
                "authoredOn": self.recorded,
                "lastModified": self.recorded,
                "requester": {"reference": self.practitioner},
                "owner": {"reference": self.org},
            }
            if request is not None:
                resource["code"] = {
                    "coding": [
                        {"system": codes.TASK_CODE, "code": "fulfill", "display": "Fulfill the focal request"}
                    ]
                }
            if reason:
                resource["reasonCode"] = reason
            if due:
                resource["restriction"] = {"period": {"end": str(due)}}
            notes = [str(decision[k]) for k in ("reason", "note") if decision.get(k)]
            if notes:
                resource["note"] = [{"text": n} for n in notes]
            self._add(resource, ident["system"], ident["value"])

    # -- consent and provenance -----------------------------------------------------------------
    def _consent(self) -> None:
        ident = self._record_id("consent", *self.consent.record_ids)
        gp = (self.person.details.gp_practice or "").strip().upper()
        resource = consent_resource(
            self.consent,
            identifier=ident,
            patient_ref=self.patient,
            organisation_ref=self.org,
            encounter_ref=self.encounter,
            gp_ods_code=gp if _ODS_PRACTICE.match(gp) else None,
            recorded_fallback=self.recorded,
        )
        self._add(resource, ident["system"], ident["value"])

    def _provenance(self) -> None:
        resource_id = derived_uuid(self.check.id, "provenance")
        resource: dict[str, Any] = {
            "resourceType": "Provenance",
            "id": resource_id,
            "target": [{"reference": r} for r in self.refs],
            "occurredPeriod": {"start": self.visit_start, "end": self.visit_end},
            "recorded": self.recorded,
            "activity": {
                "coding": [
                    {
                        "system": codes.DATA_OPERATION,
                        "code": "UPDATE" if self.amended else "CREATE",
                        "display": "revise" if self.amended else "create",
                    }
                ]
            },
            "agent": [
                {
                    "type": {
                        "coding": [
                            {"system": codes.PROVENANCE_AGENT_TYPE, "code": "author", "display": "Author"}
                        ]
                    },
                    "who": {"reference": self.practitioner},
                    "onBehalfOf": {"reference": self.org},
                },
                {
                    "type": {
                        "coding": [
                            {
                                "system": codes.PROVENANCE_AGENT_TYPE,
                                "code": "assembler",
                                "display": "Assembler",
                            }
                        ]
                    },
                    "who": {"reference": self.device},
                    "onBehalfOf": {"reference": self.org},
                },
            ],
        }
        if self.location:
            resource["location"] = {"reference": self.location}
        if self.check.amends_id:
            resource["entity"] = [
                {
                    "role": "revision",
                    "what": {
                        "type": "Encounter",
                        "identifier": identifier(CHECK_SYSTEM, self.check.amends_id),
                    },
                },
                {
                    "role": "revision",
                    "what": {
                        "type": "QuestionnaireResponse",
                        "identifier": identifier(
                            RECORD_SYSTEM, derived_uuid(self.check.amends_id, "questionnaire-response")
                        ),
                    },
                },
            ]
            reason = self.check.document.get("amendment_reason")
            if reason:
                resource["reason"] = [{"text": str(reason)}]
        # R4 Provenance has no identifier, and many servers refuse a client-chosen id, so it is
        # a conditional create on what makes it unique: this laptop's record of this check.
        del resource["id"]
        self.entries.append(
            {
                "fullUrl": "urn:uuid:" + resource_id,
                "resource": resource,
                "request": {
                    "method": "POST",
                    "url": "Provenance",
                    "ifNoneExist": f"target={self.encounter}&agent={self.device}",
                },
            }
        )


# The full AUDIT score (offered when AUDIT-C is 5 or more). SNOMED CT 443280005 is from public NHS
# analytics code (clinical.md 4.1, partly verified); no LOINC is sent until one is verified.
AUDIT: Final = codes.ObservationSpec(
    "audit",
    (codes.sct("443280005", "Alcohol use disorders identification test score"),),
    "{score}",
    "score",
    codes.SURVEY,
    codes.PROFILE_OBSERVATION,
    decimals=0,
)

# Each reading's systolic answer -> (reading number, its diastolic answer).
_BP_READING_LINKS: Final = {
    "blood_pressure.systolic": (1, "blood_pressure.diastolic"),
    "blood_pressure.systolic_2": (2, "blood_pressure.diastolic_2"),
    "blood_pressure.systolic_3": (3, "blood_pressure.diastolic_3"),
}


def _bp_component(concepts: tuple[codes.Code, ...], value: Any) -> dict[str, Any]:
    return {
        "code": {"coding": [c.coding() for c in concepts], "text": concepts[0].display},
        "valueQuantity": {"value": value, "unit": "mmHg", "system": codes.UCUM, "code": codes.MM_HG},
    }


def _answer(item: Item, value: Any) -> dict[str, Any]:
    kind = item.type
    if kind == "boolean":
        return {"valueBoolean": bool(value)}
    if kind == "integer":
        return {"valueInteger": int(value)}
    if kind == "decimal":
        return {"valueDecimal": round(float(value), 6)}  # canonical unit; conversion noise dropped
    if kind == "date":
        return {"valueDate": value.isoformat() if isinstance(value, _dt.date) else str(value)}
    if kind == "choice":
        option = item.option_by_code.get(value)
        coding: dict[str, Any] = {"code": str(value)}
        system = (
            option.system
            if option is not None and option.system
            else (STATUS_SYSTEM if item.link_id.endswith(".status") else ANSWER_SYSTEM)
        )
        coding["system"] = system
        if option is not None:
            coding["display"] = option.display
        return {"valueCoding": coding}
    return {"valueString": str(value)}
