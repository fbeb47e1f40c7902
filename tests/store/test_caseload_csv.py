"""Caseload CSV reading: good rows through, each bad row reported by line with a plain reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outreach.errors import ValidationError
from outreach.store.caseload_csv import parse_caseload_csv

TODAY = date(2026, 11, 23)
HEADER = "nhs_number,given_name,family_name,date_of_birth,sex"


def parse(text: str, **kw: object):  # type: ignore[no-untyped-def]
    return parse_caseload_csv(text.encode("utf-8"), today=TODAY, **kw)  # type: ignore[arg-type]


def test_good_file_with_all_columns(tmp_path: Path) -> None:
    path = tmp_path / "caseload.csv"
    path.write_text(
        "nhs_number,given_name,family_name,date_of_birth,sex,ethnic_category,gp_practice_ods,"
        "preferred_language,postcode,phone,communication_needs\n"
        "999 000 0018,Alpha,Testperson,1970-01-02,F,a,a81001,Welsh,ls1 4ap,0113 496 0000,"
        '"Large print, please"\n'
        ",Beta,Testperson,1985-12-31,male,,,,,,\n",
        encoding="utf-8",
    )
    result = parse_caseload_csv(path, today=TODAY)
    assert result.errors == [] and result.warnings == []
    first, second = result.rows
    assert first.line == 2 and second.line == 3
    assert first.nhs_number == "9990000018" and first.sex == "female" and first.ethnic_category == "A"
    assert first.gp_practice_ods == "A81001" and first.postcode == "LS1 4AP"
    assert first.communication_needs == "Large print, please"
    assert first.person_fields()["gp_practice"] == "A81001"
    assert second.nhs_number is None and second.sex == "male" and second.postcode is None


def test_each_bad_row_is_reported_by_line_with_a_reason() -> None:
    text = "\n".join(  # noqa: FLY002 - one row a line, each with its comment
        [
            HEADER,
            "9990000018,Alpha,Testperson,1970-01-02,female",  # 2 good
            "9990000019,Beta,Testperson,1970-01-02,female",  # 3 wrong check digit
            ",Gamma,Testperson,2023-02-30,female",  # 4 impossible date
            ",Delta,Testperson,2030-01-01,male",  # 5 future
            ",,Testperson,1970-01-02,male",  # 6 missing given name
            ",Epsilon,Testperson,1970-01-02,bloke",  # 7 unknown sex
            ",Zeta,Testperson,02/01/1970,male",  # 8 wrong date format
            "9990000018,Eta,Testperson,1971-01-02,male",  # 9 duplicate NHS number
            ",Theta,Testperson,1970-01-02",  # 10 too few values
            ",Iota,Testperson,1899-01-01,other",  # 11 implausibly old
            "",  # 12 blank: skipped
            ",Kappa,Testperson,1990-06-15,",  # 13 good (empty sex = unknown)
        ]
    )
    result = parse(text)
    assert [r.line for r in result.rows] == [2, 13]
    assert result.rows[1].sex == "unknown"
    by_line = {p.line: str(p) for p in result.errors}
    assert result.bad_lines == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "Line 3: The NHS number is not valid" in by_line[3]
    assert "not a real date" in by_line[4]
    assert "in the future" in by_line[5]
    assert "given name is missing" in by_line[6]
    assert "'bloke' is not known" in by_line[7]
    assert "YYYY-MM-DD" in by_line[8]
    assert "already on line 2" in by_line[9]
    assert "4 values but the header has 5" in by_line[10]
    assert "more than 120 years" in by_line[11]
    assert {p.column for p in result.errors if p.line == 3} == {"nhs_number"}


def test_several_problems_in_one_row_are_all_reported() -> None:
    result = parse(HEADER + "\n123,,,,x\n")
    assert result.rows == []
    assert {p.column for p in result.errors} == {
        "nhs_number",
        "given_name",
        "family_name",
        "date_of_birth",
        "sex",
    }
    assert all(p.line == 2 for p in result.errors)


def test_bom_windows_line_endings_and_semicolons() -> None:
    text = (
        "\ufeffNHS Number;Given Name;Family-Name;Date of birth;Sex\r\n"
        "9990000026;Alpha;Testperson;1970-01-02;M\r\n"
    )
    result = parse_caseload_csv(text.encode("utf-8"), today=TODAY)
    assert result.errors == []
    assert result.rows[0].nhs_number == "9990000026" and result.rows[0].given_name == "Alpha"


def test_windows_1252_file_is_read_with_a_warning() -> None:
    data = (HEADER + "\n,Zoë,Testperson,1970-01-02,F\n").encode("cp1252")
    result = parse_caseload_csv(data, today=TODAY)
    assert result.rows[0].given_name == "Zoë"
    assert any("Windows-1252" in str(w) for w in result.warnings)


def test_quoted_values_spanning_lines_keep_line_numbers_right() -> None:
    text = (
        HEADER
        + ',communication_needs\n,Alpha,Testperson,1970-01-02,F,"two\nlines"\n'
        ",Beta,Testperson,1970-13-02,F,\n"
    )
    result = parse(text)
    assert result.rows[0].communication_needs == "two\nlines"
    assert [p.line for p in result.errors] == [4]


def test_unknown_columns_warn_and_are_ignored() -> None:
    result = parse(HEADER + ",ward,notes\n,Alpha,Testperson,1970-01-02,F,7,x\n")
    assert len(result.rows) == 1
    assert [str(w) for w in result.warnings] == [
        "Line 1: These columns are not used and were ignored: ward, notes."
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"given_name,family_name,date_of_birth,sex\n", "no column called nhs_number"),
        (b"PK\x03\x04\x00\x00binary", "not a CSV text file"),
        (b"nhs_number,given_name,given_name,family_name,date_of_birth,sex\n", "appears twice"),
    ],
)
def test_whole_file_problems_raise(data: bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as info:
        parse_caseload_csv(data, today=TODAY)
    assert info.value.item == "caseload"


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("ethnic_category", "Q", "not a UK Core code"),
        ("gp_practice_ods", "12345", "not an ODS practice code"),
        ("postcode", "NOT A CODE", "not a UK postcode"),
        ("phone", "call me", "10 to 15 digits"),
    ],
)
def test_optional_columns_are_checked(column: str, value: str, message: str) -> None:
    result = parse(f"{HEADER},{column}\n,Alpha,Testperson,1970-01-02,F,{value}\n")
    assert result.rows == []
    assert result.errors[0].column == column and message in result.errors[0].message


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=300))
def test_any_text_after_a_header_never_crashes(body: str) -> None:
    """Whatever the rows hold (NUL aside: that marks a binary file; lone surrogates cannot be in a
    file at all), the reader returns rows and errors; it never raises on a row."""
    result = parse(HEADER + "\n" + body)
    for row in result.rows:
        assert row.given_name and row.family_name and row.date_of_birth


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs a device file")
def test_a_device_or_pipe_given_as_the_caseload_is_refused_not_read_forever() -> None:
    """/dev/zero reports a size of 0 and never ends; a pipe would wait for ever."""
    with pytest.raises(ValidationError, match="not an ordinary file"):
        parse_caseload_csv("/dev/zero")
