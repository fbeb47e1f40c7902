"""Build the person's one-page summary from an evaluated check and the agreed follow-ups.

What the page says, and in what order, follows the local health system's principles
(messages that are positive and clear; every issue found is followed up) and what
service users asked for (essential information to keep, to be treated as people, not a
list of risks):

1. **What is going well**, first: coming to the check, not smoking, a healthy blood
   pressure ... at most five lines, core elements first.
2. **What happens next**: every agreed follow-up (a referral, advice given, care already
   in place), grouped so that one service or one talk is one step, most urgent first,
   with who will be in touch and when. Nothing agreed is left off: past three steps the
   list is drawn tighter instead. A follow-up the person declined is not listed (no
   blame), but the page says they can change their mind.
3. **Your goals**: the care-plan goals agreed with the person, and when the plan will be
   looked at again.
4. **Your numbers** in plain words, each with what it means; elements not checked are
   named without judgement ("You can ask for this at any time").
5. A positive close, who did the check and a number to call.

Nothing on the page may contradict another line: what each topic's lines say comes from
one verdict per topic (outreach.summary.consistency), worked out from all the facts, with
cholesterol judged together with the heart health score.

Only the given name identifies the person. Every phrase comes from the message
catalogue (outreach.summary.messages), so the page can be translated without code.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from outreach.checks.context import CheckContext
from outreach.checks.evaluation import CheckEvaluation
from outreach.clinical import blood_pressure as _bp
from outreach.clinical import bmi as _bmi
from outreach.clinical import glycaemia as _glycaemia
from outreach.clinical import pulse as _pulse
from outreach.clinical.findings import SEVERITIES, FollowUpDecision
from outreach.clinical.service_directory import ServiceDirectory
from outreach.errors import ValidationError
from outreach.store.records import PersonDetails
from outreach.summary.consistency import (
    HEART_SCORE_ACTION_PERCENT,
    Verdict,
    judge_topics,
)
from outreach.summary.messages import Catalogue, load_catalogue, resolve_language
from outreach.summary.model import NextStep, NumberLine, PersonSummary

__all__ = [
    "HEART_SCORE_ACTION_PERCENT", "RULE_TOPICS", "build_summary", "summary_for_context", "summary_for_person",
    "topic_of",
]

MAX_GOING_WELL: Final = 5
# Up to this many steps each gets a box with who and when on lines of their own; more are
# drawn as a tighter list, so every agreed step is on the page and it still fits one sheet.
MAX_BOXED_STEPS: Final = 3
MAX_NAME_CHARS: Final = 40
# Goals are split from the care plan's text; more lines than this are joined into the last.
MAX_GOALS: Final = 8

# Each findings rule (resources/rules/findings.json) speaks of one topic in the person's words.
RULE_TOPICS: Final[Mapping[str, str]] = {
    "bp-severe": "blood_pressure", "bp-high": "blood_pressure", "bp-low": "blood_pressure",
    "pulse-very-abnormal": "pulse", "pulse-irregular": "pulse", "pulse-fast": "pulse", "pulse-slow": "pulse",
    "bmi-raised": "weight", "bmi-underweight": "weight", "weight-gain": "weight", "waist-high": "waist",
    "glucose-diabetes-range": "sugar", "glucose-high-risk": "sugar",
    "qrisk3-10-percent": "heart",
    # Where QRISK3 does not apply, the finding raised instead is about the same heart health.
    "cvd-existing": "heart", "cvd-type1-diabetes": "heart",
    "cvd-on-statin": "heart", "cvd-age-85-plus": "heart",
    "cholesterol-very-high": "cholesterol", "cholesterol-high": "cholesterol",
    "triglycerides-very-high": "blood_fats", "triglycerides-high": "blood_fats",
    "smoking-current": "smoking", "smoking-antipsychotic": "smoking_medicine",
    "alcohol-increasing-risk": "alcohol", "alcohol-higher-risk": "alcohol",
    "alcohol-possible-dependence": "alcohol",
    "substance-use": "drugs", "medication-side-effects": "side_effects", "lifestyle": "food_activity",
    "screening-overdue": "screening", "vaccinations-due": "vaccines", "oral-health": "teeth",
    "sexual-health": "sexual_health",
}  # fmt: skip
# A rule added locally still gets a sensible topic from the start of its id.
_PREFIX_TOPICS: Final = {
    "bp": "blood_pressure",
    "pulse": "pulse",
    "bmi": "weight",
    "weight": "weight",
    "waist": "waist",
    "glucose": "sugar",
    "hba1c": "sugar",
    "qrisk3": "heart",
    "cvd": "heart",
    "cholesterol": "cholesterol",
    "triglycerides": "blood_fats",
    "smoking": "smoking",
    "alcohol": "alcohol",
}
# Core elements that were not done, in the person's words.
_ELEMENT_TOPICS: Final = {
    "weight": "weight",
    "blood_pressure": "blood_pressure",
    "lipids": "cholesterol",
    "glucose": "sugar",
    "alcohol": "alcohol",
    "smoking": "smoking",
}
_SEVERITY_RANK: Final = {s: i for i, s in enumerate(SEVERITIES)}
_KIND_RANK: Final = {"referral": 0, "already_under_care": 1, "advice_given": 2}
_PHONE_RE: Final = re.compile(r"\d")
# Goals written as a list ("1. Walk daily", "- Fewer fizzy drinks") or on one line split by ";".
_GOAL_SPLIT_RE: Final = re.compile(r"\s*(?:\r?\n|;)\s*")
_GOAL_BULLET_RE: Final = re.compile(r"^(?:[-*\u2022]+|\d{1,2}[.)])\s*")


def topic_of(rule_id: str) -> str:
    """The topic key (``topic.<key>`` in the catalogue) a finding is about."""
    known = RULE_TOPICS.get(rule_id)
    if known:
        return known
    return _PREFIX_TOPICS.get(rule_id.split("-")[0], "other")


@dataclass(frozen=True, slots=True)
class _Decision:
    kind: str
    service_id: str | None
    due_on: _dt.date | None


def _decision(raw: Any, rule_id: str) -> _Decision | None:
    if raw is None:
        return None
    if isinstance(raw, FollowUpDecision):
        return _Decision(raw.kind, raw.service_id, None)
    if not isinstance(raw, Mapping):
        raise ValidationError("A follow-up decision for the summary is not readable.", item=rule_id)
    due = raw.get("due_on")
    due_on: _dt.date | None = None
    if isinstance(due, _dt.date):
        due_on = due
    elif isinstance(due, str) and due:
        try:
            due_on = _dt.date.fromisoformat(due)
        except ValueError:
            raise ValidationError("The follow-up date is not a real date.", item=rule_id) from None
    kind = raw.get("kind")
    service = raw.get("service_id")
    return _Decision(str(kind) if kind else "", str(service) if service else None, due_on)


@dataclass(slots=True)
class _StepGroup:
    kind: str
    service_id: str | None
    rank: int
    urgent: bool
    topics: list[str] = field(default_factory=list)
    due_on: _dt.date | None = None


class _Builder:
    def __init__(
        self, words: Catalogue, evaluation: CheckEvaluation, services: ServiceDirectory | None
    ) -> None:
        self.words = words
        self.evaluation = evaluation
        self.facts = evaluation.facts
        self.services = services
        self.finding_topics = {topic_of(f.rule_id) for f in evaluation.findings}
        self.finding_rules = {f.rule_id for f in evaluation.findings}
        # One verdict per topic, from all the facts: every line about a topic is chosen from it.
        self.verdicts = judge_topics(evaluation, self.finding_topics)
        self.used: list[str] = []  # catalogue keys of every phrase put on the page, in order
        self._said_below: tuple[_dt.date | None, ...] = ()  # the "when" said once below a long list

    # -- words ----------------------------------------------------------------------------
    def t(self, key: str, **values: object) -> str:
        self.used.append(key)
        return self.words.text(key, **values)

    def verdict(self, topic: str) -> Verdict | None:
        return self.verdicts.get(topic)

    def date(self, day: _dt.date) -> str:
        return self.words.text(
            "date.format", day=day.day, month=self.words.text(f"month.{day.month}"), year=day.year
        )

    def join(self, items: list[str]) -> str:
        if len(items) == 1:
            return items[0]
        if len(items) == 2:
            return self.words.text("list.pair", first=items[0], second=items[1])
        return self.words.text("list.join").join(items[:-1]) + self.words.text("list.last") + items[-1]

    def topics(self, keys: Iterable[str]) -> str:
        return self.join(
            [
                self.words.text(f"topic.{k}")
                if self.words.has(f"topic.{k}")
                else self.words.text("topic.other")
                for k in keys
            ]
        )

    def service_name(self, service_id: str | None) -> str:
        if service_id and self.words.has(f"service.{service_id}"):
            return self.words.text(f"service.{service_id}")
        if service_id and self.services is not None and service_id in self.services:
            return self.services.services[service_id].name
        return service_id or self.words.text("service.unnamed")

    def service_phone(self, service_id: str | None) -> str | None:
        if not service_id or self.services is None or service_id not in self.services:
            return None
        phone = self.services.services[service_id].phone
        return phone if phone and _PHONE_RE.search(phone) else None

    # -- what is going well ---------------------------------------------------------------
    def going_well(self) -> tuple[str, ...]:
        """Only topics whose verdict is WELL: never a topic any other line says needs action."""
        f = self.facts.get
        well = lambda topic: self.verdict(topic) == Verdict.WELL
        lines = ["going_well.came"]
        if well("smoking"):
            lines.append(
                "going_well.no_smoking" if f("smoking_status") == "never" else "going_well.stopped_smoking"
            )
        if well("blood_pressure"):
            lines.append("going_well.blood_pressure")
        if well("weight"):
            lines.append("going_well.weight")
        if well("sugar"):
            lines.append("going_well.sugar")
        if well("cholesterol"):
            # With a low heart health score cholesterol needs no action (NICE NG238); without a
            # score it can only be said to be in the healthy range.
            lines.append("going_well.cholesterol" if well("heart") else "going_well.cholesterol_healthy")
        if well("heart"):
            lines.append("going_well.heart")
        if well("pulse"):
            lines.append("going_well.pulse")
        if well("alcohol"):
            lines.append("going_well.no_alcohol" if f("audit_c_score") == 0 else "going_well.alcohol_low")
        if well("food_activity"):
            lines.append("going_well.active")
        if well("screening"):
            lines.append("going_well.screening")
        if well("vaccines"):
            lines.append("going_well.vaccines")
        if f("care_plan_agreed") is True:
            lines.append("going_well.plan")
        return tuple(self.t(k) for k in lines[:MAX_GOING_WELL])

    # -- what happens next ----------------------------------------------------------------
    def step_groups(self, decisions: Mapping[str, Any]) -> tuple[list[_StepGroup], bool]:
        groups: dict[tuple[str, str | None], _StepGroup] = {}
        declined = False
        for finding in self.evaluation.findings:
            decision = _decision(decisions.get(finding.rule_id), finding.rule_id)
            if decision is None:
                continue  # not agreed yet: nothing to tell the person
            if decision.kind == "declined":
                declined = True
                continue
            if decision.kind not in _KIND_RANK:
                continue  # a clinician override needs no action from the person
            urgent = decision.kind == "referral" and finding.severity == "urgent"
            key = (decision.kind, decision.service_id if decision.kind == "referral" else None)
            rank = _SEVERITY_RANK.get(finding.severity, len(SEVERITIES))
            group = groups.get(key)
            if group is None:
                group = groups[key] = _StepGroup(decision.kind, key[1], rank, urgent)
            group.rank = min(group.rank, rank)
            group.urgent = group.urgent or urgent
            topic = topic_of(finding.rule_id)
            if topic not in group.topics:
                group.topics.append(topic)
            if decision.due_on is not None and (group.due_on is None or decision.due_on < group.due_on):
                group.due_on = decision.due_on
        ordered = sorted(groups.values(), key=lambda g: (not g.urgent, g.rank, _KIND_RANK[g.kind]))
        return ordered, declined

    def step(self, group: _StepGroup, compact: bool) -> NextStep:
        topics = self.topics(group.topics)
        common: dict[str, Any] = {"kind": group.kind, "topics": tuple(group.topics)}
        if group.kind == "referral":
            service = self.service_name(group.service_id)
            phone = self.service_phone(group.service_id)
            if group.urgent:
                who = self.t("step.phone", phone=phone) if phone else None
                return NextStep(
                    self.t("step.referral_urgent", service=service, topics=topics),
                    who=who,
                    urgent=True,
                    **common,
                )
            when = (
                self.t("when.by_date", date=self.date(group.due_on)) if group.due_on else self.t("when.soon")
            )
            if compact:  # under "We will ask these services to help you:", led by the service
                text = self.t("step.compact_referral", service=_first_upper(service), topics=topics)
            else:
                text = self.t("step.referral", service=service, topics=topics)
            if compact:  # the service is named in the text: who and when share one line
                # A "when" most services share is said once below the list, not under each one.
                line = (
                    self.t("step.compact_when_phone", when=when, phone=phone)
                    if phone
                    else None
                    if self._said_below == (group.due_on,)
                    else self.t("step.compact_when", when=when)
                )
                return NextStep(text, when=line, **common)
            who = (
                self.t("step.who_phone", who=service, phone=phone)
                if phone
                else self.t("step.who", who=service)
            )
            return NextStep(text, who=who, when=self.t("step.when", when=when), **common)
        if group.kind == "already_under_care":
            return NextStep(self.t("step.under_care", topics=topics), **common)
        tip_key = next((f"tip.{k}" for k in group.topics if self.words.has(f"tip.{k}")), None)
        return NextStep(
            self.t("step.advice", topics=topics), tip=self.t(tip_key) if tip_key else None, **common
        )

    def next_steps(
        self, decisions: Mapping[str, Any]
    ) -> tuple[tuple[NextStep, ...], tuple[str, ...], bool, str | None]:
        groups, declined = self.step_groups(decisions)
        compact = len(groups) > MAX_BOXED_STEPS
        referrals = [g for g in groups if g.kind == "referral" and not g.urgent]
        dates = {g.due_on for g in referrals}
        # The one date every service shares, or "no date" for those without one: said once.
        shared = (
            (next(iter(dates)),)
            if compact and len(dates) == 1
            else (None,)
            if compact and None in dates
            else ()
        )
        self._said_below = shared
        lead = self.t("steps.compact_lead") if compact and referrals else None
        steps = tuple(self.step(g, compact) for g in groups)
        notes: list[str] = []
        if any(s.urgent for s in steps):  # first, so it is drawn in bold beside the urgent step
            notes.append(self.t("step.emergency"))
        if shared and len(dates) == 1:
            due = shared[0]
            when = self.t("when.by_date", date=self.date(due)) if due else self.t("when.soon")
            urgent_too = any(g.urgent for g in groups)  # the urgent one is "today", not this date
            notes.append(self.t("steps.other_in_touch" if urgent_too else "steps.all_in_touch", when=when))
        elif shared:
            notes.append(self.t("steps.others_in_touch"))
        if not steps:
            # "Nothing new to do" only when nothing was found and every result is healthy;
            # otherwise it would contradict a result the page says is not.
            calm = not self.evaluation.findings and all(
                v in (Verdict.WELL, Verdict.NEUTRAL) for v in self.verdicts.values()
            )
            notes.append(self.t("steps.none" if calm else "steps.none_agreed"))
        if declined:
            notes.append(self.t("steps.change_mind"))
        return steps, tuple(notes), compact, lead

    # -- the care plan --------------------------------------------------------------------
    def goals(self, check_date: _dt.date) -> tuple[tuple[str, ...], str | None]:
        """The care-plan goals agreed with the person, and when the plan will be looked at again."""
        values = self.evaluation.values
        if self.facts.get("care_plan_agreed") is not True and values.get("care_plan.agreed") is not True:
            return (), None
        goals = _split_goals(values.get("care_plan.goals"))
        review = values.get("care_plan.review_date")
        if isinstance(review, str):
            try:
                review = _dt.date.fromisoformat(review)
            except ValueError:
                review = None
        note = None
        if isinstance(review, _dt.date) and review >= check_date:
            note = self.t("goals.review", date=self.date(review))
        return goals, note

    # -- your numbers ---------------------------------------------------------------------
    def _sugar_reading(self) -> tuple[str, float] | None:
        """The blood sugar reading whose band the check used (so value and meaning agree)."""
        worst = self.evaluation.calculators.get("glycaemia")
        measure = getattr(worst, "measure", None)
        readings: list[tuple[str, str, float]] = [
            (m, key, self.facts[fact]) for m, key, fact in _SUGAR_READINGS if self.facts.get(fact) is not None
        ]
        for m, key, value in readings:
            if m == measure:
                return key, value
        return (readings[0][1], readings[0][2]) if readings else None

    def _bp_meaning(self) -> str | None:
        category = self.facts.get("bp_category")
        if category is None:
            return None
        if "bp-severe" in self.finding_rules or category == _bp.SEVERE:
            return "number.blood_pressure.very_high"
        if "bp-low" in self.finding_rules or category == _bp.LOW:
            return "number.blood_pressure.low"
        if category == _bp.NORMAL and self.verdict("blood_pressure") == Verdict.WELL:
            return "number.blood_pressure.normal"
        return "number.blood_pressure.high"

    def _pulse_meaning(self) -> str | None:
        category = self.facts.get("pulse_category")
        if self.facts.get("pulse_irregular") or "pulse-irregular" in self.finding_rules:
            return "number.pulse.irregular"
        if category == _pulse.SLOW:
            return "number.pulse.slow"
        if category == _pulse.FAST:
            return "number.pulse.fast"
        return "number.pulse.normal" if self.verdict("pulse") == Verdict.WELL else None

    def _cholesterol_meaning(self, heart_shown: bool) -> str:
        verdict = self.verdict("cholesterol")
        if verdict == Verdict.ACTION:
            return "number.cholesterol.high"
        if verdict == Verdict.NEUTRAL:
            return "number.cholesterol.part_of_heart"
        if verdict == Verdict.CONCERN:
            return "number.cholesterol.adds_to_heart" if heart_shown else "number.cholesterol.above"
        return (
            "number.cholesterol.ok" if self.verdict("heart") == Verdict.WELL else "number.cholesterol.healthy"
        )

    def numbers(self) -> tuple[tuple[NumberLine, ...], str | None]:
        f = self.facts.get
        rows: list[NumberLine] = []
        covered: set[str] = set()

        def add(
            key: str,
            element: str,
            value: str,
            meaning_key: str | None,
            extra: str | None = None,
            extra_first: bool = False,
        ) -> None:
            meaning = self.t(meaning_key) if meaning_key else ""
            if extra:
                meaning = (f"{extra} {meaning}" if extra_first else f"{meaning} {extra}").strip()
            rows.append(NumberLine(key, self.t(f"number.{key}"), value, meaning))
            covered.add(element)

        weight = f("weight_kg")
        if weight is not None:
            bmi = f("bmi_kg_m2")
            category = f("bmi_category")
            value = self.t("number.weight_value", kg=_num(weight, 1))
            meaning = None
            if category == _bmi.HEALTHY:
                meaning = (
                    "number.bmi.healthy"
                    if self.verdict("weight") == Verdict.WELL
                    else "number.bmi.healthy_gain"
                )
            elif category == _bmi.UNDERWEIGHT:
                meaning = "number.bmi.low"
            elif category is not None:
                meaning = "number.bmi.high"
            add(
                "weight",
                "weight",
                value,
                meaning,
                extra=None if bmi is None else self.t("number.bmi_is", bmi=_num(bmi, 1)),
                extra_first=True,
            )
        waist = f("waist_cm")
        if waist is not None:
            add(
                "waist",
                "weight",
                self.t("number.waist_value", cm=_num(waist, 0)),
                "number.waist.ok" if self.verdict("waist") == Verdict.WELL else "number.waist.high",
            )
        systolic, diastolic = f("systolic_mmhg"), f("diastolic_mmhg")
        if systolic is not None and diastolic is not None:
            add(
                "blood_pressure",
                "blood_pressure",
                self.t(
                    "number.blood_pressure_value", systolic=_num(systolic, 0), diastolic=_num(diastolic, 0)
                ),
                self._bp_meaning(),
            )
        pulse = f("pulse_bpm")
        if pulse is not None:
            add(
                "pulse",
                "blood_pressure",
                self.t("number.pulse_value", bpm=_num(pulse, 0)),
                self._pulse_meaning(),
            )
        sugar = self._sugar_reading()
        if sugar is not None:
            band = f("glycaemia_band")
            meaning = {
                _glycaemia.NORMAL: "number.sugar.normal",
                _glycaemia.HIGH_RISK: "number.sugar.high_risk",
                _glycaemia.DIABETES: "number.sugar.diabetes",
            }.get(band or "")
            if meaning == "number.sugar.normal" and self.verdict("sugar") != Verdict.WELL:
                meaning = None
            add("sugar", "glucose", self.t(sugar[0], value=_num(sugar[1], 1)), meaning)
        heart = self.evaluation.qrisk3.risk_percent
        total = f("total_cholesterol_mmol_l")
        if total is not None:
            add(
                "cholesterol",
                "lipids",
                self.t("number.cholesterol_value", value=_num(total, 1)),
                self._cholesterol_meaning(heart is not None),
            )
        if heart is not None:
            extra = self.t("number.heart.high") if self.verdict("heart") == Verdict.ACTION else None
            if heart < 1:
                value, meaning_text = (
                    self.t("number.heart_value_below_one"),
                    self.t("number.heart.meaning_below_one"),
                )
            else:
                whole = _round_half_up(heart)
                value, meaning_text = (
                    self.t("number.heart_value", value=whole),
                    self.t("number.heart.meaning", value=whole),
                )
            rows.append(
                NumberLine("heart", self.t("number.heart"), value, f"{meaning_text} {extra or ''}".strip())
            )
        score = f("audit_c_score")
        if score is not None:
            meaning = (
                "number.alcohol.none"
                if score == 0
                else "number.alcohol.low"
                if self.verdict("alcohol") == Verdict.WELL
                else "number.alcohol.raised"
            )
            add("alcohol", "alcohol", self.t("number.alcohol_value", score=score), meaning)
        if f("smoking_status") is not None:
            covered.add("smoking")
        missing = [
            _ELEMENT_TOPICS[e]
            for e in self.evaluation.completeness.core_not_done
            if e in _ELEMENT_TOPICS and e not in covered
        ]
        not_checked = self.t("numbers.not_checked", topics=self.topics(missing)) if missing else None
        if not rows and not missing:
            not_checked = self.t("numbers.none")
        return tuple(rows), not_checked


def _split_goals(text: Any) -> tuple[str, ...]:
    """The goals as written, one per line (or per ";"), list marks removed; nothing is dropped."""
    if not isinstance(text, str):
        return ()
    items = [_GOAL_BULLET_RE.sub("", part).strip() for part in _GOAL_SPLIT_RE.split(text)]
    items = [" ".join(item.split()) for item in items if item.strip()]
    if len(items) > MAX_GOALS:  # keep every word: the last line carries the rest
        items = [*items[: MAX_GOALS - 1], "; ".join(items[MAX_GOALS - 1 :])]
    return tuple(items)


_SUGAR_READINGS: Final = (
    ("HbA1c", "number.sugar_hba1c_value", "hba1c_mmol_mol"),
    ("fasting glucose", "number.sugar_glucose_value", "fasting_glucose_mmol_l"),
    ("random glucose", "number.sugar_glucose_value", "random_glucose_mmol_l"),
)


def _first_upper(text: str) -> str:
    """'your GP practice' -> 'Your GP practice', to lead a line."""
    return text[:1].upper() + text[1:]


def _round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def _num(value: Any, places: int) -> str:
    """A measurement as people write it: 82.5, 82 (not 82.0), 128."""
    number = float(value)
    text = f"{number:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _clean_name(name: str | None) -> str | None:
    if not name or not isinstance(name, str):
        return None
    cleaned = " ".join(name.split())
    if len(cleaned) > MAX_NAME_CHARS:  # keep whole words: a long name is cut where a space falls
        cut = cleaned[: MAX_NAME_CHARS + 1].rsplit(" ", 1)[0]
        cleaned = cut if " " in cleaned[: MAX_NAME_CHARS + 1] else cleaned[:MAX_NAME_CHARS]
    return cleaned or None


def build_summary(
    evaluation: CheckEvaluation,
    *,
    given_name: str | None,
    check_date: _dt.date,
    decisions: Mapping[str, FollowUpDecision | Mapping[str, Any]] | None = None,
    services: ServiceDirectory | None = None,
    worker: str | None = None,
    organisation: str | None = None,
    organisation_phone: str | None = None,
    language: str | None = None,
    include_draft_languages: bool = False,
) -> PersonSummary:
    """The person's summary, in the language their record prefers (British English if none fits).

    `decisions` are the follow-ups recorded for the check, by rule id (the check
    document's ``decisions``, or FollowUpDecision objects); only agreed ones appear.
    `services` is the service directory, for names and phone numbers of referrals.
    `given_name` is the only part of the person's identity that goes on the page.
    """
    if not isinstance(evaluation, CheckEvaluation):
        raise ValidationError("The summary needs an evaluated check.")
    if not isinstance(check_date, _dt.date):
        raise ValidationError("The summary needs the date of the check.", item="check_date")
    words = load_catalogue(resolve_language(language, include_drafts=include_draft_languages))
    b = _Builder(words, evaluation, services)
    name = _clean_name(given_name)
    when = b.date(check_date)
    title = b.t("page.title")
    greeting = b.t("page.greeting", name=name, date=when) if name else b.t("page.greeting_no_name", date=when)
    going_well_heading, going_well = b.t("section.going_well"), b.going_well()
    next_steps_heading = b.t("section.next_steps")
    steps, notes, compact, steps_lead = b.next_steps(decisions or {})
    goals, goals_note = b.goals(check_date)
    goals_heading = b.t("section.goals") if goals or goals_note else ""
    numbers_heading = b.t("section.numbers")
    numbers, not_checked = b.numbers()
    shows_heart = any(line.key == "heart" for line in numbers)
    closing = b.t("close.thanks", name=name) if name else b.t("close.thanks_no_name")
    footer: list[str] = []
    worker_name = _clean_name(worker)
    org = " ".join(organisation.split()) if isinstance(organisation, str) and organisation.strip() else None
    if worker_name:
        footer.append(
            b.t("footer.by", worker=worker_name, organisation=org)
            if org
            else b.t("footer.by_no_org", worker=worker_name)
        )
    phone = " ".join(organisation_phone.split()) if isinstance(organisation_phone, str) else ""
    if phone and _PHONE_RE.search(phone):
        footer.append(
            b.t("footer.contact", organisation=org, phone=phone)
            if org
            else b.t("footer.contact_no_org", phone=phone)
        )
    else:  # no number set for the service: still leave the person a number to call
        footer.append(b.t("footer.contact_default"))
    footer.append(b.t("footer.keep_safe"))
    # The score's licence note is shown in full in the app wherever the score is shown
    # (docs/summary.md); the person's page names the model in one plain line.
    score_note = b.t("score.note") if shows_heart else None
    return PersonSummary(
        language=words.language,
        given_name=name,
        title=title,
        greeting=greeting,
        going_well_heading=going_well_heading,
        going_well=going_well,
        next_steps_heading=next_steps_heading,
        next_steps=steps,
        step_notes=notes,
        numbers_heading=numbers_heading,
        numbers=numbers,
        not_checked=not_checked,
        closing=closing,
        footer=tuple(footer),
        score_note=score_note,
        shows_heart_score=shows_heart,
        goals_heading=goals_heading,
        goals=goals,
        goals_note=goals_note,
        compact_steps=compact,
        steps_lead=steps_lead,
        phrase_keys=tuple(b.used),
    )


def summary_for_person(
    evaluation: CheckEvaluation, person: PersonDetails, *, check_date: _dt.date, **options: Any
) -> PersonSummary:
    """`build_summary` from the person's record: only the given name and preferred language are read,
    so the NHS number, date of birth, family name and address can never reach the page."""
    if not isinstance(person, PersonDetails):
        raise ValidationError("The summary needs the person's details.")
    options.setdefault("language", person.preferred_language)
    return build_summary(evaluation, given_name=person.given_name, check_date=check_date, **options)


def summary_for_context(context: CheckContext, person: PersonDetails, **options: Any) -> PersonSummary:
    """The summary of a check from the one check context: its evaluation, its visit date (an
    amendment's is its visit's) and its follow-up decisions, so the page says what the screen
    showed and the shared record received."""
    options.setdefault("decisions", dict(context.decisions))
    return summary_for_person(context.evaluation, person, check_date=context.visit_date, **options)
