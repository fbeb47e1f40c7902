"""Codes, units, categories and profiles for what a check sends, in one table.

Every code here comes from the clinical reference (clinical.md section 4); the line
after each says where. The table is keyed by the check definition's linkIds (or by the
calculator that produces the value), and a test holds it to the codes the check
definition itself carries, so the Questionnaire and the Observations never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# The code-system URLs are the check definition's own, so a code here and the same code
# on a Questionnaire item can never name different systems.
from outreach.checks import definition as _definition

SNOMED: Final = _definition.SNOMED
LOINC: Final = _definition.LOINC
UCUM: Final = _definition.UCUM

OBSERVATION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
DATA_ABSENT_REASON: Final = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
ACT_CODE: Final = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION_TYPE: Final = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
PROVENANCE_AGENT_TYPE: Final = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
DATA_OPERATION: Final = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
CONSENT_SCOPE: Final = "http://terminology.hl7.org/CodeSystem/consentscope"
CONSENT_POLICY: Final = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
TASK_CODE: Final = "http://hl7.org/fhir/CodeSystem/task-code"
UK_ETHNIC_CATEGORY_EXT: Final = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory"
UK_ETHNIC_CATEGORY_SYSTEM: Final = "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland"
LANGUAGE_SYSTEM: Final = "urn:ietf:bcp:47"

_UK: Final = "https://fhir.hl7.org.uk/StructureDefinition/"
# clinical.md 4.6: UK Core profile URLs (staging HEAD 3d2827e). Versions pinned in docs/fhir-mapping.md.
PROFILE_PATIENT: Final = _UK + "UKCore-Patient"
PROFILE_ENCOUNTER: Final = _UK + "UKCore-Encounter"
PROFILE_OBSERVATION: Final = _UK + "UKCore-Observation"
PROFILE_LAB: Final = _UK + "UKCore-Observation-Lab"
PROFILE_BMI: Final = _UK + "UKCore-Observation-VitalSigns-BMI"
PROFILE_BLOOD_PRESSURE: Final = _UK + "UKCore-Observation-VitalSigns-BloodPressure"
PROFILE_BODY_HEIGHT: Final = _UK + "UKCore-Observation-VitalSigns-BodyHeight"
PROFILE_BODY_WEIGHT: Final = _UK + "UKCore-Observation-VitalSigns-BodyWeight"
PROFILE_HEART_RATE: Final = _UK + "UKCore-Observation-VitalSigns-HeartRate"
PROFILE_TOBACCO: Final = _UK + "UKCore-Observation-TobaccoConsumption"
PROFILE_BLOOD_GLUCOSE: Final = _UK + "UKCore-Observation-BloodGlucose"
PROFILE_SERVICE_REQUEST: Final = _UK + "UKCore-ServiceRequest"
PROFILE_QUESTIONNAIRE_RESPONSE: Final = _UK + "UKCore-QuestionnaireResponse"
PROFILE_ORGANIZATION: Final = _UK + "UKCore-Organization"
PROFILE_PRACTITIONER: Final = _UK + "UKCore-Practitioner"

VITAL_SIGNS: Final = "vital-signs"
LABORATORY: Final = "laboratory"
SOCIAL_HISTORY: Final = "social-history"
SURVEY: Final = "survey"
CATEGORY_DISPLAY: Final = {
    VITAL_SIGNS: "Vital Signs", LABORATORY: "Laboratory", SOCIAL_HISTORY: "Social History", SURVEY: "Survey",
}


@dataclass(frozen=True, slots=True)
class Code:
    system: str
    code: str
    display: str

    def coding(self) -> dict[str, str]:
        return {"system": self.system, "code": self.code, "display": self.display}


def sct(code: str, display: str) -> Code:
    return Code(SNOMED, code, display)


def loinc(code: str, display: str) -> Code:
    return Code(LOINC, code, display)


@dataclass(frozen=True, slots=True)
class ObservationSpec:
    """How one measurement or score becomes an Observation."""

    key: str  # stable name: part of the derived identifier, never change it
    codes: tuple[Code, ...]  # SNOMED CT first, then LOINC where UK Core fixes it
    unit: str | None  # UCUM code (None for coded values)
    unit_display: str | None
    category: str
    profile: str
    # Rounding: drops unit-conversion noise (12 st 5 lb = 78.47 kg, not 78.471480...).
    decimals: int | None = 2

    @property
    def text(self) -> str:
        return self.codes[0].display


# -- measurements answered in the check (key = linkId) --------------------------------------
BODY_WEIGHT: Final = ObservationSpec(
    "body-weight",
    (sct("27113001", "Body weight"), loinc("29463-7", "Body weight")),
    "kg",
    "kg",
    VITAL_SIGNS,
    PROFILE_BODY_WEIGHT,
)  # clinical.md 4.1 [UKC]
BODY_HEIGHT: Final = ObservationSpec(
    "body-height",
    (sct("50373000", "Body height measure"), loinc("8302-2", "Body height")),
    "cm",
    "cm",
    VITAL_SIGNS,
    PROFILE_BODY_HEIGHT,
)  # clinical.md 4.1 [UKC] (UK Core example code)
WAIST: Final = ObservationSpec(
    "waist", (sct("276361009", "Waist circumference"),), "cm", "cm", VITAL_SIGNS, PROFILE_OBSERVATION
)  # clinical.md 4.1 [NHC]; LOINC unverified, so none sent
PULSE: Final = ObservationSpec(
    "pulse",
    (sct("78564009", "Pulse rate"), loinc("8867-4", "Heart rate")),
    "/min",
    "beats/minute",
    VITAL_SIGNS,
    PROFILE_HEART_RATE,
)  # clinical.md 4.1 (8867-4 fixed by UK Core)
HBA1C: Final = ObservationSpec(
    "hba1c",
    (
        sct(
            "999791000000106",
            "Haemoglobin A1c level - International Federation of Clinical Chemistry "
            "and Laboratory Medicine standardised",
        ),
        loinc("59261-8", "Hemoglobin A1c/Hemoglobin.total in Blood by IFCC protocol"),
    ),
    "mmol/mol",
    "mmol/mol",
    LABORATORY,
    PROFILE_LAB,
)  # clinical.md 4.1 [RS][OS]
FASTING_GLUCOSE: Final = ObservationSpec(
    "fasting-glucose",
    (
        sct("1003141000000105", "Plasma fasting glucose level"),
        loinc("14771-0", "Fasting glucose [Moles/volume] in Serum or Plasma"),
    ),
    "mmol/L",
    "mmol/L",
    LABORATORY,
    PROFILE_BLOOD_GLUCOSE,
)  # clinical.md 4.1 [UKC] BloodGlucose VS
RANDOM_GLUCOSE: Final = ObservationSpec(
    "random-glucose",
    (
        sct("1031331000000106", "Plasma random glucose level"),
        loinc("15074-8", "Glucose [Moles/volume] in Blood"),
    ),
    "mmol/L",
    "mmol/L",
    LABORATORY,
    PROFILE_BLOOD_GLUCOSE,
)  # clinical.md 4.1 [UKC]
TOTAL_CHOLESTEROL: Final = ObservationSpec(
    "total-cholesterol",
    (
        sct("1005671000000105", "Serum cholesterol level"),
        loinc("14647-2", "Cholesterol [Moles/volume] in Serum or Plasma"),
    ),
    # LOINC 14647-2 is the mmol/L code (clinical.md's 2093-3 [U] is the mg/dL one: values are mmol/L)
    "mmol/L",
    "mmol/L",
    LABORATORY,
    PROFILE_LAB,
)  # clinical.md 4.1 [OS][NHC]
HDL: Final = ObservationSpec(
    "hdl-cholesterol",
    (
        sct("1005681000000107", "Serum HDL cholesterol level"),
        loinc("14646-4", "Cholesterol in HDL [Moles/volume] in Serum or Plasma"),
    ),
    # LOINC 14646-4 is the mmol/L code (clinical.md's 2085-9 [U] is the mg/dL one: values are mmol/L)
    "mmol/L",
    "mmol/L",
    LABORATORY,
    PROFILE_LAB,
)  # clinical.md 4.1 [NHC]
TRIGLYCERIDES: Final = ObservationSpec(
    "triglycerides",
    (
        sct("1005691000000109", "Serum triglycerides level"),
        loinc("14927-8", "Triglyceride [Moles/volume] in Serum or Plasma"),
    ),
    "mmol/L",
    "mmol/L",
    LABORATORY,
    PROFILE_LAB,
)  # as coded in the check definition (resources/checks)
CIGARETTES_PER_DAY: Final = ObservationSpec(
    "cigarettes-per-day",
    (sct("230056004", "Cigarette consumption"),),
    "/d",
    "per day",
    SOCIAL_HISTORY,
    PROFILE_TOBACCO,
)  # clinical.md 4.1 [UKC] TobaccoConsumption VS

MEASURED: Final[dict[str, ObservationSpec]] = {
    "weight.weight": BODY_WEIGHT,
    "weight.height": BODY_HEIGHT,
    "weight.waist": WAIST,
    "blood_pressure.pulse": PULSE,
    "glucose.hba1c": HBA1C,
    "glucose.fasting_glucose": FASTING_GLUCOSE,
    "glucose.random_glucose": RANDOM_GLUCOSE,
    "lipids.total_cholesterol": TOTAL_CHOLESTEROL,
    "lipids.hdl": HDL,
    "lipids.triglycerides": TRIGLYCERIDES,
    "smoking.cigarettes_per_day": CIGARETTES_PER_DAY,
}
# Answered but not an Observation: the weight about 3 months ago has no date of its own
# (it is in the QuestionnaireResponse and feeds the weight-gain finding).
NOT_OBSERVATIONS: Final = frozenset({"weight.previous_weight"})

# -- blood pressure panel ---------------------------------------------------------------------
BP_PANEL: Final = ObservationSpec(
    "blood-pressure",
    (sct("75367002", "Blood pressure"), loinc("85354-9", "Blood pressure panel")),
    None,
    None,
    VITAL_SIGNS,
    PROFILE_BLOOD_PRESSURE,
)  # clinical.md 4.1 [UKC]
SYSTOLIC: Final = (sct("271649006", "Systolic blood pressure"), loinc("8480-6", "Systolic blood pressure"))
DIASTOLIC: Final = (sct("271650006", "Diastolic blood pressure"), loinc("8462-4", "Diastolic blood pressure"))
MM_HG: Final = "mm[Hg]"

# -- calculated -------------------------------------------------------------------------------
BMI: Final = ObservationSpec(
    "bmi",
    (sct("60621009", "Body mass index"), loinc("39156-5", "Body mass index (BMI) [Ratio]")),
    "kg/m2",
    "kg/m2",
    VITAL_SIGNS,
    PROFILE_BMI,
    decimals=1,
)  # clinical.md 4.1 (39156-5 fixed by UK Core)
TC_HDL_RATIO: Final = ObservationSpec(
    "tc-hdl-ratio",
    (
        sct("1015681000000109", "Serum cholesterol/HDL ratio"),
        loinc("9830-1", "Cholesterol.total/Cholesterol in HDL [Mass Ratio] in Serum or Plasma"),
    ),
    "{ratio}",
    "ratio",
    LABORATORY,
    PROFILE_LAB,
    decimals=1,
)  # clinical.md 4.1: SNOMED code UNVERIFIED (see docs)
AUDIT_C: Final = ObservationSpec(
    "audit-c",
    (sct("763256006", "AUDIT-C score"), loinc("75626-2", "Total score [AUDIT-C]")),
    "{score}",
    "score",
    SURVEY,
    PROFILE_OBSERVATION,
    decimals=0,
)  # clinical.md 4.1
QRISK3: Final = ObservationSpec(
    "qrisk3",
    (sct("1085871000000105", "QRISK3 cardiovascular disease 10 year risk calculator score"),),
    "%",
    "%",
    SURVEY,
    PROFILE_OBSERVATION,
    decimals=1,
)  # clinical.md 4.1 [OS][NHC]

# -- coded ------------------------------------------------------------------------------------
# Smoking status: the value is the SNOMED CT finding (clinical.md 4.2); the observable is the
# LOINC tobacco smoking status code used internationally (not fixed by UK Core: see docs).
SMOKING_STATUS: Final = ObservationSpec(
    "smoking-status",
    (loinc("72166-2", "Tobacco smoking status"),),
    None,
    None,
    SOCIAL_HISTORY,
    PROFILE_OBSERVATION,
)
# clinical.md 4.2: current smokers by cigarettes a day.
SMOKER_BY_AMOUNT: Final = (
    (40, sct("160606002", "Very heavy cigarette smoker (40+/day)")),
    (20, sct("160605003", "Heavy cigarette smoker (20-39 cigs/day)")),
    (10, sct("160604004", "Moderate cigarette smoker (10-19 cigs/day)")),
    (1, sct("160603005", "Light cigarette smoker (1-9 cigs/day)")),
)
# A choice item with a SNOMED code whose options are SNOMED codes becomes a coded
# assessment Observation (e.g. the GPPAQ physical activity index, clinical.md 4.1).
CODED_ASSESSMENT_CATEGORY: Final = SURVEY

# -- declines: the Observation that says an element was not done --------------------------------
ELEMENT_ABSENT: Final[dict[str, ObservationSpec]] = {
    "weight": BODY_WEIGHT,
    "blood_pressure": BP_PANEL,
    "lipids": TOTAL_CHOLESTEROL,
    "glucose": HBA1C,
    "alcohol": AUDIT_C,
    "smoking": SMOKING_STATUS,
}
ABSENT_REASON: Final = {
    "declined": Code(DATA_ABSENT_REASON, "asked-declined", "Asked But Declined"),
    "not_possible": Code(DATA_ABSENT_REASON, "not-performed", "Not Performed"),
}

# -- encounter and referrals ------------------------------------------------------------------
ENCOUNTER_CLASS: Final = Code(ACT_CODE, "FLD", "field")  # outreach in a community venue
SMI_REGISTER: Final = sct("391193001", "On severe mental illness register")  # clinical.md 4.3
# clinical.md 4.3 [EIP]: referral procedures by directory category; other services get the
# general referral concept.
REFERRAL_BY_CATEGORY: Final[dict[str, Code]] = {
    "stop smoking": sct("871661000000106", "Referral to smoking cessation service"),
    "alcohol": sct("1099141000000106", "Referral to alcohol misuse service"),
    "drugs": sct("201521000000104", "Referral to substance misuse service"),
    "weight management": sct("408289007", "Refer to weight management programme"),
    "primary care": sct("1090411000000105", "Referral to general practice service"),
}
REFERRAL_BY_SERVICE: Final[dict[str, Code]] = {
    "gp-same-day": sct("1090411000000105", "Referral to general practice service"),
}
GENERAL_REFERRAL: Final = sct("3457005", "Patient referral")  # general knowledge: SNOMED CT 3457005 [U]
