"""QRISK3-2017: 10-year risk of heart attack or stroke.

Implements the published QRISK3-2017 model (Hippisley-Cox, Coupland, Brindle,
BMJ 2017;357:j2099) from its coefficients, which ClinRisk Ltd released under
the GNU LGPL v3 or later. NICE NG238 recommends it for people aged 25 to 84
without cardiovascular disease, and a 10-year risk of 10% or more is the point
at which a statin is offered, so a wrong number here changes treatment. Hence:

* every input must be given: a missing one is a CalculationError naming it,
  never a silent default (the ClinRisk engine's substitutions are not used);
  callers that lack a Townsend score or a blood-pressure SD must pass 0
  explicitly, as the ClinRisk batch engine does;
* the result is full precision; rounding is for display only;
* the licence disclaimer, `QRISK3_DISCLAIMER`, must be shown (or be one
  prominent link away) wherever a score is shown.

Coefficients, centring constants and baseline survival below are the numbers of
the QRISK3-2017 model; the arithmetic is written for this product.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Literal

from outreach.clinical.inputs import choice, describe, flag, number, whole_number
from outreach.errors import CalculationError

# The "additional terms" of the QRISK3-2017 licence, verbatim from the ClinRisk source header.
QRISK3_DISCLAIMER = (
    "The initial version of this file, to be found at http://svn.clinrisk.co.uk/opensource/qrisk2, "
    "faithfully implements QRISK3-2017. "
    "ClinRisk Ltd. have released this code under the GNU Lesser General Public License to enable others "
    "to implement the algorithm faithfully. "
    "However, the nature of the GNU Lesser General Public License is such that we cannot prevent, "
    "for example, someone accidentally altering the coefficients, getting the inputs wrong, or just poor "
    "programming. "
    "ClinRisk Ltd. stress, therefore, that it is the responsibility of the end user to check that the "
    "source that they receive produces the same results as the original code found at https://qrisk.org. "
    "Inaccurate implementations of risk scores can lead to wrong patients being given the wrong treatment."
)

# NICE NG238 1.1.7 and the QRISK3 derivation cohort: ages 25 to 84 only.
MIN_AGE = 25
MAX_AGE = 84

Sex = Literal["female", "male"]
Diabetes = Literal["none", "type1", "type2"]

# Why QRISK3 does not apply to someone, in the order they are checked, with plain words for the
# worker. A score is only for deciding whether to start primary prevention in people without CVD.
EXISTING_CVD = "existing_cvd"  # NICE NG238 1.1.7: QRISK3 is for people without established CVD
TYPE1_DIABETES = "type1_diabetes"  # NICE NG238 (from CG181 1.1.x): do not use a risk tool in type 1 diabetes
ON_STATIN = "on_statin"  # ClinRisk (qrisk.org): QRISK3 is for people not already on a statin
AGE_UNDER_25 = "age_under_25"  # NICE NG238 1.1.7: QRISK3 for ages 25 to 84
AGE_85_PLUS = "age_85_plus"  # NICE NG238 1.1.7: QRISK3 for ages 25 to 84
NOT_APPLICABLE: dict[str, str] = {
    EXISTING_CVD: "QRISK3 does not apply: the person already has heart disease, a stroke or a TIA "
                  "(it is for people without cardiovascular disease).",
    TYPE1_DIABETES: "QRISK3 is not used for people with type 1 diabetes (NICE NG238): a statin is decided "
                    "by age, years with diabetes and kidney disease instead.",
    ON_STATIN: "QRISK3 is not used: the person already takes a statin (the score is for deciding whether "
               "to start one).",
    AGE_UNDER_25: f"QRISK3 applies from age {MIN_AGE} (NICE NG238).",
    AGE_85_PLUS: f"QRISK3 applies up to age {MAX_AGE} (NICE NG238).",
}


def qrisk3_exclusion(age_years: int | None, *, existing_cvd: bool | None = None, diabetes: str | None = None,
                     on_statin: bool | None = None) -> str | None:
    """Why QRISK3 does not apply (a key of NOT_APPLICABLE), or None when it may be used.

    Unknown answers (None) exclude nobody: the check asks each question, and the score waits for
    the answers it needs anyway.
    """
    if existing_cvd is True:
        return EXISTING_CVD
    if diabetes == "type1":
        return TYPE1_DIABETES
    if on_statin is True:
        return ON_STATIN
    if age_years is not None and age_years < MIN_AGE:
        return AGE_UNDER_25
    if age_years is not None and age_years > MAX_AGE:
        return AGE_85_PLUS
    return None

_BOOLEAN_FIELDS: tuple[tuple[str, str], ...] = (
    ("atrial_fibrillation", "atrial fibrillation"),
    ("atypical_antipsychotic", "on an atypical antipsychotic"),
    ("regular_oral_corticosteroids", "on regular steroid tablets"),
    ("erectile_dysfunction", "erectile dysfunction"),
    ("migraine", "migraine"),
    ("rheumatoid_arthritis", "rheumatoid arthritis"),
    ("ckd_stage_3_to_5", "chronic kidney disease (stage 3, 4 or 5)"),
    ("severe_mental_illness", "severe mental illness"),
    ("systemic_lupus_erythematosus", "systemic lupus erythematosus (SLE)"),
    ("treated_hypertension", "on blood pressure treatment"),
    (
        "family_history_chd_first_degree_under_60",
        "angina or heart attack in a parent, brother or sister under 60",
    ),
)

# Plain names for the live "still needed for QRISK3" display, in the order a worker meets them.
INPUT_NAMES: dict[str, str] = {
    "sex": "sex",
    "age_years": "age",
    "ethnicity_code": "ethnicity",
    "smoking_category": "smoking status",
    "diabetes": "diabetes status",
    "bmi_kg_m2": "height and weight (for BMI)",
    "cholesterol_hdl_ratio": "cholesterol/HDL ratio",
    "systolic_bp_mmhg": "systolic blood pressure",
    "systolic_bp_sd_mmhg": "variation of systolic blood pressure (0 if not known)",
    "townsend_score": "Townsend deprivation score (0 if not known)",
    **dict(_BOOLEAN_FIELDS),
}


@dataclass(frozen=True, slots=True)
class QRisk3Inputs:
    """Everything QRISK3 needs. Fields left as None are reported as missing, never guessed.

    `bmi_kg_m2` may be None when `weight_kg` and `height_cm` are given (when all three are given,
    `bmi_kg_m2` is used). `townsend_score` and `systolic_bp_sd_mmhg` are 0 when unknown, but the caller
    must say so by passing 0.
    `erectile_dysfunction` is only needed (and only used) for men.
    """

    sex: Sex | None = None
    age_years: int | None = None
    ethnicity_code: int | None = None
    smoking_category: int | None = None
    townsend_score: float | None = None
    bmi_kg_m2: float | None = None
    weight_kg: float | None = None
    height_cm: float | None = None
    cholesterol_hdl_ratio: float | None = None
    systolic_bp_mmhg: float | None = None
    systolic_bp_sd_mmhg: float | None = None
    diabetes: Diabetes | None = None
    atrial_fibrillation: bool | None = None
    atypical_antipsychotic: bool | None = None
    regular_oral_corticosteroids: bool | None = None
    erectile_dysfunction: bool | None = None
    migraine: bool | None = None
    rheumatoid_arthritis: bool | None = None
    ckd_stage_3_to_5: bool | None = None
    severe_mental_illness: bool | None = None
    systemic_lupus_erythematosus: bool | None = None
    treated_hypertension: bool | None = None
    family_history_chd_first_degree_under_60: bool | None = None

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> QRisk3Inputs:
        """Build from a dict with these field names; an unknown name is refused (catches typos)."""
        if not isinstance(values, Mapping):
            raise CalculationError("QRISK3 inputs must be a set of named values", item="qrisk3")
        known = {f.name for f in fields(cls)}
        unknown = sorted(str(k) for k in values if k not in known)
        if unknown:
            raise CalculationError(
                f"QRISK3 does not use {', '.join(describe(k) for k in unknown)}: check the input names",
                item="qrisk3",
            )
        return cls(**{str(k): v for k, v in values.items()})  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class QRisk3Result:
    """10-year risk in percent at full precision, with the licence disclaimer to show beside it."""

    risk_percent: float
    disclaimer: str
    bmi_kg_m2: float


_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(QRisk3Inputs))


def _present(values: Mapping[str, object], name: str) -> bool:
    return values.get(name) is not None


def missing_qrisk3_inputs(partial: Mapping[str, object]) -> list[str]:
    """Plain names of the QRISK3 inputs not yet given, for the live display (empty when complete).

    Only presence is judged here; values are checked by `calculate_qrisk3`.
    """
    if not isinstance(partial, Mapping):
        partial = {}
    missing: list[str] = []
    for name, plain in INPUT_NAMES.items():
        if name == "bmi_kg_m2":
            if not _present(partial, "bmi_kg_m2") and not (
                _present(partial, "weight_kg") and _present(partial, "height_cm")
            ):
                missing.append(plain)
        elif name == "erectile_dysfunction":
            if partial.get("sex") == "male" and not _present(partial, name):
                missing.append(plain)
        elif not _present(partial, name):
            missing.append(plain)
    return missing


# --- the model ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Model:
    survivor_10y: float
    ethnicity: tuple[float, ...]  # index 0..9
    smoking: tuple[float, ...]  # index 0..4
    centre: Mapping[str, float]  # age_1, age_2, bmi_1, bmi_2, rati, sbp, sbps5, town
    linear: Mapping[str, float]  # centred continuous terms and 0/1 flags
    age_1: Mapping[str, float]  # interactions with centred age_1
    age_2: Mapping[str, float]  # interactions with centred age_2


# QRISK3-2017 female model (ClinRisk cvd_female_raw).
_FEMALE = _Model(
    survivor_10y=0.988876402378082,
    ethnicity=(0.0, 0.0, 0.28040314332995425, 0.56298994142075398, 0.29590000851116516,
               0.072785379877982545, -0.17072135508857317, -0.39371043314874971,
               -0.32632495283530272, -0.17127056883241784),
    smoking=(0.0, 0.13386833786546262, 0.56200858012438537, 0.66749593377502547, 0.84948177644830847),
    centre={"age_1": 0.053274843841791, "age_2": 4.332503318786621, "bmi_1": 0.154946178197861,
            "bmi_2": 0.144462317228317, "rati": 3.476326465606690, "sbp": 123.130012512207030,
            "sbps5": 9.002537727355957, "town": 0.392308831214905},
    linear={"age_1": -8.1388109247726188, "age_2": 0.79733376689699098, "bmi_1": 0.29236092275460052,
            "bmi_2": -4.1513300213837665, "rati": 0.15338035820802554, "sbp": 0.013131488407103424,
            "sbps5": 0.0078894541014586095, "town": 0.077223790588590108,
            "af": 1.5923354969269663, "atypical": 0.25237642070115557, "steroids": 0.59520725304601851,
            "migraine": 0.301267260870345, "ra": 0.21364803435181942, "renal": 0.65194569493845833,
            "smi": 0.12555308058820178, "sle": 0.75880938654267693, "treatedhyp": 0.50931593683423004,
            "type1": 1.7267977510537347, "type2": 1.0688773244615468, "fh_cvd": 0.45445319020896213},
    age_1={"smoke1": -4.7057161785851891, "smoke2": -2.7430383403573337, "smoke3": -0.86608088829392182,
           "smoke4": 0.90241562369710648, "af": 19.938034889546561, "steroids": -0.98408045235936281,
           "migraine": 1.7634979587872999, "renal": -3.5874047731694114, "sle": 19.690303738638292,
           "treatedhyp": 11.872809733921812, "type1": -1.2444332714320747, "type2": 6.8652342000009599,
           "bmi_1": 23.802623412141742, "bmi_2": -71.184947692087007, "fh_cvd": 0.99467807940435127,
           "sbp": 0.034131842338615485, "town": -1.0301180802035639},
    age_2={"smoke1": -0.075589244643193026, "smoke2": -0.11951192874867074,
           "smoke3": -0.10366306397571923, "smoke4": -0.13991853591718389, "af": -0.076182651011162505,
           "steroids": -0.12005364946742472, "migraine": -0.065586917898699859,
           "renal": -0.22688873086442507, "sle": 0.077347949679016273, "treatedhyp": 0.00096857823588174436,
           "type1": -0.28724064624488949, "type2": -0.097112252590695489, "bmi_1": 0.52369958933664429,
           "bmi_2": 0.045744190122323759, "fh_cvd": -0.076885051698423038,
           "sbp": -0.0015082501423272358, "town": -0.031593414674962329},
)  # fmt: skip

# QRISK3-2017 male model (ClinRisk cvd_male_raw). Men have erectile dysfunction terms and no age x SLE terms.
_MALE = _Model(
    survivor_10y=0.977268040180206,
    ethnicity=(0.0, 0.0, 0.27719248760308279, 0.47446360714931268, 0.52961729919689371,
               0.035100159186299017, -0.35807899669327919, -0.4005648523216514,
               -0.41522792889830173, -0.26321348134749967),
    smoking=(0.0, 0.19128222863388983, 0.55241588192645552, 0.63835053027506072, 0.78983819881858019),
    centre={"age_1": 0.234766781330109, "age_2": 77.284080505371094, "bmi_1": 0.149176135659218,
            "bmi_2": 0.141913309693336, "rati": 4.300998687744141, "sbp": 128.571578979492190,
            "sbps5": 8.756621360778809, "town": 0.526304900646210},
    linear={"age_1": -17.839781666005575, "age_2": 0.0022964880605765492, "bmi_1": 2.4562776660536358,
            "bmi_2": -8.3011122314711354, "rati": 0.17340196856327111, "sbp": 0.012910126542553305,
            "sbps5": 0.010251914291290456, "town": 0.033268201277287295,
            "af": 0.88209236928054657, "atypical": 0.13046879855173513, "steroids": 0.45485399750445543,
            "impotence": 0.22251859086705383, "migraine": 0.25584178074159913, "ra": 0.20970658013956567,
            "renal": 0.71853261288274384, "smi": 0.12133039882047164, "sle": 0.4401572174457522,
            "treatedhyp": 0.51659871082695474, "type1": 1.2343425521675175, "type2": 0.85942071430932221,
            "fh_cvd": 0.54055469009390156},
    age_1={"smoke1": -0.21011133933516346, "smoke2": 0.75268676447503191, "smoke3": 0.99315887556405791,
           "smoke4": 2.1331163414389076, "af": 3.4896675530623207, "steroids": 1.1708133653489108,
           "impotence": -1.506400985745431, "migraine": 2.3491159871402441, "renal": -0.50656716327223694,
           "treatedhyp": 6.5114581098532671, "type1": 5.3379864878006531, "type2": 3.6461817406221311,
           "bmi_1": 31.004952956033886, "bmi_2": -111.29157184391643, "fh_cvd": 2.7808628508531887,
           "sbp": 0.018858524469865853, "town": -0.1007554870063731},
    age_2={"smoke1": -0.00049854870275326121, "smoke2": -0.00079875633317385414,
           "smoke3": -0.00083706184266251296, "smoke4": -0.00078400319155637289,
           "af": -0.00034995608340636049, "steroids": -0.0002496045095297166,
           "impotence": -0.0011058218441227373, "migraine": 0.00019896446041478631,
           "renal": -0.0018325930166498813, "treatedhyp": 0.00063838053104165013,
           "type1": 0.0006409780808752897, "type2": -0.00024695695588868315,
           "bmi_1": 0.0050380102356322029, "bmi_2": -0.013074483002524319,
           "fh_cvd": -0.00024791809907396037, "sbp": -0.00001271874191588457,
           "town": -0.000093299642323272888},
)  # fmt: skip

# Plausible-value limits: these refuse impossible readings only, they do not clamp (the model has no clamp).
_BMI_RANGE = (10.0, 90.0)
_RATIO_RANGE = (1.0, 20.0)  # TC includes HDL, so the ratio cannot be below 1
_SBP_RANGE = (50.0, 300.0)
_SBP_SD_RANGE = (0.0, 100.0)
_TOWNSEND_RANGE = (-15.0, 25.0)
_WEIGHT_RANGE = (10.0, 400.0)
_HEIGHT_RANGE = (50.0, 275.0)


def _bmi(inputs: QRisk3Inputs) -> float:
    if inputs.bmi_kg_m2 is not None:
        return number(
            inputs.bmi_kg_m2,
            item="bmi_kg_m2",
            label="BMI",
            unit="kg/m2",
            low=_BMI_RANGE[0],
            high=_BMI_RANGE[1],
        )
    weight = number(
        inputs.weight_kg,
        item="weight_kg",
        label="Weight",
        unit="kg",
        low=_WEIGHT_RANGE[0],
        high=_WEIGHT_RANGE[1],
    )
    height = number(
        inputs.height_cm,
        item="height_cm",
        label="Height",
        unit="cm",
        low=_HEIGHT_RANGE[0],
        high=_HEIGHT_RANGE[1],
    )
    bmi = weight / (height / 100.0) ** 2
    return number(
        bmi,
        item="bmi_kg_m2",
        label="BMI from this height and weight",
        unit="kg/m2",
        low=_BMI_RANGE[0],
        high=_BMI_RANGE[1],
    )


def calculate_qrisk3(inputs: QRisk3Inputs) -> QRisk3Result:
    """Return the 10-year QRISK3-2017 risk, or raise CalculationError naming what is missing or wrong."""
    if not isinstance(inputs, QRisk3Inputs):
        raise CalculationError("QRISK3 needs its full set of inputs", item="qrisk3")
    missing = missing_qrisk3_inputs({name: getattr(inputs, name) for name in _FIELD_NAMES})
    if missing:
        raise CalculationError(
            f"QRISK3 cannot be calculated yet: missing {', '.join(missing)}", item="qrisk3"
        )

    sex = choice(inputs.sex, ("female", "male"), item="sex", label="Sex")
    age = whole_number(inputs.age_years, item="age_years", label="Age", low=0, high=150)
    if not MIN_AGE <= age <= MAX_AGE:
        # NICE NG238 1.1.7: QRISK3 applies to people aged 25 to 84.
        raise CalculationError(
            f"QRISK3 is only valid for ages {MIN_AGE} to {MAX_AGE}; this person is {age}", item="age_years"
        )
    eth = whole_number(
        inputs.ethnicity_code, item="ethnicity_code", label="QRISK3 ethnicity code", low=0, high=9
    )
    smoke = whole_number(
        inputs.smoking_category, item="smoking_category", label="QRISK3 smoking category", low=0, high=4
    )
    town = number(
        inputs.townsend_score,
        item="townsend_score",
        label="Townsend score",
        unit="",
        low=_TOWNSEND_RANGE[0],
        high=_TOWNSEND_RANGE[1],
    )
    bmi = _bmi(inputs)
    rati = number(
        inputs.cholesterol_hdl_ratio,
        item="cholesterol_hdl_ratio",
        label="Cholesterol/HDL ratio",
        unit="",
        low=_RATIO_RANGE[0],
        high=_RATIO_RANGE[1],
    )
    sbp = number(
        inputs.systolic_bp_mmhg,
        item="systolic_bp_mmhg",
        label="Systolic blood pressure",
        unit="mmHg",
        low=_SBP_RANGE[0],
        high=_SBP_RANGE[1],
    )
    sbps5 = number(
        inputs.systolic_bp_sd_mmhg,
        item="systolic_bp_sd_mmhg",
        label="Variation (SD) of systolic blood pressure",
        unit="mmHg",
        low=_SBP_SD_RANGE[0],
        high=_SBP_SD_RANGE[1],
    )
    diabetes = choice(inputs.diabetes, ("none", "type1", "type2"), item="diabetes", label="Diabetes status")
    flags = {
        name: flag(getattr(inputs, name), item=name, label=label[0].upper() + label[1:])
        for name, label in _BOOLEAN_FIELDS
        if not (name == "erectile_dysfunction" and sex == "female")
    }

    binary = {
        "af": flags["atrial_fibrillation"],
        "atypical": flags["atypical_antipsychotic"],
        "steroids": flags["regular_oral_corticosteroids"],
        "migraine": flags["migraine"],
        "ra": flags["rheumatoid_arthritis"],
        "renal": flags["ckd_stage_3_to_5"],
        "smi": flags["severe_mental_illness"],
        "sle": flags["systemic_lupus_erythematosus"],
        "treatedhyp": flags["treated_hypertension"],
        "type1": diabetes == "type1",
        "type2": diabetes == "type2",
        "fh_cvd": flags["family_history_chd_first_degree_under_60"],
        "smoke1": smoke == 1,
        "smoke2": smoke == 2,
        "smoke3": smoke == 3,
        "smoke4": smoke == 4,
    }
    if sex == "male":
        binary["impotence"] = flags["erectile_dysfunction"]  # the female model has no such term
    risk = _risk(
        _FEMALE if sex == "female" else _MALE, sex, age, eth, smoke, town, bmi, rati, sbp, sbps5, binary
    )
    return QRisk3Result(risk_percent=risk, disclaimer=QRISK3_DISCLAIMER, bmi_kg_m2=bmi)


def _risk(
    model: _Model,
    sex: str,
    age: int,
    eth: int,
    smoke: int,
    town: float,
    bmi: float,
    rati: float,
    sbp: float,
    sbps5: float,
    binary: Mapping[str, bool],
) -> float:
    dage = age / 10.0
    dbmi = bmi / 10.0
    if sex == "female":
        age_1, age_2 = dage**-2, dage
    else:
        age_1, age_2 = dage**-1, dage**3
    bmi_1 = dbmi**-2
    bmi_2 = dbmi**-2 * math.log(dbmi)
    c = model.centre
    centred = {
        "age_1": age_1 - c["age_1"],
        "age_2": age_2 - c["age_2"],
        "bmi_1": bmi_1 - c["bmi_1"],
        "bmi_2": bmi_2 - c["bmi_2"],
        "rati": rati - c["rati"],
        "sbp": sbp - c["sbp"],
        "sbps5": sbps5 - c["sbps5"],
        "town": town - c["town"],
    }
    a = model.ethnicity[eth] + model.smoking[smoke]
    for term, beta in model.linear.items():
        value = centred.get(term)
        a += beta * (value if value is not None else float(binary[term]))
    age_1c, age_2c = centred["age_1"], centred["age_2"]
    for term, beta in model.age_1.items():
        value = centred.get(term)
        a += age_1c * (value if value is not None else float(binary[term])) * beta
    for term, beta in model.age_2.items():
        value = centred.get(term)
        a += age_2c * (value if value is not None else float(binary[term])) * beta
    return 100.0 * (1.0 - model.survivor_10y ** math.exp(a))
