"""The findings rule language as documented (outreach/clinical/findings.py, module docstring), rule by rule.

A rule file is clinical content that a local service may edit, so the loader must refuse anything that
could make a finding silently never fire (an empty rule list, a mistyped id, a follow-up kind listed
twice, a reason with unbalanced brackets), and evaluation must put the most severe finding first
(SEVERITIES: urgent, act, advise) so an urgent one is never below the fold.
"""

from __future__ import annotations

import copy
import math

import pytest

from outreach.clinical.findings import (
    SEVERITIES,
    Finding,
    FollowUpDecision,
    can_finalise,
    compile_rules,
    evaluate_findings,
    follow_up_problems,
    unresolved_findings,
    validate_decision,
)
from outreach.errors import DefinitionError, ValidationError


def _rule(rule_id: str, *, severity: str = "advise", when: object = None, reason: str = "Seen.",
          allowed: list[str] | None = None, **extra: object) -> dict:
    return {
        "id": rule_id,
        "title": rule_id.replace("-", " ").capitalize(),
        "severity": severity,
        "source": "synthetic test rule",
        "when": {"fact": "age_years", "op": "present"} if when is None else when,
        "reason": reason,
        "follow_up": {"allowed": allowed or ["referral", "declined"]},
        **extra,
    }


def _set(*rules: dict, version: str = "1.0.0") -> dict:
    return {"id": "test-rules", "version": version, "rules": list(rules)}


def _fires(when: dict, facts: dict) -> bool:
    rules = compile_rules(_set(_rule("r", when=when)))
    return [f.rule_id for f in evaluate_findings(facts, rules)] == ["r"]


# --- most severe first ----------------------------------------------------------------------------------


def test_findings_come_most_severe_first_then_in_file_order() -> None:
    rules = compile_rules(_set(
        _rule("advise-one", severity="advise"),
        _rule("act-one", severity="act"),
        _rule("urgent-one", severity="urgent"),
        _rule("advise-two", severity="advise"),
        _rule("act-two", severity="act"),
        _rule("urgent-two", severity="urgent"),
    ))
    found = evaluate_findings({"age_years": 40}, rules)
    assert [f.rule_id for f in found] == ["urgent-one", "urgent-two", "act-one", "act-two", "advise-one",
                                          "advise-two"]
    assert [f.severity for f in found] == ["urgent", "urgent", "act", "act", "advise", "advise"]
    assert SEVERITIES == ("urgent", "act", "advise")


def test_a_finding_carries_its_rule_words_and_follow_ups() -> None:
    rules = compile_rules(_set(_rule("bp-test", severity="act", reason="BP {systolic_mmhg} mmHg.",
                                     when={"fact": "systolic_mmhg", "op": ">=", "value": 140},
                                     allowed=["referral", "advice_given"])))
    rules_with_text = copy.deepcopy(_set(_rule("bp-test", severity="act", reason="BP {systolic_mmhg} mmHg.",
                                               when={"fact": "systolic_mmhg", "op": ">=", "value": 140},
                                               allowed=["referral", "advice_given"])))
    rules_with_text["rules"][0]["follow_up"].update(
        suggested_services=["gp-practice"], suggested_text="See GP"
    )
    rules_with_text["rules"][0]["element"] = "blood_pressure"
    (finding,) = evaluate_findings({"systolic_mmhg": 150}, rules)
    assert (finding.title, finding.severity, finding.reason, finding.source) == (
        "Bp test", "act", "BP 150 mmHg.", "synthetic test rule")
    assert finding.allowed_follow_ups == ("referral", "advice_given")
    assert finding.suggested_services == () and finding.suggested_text == ""
    richer = compile_rules(rules_with_text)
    (finding,) = evaluate_findings({"systolic_mmhg": 150}, richer)
    assert finding.suggested_services == ("gp-practice",) and finding.suggested_text == "See GP"
    assert richer.rules[0].element == "blood_pressure"
    assert richer.rule("bp-test") is richer.rules[0]
    with pytest.raises(KeyError):
        richer.rule("absent")


# --- the loader refuses what could silently stop a finding -----------------------------------------------


@pytest.mark.parametrize("rules", [[], {}, None, "rules"])
def test_a_rule_set_without_rules_is_refused(rules: object) -> None:
    with pytest.raises(DefinitionError, match="non-empty list of rules"):
        compile_rules({"id": "test-rules", "version": "1.0.0", "rules": rules})


def test_a_rule_set_needs_id_version_and_rules_and_nothing_else() -> None:
    for missing in ("id", "version", "rules"):
        data = _set(_rule("r"))
        del data[missing]
        with pytest.raises(DefinitionError, match=f"Missing {missing}"):
            compile_rules(data)
    with pytest.raises(DefinitionError, match="Unknown key extra"):
        compile_rules({**_set(_rule("r")), "extra": 1})
    assert compile_rules({**_set(_rule("r")), "description": "what it is for"}).id == "test-rules"
    for bad in ("", "  ", 7):
        with pytest.raises(DefinitionError, match="id in the rule set must be text"):
            compile_rules({**_set(_rule("r")), "id": bad})


@pytest.mark.parametrize("version", ["1.0", "1.0.0.0", "v1.0.0", "1.0.0-beta", "1.a.0"])
def test_a_version_must_be_three_numbers(version: str) -> None:
    with pytest.raises(DefinitionError, match="must look like 1.0.0"):
        compile_rules(_set(_rule("r"), version=version))


def test_three_number_versions_load() -> None:
    assert compile_rules(_set(_rule("r"), version="12.0.3")).version == "12.0.3"


def test_a_follow_up_kind_listed_twice_is_refused() -> None:
    with pytest.raises(DefinitionError, match="listed twice") as info:
        compile_rules(_set(_rule("twice", allowed=["referral", "declined", "referral"])))
    assert info.value.item == "twice"


@pytest.mark.parametrize(
    "rule_id",
    ["BP-severe", "-bp", "bp_severe", "bp severe", "", "bp.severe", "bp-sévère", "bp-severe\n", 7, None],
)
def test_a_rule_id_must_be_lower_case_letters_digits_and_hyphens(rule_id: object) -> None:
    with pytest.raises(DefinitionError, match="lower-case letters, digits and hyphens"):
        compile_rules(_set(_rule("ok-1"), {**_rule("x"), "id": rule_id}))


@pytest.mark.parametrize("rule_id", ["a", "9", "bp-severe", "qrisk3-10-plus", "a-"])
def test_ids_of_the_documented_shape_load(rule_id: str) -> None:
    assert compile_rules(_set(_rule(rule_id))).rules[0].id == rule_id


def test_a_rule_that_is_not_an_object_is_refused_by_number() -> None:
    with pytest.raises(DefinitionError, match="Rule number 2 is not a JSON object"):
        compile_rules(_set(_rule("r"), ["not", "a", "rule"]))  # type: ignore[arg-type]


@pytest.mark.parametrize("reason", [
    "BP [{systolic_mmhg} mmHg",
    "BP {systolic_mmhg}] mmHg",
    "BP [[{systolic_mmhg}]] mmHg",
    "BP [a [{systolic_mmhg}] b",
    "BP ][{systolic_mmhg}[",
    "] {systolic_mmhg}",
    "{systolic_mmhg} [",
])
def test_a_reason_with_unbalanced_brackets_is_refused(reason: str) -> None:
    with pytest.raises(DefinitionError, match=r"unbalanced \[ \]") as info:
        compile_rules(_set(_rule("brackets", reason=reason)))
    assert info.value.item == "brackets"


def test_an_urgent_rule_must_allow_a_referral() -> None:
    with pytest.raises(DefinitionError, match="urgent finding must allow a referral"):
        compile_rules(_set(_rule("u", severity="urgent", allowed=["declined", "clinician_override"])))
    assert (
        compile_rules(_set(_rule("u", severity="urgent", allowed=["referral"]))).rules[0].severity == "urgent"
    )


def test_follow_up_must_be_an_object_with_only_known_keys() -> None:
    with pytest.raises(DefinitionError, match="follow_up must be an object"):
        compile_rules(_set({**_rule("f"), "follow_up": ["referral"]}))
    for services in ("gp-practice", [""], [3]):
        data = _set(_rule("f"))
        data["rules"][0]["follow_up"]["suggested_services"] = services
        with pytest.raises(DefinitionError, match="list of service ids"):
            compile_rules(data)


# --- reasons: [optional] text shows only when every fact inside it is recorded ----------------------------


def test_optional_reason_text_needs_every_fact_inside_it() -> None:
    rules = compile_rules(_set(_rule(
        "r", reason="Glucose high[ (HbA1c {hba1c_mmol_mol} mmol/mol)][, fasting {fasting_glucose_mmol_l:.1f} "
                    "and random {random_glucose_mmol_l:.1f}].",
        when={"fact": "glycaemia_band", "op": "present"})))

    def reason(**facts: object) -> str:
        return evaluate_findings({"glycaemia_band": "diabetes", **facts}, rules)[0].reason

    assert reason() == "Glucose high."
    assert reason(hba1c_mmol_mol=50) == "Glucose high (HbA1c 50 mmol/mol)."
    assert reason(fasting_glucose_mmol_l=7.04) == "Glucose high."
    assert reason(fasting_glucose_mmol_l=7.04, random_glucose_mmol_l=11.16) == (
        "Glucose high, fasting 7.0 and random 11.2.")


def test_values_in_a_reason_are_shown_plainly() -> None:
    rules = compile_rules(_set(_rule(
        "r", reason="{systolic_mmhg}/{bmi_kg_m2}/{bp_urgent}/{smoking_status}/{pulse_bpm:.0f}",
        when={"fact": "systolic_mmhg", "op": "present"})))

    def reason(**facts: object) -> str:
        return evaluate_findings(facts, rules)[0].reason

    assert reason(systolic_mmhg=150, bmi_kg_m2=31.26, bp_urgent=True, smoking_status="current",
                  pulse_bpm=71.6) == "150/31.3/yes/current/72"
    assert reason(systolic_mmhg=150.0, bp_urgent=False) == "150.0/not recorded/no/not recorded/not recorded"


# --- conditions -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "below", "at", "above"),
    [
        ("<", True, False, False),
        ("<=", True, True, False),
        (">", False, False, True),
        (">=", False, True, True),
        ("==", False, True, False),
        ("!=", True, False, True),
    ],
)
def test_each_comparison_at_below_and_above_its_threshold(
    op: str, below: bool, at: bool, above: bool
) -> None:
    when = {"fact": "systolic_mmhg", "op": op, "value": 140}
    assert [_fires(when, {"systolic_mmhg": v}) for v in (139, 140, 141)] == [below, at, above]
    assert [_fires(when, {"systolic_mmhg": v}) for v in (139.9, 140.0, 140.1)] == [below, at, above]
    assert _fires(when, {}) is False  # an unknown reading never triggers a finding
    assert _fires(when, {"systolic_mmhg": None}) is False


def test_present_absent_in_and_text_and_flag_comparisons() -> None:
    assert _fires({"fact": "hba1c_mmol_mol", "op": "absent"}, {}) is True
    assert _fires({"fact": "hba1c_mmol_mol", "op": "absent"}, {"hba1c_mmol_mol": 40}) is False
    assert _fires({"fact": "hba1c_mmol_mol", "op": "present"}, {"hba1c_mmol_mol": 0}) is True
    assert _fires({"fact": "hba1c_mmol_mol", "op": "present"}, {}) is False
    when_in = {"fact": "smoking_status", "op": "in", "value": ["current"]}
    assert _fires(when_in, {"smoking_status": "current"}) is True
    assert _fires(when_in, {"smoking_status": "ex"}) is False
    assert _fires(when_in, {}) is False
    assert _fires({"fact": "sex", "op": "==", "value": "male"}, {"sex": "male"}) is True
    assert _fires({"fact": "sex", "op": "!=", "value": "male"}, {"sex": "male"}) is False
    assert _fires({"fact": "bp_urgent", "op": "==", "value": True}, {"bp_urgent": True}) is True
    assert _fires({"fact": "bp_urgent", "op": "==", "value": True}, {"bp_urgent": False}) is False


def test_all_any_and_not() -> None:
    high = {"fact": "systolic_mmhg", "op": ">=", "value": 140}
    fast = {"fact": "pulse_bpm", "op": ">", "value": 100}
    both, either, neither = {"all": [high, fast]}, {"any": [high, fast]}, {"not": {"any": [high, fast]}}
    table = [({"systolic_mmhg": 150, "pulse_bpm": 120}, True, True, False),
             ({"systolic_mmhg": 150, "pulse_bpm": 80}, False, True, False),
             ({"systolic_mmhg": 120, "pulse_bpm": 120}, False, True, False),
             ({"systolic_mmhg": 120, "pulse_bpm": 80}, False, False, True)]
    for facts, want_both, want_either, want_neither in table:
        assert (_fires(both, facts), _fires(either, facts), _fires(neither, facts)) == (
            want_both, want_either, want_neither), facts
    three = {"all": [high, fast, {"fact": "sex", "op": "==", "value": "male"}]}
    assert _fires(three, {"systolic_mmhg": 150, "pulse_bpm": 120, "sex": "male"}) is True
    assert _fires(three, {"systolic_mmhg": 150, "pulse_bpm": 120, "sex": "female"}) is False
    assert (
        _fires({"any": [high, fast, {"fact": "sex", "op": "==", "value": "male"}]}, {"sex": "male"}) is True
    )


@pytest.mark.parametrize(
    "when",
    [
        {},
        [],
        {"fact": "systolic_mmhg", "op": "in", "value": []},
        {"fact": "systolic_mmhg", "op": "in", "value": 140},
        {"fact": "systolic_mmhg", "op": ">=", "value": math.inf},
        {"fact": "systolic_mmhg", "op": ">=", "value": 10**15},
        {"fact": "bp_urgent", "op": "==", "value": 1},
        {"fact": "age_years", "op": "absent", "extra": 1},
        {"fact": 3, "op": "present"},
        {"not": {"fact": "nope", "op": "present"}},
        {"all": {"fact": "age_years"}},
    ],
)
def test_malformed_conditions_are_refused(when: object) -> None:
    with pytest.raises(DefinitionError) as info:
        compile_rules(_set(_rule("bad", when=when)))
    assert info.value.item == "bad"


def test_nesting_too_deep_is_a_definition_error() -> None:
    when: dict = {"fact": "age_years", "op": "present"}
    for _ in range(5000):
        when = {"not": when}
    with pytest.raises(DefinitionError, match="nested too deeply"):
        compile_rules(_set(_rule("deep", when=when)))


# --- facts of the wrong kind are refused, never read as "no finding" -----------------------------------


@pytest.mark.parametrize(
    ("fact", "value"),
    [
        ("systolic_mmhg", math.nan),
        ("systolic_mmhg", math.inf),
        ("systolic_mmhg", -math.inf),
        ("systolic_mmhg", 10**15),
        ("systolic_mmhg", -(10**15)),
        ("systolic_mmhg", True),
        ("systolic_mmhg", "150"),
        ("bp_urgent", 1),
        ("bp_urgent", "yes"),
        ("smoking_status", 1),
    ],
)
def test_a_fact_of_the_wrong_kind_is_refused(fact: str, value: object) -> None:
    rules = compile_rules(_set(_rule("r", when={"fact": fact, "op": "present"})))
    with pytest.raises(ValidationError) as info:
        evaluate_findings({fact: value}, rules)
    assert info.value.item == fact


def test_large_but_real_numbers_are_usable() -> None:
    rules = compile_rules(_set(_rule("r", when={"fact": "systolic_mmhg", "op": ">", "value": 0})))
    assert len(evaluate_findings({"systolic_mmhg": 10**15 - 1}, rules)) == 1
    assert len(evaluate_findings({"systolic_mmhg": 1e14}, rules)) == 1


def test_a_misbehaving_facts_mapping_is_reported_not_raised() -> None:
    class Broken(dict):
        def get(self, key: object, default: object = None) -> object:
            raise RuntimeError("boom")

    rules = compile_rules(_set(_rule("r")))
    with pytest.raises(ValidationError, match="could not be read"):
        evaluate_findings(Broken(), rules)


# --- follow-up decisions -----------------------------------------------------------------------------------


def _finding(allowed: list[str]) -> Finding:
    rules = compile_rules(_set(_rule("decide-me", allowed=allowed)))
    return evaluate_findings({"age_years": 40}, rules)[0]


def test_free_text_in_a_decision_is_limited_to_4000_characters() -> None:
    finding = _finding(["declined"])
    assert validate_decision(finding, FollowUpDecision("declined", reason="x" * 4000)).reason == "x" * 4000
    for field in ("reason", "note"):
        with pytest.raises(ValidationError, match="too long") as info:
            validate_decision(finding, FollowUpDecision("declined", **{"reason": "why", field: "x" * 4001}))
        assert info.value.item == "decide-me"


def test_decision_text_is_tidied_and_blank_text_is_none() -> None:
    finding = _finding(["referral", "advice_given"])
    tidy = validate_decision(finding, FollowUpDecision("referral", service_id=" gp-practice ", note="  "))
    assert (tidy.service_id, tidy.note, tidy.reason) == ("gp-practice", None, None)
    advice = validate_decision(
        finding, FollowUpDecision("advice_given", service_id="gp-practice", note=" ok ")
    )
    assert advice.service_id is None and advice.note == "ok"  # a service belongs to a referral only
    with pytest.raises(ValidationError, match="must be text"):
        validate_decision(finding, FollowUpDecision("advice_given", note=3))  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["declined", "clinician_override"])
def test_declining_or_overriding_needs_a_reason_that_is_not_blank(kind: str) -> None:
    finding = _finding(["referral", kind])
    with pytest.raises(ValidationError, match="say why the follow-up was"):
        validate_decision(finding, FollowUpDecision(kind, reason="   "))
    assert (
        validate_decision(finding, FollowUpDecision(kind, reason=" prefers own GP ")).reason
        == "prefers own GP"
    )


def test_can_finalise_lists_one_plain_reason_per_open_finding() -> None:
    rules = compile_rules(_set(_rule("first-one", allowed=["referral", "advice_given"]),
                               _rule("second-one", allowed=["referral", "declined"])))
    found = evaluate_findings({"age_years": 40}, rules)
    ok, reasons = can_finalise(found, {"first-one": FollowUpDecision("advice_given")})
    assert ok is False and reasons == ["Second one: choose a follow-up"]
    decided = {"first-one": FollowUpDecision("referral", service_id="elsewhere"),
               "second-one": FollowUpDecision("declined", reason="not today")}
    assert can_finalise(found, decided) == (True, [])
    ok, reasons = can_finalise(found, decided, services={"gp-practice"})
    assert ok is False and reasons == ['First one: the service "elsewhere" is not in the directory']
    assert [f.rule_id for f in unresolved_findings(found, decided, {"gp-practice"})] == ["first-one"]
    assert [(f.rule_id, why) for f, why in follow_up_problems(found, {})] == [
        ("first-one", "First one: choose a follow-up"), ("second-one", "Second one: choose a follow-up")]
    with pytest.raises(ValidationError):
        can_finalise(found, [])  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        can_finalise(7, {})  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        can_finalise(["not a finding"], {})  # type: ignore[list-item]


def test_a_long_text_fact_is_shown_up_to_200_characters() -> None:
    rules = compile_rules(_set(_rule("r", reason="Status: {smoking_status}.",
                                     when={"fact": "smoking_status", "op": "present"})))

    def reason(text: str) -> str:
        return evaluate_findings({"smoking_status": text}, rules)[0].reason

    assert reason("x" * 200) == "Status: " + "x" * 200 + "."
    assert reason("x" * 201) == "Status: " + "x" * 200 + "...."


@pytest.mark.parametrize("when", [{}, [], "systolic_mmhg >= 140", 140, None])
def test_a_condition_that_is_not_an_object_says_so(when: object) -> None:
    data = _set(_rule("bad"))
    data["rules"][0]["when"] = when
    with pytest.raises(DefinitionError, match="a condition must be a JSON object") as info:
        compile_rules(data)
    assert info.value.item == "bad"
