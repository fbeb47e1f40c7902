"""Townsend deprivation score by postcode, from a file the organisation provides.

QRISK3 takes the Townsend score of where the person lives. The scores come from census data by
area and are licensed, so the app ships none: an organisation that has a postcode-to-Townsend
file gives it to IT, and the score found for the person's postcode is stored with the check when
it starts (so the screen, the summary and the shared record use the same one). Without a file, or
for a postcode not in it, 0 is used and the screen says so beside every score (the ClinRisk batch
engine does the same for an unknown score).

The file: CSV with a header row holding `postcode` and `townsend` columns (others ignored);
postcodes in any spacing or case.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from outreach.errors import ValidationError

# Published Townsend scores for English and Welsh areas lie roughly between -8 and +15; a value
# far outside means a wrong column or a corrupted file.
PLAUSIBLE: Final = (-15.0, 25.0)
_MAX_ROWS: Final = 3_000_000  # every UK postcode is about 2.6 million


def normalise_postcode(text: str | None) -> str:
    """Upper case without spaces: "bs1 4dj" and "BS14DJ" are the same postcode."""
    return "".join((text or "").split()).upper()


@dataclass(frozen=True, slots=True)
class TownsendLookup:
    """The organisation's scores by normalised postcode; `source` names the file in the caveat."""

    source: str
    scores: Mapping[str, float]

    def score_for(self, postcode: str | None) -> float | None:
        """The score for this postcode, or None when it is not in the file."""
        key = normalise_postcode(postcode)
        return self.scores.get(key) if key else None

    @classmethod
    def from_text(cls, text: str, *, source: str) -> TownsendLookup:
        """Read the CSV text; a bad row is refused with its line number (a ValidationError)."""
        reader = csv.DictReader(io.StringIO(text))
        fields = {(name or "").strip().lower(): name for name in (reader.fieldnames or [])}
        if "postcode" not in fields or "townsend" not in fields:
            raise ValidationError(
                "The Townsend file needs a header row with postcode and townsend columns.",
                item="townsend_file",
            )
        scores: dict[str, float] = {}
        for line, row in enumerate(reader, start=2):
            if line > _MAX_ROWS:
                raise ValidationError(
                    "The Townsend file has more rows than there are postcodes.", item="townsend_file"
                )
            postcode = normalise_postcode(row.get(fields["postcode"]))
            raw = (row.get(fields["townsend"]) or "").strip()
            if not postcode and not raw:
                continue
            try:
                score = float(raw)
            except ValueError:
                raise ValidationError(
                    f"Line {line} of the Townsend file: {raw!r} is not a number.", item="townsend_file"
                ) from None
            if not math.isfinite(score) or not PLAUSIBLE[0] <= score <= PLAUSIBLE[1]:
                raise ValidationError(
                    f"Line {line} of the Townsend file: {score:g} is not a Townsend score.",
                    item="townsend_file",
                )
            if not postcode:
                raise ValidationError(
                    f"Line {line} of the Townsend file has no postcode.", item="townsend_file"
                )
            scores[postcode] = score
        return cls(source, scores)

    @classmethod
    def from_file(cls, path: Path) -> TownsendLookup:
        return cls.from_text(path.read_text(encoding="utf-8-sig"), source=path.name)


_CACHE: dict[tuple[str, int, int], TownsendLookup] = {}


def lookup_for(path: str | Path) -> TownsendLookup:
    """The organisation's file, read once per process (and again only when the file changes):
    a whole country's postcodes take seconds to read, and every check start needs them."""
    file = Path(path)
    stat = file.stat()
    key = (str(file.resolve()), stat.st_mtime_ns, stat.st_size)
    found = _CACHE.get(key)
    if found is None:
        _CACHE.clear()  # one file in use at a time
        found = _CACHE[key] = TownsendLookup.from_file(file)
    return found
