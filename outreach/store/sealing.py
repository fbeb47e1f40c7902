"""Sealing JSON documents into encrypted cells, and opening them again.

Every personal field is a JSON document sealed with the vault's field cipher. The
cell's table, row id, row version and column are bound in as associated data, so a
blob that was damaged, or copied from another row, is reported as that record's
damage (CorruptRecordError naming table and id) instead of being misread.
"""

from __future__ import annotations

import json
from typing import Any

from outreach.errors import CorruptRecordError, LockedError, OutreachError, ValidationError
from outreach.store.field_cipher import FieldCipher

# One sealed cell at most: a whole check with every answer and note is a few kilobytes. The use
# cases refuse long text field by field with better words; this is the backstop for any caller
# that forgets, so text pasted by mistake is never stored (and re-sealed on every autosave) endlessly.
MAX_DOCUMENT_BYTES = 1024 * 1024


def seal_json(
    cipher: FieldCipher, value: Any, *, table: str, record_id: str, version: int, column: str = "data"
) -> bytes:
    plaintext = json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode("utf-8")
    if len(plaintext) > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            "This is too long to save (more than a million characters): was something pasted by mistake? "
            "Shorten it and save again; what was saved before is unchanged."
        )
    return cipher.encrypt_field(plaintext, table=table, record_id=record_id, version=version, column=column)


def open_json(
    cipher: FieldCipher, blob: bytes, *, table: str, record_id: str, version: int, column: str = "data"
) -> Any:
    try:
        plaintext = cipher.decrypt_field(
            bytes(blob), table=table, record_id=record_id, version=version, column=column
        )
        return json.loads(plaintext.decode("utf-8"))
    except LockedError:
        raise
    except CorruptRecordError as exc:
        if exc.table and exc.record_id:
            raise
        raise damaged(table, record_id) from None
    except (OutreachError, ValueError, TypeError, UnicodeDecodeError):
        raise damaged(table, record_id) from None
    except Exception:  # noqa: BLE001 - any cipher failure on one blob is that record's damage, never a crash
        raise damaged(table, record_id) from None


def damaged(table: str, record_id: str) -> CorruptRecordError:
    return CorruptRecordError(
        f"One record ({_TABLE_WORDS.get(table, table)} {record_id}) is damaged and cannot be read. "
        "Everything else is still available. Tell IT the record number; if it was synced, "
        "it can be restored from the shared record.",
        table=table,
        record_id=record_id,
    )


_TABLE_WORDS = {
    "people": "person",
    "checks": "check",
    "check_findings": "finding",
    "follow_ups": "follow-up",
    "consents": "consent",
    "outbox": "outbox item",
    "venues": "venue",
}
