"""Answers as they are kept, and the errors an answer can earn.

Stored shape (JSON-friendly, what the store persists and the UI edits)::

    answers = {
        "weight.status": "done",                                   # bare value: canonical unit
        "weight.weight": {"value": "12 st 5 lb"},                  # text as typed
        "weight.height": {"value": [5, 10], "unit": "[ft_i]"},     # feet and inches
        "blood_pressure.systolic": {"value": 210, "confirmed": true},  # unusual, confirmed by the nurse
        "lipids.total_cholesterol": {"value": 232, "unit": "mg/dL"},
    }

A value is either bare, or an object with ``value`` and optional ``unit`` (UCUM code or
what people type: "lb", "mg/dl") and ``confirmed`` (true once the nurse has confirmed an
unusual value). Choices store the option code; yes/no stores true/false; dates store
"YYYY-MM-DD". A missing key, ``None`` or blank text means "not answered".

Pasted text is handled so:
* surrounding and inner spaces are ignored ("  82.5 kg ", "82.5kg");
* a unit written after the number is used ("82.5 kg", "180 lb", "12 st 5 lb", "5 ft 10 in",
  "5'10"); if a separate unit was also given they must agree;
* **any comma is refused** ("82,5", "1,200"): a decimal comma and a thousands separator
  cannot be told apart, and guessing a clinical value wrong by a factor of 1000 is worse
  than asking the nurse to retype it with a point;
* exponents, hex, words and other digits are refused as "not a number".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from outreach.checks import units
from outreach.errors import ValidationError

# Kinds of answer error; the UI may style them differently, tests check each one.
UNKNOWN_ITEM: Final = "unknown_item"
NOT_A_QUESTION: Final = "not_a_question"
WRONG_TYPE: Final = "wrong_type"
NOT_A_NUMBER: Final = "not_a_number"
DECIMAL_COMMA: Final = "decimal_comma"
NOT_FINITE: Final = "not_finite"
NOT_WHOLE: Final = "not_whole"
UNKNOWN_UNIT: Final = "unknown_unit"
UNIT_CONFLICT: Final = "unit_conflict"
BAD_PARTS: Final = "bad_parts"
IMPOSSIBLE: Final = "impossible"
OUT_OF_RANGE: Final = "out_of_range"
UNUSUAL: Final = "unusual"
UNKNOWN_OPTION: Final = "unknown_option"
TOO_LONG: Final = "too_long"
BAD_TEXT: Final = "bad_text"
BAD_DATE: Final = "bad_date"
BAD_ENTRY: Final = "bad_entry"

MAX_NUMBER_TEXT: Final = 60


class AnswerError(ValidationError):
    """An answer was refused. `kind` says why (one of the constants above); `item` is the linkId."""

    def __init__(self, message: str, item: str | None, kind: str) -> None:
        super().__init__(message, item=item)
        self.kind = kind


class SoftLimitWarning(AnswerError):
    """The value is possible but unusual: the nurse must confirm it before it counts.

    Raised (not returned) so that a caller who forgets to handle it cannot record an
    unconfirmed value by accident. Re-validate with ``confirmed=True`` to accept it.
    `value` holds the normalised value that would be recorded.
    """

    def __init__(
        self, message: str, item: str | None, value: float, low: float | None, high: float | None
    ) -> None:
        super().__init__(message, item, UNUSUAL)
        self.value = value
        self.low = low
        self.high = high


@dataclass(frozen=True, slots=True)
class AnswerEntry:
    """One stored answer: the value as given, its unit, and whether an unusual value was confirmed."""

    value: Any
    unit: str | None = None
    confirmed: bool = False

    def to_json(self) -> Any:
        """The stored form: a bare value when there is nothing else to say."""
        if self.unit is None and not self.confirmed and not isinstance(self.value, (Mapping, list, tuple)):
            return self.value
        out: dict[str, Any] = {"value": list(self.value) if isinstance(self.value, tuple) else self.value}
        if self.unit is not None:
            out["unit"] = self.unit
        if self.confirmed:
            out["confirmed"] = True
        return out


def entry_from_json(raw: Any, link_id: str | None = None) -> AnswerEntry:
    """Read one stored answer; an object must hold `value` and may hold `unit` and `confirmed`."""
    if isinstance(raw, AnswerEntry):
        return raw
    if isinstance(raw, Mapping):
        if "value" not in raw or any(k not in ("value", "unit", "confirmed") for k in raw):
            raise AnswerError(
                "This answer is not in a form the check can read: re-enter it.", link_id, BAD_ENTRY
            )
        unit = raw.get("unit")
        confirmed = raw.get("confirmed", False)
        if unit is not None and not isinstance(unit, str):
            raise AnswerError(
                "The unit of this answer is not readable: choose the unit again.", link_id, BAD_ENTRY
            )
        if not isinstance(confirmed, bool):
            raise AnswerError(
                "Whether this answer was confirmed is not readable: confirm it again.", link_id, BAD_ENTRY
            )
        return AnswerEntry(raw["value"], unit, confirmed)
    return AnswerEntry(raw)


_DIGIT_LOOKALIKES: Final = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1"})
_LOOKALIKE_RUN_RE: Final = re.compile(r"[+-]?[0-9.OolI]+", re.ASCII)
_PLAIN_NUMBER_RE: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
_NUMBER_RE: Final = re.compile(r"([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))\s*(.*)", re.ASCII | re.DOTALL)
_NUM: Final = r"([0-9]+(?:\.[0-9]+)?)"
_STONES_RE: Final = re.compile(
    _NUM + r"\s*(?:st|stone|stones)\s*" + _NUM + r"\s*(?:lb|lbs|pounds?)?", re.ASCII | re.IGNORECASE
)
_FEET_RE: Final = re.compile(
    _NUM + r"\s*(?:ft|feet|foot|')\s*" + _NUM + r"\s*(?:in|inch|inches|\"|'')?", re.ASCII | re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    """A number read from text: one figure, or two for stones+pounds / feet+inches, and any unit written."""

    value: float | tuple[float, float]
    unit: str | None


def _refuse_lookalike(s: str, shown: str, label: str, link_id: str | None) -> None:
    """'17O', '17O cm', '17Ocm' or 'l00': a letter typed for the digit it looks like (not a unit, not a
    word). Say which mistake it most likely is; never read it as the number it resembles."""
    run = _LOOKALIKE_RUN_RE.match(s)
    if run is None:
        return
    for end in range(len(run.group(0)), 0, -1):  # the longest figure that leaves a unit (or nothing)
        figure, rest = s[:end], s[end:].strip()
        if figure == figure.translate(_DIGIT_LOOKALIKES) or not _PLAIN_NUMBER_RE.fullmatch(
            figure.translate(_DIGIT_LOOKALIKES)
        ):
            continue
        if rest and units.unit_from_text(rest) is None:
            continue
        raise AnswerError(
            f"{label} '{shown}' has a letter where a digit should be (the letter O for zero, or l for one): "
            "type digits only.",
            link_id,
            NOT_A_NUMBER,
        )


def parse_number_text(text: str, label: str, link_id: str | None = None) -> ParsedNumber:
    """Read a number (and maybe a unit) out of what was typed or pasted. See the module notes."""
    s = text.strip()
    shown = s if len(s) <= MAX_NUMBER_TEXT else s[:MAX_NUMBER_TEXT] + "..."
    if len(s) > MAX_NUMBER_TEXT:
        raise AnswerError(
            f"{label} '{shown}' is not a number: type digits, like 82.5.", link_id, NOT_A_NUMBER
        )
    if "," in s:
        raise AnswerError(
            f"{label} '{shown}' has a comma: use a point for decimals (82.5) and no thousands separator.",
            link_id,
            DECIMAL_COMMA,
        )
    m = _STONES_RE.fullmatch(s)
    if m:
        return ParsedNumber((float(m.group(1)), float(m.group(2))), "[stone_av]")
    m = _FEET_RE.fullmatch(s)
    if m:
        return ParsedNumber((float(m.group(1)), float(m.group(2))), "[ft_i]")
    m = _NUMBER_RE.fullmatch(s)
    if not m:
        _refuse_lookalike(s, shown, label, link_id)
        raise AnswerError(
            f"{label} '{shown}' is not a number: type digits, like 82.5.", link_id, NOT_A_NUMBER
        )
    number = float(m.group(1))
    rest = m.group(2).strip()
    if not rest:
        return ParsedNumber(number, None)
    unit = units.unit_from_text(rest)
    if unit is None:
        _refuse_lookalike(s, shown, label, link_id)
        raise AnswerError(f"{label}: '{rest}' is not a unit this check knows.", link_id, UNKNOWN_UNIT)
    return ParsedNumber(number, unit)
