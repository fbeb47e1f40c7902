"""One way to show each kind of error, in words an outreach worker understands.

Every failure that reaches the screen goes through `show_error`: the task runner
sends failed background work here, and views call it for errors they do not handle
next to a field. Each family of `outreach.errors` has one title and one "what to do
next" line, so the same problem always looks the same. Unexpected errors never show
their technical message (it may hold data); they are logged (safely) instead.

A screen can take over one family, e.g. the main window shows the lock screen for
`LockedError`: ``register_error_handler(LockedError, window.show_lock_screen)``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from outreach.errors import (
    AuthError,
    Cancelled,
    ConflictError,
    CorruptRecordError,
    DefinitionError,
    LockedError,
    NetworkError,
    OutreachError,
    SchemaTooNewError,
    StorageFullError,
    StoreError,
    UserFacingError,
    ValidationError,
)
from outreach.logging_setup import log_event
from ui.i18n import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

ErrorHandler = Callable[[BaseException], None]


def _tr(text: str) -> str:
    return QCoreApplication.translate("errors", text)


@dataclass(frozen=True)
class ErrorView:
    """What the worker is shown for one error."""

    kind: str  # a stable name for the family, also logged
    title: str
    text: str  # what happened
    advice: str  # what to do next
    severity: QMessageBox.Icon


@dataclass(frozen=True)
class _Family:
    error: type[OutreachError]
    kind: str
    title: str  # marked with QT_TRANSLATE_NOOP (found by pyside6-lupdate), translated when shown
    advice: str
    icon: QMessageBox.Icon


_Icon = QMessageBox.Icon

# Most specific family first: the first match wins.
_FAMILIES: tuple[_Family, ...] = (
    _Family(
        DefinitionError,
        "definition",
        QT_TRANSLATE_NOOP("errors", "The check definition has a problem"),
        QT_TRANSLATE_NOOP("errors", "Tell your clinical lead or IT; checks already saved are not affected."),
        _Icon.Critical,
    ),
    _Family(
        ValidationError,  # includes CalculationError
        "validation",
        QT_TRANSLATE_NOOP("errors", "Please check"),
        QT_TRANSLATE_NOOP("errors", "Correct the value and try again."),
        _Icon.Warning,
    ),
    _Family(
        LockedError,
        "locked",
        QT_TRANSLATE_NOOP("errors", "Locked"),
        QT_TRANSLATE_NOOP("errors", "Unlock it with your passphrase to carry on. Your work is kept."),
        _Icon.Information,
    ),
    _Family(
        AuthError,
        "auth",
        QT_TRANSLATE_NOOP("errors", "Could not sign in"),
        QT_TRANSLATE_NOOP(
            "errors", "Check the user and passphrase. If this laptop was reported lost, ask IT."
        ),
        _Icon.Warning,
    ),
    _Family(
        NetworkError,
        "network",
        QT_TRANSLATE_NOOP("errors", "Not sent yet"),
        QT_TRANSLATE_NOOP(
            "errors", "Your work is saved on this laptop and will be sent when the connection is back."
        ),
        _Icon.Information,
    ),
    _Family(
        ConflictError,
        "conflict",
        QT_TRANSLATE_NOOP("errors", "Changed by someone else"),
        QT_TRANSLATE_NOOP("errors", "Look at the other changes, then decide what to keep."),
        _Icon.Warning,
    ),
    _Family(
        StorageFullError,
        "storage_full",
        QT_TRANSLATE_NOOP("errors", "The laptop's disk is full"),
        QT_TRANSLATE_NOOP(
            "errors", "Nothing already saved was lost. Ask IT to free some space, then try again."
        ),
        _Icon.Critical,
    ),
    _Family(
        SchemaTooNewError,
        "schema_too_new",
        QT_TRANSLATE_NOOP("errors", "Update needed"),
        QT_TRANSLATE_NOOP("errors", "Ask IT to install the latest version of the app on this laptop."),
        _Icon.Critical,
    ),
    _Family(
        CorruptRecordError,
        "corrupt_record",
        QT_TRANSLATE_NOOP("errors", "One record cannot be read"),
        QT_TRANSLATE_NOOP("errors", "The rest of your work is safe. Tell IT; the log has the details."),
        _Icon.Critical,
    ),
    _Family(
        StoreError,
        "store",
        QT_TRANSLATE_NOOP("errors", "Could not open or save the data"),
        QT_TRANSLATE_NOOP(
            "errors", "Nothing already saved was lost. Try again; if it keeps happening, tell IT."
        ),
        _Icon.Critical,
    ),
    _Family(UserFacingError, "user", QT_TRANSLATE_NOOP("errors", "Cannot do that"), "", _Icon.Warning),
)

UNEXPECTED_TITLE = QT_TRANSLATE_NOOP("errors", "Something went wrong")
UNEXPECTED_TEXT = QT_TRANSLATE_NOOP("errors", "Something went wrong and this did not finish.")
UNEXPECTED_ADVICE = QT_TRANSLATE_NOOP(
    "errors", "Your saved work is safe. If it happens again, tell IT: the log file has the details."
)


def describe_error(exc: BaseException) -> ErrorView | None:
    """The view for an error, or None when nothing should be shown (the worker cancelled)."""
    if isinstance(exc, Cancelled):
        return None
    for family in _FAMILIES:
        if isinstance(exc, family.error):
            title = _tr(family.title)
            text = exc.message if isinstance(exc, OutreachError) and exc.message else title
            return ErrorView(
                family.kind, title, text, _tr(family.advice) if family.advice else "", family.icon
            )
    # Not meant to reach the worker: never show its technical message, which may hold data.
    return ErrorView(
        "unexpected", _tr(UNEXPECTED_TITLE), _tr(UNEXPECTED_TEXT), _tr(UNEXPECTED_ADVICE), _Icon.Critical
    )


_handlers: dict[type[BaseException], ErrorHandler] = {}
_unparented: set[QMessageBox] = set()


def register_error_handler(family: type[BaseException], handler: ErrorHandler) -> None:
    """Let a screen show one family its own way (e.g. LockedError opens the lock screen)."""
    _handlers[family] = handler


def unregister_error_handler(family: type[BaseException], handler: ErrorHandler | None = None) -> None:
    """Remove the family's handler; with `handler`, only if it is still that one, so a screen
    closing late never removes the handler a newer screen registered."""
    if handler is None or _handlers.get(family) is handler:
        _handlers.pop(family, None)


def show_error(exc: BaseException, parent: QWidget | None = None) -> QMessageBox | None:
    """Show an error the one way its family is shown; returns the message box, if one was opened.

    Must be called on the GUI thread (the task runner delivers failures there).
    """
    view = describe_error(exc)
    if view is None:
        return None
    _log_shown(exc, view)
    for family, handler in _handlers.items():
        if isinstance(exc, family):
            handler(exc)
            return None
    box = QMessageBox(view.severity, view.title, view.text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName(f"error-{view.kind}")
    if view.advice:
        box.setInformativeText(view.advice)
    box.setAccessibleName(view.title)
    box.setAccessibleDescription(f"{view.text} {view.advice}".strip())
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if parent is not None:
        box.open()  # window-modal, returns at once: never a nested event loop
    else:
        # Without a parent, Python owns the box: keep it alive until the worker closes it.
        _unparented.add(box)
        box.finished.connect(lambda _result, b=box: _unparented.discard(b))
        box.show()
    return box


def _log_shown(exc: BaseException, view: ErrorView) -> None:
    fields: dict[str, object] = {"kind": view.kind, "error_type": type(exc).__name__}
    if isinstance(exc, (ValidationError, DefinitionError)) and exc.item:
        fields["item"] = exc.item
    if isinstance(exc, CorruptRecordError):
        fields.update(table=exc.table, record_id=exc.record_id)
    if view.kind == "unexpected":
        log.error("ui.error_shown", exc_info=(type(exc), exc, exc.__traceback__), extra={"fields": fields})
    else:
        log_event(log, "ui.error_shown", logging.WARNING, **fields)
