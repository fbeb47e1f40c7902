"""The facts about the person that a check needs but does not ask: age, sex, ethnic category.

They come from the person's record, not from the check's questions, and switch some
questions off (cervical screening for men) and feed the calculators (QRISK3, BMI).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from outreach.errors import ValidationError

# UK Core EthnicCategoryEngland codes (clinical.md 4.6).
ETHNIC_CATEGORY_CODES = frozenset("ABCDEFGHJKLMNPRSZ") | {"99"}
SEXES = ("female", "male")
MAX_AGE = 130


@dataclass(frozen=True, slots=True)
class PersonFacts:
    age_years: int | None = None
    sex: str | None = None
    ethnic_category: str | None = None

    @classmethod
    def checked(cls, age_years: Any = None, sex: Any = None, ethnic_category: Any = None) -> PersonFacts:
        """Build from raw values, refusing impossible ones with a ValidationError naming the field."""
        if age_years is not None and (
            isinstance(age_years, bool) or not isinstance(age_years, int) or not 0 <= age_years <= MAX_AGE
        ):
            raise ValidationError("Age must be a whole number of years from 0 to 130.", item="age_years")
        if sex is not None and (not isinstance(sex, str) or sex not in SEXES):
            raise ValidationError("Sex must be female or male for the calculators.", item="sex")
        if ethnic_category is not None and (
            not isinstance(ethnic_category, str) or ethnic_category not in ETHNIC_CATEGORY_CODES
        ):
            raise ValidationError(
                "Ethnic category must be a UK Core code (A to S, Z or 99).", item="ethnic_category"
            )
        return cls(age_years, sex, ethnic_category)


def coerce_person(person: Any) -> PersonFacts:
    """Accept a PersonFacts or a mapping with the same keys; check the values either way."""
    if isinstance(person, PersonFacts):
        return PersonFacts.checked(person.age_years, person.sex, person.ethnic_category)
    if person is None:
        return PersonFacts()
    if isinstance(person, dict):
        unknown = [k for k in person if k not in ("age_years", "sex", "ethnic_category")]
        if unknown:
            raise ValidationError(
                "Person facts may only hold age_years, sex and ethnic_category.", item="person"
            )
        return PersonFacts.checked(person.get("age_years"), person.get("sex"), person.get("ethnic_category"))
    raise ValidationError("Person facts are not readable.", item="person")
