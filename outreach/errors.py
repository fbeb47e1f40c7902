"""One error hierarchy for the whole product.

The UI shows each family one way (a field message, a lock screen, a banner),
and logs it without personal data, so every error raised on purpose by the
core must derive from `OutreachError`. Messages are written for an outreach
worker, not a developer: say what is wrong and what to do next.
"""

from __future__ import annotations


class OutreachError(Exception):
    """Base of every error the product raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class UserFacingError(OutreachError):
    """An error whose message can be shown to the worker as it is."""


class Cancelled(OutreachError):
    """The user stopped an operation; unwind quietly."""


class ValidationError(UserFacingError):
    """A value or an input file was refused.

    `item` names the question (linkId) or field the message is about, so the UI can
    put the message next to it.
    """

    def __init__(self, message: str, item: str | None = None) -> None:
        super().__init__(message)
        self.item = item


class DefinitionError(UserFacingError):
    """A check definition or rule set is broken; the message names the item."""

    def __init__(self, message: str, item: str | None = None) -> None:
        super().__init__(message)
        self.item = item


class CalculationError(ValidationError):
    """A calculator cannot give a result (missing or out-of-range input)."""


class LockedError(UserFacingError):
    """The vault is locked: keys are not in memory."""


class AuthError(UserFacingError):
    """Wrong passphrase, unknown user, or a device the server has revoked.

    When it stops a sync run, `report` carries what that run did before it stopped (the sync
    report), so the screen can still say what was sent."""

    report: object | None = None


class UnlockRefused(AuthError):
    """A wrong passphrase (or an attempt during a pause). `retry_after` is the number
    of seconds the caller must wait before the next attempt (0: may retry at once).

    Declared here, not beside the vault, so the unlock screen can tell it apart without loading
    the vault's cryptography."""

    def __init__(self, message: str, retry_after: float = 0.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NetworkError(UserFacingError):
    """The shared record could not be reached or answered badly."""


class ConflictError(UserFacingError):
    """Someone else changed the same record first."""


class StoreError(UserFacingError):
    """The local store cannot be opened or written."""


class CorruptRecordError(StoreError):
    """One record failed its integrity check; the rest of the store is usable."""

    def __init__(self, message: str, table: str | None = None, record_id: str | None = None) -> None:
        super().__init__(message)
        self.table = table
        self.record_id = record_id


class StorageFullError(StoreError):
    """The disk (or the database's size limit) is full; nothing already saved was lost."""


class SchemaTooNewError(StoreError):
    """The database was written by a newer version of the app."""
