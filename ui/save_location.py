"""Where a file that leaves the app's encryption may be saved: one rule for every export.

A summary PDF, the dashboard's figures and its checks with personal data are the files the app
writes outside its encrypted store. For each of them:

* the save dialog opens in the user's Documents folder (QStandardPaths), never in the program's
  folder nor the folder the app was started from;
* the program's own folder is refused with the reason (other people using the laptop can often
  read it, and an update replaces it), and the worker is asked again, a few times at most;
* the file gets the export's suffix if the worker left it out.

The warnings before an export differ with what it holds and stay with each export; showing a box
and waiting for the answer goes through `confirm` here, so tests can answer for the worker.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Final

from PySide6.QtCore import QCoreApplication, QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

MAX_ASKS: Final = 5  # the program's folder refused this many times: stop asking
REFUSED_OBJECT_NAME: Final = "export-program-folder-refused"


def _tr(text: str) -> str:
    return QCoreApplication.translate("save_location", text)


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


def _confirm(box: QMessageBox) -> bool:
    """Show a box and wait for the worker: True when they chose its accepting button."""
    box.exec()
    return box.buttonRole(box.clickedButton()) == QMessageBox.ButtonRole.AcceptRole


def _save_dialog(parent: QWidget | None, title: str, start: str, filters: str) -> str:
    """The platform's save dialog; "" when the worker cancels."""
    path, _ = QFileDialog.getSaveFileName(parent, title, start, filters)
    return path


# Replaced by tests, which answer for the worker.
confirm: Callable[[QMessageBox], bool] = _confirm
save_dialog: Callable[[QWidget | None, str, str, str], str] = _save_dialog


def ask_export_path(
    parent: QWidget | None, *, title: str, suggested: str, filters: str, suffix: str
) -> str | None:
    """Ask where to save an export (see the module docstring); None when the worker cancels."""
    start = default_export_dir() / Path(suggested).name
    for _ in range(MAX_ASKS):
        path = save_dialog(parent, title, str(start), filters)
        if not path:
            return None
        chosen = Path(path)
        if chosen.suffix.lower() != suffix:
            chosen = chosen.with_name(chosen.name + suffix)
        if not in_program_folder(chosen):
            return str(chosen)
        refused = QMessageBox(
            QMessageBox.Icon.Information,
            _tr("Choose another folder"),
            _tr("That is the program's own folder, which other people using this laptop may be able "
                "to read. Choose your Documents folder or an encrypted USB stick."),
            QMessageBox.StandardButton.Ok,
            parent,
        )
        refused.setObjectName(REFUSED_OBJECT_NAME)
        refused.setTextFormat(Qt.TextFormat.PlainText)
        confirm(refused)
        start = default_export_dir() / chosen.name
    return None
