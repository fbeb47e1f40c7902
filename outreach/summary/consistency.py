"""One verdict per topic, and the rules that stop two lines of the summary contradicting each other.

Why this exists: the page used to pick each line on its own. A "going well" line came
from the cholesterol value alone, the next steps from the findings, so a person could
read "Your cholesterol does not need any action now" beside "We will ask your GP
practice to help you with your heart health". Now:

* `judge_topics` decides, once, from all the facts and findings of the check, whether
  each topic is going well, is a concern, or needs action. Lipids are judged together
  with the heart health score (NICE NG238 acts on cholesterol through the QRISK3 score,
  not on a cholesterol value alone). Every line about a topic is chosen from this verdict.
* `CLAIMS` says what each phrase on the page claims about its topic, and
  `contradictions` checks a finished page against `RULES`. Tests run it over thousands
  of synthetic checks; a new phrase without a claim is noticed by a test.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, Final

from outreach.checks.evaluation import CheckEvaluation
from outreach.clinical import audit_c as _audit_c
from outreach.clinical import blood_pressure as _bp
from outreach.clinical import bmi as _bmi
from outreach.clinical import glycaemia as _glycaemia
from outreach.clinical import pulse as _pulse

# NICE NG238 1.6.2: a QRISK3 10-year risk of 10% or more is when a statin is offered.
HEART_SCORE_ACTION_PERCENT: Final = 10.0
# NHS "Cholesterol levels" (nhs.uk/conditions/high-cholesterol/cholesterol-levels): healthy is total 5 or
# below, non-HDL 4 or below, HDL 1.0 or above (men) or 1.2 or above (women), all mmol/L.
HEALTHY_TOTAL_MAX: Final = 5.0
HEALTHY_NON_HDL_MAX: Final = 4.0
HEALTHY_HDL_MIN: Final = {"male": 1.0, "female": 1.2}
# Topics judged together: nothing may say one of them needs no action while another needs action.
HEART_FAMILY: Final = frozenset({"heart", "cholesterol", "blood_fats"})
EVERYTHING: Final = "*"  # a claim about the whole page ("You do not need to do anything new")


class Verdict(StrEnum):
    """What the page may say about one topic."""

    WELL = "well"  # measured, healthy, nothing found: the page may say so, and that it needs no action
    NEUTRAL = "neutral"  # measured, fine on its own, but linked to something that needs action: say neither
    CONCERN = "concern"  # measured and outside the healthy range, with no finding about it
    ACTION = "action"  # a finding is about it: never described as fine


class Claim(StrEnum):
    """What one phrase says about its topic."""

    NO_ACTION = "no_action"  # healthy, nothing to do
    NEUTRAL = "neutral"
    CONCERN = "concern"  # not in the healthy range
    ACTION = "action"  # something will be done (a step, or "your GP can help")


# What each phrase that speaks of a topic claims about it (message key -> topic, claim).
CLAIMS: Final[Mapping[str, tuple[str, Claim]]] = {
    "going_well.no_smoking": ("smoking", Claim.NO_ACTION),
    "going_well.stopped_smoking": ("smoking", Claim.NO_ACTION),
    "going_well.blood_pressure": ("blood_pressure", Claim.NO_ACTION),
    "going_well.weight": ("weight", Claim.NO_ACTION),
    "going_well.sugar": ("sugar", Claim.NO_ACTION),
    "going_well.cholesterol": ("cholesterol", Claim.NO_ACTION),
    "going_well.cholesterol_healthy": ("cholesterol", Claim.NO_ACTION),
    "going_well.heart": ("heart", Claim.NO_ACTION),
    "going_well.pulse": ("pulse", Claim.NO_ACTION),
    "going_well.no_alcohol": ("alcohol", Claim.NO_ACTION),
    "going_well.alcohol_low": ("alcohol", Claim.NO_ACTION),
    "going_well.active": ("food_activity", Claim.NO_ACTION),
    "going_well.screening": ("screening", Claim.NO_ACTION),
    "going_well.vaccines": ("vaccines", Claim.NO_ACTION),
    "number.bmi.healthy": ("weight", Claim.NO_ACTION),
    "number.bmi.healthy_gain": ("weight", Claim.CONCERN),
    "number.bmi.high": ("weight", Claim.CONCERN),
    "number.bmi.low": ("weight", Claim.CONCERN),
    "number.waist.ok": ("waist", Claim.NO_ACTION),
    "number.waist.high": ("waist", Claim.CONCERN),
    "number.blood_pressure.normal": ("blood_pressure", Claim.NO_ACTION),
    "number.blood_pressure.low": ("blood_pressure", Claim.CONCERN),
    "number.blood_pressure.high": ("blood_pressure", Claim.CONCERN),
    "number.blood_pressure.very_high": ("blood_pressure", Claim.CONCERN),
    "number.pulse.normal": ("pulse", Claim.NO_ACTION),
    "number.pulse.fast": ("pulse", Claim.CONCERN),
    "number.pulse.slow": ("pulse", Claim.CONCERN),
    "number.pulse.irregular": ("pulse", Claim.CONCERN),
    "number.sugar.normal": ("sugar", Claim.NO_ACTION),
    "number.sugar.high_risk": ("sugar", Claim.CONCERN),
    "number.sugar.diabetes": ("sugar", Claim.CONCERN),
    "number.cholesterol.ok": ("cholesterol", Claim.NO_ACTION),
    "number.cholesterol.healthy": ("cholesterol", Claim.NO_ACTION),
    "number.cholesterol.above": ("cholesterol", Claim.CONCERN),
    "number.cholesterol.high": ("cholesterol", Claim.CONCERN),
    "number.cholesterol.part_of_heart": ("cholesterol", Claim.NEUTRAL),
    "number.cholesterol.adds_to_heart": ("cholesterol", Claim.CONCERN),
    "number.heart.high": ("heart", Claim.ACTION),
    "number.alcohol.none": ("alcohol", Claim.NO_ACTION),
    "number.alcohol.low": ("alcohol", Claim.NO_ACTION),
    "number.alcohol.raised": ("alcohol", Claim.CONCERN),
    "steps.none": (EVERYTHING, Claim.NO_ACTION),
}

RULES: Final = (
    "A topic is never said to need no action while another line says it needs action or is not healthy.",
    (
        "Cholesterol, blood fats and the heart health score are judged together: "
        "none of them is said to need no action while another of them needs action."
    ),
    "'You do not need to do anything new' never stands beside a next step or a result that is not healthy.",
)


def judge_topics(evaluation: CheckEvaluation, finding_topics: Iterable[str]) -> dict[str, Verdict]:
    """The verdict for every topic the check measured or found something about.

    `finding_topics` are the topics of all the check's findings, whatever was decided about
    them: a finding the person declined is still not "going well".
    """
    f: Mapping[str, Any] = evaluation.facts
    found = set(finding_topics)
    verdicts: dict[str, Verdict] = {topic: Verdict.ACTION for topic in found}

    def judge(topic: str, measured: bool, healthy: bool) -> None:
        if topic not in verdicts and measured:
            verdicts[topic] = Verdict.WELL if healthy else Verdict.CONCERN

    judge("blood_pressure", f.get("bp_category") is not None, f.get("bp_category") == _bp.NORMAL)
    judge("weight", f.get("bmi_category") is not None, f.get("bmi_category") == _bmi.HEALTHY)
    judge("waist", f.get("waist_cm") is not None, True)  # the waist rule is the only judge of a waist
    judge("sugar", f.get("glycaemia_band") is not None, f.get("glycaemia_band") == _glycaemia.NORMAL)
    judge(
        "pulse",
        f.get("pulse_category") is not None or f.get("pulse_irregular") is not None,
        f.get("pulse_category") == _pulse.NORMAL and not f.get("pulse_irregular"),
    )
    judge("smoking", f.get("smoking_status") is not None, f.get("smoking_status") in ("never", "ex"))
    score = f.get("audit_c_score")
    judge("alcohol", score is not None, score == 0 or f.get("audit_c_band") == _audit_c.LOWER_RISK)
    judge("food_activity", f.get("physically_inactive") is not None, f.get("physically_inactive") is False)
    judge("screening", f.get("screening_overdue") is not None, f.get("screening_overdue") is False)
    judge("vaccines", f.get("vaccinations_due") is not None, f.get("vaccinations_due") is False)
    _judge_heart_family(f, evaluation, verdicts)
    return verdicts


def _judge_heart_family(
    f: Mapping[str, Any], evaluation: CheckEvaluation, verdicts: dict[str, Verdict]
) -> None:
    score = f.get("qrisk3_percent")  # the score as shown to the worker, which the findings rules read
    if score is None and evaluation.qrisk3.risk_percent is not None:
        score = round(evaluation.qrisk3.risk_percent, 1)
    if "heart" not in verdicts and score is not None:
        verdicts["heart"] = Verdict.ACTION if score >= HEART_SCORE_ACTION_PERCENT else Verdict.WELL
    family_action = any(verdicts.get(t) == Verdict.ACTION for t in HEART_FAMILY)
    if family_action and verdicts.get("heart") == Verdict.WELL:
        verdicts["heart"] = Verdict.NEUTRAL  # a low score beside a cholesterol finding: say neither
    if "cholesterol" in verdicts or f.get("total_cholesterol_mmol_l") is None:
        return
    in_nhs_range = lipids_in_healthy_range(f)
    if family_action:
        verdicts["cholesterol"] = Verdict.NEUTRAL if in_nhs_range else Verdict.CONCERN
    elif verdicts.get("heart") == Verdict.WELL:
        verdicts["cholesterol"] = Verdict.WELL  # NICE NG238: below 10%, cholesterol alone is not treated
    else:  # no heart health score (age, or inputs missing): judge by the NHS healthy levels
        verdicts["cholesterol"] = Verdict.WELL if in_nhs_range else Verdict.CONCERN


def lipids_in_healthy_range(f: Mapping[str, Any]) -> bool:
    """Every measured lipid is within the NHS healthy levels (total, non-HDL, HDL for the person's sex)."""
    total = f.get("total_cholesterol_mmol_l")
    if total is None or total > HEALTHY_TOTAL_MAX:
        return False
    non_hdl = f.get("non_hdl_mmol_l")
    if non_hdl is not None and non_hdl > HEALTHY_NON_HDL_MAX:
        return False
    hdl = f.get("hdl_mmol_l")
    minimum = HEALTHY_HDL_MIN.get(str(f.get("sex")), max(HEALTHY_HDL_MIN.values()))
    return hdl is None or hdl >= minimum


def page_claims(
    phrase_keys: Iterable[str], steps: Iterable[tuple[str, Iterable[str]]]
) -> list[tuple[str, Claim]]:
    """Every (topic, claim) a page makes: from its phrases, and an action for each topic of each step."""
    claims = [CLAIMS[key] for key in phrase_keys if key in CLAIMS]
    for _kind, topics in steps:
        claims.extend((topic, Claim.ACTION) for topic in topics)
    return claims


def contradictions(claims: Iterable[tuple[str, Claim]]) -> list[str]:
    """The RULES a page's claims break, in plain words (empty when the page agrees with itself)."""
    by_topic: dict[str, set[Claim]] = {}
    for topic, claim in claims:
        by_topic.setdefault(topic, set()).add(claim)
    problems: list[str] = []
    for topic, said in sorted(by_topic.items()):
        if topic != EVERYTHING and Claim.NO_ACTION in said and said & {Claim.ACTION, Claim.CONCERN}:
            problems.append(f"{topic}: said to need no action and also {sorted(said - {Claim.NO_ACTION})}")
    fine = sorted(t for t in HEART_FAMILY if Claim.NO_ACTION in by_topic.get(t, ()))
    acted = sorted(t for t in HEART_FAMILY if Claim.ACTION in by_topic.get(t, ()))
    if fine and acted:
        problems.append(f"heart health: {fine} said to need no action while {acted} needs action")
    if Claim.NO_ACTION in by_topic.get(EVERYTHING, ()):
        other = sorted(
            t for t, said in by_topic.items() if t != EVERYTHING and said & {Claim.ACTION, Claim.CONCERN}
        )
        if other:
            problems.append(f"'nothing new to do' beside action or concern about {other}")
    return problems
