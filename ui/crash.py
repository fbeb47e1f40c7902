"""What happens when something the code did not expect goes wrong.

An uncaught exception, on any thread, is logged (type and stack only, through the
allow-list: no personal data) and a plain dialog tells the worker that saved work is
safe and what to do. The dialog is always built on the GUI thread: the hook may run
on a worker thread, so it only posts an event to the reporter, which Qt delivers on the GUI thread
(the reporter lives there). An event rather than a queued signal: a queued connection names Qt's
own namespace, which costs tens of milliseconds to load, and the reporter is made before the
first window is drawn.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Slot

from ui.i18n import QT_TRANSLATE_NOOP

if TYPE_CHECKING:  # the dialog's classes load with the first crash, not before the first window
    from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger(__name__)

CRASH_TITLE = QT_TRANSLATE_NOOP("crash", "Something went wrong")
CRASH_TEXT = QT_TRANSLATE_NOOP("crash", "Outreach Health Checks ran into a problem it did not expect.")
CRASH_ADVICE = QT_TRANSLATE_NOOP(
    "crash",
    "Your saved work is safe. You can carry on; if the app misbehaves, close it and open it again. "
    "If this keeps happening, tell IT.",
)
CRASH_LOG_HINT = QT_TRANSLATE_NOOP(
    "crash", "Details for IT (without any personal information) are in the log file:"
)


# The event that asks the reporter, on the GUI thread, to show the dialog.
_CRASHED = QEvent.Type(QEvent.registerEventType())


class CrashReporter(QObject):
    """Installs `sys.excepthook` and `threading.excepthook`; create it on the GUI thread."""

    def __init__(self, log_file: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_file = log_file
        self.dialog: QMessageBox | None = None
        self.dialog_thread_is_gui: bool | None = None
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook

    def install(self) -> None:
        sys.excepthook = self.handle_exception
        threading.excepthook = self._handle_thread_exception

    def uninstall(self) -> None:
        if sys.excepthook == self.handle_exception:
            sys.excepthook = self._previous_hook
        if threading.excepthook == self._handle_thread_exception:
            threading.excepthook = self._previous_thread_hook

    def handle_exception(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        """Log safely, then ask the GUI thread to show the crash dialog. Safe on any thread."""
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous_hook(exc_type, exc, tb)
            return
        log.critical(
            "app.crashed",
            exc_info=(exc_type, exc, tb),
            extra={"fields": {"error_type": exc_type.__name__, "thread": threading.current_thread().name}},
        )
        QCoreApplication.postEvent(self, QEvent(_CRASHED))  # thread-safe; delivered on the GUI thread

    def event(self, event: QEvent) -> bool:
        if event.type() != _CRASHED:
            return super().event(event)
        self._show_dialog()
        return True

    def _handle_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self.handle_exception(args.exc_type, args.exc_value, args.exc_traceback)

    def _show_dialog(self) -> None:
        from PySide6.QtCore import Qt

        from ui.tasks import on_gui_thread

        self.dialog_thread_is_gui = on_gui_thread()
        if self.dialog is not None and self.dialog.isVisible():
            return  # one dialog at a time, however many errors follow the first
        parent = _active_window()
        title = QCoreApplication.translate("crash", CRASH_TITLE)
        text = QCoreApplication.translate("crash", CRASH_TEXT)
        advice = QCoreApplication.translate("crash", CRASH_ADVICE)
        if self.log_file is not None:
            advice += "\n\n" + QCoreApplication.translate("crash", CRASH_LOG_HINT) + f"\n{self.log_file}"
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok, parent)
        box.setInformativeText(advice)
        box.setObjectName("crash-dialog")
        box.setAccessibleName(title)
        box.setAccessibleDescription(f"{text} {advice}")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.destroyed.connect(self._forget_dialog)
        self.dialog = box
        if parent is not None:
            box.open()
        else:
            box.show()

    @Slot()
    def _forget_dialog(self) -> None:
        self.dialog = None


def _active_window() -> QWidget | None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    return app.activeWindow() if isinstance(app, QApplication) else None
