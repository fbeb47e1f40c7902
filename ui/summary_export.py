"""Saving the person's summary as a PDF: where it goes, the warning before, the audit entry after.

A saved PDF is the one place the person's health details leave the app's encryption, so:

* the worker is told so first, in plain words (the file is not protected; keep it on this
  laptop or an encrypted USB stick; delete it once printed), and can cancel;
* the save dialog opens in the user's Documents folder (QStandardPaths), never in the
  program's folder, which other users of the laptop can often read and which an update
  replaces; choosing the program's folder is refused with the reason;
* the file itself is written owner-only and atomically (ui.summary_pdf.write_summary_pdf);
* once written, the audit trail records that a summary was exported, by whom and for which
  check, without the file's name or folder (outreach.summary.export).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import QCoreApplication, QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ui.ops.check import record_summary_export

if TYPE_CHECKING:
    from ui.context import AppContext
    from ui.tasks import Task

PDF_SUFFIX: Final = ".pdf"
WARNING_OBJECT_NAME: Final = "summary-export-warning"
MAX_ASKS: Final = 5  # the program's folder refused this many times: stop asking


def _tr(text: str) -> str:
    return QCoreApplication.translate("summary_export", text)


def program_folders() -> list[Path]:
    """Folders that belong to the installed program (the source tree, or the bundle and its exe)."""
    folders = [Path(__file__).resolve().parents[1]]
    if getattr(sys, "frozen", False):
        folders.append(Path(sys.executable).resolve().parent)
        bundle = getattr(sys, "_MEIPASS", None)
        if bundle:
            folders.append(Path(bundle).resolve())
    return folders


def in_program_folder(path: str | Path) -> bool:
    """True when `path` is one of the program's folders or inside one."""
    try:
        resolved = Path(path).expanduser().resolve()
    except (OSError, RuntimeError):
        return False
    return any(resolved == folder or folder in resolved.parents for folder in program_folders())


def default_export_dir() -> Path:
    """Where the save dialog opens: the user's Documents folder, else their home folder.

    Never the program's folder, nor the current folder (the app is often started from there).
    """
    for location in (QStandardPaths.StandardLocation.DocumentsLocation,
                     QStandardPaths.StandardLocation.HomeLocation):
        candidate = QStandardPaths.writableLocation(location)
        if candidate and Path(candidate).is_dir() and not in_program_folder(candidate):
            return Path(candidate)
    return Path.home()


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


def _confirm(box: QMessageBox) -> bool:
    """Show the warning and wait for the worker (tests replace this)."""
    box.exec()
    return box.buttonRole(box.clickedButton()) == QMessageBox.ButtonRole.AcceptRole


def _save_dialog(parent: QWidget | None, title: str, start: str, filters: str) -> str:
    """The platform's save dialog (tests replace this)."""
    path, _ = QFileDialog.getSaveFileName(parent, title, start, filters)
    return path


confirm: Callable[[QMessageBox], bool] = _confirm
save_dialog: Callable[[QWidget | None, str, str, str], str] = _save_dialog


def ask_summary_path(parent: QWidget | None, suggested: str) -> str | None:
    """Warn that the PDF is unprotected, then ask where to save it; None when the worker cancels."""
    if not confirm(warning_box(parent)):
        return None
    start = default_export_dir() / Path(suggested).name
    for _ in range(MAX_ASKS):
        path = save_dialog(parent, _tr("Save the summary as PDF"), str(start), _tr("PDF files (*.pdf)"))
        if not path:
            return None
        chosen = Path(path)
        if chosen.suffix.lower() != PDF_SUFFIX:
            chosen = chosen.with_name(chosen.name + PDF_SUFFIX)
        if not in_program_folder(chosen):
            return str(chosen)
        refused = QMessageBox(
            QMessageBox.Icon.Information, _tr("Choose another folder"),
            _tr("That is the program's own folder, which other people using this laptop may be able "
                "to read. Choose your Documents folder or an encrypted USB stick."),
            QMessageBox.StandardButton.Ok, parent)
        refused.setObjectName("summary-export-program-folder")
        refused.setTextFormat(Qt.TextFormat.PlainText)
        confirm(refused)
        start = default_export_dir() / chosen.name
    return None


def record_summary_saved(context: AppContext, check_id: str | None,
                         on_error: Callable[[BaseException], None] | None = None) -> Task:
    """Put "a summary PDF was saved" in the audit trail, on the database worker."""
    return context.runner.run_db(record_summary_export, context.store, check_id, name="summary.audit",
                                 on_error=on_error)
