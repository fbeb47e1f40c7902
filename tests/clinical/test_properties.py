"""Property tests: no input whatever makes a calculator or the findings engine fail other than on purpose.

Anything can reach a calculator (a form, a JSON file, a sync payload). The only acceptable failures are
the product's ValidationError/CalculationError with a message; valid inputs must always give a result.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach.clinical.audit_c import score_audit_c
from outreach.clinical.blood_pressure import classify_blood_pressure
from outreach.clinical.bmi import calculate_bmi
from outreach.clinical.ethnicity import ETHNIC_CATEGORIES, to_qrisk3_ethnicity, uses_lower_bmi_thresholds
from outreach.clinical.findings import (
    FACT_KINDS,
    TEXT_FACT_WORDS,
    FollowUpDecision,
    can_finalise,
    compile_rules,
    evaluate_findings,
    load_rules,
    validate_decision,
)
from outreach.clinical.glycaemia import classify_glucose, classify_hba1c
from outreach.clinical.lipids import calculate_lipids
from outreach.clinical.nhs_number import check_nhs_number, normalise_nhs_number
from outreach.clinical.pulse import classify_pulse
from outreach.clinical.qrisk3 import QRisk3Inputs, calculate_qrisk3, missing_qrisk3_inputs
from outreach.clinical.smoking import smoking_category, smoking_snomed
from outreach.clinical.verify import run_case
from outreach.errors import CalculationError, DefinitionError, ValidationError
from outreach.resources import resource_path

RULES = load_rules()
RAW_RULES = json.loads(resource_path("rules", "findings.json").read_text(encoding="utf-8"))
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Anything at all: the odd numbers, text, None, booleans and containers a bad payload could carry.
anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([float("nan"), float("inf"), float("-inf"), -0.0, 5e-324, 1.7976931348623157e308]),
    st.text(max_size=30),
    st.binary(max_size=10),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.fractions(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.builds(object),
)


def _only_our_errors(call: Callable[[], object]) -> object | None:
    """Run `call`; our own errors are fine (and must carry a message), anything else fails the test."""
    try:
        return call()
    except ValidationError as exc:  # CalculationError is a ValidationError
        assert exc.message and isinstance(exc.message, str)
        return None


def _is_finite_number(value: object) -> bool:
    return isinstance(value, float) and math.isfinite(value)


@SETTINGS
@given(a=anything, b=anything, c=anything)
def test_calculators_never_raise_anything_else(a: object, b: object, c: object) -> None:
    _only_our_errors(lambda: calculate_bmi(a, b, c))  # type: ignore[arg-type]
    _only_our_errors(lambda: classify_blood_pressure(a, b))  # type: ignore[arg-type]
    _only_our_errors(lambda: classify_pulse(a, b))  # type: ignore[arg-type]
    _only_our_errors(lambda: classify_hba1c(a))  # type: ignore[arg-type]
    _only_our_errors(lambda: classify_glucose(a, b))  # type: ignore[arg-type]
    _only_our_errors(lambda: calculate_lipids(a, b))  # type: ignore[arg-type]
    _only_our_errors(lambda: score_audit_c(a, b, c))  # type: ignore[arg-type]
    _only_our_errors(lambda: smoking_category(a, b))  # type: ignore[arg-type]
    _only_our_errors(lambda: smoking_snomed(a, b))  # type: ignore[arg-type]
    _only_our_errors(lambda: to_qrisk3_ethnicity(a))  # type: ignore[arg-type]
    _only_our_errors(lambda: uses_lower_bmi_thresholds(a))  # type: ignore[arg-type]
    result = check_nhs_number(a)  # type: ignore[arg-type]  # never raises at all
    assert result.valid == (result.normalised is not None)
    _only_our_errors(lambda: normalise_nhs_number(a))  # type: ignore[arg-type]


@SETTINGS
@given(text=st.text(max_size=30))
def test_nhs_number_never_raises_on_any_text(text: str) -> None:
    result = check_nhs_number(text)
    assert result.valid or result.reason


QRISK3_FIELDS = [f.name for f in dataclasses.fields(QRisk3Inputs)]


@SETTINGS
@given(values=st.dictionaries(st.sampled_from(QRISK3_FIELDS), anything, max_size=len(QRISK3_FIELDS)))
def test_qrisk3_never_raises_anything_else(values: dict[str, object]) -> None:
    _only_our_errors(lambda: calculate_qrisk3(QRisk3Inputs(**values)))  # type: ignore[arg-type]
    assert isinstance(missing_qrisk3_inputs(values), list)
    _only_our_errors(lambda: QRisk3Inputs.from_mapping(values))


def _valid_qrisk3() -> st.SearchStrategy[QRisk3Inputs]:
    flag = st.booleans()
    return st.builds(
        QRisk3Inputs,
        sex=st.sampled_from(["female", "male"]),
        age_years=st.integers(25, 84),
        ethnicity_code=st.integers(0, 9),
        smoking_category=st.integers(0, 4),
        townsend_score=st.floats(-15, 25),
        weight_kg=st.floats(45, 150),  # with these heights BMI stays within 11-67
        height_cm=st.floats(150, 200),
        cholesterol_hdl_ratio=st.floats(1, 20),
        systolic_bp_mmhg=st.floats(50, 300),
        systolic_bp_sd_mmhg=st.floats(0, 100),
        diabetes=st.sampled_from(["none", "type1", "type2"]),
        atrial_fibrillation=flag, atypical_antipsychotic=flag, regular_oral_corticosteroids=flag,
        erectile_dysfunction=flag, migraine=flag, rheumatoid_arthritis=flag, ckd_stage_3_to_5=flag,
        severe_mental_illness=flag, systemic_lupus_erythematosus=flag, treated_hypertension=flag,
        family_history_chd_first_degree_under_60=flag,
    )


@SETTINGS
@given(base=_valid_qrisk3(), value=anything, field=st.sampled_from(QRISK3_FIELDS))
def test_qrisk3_one_bad_field_in_a_valid_set(base: QRisk3Inputs, value: object, field: str) -> None:
    _only_our_errors(lambda: calculate_qrisk3(dataclasses.replace(base, **{field: value})))


@SETTINGS
@given(inputs=_valid_qrisk3())
def test_valid_qrisk3_inputs_always_give_a_risk(inputs: QRisk3Inputs) -> None:
    result = calculate_qrisk3(inputs)
    assert 0.0 <= result.risk_percent <= 100.0 and _is_finite_number(result.risk_percent)


@SETTINGS
@given(
    weight=st.floats(10, 400), height=st.floats(50, 275),
    ethnic=st.one_of(st.none(), st.sampled_from(sorted(ETHNIC_CATEGORIES))),
    systolic=st.floats(50, 300), diastolic=st.floats(20, 200), rate=st.floats(20, 250),
    irregular=st.booleans(),
    hba1c=st.floats(10, 250), glucose=st.floats(1, 60), fasting=st.booleans(),
    hdl=st.floats(0.1, 6), total=st.floats(1, 30), answers=st.tuples(*[st.integers(0, 4)] * 3),
    status=st.sampled_from(["never", "ex", "current"]), per_day=st.integers(1, 200),
)  # fmt: skip
def test_valid_inputs_never_raise(
    weight: float,
    height: float,
    ethnic: str | None,
    systolic: float,
    diastolic: float,
    rate: float,
    irregular: bool,
    hba1c: float,
    glucose: float,
    fasting: bool,
    hdl: float,
    total: float,
    answers: tuple[int, int, int],
    status: str,
    per_day: int,
) -> None:
    assert _is_finite_number(calculate_bmi(weight, height, ethnic).bmi_kg_m2)
    if diastolic < systolic:
        classify_blood_pressure(systolic, diastolic)
    classify_pulse(rate, irregular)
    classify_hba1c(hba1c)
    classify_glucose(glucose, fasting)
    if hdl < total:
        lipids = calculate_lipids(total, hdl)
        # Non-HDL is given to the labs' 0.01 mmol/L, so values closer than that read 0.00, never less.
        assert lipids.tc_hdl_ratio > 1 and lipids.non_hdl_mmol_l >= 0
        assert abs(lipids.non_hdl_mmol_l - (total - hdl)) <= 0.005 + 1e-9
    assert 0 <= score_audit_c(*answers).score <= 12
    assert smoking_category(status, per_day) in range(5)
    smoking_snomed(status, per_day)


# --- findings -----------------------------------------------------------------------------------------


def _fact_value(name: str) -> st.SearchStrategy[object]:
    kind = FACT_KINDS[name]
    if kind == "number":
        return st.one_of(st.integers(-1000, 1000), st.floats(-1000, 1000))
    if kind == "flag":
        return st.booleans()
    return st.sampled_from(sorted(TEXT_FACT_WORDS[name]))


valid_facts = st.fixed_dictionaries(
    {}, optional={name: st.one_of(st.none(), _fact_value(name)) for name in FACT_KINDS}
)
any_facts = st.dictionaries(st.one_of(st.sampled_from(sorted(FACT_KINDS)), st.text(max_size=8)), anything,
                            max_size=12)


@SETTINGS
@given(facts=valid_facts)
def test_findings_on_valid_facts_never_raise(facts: dict[str, object]) -> None:
    findings = evaluate_findings(facts, RULES)
    assert len({f.rule_id for f in findings}) == len(findings)
    for finding in findings:
        assert finding.reason and "{" not in finding.reason
    ok, reasons = can_finalise(findings, {})
    assert ok == (not findings) and len(reasons) == len(findings)


@SETTINGS
@given(facts=any_facts)
def test_findings_never_raise_anything_else(facts: dict[str, object]) -> None:
    _only_our_errors(lambda: evaluate_findings(facts, RULES))


@SETTINGS
@given(facts=anything, rules=anything)
def test_findings_refuse_wrong_arguments(facts: object, rules: object) -> None:
    _only_our_errors(lambda: evaluate_findings(facts, rules))  # type: ignore[arg-type]
    _only_our_errors(lambda: evaluate_findings(facts, RULES))  # type: ignore[arg-type]


@SETTINGS
@given(kind=anything, service=anything, reason=anything, note=anything)
def test_decisions_never_raise_anything_else(
    kind: object, service: object, reason: object, note: object
) -> None:
    finding = evaluate_findings({"smoking_status": "current"}, RULES)[0]
    decision = FollowUpDecision(kind, service, reason, note)  # type: ignore[arg-type]
    _only_our_errors(lambda: validate_decision(finding, decision))
    _only_our_errors(lambda: can_finalise([finding], {finding.rule_id: decision}))


@SETTINGS
@given(case=st.fixed_dictionaries({
    "id": anything,
    "calculator": st.sampled_from(["qrisk3", "nhs_number", "bmi", "audit_c", "blood_pressure", "x"]),
    "inputs": st.dictionaries(
        st.sampled_from(QRISK3_FIELDS + ["q1", "q2", "q3", "nhs_number", "systolic_mmhg", "diastolic_mmhg",
                                         "ethnicity"]),
        anything,
        max_size=6,
    ),
}))  # fmt: skip
def test_verify_cases_always_give_a_result_or_error(case: dict[str, object]) -> None:
    out = run_case(case)
    assert ("result" in out) != ("error" in out)


def test_nan_and_infinity_refused_with_clear_words() -> None:
    for value, words in (
        (float("nan"), "not a number"),
        (float("inf"), "infinite"),
        (Decimal("NaN"), "not a"),
    ):
        try:
            calculate_bmi(value, 170)  # type: ignore[arg-type]
        except CalculationError as exc:
            assert words in exc.message and exc.item == "weight_kg"
        else:
            raise AssertionError("NaN/infinity accepted")
    assert calculate_bmi(Fraction(80), Decimal(178)).category == "Overweight"  # type: ignore[arg-type]


# --- the rule loader ------------------------------------------------------------------------------------

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=12),
              st.sampled_from(sorted(FACT_KINDS) + ["<", ">=", "in", "present", "all", "any", "not", "fact",
                                                    "op", "value", "referral", "urgent"])),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children,
                                                                               max_size=4)),
    max_leaves=20,
)  # fmt: skip


@SETTINGS
@given(data=json_values)
def test_rule_loader_refuses_any_bad_data_with_definition_error(data: object) -> None:
    try:
        compile_rules(data)
    except DefinitionError as exc:
        assert exc.message


@SETTINGS
@given(
    rule_index=st.integers(0, len(RAW_RULES["rules"]) - 1),
    key=st.sampled_from(["when", "reason", "severity", "follow_up", "title"]),
    replacement=json_values,
)
def test_rule_loader_with_one_part_of_a_real_rule_replaced(
    rule_index: int, key: str, replacement: object
) -> None:
    data = copy.deepcopy(RAW_RULES)
    data["rules"][rule_index][key] = replacement
    try:
        compile_rules(data)
    except DefinitionError as exc:
        assert exc.item == data["rules"][rule_index]["id"]
