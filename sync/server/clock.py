"""Server time: integer microseconds, rendered as FHIR instants.

lastUpdated is always written with six fractional digits and 'Z', so a client that sends
back `_lastUpdated=gt<the value it saw>` continues exactly where it left off.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from .errors import bad_request

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
US = 1_000_000


def now_us() -> int:
    return time.time_ns() // 1000


def to_datetime(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


def to_instant(us: int) -> str:
    """FHIR instant with microsecond precision, e.g. 2026-11-23T14:00:00.123456Z."""
    return to_datetime(us).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_http_date(us: int) -> str:
    """RFC 7231 date for the Last-Modified header (whole seconds, as HTTP allows)."""
    return format_datetime(to_datetime(us).replace(microsecond=0), usegmt=True)


class Ticker:
    """Hands out strictly increasing timestamps inside one write transaction."""

    def __init__(self, last_us: int) -> None:
        self.last = last_us

    def tick(self) -> int:
        self.last = max(now_us(), self.last + 1)
        return self.last


_DATE_RE = re.compile(
    r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?"
    r"(Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


def parse_range(text: str) -> tuple[int, int]:
    """The [low, high) microsecond range a FHIR date/dateTime/instant search value covers.

    '2026-11-23' covers that whole UTC day; an instant with microseconds covers one
    microsecond. A time without a timezone is refused, as FHIR requires one.
    """
    m = _DATE_RE.match(text.strip().replace(" ", "+"))
    if not m:
        raise bad_request(
            f"'{text}' is not a FHIR date or instant (e.g. 2026-11-23T14:00:00.000000Z).", "value"
        )
    year, month, day, hh, mi, ss, frac, tz = m.groups()
    try:
        if hh is not None and tz is None:
            raise bad_request(
                f"'{text}' has a time but no timezone: add Z or an offset such as +00:00.", "value"
            )
        offset = timedelta(0)
        if tz and tz != "Z":
            sign = 1 if tz[0] == "+" else -1
            offset = sign * timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6]))
        y = int(year)
        if month is None:
            low = datetime(y, 1, 1, tzinfo=UTC)
            high = datetime(y + 1, 1, 1, tzinfo=UTC)
        elif day is None:
            mo = int(month)
            low = datetime(y, mo, 1, tzinfo=UTC)
            high = datetime(y + (mo == 12), mo % 12 + 1, 1, tzinfo=UTC)
        elif hh is None:
            low = datetime(y, int(month), int(day), tzinfo=UTC)
            high = low + timedelta(days=1)
        else:
            micro = 0
            step = timedelta(minutes=1)
            if ss is not None:
                step = timedelta(seconds=1)
                if frac:
                    digits = frac[:6]
                    micro = int(digits.ljust(6, "0"))
                    step = timedelta(microseconds=10 ** (6 - len(digits)))
            low = (
                datetime(y, int(month), int(day), int(hh), int(mi), int(ss or 0), micro, tzinfo=UTC) - offset
            )
            high = low + step
    except ValueError:
        raise bad_request(f"'{text}' is not a real date.", "value") from None
    return _us(low), _us(high)


def _us(dt: datetime) -> int:
    delta = dt - _EPOCH
    return (delta.days * 86400 + delta.seconds) * US + delta.microseconds
