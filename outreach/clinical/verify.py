"""Checking the calculators against reference values without the app (clinical safety evidence).

A clinical safety officer writes a JSON list of cases, runs
`outreach verify-calculators FILE.json`, and compares the printed results with
their own reference values. Every case gets a result in the same order; a case
the calculator refuses gets an "error" in plain words instead of stopping the
run, so one bad case never hides the others. Results are full precision.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from outreach.clinical.audit_c import score_audit_c
from outreach.clinical.blood_pressure import classify_blood_pressure
from outreach.clinical.bmi import calculate_bmi
from outreach.clinical.glycaemia import classify_glucose, classify_hba1c
from outreach.clinical.inputs import describe
from outreach.clinical.lipids import calculate_lipids
from outreach.clinical.nhs_number import check_nhs_number
from outreach.clinical.pulse import classify_pulse
from outreach.clinical.qrisk3 import NOT_APPLICABLE, QRisk3Inputs, calculate_qrisk3, qrisk3_exclusion
from outreach.clinical.smoking import smoking_category, smoking_snomed
from outreach.errors import ValidationError

_Calculator = Callable[[Mapping[str, Any]], dict[str, Any]]


def _fields(inputs: Mapping[str, Any], required: tuple[str, ...], optional: tuple[str, ...] = ()) -> None:
    unknown = sorted(str(k) for k in inputs if k not in required and k not in optional)
    if unknown:
        raise ValidationError(f"Unknown input {', '.join(describe(k) for k in unknown)}: "
                              f"this calculator takes {', '.join(required + optional)}")


def _qrisk3(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The model's score, or "does not apply" as a result (not an error) for someone outside it.

    Besides the model's inputs a case may say `existing_cvd` and `on_statin` (true/false), as the
    check asks. Age outside 25-84, existing CVD or a statin give {"applies": false, "reason": ...}.
    Type 1 diabetes is one of the model's own inputs, so the model's score is given (the check
    itself follows NICE NG238 and does not use it for people with type 1 diabetes).
    """
    model = dict(inputs)
    flags = {name: model.pop(name, None) for name in ("existing_cvd", "on_statin")}
    for name, value in flags.items():
        if value is not None and not isinstance(value, bool):
            raise ValidationError(f"{name} must be true or false")
    age = model.get("age_years")
    known_age = age if isinstance(age, int) and not isinstance(age, bool) else None
    excluded = qrisk3_exclusion(known_age, existing_cvd=flags["existing_cvd"], on_statin=flags["on_statin"])
    if excluded is not None:
        return {"applies": False, "reason": NOT_APPLICABLE[excluded]}
    result = calculate_qrisk3(QRisk3Inputs.from_mapping(model))
    return {"risk_percent": result.risk_percent}


def _nhs_number(inputs: Mapping[str, Any]) -> dict[str, Any]:
    _fields(inputs, ("nhs_number",))
    check = check_nhs_number(inputs.get("nhs_number"))  # type: ignore[arg-type]
    if check.valid:
        return {"valid": True, "normalised": check.normalised}
    return {"valid": False, "reason": check.reason}


def _bmi(inputs: Mapping[str, Any]) -> dict[str, Any]:
    _fields(inputs, ("weight_kg", "height_cm"), ("ethnicity",))
    result = calculate_bmi(inputs.get("weight_kg"), inputs.get("height_cm"), inputs.get("ethnicity"))  # type: ignore[arg-type]
    return {
        "bmi_kg_m2": result.bmi_kg_m2,
        "category": result.category,
        "lower_thresholds": result.lower_thresholds,
    }


def _audit_c(inputs: Mapping[str, Any]) -> dict[str, Any]:
    _fields(inputs, ("q1", "q2", "q3"))
    result = score_audit_c(inputs.get("q1"), inputs.get("q2"), inputs.get("q3"))  # type: ignore[arg-type]
    return {"score": result.score, "band": result.band}


def _blood_pressure(inputs: Mapping[str, Any]) -> dict[str, Any]:
    _fields(inputs, ("systolic_mmhg", "diastolic_mmhg"))
    result = classify_blood_pressure(inputs.get("systolic_mmhg"), inputs.get("diastolic_mmhg"))  # type: ignore[arg-type]
    return {"category": result.category, "urgent": result.urgent}


def _pulse(inputs: Mapping[str, Any]) -> dict[str, Any]:
    _fields(inputs, ("rate_bpm",), ("irregular",))
    result = classify_pulse(inputs.get("rate_bpm"), inputs.get("irregular", False))  # type: ignore[arg-type]
    return {"category": result.category, "needs_review": result.needs_review}


def _hba1c(inputs: Mapping[str, Any]) -> dict[str, Any]:
    _fields(inputs, ("mmol_mol",))
    return {"band": classify_hba1c(inputs.get("mmol_mol")).band}  # type: ignore[arg-type]


def _glucose(inputs: Mapping[str, Any]) -> dict[str, Any]:
    _fields(inputs, ("mmol_l", "fasting"))
    return {"band": classify_glucose(inputs.get("mmol_l"), inputs.get("fasting")).band}  # type: ignore[arg-type]


def _lipids(inputs: Mapping[str, Any]) -> dict[str, Any]:
    _fields(inputs, ("total_cholesterol_mmol_l", "hdl_mmol_l"))
    result = calculate_lipids(inputs.get("total_cholesterol_mmol_l"), inputs.get("hdl_mmol_l"))  # type: ignore[arg-type]
    return {"tc_hdl_ratio": result.tc_hdl_ratio, "non_hdl_mmol_l": result.non_hdl_mmol_l}


def _smoking(inputs: Mapping[str, Any]) -> dict[str, Any]:
    _fields(inputs, ("status",), ("cigarettes_per_day",))
    status, per_day = inputs.get("status"), inputs.get("cigarettes_per_day")
    code = smoking_snomed(status, per_day)  # type: ignore[arg-type]
    return {
        "qrisk3_category": smoking_category(status, per_day),  # type: ignore[arg-type]
        "snomed_code": code.code,
        "snomed_display": code.display,
    }


# The five calculators of the verification file format, then the other calculators the check uses.
CALCULATORS: Mapping[str, _Calculator] = {
    "qrisk3": _qrisk3,
    "nhs_number": _nhs_number,
    "bmi": _bmi,
    "audit_c": _audit_c,
    "blood_pressure": _blood_pressure,
    "pulse": _pulse,
    "hba1c": _hba1c,
    "glucose": _glucose,
    "lipids": _lipids,
    "smoking": _smoking,
}


def _json_safe(value: object) -> object:
    """Echo an id back only if it is plain JSON data (never NaN or an object)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    return describe(value)


def run_case(case: object) -> dict[str, Any]:
    """Result (or error) for one case, echoing its id and calculator."""
    if not isinstance(case, dict):
        return {
            "id": None,
            "calculator": None,
            "error": "Each case must be an object with id, calculator and inputs",
        }
    out: dict[str, Any] = {"id": _json_safe(case.get("id")), "calculator": _json_safe(case.get("calculator"))}
    calculator = case.get("calculator")
    inputs = case.get("inputs")
    unknown = sorted(str(k) for k in case if k not in ("id", "calculator", "inputs"))
    if unknown:
        out["error"] = f"Unknown key {', '.join(unknown)} in the case (use id, calculator, inputs)"
    elif not isinstance(calculator, str) or calculator not in CALCULATORS:
        out["error"] = f"Unknown calculator {describe(calculator)} (use {', '.join(CALCULATORS)})"
    elif not isinstance(inputs, dict):
        out["error"] = "The case has no inputs object"
    else:
        try:
            out["result"] = CALCULATORS[calculator](inputs)
        except ValidationError as exc:
            out["error"] = exc.message
    return out


def run_cases(cases: object) -> list[dict[str, Any]]:
    """Results for a list of cases, in the same order."""
    if not isinstance(cases, list):
        raise ValidationError("The cases file must hold a JSON list of cases")
    return [run_case(case) for case in cases]


def load_cases(path: str | Path) -> list[Any]:
    """Read a cases file; ValidationError when it cannot be read or parsed."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValidationError(f"Cannot read {file}: there is no such file") from None
    except IsADirectoryError:
        raise ValidationError(f"Cannot read {file}: it is a folder, not a file") from None
    except PermissionError:
        raise ValidationError(f"Cannot read {file}: permission denied") from None
    except UnicodeDecodeError:
        raise ValidationError(f"Cannot read {file}: it is not UTF-8 text") from None
    except OSError as exc:
        raise ValidationError(f"Cannot read {file}: {exc.strerror or exc.__class__.__name__}") from None
    return parse_cases(text, str(file))


def parse_cases(text: str, name: str = "the cases") -> list[Any]:
    """Parse the JSON text of a cases file."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{name} is not valid JSON (line {exc.lineno}, column {exc.colno})") from None
    except (ValueError, RecursionError):
        raise ValidationError(f"{name} is not valid JSON") from None
    if not isinstance(data, list):
        raise ValidationError(f"{name} must hold a JSON list of cases")
    return data


def results_json(results: list[dict[str, Any]]) -> str:
    """The results as JSON text: full-precision floats, no NaN (calculators never produce one)."""
    return json.dumps(results, indent=2, ensure_ascii=False, allow_nan=False)
