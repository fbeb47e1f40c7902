"""NHS number: format and Modulus 11 check digit.

A mistyped NHS number would attach a check to the wrong person in the shared
record, so the check digit is verified before anything is saved or synced.
People type numbers as "943 476 5919" or "943-476-5919"; spaces and hyphens are
allowed and removed, anything else is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from outreach.errors import ValidationError

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"  # UK Core Patient identifier:nhsNumber
_DIGITS = frozenset("0123456789")  # ASCII only: other scripts' digits are not NHS numbers
_SEPARATORS = frozenset(" -")
_MAX_TEXT = 40  # no honest NHS number with separators is longer


@dataclass(frozen=True, slots=True)
class NhsNumberCheck:
    """Outcome of checking typed text: the 10 digits when valid, else the reason in plain words."""

    valid: bool
    normalised: str | None
    reason: str | None


def _invalid(reason: str) -> NhsNumberCheck:
    return NhsNumberCheck(valid=False, normalised=None, reason=reason)


def check_digit(first_nine: str) -> int | None:
    """Modulus 11 check digit for nine digits, or None when no valid number can start this way.

    NHS CfH Modulus 11: weights 10..2 on digits 1-9; check = 11 - (sum mod 11); 11 -> 0; 10 -> invalid.
    """
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def check_nhs_number(text: str) -> NhsNumberCheck:
    """Check typed text as an NHS number; never raises, whatever it is given."""
    if not isinstance(text, str):
        return _invalid("The NHS number must be typed as 10 digits")
    stripped = text.strip()
    if not stripped:
        return _invalid("The NHS number is empty")
    if len(stripped) > _MAX_TEXT:
        return _invalid("That is too long for an NHS number, which has 10 digits")
    if any(c not in _DIGITS and c not in _SEPARATORS for c in stripped):
        return _invalid("An NHS number has only digits (spaces and hyphens are allowed)")
    digits = "".join(c for c in stripped if c in _DIGITS)
    if len(digits) != 10:
        return _invalid(f"An NHS number has 10 digits; this has {len(digits)}")
    if len(set(digits)) == 1:
        # Every repeated-digit number passes Modulus 11; "0000000000" is typed to get past a field, and
        # accepting it would file different people's checks under one identity in the shared record.
        return _invalid(
            "This looks like a placeholder, not a real NHS number: leave it blank if it is not known"
        )
    expected = check_digit(digits[:9])
    if expected is None:
        return _invalid(
            "This is not a real NHS number (no NHS number starts with these 9 digits): "
            "check it for a typing error, or with the person"
        )
    if expected != int(digits[9]):
        return _invalid("The last digit does not match: check for a typing error")
    return NhsNumberCheck(valid=True, normalised=digits, reason=None)


def normalise_nhs_number(text: str) -> str:
    """Return the 10 digits of a valid NHS number, or raise ValidationError with the reason."""
    result = check_nhs_number(text)
    if not result.valid or result.normalised is None:
        raise ValidationError(result.reason or "Not a valid NHS number", item="nhs_number")
    return result.normalised


def format_nhs_number(text: str) -> str:
    """The NHS number in the 3-3-4 form people read back ("943 476 5919")."""
    digits = normalise_nhs_number(text)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
