"""QRISK3-2017 against the original ClinRisk C functions for what the published test data leaves out.

The public reference values (qrisk3_reference.json) use smoking categories 0-2 only, and not every
ethnicity code in each sex, so a heavy smoker's terms, or a man's Black Caribbean coefficient, could be
wrong without any test noticing. The scores in qrisk3_reference_clinrisk_c.json were produced by the
original ClinRisk C functions `cvd_female_raw` / `cvd_male_raw` (the QRISK3-2017 source as ClinRisk
published it, redistributed unchanged in robhogan/clinrisk-js `modules/qrisk3-2017/original/`; commit in
the file), compiled with gcc and called with each case's inputs. That build was first checked against every
case of qrisk3_reference.json. The C code is not part of this product; only its outputs are kept here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from outreach.clinical.qrisk3 import QRisk3Inputs, calculate_qrisk3

DATA = json.loads(
    (Path(__file__).parent / "data" / "qrisk3_reference_clinrisk_c.json").read_text(encoding="utf-8")
)
CASES = DATA["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_agrees_with_the_clinrisk_c_functions(case: dict) -> None:
    score = calculate_qrisk3(QRisk3Inputs.from_mapping(case["inputs"])).risk_percent
    assert score == pytest.approx(case["expected_percent"], abs=1e-9), case["id"]


def test_cases_cover_every_smoking_category_and_every_ethnicity_code_in_each_sex() -> None:
    for sex in ("female", "male"):
        mine = [c["inputs"] for c in CASES if c["inputs"]["sex"] == sex]
        assert {i["ethnicity_code"] for i in mine} == set(range(10))
        assert {i["smoking_category"] for i in mine} == set(range(5))
        # the smoking terms interact with age: categories 3 and 4 at a young and an old age
        for smoke in (3, 4):
            assert len({i["age_years"] for i in mine if i["smoking_category"] == smoke}) >= 2
    assert len(DATA["source"]["commit"]) == 40


def _case(case_id: str) -> dict:
    return next(c for c in CASES if c["id"] == case_id)


@pytest.mark.parametrize("sex", ["female", "male"])
@pytest.mark.parametrize("age", [35, 70])
def test_risk_rises_with_each_smoking_category(sex: str, age: int) -> None:
    """QRISK3 orders smoking 0 non-smoker < 1 ex < 2 light < 3 moderate < 4 heavy (BMJ 2017;357:j2099)."""
    scores = [_case(f"c-{sex}-{age}-smoking-{k}")["expected_percent"] for k in range(5)]
    assert scores == sorted(scores) and len(set(scores)) == 5
    mine = [
        calculate_qrisk3(
            QRisk3Inputs.from_mapping(_case(f"c-{sex}-{age}-smoking-{k}")["inputs"])
        ).risk_percent
        for k in range(5)
    ]
    assert mine == pytest.approx(scores, abs=1e-9)


@pytest.mark.parametrize("sex", ["female", "male"])
def test_ethnicity_codes_0_and_1_share_the_white_or_not_stated_baseline(sex: str) -> None:
    """reference/qrisk3.md: codes 0 (not recorded) and 1 (White or not stated) both have coefficient 0."""
    zero = _case(f"c-{sex}-52-ethnicity-0")
    one = _case(f"c-{sex}-52-ethnicity-1")
    assert zero["expected_percent"] == one["expected_percent"]
    for case in (zero, one):
        score = calculate_qrisk3(QRisk3Inputs.from_mapping(case["inputs"])).risk_percent
        assert score == pytest.approx(case["expected_percent"], abs=1e-9)


def test_the_qrisk3_ethnicity_code_names_are_the_published_ones() -> None:
    """reference/qrisk3.md (ethrisk table; pitfall 3: one port swaps the names of codes 2 and 3)."""
    from outreach.clinical.ethnicity import QRISK3_ETHNICITY_LABELS

    assert dict(QRISK3_ETHNICITY_LABELS) == {
        0: "Not recorded",
        1: "White or not stated",
        2: "Indian",
        3: "Pakistani",
        4: "Bangladeshi",
        5: "Other Asian",
        6: "Black Caribbean",
        7: "Black African",
        8: "Chinese",
        9: "Other ethnic group",
    }
