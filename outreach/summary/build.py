"""Build the person's one-page summary from an evaluated check and the agreed follow-ups.

What the page says, and in what order, follows the local health system's principles
(messages that are positive and clear) and what service users asked for (essential
information to keep, to be treated as people, not a list of risks):

1. **What is going well**, first: coming to the check, not smoking, a healthy blood
   pressure ... at most five lines, core elements first.
2. **What happens next**: the agreed follow-ups only (a referral, advice given, care
   already in place), grouped so that one service or one talk is one step, most urgent
   first, never more than three; who will be in touch and when. A follow-up the person
   declined is not listed (no blame), but the page says they can change their mind.
3. **Your numbers** in plain words, each with what it means; elements not checked are
   named without judgement ("You can ask for this at any time").
4. A positive close, who did the check, and - only when the heart health score is on
   the page - the QRISK3 licence note, word for word, in small print.

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

from outreach.checks.evaluation import CheckEvaluation
from outreach.clinical import audit_c as _audit_c
from outreach.clinical import blood_pressure as _bp
from outreach.clinical import bmi as _bmi
from outreach.clinical import glycaemia as _glycaemia
from outreach.clinical import pulse as _pulse
from outreach.clinical.findings import SEVERITIES, FollowUpDecision
from outreach.clinical.qrisk3 import QRISK3_DISCLAIMER
from outreach.clinical.service_directory import ServiceDirectory
from outreach.errors import ValidationError
from outreach.store.records import PersonDetails
from outreach.summary.messages import Catalogue, load_catalogue, resolve_language
from outreach.summary.model import NextStep, NumberLine, PersonSummary

MAX_GOING_WELL: Final = 5
MAX_STEPS: Final = 3
MAX_NAME_CHARS: Final = 40
# NICE NG238 1.6.2: a QRISK3 10-year risk of 10% or more is when a statin is offered.
HEART_SCORE_ACTION_PERCENT: Final = 10.0

# Each findings rule (resources/rules/findings.json) speaks of one topic in the person's words.
RULE_TOPICS: Final[Mapping[str, str]] = {
    "bp-severe": "blood_pressure", "bp-high": "blood_pressure", "bp-low": "blood_pressure",
    "pulse-very-abnormal": "pulse", "pulse-irregular": "pulse", "pulse-fast": "pulse", "pulse-slow": "pulse",
    "bmi-raised": "weight", "bmi-underweight": "weight", "weight-gain": "weight", "waist-high": "weight",
    "glucose-diabetes-range": "sugar", "glucose-high-risk": "sugar",
    "qrisk3-10-percent": "heart",
    "cholesterol-very-high": "cholesterol", "cholesterol-high": "cholesterol",
    "triglycerides-very-high": "blood_fats", "triglycerides-high": "blood_fats",
    "smoking-current": "smoking", "smoking-antipsychotic": "smoking_medicine",
    "alcohol-increasing-risk": "alcohol", "alcohol-higher-risk": "alcohol",
    "substance-use": "drugs", "medication-side-effects": "side_effects", "lifestyle": "food_activity",
    "screening-overdue": "screening", "vaccinations-due": "vaccines", "oral-health": "teeth",
    "sexual-health": "sexual_health",
}  # fmt: skip
# A rule added locally still gets a sensible topic from the start of its id.
_PREFIX_TOPICS: Final = {"bp": "blood_pressure", "pulse": "pulse", "bmi": "weight", "weight": "weight",
                         "waist": "weight", "glucose": "sugar", "hba1c": "sugar", "qrisk3": "heart",
                         "cholesterol": "cholesterol", "triglycerides": "blood_fats", "smoking": "smoking",
                         "alcohol": "alcohol"}
# Core elements that were not done, in the person's words.
_ELEMENT_TOPICS: Final = {"weight": "weight", "blood_pressure": "blood_pressure", "lipids": "cholesterol",
                          "glucose": "sugar", "alcohol": "alcohol", "smoking": "smoking"}
_SEVERITY_RANK: Final = {s: i for i, s in enumerate(SEVERITIES)}
_KIND_RANK: Final = {"referral": 0, "already_under_care": 1, "advice_given": 2}
_PHONE_RE: Final = re.compile(r"\d")


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
    def __init__(self, words: Catalogue, evaluation: CheckEvaluation, services: ServiceDirectory | None) -> None:
        self.words = words
        self.evaluation = evaluation
        self.facts = evaluation.facts
        self.services = services
        self.finding_topics = {topic_of(f.rule_id) for f in evaluation.findings}

    # -- words ----------------------------------------------------------------------------
    def t(self, key: str, **values: object) -> str:
        return self.words.text(key, **values)

    def date(self, day: _dt.date) -> str:
        return self.t("date.format", day=day.day, month=self.t(f"month.{day.month}"), year=day.year)

    def join(self, items: list[str]) -> str:
        if len(items) == 1:
            return items[0]
        if len(items) == 2:
            return self.t("list.pair", first=items[0], second=items[1])
        return self.t("list.join").join(items[:-1]) + self.t("list.last") + items[-1]

    def topics(self, keys: Iterable[str]) -> str:
        return self.join([self.t(f"topic.{k}") if self.words.has(f"topic.{k}") else self.t("topic.other")
                          for k in keys])

    def service_name(self, service_id: str | None) -> str:
        if service_id and self.words.has(f"service.{service_id}"):
            return self.t(f"service.{service_id}")
        if service_id and self.services is not None and service_id in self.services:
            return self.services.services[service_id].name
        return service_id or ""

    def service_phone(self, service_id: str | None) -> str | None:
        if not service_id or self.services is None or service_id not in self.services:
            return None
        phone = self.services.services[service_id].phone
        return phone if phone and _PHONE_RE.search(phone) else None

    # -- what is going well ---------------------------------------------------------------
    def going_well(self) -> tuple[str, ...]:
        f = self.facts.get
        clear = lambda topic: topic not in self.finding_topics
        lines = ["going_well.came"]
        status = f("smoking_status")
        if status == "never":
            lines.append("going_well.no_smoking")
        elif status == "ex":
            lines.append("going_well.stopped_smoking")
        if f("bp_category") == _bp.NORMAL and clear("blood_pressure"):
            lines.append("going_well.blood_pressure")
        if f("bmi_category") == _bmi.HEALTHY and clear("weight"):
            lines.append("going_well.weight")
        if f("glycaemia_band") == _glycaemia.NORMAL and clear("sugar"):
            lines.append("going_well.sugar")
        if f("total_cholesterol_mmol_l") is not None and clear("cholesterol") and clear("blood_fats"):
            lines.append("going_well.cholesterol")
        heart = self.evaluation.qrisk3.risk_percent
        if heart is not None and heart < HEART_SCORE_ACTION_PERCENT and clear("heart"):
            lines.append("going_well.heart")
        if f("pulse_category") == _pulse.NORMAL and not f("pulse_irregular") and clear("pulse"):
            lines.append("going_well.pulse")
        if f("audit_c_score") == 0 and clear("alcohol"):
            lines.append("going_well.no_alcohol")
        elif f("audit_c_band") == _audit_c.LOWER_RISK and clear("alcohol"):
            lines.append("going_well.alcohol_low")
        if f("physically_inactive") is False and clear("food_activity"):
            lines.append("going_well.active")
        if f("screening_overdue") is False and clear("screening"):
            lines.append("going_well.screening")
        if f("vaccinations_due") is False and clear("vaccines"):
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

    def step(self, group: _StepGroup) -> NextStep:
        topics = self.topics(group.topics)
        if group.kind == "referral":
            service = self.service_name(group.service_id)
            phone = self.service_phone(group.service_id)
            if group.urgent:
                who = self.t("step.phone", phone=phone) if phone else None
                return NextStep(self.t("step.referral_urgent", service=service, topics=topics), who=who,
                                urgent=True)
            who = (self.t("step.who_phone", who=service, phone=phone) if phone
                   else self.t("step.who", who=service))
            when = self.t("when.by_date", date=self.date(group.due_on)) if group.due_on else self.t("when.soon")
            return NextStep(self.t("step.referral", service=service, topics=topics), who=who,
                            when=self.t("step.when", when=when))
        if group.kind == "already_under_care":
            return NextStep(self.t("step.under_care", topics=topics))
        tip = next((self.t(f"tip.{k}") for k in group.topics if self.words.has(f"tip.{k}")), None)
        return NextStep(self.t("step.advice", topics=topics), tip=tip)

    def next_steps(self, decisions: Mapping[str, Any]) -> tuple[tuple[NextStep, ...], tuple[str, ...]]:
        groups, declined = self.step_groups(decisions)
        shown, rest = groups[:MAX_STEPS], groups[MAX_STEPS:]
        steps = tuple(self.step(g) for g in shown)
        notes: list[str] = []
        if any(s.urgent for s in steps):
            notes.append(self.t("step.emergency"))
        if not steps:
            notes.append(self.t("steps.none"))
        more: list[str] = []
        for group in rest:
            more.extend(t for t in group.topics if t not in more)
        if more:
            notes.append(self.t("steps.more", topics=self.topics(more)))
        if declined:
            notes.append(self.t("steps.change_mind"))
        return steps, tuple(notes)

    # -- your numbers ---------------------------------------------------------------------
    def _sugar_reading(self) -> tuple[str, float] | None:
        """The blood sugar reading whose band the check used (so value and meaning agree)."""
        worst = self.evaluation.calculators.get("glycaemia")
        measure = getattr(worst, "measure", None)
        readings = [(m, key, self.facts.get(fact)) for m, key, fact in _SUGAR_READINGS
                    if self.facts.get(fact) is not None]
        for m, key, value in readings:
            if m == measure:
                return key, value
        return (readings[0][1], readings[0][2]) if readings else None

    def numbers(self) -> tuple[tuple[NumberLine, ...], str | None]:
        f = self.facts.get
        rows: list[NumberLine] = []
        covered: set[str] = set()

        def add(key: str, element: str, value: str, meaning_key: str | None, extra: str | None = None,
                extra_first: bool = False) -> None:
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
                meaning = "number.bmi.healthy"
            elif category == _bmi.UNDERWEIGHT:
                meaning = "number.bmi.low"
            elif category is not None:
                meaning = "number.bmi.high"
            add("weight", "weight", value, meaning,
                extra=None if bmi is None else self.t("number.bmi_is", bmi=_num(bmi, 1)), extra_first=True)
        waist = f("waist_cm")
        if waist is not None:
            high = any(x.rule_id == "waist-high" for x in self.evaluation.findings)
            add("waist", "weight", self.t("number.waist_value", cm=_num(waist, 0)),
                "number.waist.high" if high else "number.waist.ok")
        systolic, diastolic = f("systolic_mmhg"), f("diastolic_mmhg")
        if systolic is not None and diastolic is not None:
            category = f("bp_category")
            meaning = {_bp.NORMAL: "number.blood_pressure.normal", _bp.LOW: "number.blood_pressure.low",
                       _bp.SEVERE: "number.blood_pressure.very_high"}.get(category, "number.blood_pressure.high")
            add("blood_pressure", "blood_pressure",
                self.t("number.blood_pressure_value", systolic=_num(systolic, 0), diastolic=_num(diastolic, 0)),
                meaning if category is not None else None)
        pulse = f("pulse_bpm")
        if pulse is not None:
            if f("pulse_irregular"):
                meaning = "number.pulse.irregular"
            else:
                meaning = {_pulse.SLOW: "number.pulse.slow", _pulse.FAST: "number.pulse.fast"}.get(
                    f("pulse_category"), "number.pulse.normal")
            add("pulse", "blood_pressure", self.t("number.pulse_value", bpm=_num(pulse, 0)), meaning)
        sugar = self._sugar_reading()
        if sugar is not None:
            band = f("glycaemia_band")
            meaning = {_glycaemia.NORMAL: "number.sugar.normal", _glycaemia.HIGH_RISK: "number.sugar.high_risk",
                       _glycaemia.DIABETES: "number.sugar.diabetes"}.get(band)
            add("sugar", "glucose", self.t(sugar[0], value=_num(sugar[1], 1)), meaning)
        total = f("total_cholesterol_mmol_l")
        if total is not None:
            high = "cholesterol" in self.finding_topics or "blood_fats" in self.finding_topics
            add("cholesterol", "lipids", self.t("number.cholesterol_value", value=_num(total, 1)),
                "number.cholesterol.high" if high else "number.cholesterol.ok")
        heart = self.evaluation.qrisk3.risk_percent
        if heart is not None:
            extra = self.t("number.heart.high") if heart >= HEART_SCORE_ACTION_PERCENT else None
            if heart < 1:
                value, meaning_text = self.t("number.heart_value_below_one"), self.t("number.heart.meaning_below_one")
            else:
                whole = _round_half_up(heart)
                value, meaning_text = (self.t("number.heart_value", value=whole),
                                       self.t("number.heart.meaning", value=whole))
            rows.append(NumberLine("heart", self.t("number.heart"), value, f"{meaning_text} {extra or ''}".strip()))
        score = f("audit_c_score")
        if score is not None:
            band = f("audit_c_band")
            meaning = ("number.alcohol.none" if score == 0 else
                       "number.alcohol.low" if band == _audit_c.LOWER_RISK else "number.alcohol.raised")
            add("alcohol", "alcohol", self.t("number.alcohol_value", score=score), meaning)
        if f("smoking_status") is not None:
            covered.add("smoking")
        missing = [_ELEMENT_TOPICS[e] for e in self.evaluation.completeness.core_not_done
                   if e in _ELEMENT_TOPICS and e not in covered]
        not_checked = self.t("numbers.not_checked", topics=self.topics(missing)) if missing else None
        if not rows and not missing:
            not_checked = self.t("numbers.none")
        return tuple(rows), not_checked


_SUGAR_READINGS: Final = (
    ("HbA1c", "number.sugar_hba1c_value", "hba1c_mmol_mol"),
    ("fasting glucose", "number.sugar_glucose_value", "fasting_glucose_mmol_l"),
    ("random glucose", "number.sugar_glucose_value", "random_glucose_mmol_l"),
)


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
        cut = cleaned[:MAX_NAME_CHARS + 1].rsplit(" ", 1)[0]
        cleaned = cut if " " in cleaned[:MAX_NAME_CHARS + 1] else cleaned[:MAX_NAME_CHARS]
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
    steps, notes = b.next_steps(decisions or {})
    numbers, not_checked = b.numbers()
    shows_heart = any(line.key == "heart" for line in numbers)
    when = b.date(check_date)
    footer: list[str] = []
    worker_name = _clean_name(worker)
    org = " ".join(organisation.split()) if isinstance(organisation, str) and organisation.strip() else None
    if worker_name:
        footer.append(b.t("footer.by", worker=worker_name, organisation=org) if org
                      else b.t("footer.by_no_org", worker=worker_name))
    if org and organisation_phone and organisation_phone.strip():
        footer.append(b.t("footer.contact", organisation=org, phone=organisation_phone.strip()))
    footer.append(b.t("footer.keep_safe"))
    return PersonSummary(
        language=words.language,
        given_name=name,
        title=b.t("page.title"),
        greeting=b.t("page.greeting", name=name, date=when) if name else b.t("page.greeting_no_name", date=when),
        going_well_heading=b.t("section.going_well"),
        going_well=b.going_well(),
        next_steps_heading=b.t("section.next_steps"),
        next_steps=steps,
        step_notes=notes,
        numbers_heading=b.t("section.numbers"),
        numbers=numbers,
        not_checked=not_checked,
        closing=b.t("close.thanks", name=name) if name else b.t("close.thanks_no_name"),
        footer=tuple(footer),
        small_print=(b.t("small_print.heart"), QRISK3_DISCLAIMER) if shows_heart else (),
        shows_heart_score=shows_heart,
    )



def summary_for_person(evaluation: CheckEvaluation, person: PersonDetails, *, check_date: _dt.date,
                       **options: Any) -> PersonSummary:
    """`build_summary` from the person's record: only the given name and preferred language are read,
    so the NHS number, date of birth, family name and address can never reach the page."""
    if not isinstance(person, PersonDetails):
        raise ValidationError("The summary needs the person's details.")
    options.setdefault("language", person.preferred_language)
    return build_summary(evaluation, given_name=person.given_name, check_date=check_date, **options)
