"""Words the Review workspace shows for states and decisions, in one place so every
screen says the same thing (and translators see each once)."""

from __future__ import annotations

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
