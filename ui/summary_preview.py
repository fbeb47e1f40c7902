"""Print preview of the person's summary, with a large-print switch.

Qt's own QPrintPreviewDialog gives zoom, page set-up and Print (including "Print to
file", where the worker chooses the place). This adds a "Large print" toggle to its
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

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QToolBar, QWidget

from outreach.clinical.qrisk3 import QRISK3_DISCLAIMER
from outreach.summary.model import PersonSummary
from outreach.summary.render import render_html
from ui.summary_pdf import paint_summary


class SummaryPreviewDialog(QPrintPreviewDialog):
    """Shows the summary as it will print. `pages` is the page count of the current preview."""

    def __init__(self, summary: PersonSummary, parent: QWidget | None = None, *, large_print: bool = False) -> None:
        self._printer = QPrinter(QPrinter.PrinterMode.HighResolution)  # the dialog does not own its printer
        super().__init__(self._printer, parent)
        self._summary = summary
        self._large_print = large_print
        self.setWindowTitle(self.tr("Summary for the person: print preview"))
        self.setAccessibleName(self.tr("Print preview of the summary for the person"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(900, 900)
        self.preview: QPrintPreviewWidget = self.findChild(QPrintPreviewWidget)
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
            toolbar.insertAction(first, self.large_print_action)
            toolbar.insertSeparator(first)
            toolbar.setAccessibleName(self.tr("Preview tools"))
            self._name_toolbar_controls(toolbar)
        else:  # not expected; keep the shortcut working anyway
            self.addAction(self.large_print_action)
        self.licence_note: QLabel | None = None
        if summary.shows_heart_score:
            self.licence_note = QLabel(
                self.tr("Heart health score: worked out with QRISK3-2017. Licence note from its makers:")
                + "\n" + QRISK3_DISCLAIMER, self)
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
