"""The Townsend file at its edges: the plausible range of a Townsend score (-15 to 25, as QRISK3's own
input limit in outreach/clinical/qrisk3.py) accepted at its ends and refused past them, blank lines
skipped, and the file read once per process but again when it changes."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from outreach.clinical.townsend import PLAUSIBLE, TownsendLookup, lookup_for
from outreach.errors import ValidationError


def _read(*rows: str) -> TownsendLookup:
    return TownsendLookup.from_text("postcode,townsend\n" + "\n".join(rows) + "\n", source="t.csv")


def test_scores_at_the_ends_of_the_plausible_range_are_read() -> None:
    assert PLAUSIBLE == (-15.0, 25.0)
    lookup = _read("AA1 1AA,-15", "AA1 1AB,25", "AA1 1AC,0")
    assert (lookup.score_for("AA11AA"), lookup.score_for("AA11AB"), lookup.score_for("AA11AC")) == (
        -15.0,
        25.0,
        0.0,
    )
    assert lookup.source == "t.csv"


@pytest.mark.parametrize("score", ["-15.5", "25.5", "nan", "inf", "-inf"])
def test_scores_past_the_range_or_not_finite_are_refused_with_the_line(score: str) -> None:
    with pytest.raises(
        ValidationError, match="Line 3 of the Townsend file: .* is not a Townsend score"
    ) as info:
        _read("AA1 1AA,1", f"AA1 1AB,{score}")
    assert info.value.item == "townsend_file"


def test_blank_lines_are_skipped_and_an_empty_postcode_is_not_looked_up() -> None:
    lookup = _read("AA1 1AA,1", ",", "AA1 1AB,2")
    assert dict(lookup.scores) == {"AA11AA": 1.0, "AA11AB": 2.0}
    assert lookup.score_for("") is None and lookup.score_for("   ") is None


def test_the_file_is_read_once_and_again_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "townsend.csv"
    path.write_text("postcode,townsend\nAA1 1AA,1\n", encoding="utf-8")
    first = lookup_for(path)
    assert lookup_for(str(path)) is first
    path.write_text("postcode,townsend\nAA1 1AA,2.5\n", encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    second = lookup_for(path)
    assert second is not first and second.score_for("AA1 1AA") == 2.5
    other = tmp_path / "other.csv"
    other.write_text("postcode,townsend\nAA1 1AA,-3\n", encoding="utf-8")
    assert lookup_for(other).score_for("AA1 1AA") == -3.0
    assert math.isclose(lookup_for(path).score_for("AA1 1AA") or 0, 2.5)
