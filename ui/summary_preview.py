"""Print preview of the person's summary, with a large-print switch.

Qt's own QPrintPreviewDialog gives zoom, page set-up and Print. Its Print button is
re-wired to a print dialog without "Print to file": a file made there would skip the
warning, the owner-only mode and the audit entry that "Save the summary as PDF..."
gives (ui.summary_export), so files are made only that way. This adds a "Large print" toggle to its
toolbar, gives every toolbar control an accessible name (Qt leaves icon-only buttons
unnamed for screen readers), and draws the page with the same code as the PDF, so what
the worker previews is what the person gets.

The preview paints on the GUI thread (QPrintPreviewWidget requires it); drawing the
page takes a few tens of milliseconds.

When the page shows a heart health score, the QRISK3-2017 licence note is shown in full
under the preview, word for word: the licence asks for it wherever a score is shown, and
here the worker sees the score before handing it over. The person's page itself carries
one plain line naming the model (docs/summary.md).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtPrintSupport import (
    QAbstractPrintDialog,
    QPrintDialog,
    QPrinter,
    QPrintPreviewDialog,
    QPrintPreviewWidget,
)
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QToolBar, QWidget

from outreach.clinical.qrisk3 import QRISK3_DISCLAIMER
from outreach.summary.model import PersonSummary
from outreach.summary.render import render_html
from ui.summary_pdf import paint_summary


def _fitting_size(parent: QWidget | None) -> QSize:
    """900 x 900 where there is room; on a 1366x768 laptop, most of the screen's free area, so
    the dialog's own buttons are never off the bottom of the screen."""
    screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(900, 900)
    free = screen.availableGeometry()
    return QSize(min(900, int(free.width() * 0.9)), min(900, int(free.height() * 0.9)))


class SummaryPreviewDialog(QPrintPreviewDialog):
    """Shows the summary as it will print. `pages` is the page count of the current preview."""

    def __init__(
        self, summary: PersonSummary, parent: QWidget | None = None, *, large_print: bool = False
    ) -> None:
        self._printer = QPrinter(QPrinter.PrinterMode.HighResolution)  # the dialog does not own its printer
        super().__init__(self._printer, parent)
        self._summary = summary
        self._large_print = large_print
        self.setWindowTitle(self.tr("Summary for the person: print preview"))
        self.setAccessibleName(self.tr("Print preview of the summary for the person"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(_fitting_size(parent))
        preview = self.findChild(QPrintPreviewWidget)
        assert preview is not None  # a QPrintPreviewDialog always holds its preview widget
        self.preview: QPrintPreviewWidget = preview
        self.preview.setAccessibleName(self.tr("Page preview"))
        self.paintRequested.connect(self._paint)

        self.large_print_action = QAction(self.tr("&Large print"), self)
        self.large_print_action.setCheckable(True)
        self.large_print_action.setChecked(large_print)
        # Ctrl+L is the app's lock shortcut; large print must not take it over.
        self.large_print_action.setShortcut(QKeySequence(self.tr("Ctrl+Shift+L")))
        self.large_print_action.setToolTip(self.tr("Large print: bigger text, on two pages (Ctrl+Shift+L)"))
        self.large_print_action.toggled.connect(self.set_large_print)
        toolbar = self.findChild(QToolBar)
        if toolbar is not None:  # first on the toolbar, so it never hides behind the overflow arrow
            first = toolbar.actions()[0] if toolbar.actions() else None
            toolbar.insertAction(first, self.large_print_action)  # type: ignore[arg-type]  # None appends
            toolbar.insertSeparator(first)  # type: ignore[arg-type]  # Qt takes None (append); the stubs do not
            toolbar.setAccessibleName(self.tr("Preview tools"))
            self._name_toolbar_controls(toolbar)
            self.print_action = self._take_over_print(toolbar)
        else:  # not expected; keep the shortcut working anyway
            self.addAction(self.large_print_action)
            self.print_action = None
        self.licence_note: QLabel | None = None
        if summary.shows_heart_score:
            self.licence_note = QLabel(
                self.tr("Heart health score: worked out with QRISK3-2017. Licence note from its makers:")
                + "\n"
                + QRISK3_DISCLAIMER,
                self,
            )
            self.licence_note.setObjectName("summary-preview:qrisk3-licence")
            self.licence_note.setWordWrap(True)
            self.licence_note.setContentsMargins(8, 4, 8, 4)
            self.licence_note.setTextFormat(Qt.TextFormat.PlainText)
            self.licence_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.licence_note.setAccessibleName(self.tr("QRISK3 licence note"))
            layout = self.layout()
            if layout is not None:
                layout.addWidget(self.licence_note)
        self._name_other_controls()

    @staticmethod
    def _name_toolbar_controls(toolbar: QToolBar) -> None:
        for action in toolbar.actions():
            widget = toolbar.widgetForAction(action)
            if widget is None or widget.accessibleName():
                continue
            name = (action.text() or action.toolTip() or "").replace("&", "").strip()
            if name:
                widget.setAccessibleName(name)
        for child in toolbar.findChildren(QWidget):
            if not child.accessibleName() and child.toolTip():
                child.setAccessibleName(child.toolTip())

    def _name_other_controls(self) -> None:
        """Qt's preview has a page-number box, an editable zoom box and a page view with no names."""
        for child in self.findChildren(QWidget):
            if child.accessibleName() or child.focusPolicy() == Qt.FocusPolicy.NoFocus:
                continue
            if isinstance(child, QLineEdit):
                inside_combo = isinstance(child.parentWidget(), QComboBox)
                child.setAccessibleName(self.tr("Zoom") if inside_combo else self.tr("Page number"))
            elif isinstance(child, QComboBox):
                child.setAccessibleName(self.tr("Zoom"))
            else:
                child.setAccessibleName(self.tr("Page preview"))

    def _take_over_print(self, toolbar: QToolBar) -> QAction | None:
        """Point Qt's Print button at `print_dialog` (Qt's own offers "Print to file")."""
        action = next((a for a in toolbar.actions() if a.text().replace("&", "") == "Print"), None)
        if action is None:
            actions = [a for a in toolbar.actions() if not a.isSeparator()]
            action = actions[-1] if actions else None  # Qt puts Print last
        if action is None:
            return None
        action.triggered.disconnect()
        action.triggered.connect(self.print_page)
        return action

    def print_dialog(self) -> QPrintDialog:
        """The printer choice, with no "Print to file" (files are made with the warning and audit)."""
        dialog = QPrintDialog(self._printer, self)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, False)
        dialog.setWindowTitle(self.tr("Print the summary"))
        return dialog

    def print_page(self) -> None:
        """Print on a printer the worker picks, then close the preview."""
        dialog = self.print_dialog()
        if (
            dialog.exec() == QPrintDialog.DialogCode.Accepted
            and self._printer.outputFormat() == QPrinter.OutputFormat.NativeFormat
        ):
            self.preview.print()  # type: ignore[attr-defined]  # PySide6's stubs call it print_
            self.accept()

    @property
    def large_print(self) -> bool:
        return self._large_print

    @property
    def pages(self) -> int:
        return self.preview.pageCount()

    def html(self) -> str:
        """The page being previewed, as HTML."""
        return render_html(self._summary, large_print=self._large_print)

    def set_large_print(self, on: bool) -> None:
        """Switch print size and redraw the preview."""
        if on == self._large_print:
            return
        self._large_print = on
        if self.large_print_action.isChecked() != on:
            self.large_print_action.setChecked(on)
        self.preview.updatePreview()

    def _paint(self, printer: QPrinter) -> None:
        paint_summary(self.html(), printer, large_print=self._large_print)
