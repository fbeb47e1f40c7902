"""Words the Review workspace shows for states, dates and decisions, in one place so every
screen says the same thing (and translators see each once)."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QCoreApplication

from outreach.team.records import APPROVED, RECEIVED, RESUBMITTED, RETURNED

_STATE_WORDS = {
    RECEIVED: "Received",
    RETURNED: "Returned",
    RESUBMITTED: "Resubmitted",
    APPROVED: "Approved",
}


def state_words(state: str) -> str:
    """A review state as the queue and the review screen say it."""
    words = _STATE_WORDS.get(state)
    return QCoreApplication.translate("ReviewWords", words) if words else state


def uk_day(value: date | str | None) -> str:
    """A date (or the date of a stored time) the UK way, e.g. 3 Nov 2026; empty when unknown."""
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

