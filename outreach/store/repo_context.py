"""What every repository shares: the database, the unlocked cipher, the audit log and who is acting."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from outreach.store.audit_log import AuditLog
from outreach.store.database import Database
from outreach.store.field_cipher import FieldCipher


def new_id() -> str:
    """Random ids: they say nothing about the person, the worker or the time."""
    return str(uuid.uuid4())


@dataclass
class RepoContext:
    db: Database
    cipher: FieldCipher
    audit: AuditLog
    actor: Callable[[], str | None]  # the user id of whoever is unlocked now
