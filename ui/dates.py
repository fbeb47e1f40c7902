"""Dates and times as the screens write them (the UK way), once for every screen."""

from __future__ import annotations

from datetime import UTC, datetime


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
