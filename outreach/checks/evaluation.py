"""Evaluate a check: answers -> facts -> calculator results -> findings, with completeness.

This runs after every answer in the UI and for every check in the benchmark, so it does
one pass over the answers (review_answers) and calls each calculator once. It never
raises for a bad answer: bad or unconfirmed answers are listed in `problems` and count as
unanswered. It raises ValidationError only when the answers or person facts as a whole are
unreadable.

The calculators and findings rules belong to outreach.clinical; this module only gathers
their inputs from the answers and the person's record.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from outreach.checks.answers import AnswerError
from outreach.checks.completeness import CheckCompleteness, check_completeness
from outreach.checks.definition import CheckDefinition
from outreach.checks.person import PersonFacts, coerce_person
from outreach.checks.review import AnswerReview, review_answers
from outreach.clinical import qrisk3 as _qrisk3
from outreach.clinical.audit import score_audit
from outreach.clinical.audit_c import POSITIVE_SCORE, score_audit_c
from outreach.clinical.blood_pressure import classify_blood_pressure, clinic_blood_pressure
from outreach.clinical.bmi import calculate_bmi
from outreach.clinical.ethnicity import to_qrisk3_ethnicity
from outreach.clinical.findings import Finding, RuleSet, evaluate_findings
from outreach.clinical.glycaemia import classify_glucose, classify_hba1c, combine_bands
from outreach.clinical.lipids import calculate_lipids
from outreach.clinical.pulse import classify_pulse
from outreach.clinical.smoking import smoking_category
from outreach.errors import CalculationError

QRISK3_DISCLAIMER: Final = _qrisk3.QRISK3_DISCLAIMER
# Plain words for why QRISK3 needs measured cholesterol (NICE NG238 1.1.7 uses the measured TC/HDL ratio).
NO_MEASURED_LIPIDS: Final = "cholesterol/HDL ratio (needs measured total and HDL cholesterol)"
# A current smoker's QRISK3 category depends on how many a day (light, moderate, heavy): the status is
# recorded, so asking for "smoking status" would send the worker to the wrong question.
# Shown with every score from a check. NICE NG238 (rationale): QRISK3's SMI flag was derived with
# depression included, so it may under-estimate risk in schizophrenia, bipolar disorder and psychoses.
# The check has no postcode lookup or repeated readings, so Townsend and SBP variation are 0 (as the
# ClinRisk batch engine substitutes, marking the score as using estimated data).
QRISK3_CAVEATS: Final = (
    (
        "QRISK3 may under-estimate the risk of people with severe mental illness (NICE NG238): "
        "use clinical judgement."
    ),
    "Townsend deprivation score and blood pressure variation were not known: 0 was used for both.",
)
# With a Townsend score from the organisation's postcode file (outreach.clinical.townsend).
QRISK3_CAVEATS_WITH_TOWNSEND: Final = (
    QRISK3_CAVEATS[0],
    (
        "Blood pressure variation was not known: 0 was used. Townsend deprivation score {score:g} for the "
        "person's postcode ({source})."
    ),
)
NO_CIGARETTES_A_DAY: Final = "cigarettes a day (QRISK3 needs how much a current smoker smokes)"


@dataclass(frozen=True, slots=True)
class QRisk3Outcome:
    """A QRISK3 result, or what is missing, or why it does not apply. Show `disclaimer` with any score."""

    result: _qrisk3.QRisk3Result | None = None
    missing: tuple[str, ...] = ()
    note: str | None = None
    disclaimer: str = QRISK3_DISCLAIMER
    caveats: tuple[str, ...] = ()  # shown beside a score: what it may miss and what was estimated
    not_applicable: str | None = None  # why QRISK3 does not apply (qrisk3.NOT_APPLICABLE key); `note` says it

    @property
    def applies(self) -> bool:
        """False when the score must not be used for this person (a finding says what to do instead)."""
        return self.not_applicable is None

    @property
    def risk_percent(self) -> float | None:
        return self.result.risk_percent if self.result else None


@dataclass(frozen=True, slots=True)
class CheckEvaluation:
    facts: dict[str, Any]
    # "bmi", "blood_pressure", "pulse", "glycaemia", "lipids", "audit_c", "audit", "smoking", "qrisk3"
    calculators: dict[str, Any]
    calculator_errors: dict[str, str]  # calculator -> message, when its inputs were there but refused
    findings: list[Finding]
    completeness: CheckCompleteness
    qrisk3: QRisk3Outcome
    review: AnswerReview = field(repr=False)

    @property
    def values(self) -> dict[str, Any]:
        """Normalised answers that count (canonical units, option codes)."""
        return self.review.values

    @property
    def problems(self) -> dict[str, AnswerError]:
        """linkId -> refused answer (SoftLimitWarning for one that needs confirming)."""
        return self.review.problems


def qrisk3_fact(risk_percent: float) -> float:
    """The QRISK3 score as shown to the worker (one decimal place), which the findings rules read.

    A score of 9.96% reads "10.0%" on screen; classing the unrounded value would show 10.0% with no
    NICE NG238 10% finding beside it. The full-precision score stays in the QRISK3 result.
    """
    return round(risk_percent, 1)


def answer_facts(defn: CheckDefinition, values: Mapping[str, Any]) -> dict[str, Any]:
    """The facts the answers give directly (check-fact), before any calculator runs.

    Several yes/no items may feed one fact (screening_overdue): it is true when any says yes.
    A choice gives its option's check-fact-value, else its score, else its code.
    """
    facts: dict[str, Any] = {}
    get = values.get
    for fact, is_boolean, sources in defn.fact_plan:
        if is_boolean:
            seen = False
            result = False
            for link, option_facts in sources:
                value = get(link)
                if value is None:
                    continue
                seen = True
                if option_facts[value] if option_facts is not None else value:
                    result = True
                    break
            if seen:
                facts[fact] = result
        else:
            link, option_facts = sources[0]
            value = get(link)
            if value is not None:
                facts[fact] = option_facts[value] if option_facts is not None else value
    return facts


def evaluate_check(
    defn: CheckDefinition,
    answers: Any,
    person: PersonFacts | Mapping[str, Any] | None,
    rules: RuleSet | None = None,
    *,
    townsend: Mapping[str, Any] | None = None,
) -> CheckEvaluation:
    """Everything the check screen and the summary need, from the stored answers.

    `rules` is a findings RuleSet (outreach.clinical.findings.load_rules); None skips findings.
    `townsend` is the score stored with the check ({"score", "source"}) when the organisation
    provides a postcode file; without it QRISK3 uses 0 and says so.
    """
    who = coerce_person(person)
    review = review_answers(defn, answers, who)
    facts = answer_facts(defn, review.values)
    if who.age_years is not None:
        facts["age_years"] = who.age_years
    if who.sex is not None:
        facts["sex"] = who.sex
    if who.ethnic_category is not None:
        facts["ethnic_category"] = who.ethnic_category
    calculators: dict[str, Any] = {}
    errors: dict[str, str] = {}
    _run_calculators(facts, calculators, errors, who)
    outcome = _qrisk3_outcome(facts, who, _townsend(townsend))
    if outcome.result is not None:
        calculators["qrisk3"] = outcome.result
        facts["qrisk3_percent"] = qrisk3_fact(outcome.result.risk_percent)
    findings: list[Finding] = evaluate_findings(facts, rules) if rules is not None else []
    return CheckEvaluation(
        facts, calculators, errors, findings, check_completeness(defn, review), outcome, review
    )


def _run_calculators(
    facts: dict[str, Any], out: dict[str, Any], errors: dict[str, str], who: PersonFacts
) -> None:
    """Run each calculator of _CALCULATORS in order: its result goes in `out` under its name (it
    adds its own facts), a CalculationError's words in `errors` under the same name."""
    weight = facts.get("weight_kg")
    if weight is not None and facts.get("weight_3m_ago_kg") is not None:
        facts["weight_gain_3m_kg"] = weight - facts["weight_3m_ago_kg"]
    _clinic_blood_pressure(facts, out, errors)
    for name, calculate in _CALCULATORS:
        try:
            result = calculate(facts, who)
        except _PartialResult as exc:
            errors[name] = exc.message
            result = exc.result
        except CalculationError as exc:
            errors[name] = exc.message
            continue
        if result is not None:
            out[name] = result


class _PartialResult(CalculationError):
    """A calculator that could still give a result from the inputs it could use (the blood sugar
    band from the readings that are usable), with the words for the one it could not."""

    def __init__(self, error: CalculationError, result: Any) -> None:
        super().__init__(error.message, item=error.item)
        self.result = result


def _bmi(facts: dict[str, Any], who: PersonFacts) -> Any:
    weight, height = facts.get("weight_kg"), facts.get("height_cm")
    if weight is None or height is None:
        return None
    bmi = calculate_bmi(weight, height, who.ethnic_category)
    facts["bmi_kg_m2"] = bmi.bmi_kg_m2
    facts["bmi_category"] = bmi.category
    facts["bmi_lower_thresholds"] = bmi.lower_thresholds
    return bmi


def _pulse(facts: dict[str, Any], who: PersonFacts) -> Any:
    pulse = facts.get("pulse_bpm")
    if pulse is None:
        return None
    result = classify_pulse(pulse, bool(facts.get("pulse_irregular", False)))
    facts["pulse_category"] = result.category
    facts["pulse_needs_review"] = result.needs_review
    return result


# Each blood sugar reading and how it is classified; the band is the worst of those given.
_GLYCAEMIA_READINGS: Final = (
    ("hba1c_mmol_mol", classify_hba1c),
    ("fasting_glucose_mmol_l", lambda value: classify_glucose(value, True)),
    ("random_glucose_mmol_l", lambda value: classify_glucose(value, False)),
)


def _glycaemia(facts: dict[str, Any], who: PersonFacts) -> Any:
    bands = []
    problem: CalculationError | None = None
    try:
        for fact, classify in _GLYCAEMIA_READINGS:
            if facts.get(fact) is not None:
                bands.append(classify(facts[fact]))
    except CalculationError as exc:
        problem = exc
    worst = combine_bands(bands)
    if worst is not None:
        facts["glycaemia_band"] = worst.band
    if problem is not None:
        raise _PartialResult(problem, worst) from None
    return worst


def _lipids(facts: dict[str, Any], who: PersonFacts) -> Any:
    total, hdl = facts.get("total_cholesterol_mmol_l"), facts.get("hdl_mmol_l")
    if total is None or hdl is None:
        return None
    lipids = calculate_lipids(total, hdl)
    facts["tc_hdl_ratio"] = lipids.tc_hdl_ratio
    facts["non_hdl_mmol_l"] = lipids.non_hdl_mmol_l
    return lipids


def _audit_c_answers(facts: dict[str, Any]) -> tuple[Any, Any, Any] | None:
    """AUDIT-C's three answers, or None until they are given. Someone who never drinks scores 0 on
    the other two questions (they are not asked)."""
    q1 = facts.get("audit_c_q1")
    if q1 is None:
        return None
    q2, q3 = (0, 0) if q1 == 0 else (facts.get("audit_c_q2"), facts.get("audit_c_q3"))
    return None if q2 is None or q3 is None else (q1, q2, q3)


def _audit_c(facts: dict[str, Any], who: PersonFacts) -> Any:
    answers = _audit_c_answers(facts)
    if answers is None:
        return None
    audit = score_audit_c(*answers)
    facts["audit_c_score"] = audit.score
    facts["audit_c_band"] = audit.band
    return audit


_FULL_AUDIT_FACTS: Final = tuple(f"audit_q{n}" for n in range(4, 11))


def _full_audit(facts: dict[str, Any], who: PersonFacts) -> Any:
    """The full AUDIT when its seven further answers are given; otherwise whether to offer it.

    Offered, not forced: a positive AUDIT-C (5 or more, OHID) sets `full_audit_offer` so the screen
    suggests it; the check can be finalised without it (the AUDIT-C finding needs a follow-up anyway).
    Only after AUDIT-C itself gave a score.
    """
    first_three = _audit_c_answers(facts)
    if "audit_c_score" not in facts or first_three is None:
        return None
    rest: list[Any] = [facts.get(name) for name in _FULL_AUDIT_FACTS]
    if any(value is None for value in rest):
        facts["full_audit_offer"] = facts["audit_c_score"] >= POSITIVE_SCORE
        return None
    result = score_audit([*first_three, *rest])
    facts["audit_score"] = result.score
    facts["audit_band"] = result.band
    facts["full_audit_offer"] = False
    return result


def _smoking(facts: dict[str, Any], who: PersonFacts) -> Any:
    status = facts.get("smoking_status")
    if status is None or (status == "current" and facts.get("cigarettes_per_day") is None):
        return None
    category = smoking_category(status, facts.get("cigarettes_per_day"))
    facts["smoking_category"] = category
    return category


# The calculators, in the order they run (the full AUDIT reads AUDIT-C's score); each name is
# where its result goes in CheckEvaluation.calculators and its words in calculator_errors.
_CALCULATORS: Final[tuple[tuple[str, Callable[[dict[str, Any], PersonFacts], Any]], ...]] = (
    ("bmi", _bmi),
    ("pulse", _pulse),
    ("glycaemia", _glycaemia),
    ("lipids", _lipids),
    ("audit_c", _audit_c),
    ("audit", _full_audit),
    ("smoking", _smoking),
)


# The readings of one visit, in the order taken (NICE NG136: second at 140/90 or more, third if they differ).
_BP_READINGS: Final = (
    ("systolic_mmhg", "diastolic_mmhg"),
    ("systolic_2_mmhg", "diastolic_2_mmhg"),
    ("systolic_3_mmhg", "diastolic_3_mmhg"),
)


def _clinic_blood_pressure(facts: dict[str, Any], out: dict[str, Any], errors: dict[str, str]) -> None:
    """Classify the clinic blood pressure: the lower of the last two readings (NICE NG136).

    `systolic_mmhg` / `diastolic_mmhg` become the reading used, so the findings, QRISK3 and the
    summary all read the clinic blood pressure; the first reading stays in `systolic_first_mmhg`.
    """
    readings: list[tuple[float, float]] = []
    for sys_fact, dia_fact in _BP_READINGS:
        systolic, diastolic = facts.get(sys_fact), facts.get(dia_fact)
        if systolic is None or diastolic is None:
            break
        readings.append((systolic, diastolic))
    if not readings:
        return
    try:
        clinic = clinic_blood_pressure(readings)
        bp = classify_blood_pressure(clinic.systolic, clinic.diastolic)
    except CalculationError as exc:
        errors["blood_pressure"] = exc.message
        return
    out["blood_pressure"] = bp
    out["clinic_blood_pressure"] = clinic
    facts["systolic_first_mmhg"], facts["diastolic_first_mmhg"] = readings[0]
    facts["systolic_mmhg"], facts["diastolic_mmhg"] = clinic.systolic, clinic.diastolic
    facts["bp_readings_used"] = clinic.used + 1
    facts["bp_third_reading_needed"] = clinic.third_needed
    facts["bp_category"] = bp.category
    facts["bp_urgent"] = bp.urgent


# Everyone checked is on the SMI register (QRISK3 b_semi; NICE NG238 notes it may under-estimate their risk).
_QRISK3_FROM_FACTS: Final = (
    ("smoking_category", "smoking_category"),
    ("weight_kg", "weight_kg"),
    ("height_cm", "height_cm"),
    ("systolic_bp_mmhg", "systolic_mmhg"),
    ("diabetes", "diabetes"),
    ("atrial_fibrillation", "atrial_fibrillation"),
    ("atypical_antipsychotic", "on_antipsychotic"),
    ("regular_oral_corticosteroids", "regular_oral_corticosteroids"),
    ("migraine", "migraine"),
    ("rheumatoid_arthritis", "rheumatoid_arthritis"),
    ("ckd_stage_3_to_5", "ckd_stage_3_to_5"),
    ("systemic_lupus_erythematosus", "systemic_lupus_erythematosus"),
    ("treated_hypertension", "treated_hypertension"),
    ("family_history_chd_first_degree_under_60", "family_history_chd"),
)


# The answers that decide whether QRISK3 applies (NICE NG238), named as the worker sees them.
_APPLIES_QUESTIONS: Final = (
    ("existing_cvd", "heart attack, angina, stroke or TIA (yes or no)"),
    ("on_statin", "whether they take a statin"),
)


def qrisk3_inputs(facts: Mapping[str, Any], who: PersonFacts) -> dict[str, Any]:
    """QRISK3 inputs gathered from the facts. Unknown Townsend score and SBP variation are 0,
    as the ClinRisk batch engine does; the ratio is only the measured one."""
    partial: dict[str, Any] = {
        "sex": who.sex,
        "age_years": who.age_years,
        "ethnicity_code": to_qrisk3_ethnicity(who.ethnic_category),
        "townsend_score": 0.0,
        "systolic_bp_sd_mmhg": 0.0,
        "severe_mental_illness": True,
        "cholesterol_hdl_ratio": facts.get("tc_hdl_ratio"),
        "bmi_kg_m2": facts.get("bmi_kg_m2"),
    }
    for name, fact in _QRISK3_FROM_FACTS:
        partial[name] = facts.get(fact)
    if who.sex == "male":
        partial["erectile_dysfunction"] = facts.get("erectile_dysfunction")
    return partial


def _townsend(stored: Mapping[str, Any] | None) -> tuple[float, str] | None:
    """(score, source) from what the check stored, or None when unknown or unreadable."""
    if not isinstance(stored, Mapping):
        return None
    score, source = stored.get("score"), stored.get("source")
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
        return None
    return float(score), str(source or "organisation file")


def _qrisk3_outcome(
    facts: dict[str, Any], who: PersonFacts, townsend: tuple[float, str] | None = None
) -> QRisk3Outcome:
    age = who.age_years
    excluded = _qrisk3.qrisk3_exclusion(
        age,
        existing_cvd=facts.get("existing_cvd"),
        diabetes=facts.get("diabetes"),
        on_statin=facts.get("on_statin"),
    )
    if excluded is not None:
        # Said plainly instead of a score; a findings rule (qrisk3_exclusion) says what to do instead.
        facts["qrisk3_exclusion"] = excluded
        reason = _qrisk3.NOT_APPLICABLE[excluded]
        if excluded in (_qrisk3.AGE_UNDER_25, _qrisk3.AGE_85_PLUS):
            reason = f"{reason[:-1]}; this person is {age}."
        return QRisk3Outcome(note=reason, not_applicable=excluded)
    partial = qrisk3_inputs(facts, who)
    if townsend is not None:
        partial["townsend_score"] = townsend[0]
    try:
        missing = _qrisk3.missing_qrisk3_inputs(partial)
    except CalculationError as exc:
        return QRisk3Outcome(note=exc.message)
    # Whether QRISK3 applies at all is asked before any score is shown.
    missing = [*(words for fact, words in _APPLIES_QUESTIONS if facts.get(fact) is None), *missing]
    if partial["cholesterol_hdl_ratio"] is None:
        missing = [
            NO_MEASURED_LIPIDS if m == _qrisk3.INPUT_NAMES["cholesterol_hdl_ratio"] else m for m in missing
        ]
    if partial["smoking_category"] is None and facts.get("smoking_status") == "current":
        missing = [
            NO_CIGARETTES_A_DAY if m == _qrisk3.INPUT_NAMES["smoking_category"] else m for m in missing
        ]
    if missing:
        note = None
        if partial["cholesterol_hdl_ratio"] is None:
            note = "QRISK3 is only calculated from measured total and HDL cholesterol."
        return QRisk3Outcome(missing=tuple(missing), note=note)
    try:
        result = _qrisk3.calculate_qrisk3(_qrisk3.QRisk3Inputs(**partial))
    except CalculationError as exc:
        return QRisk3Outcome(note=exc.message)
    if townsend is None:
        return QRisk3Outcome(result=result, caveats=QRISK3_CAVEATS)
    caveats = (
        QRISK3_CAVEATS_WITH_TOWNSEND[0],
        QRISK3_CAVEATS_WITH_TOWNSEND[1].format(score=townsend[0], source=townsend[1]),
    )
    return QRisk3Outcome(result=result, caveats=caveats)
