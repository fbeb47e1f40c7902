"""Findings: which published thresholds a check crossed, and the follow-up each one needs.

Every health issue a check discovers must be followed up, so findings are not
free text: they come from a versioned rule set (resources/rules/findings.json)
where each rule names its clinical source, a severity, the reason shown to the
worker and the follow-ups allowed. A check cannot be finalised until every
finding has a valid follow-up decision (`can_finalise`).

The rule set is data so that a clinical lead can review it line by line and a
local service can change it without a release. Because a typo in such a file
could silently stop a finding from ever firing, the loader is strict: an
unknown fact, operator, severity, follow-up kind, key or category word refuses
the whole file with a DefinitionError naming the rule. Conditions are compiled
once into plain Python closures, so evaluating a check costs microseconds.

Condition language (JSON):
    {"fact": "hba1c_mmol_mol", "op": ">=", "value": 48}
    {"all": [cond, ...]}   {"any": [cond, ...]}   {"not": cond}
Ops: < <= > >= == != in present absent. A comparison is false when the fact is
absent (unknown never triggers a finding); test for absence with "absent".
"""

from __future__ import annotations

import json
import math
import re
import string
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from outreach.clinical import audit_c, blood_pressure, bmi, glycaemia, qrisk3, smoking
from outreach.clinical.ethnicity import ETHNIC_CATEGORIES
from outreach.clinical.inputs import describe
from outreach.errors import DefinitionError, ValidationError
from outreach.resources import resource_path

SEVERITIES = ("urgent", "act", "advise")  # in order of priority
FOLLOW_UP_KINDS = ("referral", "advice_given", "already_under_care", "declined", "clinician_override")
NEEDS_REASON = frozenset({"declined", "clinician_override"})
# An urgent (same-day) finding closes only when someone acts on it: a referral, the person's own decision
# to decline, or a clinician's override, the last two with a reason. "Advice given" or "already under care"
# would let a reading of 190/125 mmHg be filed away with nobody told today (NICE NG136 1.4: same-day
# assessment for severe hypertension). The loader enforces this so a local edit cannot weaken it.
URGENT_FOLLOW_UPS = frozenset({"referral", "declined", "clinician_override"})
OPS = ("<", "<=", ">", ">=", "==", "!=", "in", "present", "absent")
_ORDER_OPS = frozenset({"<", "<=", ">", ">="})
_NOT_RECORDED = "not recorded"
_MAX_TEXT = 4000
_HUGE = 10**15  # no fact is this large; checked before any float conversion

# The facts of contract B and their kinds. A rule may only read these.
_NUMBER_FACTS = (
    "age_years", "weight_kg", "height_cm", "bmi_kg_m2", "waist_cm", "weight_gain_3m_kg",
    "systolic_mmhg", "diastolic_mmhg", "pulse_bpm", "hba1c_mmol_mol", "fasting_glucose_mmol_l",
    "random_glucose_mmol_l", "total_cholesterol_mmol_l", "hdl_mmol_l", "tc_hdl_ratio", "non_hdl_mmol_l",
    "triglycerides_mmol_l", "audit_c_score", "cigarettes_per_day", "smoking_category", "qrisk3_percent",
    "audit_score",
)  # fmt: skip
_FLAG_FACTS = (
    "bmi_lower_thresholds", "bp_urgent", "pulse_irregular", "on_antipsychotic", "diet_poor",
    "physically_inactive", "substance_use", "medication_side_effects", "screening_overdue",
    "vaccinations_due", "oral_health_concern", "sexual_health_concern",
)  # fmt: skip
# Text facts with the words they can hold (a rule comparing with any other word is refused).
TEXT_FACT_WORDS: Mapping[str, frozenset[str]] = MappingProxyType({
    "sex": frozenset({"female", "male"}),
    "ethnic_category": frozenset(ETHNIC_CATEGORIES),
    "bmi_category": frozenset(bmi.CATEGORIES),
    "bp_category": frozenset(blood_pressure.CATEGORIES),
    "glycaemia_band": frozenset(glycaemia.BANDS),
    "audit_c_band": frozenset(audit_c.BANDS),
    "audit_band": frozenset(audit_c.BANDS),
    "smoking_status": frozenset(smoking.STATUSES),
    "qrisk3_exclusion": frozenset(qrisk3.NOT_APPLICABLE),
})  # fmt: skip
FACT_KINDS: Mapping[str, str] = MappingProxyType(
    {**{f: "number" for f in _NUMBER_FACTS}, **{f: "flag" for f in _FLAG_FACTS},
     **{f: "text" for f in TEXT_FACT_WORDS}}
)  # fmt: skip

Facts = Mapping[str, object]
_Test = Callable[[Facts], bool]


@dataclass(frozen=True, slots=True)
class Finding:
    """One threshold crossed in one check, with what the worker may record as its follow-up."""

    rule_id: str
    title: str
    severity: str
    reason: str
    source: str
    allowed_follow_ups: tuple[str, ...]
    suggested_services: tuple[str, ...]
    suggested_text: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    """A compiled rule. `test` decides; `reason_parts` render the reason without parsing at run time."""

    id: str
    title: str
    severity: str
    source: str
    element: str
    allowed_follow_ups: tuple[str, ...]
    suggested_services: tuple[str, ...]
    suggested_text: str
    reason_template: str
    reason_parts: tuple[tuple[bool, tuple[tuple[str, str | None, str], ...], frozenset[str]], ...]
    test: _Test  # called with facts already checked by _checked_facts
    facts_read: frozenset[str]  # by the condition and the reason


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A loaded, versioned rule set."""

    id: str
    version: str
    rules: tuple[Rule, ...]
    fact_kinds: tuple[tuple[str, str], ...] = ()  # every fact any rule reads, checked once per evaluation

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


@dataclass(frozen=True, slots=True)
class FollowUpDecision:
    """What the worker did about one finding. Referral needs a service; declined/override need a reason."""

    kind: str
    service_id: str | None = None
    reason: str | None = None
    note: str | None = None


# --- loading ------------------------------------------------------------------------------------------


def load_rules(path: str | Path | None = None) -> RuleSet:
    """Read and compile a rule set (default: the bundled resources/rules/findings.json)."""
    file = Path(path) if path is not None else resource_path("rules", "findings.json")
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError(
            f"The findings rules file {file.name} cannot be read ({exc.__class__.__name__})"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DefinitionError(
            f"The findings rules file {file.name} is not valid JSON (line {exc.lineno}, column {exc.colno})"
        ) from None
    except (ValueError, RecursionError):
        raise DefinitionError(f"The findings rules file {file.name} is not valid JSON") from None
    return compile_rules(data)


def compile_rules(data: object) -> RuleSet:
    """Check and compile rule-set data already parsed from JSON."""
    try:
        return _compile_rule_set(data)
    except RecursionError:
        raise DefinitionError("The findings rules are nested too deeply") from None


def _compile_rule_set(data: object) -> RuleSet:
    if not isinstance(data, dict):
        raise DefinitionError("A findings rule set must be a JSON object with id, version and rules")
    _only_keys(
        data, {"id", "version", "rules", "description"}, {"id", "version", "rules"}, "the rule set", None
    )
    set_id = _text(data["id"], "id", None)
    version = _text(data["version"], "version", None)
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise DefinitionError(f"Rule set version {describe(version)} must look like 1.0.0")
    raw_rules = data["rules"]
    if not isinstance(raw_rules, list) or not raw_rules:
        raise DefinitionError("A findings rule set needs a non-empty list of rules")
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_rules):
        rule = _compile_rule(raw, index)
        if rule.id in seen:
            raise DefinitionError(f"Rule id {rule.id} is used twice", item=rule.id)
        seen.add(rule.id)
        rules.append(rule)
    read = sorted(set().union(*(rule.facts_read for rule in rules)))
    return RuleSet(
        id=set_id,
        version=version,
        rules=tuple(rules),
        fact_kinds=tuple((name, FACT_KINDS[name]) for name in read),
    )


def _only_keys(
    obj: dict[str, Any], allowed: set[str], required: set[str], where: str, rule_id: str | None
) -> None:
    unknown = sorted(str(k) for k in obj if k not in allowed)
    if unknown:
        raise DefinitionError(f"Unknown key {', '.join(unknown)} in {where}", item=rule_id)
    absent = sorted(required - obj.keys())
    if absent:
        raise DefinitionError(f"Missing {', '.join(absent)} in {where}", item=rule_id)


def _text(value: object, name: str, rule_id: str | None, *, empty_ok: bool = False) -> str:
    if not isinstance(value, str) or (not empty_ok and not value.strip()):
        where = f"rule {rule_id}" if rule_id else "the rule set"
        raise DefinitionError(f"{name} in {where} must be text", item=rule_id)
    return value


def _compile_rule(raw: object, index: int) -> Rule:
    if not isinstance(raw, dict):
        raise DefinitionError(f"Rule number {index + 1} is not a JSON object")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", rule_id):
        raise DefinitionError(
            f"Rule number {index + 1} needs an id of lower-case letters, digits and hyphens"
        )
    where = f"rule {rule_id}"
    _only_keys(
        raw,
        {"id", "title", "severity", "source", "when", "reason", "follow_up", "element"},
        {"id", "title", "severity", "source", "when", "reason", "follow_up"},
        where,
        rule_id,
    )
    severity = raw["severity"]
    if severity not in SEVERITIES:
        raise DefinitionError(
            f"Rule {rule_id}: unknown severity {describe(severity)} (use {', '.join(SEVERITIES)})",
            item=rule_id,
        )
    facts_read: set[str] = set()
    test = _compile_condition(raw["when"], rule_id, facts_read)
    reason_template = _text(raw["reason"], "reason", rule_id)
    parts = _parse_template(reason_template, rule_id)
    for _, _, names in parts:
        facts_read |= names
    follow = raw["follow_up"]
    if not isinstance(follow, dict):
        raise DefinitionError(f"Rule {rule_id}: follow_up must be an object", item=rule_id)
    _only_keys(
        follow,
        {"allowed", "suggested_services", "suggested_text"},
        {"allowed"},
        f"the follow_up of rule {rule_id}",
        rule_id,
    )
    allowed = follow["allowed"]
    if not isinstance(allowed, list) or not allowed:
        raise DefinitionError(f"Rule {rule_id}: follow_up.allowed must list at least one kind", item=rule_id)
    for kind in allowed:
        if kind not in FOLLOW_UP_KINDS:
            raise DefinitionError(
                f"Rule {rule_id}: unknown follow-up kind {describe(kind)} (use {', '.join(FOLLOW_UP_KINDS)})",
                item=rule_id,
            )
    if len(set(allowed)) != len(allowed):
        raise DefinitionError(f"Rule {rule_id}: a follow-up kind is listed twice", item=rule_id)
    services = follow.get("suggested_services", [])
    if not isinstance(services, list) or not all(isinstance(s, str) and s for s in services):
        raise DefinitionError(
            f"Rule {rule_id}: suggested_services must be a list of service ids", item=rule_id
        )
    if services and "referral" not in allowed:
        raise DefinitionError(
            f"Rule {rule_id}: suggests services but does not allow a referral", item=rule_id
        )
    if severity == "urgent" and ("referral" not in allowed or not set(allowed) <= URGENT_FOLLOW_UPS):
        raise DefinitionError(
            f"Rule {rule_id}: an urgent finding must allow a referral and only "
            f"{', '.join(sorted(URGENT_FOLLOW_UPS))} as follow-ups",
            item=rule_id,
        )
    return Rule(
        id=rule_id,
        title=_text(raw["title"], "title", rule_id),
        severity=severity,
        source=_text(raw["source"], "source", rule_id),
        element=_text(raw.get("element", ""), "element", rule_id, empty_ok=True),
        allowed_follow_ups=tuple(allowed),
        suggested_services=tuple(services),
        suggested_text=_text(follow.get("suggested_text", ""), "suggested_text", rule_id, empty_ok=True),
        reason_template=reason_template,
        reason_parts=parts,
        test=test,
        facts_read=frozenset(facts_read),
    )


# --- conditions ---------------------------------------------------------------------------------------


def _fact_error(name: str, value: object, expected: str) -> ValidationError:
    return ValidationError(f"The value for {name} ({describe(value)}) is not {expected}", item=name)


def _checked_facts(facts: Facts, kinds: tuple[tuple[str, str], ...]) -> dict[str, object]:
    """The facts the rules read, each checked once for its kind; absent (None) facts are left out.

    Conditions then compare plain values without re-checking, which keeps evaluation cheap.
    """
    clean: dict[str, object] = {}
    get = facts.get
    for name, kind in kinds:
        value = get(name)
        if value is None:
            continue
        if kind == "number":
            if type(value) is float:
                if value - value != 0:  # NaN or infinity
                    raise _fact_error(name, value, "a usable number")
            elif type(value) is int:
                if not -_HUGE < value < _HUGE:
                    raise _fact_error(name, value, "a usable number")
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                raise _fact_error(name, value, "a number")
            elif (isinstance(value, float) and not math.isfinite(value)) or (
                isinstance(value, int) and abs(value) >= _HUGE
            ):
                raise _fact_error(name, value, "a usable number")
        elif kind == "flag":
            if type(value) is not bool:
                raise _fact_error(name, value, "yes or no")
        elif not isinstance(value, str):
            raise _fact_error(name, value, "text")
        clean[name] = value
    return clean


def _check_value(value: object, kind: str, fact: str, rule_id: str) -> object:
    if kind == "number":
        ok = (isinstance(value, int) and not isinstance(value, bool) and abs(value) < _HUGE) or (
            isinstance(value, float) and math.isfinite(value)
        )
    elif kind == "flag":
        ok = isinstance(value, bool)
    else:
        ok = isinstance(value, str) and value in TEXT_FACT_WORDS[fact]
    if not ok:
        wanted = {"number": "a finite number", "flag": "true or false"}.get(
            kind, "one of " + ", ".join(sorted(TEXT_FACT_WORDS.get(fact, ())))
        )
        raise DefinitionError(
            f"Rule {rule_id}: {fact} cannot be compared with {describe(value)}; it must be {wanted}",
            item=rule_id,
        )
    return value


def _compile_condition(cond: object, rule_id: str, facts_read: set[str]) -> _Test:
    if not isinstance(cond, dict) or not cond:
        raise DefinitionError(f"Rule {rule_id}: a condition must be a JSON object", item=rule_id)
    if "fact" in cond:
        return _compile_fact(cond, rule_id, facts_read)
    if len(cond) != 1:
        raise DefinitionError(
            f"Rule {rule_id}: a condition has one of fact, all, any or not "
            f"(found {', '.join(sorted(map(str, cond)))})",
            item=rule_id,
        )
    ((key, inner),) = cond.items()
    if key == "not":
        test = _compile_condition(inner, rule_id, facts_read)
        return lambda facts: not test(facts)
    if key in ("all", "any"):
        if not isinstance(inner, list) or not inner:
            raise DefinitionError(
                f"Rule {rule_id}: '{key}' needs a non-empty list of conditions", item=rule_id
            )
        tests = [_compile_condition(c, rule_id, facts_read) for c in inner]
        combined = tests[0]
        for nxt in tests[1:]:
            combined = _both(combined, nxt) if key == "all" else _either(combined, nxt)
        return combined
    raise DefinitionError(
        f"Rule {rule_id}: unknown condition {describe(key)} (use fact, all, any or not)", item=rule_id
    )


def _both(first: _Test, second: _Test) -> _Test:
    return lambda facts: first(facts) and second(facts)


def _either(first: _Test, second: _Test) -> _Test:
    return lambda facts: first(facts) or second(facts)


def _compile_fact(cond: dict[str, Any], rule_id: str, facts_read: set[str]) -> _Test:
    fact, op = cond.get("fact"), cond.get("op")
    if not isinstance(fact, str) or fact not in FACT_KINDS:
        raise DefinitionError(f"Rule {rule_id}: unknown fact {describe(fact)}", item=rule_id)
    if op not in OPS:
        raise DefinitionError(
            f"Rule {rule_id}: unknown operator {describe(op)} for {fact} (use {' '.join(OPS)})", item=rule_id
        )
    facts_read.add(fact)
    kind = FACT_KINDS[fact]
    if op in ("present", "absent"):
        _only_keys(cond, {"fact", "op"}, {"fact", "op"}, f"a condition of rule {rule_id}", rule_id)
        if op == "present":
            return lambda facts: facts.get(fact) is not None
        return lambda facts: facts.get(fact) is None
    _only_keys(
        cond, {"fact", "op", "value"}, {"fact", "op", "value"}, f"a condition of rule {rule_id}", rule_id
    )
    value = cond["value"]
    if op == "in":
        if not isinstance(value, list) or not value:
            raise DefinitionError(f"Rule {rule_id}: 'in' needs a non-empty list for {fact}", item=rule_id)
        options = frozenset(_check_value(v, kind, fact, rule_id) for v in value)
        return lambda facts: (v := facts.get(fact)) is not None and v in options
    if op in _ORDER_OPS and kind != "number":
        raise DefinitionError(
            f"Rule {rule_id}: {op} only works on numbers, and {fact} is not one", item=rule_id
        )
    target = _check_value(value, kind, fact, rule_id)
    return _comparison(fact, op, target)


def _comparison(fact: str, op: str, target: Any) -> _Test:
    """Compare a checked fact (see _checked_facts) with a value; false when the fact is absent."""
    if op == "<":
        return lambda facts: (v := facts.get(fact)) is not None and v < target
    if op == "<=":
        return lambda facts: (v := facts.get(fact)) is not None and v <= target
    if op == ">":
        return lambda facts: (v := facts.get(fact)) is not None and v > target
    if op == ">=":
        return lambda facts: (v := facts.get(fact)) is not None and v >= target
    if op == "==":
        return lambda facts: (v := facts.get(fact)) is not None and v == target
    return lambda facts: (v := facts.get(fact)) is not None and v != target


# --- reasons ------------------------------------------------------------------------------------------


_Part = tuple[str, str | None, str]
_Segment = tuple[bool, tuple[_Part, ...], frozenset[str]]


def _parse_template(template: str, rule_id: str) -> tuple[_Segment, ...]:
    """Split a reason into segments of (literal, fact, format) parts, checked once at load.

    "Currently smokes[ ({cigarettes_per_day} a day)]." - text in [brackets] is shown only when every
    fact inside it is recorded, so a reason never reads "not recorded mmol/L".
    """
    segments: list[_Segment] = []
    pieces = re.split(r"(\[[^\[\]]*\])", template)
    for piece in pieces:
        if not piece:
            continue
        optional = piece.startswith("[") and piece.endswith("]")
        body = piece[1:-1] if optional else piece
        if "[" in body or "]" in body:
            raise DefinitionError(f"Rule {rule_id}: unbalanced [ ] in the reason", item=rule_id)
        parts = _parse_parts(body, rule_id)
        names = frozenset(field for _, field, _ in parts if field is not None)
        if optional and not names:
            raise DefinitionError(f"Rule {rule_id}: [ ] in the reason must contain a fact", item=rule_id)
        segments.append((optional, parts, names))
    return tuple(segments)


def _parse_parts(body: str, rule_id: str) -> tuple[_Part, ...]:
    parts: list[_Part] = []
    try:
        parsed = list(string.Formatter().parse(body))
    except ValueError as exc:
        raise DefinitionError(
            f"Rule {rule_id}: the reason has a broken placeholder ({exc})", item=rule_id
        ) from None
    for literal, field, spec, conversion in parsed:
        if field is None:
            parts.append((literal, None, ""))
            continue
        if field not in FACT_KINDS or conversion:
            raise DefinitionError(
                f"Rule {rule_id}: the reason names unknown fact {describe(field)}", item=rule_id
            )
        spec = spec or ""
        if spec:
            if FACT_KINDS[field] != "number":
                raise DefinitionError(f"Rule {rule_id}: only numbers take a format ({field})", item=rule_id)
            try:
                format(1.5, spec)
            except ValueError:
                raise DefinitionError(
                    f"Rule {rule_id}: bad number format {describe(spec)} for {field}", item=rule_id
                ) from None
        parts.append((literal, field, spec))
    return tuple(parts)


def _show(value: object, spec: str) -> str:
    if value is None:
        return _NOT_RECORDED
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value if len(value) <= 200 else value[:200] + "..."
    if (isinstance(value, int) and abs(value) < _HUGE) or (isinstance(value, float) and abs(value) < _HUGE):
        try:
            if spec:
                return format(value, spec)
            return str(value) if isinstance(value, int) else f"{value:.1f}"
        except (ValueError, TypeError, OverflowError):
            pass
    return describe(value)


def _render(segments: tuple[_Segment, ...], facts: Facts) -> str:
    out: list[str] = []
    for optional, parts, names in segments:
        if optional and any(facts.get(name) is None for name in names):
            continue
        for literal, field, spec in parts:
            out.append(literal)
            if field is not None:
                out.append(_show(facts.get(field), spec))
    return "".join(out)


# --- evaluation ---------------------------------------------------------------------------------------

_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def evaluate_findings(facts: Mapping[str, object], rules: RuleSet) -> list[Finding]:
    """The findings for one check's facts, most severe first (file order within a severity).

    A fact of the wrong kind (text where a number belongs, NaN, infinity) raises ValidationError
    naming it, rather than quietly deciding that no threshold was crossed.
    """
    if not isinstance(facts, Mapping):
        raise ValidationError("Findings need the check's facts as named values")
    if not isinstance(rules, RuleSet):
        raise ValidationError("Findings need a loaded rule set")
    try:
        clean = _checked_facts(facts, rules.fact_kinds)
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - a Mapping that misbehaves: report, never crash the check screen
        raise ValidationError(f"The check's facts could not be read ({exc.__class__.__name__})") from None
    found: list[Finding] = []
    for rule in rules.rules:
        if rule.test(clean):
            found.append(
                Finding(
                    rule_id=rule.id,
                    title=rule.title,
                    severity=rule.severity,
                    reason=_render(rule.reason_parts, clean),
                    source=rule.source,
                    allowed_follow_ups=rule.allowed_follow_ups,
                    suggested_services=rule.suggested_services,
                    suggested_text=rule.suggested_text,
                )
            )
    found.sort(key=lambda f: _SEVERITY_RANK[f.severity])
    return found


# --- follow-up decisions ------------------------------------------------------------------------------


def _optional_text(value: object, name: str, item: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(f"The {name} must be text", item=item)
    if len(value) > _MAX_TEXT:
        raise ValidationError(f"The {name} is too long (over {_MAX_TEXT} characters)", item=item)
    stripped = value.strip()
    return stripped or None


def validate_decision(
    finding: Finding, decision: FollowUpDecision, services: Collection[str] | None = None
) -> FollowUpDecision:
    """Return the decision tidied (text stripped), or raise ValidationError(item=rule id) saying what is
    missing.

    When `services` (the directory's ids) is given, a referral must name one of them.
    """
    if not isinstance(finding, Finding):
        raise ValidationError("A follow-up must belong to a finding")
    item = finding.rule_id
    if not isinstance(decision, FollowUpDecision):
        raise ValidationError(f"{finding.title}: choose a follow-up", item=item)
    kind = decision.kind
    if not isinstance(kind, str) or kind not in finding.allowed_follow_ups:
        allowed = ", ".join(k.replace("_", " ") for k in finding.allowed_follow_ups)
        raise ValidationError(
            f"{finding.title}: {describe(kind)} is not a follow-up for this finding (choose {allowed})",
            item=item,
        )
    service_id = _optional_text(decision.service_id, "service", item)
    reason = _optional_text(decision.reason, "reason", item)
    note = _optional_text(decision.note, "note", item)
    if kind == "referral":
        if service_id is None:
            raise ValidationError(f"{finding.title}: choose the service the referral goes to", item=item)
        if services is not None and service_id not in services:
            raise ValidationError(
                f"{finding.title}: the service {describe(service_id)} is not in the directory", item=item
            )
    if kind in NEEDS_REASON and reason is None:
        what = "declined" if kind == "declined" else "overridden"
        raise ValidationError(f"{finding.title}: say why the follow-up was {what}", item=item)
    return FollowUpDecision(
        kind=kind, service_id=service_id if kind == "referral" else None, reason=reason, note=note
    )


def _unresolved_with_reasons(
    findings: Iterable[Finding], decisions: Mapping[str, FollowUpDecision], services: Collection[str] | None
) -> list[tuple[Finding, str]]:
    if not isinstance(decisions, Mapping):
        raise ValidationError("Follow-up decisions must be given per finding")
    try:
        items = list(findings)
    except TypeError:
        raise ValidationError("Findings must be a list") from None
    open_items: list[tuple[Finding, str]] = []
    for finding in items:
        if not isinstance(finding, Finding):
            raise ValidationError("Findings must be a list of findings")
        decision = decisions.get(finding.rule_id)
        if decision is None:
            open_items.append((finding, f"{finding.title}: choose a follow-up"))
            continue
        try:
            validate_decision(finding, decision, services)
        except ValidationError as exc:
            open_items.append((finding, exc.message))
    return open_items


def follow_up_problems(
    findings: Iterable[Finding],
    decisions: Mapping[str, FollowUpDecision],
    services: Collection[str] | None = None,
) -> list[tuple[Finding, str]]:
    """Each finding still lacking a valid follow-up, with the plain reason (for `finalise_blockers`)."""
    return _unresolved_with_reasons(findings, decisions, services)


def unresolved_findings(
    findings: Iterable[Finding],
    decisions: Mapping[str, FollowUpDecision],
    services: Collection[str] | None = None,
) -> list[Finding]:
    """Findings that still lack a valid follow-up decision."""
    return [f for f, _ in _unresolved_with_reasons(findings, decisions, services)]


def can_finalise(
    findings: Iterable[Finding],
    decisions: Mapping[str, FollowUpDecision],
    services: Collection[str] | None = None,
) -> tuple[bool, list[str]]:
    """(True, []) when every finding has a valid follow-up; else False and one plain reason per open
    finding."""
    reasons = [reason for _, reason in _unresolved_with_reasons(findings, decisions, services)]
    return (not reasons, reasons)
