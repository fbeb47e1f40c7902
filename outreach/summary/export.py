"""The audit entry for a summary saved outside the encrypted store.

A saved PDF is personal data that has left the app's encryption, so the audit trail
records that it happened, who did it and for which check: never the file's name or
folder (a path can hold a person's name, and says where to find the file) and nothing
from the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # the store is only needed when an export is recorded
    from outreach.store.local_store import LocalStore

EXPORT_ACTION: Final = "summary.export_pdf"
CHECKS_TABLE: Final = "checks"


def record_summary_export(store: LocalStore, check_id: str | None) -> int:
    """Append "a summary PDF was saved" to the audit trail (one write transaction); return its number."""
    user = store.current_user
    with store.db.write() as conn:
        return store.audit.append(
            conn, EXPORT_ACTION, user_id=user.name if user else None,
            table=CHECKS_TABLE if check_id else None, record_id=check_id,
        )
