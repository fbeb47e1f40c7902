"""Reading a caseload file (CSV) into checked rows, before anything is stored.

A caseload usually comes out of a clinical system or a spreadsheet, so the reader
is forgiving about the file (UTF-8 with or without a byte-order mark, Windows-1252
as Excel saves it, Windows line endings, comma, semicolon or tab between values)
and strict about the content: every bad row is reported by its line number with
a plain reason, and only the good rows are returned. Nothing is half-imported:
the caller decides what to do with a file that has errors.

Columns (header row, names case-insensitive; spaces and hyphens count as "_"):

* required: ``given_name``, ``family_name``, ``date_of_birth`` (YYYY-MM-DD), ``sex``
  (female, male, other or unknown; F/M/O/U accepted; empty means unknown),
  ``nhs_number`` (the column must be there, the value may be empty);
* optional: ``ethnic_category`` (UK Core code A-Z or 99), ``gp_practice_ods``,
  ``preferred_language``, ``postcode``, ``phone``, ``communication_needs``.

Any other column is ignored with a warning, so a wider export still imports.

API::

    result = parse_caseload_csv(path_or_bytes, today=None)   # -> CaseloadParseResult
    result.rows        # list[CaseloadRow], each with .line and .person_fields()
    result.errors      # list[RowProblem(line, column, message)]; str() gives "Line 4: ..."
    result.warnings    # list[RowProblem]
    raises ValidationError(item="caseload") when the file as a whole cannot be read
    (not text, no header, a required column missing).
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Final

from outreach.clinical.ethnicity import ETHNIC_CATEGORIES
from outreach.clinical.nhs_number import check_nhs_number
from outreach.errors import ValidationError

REQUIRED_COLUMNS: Final = ("nhs_number", "given_name", "family_name", "date_of_birth", "sex")
OPTIONAL_COLUMNS: Final = (
    "ethnic_category",
    "gp_practice_ods",
    "preferred_language",
    "postcode",
    "phone",
    "communication_needs",
)
MAX_FILE_BYTES: Final = 50 * 1024 * 1024  # a caseload of tens of thousands is a few MB
MAX_AGE_YEARS: Final = 120
_MAX_NAME: Final = 100
_MAX_TEXT: Final = 500

_SEX: Final = {
    "female": "female", "f": "female",
    "male": "male", "m": "male",
    "other": "other", "o": "other",
    "unknown": "unknown", "u": "unknown", "": "unknown",
}  # fmt: skip
_ISO_DATE: Final = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# GP practice ODS codes: one letter and five digits (e.g. A81001).
_GP_ODS: Final = re.compile(r"^[A-Z]\d{5}$")
# UK postcode shape (outward code, then inward code: digit and two letters).
_POSTCODE: Final = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$")
_PHONE_CHARS: Final = frozenset("0123456789 +()-")


@dataclass(frozen=True)
class RowProblem:
    line: int  # 1 is the header row
    column: str | None
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}"


@dataclass(frozen=True)
class CaseloadRow:
    line: int
    given_name: str
    family_name: str
    date_of_birth: str  # YYYY-MM-DD
    sex: str  # female | male | other | unknown
    nhs_number: str | None = None  # 10 digits, check digit verified
    ethnic_category: str | None = None
    gp_practice_ods: str | None = None
    preferred_language: str | None = None
    postcode: str | None = None
    phone: str | None = None
    communication_needs: str | None = None

    def person_fields(self) -> dict[str, str | None]:
        """The demographics under the store's field names (communication needs are separate)."""
        return {
            "given_name": self.given_name,
            "family_name": self.family_name,
            "date_of_birth": self.date_of_birth,
            "sex": self.sex,
            "nhs_number": self.nhs_number,
            "ethnic_category": self.ethnic_category,
            "postcode": self.postcode,
            "phone": self.phone,
            "gp_practice": self.gp_practice_ods,
            "preferred_language": self.preferred_language,
        }


@dataclass
class CaseloadParseResult:
    rows: list[CaseloadRow] = field(default_factory=list)
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)

    @property
    def bad_lines(self) -> list[int]:
        return sorted({p.line for p in self.errors})


def parse_caseload_csv(
    source: str | os.PathLike[str] | bytes, *, today: date | None = None
) -> CaseloadParseResult:
    """Read a caseload file (a path, or its bytes) and check every row."""
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source)
        try:
            info = path.stat()
            if stat.S_ISDIR(info.st_mode):
                raise ValidationError(f"{path.name} is a folder, not a caseload file.", item="caseload")
            if not stat.S_ISREG(info.st_mode):
                # A device reports no size and may never end (/dev/zero); a pipe may wait for ever.
                raise ValidationError(
                    f"{path.name} is not an ordinary file: save the caseload as a CSV file and name that.",
                    item="caseload",
                )
            if info.st_size > MAX_FILE_BYTES:
                raise ValidationError(
                    f"The caseload file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: split it.",
                    item="caseload",
                )
            with open(path, "rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)  # bounded even if the file grows meanwhile
            if len(data) > MAX_FILE_BYTES:
                raise ValidationError(
                    f"The caseload file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: split it.",
                    item="caseload",
                )
        except OSError as exc:
            raise ValidationError(
                f"The caseload file {path.name} cannot be read ({exc.strerror}).", item="caseload"
            ) from None
    result = CaseloadParseResult()
    text = _decode(data, result)
    return _parse_text(text, result, today or date.today())


def _decode(data: bytes, result: CaseloadParseResult) -> str:
    if b"\x00" in data[:4096]:
        raise ValidationError(
            "This is not a CSV text file (is it a spreadsheet? Save it as CSV first).", item="caseload"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    result.warnings.append(
        RowProblem(
            1,
            None,
            "The file is not UTF-8; it was read as Windows-1252. Check that accented names look right.",
        )
    )
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ValidationError(
            "The caseload file's text encoding is not known: save it as 'CSV UTF-8'.", item="caseload"
        ) from None


def _column_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _parse_text(text: str, result: CaseloadParseResult, today: date) -> CaseloadParseResult:
    if not text.strip():
        raise ValidationError("The caseload file is empty.", item="caseload")
    first_line = text.lstrip("\r\n").splitlines()[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line), strict=False)
    header: list[str] | None = None
    header_line = 1
    seen_nhs: dict[str, int] = {}
    row_start = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.errors.append(
                RowProblem(reader.line_num, None, f"The line cannot be read as CSV ({exc}).")
            )
            row_start = reader.line_num + 1
            continue
        line = row_start
        row_start = reader.line_num + 1
        if not any(v.strip() for v in values):
            continue  # blank line
        if header is None:
            header = [_column_key(v) for v in values]
            header_line = line
            _check_header(header, header_line, result)
            continue
        if len(values) != len(header):
            more = "more" if len(values) > len(header) else "fewer"
            result.errors.append(
                RowProblem(
                    line,
                    None,
                    f"This row has {len(values)} values but the header has {len(header)} columns "
                    f"({more} than expected: check for a stray or missing {_delimiter(first_line)!r}).",
                )
            )
            continue
        record = dict(zip(header, (v.strip() for v in values), strict=True))
        row = _check_row(line, record, today, result)
        if row is None:
            continue
        if row.nhs_number:
            earlier = seen_nhs.get(row.nhs_number)
            if earlier is not None:
                result.errors.append(
                    RowProblem(line, "nhs_number", f"The same NHS number is already on line {earlier}.")
                )
                continue
            seen_nhs[row.nhs_number] = line
        result.rows.append(row)
    if header is None:
        raise ValidationError("The caseload file has no header row.", item="caseload")
    return result


def _check_header(header: list[str], line: int, result: CaseloadParseResult) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ValidationError(
            f"The caseload file has no column called {', '.join(missing)} (line {line}). "
            f"The header row must name: {', '.join(REQUIRED_COLUMNS)}.",
            item="caseload",
        )
    doubled = sorted({c for c in header if header.count(c) > 1 and c})
    if doubled:
        raise ValidationError(
            f"The column {', '.join(doubled)} appears twice in the header row.", item="caseload"
        )
    unknown = [c for c in header if c not in REQUIRED_COLUMNS and c not in OPTIONAL_COLUMNS]
    if unknown:
        result.warnings.append(
            RowProblem(line, None, f"These columns are not used and were ignored: {', '.join(unknown)}.")
        )


def _check_row(
    line: int, rec: dict[str, str], today: date, result: CaseloadParseResult
) -> CaseloadRow | None:
    problems: list[RowProblem] = []

    def bad(column: str, message: str) -> None:
        problems.append(RowProblem(line, column, message))

    given, family = rec["given_name"], rec["family_name"]
    if not given:
        bad("given_name", "The given name is missing.")
    elif len(given) > _MAX_NAME:
        bad("given_name", f"The given name is longer than {_MAX_NAME} characters.")
    if not family:
        bad("family_name", "The family name is missing.")
    elif len(family) > _MAX_NAME:
        bad("family_name", f"The family name is longer than {_MAX_NAME} characters.")

    dob, reason = _check_date(rec["date_of_birth"], today)
    if reason:
        bad("date_of_birth", reason)

    sex = _SEX.get(rec["sex"].lower())
    if sex is None:
        bad("sex", f"The sex '{rec['sex']}' is not known: use female, male, other or unknown.")

    nhs: str | None = None
    if rec["nhs_number"]:
        check = check_nhs_number(rec["nhs_number"])
        if check.valid:
            nhs = check.normalised
        else:
            bad("nhs_number", f"The NHS number is not valid: {check.reason}.")

    ethnic = rec.get("ethnic_category", "").upper() or None
    if ethnic is not None and ethnic not in ETHNIC_CATEGORIES:
        bad("ethnic_category", f"The ethnic category '{ethnic}' is not a UK Core code (A to Z, or 99).")

    gp = rec.get("gp_practice_ods", "").upper().replace(" ", "") or None
    if gp is not None and not _GP_ODS.match(gp):
        bad(
            "gp_practice_ods",
            f"The GP practice code '{gp}' is not an ODS practice code (a letter and 5 digits).",
        )

    postcode = None
    raw_postcode = rec.get("postcode", "")
    if raw_postcode:
        match = _POSTCODE.match(raw_postcode.upper().strip())
        if match:
            postcode = f"{match.group(1)} {match.group(2)}"
        else:
            bad("postcode", f"The postcode '{raw_postcode}' is not a UK postcode.")

    phone = rec.get("phone", "") or None
    if phone is not None:
        digits = sum(ch.isdigit() for ch in phone)
        if any(ch not in _PHONE_CHARS for ch in phone) or not 10 <= digits <= 15:
            bad("phone", "The phone number should have 10 to 15 digits (spaces, +, brackets allowed).")

    language = rec.get("preferred_language", "") or None
    if language is not None and len(language) > 50:
        bad("preferred_language", "The preferred language is longer than 50 characters.")
    needs = rec.get("communication_needs", "") or None
    if needs is not None and len(needs) > _MAX_TEXT:
        bad("communication_needs", f"The communication needs are longer than {_MAX_TEXT} characters.")

    if problems:
        result.errors.extend(problems)
        return None
    assert dob is not None and sex is not None
    return CaseloadRow(
        line=line, given_name=given, family_name=family, date_of_birth=dob, sex=sex, nhs_number=nhs,
        ethnic_category=ethnic, gp_practice_ods=gp, preferred_language=language, postcode=postcode,
        phone=phone, communication_needs=needs,
    )  # fmt: skip


def _check_date(text: str, today: date) -> tuple[str | None, str | None]:
    """(the date as YYYY-MM-DD, None) or (None, the reason in a sentence)."""
    if not text:
        return None, "The date of birth is missing."
    match = _ISO_DATE.match(text)
    if not match:
        return None, f"The date of birth '{text}' must be written YYYY-MM-DD (for example 1970-01-31)."
    try:
        value = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None, f"The date of birth {text} is not a real date."
    if value > today:
        return None, f"The date of birth {text} is in the future."
    if today.year - value.year > MAX_AGE_YEARS:
        return None, f"The date of birth {text} is more than {MAX_AGE_YEARS} years ago: check the year."
    return value.isoformat(), None
