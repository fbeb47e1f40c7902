"""The check definition: a FHIR R4 Questionnaire, checked on load and kept as plain data.

Why a Questionnaire: it is the standard our field already uses, and a local service can
change the check without a software release. Why plain frozen dataclasses at run time:
validating an answer happens on every key press and 10,000 times in the benchmark, and
walking a pydantic model tree for each would be far too slow.

Conventions the loader enforces (and a local edit must keep):

* Each top-level item is a ``group`` for one element of the check, marked with the
  extension ``check-element`` (valueCode = element id). The six core elements also
  carry ``check-core-element`` = true; their ids are exactly those in CORE_ELEMENTS.
* An element group ``X`` has a choice item ``X.status`` (codes done / declined /
  not_possible from STATUS_SYSTEM) and a text item ``X.reason`` for declined or not
  possible. Everything else in the element normally sits in a group ``X.details``
  enabled when the status is done.
* Measurements (decimal, integer) carry a code (SNOMED CT or LOINC), a UCUM unit
  (``questionnaire-unit``), hard limits (``minValue``/``maxValue``: values outside are
  refused) and may carry soft limits (``check-soft-limit`` with ``low``/``high``:
  values outside need the nurse to confirm them). Other accepted units are listed with
  ``questionnaire-unitOption``.
* ``check-fact`` names the fact an item feeds; ``check-fact-value`` on an answer
  option gives the fact's value for that option; ``ordinalValue`` gives a score.
* ``check-one-of`` groups alternatives of which at least one must be answered
  (HbA1c or fasting or random glucose).
* ``check-applies-to`` (sex, minAge, maxAge) switches an item off for people it does not
  concern (cervical screening for men, AAA screening under 65).

Anything else broken refuses to load with a DefinitionError naming the item.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from outreach.checks import units
from outreach.checks.enable_rules import RULES
from outreach.checks.facts import FACT_NAMES
from outreach.errors import DefinitionError
from outreach.resources import resource_path

BASE_URL: Final = "https://outreach-health-checks.org/fhir"
EXT_BASE: Final = BASE_URL + "/StructureDefinition/"
STATUS_SYSTEM: Final = BASE_URL + "/CodeSystem/check-element-status"
ANSWER_SYSTEM: Final = BASE_URL + "/CodeSystem/check-answer"

EXT_UNIT: Final = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
EXT_UNIT_OPTION: Final = "http://hl7.org/fhir/StructureDefinition/questionnaire-unitOption"
EXT_MIN: Final = "http://hl7.org/fhir/StructureDefinition/minValue"
EXT_MAX: Final = "http://hl7.org/fhir/StructureDefinition/maxValue"
EXT_ORDINAL: Final = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
EXT_SHORT_TEXT: Final = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-shortText"
EXT_SOFT_LIMIT: Final = EXT_BASE + "check-soft-limit"
EXT_ELEMENT: Final = EXT_BASE + "check-element"
EXT_CORE_ELEMENT: Final = EXT_BASE + "check-core-element"
EXT_FACT: Final = EXT_BASE + "check-fact"
EXT_FACT_VALUE: Final = EXT_BASE + "check-fact-value"
EXT_ANALYTE: Final = EXT_BASE + "check-analyte"
EXT_ONE_OF: Final = EXT_BASE + "check-one-of"
EXT_APPLIES_TO: Final = EXT_BASE + "check-applies-to"
EXT_ENABLE_RULE: Final = EXT_BASE + "check-enable-when-rule"  # see outreach.checks.enable_rules

SNOMED: Final = "http://snomed.info/sct"
LOINC: Final = "http://loinc.org"
UCUM: Final = "http://unitsofmeasure.org"

# NHS England 2024 (clinical.md 1.2): the six elements of the core annual check.
CORE_ELEMENTS: Final = ("weight", "blood_pressure", "lipids", "glucose", "alcohol", "smoking")
STATUS_CODES: Final = ("done", "declined", "not_possible")

ANSWER_TYPES: Final = frozenset({"boolean", "decimal", "integer", "date", "string", "text", "choice"})
ITEM_TYPES: Final = ANSWER_TYPES | {"group", "display"}
OPERATORS: Final = frozenset({"exists", "=", "!=", ">", "<", ">=", "<="})
_ANSWER_KEY_FOR_TYPE: Final = {
    "boolean": ("answerBoolean",),
    "decimal": ("answerDecimal", "answerInteger"),
    "integer": ("answerInteger", "answerDecimal"),
    "date": ("answerDate",),
    "string": ("answerString",),
    "text": ("answerString",),
    "choice": ("answerCoding",),
}
DEFAULT_MAX_LENGTH: Final = 2000
DEFAULT_PATH: Final = ("checks", "smi-annual-check.json")


@dataclass(frozen=True, slots=True)
class Coding:
    system: str
    code: str
    display: str | None = None


@dataclass(frozen=True, slots=True)
class AnswerOption:
    """One choice: `code` is what an answer stores."""

    code: str
    system: str | None
    display: str
    score: int | float | None = None
    fact_value: bool | str | None = None


@dataclass(frozen=True, slots=True)
class EnableCondition:
    """One enableWhen line, its answer already in the form stored answers take."""

    question: str
    operator: str
    answer: Any


@dataclass(frozen=True, slots=True)
class AppliesTo:
    sex: str | None = None
    min_age: int | None = None
    max_age: int | None = None

    def includes(self, sex: str | None, age: int | None) -> bool:
        """Unknown sex or age never switches an item off."""
        if self.sex is not None and sex is not None and sex != self.sex:
            return False
        if age is not None:
            if self.min_age is not None and age < self.min_age:
                return False
            if self.max_age is not None and age > self.max_age:
                return False
        return True


@dataclass(frozen=True, slots=True, eq=False)
class Item:
    link_id: str
    text: str
    type: str
    required: bool
    parent: str | None
    element: str | None
    children: tuple[str, ...] = ()
    codes: tuple[Coding, ...] = ()
    unit: str | None = None
    unit_options: tuple[str, ...] = ()
    hard_min: float | None = None
    hard_max: float | None = None
    soft_min: float | None = None
    soft_max: float | None = None
    options: tuple[AnswerOption, ...] = ()
    option_by_code: Mapping[str, AnswerOption] = field(default_factory=dict)
    enable_when: tuple[EnableCondition, ...] = ()
    enable_any: bool = False
    applies_to: AppliesTo | None = None
    fact: str | None = None
    analyte: str | None = None
    one_of: str | None = None
    enable_rule: str | None = None  # a code of outreach.checks.enable_rules.RULES, besides enable_when
    max_length: int = DEFAULT_MAX_LENGTH
    label: str = ""  # short words for messages (SDC shortText, else the text)
    answerable: bool = False


@dataclass(frozen=True, slots=True)
class Element:
    """One element of the check (a top-level group)."""

    id: str
    title: str
    core: bool
    link_id: str
    status_id: str
    reason_id: str
    item_ids: tuple[str, ...]  # answerable items of the element other than status and reason
    all_ids: frozenset[str] = frozenset()  # status, reason and item_ids
    # (linkId, label, required, one_of) for each of item_ids: what completeness needs, precomputed
    requirements: tuple[tuple[str, str, bool, str | None], ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class CheckDefinition:
    url: str
    version: str
    title: str
    items: Mapping[str, Item]
    order: tuple[Item, ...]  # every item, parents and enableWhen questions before their dependants
    elements: tuple[Element, ...]
    element_by_id: Mapping[str, Element]
    fact_sources: Mapping[str, tuple[str, ...]]  # fact name -> link ids feeding it
    boolean_facts: frozenset[str]
    source: Mapping[str, Any] = field(repr=False, default_factory=dict)
    # Precomputed for the per-answer hot path (see review.py and evaluation.py):
    # (item, parent, applies_to, enable_when, enable_any, enable_rule) in dependency order
    steps: tuple[
        tuple[Item, str | None, AppliesTo | None, tuple[EnableCondition, ...], bool, str | None], ...
    ] = ()
    # (fact, is_boolean, ((linkId, {option code: fact value} or None), ...))
    fact_plan: tuple[tuple[str, bool, tuple[tuple[str, Mapping[str, Any] | None], ...]], ...] = ()

    @property
    def core_elements(self) -> tuple[Element, ...]:
        return tuple(e for e in self.elements if e.core)

    def item(self, link_id: str) -> Item | None:
        return self.items.get(link_id)


def load_definition(path: str | Path | None = None) -> CheckDefinition:
    """Read, check and return the check definition (the bundled SMI check by default)."""
    file = Path(path) if path is not None else resource_path(*DEFAULT_PATH)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError(f"The check definition {file.name} cannot be read ({exc}).") from exc
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise DefinitionError(f"The check definition {file.name} is not valid JSON ({exc}).") from exc
    return parse_definition(data)


def parse_definition(data: Any) -> CheckDefinition:
    """Check a Questionnaire already parsed from JSON and turn it into a CheckDefinition."""
    try:
        return _Parser(data).parse()
    except DefinitionError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:  # defensive net
        raise DefinitionError(f"The check definition is malformed ({exc}).") from exc


def _fail(link_id: str | None, message: str) -> DefinitionError:
    where = f"Check definition item '{link_id}': " if link_id else "Check definition: "
    return DefinitionError(where + message, item=link_id)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


class _Parser:
    def __init__(self, data: Any) -> None:
        self.data = data
        self.items: dict[str, Item] = {}
        self.raw: dict[str, Mapping[str, Any]] = {}
        self.parents: dict[str, str | None] = {}
        self.elements_of: dict[str, str | None] = {}
        self.elements: list[Element] = []

    # -- helpers ---------------------------------------------------------------------
    @staticmethod
    def _extensions(node: Mapping[str, Any], link_id: str | None) -> list[Mapping[str, Any]]:
        exts = node.get("extension", [])
        if not isinstance(exts, list) or not all(
            isinstance(e, Mapping) and isinstance(e.get("url"), str) for e in exts
        ):
            raise _fail(link_id, "extensions must be a list of objects with a url.")
        return exts

    def _ext(self, node: Mapping[str, Any], url: str, link_id: str | None) -> Mapping[str, Any] | None:
        found = [e for e in self._extensions(node, link_id) if e["url"] == url]
        if len(found) > 1:
            raise _fail(link_id, f"extension {url} appears more than once.")
        return found[0] if found else None

    @staticmethod
    def _ext_value(ext: Mapping[str, Any]) -> Any:
        for key, value in ext.items():
            if key.startswith("value"):
                return value
        return None

    # -- top level -------------------------------------------------------------------
    def parse(self) -> CheckDefinition:
        data = self.data
        if not isinstance(data, Mapping) or data.get("resourceType") != "Questionnaire":
            raise _fail(None, "it is not a FHIR Questionnaire.")
        url, version = data.get("url"), data.get("version")
        if not isinstance(url, str) or not url:
            raise _fail(None, "it has no url.")
        if not isinstance(version, str) or not version:
            raise _fail(None, "it has no version.")
        if data.get("status") not in ("active", "draft"):
            raise _fail(
                None, f"its status is {data.get('status')!r}; only active or draft definitions can be used."
            )
        top = data.get("item")
        if not isinstance(top, list) or not top:
            raise _fail(None, "it has no items.")
        for node in top:
            self._walk(node, parent=None, element=None, top_level=True)
        for node in top:
            self._element(node)
        self._check_enable_when()
        self._check_core()
        fact_sources, boolean_facts = self._check_facts()
        self._check_one_of()
        order = self._order()
        title = data["title"] if isinstance(data.get("title"), str) else "Health check"
        steps = tuple((i, i.parent, i.applies_to, i.enable_when, i.enable_any, i.enable_rule) for i in order)
        fact_plan = tuple(
            (fact, fact in boolean_facts, tuple((link, _option_facts(self.items[link])) for link in links))
            for fact, links in fact_sources.items()
        )
        return CheckDefinition(
            url=url,
            version=version,
            title=title,
            items=self.items,
            order=order,
            elements=tuple(self.elements),
            element_by_id={e.id: e for e in self.elements},
            fact_sources=fact_sources,
            boolean_facts=boolean_facts,
            source=data,
            steps=steps,
            fact_plan=fact_plan,
        )

    # -- items -----------------------------------------------------------------------
    def _walk(self, node: Any, parent: str | None, element: str | None, top_level: bool) -> None:
        if not isinstance(node, Mapping):
            raise _fail(parent, "has an item that is not an object.")
        link_id = node.get("linkId")
        if not isinstance(link_id, str) or not link_id.strip():
            raise _fail(parent, "has an item without a linkId.")
        if link_id in self.raw:
            raise _fail(link_id, "duplicate linkId.")
        kind = node.get("type")
        if kind not in ITEM_TYPES:
            raise _fail(link_id, f"type {kind!r} is not supported.")
        if top_level:
            if kind != "group":
                raise _fail(link_id, "every top-level item must be a group for one element of the check.")
            ext = self._ext(node, EXT_ELEMENT, link_id)
            element = self._ext_value(ext) if ext else None
            if not isinstance(element, str) or not element:
                raise _fail(link_id, "this element group has no check-element code.")
        self.raw[link_id] = node
        self.parents[link_id] = parent
        self.elements_of[link_id] = element
        children = node.get("item", [])
        if not isinstance(children, list):
            raise _fail(link_id, "its items must be a list.")
        if kind == "group" and not children:
            raise _fail(link_id, "this group has no items.")
        if kind != "group" and children:
            raise _fail(link_id, "only groups may contain items.")
        for child in children:
            self._walk(child, link_id, element, top_level=False)
        child_ids = tuple(c["linkId"] for c in children)
        self.items[link_id] = self._item(node, link_id, kind, parent, element, child_ids)

    def _item(
        self,
        node: Mapping[str, Any],
        link_id: str,
        kind: str,
        parent: str | None,
        element: str | None,
        children: tuple[str, ...],
    ) -> Item:
        text = node.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _fail(link_id, "has no text.")
        required = node.get("required", False)
        if not isinstance(required, bool):
            raise _fail(link_id, "required must be true or false.")
        codes = self._codes(node, link_id)
        unit, unit_options, analyte = self._units(node, link_id, kind)
        limits = self._limits(node, link_id, kind)
        options, by_code = self._options(node, link_id, kind)
        enable_when, enable_any = self._enable_when_raw(node, link_id)
        applies = self._applies(node, link_id)
        fact = self._simple_ext(node, EXT_FACT, link_id)
        one_of = self._simple_ext(node, EXT_ONE_OF, link_id)
        enable_rule = self._simple_ext(node, EXT_ENABLE_RULE, link_id)
        if enable_rule is not None and enable_rule not in RULES:
            known = ", ".join(sorted(RULES))
            raise _fail(link_id, f"check-enable-when-rule {enable_rule!r} is unknown (known: {known}).")
        short_ext = self._ext(node, EXT_SHORT_TEXT, link_id)
        short = self._ext_value(short_ext) if short_ext else None
        if short_ext is not None and (not isinstance(short, str) or not short.strip()):
            raise _fail(link_id, "shortText must be text.")
        max_length = node.get("maxLength", DEFAULT_MAX_LENGTH)
        if not isinstance(max_length, int) or isinstance(max_length, bool) or max_length < 1:
            raise _fail(link_id, "maxLength must be a positive whole number.")
        if kind in ("decimal", "integer") and not codes:
            raise _fail(link_id, "a measurement must carry a SNOMED CT or LOINC code.")
        if fact is not None and fact not in FACT_NAMES:
            raise _fail(link_id, f"feeds an unknown fact {fact!r}.")
        if fact is not None and kind not in ANSWER_TYPES:
            raise _fail(link_id, "only questions can feed a fact.")
        if one_of is not None and kind not in ANSWER_TYPES:
            raise _fail(link_id, "only questions can be alternatives (check-one-of).")
        return Item(
            link_id=link_id,
            text=text.strip(),
            type=kind,
            required=required,
            parent=parent,
            element=element,
            children=children,
            codes=codes,
            unit=unit,
            unit_options=unit_options,
            hard_min=limits[0],
            hard_max=limits[1],
            soft_min=limits[2],
            soft_max=limits[3],
            options=options,
            option_by_code=by_code,
            enable_when=enable_when,
            enable_any=enable_any,
            applies_to=applies,
            fact=fact,
            analyte=analyte,
            one_of=one_of,
            enable_rule=enable_rule,
            max_length=max_length,
            label=(short or text).strip(),
            answerable=kind in ANSWER_TYPES,
        )

    def _simple_ext(self, node: Mapping[str, Any], url: str, link_id: str) -> str | None:
        ext = self._ext(node, url, link_id)
        if ext is None:
            return None
        value = self._ext_value(ext)
        if not isinstance(value, str) or not value:
            raise _fail(link_id, f"extension {url} needs a code.")
        return value

    def _codes(self, node: Mapping[str, Any], link_id: str) -> tuple[Coding, ...]:
        raw = node.get("code", [])
        if not isinstance(raw, list):
            raise _fail(link_id, "code must be a list of codings.")
        codes = []
        for c in raw:
            if not isinstance(c, Mapping) or not isinstance(c.get("code"), str) or not c.get("code"):
                raise _fail(link_id, "has a coding without a code.")
            if c.get("system") not in (SNOMED, LOINC):
                raise _fail(
                    link_id, f"code {c.get('code')} has system {c.get('system')!r}; use SNOMED CT or LOINC."
                )
            display = c.get("display") if isinstance(c.get("display"), str) else None
            codes.append(Coding(c["system"], c["code"], display))
        return tuple(codes)

    def _units(
        self, node: Mapping[str, Any], link_id: str, kind: str
    ) -> tuple[str | None, tuple[str, ...], str | None]:
        analyte = self._simple_ext(node, EXT_ANALYTE, link_id)
        unit_ext = self._ext(node, EXT_UNIT, link_id)
        options = [e for e in self._extensions(node, link_id) if e["url"] == EXT_UNIT_OPTION]
        if kind not in ("decimal", "integer"):
            if unit_ext or options:
                raise _fail(link_id, "only numbers can have a unit.")
            return None, (), analyte
        if unit_ext is None:
            raise _fail(link_id, "a measurement must have a unit (questionnaire-unit).")
        unit = self._ucum(unit_ext, link_id)
        if unit not in units.CANONICAL_UNITS:
            raise _fail(link_id, f"unknown unit {unit!r}.")
        alternatives = []
        for opt in options:
            code = self._ucum(opt, link_id)
            if code == unit or code in alternatives:
                continue
            if not units.can_convert(code, unit, analyte):
                raise _fail(link_id, f"unknown unit {code!r}: it cannot be converted to {unit}.")
            alternatives.append(code)
        return unit, tuple(alternatives), analyte

    @staticmethod
    def _ucum(ext: Mapping[str, Any], link_id: str) -> str:
        coding = ext.get("valueCoding")
        if (
            not isinstance(coding, Mapping)
            or coding.get("system") != UCUM
            or not isinstance(coding.get("code"), str)
        ):
            raise _fail(link_id, "a unit must be a UCUM coding.")
        return coding["code"]

    def _limits(self, node: Mapping[str, Any], link_id: str, kind: str) -> tuple[float | None, ...]:
        lo_ext = self._ext(node, EXT_MIN, link_id)
        hi_ext = self._ext(node, EXT_MAX, link_id)
        soft_ext = self._ext(node, EXT_SOFT_LIMIT, link_id)
        if kind not in ("decimal", "integer"):
            if lo_ext or hi_ext or soft_ext:
                raise _fail(link_id, "only numbers can have limits.")
            return None, None, None, None
        if lo_ext is None or hi_ext is None:
            raise _fail(link_id, "a measurement needs hard limits (minValue and maxValue).")
        lo, hi = self._ext_value(lo_ext), self._ext_value(hi_ext)
        if not _number(lo) or not _number(hi):
            raise _fail(link_id, "minValue and maxValue must be numbers.")
        if lo > hi:
            raise _fail(link_id, f"minValue {lo} is greater than maxValue {hi}.")
        soft_lo = soft_hi = None
        if soft_ext is not None:
            parts = soft_ext.get("extension", [])
            if not isinstance(parts, list) or not parts:
                raise _fail(link_id, "check-soft-limit needs low and/or high.")
            for part in parts:
                if not isinstance(part, Mapping) or part.get("url") not in ("low", "high"):
                    raise _fail(link_id, "check-soft-limit parts must be low or high.")
                value = self._ext_value(part)
                if not _number(value):
                    raise _fail(link_id, "soft limits must be numbers.")
                if part["url"] == "low":
                    soft_lo = value
                else:
                    soft_hi = value
            for name, value in (("low", soft_lo), ("high", soft_hi)):
                if value is not None and not lo <= value <= hi:
                    raise _fail(link_id, f"soft limit {name} {value} is outside the hard limits {lo}-{hi}.")
            if soft_lo is not None and soft_hi is not None and soft_lo > soft_hi:
                raise _fail(link_id, f"soft limit low {soft_lo} is greater than high {soft_hi}.")
        return (
            float(lo),
            float(hi),
            (None if soft_lo is None else float(soft_lo)),
            (None if soft_hi is None else float(soft_hi)),
        )

    def _options(
        self, node: Mapping[str, Any], link_id: str, kind: str
    ) -> tuple[tuple[AnswerOption, ...], dict[str, AnswerOption]]:
        raw = node.get("answerOption")
        if kind != "choice":
            if raw:
                raise _fail(link_id, "only choice questions can have answer options.")
            return (), {}
        if not isinstance(raw, list) or not raw:
            raise _fail(link_id, "a choice question needs answer options.")
        options: list[AnswerOption] = []
        by_code: dict[str, AnswerOption] = {}
        for opt in raw:
            coding = opt.get("valueCoding") if isinstance(opt, Mapping) else None
            if (
                not isinstance(coding, Mapping)
                or not isinstance(coding.get("code"), str)
                or not coding["code"]
            ):
                raise _fail(link_id, "every answer option needs a valueCoding with a code.")
            code = coding["code"]
            if code in by_code:
                raise _fail(link_id, f"answer option {code!r} appears twice.")
            score_ext = self._ext(coding, EXT_ORDINAL, link_id)
            score = self._ext_value(score_ext) if score_ext else None
            if score is not None and not _number(score):
                raise _fail(link_id, f"answer option {code!r} has a score that is not a number.")
            if isinstance(score, float) and score.is_integer():
                score = int(score)
            fv_ext = self._ext(coding, EXT_FACT_VALUE, link_id)
            fact_value = self._ext_value(fv_ext) if fv_ext else None
            if fact_value is not None and not isinstance(fact_value, (bool, str)):
                raise _fail(
                    link_id, f"answer option {code!r} has a fact value that is neither true/false nor text."
                )
            display = coding["display"] if isinstance(coding.get("display"), str) else code
            option = AnswerOption(code, coding.get("system"), display, score, fact_value)
            options.append(option)
            by_code[code] = option
        return tuple(options), by_code

    def _enable_when_raw(
        self, node: Mapping[str, Any], link_id: str
    ) -> tuple[tuple[EnableCondition, ...], bool]:
        raw = node.get("enableWhen", [])
        if not isinstance(raw, list):
            raise _fail(link_id, "enableWhen must be a list.")
        behaviour = node.get("enableBehavior")
        if len(raw) > 1 and behaviour not in ("all", "any"):
            raise _fail(link_id, "several enableWhen conditions need enableBehavior all or any.")
        conditions = []
        for cond in raw:
            if not isinstance(cond, Mapping) or not isinstance(cond.get("question"), str):
                raise _fail(link_id, "an enableWhen condition has no question.")
            op = cond.get("operator")
            if op not in OPERATORS:
                raise _fail(link_id, f"enableWhen operator {op!r} is not known.")
            answers = [(k, v) for k, v in cond.items() if k.startswith("answer")]
            if len(answers) != 1:
                raise _fail(link_id, "an enableWhen condition needs exactly one answer.")
            # kept raw for now: checked against the question once every item is known
            conditions.append(EnableCondition(cond["question"], op, answers[0]))
        return tuple(conditions), behaviour == "any"

    def _applies(self, node: Mapping[str, Any], link_id: str) -> AppliesTo | None:
        ext = self._ext(node, EXT_APPLIES_TO, link_id)
        if ext is None:
            return None
        parts = ext.get("extension", [])
        values: dict[str, Any] = {}
        for part in parts if isinstance(parts, list) else []:
            if isinstance(part, Mapping) and part.get("url") in ("sex", "minAge", "maxAge"):
                values[part["url"]] = self._ext_value(part)
        sex = values.get("sex")
        if sex is not None and sex not in ("female", "male"):
            raise _fail(link_id, "check-applies-to sex must be female or male.")
        ages = [values.get("minAge"), values.get("maxAge")]
        for age in ages:
            if age is not None and (not isinstance(age, int) or isinstance(age, bool) or age < 0):
                raise _fail(link_id, "check-applies-to ages must be whole numbers.")
        if not values:
            raise _fail(link_id, "check-applies-to says nothing.")
        return AppliesTo(sex, ages[0], ages[1])

    # -- elements --------------------------------------------------------------------
    def _element(self, node: Mapping[str, Any]) -> None:
        link_id = node["linkId"]
        group = self.items[link_id]
        element_id = group.element or link_id
        status_id, reason_id = f"{link_id}.status", f"{link_id}.reason"
        status = self.items.get(status_id)
        if status is None or status.parent != link_id or status.type != "choice":
            raise _fail(
                link_id, f"the element has no status question '{status_id}' (done, declined or not possible)."
            )
        if set(status.option_by_code) != set(STATUS_CODES) or any(
            o.system != STATUS_SYSTEM for o in status.options
        ):
            raise _fail(status_id, "the status options must be exactly done, declined and not_possible.")
        reason = self.items.get(reason_id)
        if reason is None or reason.parent != link_id or reason.type not in ("string", "text"):
            raise _fail(
                link_id, f"the element has no reason question '{reason_id}' for declined or not possible."
            )
        core_ext = self._ext(node, EXT_CORE_ELEMENT, link_id)
        core = bool(core_ext and self._ext_value(core_ext) is True)
        if element_id in {e.id for e in self.elements}:
            raise _fail(link_id, f"element {element_id!r} appears twice.")
        descendants = [
            i for i in self._descendants(link_id) if i.answerable and i.link_id not in (status_id, reason_id)
        ]
        item_ids = tuple(i.link_id for i in descendants)
        self.elements.append(
            Element(
                id=element_id,
                title=group.text,
                core=core,
                link_id=link_id,
                status_id=status_id,
                reason_id=reason_id,
                item_ids=item_ids,
                all_ids=frozenset((status_id, reason_id, *item_ids)),
                requirements=tuple((i.link_id, i.label, i.required, i.one_of) for i in descendants),
            )
        )

    def _descendants(self, link_id: str) -> list[Item]:
        out: list[Item] = []
        for child in self.items[link_id].children:
            out.append(self.items[child])
            out.extend(self._descendants(child))
        return out

    def _check_core(self) -> None:
        core = [e.id for e in self.elements if e.core]
        missing = [c for c in CORE_ELEMENTS if c not in core]
        extra = [c for c in core if c not in CORE_ELEMENTS]
        if missing:
            raise _fail(missing[0], f"the core element {missing[0]!r} is missing or not marked core.")
        if extra:
            raise _fail(extra[0], f"{extra[0]!r} is marked core but is not one of the six core elements.")

    # -- enableWhen ------------------------------------------------------------------
    def _check_enable_when(self) -> None:
        for link_id, item in list(self.items.items()):
            if not item.enable_when:
                continue
            checked = []
            for cond in item.enable_when:
                target = self.items.get(cond.question)
                if target is None:
                    raise _fail(link_id, f"enableWhen refers to unknown item '{cond.question}'.")
                if not target.answerable:
                    raise _fail(link_id, f"enableWhen refers to '{cond.question}', which is not a question.")
                key, value = cond.answer
                checked.append(
                    EnableCondition(
                        cond.question,
                        cond.operator,
                        self._condition_answer(link_id, target, cond.operator, key, value),
                    )
                )
            self.items[link_id] = _replace_enable_when(item, tuple(checked))

    @staticmethod
    def _condition_answer(link_id: str, target: Item, op: str, key: str, value: Any) -> Any:
        if op == "exists":
            if key != "answerBoolean" or not isinstance(value, bool):
                raise _fail(link_id, "enableWhen 'exists' needs answerBoolean.")
            return value
        if key not in _ANSWER_KEY_FOR_TYPE[target.type]:
            raise _fail(link_id, f"enableWhen on '{target.link_id}' ({target.type}) cannot use {key}.")
        if target.type in ("boolean", "choice") and op not in ("=", "!="):
            raise _fail(link_id, f"enableWhen on '{target.link_id}' can only use = or !=.")
        if key == "answerBoolean":
            if not isinstance(value, bool):
                raise _fail(link_id, "answerBoolean must be true or false.")
            return value
        if key in ("answerDecimal", "answerInteger"):
            if not _number(value):
                raise _fail(link_id, f"{key} must be a number.")
            return float(value)
        if key == "answerCoding":
            code = value.get("code") if isinstance(value, Mapping) else None
            if code not in target.option_by_code:
                raise _fail(link_id, f"enableWhen answer {code!r} is not an option of '{target.link_id}'.")
            return code
        if key == "answerDate":
            try:
                return _dt.date.fromisoformat(value)
            except (TypeError, ValueError):
                raise _fail(link_id, "answerDate must be a date like 2026-01-31.") from None
        if not isinstance(value, str):
            raise _fail(link_id, "answerString must be text.")
        return value

    def _order(self) -> tuple[Item, ...]:
        """Topological order: a parent and every enableWhen question before the item."""
        state: dict[str, int] = {}
        out: list[Item] = []

        def visit(link_id: str, path: tuple[str, ...]) -> None:
            mark = state.get(link_id)
            if mark == 2:
                return
            if mark == 1:
                raise _fail(link_id, "enableWhen makes a loop: " + " -> ".join((*path, link_id)) + ".")
            state[link_id] = 1
            item = self.items[link_id]
            if item.parent:
                visit(item.parent, (*path, link_id))
            for cond in item.enable_when:
                visit(cond.question, (*path, link_id))
            if item.enable_rule is not None:  # the questions its rule reads come first too
                for source in self.items.values():
                    if source.fact in RULES[item.enable_rule].facts:
                        visit(source.link_id, (*path, link_id))
            state[link_id] = 2
            out.append(item)

        for link_id in self.items:
            visit(link_id, ())
        return tuple(out)

    # -- facts -----------------------------------------------------------------------
    def _check_facts(self) -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
        sources: dict[str, list[str]] = {}
        for link_id, item in self.items.items():
            if item.fact:
                sources.setdefault(item.fact, []).append(link_id)
        boolean_facts = set()
        for fact, link_ids in sources.items():
            is_bool = all(self._gives_boolean(self.items[i]) for i in link_ids)
            if is_bool:
                boolean_facts.add(fact)
            elif len(link_ids) > 1:
                raise _fail(
                    link_ids[1], f"fact {fact!r} is fed by several items, which only works for yes/no facts."
                )
        return {k: tuple(v) for k, v in sources.items()}, frozenset(boolean_facts)

    @staticmethod
    def _gives_boolean(item: Item) -> bool:
        if item.type == "boolean":
            return True
        return item.type == "choice" and all(isinstance(o.fact_value, bool) for o in item.options)

    def _check_one_of(self) -> None:
        groups: dict[str, set[str | None]] = {}
        for item in self.items.values():
            if item.one_of:
                groups.setdefault(item.one_of, set()).add(item.element)
        for name, elements in groups.items():
            if len(elements) > 1:
                raise _fail(name, f"the alternatives {name!r} are spread over several elements.")


def _option_facts(item: Item) -> Mapping[str, Any] | None:
    """For a choice: the fact value each option gives (check-fact-value, else its score, else its code)."""
    if item.type != "choice":
        return None
    return {
        o.code: o.fact_value if o.fact_value is not None else o.score if o.score is not None else o.code
        for o in item.options
    }


def _replace_enable_when(item: Item, conditions: tuple[EnableCondition, ...]) -> Item:
    return replace(item, enable_when=conditions)


_default: CheckDefinition | None = None


def default_definition() -> CheckDefinition:
    """The bundled definition, loaded once per process."""
    global _default
    if _default is None:
        _default = load_definition()
    return _default
