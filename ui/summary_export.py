"""Saving the person's summary as a PDF: where it goes, the warning before, the audit entry after.

A saved PDF is the one place the person's health details leave the app's encryption, so:

* the worker is told so first, in plain words (the file is not protected; keep it on this
  laptop or an encrypted USB stick; delete it once printed), and can cancel;
* where it may be saved follows the rule for every export (`ui.save_location`): the dialog
  opens in the user's Documents folder, and the program's own folder is refused with the reason;
* the file itself is written owner-only and atomically (ui.summary_pdf.write_summary_pdf);
* once written, the audit trail records that a summary was exported, by whom and for which
  check, without the file's name or folder (outreach.summary.export).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from ui import save_location
from ui.ops.check import record_summary_export

if TYPE_CHECKING:
    from ui.context import AppContext
    from ui.tasks import Task

PDF_SUFFIX: Final = ".pdf"
WARNING_OBJECT_NAME: Final = "summary-export-warning"


def _tr(text: str) -> str:
    return QCoreApplication.translate("summary_export", text)


def warning_box(parent: QWidget | None) -> QMessageBox:
    """The plain warning shown before every save: the PDF is not protected, where to keep it, delete it."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        _tr("The PDF will not be protected"),
        _tr("The summary PDF is not protected by this app's encryption. Anyone who can open the "
            "file can read the person's health details."),
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setObjectName(WARNING_OBJECT_NAME)
    box.setInformativeText(_tr(
        "Save it only in your own Documents folder on this laptop or on an encrypted USB stick, "
        "never on a shared drive. Print it, give it to the person, then delete the file."))
    box.setTextFormat(Qt.TextFormat.PlainText)
    save = box.addButton(_tr("Choose where to save..."), QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(_tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    box.setAccessibleName(box.text())
    box.setAccessibleDescription(box.informativeText())
    return box


def ask_summary_path(parent: QWidget | None, suggested: str) -> str | None:
    """Warn that the PDF is unprotected, then ask where to save it; None when the worker cancels."""
    if not save_location.confirm(warning_box(parent)):
        return None
    return save_location.ask_export_path(
        parent,
        title=_tr("Save the summary as PDF"),
        suggested=suggested,
        filters=_tr("PDF files (*.pdf)"),
        suffix=PDF_SUFFIX,
    )


def record_summary_saved(context: AppContext, check_id: str | None,
                         on_error: Callable[[BaseException], None] | None = None) -> Task:
    """Put "a summary PDF was saved" in the audit trail, on the database worker."""
    return context.runner.run_db(record_summary_export, context.store, check_id, name="summary.audit",
                                 on_error=on_error)
