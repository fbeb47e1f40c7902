"""Checking the raw values handed to a calculator.

Every calculator takes values that came from a form, a JSON file or a sync
payload, so anything can arrive: text, None, booleans, NaN, infinity or an
integer with thousands of digits. These helpers turn such a value into a plain
float or int, or raise `CalculationError` with a message a nurse can act on
and the field name in `item`. Nothing else may escape: a calculator that
crashes on odd input would lose the worker's place in the check.
"""

from __future__ import annotations

import math
from decimal import Decimal
from numbers import Real

from outreach.errors import CalculationError

# Integers larger than this are never a reading; checked before any float()
# conversion so that huge ints cannot overflow.
_HUGE = 10**15


def describe(value: object) -> str:
    """Show a value inside a message without ever failing (huge ints, NaN, odd objects)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value}" if abs(value) < _HUGE else "an impossibly large number"
    if isinstance(value, float):
        if math.isnan(value):
            return "not a number"
        if math.isinf(value):
            return "infinity"
        if abs(value) >= _HUGE:
            return "an impossibly large number"
        return f"{value:g}"
    if isinstance(value, str):
        shown = value if len(value) <= 20 else value[:20] + "..."
        return f'"{shown}"'
    if value is None:
        return "nothing"
    return "a value of the wrong kind"


def number(value: object, *, item: str, label: str, unit: str, low: float, high: float) -> float:
    """Return `value` as a finite float within [low, high], or raise CalculationError.

    `label` is the nurse's name for the reading ("Systolic blood pressure") and
    `unit` its unit as shown on screen ("mmHg"; "" for none).
    """
    if type(value) is float and value - value == 0 and low <= value <= high:  # fast path: finite, in range
        return value
    if type(value) is int and low <= value <= high:
        return float(value)
    if value is None:
        raise CalculationError(f"{label} is missing: enter it to continue", item=item)
    if isinstance(value, bool) or not isinstance(value, (Real, Decimal)):
        raise CalculationError(f"{label} must be a number, not {describe(value)}", item=item)
    if isinstance(value, int) and abs(value) >= _HUGE:  # before float(): huge ints overflow
        raise CalculationError(f"{label} is an impossibly large number: check the reading", item=item)
    try:
        result = float(value)
    except (OverflowError, ValueError, TypeError, ArithmeticError):
        raise CalculationError(f"{label} is not a usable number: check the reading", item=item) from None
    if math.isnan(result):
        raise CalculationError(f"{label} is not a number (NaN): enter the reading again", item=item)
    if math.isinf(result):
        raise CalculationError(f"{label} is infinite: enter the reading again", item=item)
    if not low <= result <= high:
        shown = f"{describe(result)} {unit}".strip()
        raise CalculationError(
            f"{label} {shown} is not possible: check the reading "
            f"(expected {low:g} to {high:g}{(' ' + unit) if unit else ''})",
            item=item,
        )
    return result


def whole_number(value: object, *, item: str, label: str, low: int, high: int) -> int:
    """Return `value` as an int within [low, high]; a float is accepted only if it is whole (2.0)."""
    result = number(value, item=item, label=label, unit="", low=low, high=high)
    if result != int(result):
        raise CalculationError(f"{label} must be a whole number, not {describe(result)}", item=item)
    return int(result)


def flag(value: object, *, item: str, label: str) -> bool:
    """Return a yes/no answer as bool; True/False or 1/0 only (never text such as "no")."""
    if value is None:
        raise CalculationError(f"{label}: answer yes or no", item=item)
    if isinstance(value, bool):
        return value
    if type(value) is int and value in (0, 1):
        return bool(value)
    raise CalculationError(f"{label} must be yes or no, not {describe(value)}", item=item)


def choice(value: object, allowed: tuple[str, ...], *, item: str, label: str) -> str:
    """Return `value` if it is one of the allowed words, else raise naming the choices."""
    if value is None:
        raise CalculationError(f"{label} is missing: choose one of {', '.join(allowed)}", item=item)
    if not isinstance(value, str) or value not in allowed:
        raise CalculationError(
            f"{label} must be one of {', '.join(allowed)}, not {describe(value)}", item=item
        )
    return value
