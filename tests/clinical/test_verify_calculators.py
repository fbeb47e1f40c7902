"""`outreach verify-calculators` run as a real program, against the published QRISK3 reference values."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from outreach.clinical.verify import run_case, run_cases
from outreach.errors import ValidationError
from tests.clinical.test_qrisk3 import CASES as QRISK3_REFERENCE
from tests.clinical.test_qrisk3 import _agrees
from tests.conftest import ROOT

VENV_PYTHON = ROOT / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "cli", "verify-calculators", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120, input=stdin, check=False,
    )


OTHER_CASES = [
    ({"id": "nhs-ok", "calculator": "nhs_number", "inputs": {"nhs_number": "943 476 5919"}},
     {"valid": True, "normalised": "9434765919"}),
    ({"id": "nhs-hyphens", "calculator": "nhs_number", "inputs": {"nhs_number": "999-000-0018"}},
     {"valid": True, "normalised": "9990000018"}),
    ({"id": "bmi-80-178", "calculator": "bmi", "inputs": {"weight_kg": 80, "height_cm": 178}},
     {"bmi_kg_m2": 80 / 1.78**2, "category": "Overweight", "lower_thresholds": False}),
    ({"id": "bmi-lower", "calculator": "bmi",
      "inputs": {"weight_kg": 70, "height_cm": 170, "ethnicity": "R"}},
     {"bmi_kg_m2": 70 / 1.7**2, "category": "Overweight", "lower_thresholds": True}),
    ({"id": "audit-c-5", "calculator": "audit_c", "inputs": {"q1": 2, "q2": 2, "q3": 1}},
     {"score": 5, "band": "Increasing risk"}),
    ({"id": "bp-150-95", "calculator": "blood_pressure",
      "inputs": {"systolic_mmhg": 150, "diastolic_mmhg": 95}},
     {"category": "High: stage 1 range (140/90 or more)", "urgent": False}),
    ({"id": "bp-180-110", "calculator": "blood_pressure",
      "inputs": {"systolic_mmhg": 180, "diastolic_mmhg": 110}},
     {"category": "Very high: 180/120 or more, same-day action", "urgent": True}),
    ({"id": "pulse", "calculator": "pulse", "inputs": {"rate_bpm": 101}},
     {"category": "Fast (above 100)", "needs_review": True}),
    ({"id": "hba1c", "calculator": "hba1c", "inputs": {"mmol_mol": 42}}, {"band": "non-diabetic "
                                                                                  "hyperglycaemia"}),
    ({"id": "glucose", "calculator": "glucose", "inputs": {"mmol_l": 11.1, "fasting": False}},
     {"band": "diabetes range"}),
    ({"id": "lipids", "calculator": "lipids", "inputs": {"total_cholesterol_mmol_l": 5.2, "hdl_mmol_l": 1.3}},
     {"tc_hdl_ratio": 4.0, "non_hdl_mmol_l": 3.9}),
    ({"id": "smoking", "calculator": "smoking", "inputs": {"status": "current", "cigarettes_per_day": 20}},
     {"qrisk3_category": 4, "snomed_code": "160605003"}),
]  # fmt: skip

BAD_CASES = [
    {"id": "nhs-bad", "calculator": "nhs_number", "inputs": {"nhs_number": "943 476 5918"}},
    {"id": "too-young", "calculator": "qrisk3", "inputs": {**QRISK3_REFERENCE[0]["inputs"], "age_years": 24}},
    {"id": "nan", "calculator": "bmi", "inputs": {"weight_kg": float("nan"), "height_cm": 170}},
    {"id": "typo", "calculator": "bmi", "inputs": {"weight": 80, "height_cm": 170}},
    {"id": "unknown", "calculator": "qrisk2", "inputs": {}},
    {"id": "no-inputs", "calculator": "audit_c"},
    "not a case",
]


def test_cli_reproduces_every_reference_value_in_order(tmp_path: Path) -> None:
    cases = [{"id": c["id"], "calculator": "qrisk3", "inputs": c["inputs"]} for c in QRISK3_REFERENCE]
    cases += [case for case, _ in OTHER_CASES] + BAD_CASES
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases), encoding="utf-8")  # NaN is written as the JSON extension NaN

    done = run_cli(str(path))

    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert len(results) == len(cases)
    assert [r["id"] for r in results] == [c["id"] if isinstance(c, dict) else None for c in cases]
    worst: dict[str, float] = {}
    for reference, result in zip(QRISK3_REFERENCE, results, strict=False):
        score = result["result"]["risk_percent"]
        assert _agrees(score, reference["expected_percent"], reference["precision"]), reference["id"]
        key = reference["precision"]
        worst[key] = max(worst.get(key, 0.0), abs(score - reference["expected_percent"]))
    assert worst["exact"] <= 1e-9  # the JavaScript port's exact doubles
    offset = len(QRISK3_REFERENCE)
    for (case, expected), result in zip(OTHER_CASES, results[offset:], strict=False):
        assert result["calculator"] == case["calculator"]
        for key, value in expected.items():
            assert (
                result["result"][key] == pytest.approx(value, abs=1e-12)
                if isinstance(value, float)
                else result["result"][key] == value
            ), case["id"]
    bad = results[offset + len(OTHER_CASES) :]
    assert bad[0]["result"] == {
        "valid": False,
        "reason": "The last digit does not match: check for a typing error",
    }
    assert bad[1]["result"]["applies"] is False and "from age 25" in bad[1]["result"]["reason"]
    assert "not a number" in bad[2]["error"]
    assert "Unknown input" in bad[3]["error"] and "weight" in bad[3]["error"]
    assert "Unknown calculator" in bad[4]["error"]
    assert "no inputs" in bad[5]["error"]
    assert bad[6] == {
        "id": None,
        "calculator": None,
        "error": "Each case must be an object with id, calculator and inputs",
    }
    assert "ClinRisk" in done.stderr  # the licence notice accompanies printed QRISK3 scores


def test_full_precision_is_printed() -> None:
    case = next(c for c in QRISK3_REFERENCE if c["id"] == "clinrisk-js-ethnicity-2")
    done = run_cli("-", stdin=json.dumps([{"id": 1, "calculator": "qrisk3", "inputs": case["inputs"]}]))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["result"]["risk_percent"] == pytest.approx(78.21433939103943, abs=1e-12)


@pytest.mark.parametrize("content", ['{"id": 1}', "[1, 2", "", "\xff"])
def test_unreadable_files_exit_2(tmp_path: Path, content: str) -> None:
    path = tmp_path / "cases.json"
    path.write_bytes(content.encode("latin-1"))
    done = run_cli(str(path))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("error: ")


def test_missing_file_and_folder_exit_2(tmp_path: Path) -> None:
    assert run_cli(str(tmp_path / "absent.json")).returncode == 2
    assert "no such file" in run_cli(str(tmp_path / "absent.json")).stderr
    assert run_cli(str(tmp_path)).returncode == 2


def test_empty_list_gives_empty_list() -> None:
    done = run_cli("-", stdin="[]")
    assert (done.returncode, json.loads(done.stdout)) == (0, [])


def test_in_process_api() -> None:
    assert run_cases([]) == []
    with pytest.raises(ValidationError):
        run_cases({"id": 1})
    assert run_case({"id": float("nan"), "calculator": "bmi", "inputs": {}})["id"] == "not a number"
    assert "Unknown key" in run_case({"id": 1, "calculator": "bmi", "inputs": {}, "extra": 1})["error"]


@pytest.mark.parametrize(
    ("changes", "applies"),
    [
        ({"age_years": 24}, False),
        ({"age_years": 25}, True),
        ({"age_years": 84}, True),
        ({"age_years": 85}, False),
        ({"existing_cvd": True}, False),
        ({"existing_cvd": False}, True),
        ({"on_statin": True}, False),
        ({"on_statin": False}, True),
    ],
)
def test_qrisk3_does_not_apply_is_a_result_not_an_error(changes: dict, applies: bool) -> None:
    case = {"id": "x", "calculator": "qrisk3", "inputs": {**QRISK3_REFERENCE[0]["inputs"], **changes}}
    out = run_case(case)
    assert "error" not in out, out
    if applies:
        assert isinstance(out["result"]["risk_percent"], float)
    else:
        assert out["result"]["applies"] is False and out["result"]["reason"]


def test_type_1_diabetes_is_the_model_s_own_input_in_verification() -> None:
    case = {
        "id": "t1",
        "calculator": "qrisk3",
        "inputs": {**QRISK3_REFERENCE[0]["inputs"], "diabetes": "type1"},
    }
    assert isinstance(run_case(case)["result"]["risk_percent"], float)
