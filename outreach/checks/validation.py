"""Validate one answer against its item, as typed, and return it in the canonical unit.

Limits are applied to the canonical value (kg, cm, mmHg, mmol/L ...):
* **hard limits** (minValue/maxValue) refuse the value. A value far outside them (more
  than twice the maximum, under half the minimum, or negative where only positive values
  exist) is almost always a slip of the keyboard, so the message says "not possible:
  check the reading"; a value just outside says what the check accepts and its range.
* **soft limits** (check-soft-limit) mark a value as unusual: `validate_answer` raises
  SoftLimitWarning unless `confirmed=True`; `check_answer` reports `needs_confirmation`.

`validate_answer` raises only outreach ValidationError subclasses whatever it is given.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from outreach.checks import units
from outreach.checks.answers import (
    BAD_DATE,
    BAD_PARTS,
    BAD_TEXT,
    IMPOSSIBLE,
    NOT_A_QUESTION,
    NOT_FINITE,
    NOT_WHOLE,
    OUT_OF_RANGE,
    TOO_LONG,
    UNIT_CONFLICT,
    UNKNOWN_ITEM,
    UNKNOWN_OPTION,
    UNKNOWN_UNIT,
    WRONG_TYPE,
    AnswerError,
    SoftLimitWarning,
    entry_from_json,
    parse_number_text,
)
from outreach.checks.definition import CheckDefinition, Item

_TRUE_WORDS = frozenset({"yes", "y", "true"})
_FALSE_WORDS = frozenset({"no", "n", "false"})
_EARLIEST_DATE = _dt.date(1900, 1, 1)
_LATEST_DATE = _dt.date(2100, 12, 31)


def validate_answer(
    defn: CheckDefinition, link_id: Any, value: Any, unit: Any = None, confirmed: Any = False
) -> Any:
    """The answer normalised (canonical unit, option code, bool, text, date), or None when blank.

    Raises AnswerError (a ValidationError, `item` = link_id, `kind` says why) or
    SoftLimitWarning for an unconfirmed unusual value.
    """
    item = defn.items.get(link_id) if isinstance(link_id, str) else None
    if item is None:
        shown = link_id if isinstance(link_id, str) else repr(link_id)[:40]
        raise AnswerError(f"This check has no question '{shown[:60]}'.", shown[:60], UNKNOWN_ITEM)
    if unit is not None and not isinstance(unit, str):
        raise AnswerError(
            f"{item.label}: the unit is not readable; choose it again.", item.link_id, UNKNOWN_UNIT
        )
    if not isinstance(confirmed, bool):
        raise AnswerError(
            f"{item.label}: whether the value was confirmed is not readable; confirm it again.",
            item.link_id,
            WRONG_TYPE,
        )
    return normalise(item, value, unit, confirmed)


def validate_entry(defn: CheckDefinition, link_id: Any, raw: Any) -> Any:
    """Validate one stored answer (bare value or {"value", "unit", "confirmed"})."""
    entry = entry_from_json(raw, link_id if isinstance(link_id, str) else None)
    return validate_answer(defn, link_id, entry.value, entry.unit, entry.confirmed)


@dataclass(frozen=True, slots=True)
class AnswerCheck:
    """Outcome of checking one answer without raising, for live display next to the field."""

    ok: bool
    value: Any = None
    message: str | None = None
    kind: str | None = None
    needs_confirmation: bool = False


def check_answer(
    defn: CheckDefinition, link_id: Any, value: Any, unit: Any = None, confirmed: Any = False
) -> AnswerCheck:
    try:
        return AnswerCheck(True, validate_answer(defn, link_id, value, unit, confirmed))
    except SoftLimitWarning as warning:
        return AnswerCheck(False, warning.value, warning.message, warning.kind, needs_confirmation=True)
    except AnswerError as error:
        return AnswerCheck(False, None, error.message, error.kind)


def normalise(item: Item, value: Any, unit: str | None, confirmed: bool) -> Any:
    """Validate `value` for `item` (see validate_answer); the item is already known.

    The common cases (a plain number in the canonical unit, a known option code, a bool)
    take a short path: this runs for every answer on every evaluation.
    """
    kind = item.type
    vtype = type(value)
    if unit is None:
        if kind == "choice" and vtype is str and value in item.option_by_code:
            return value
        if kind == "boolean" and vtype is bool:
            return value
        if (vtype is float or vtype is int) and (kind == "decimal" or kind == "integer"):
            number = float(value) if vtype is float else value
            if (vtype is float and number - number == 0.0) or (
                vtype is int and -_FAST_INT < number < _FAST_INT
            ):
                if kind == "integer":
                    if vtype is float:
                        if not number.is_integer():
                            return _number(item, value, None, confirmed)
                        number = int(number)
                elif vtype is int:
                    number = float(number)
                lo, hi = item.hard_min, item.hard_max
                if lo is not None and hi is not None and lo <= number <= hi:
                    s_lo, s_hi = item.soft_min, item.soft_max
                    if confirmed or ((s_lo is None or number >= s_lo) and (s_hi is None or number <= s_hi)):
                        return number
            return _number(item, value, None, confirmed)  # the full path builds the message
    if value is None or (vtype is str and not value.strip()):
        return None
    if kind == "decimal" or kind == "integer":
        return _number(item, value, unit, confirmed)
    if unit is not None:
        raise AnswerError(f"{item.label} does not take a unit.", item.link_id, UNKNOWN_UNIT)
    if kind == "choice":
        return _choice(item, value)
    if kind == "boolean":
        return _boolean(item, value)
    if kind == "string" or kind == "text":
        return _text(item, value)
    if kind == "date":
        return _date(item, value)
    raise AnswerError(f"'{item.label}' is a heading, not a question.", item.link_id, NOT_A_QUESTION)


_FAST_INT = 10**15


# -- numbers -------------------------------------------------------------------------
def _resolve_unit(item: Item, unit: str) -> str:
    if unit == item.unit or unit in item.unit_options:
        return unit
    code = units.unit_from_text(unit)
    if code is not None and (code == item.unit or code in item.unit_options):
        return code
    accepted = ", ".join(units.unit_label(u) for u in (item.unit, *item.unit_options))
    raise AnswerError(
        f"{item.label}: the unit '{unit[:20]}' is not one this check accepts ({accepted}).",
        item.link_id,
        UNKNOWN_UNIT,
    )


def _real(item: Item, value: Any) -> float:
    """A plain finite float from a number; refuses bools, NaN, infinities and absurd sizes."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, decimal.Decimal)):
        raise AnswerError(f"{item.label} must be a number, like 82.5.", item.link_id, WRONG_TYPE)
    try:
        number = float(value)
    except OverflowError:
        raise AnswerError(
            f"{item.label} is far too large: check the reading.", item.link_id, IMPOSSIBLE
        ) from None
    except (TypeError, ValueError, ArithmeticError):
        raise AnswerError(
            f"{item.label} must be a real number: check the reading.", item.link_id, NOT_FINITE
        ) from None
    if not math.isfinite(number):
        raise AnswerError(f"{item.label} must be a real number: check the reading.", item.link_id, NOT_FINITE)
    return number


def _number(item: Item, value: Any, unit: str | None, confirmed: bool) -> float | int:
    link = item.link_id
    unit_code = _resolve_unit(item, unit) if unit is not None else None
    typed_unit: str | None = None
    if isinstance(value, str):
        parsed = parse_number_text(value, item.label, link)
        value, typed_unit = parsed.value, parsed.unit
        if typed_unit is not None:
            if typed_unit != item.unit and typed_unit not in item.unit_options:
                _resolve_unit(item, typed_unit)  # raises with the accepted list
            if unit_code is not None and unit_code != typed_unit:
                raise AnswerError(
                    f"{item.label}: the text says {units.unit_label(typed_unit)} but the unit chosen is "
                    f"{units.unit_label(unit_code)}.",
                    link,
                    UNIT_CONFLICT,
                )
            unit_code = typed_unit
    assert item.unit is not None
    if unit_code is None:
        unit_code = item.unit
    number = 0.0
    if isinstance(value, (list, tuple)):
        canonical, typed = _compound(item, value, unit_code)
    else:
        number = _real(item, value)
        typed = None
        try:
            canonical = units.to_canonical(number, unit_code, item.unit, item.analyte)
        except (ValueError, OverflowError):
            raise AnswerError(
                f"{item.label}: {units.unit_label(unit_code)} cannot be used here.", link, UNKNOWN_UNIT
            ) from None
    if not math.isfinite(canonical):
        raise AnswerError(f"{item.label} is far too large: check the reading.", link, IMPOSSIBLE)
    if item.type == "integer":
        if not float(canonical).is_integer():
            raise AnswerError(
                f"{item.label} {_shown(item, typed, number, unit_code, canonical)} must be a whole number.",
                link,
                NOT_WHOLE,
            )
        canonical = int(canonical)
    if not _within(item, canonical, confirmed):
        try:
            _check_limits(
                item,
                canonical,
                _shown(item, typed, number, unit_code, canonical),
                confirmed,
                entered_in=unit_code,
            )
        except SoftLimitWarning:
            raise
        except AnswerError as error:
            hint = _other_unit_hint(item, number, unit_code) if typed is None else None
            if hint is None:
                raise
            raise AnswerError(f"{error.message} {hint}", link, error.kind) from None
    return canonical


def _other_unit_hint(item: Item, number: float, entered_in: str) -> str | None:
    """When the number is impossible in the unit chosen but fits in another unit the item
    offers (and is a usual value there), say which: HbA1c 6.5 in the mmol/mol box is 6.5 %,
    glucose 110 in the mmol/L box is 110 mg/dL. The nurse then switches the unit rather than
    retyping or guessing."""
    assert item.unit is not None
    for other in (item.unit, *item.unit_options):
        if other == entered_in:
            continue
        try:
            if other in units.COMPOUND_UNITS:
                canonical = units.compound_to_canonical(number, 0.0, other)
            else:
                canonical = units.to_canonical(number, other, item.unit, item.analyte)
        except (ValueError, OverflowError, ArithmeticError):
            continue
        if _within(item, canonical, False):  # a usual value in that unit, not merely a possible one
            label = units.unit_label(other)
            return f"If it was measured in {label}, choose {label} next to the box."
    return None


def _within(item: Item, value: float, confirmed: bool) -> bool:
    """True when the value passes hard (and, unless confirmed, soft) limits: no message needed."""
    lo, hi = item.hard_min, item.hard_max
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        return False
    if confirmed:
        return True
    s_lo, s_hi = item.soft_min, item.soft_max
    return not ((s_lo is not None and value < s_lo) or (s_hi is not None and value > s_hi))


def _shown(item: Item, typed: str | None, number: float, unit_code: str, canonical: float) -> str:
    """The value as the nurse entered it, with the canonical value when the unit differs."""
    if typed is None:
        typed = f"{units.format_number(number)} {units.unit_label(unit_code)}"
    if unit_code == item.unit:
        return typed
    return f"{typed} ({units.format_number(canonical)} {units.unit_label(item.unit)})"


def _part(item: Item, part: Any) -> float:
    """One box of stones-and-pounds or feet-and-inches; typed text gets the same specific message
    as a single box ("82,5" has a comma) rather than a general one."""
    if isinstance(part, str):
        try:
            parsed = parse_number_text(part, item.label, item.link_id)
        except AnswerError as error:  # its words, but a box of two parts keeps the kind WRONG_TYPE
            raise AnswerError(error.message, item.link_id, WRONG_TYPE) from None
        if parsed.unit is not None:
            raise AnswerError(
                f"{item.label}: type only the number in each box; the units are beside them.",
                item.link_id,
                WRONG_TYPE,
            )
        part = parsed.value
    return _real(item, part)


def _compound(item: Item, value: list[Any] | tuple[Any, ...], unit_code: str) -> tuple[float, str]:
    link = item.link_id
    if unit_code not in units.COMPOUND_UNITS:
        raise AnswerError(f"{item.label} must be one number, like 82.5.", link, WRONG_TYPE)
    small_name, _, _ = units.COMPOUND_UNITS[unit_code]
    big_label = units.unit_label(unit_code)
    small_label = "lb" if unit_code == "[stone_av]" else "in"
    if len(value) != 2:
        raise AnswerError(
            f"{item.label} in {big_label} needs two numbers: {big_label} and {small_name}.", link, BAD_PARTS
        )
    big, small = _part(item, value[0]), _part(item, value[1])
    limit = units.COMPOUND_PART_LIMIT[unit_code]
    typed = f"{units.format_number(big)} {big_label} {units.format_number(small)} {small_label}"
    if big < 0 or small < 0 or small >= limit:
        raise AnswerError(
            f"{item.label} {typed}: {small_name} must be from 0 to under {limit}.", link, BAD_PARTS
        )
    return units.compound_to_canonical(big, small, unit_code), typed


def _check_limits(
    item: Item, value: float, shown: str, confirmed: bool, entered_in: str | None = None
) -> None:
    lo, hi = item.hard_min, item.hard_max
    unit = units.unit_label(item.unit)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        slip = (
            (hi is not None and value > 2 * hi)
            or (lo is not None and lo > 0 and value < lo / 2)
            or (lo is not None and lo >= 0 and value < 0)
        )
        if slip:
            raise AnswerError(
                f"{item.label} {shown} is not possible: check the reading.", item.link_id, IMPOSSIBLE
            )
        raise AnswerError(
            f"{item.label} {shown} is outside what this check accepts "
            f"({units.format_number(lo or 0)}-{units.format_number(hi or 0)} {unit}).",
            item.link_id,
            OUT_OF_RANGE,
        )
    if confirmed:
        return
    s_lo, s_hi = item.soft_min, item.soft_max
    if (s_lo is not None and value < s_lo) or (s_hi is not None and value > s_hi):
        if s_lo is not None and s_hi is not None:
            usual = f"usually {units.format_number(s_lo)}-{units.format_number(s_hi)} {unit}"
        elif s_lo is not None:
            usual = f"usually at least {units.format_number(s_lo)} {unit}"
        else:
            usual = f"usually at most {units.format_number(s_hi or 0)} {unit}"
        check = "check the reading"
        if entered_in == item.unit and "mg/dL" in item.unit_options and s_hi is not None and value > s_hi:
            # A US-style lab slip in the mmol/L box (glucose 95, cholesterol 200) lands here, not at the
            # hard limit, because very high real values must stay recordable.
            check = "check the reading and its unit (mg/dL?)"
        raise SoftLimitWarning(
            f"{item.label} {shown} is unusual ({usual}): {check}, then confirm it.",
            item.link_id,
            value,
            s_lo,
            s_hi,
        )


# -- other types ---------------------------------------------------------------------
def _choice(item: Item, value: Any) -> str:
    code = value.get("code") if isinstance(value, Mapping) else value
    if isinstance(code, str):
        code = code.strip()
        if code in item.option_by_code:
            return code
    shown = code[:40] if isinstance(code, str) else type(value).__name__
    choices = "; ".join(o.display for o in item.options)
    raise AnswerError(
        f"{item.label}: '{shown}' is not one of the choices ({choices}).", item.link_id, UNKNOWN_OPTION
    )


def _boolean(item: Item, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    raise AnswerError(f"{item.label} must be yes or no.", item.link_id, WRONG_TYPE)


def _text(item: Item, value: Any) -> str:
    if not isinstance(value, str):
        raise AnswerError(f"{item.label} must be text.", item.link_id, WRONG_TYPE)
    text = value.strip()
    if len(text) > item.max_length:
        raise AnswerError(
            f"{item.label} is too long ({len(text):,} characters; at most {item.max_length:,}).",
            item.link_id,
            TOO_LONG,
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise AnswerError(
            f"{item.label} contains characters that cannot be saved: retype it.", item.link_id, BAD_TEXT
        ) from None
    if "\x00" in text:
        raise AnswerError(
            f"{item.label} contains characters that cannot be saved: retype it.", item.link_id, BAD_TEXT
        )
    return text


# Dates as nurses type them: UK day-first (31/03/2027, 1/3/2027) or ISO (2027-03-31). Never month-first.
_UK_DATE = re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})")
_ISO_DATE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})")


def _date(item: Item, value: Any) -> _dt.date:
    """A date answer from a date, or from text typed day/month/year (UK order) or year-month-day.
    A date that has the right shape but cannot exist (30/02/2027) is refused as not real."""
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        day = value
    elif isinstance(value, str):
        text = value.strip()
        match = _UK_DATE.fullmatch(text) or _ISO_DATE.fullmatch(text)
        if match is None:
            raise AnswerError(
                f"{item.label} '{text[:20]}' is not a date: type it as day/month/year, e.g. 31/01/2026.",
                item.link_id,
                BAD_DATE,
            )
        try:
            day = _dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            raise AnswerError(
                f"{item.label} '{text}' is not a real date: check the day and the month.",
                item.link_id,
                BAD_DATE,
            ) from None
    else:
        raise AnswerError(
            f"{item.label} '{type(value).__name__}' is not a date: "
            "type it as day/month/year, e.g. 31/01/2026.",
            item.link_id,
            BAD_DATE,
        )
    if not _EARLIEST_DATE <= day <= _LATEST_DATE:
        raise AnswerError(
            f"{item.label} {day.isoformat()} is not a possible date: check it.", item.link_id, BAD_DATE
        )
    return day


__all__ = ["AnswerCheck", "check_answer", "normalise", "validate_answer", "validate_entry"]
