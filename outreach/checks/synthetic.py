"""Synthetic, obviously fictional checks: complete, valid and varied.

Used by the benchmark and by the store's demo data. Values follow rough population
spreads for people with SMI (high smoking, BMI and blood-pressure rates) so that the
findings rules fire on a fair share of checks, and they are entered in the ways nurses
enter them (kg or stones and pounds, text with units, mg/dL, HbA1c in %), so the whole
validation path is exercised. Every core element is done; a few wider elements are
declined or not possible, with a reason. Unusual values (outside soft limits) are always
marked confirmed, so every generated check is valid as it stands.

Items the generator does not know (a question a local service added) get a plausible
value from their type and limits, so the generator keeps working when the check changes.
"""

from __future__ import annotations

import datetime as _dt
import random
from collections.abc import Callable
from functools import partial
from typing import Any

from outreach.checks.completeness import DONE
from outreach.checks.definition import CheckDefinition, Item
from outreach.checks.person import PersonFacts
from outreach.checks.review import review_answers

_ETHNIC = ["A"] * 12 + [
    "B",
    "C",
    "C",
    "D",
    "E",
    "F",
    "G",
    "H",
    "J",
    "K",
    "L",
    "M",
    "N",
    "P",
    "R",
    "S",
    "Z",
    "99",
]
_REASONS_DECLINED = ["Did not want this today", "Prefers to discuss with their GP", "Felt too anxious today"]
_REASONS_NOT_POSSIBLE = ["No equipment at this venue", "Ran out of time", "Person had to leave early"]
_NOTES = ["Discussed and agreed", "Leaflet given", "Will talk again at the next visit", "No concerns raised"]
_BASE_DATE = _dt.date(2026, 1, 1)
_CORE_BOOL_RATES = {
    "blood_pressure.irregular": 0.05,
    "lipids.fasting": 0.4,
    "smoking.ecigarette": 0.2,
    "substance_use.any": 0.3,
    "substance_use.wants_support": 0.5,
    "medication.reviewed": 0.9,
    "medication.antipsychotic": 0.7,
    "medication.side_effects": 0.35,
    "oral_health.dentist": 0.45,
    "oral_health.concern": 0.3,
    "sexual_health.concern": 0.1,
    "general_health.atrial_fibrillation": 0.03,
    "general_health.treated_hypertension": 0.15,
    "general_health.ckd": 0.04,
    "general_health.rheumatoid_arthritis": 0.02,
    "general_health.sle": 0.01,
    "general_health.migraine": 0.1,
    "general_health.steroids": 0.03,
    "general_health.erectile_dysfunction": 0.15,
    "general_health.family_history_chd": 0.15,
    "care_plan.agreed": 0.9,
    "care_plan.shared_with_gp": 0.85,
}


def synthetic_person(rng: random.Random) -> PersonFacts:
    """A fictional adult on the SMI register."""
    return PersonFacts(
        age_years=rng.randint(20, 80),
        sex=rng.choice(("female", "male")),
        ethnic_category=rng.choice(_ETHNIC),
    )


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


class _Generator:
    _readings: list[tuple[int, int]]  # the repeated blood pressure readings so far (set as they are made)

    def __init__(self, rng: random.Random, defn: CheckDefinition) -> None:
        self.rng = rng
        self.defn = defn
        self.answers: dict[str, Any] = {}
        self.height_cm = 170.0
        self.weight_kg = 80.0
        self.total_chol = 5.0
        # For questions added later: their own generator, derived without drawing from `rng`, so
        # every answer generated before they existed stays the same for the same seed.
        self.side = random.Random(hash(rng.getstate()))
        self.specific: dict[str, Callable[[], Any]] = {
            "weight.height": self.height,
            "weight.weight": self.weight,
            "weight.waist": lambda: self.maybe(0.7, lambda: round(_clamp(rng.gauss(100, 14), 62, 155), 1)),
            "weight.previous_weight": lambda: self.maybe(
                0.4, lambda: round(_clamp(self.weight_kg - rng.gauss(2, 3), 36, 199), 1)
            ),
            "blood_pressure.systolic": self.systolic,
            "blood_pressure.diastolic": self.diastolic,
            "blood_pressure.systolic_2": lambda: self.repeat(2, 0),
            "blood_pressure.diastolic_2": lambda: self.repeat(2, 1),
            "blood_pressure.systolic_3": lambda: self.repeat(3, 0),
            "blood_pressure.diastolic_3": lambda: self.repeat(3, 1),
            "blood_pressure.pulse": lambda: int(_clamp(rng.gauss(80, 14), 48, 128)),
            "lipids.total_cholesterol": self.total_cholesterol,
            "lipids.hdl": lambda: round(
                _clamp(rng.gauss(1.3, 0.35), 0.6, min(3.0, self.total_chol - 0.5)), 2
            ),
            "lipids.triglycerides": lambda: self.maybe(
                0.6, lambda: round(_clamp(rng.gauss(1.8, 0.9), 0.4, 9), 1)
            ),
            "glucose.hba1c": self.hba1c,
            "glucose.fasting_glucose": lambda: self.maybe(
                0.2, lambda: round(_clamp(rng.gauss(5.6, 1.2), 3.5, 20), 1)
            ),
            "glucose.random_glucose": lambda: self.maybe(
                0.15, lambda: round(_clamp(rng.gauss(7, 2.5), 3.5, 24), 1)
            ),
            "smoking.cigarettes_per_day": lambda: rng.choice((3, 5, 8, 10, 12, 15, 20, 25, 30, 40)),
            "general_health.existing_cvd": lambda: self.side.random() < 0.05,
            "general_health.statin": lambda: self.side.random() < 0.12,
            "alcohol.full_audit": lambda: self.side.random() < 0.3,
            **{f"alcohol.audit_q{n}": partial(self.side_choice, f"alcohol.audit_q{n}") for n in range(4, 11)},
        }
        self.weights: dict[str, tuple[float, ...]] = {
            "smoking.tobacco_status": (0.35, 0.2, 0.45),
            "alcohol.audit_c_q1": (0.3, 0.25, 0.2, 0.15, 0.1),
            "alcohol.audit_c_q2": (0.45, 0.25, 0.15, 0.1, 0.05),
            "alcohol.audit_c_q3": (0.4, 0.3, 0.15, 0.1, 0.05),
            "diet_activity.diet": (0.3, 0.45, 0.25),
            "diet_activity.activity": (0.15, 0.2, 0.25, 0.4),
            "general_health.diabetes": (0.85, 0.02, 0.13),
        }

    def side_choice(self, link_id: str) -> Any:
        """An option of a question added later, drawn from the side generator (skewed to the lowest)."""
        codes = [o.code for o in self.defn.items[link_id].options] if link_id in self.defn.items else []
        if not codes:
            return None
        return codes[0] if self.side.random() < 0.5 else self.side.choice(codes)

    def maybe(self, chance: float, make: Callable[[], Any]) -> Any:
        return make() if self.rng.random() < chance else None

    # -- specific measurements, entered in varied ways --------------------------------
    def height(self) -> Any:
        rng = self.rng
        cm = _clamp(rng.gauss(168, 9), 140, 205)
        way = rng.random()
        if way < 0.15:
            total_in = round(cm / 2.54)
            feet, inches = divmod(total_in, 12)
            self.height_cm = (feet * 12 + inches) * 2.54
            return {"value": [feet, inches], "unit": "[ft_i]"}
        cm = round(cm, 1)
        self.height_cm = cm
        return f"{cm} cm" if way < 0.25 else cm

    def weight(self) -> Any:
        rng = self.rng
        bmi = _clamp(rng.gauss(29, 6), 17, 48)
        kg = _clamp(bmi * (self.height_cm / 100) ** 2, 38, 195)
        way = rng.random()
        if way < 0.15:
            pounds_total = round(kg / 0.45359237)
            stones, pounds = divmod(pounds_total, 14)
            self.weight_kg = pounds_total * 0.45359237
            return {"value": [stones, pounds], "unit": "[stone_av]"}
        if way < 0.25:
            pounds_total = round(kg / 0.45359237)
            self.weight_kg = pounds_total * 0.45359237
            return f"{pounds_total} lb"
        kg = round(kg, 1)
        self.weight_kg = kg
        return f" {kg} kg " if way < 0.35 else kg

    def systolic(self) -> Any:
        rng = self.rng
        if rng.random() < 0.03:  # a very high reading, above the soft limit, confirmed by the nurse
            self._systolic = rng.randint(201, 230)
            return {"value": self._systolic, "confirmed": True}
        self._systolic = int(_clamp(rng.gauss(132, 18), 88, 195))
        return self._systolic

    def diastolic(self) -> int:
        top = min(118, getattr(self, "_systolic", 130) - 15)
        self._diastolic = int(_clamp(self.rng.gauss(82, 11), 50, top))
        return self._diastolic

    def repeat(self, n: int, part: int) -> int | None:
        """A repeated reading near the first (NICE NG136); a third only when the first two differ
        by more than 10 mmHg, or now and then anyway. Disabled ones are dropped afterwards."""
        if part == 0:
            first = (getattr(self, "_systolic", 130), getattr(self, "_diastolic", 80))
            # Its own generator, seeded by the first reading, so adding repeated readings to the
            # check left every other generated answer as it was.
            rng = random.Random(first[0] * 1000 + first[1] + n)
            if n == 3:
                before = self._readings[-1] if getattr(self, "_readings", None) else first
                differ = abs(before[0] - first[0]) > 10 or abs(before[1] - first[1]) > 10
                if not differ and rng.random() < 0.7:
                    self._pending = None
                    return None
            systolic = int(_clamp(first[0] + rng.gauss(-4, 7), 95, 199))
            diastolic = int(_clamp(first[1] + rng.gauss(-2, 5), 55, min(118, systolic - 15)))
            self._pending = (systolic, diastolic)
            self._readings = [*getattr(self, "_readings", [])[: n - 2], self._pending]
            return systolic
        pending = getattr(self, "_pending", None)
        return pending[1] if pending is not None else None

    def total_cholesterol(self) -> Any:
        rng = self.rng
        mmol = round(_clamp(rng.gauss(5.2, 1.1), 2.6, 9.5), 1)
        if rng.random() < 0.1:
            mg = round(mmol * 38.67)
            self.total_chol = mg / 38.67
            return {"value": mg, "unit": "mg/dL"}
        self.total_chol = mmol
        return mmol

    def hba1c(self) -> Any:
        rng = self.rng
        if rng.random() < 0.1:
            percent = round(_clamp(rng.gauss(5.9, 0.8), 4.6, 11), 1)
            return f"{percent}%"
        if rng.random() < 0.12:
            return None  # glucose instead (the element then gets a fasting or random glucose)
        return round(_clamp(rng.gauss(40, 8), 25, 110))

    # -- generic ---------------------------------------------------------------------
    def generic(self, item: Item) -> Any:
        rng = self.rng
        if item.type == "boolean":
            return rng.random() < _CORE_BOOL_RATES.get(item.link_id, 0.5)
        if item.type == "choice":
            codes = [o.code for o in item.options]
            weights = self.weights.get(item.link_id)
            if weights and len(weights) == len(codes):
                return rng.choices(codes, weights)[0]
            return rng.choice(codes)
        if item.type in ("decimal", "integer"):
            low = item.soft_min if item.soft_min is not None else item.hard_min
            high = item.soft_max if item.soft_max is not None else item.hard_max
            value = rng.uniform(low or 0.0, high if high is not None else (low or 0.0) + 10)
            return round(value) if item.type == "integer" else round(value, 1)
        if item.type == "date":
            return (_BASE_DATE + _dt.timedelta(days=rng.randint(30, 400))).isoformat()
        if item.required or rng.random() < 0.5:
            return rng.choice(_NOTES)
        return None

    def value_for(self, item: Item) -> Any:
        make = self.specific.get(item.link_id)
        return make() if make else self.generic(item)


def synthetic_complete_check(
    rng: random.Random, defn: CheckDefinition, person: PersonFacts | None = None
) -> dict[str, Any]:
    """A complete, valid answer set in the stored shape (see outreach.checks.answers)."""
    gen = _Generator(rng, defn)
    answers = gen.answers
    for element in defn.elements:
        status = DONE
        if not element.core:
            roll = rng.random()
            status = "declined" if roll < 0.08 else "not_possible" if roll < 0.12 else DONE
        answers[element.status_id] = status
        if status != DONE:
            answers[element.reason_id] = rng.choice(
                _REASONS_DECLINED if status == "declined" else _REASONS_NOT_POSSIBLE
            )
            continue
        for link in element.item_ids:
            value = gen.value_for(defn.items[link])
            if value is not None:
                answers[link] = value
        one_of = [defn.items[i] for i in element.item_ids if defn.items[i].one_of]
        if one_of and not any(i.link_id in answers for i in one_of):
            answers[one_of[0].link_id] = round(_clamp(rng.gauss(40, 8), 25, 110))
    # Drop answers to questions the other answers switch off (cigarettes a day for a non-smoker).
    review = review_answers(defn, answers, person)
    for link in review.ignored:
        del answers[link]
    return answers
