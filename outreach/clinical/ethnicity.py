"""UK Core ethnic categories and what the calculators need from them.

The person's ethnic category is recorded once with the UK Core code (England
2001 census categories). Two calculators depend on it: QRISK3 uses its own
0-9 ethnicity codes, and BMI uses lower thresholds for groups whose risk of
type 2 diabetes and heart disease rises at a lower BMI. Both mappings live here
so that one table drives both and they cannot drift apart.
"""

from __future__ import annotations

from types import MappingProxyType

from outreach.clinical.inputs import describe
from outreach.errors import CalculationError

# UK Core CodeSystem UKCore-EthnicCategoryEngland (code -> display).
ETHNIC_CATEGORIES: MappingProxyType[str, str] = MappingProxyType(
    {
        "A": "White - British",
        "B": "White - Irish",
        "C": "White - Any other White background",
        "D": "Mixed - White and Black Caribbean",
        "E": "Mixed - White and Black African",
        "F": "Mixed - White and Asian",
        "G": "Mixed - Any other mixed background",
        "H": "Asian or Asian British - Indian",
        "J": "Asian or Asian British - Pakistani",
        "K": "Asian or Asian British - Bangladeshi",
        "L": "Asian or Asian British - Any other Asian background",
        "M": "Black or Black British - Caribbean",
        "N": "Black or Black British - African",
        "P": "Black or Black British - Any other Black background",
        "R": "Other ethnic groups - Chinese",
        "S": "Other ethnic groups - Any other ethnic group",
        "Z": "Not stated",
        "99": "Not known",
    }
)

# QRISK3-2017 `ethrisk` codes (ClinRisk source): 0 not recorded, 1 White or not stated, 2 Indian,
# 3 Pakistani, 4 Bangladeshi, 5 Other Asian, 6 Black Caribbean, 7 Black African, 8 Chinese, 9 Other.
QRISK3_ETHNICITY_LABELS: MappingProxyType[int, str] = MappingProxyType(
    {
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
)

# Project mapping UK Core -> QRISK3 (clinical reference 4.6): A/B/C -> 1; H 2; J 3; K 4; L 5; M 6;
# N 7; R 8; mixed and other groups (D/E/F/G/P/S) -> 9; Z/99 -> 0.
_TO_QRISK3: dict[str, int] = {
    "A": 1, "B": 1, "C": 1,
    "H": 2, "J": 3, "K": 4, "L": 5, "M": 6, "N": 7, "R": 8,
    "D": 9, "E": 9, "F": 9, "G": 9, "P": 9, "S": 9,
    "Z": 0, "99": 0,
}  # fmt: skip

# NICE CG189/NG246 BMI thresholds 2.5 kg/m2 lower for South Asian, Chinese, other Asian, Black African
# and African-Caribbean family backgrounds (Lester 2014 names South Asian and Chinese): H J K L R M N P.
LOWER_BMI_THRESHOLD_CATEGORIES: frozenset[str] = frozenset({"H", "J", "K", "L", "R", "M", "N", "P"})


def _check_code(code: object) -> str:
    if not isinstance(code, str) or code not in ETHNIC_CATEGORIES:
        raise CalculationError(
            f"Ethnic category {describe(code)} is not a UK Core ethnic category code "
            "(A to S, Z for not stated, 99 for not known)",
            item="ethnic_category",
        )
    return code


def to_qrisk3_ethnicity(code: str | None) -> int:
    """QRISK3 ethnicity (0-9) for a UK Core ethnic category; None (not recorded) gives 0."""
    if code is None:
        return 0
    return _TO_QRISK3[_check_code(code)]


def uses_lower_bmi_thresholds(code: str | None) -> bool:
    """True when NICE advises the lower BMI thresholds for this ethnic category."""
    if code is None:
        return False
    return _check_code(code) in LOWER_BMI_THRESHOLD_CATEGORIES

