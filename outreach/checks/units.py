"""Units a nurse may type, and the conversions to the unit the check records.

Every measurement is stored in one canonical UCUM unit (kg, cm, mmol/L ...), so that
calculators, findings and the shared record never see pounds or mg/dL. A nurse can
still enter what the scales or the lab slip show: the item lists the other units it
accepts (SDC ``questionnaire-unitOption``), and this module converts them.

Two units are compound: stones may come with pounds (``[12, 5]`` = 12 st 5 lb) and
feet with inches (``[5, 10]`` = 5 ft 10 in).

mg/dL depends on the substance measured, so the conversion takes an *analyte*.
"""

from __future__ import annotations

import math
from typing import Final

# Exact definitions of the imperial units (international yard and pound, 1959).
KG_PER_LB: Final = 0.45359237
KG_PER_STONE: Final = 14 * KG_PER_LB  # a stone is 14 lb
CM_PER_INCH: Final = 2.54
CM_PER_FOOT: Final = 12 * CM_PER_INCH

# mg/dL -> mmol/L divisors, from the molar masses.
MG_DL_PER_MMOL_L: Final = {
    "glucose": 18.016,  # glucose 180.16 g/mol
    "cholesterol": 38.67,  # cholesterol 386.65 g/mol (total and HDL)
    "triglyceride": 88.57,  # triolein 885.7 g/mol, the usual lab convention
}

# HbA1c DCCT % -> IFCC mmol/mol (IFCC-DCCT master equation): IFCC = (DCCT - 2.15) x 10.929
HBA1C_DCCT_OFFSET: Final = 2.15
HBA1C_IFCC_FACTOR: Final = 10.929

# Decimal places a converted lab value is recorded to: what a UK laboratory reports in the canonical
# unit. Without this, the published equivalents fall just below the thresholds they stand for:
# HbA1c 6.5% is 47.54 mmol/mol exactly but is the 48 mmol/mol diabetes threshold (WHO 2011, NICE NG28),
# and fasting glucose 126 mg/dL is 6.994 mmol/L but is the 7.0 mmol/L threshold.
REPORTED_DECIMALS: Final = {
    "hba1c": 0,  # IFCC HbA1c is reported in whole mmol/mol
    "glucose": 1,  # plasma glucose to 0.1 mmol/L
    "cholesterol": 2,  # two places keep the total/HDL ratio for QRISK3 accurate
    "triglyceride": 2,
}

# Canonical units the check records, with the words shown to the nurse.
CANONICAL_UNITS: Final[dict[str, str]] = {
    "kg": "kg",
    "cm": "cm",
    "mm[Hg]": "mmHg",
    "/min": "bpm",
    "mmol/L": "mmol/L",
    "mmol/mol": "mmol/mol",
    "/d": "a day",
    "kg/m2": "kg/m²",
}

# Other units an item may accept, with their display words.
ALTERNATIVE_UNITS: Final[dict[str, str]] = {
    "[lb_av]": "lb",
    "[stone_av]": "st",
    "[in_i]": "in",
    "[ft_i]": "ft",
    "mg/dL": "mg/dL",
    "%": "%",
}

COMPOUND_UNITS: Final[dict[str, tuple[str, float, float]]] = {
    # unit: (name of the smaller part, canonical per big unit, canonical per small unit)
    "[stone_av]": ("pounds", KG_PER_STONE, KG_PER_LB),
    "[ft_i]": ("inches", CM_PER_FOOT, CM_PER_INCH),
}
# How many small units make one big one: a pound part must be below 14, inches below 12.
COMPOUND_PART_LIMIT: Final[dict[str, int]] = {"[stone_av]": 14, "[ft_i]": 12}

_LINEAR: Final[dict[tuple[str, str], float]] = {
    ("[lb_av]", "kg"): KG_PER_LB,
    ("[stone_av]", "kg"): KG_PER_STONE,
    ("[in_i]", "cm"): CM_PER_INCH,
    ("[ft_i]", "cm"): CM_PER_FOOT,
}

# What people type, lower-cased, mapped to UCUM. Used when a unit comes as free text.
UNIT_ALIASES: Final[dict[str, str]] = {
    "kg": "kg", "kgs": "kg", "kilo": "kg", "kilos": "kg", "kilogram": "kg", "kilograms": "kg",
    "lb": "[lb_av]", "lbs": "[lb_av]", "pound": "[lb_av]", "pounds": "[lb_av]", "[lb_av]": "[lb_av]",
    "st": "[stone_av]", "stone": "[stone_av]", "stones": "[stone_av]", "[stone_av]": "[stone_av]",
    "cm": "cm", "cms": "cm", "centimetre": "cm", "centimetres": "cm",
    "in": "[in_i]", "inch": "[in_i]", "inches": "[in_i]", '"': "[in_i]", "''": "[in_i]", "[in_i]": "[in_i]",
    "ft": "[ft_i]", "foot": "[ft_i]", "feet": "[ft_i]", "'": "[ft_i]", "[ft_i]": "[ft_i]",
    "mmhg": "mm[Hg]", "mm[hg]": "mm[Hg]", "mm hg": "mm[Hg]",
    "bpm": "/min", "/min": "/min", "beats/min": "/min", "per minute": "/min",
    "mmol/l": "mmol/L", "mmol": "mmol/L",
    "mg/dl": "mg/dL",
    "%": "%", "percent": "%",
    "mmol/mol": "mmol/mol",
    "/d": "/d", "a day": "/d", "per day": "/d", "/day": "/d",
    "kg/m2": "kg/m2", "kg/m²": "kg/m2",
}


def unit_label(code: str | None) -> str:
    """Words for a unit in a message ("mmHg", not "mm[Hg]")."""
    if not code:
        return ""
    return CANONICAL_UNITS.get(code) or ALTERNATIVE_UNITS.get(code) or code


def unit_from_text(text: str) -> str | None:
    """UCUM code for what a person typed as a unit, or None when it is not one we know."""
    key = " ".join(text.strip().lower().split())
    return UNIT_ALIASES.get(key)


def can_convert(from_unit: str, to_unit: str, analyte: str | None = None) -> bool:
    """Whether `to_canonical` knows this conversion (checked when a definition loads)."""
    if from_unit == to_unit:
        return to_unit in CANONICAL_UNITS
    if (from_unit, to_unit) in _LINEAR:
        return True
    if from_unit == "mg/dL" and to_unit == "mmol/L":
        return analyte in MG_DL_PER_MMOL_L
    if from_unit == "%" and to_unit == "mmol/mol":
        return analyte == "hba1c"
    return False


def to_canonical(value: float, from_unit: str, to_unit: str, analyte: str | None = None) -> float:
    """Convert one number. The caller has checked `can_convert`; unknown pairs give ValueError.

    A lab value converted from mg/dL or % is rounded to REPORTED_DECIMALS, so it is recorded, shown
    and classed as the laboratory would have reported it in the canonical unit. Body measurements
    are not rounded.
    """
    if from_unit == to_unit:
        return value
    factor = _LINEAR.get((from_unit, to_unit))
    if factor is not None:
        return value * factor
    if from_unit == "mg/dL" and to_unit == "mmol/L" and analyte in MG_DL_PER_MMOL_L:
        return round(value / MG_DL_PER_MMOL_L[analyte], REPORTED_DECIMALS[analyte])
    if from_unit == "%" and to_unit == "mmol/mol" and analyte == "hba1c":
        return float(round((value - HBA1C_DCCT_OFFSET) * HBA1C_IFCC_FACTOR, REPORTED_DECIMALS["hba1c"]))
    raise ValueError(f"no conversion from {from_unit} to {to_unit}")


def compound_to_canonical(big: float, small: float, unit: str) -> float:
    """Stones and pounds to kg, or feet and inches to cm."""
    _, per_big, per_small = COMPOUND_UNITS[unit]
    return big * per_big + small * per_small


def stones_pounds_to_kg(stones: float, pounds: float = 0.0) -> float:
    return compound_to_canonical(stones, pounds, "[stone_av]")


def feet_inches_to_cm(feet: float, inches: float = 0.0) -> float:
    return compound_to_canonical(feet, inches, "[ft_i]")


def pounds_to_kg(pounds: float) -> float:
    return pounds * KG_PER_LB


def inches_to_cm(inches: float) -> float:
    return inches * CM_PER_INCH


def glucose_mg_dl_to_mmol_l(mg_dl: float) -> float:
    return mg_dl / MG_DL_PER_MMOL_L["glucose"]


def cholesterol_mg_dl_to_mmol_l(mg_dl: float) -> float:
    return mg_dl / MG_DL_PER_MMOL_L["cholesterol"]


def hba1c_percent_to_mmol_mol(percent: float) -> float:
    return (percent - HBA1C_DCCT_OFFSET) * HBA1C_IFCC_FACTOR


def format_number(value: float) -> str:
    """A number as a nurse would write it: 82.5, 1200, 0.45 (at most two decimals)."""
    if not math.isfinite(value):  # nan, inf and -inf are shown as Python writes them
        return str(value)
    if abs(value) >= 1e9:
        return f"{value:.3g}"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
