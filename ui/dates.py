"""Dates and times as the screens write them (the UK way), once for every screen."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any


def local_time(stamp: str | None) -> str:
    """A stored UTC time as the laptop's local time, the UK way, e.g. 23/11/2026 14:46; text that is
    not a time is shown as it is."""
    try:
        moment = datetime.fromisoformat(stamp or "")
    except ValueError:
        return stamp or ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%d/%m/%Y %H:%M")


def day_text(value: date | str | None) -> str:
    """A date (or the date of a stored time, in local time) the UK way in words, e.g. 3 Nov 2026;
    empty when unknown; text that is not a date is shown as it is."""
    if value is None or value == "":
        return ""
    day: date
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
        if moment.tzinfo is not None:
            moment = moment.astimezone()
        day = moment.date()
    return f"{day.day} {day.strftime('%b')} {day.year}"


def entry_date(value: Any) -> str:
    """A stored date (a date, or YYYY-MM-DD text) as a nurse types it, dd/mm/yyyy; anything else as it is."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    try:
        return date.fromisoformat(text[:10]).strftime("%d/%m/%Y") if len(text) == 10 else text
    except ValueError:
        return text
