"""The print preview of the person's summary: it shows the page, switches to large print, names its controls."""

from __future__ import annotations

import pytest
from PySide6.QtCore import SIGNAL, Qt, QTimer
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog
from PySide6.QtWidgets import QApplication, QToolButton, QWidget

from outreach.clinical.qrisk3 import QRISK3_DISCLAIMER
from tests.conftest import ARTIFACTS
from tests.summary.checks import ALL_GOOD, QRISK3_INPUTS, summary_for
from tests.summary.test_summary_model import SEVERAL_FINDINGS
from ui.summary_preview import SummaryPreviewDialog

pytestmark = pytest.mark.gui


def test_preview_pages_and_large_print_toggle(qtbot) -> None:
    dialog = SummaryPreviewDialog(summary_for({**SEVERAL_FINDINGS, **QRISK3_INPUTS}))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.pages == 1)
    assert not dialog.large_print and "p, td { font-size: 12pt; }" in dialog.html()
    (ARTIFACTS / "summary").mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(ARTIFACTS / "summary" / "preview-normal.png"))

    button = next(
        b for b in dialog.findChildren(QToolButton) if b.defaultAction() is dialog.large_print_action
    )
    assert button.accessibleName() == "Large print" and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages == 2)
    assert dialog.large_print and "p, td { font-size: 18pt; }" in dialog.html()
    dialog.grab().save(str(ARTIFACTS / "summary" / "preview-large.png"))
    dialog.set_large_print(False)
    qtbot.waitUntil(lambda: dialog.pages == 1)
    assert not dialog.large_print_action.isChecked()


def test_the_licence_note_is_shown_in_full_beside_a_score_and_not_without_one(qtbot) -> None:
    dialog = SummaryPreviewDialog(summary_for({**SEVERAL_FINDINGS, **QRISK3_INPUTS}))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.pages >= 1)
    assert dialog.licence_note is not None and dialog.licence_note.isVisible()
    assert dialog.licence_note.text().endswith(QRISK3_DISCLAIMER)
    assert "ClinRisk" not in dialog.html()  # the page itself has one plain line instead
    plain = SummaryPreviewDialog(summary_for(ALL_GOOD))
    qtbot.addWidget(plain)
    assert plain.licence_note is None


def test_print_offers_printers_only_never_an_unprotected_file(qtbot) -> None:
    """A file is made only through "Save the summary as PDF" (warning, owner-only, audited)."""
    dialog = SummaryPreviewDialog(summary_for(ALL_GOOD))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.print_action is not None
    assert dialog.print_action.receivers(SIGNAL("triggered(bool)")) == 1  # ours only, not Qt's own
    seen: list[object] = []

    def answer() -> None:
        shown = QApplication.activeModalWidget()
        seen.append(shown)
        if isinstance(shown, QPrintDialog):
            seen.append(shown.testOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile))
        if shown is not None:
            shown.reject()

    QTimer.singleShot(200, answer)
    dialog.print_action.trigger()
    assert isinstance(seen[0], QPrintDialog) and seen[1] is False
    assert dialog.isVisible()  # cancelled: the preview stays open


def test_every_focusable_control_has_an_accessible_name(qtbot) -> None:
    dialog = SummaryPreviewDialog(summary_for(ALL_GOOD), large_print=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.pages >= 1)
    assert dialog.large_print_action.isChecked()
    unnamed = [
        w.metaObject().className()
        for w in dialog.findChildren(QWidget)
        if w.isVisible() and w.focusPolicy() != Qt.FocusPolicy.NoFocus and not w.accessibleName()
    ]
    assert unnamed == []
    assert dialog.accessibleName()


def test_keyboard_toggle_leaves_ctrl_l_to_the_lock(qtbot) -> None:
    dialog = SummaryPreviewDialog(summary_for(ALL_GOOD))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.pages >= 1)
    assert dialog.large_print_action.shortcut().toString() == "Ctrl+Shift+L"
    dialog.large_print_action.trigger()
    assert dialog.large_print


def test_the_preview_fits_a_laptop_screen(qtbot) -> None:
    """On a 768-pixel-high screen the preview (and its buttons) stay on the screen."""
    from PySide6.QtGui import QGuiApplication

    dialog = SummaryPreviewDialog(summary_for(ALL_GOOD))
    qtbot.addWidget(dialog)
    free = QGuiApplication.primaryScreen().availableGeometry()
    assert dialog.width() <= max(900, free.width()) and dialog.height() <= free.height()
    assert dialog.height() <= min(900, int(free.height() * 0.9))
