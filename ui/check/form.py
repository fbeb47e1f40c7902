"""The check screen: section list, one page per element, findings, review; the core strip on top.

Pages are built the first time they are shown and kept, so moving between sections
only swaps the visible page (measured in bench/bench_check_ui.py: well under 50 ms).
The form holds no data of its own: the workflow gives it answers and evaluations and
listens for changes.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from outreach.checks.definition import CheckDefinition
from outreach.checks.evaluation import CheckEvaluation
from outreach.clinical.service_directory import ServiceDirectory
from ui.check.element_page import ElementPage
from ui.check.fields import ItemField, NumberField
from ui.check.findings_page import FindingsPage
from ui.check.model import STATE_SYMBOL
from ui.check.progress_strip import CoreProgressStrip
from ui.check.results_panel import ResultsPanel
from ui.check.review_page import ReviewPage

FINDINGS = "findings"
REVIEW = "review"
_TAB_STOPS = (QLineEdit, QComboBox, QAbstractButton)


class CheckForm(QWidget):
    """Sections and pages of one check. `page_built(widget)` lets the workflow fill a new page."""

    page_built = Signal(object)
    close_requested = Signal()
    section_changed = Signal(int)

    def __init__(
        self, defn: CheckDefinition, directory: ServiceDirectory, title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.defn = defn
        self.directory = directory
        self.setObjectName("check-form")
        self.section_ids: list[str] = [e.id for e in defn.elements] + [FINDINGS, REVIEW]
        self.pages: dict[str, QWidget] = {}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        header = QHBoxLayout()
        self.title = QLabel(title, self)
        self.title.setObjectName("check-title")
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title.setFont(font)
        # A long name wraps instead of widening the window past a small screen.
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        header.addWidget(self.title, 1)
        self.saved_label = QLabel("", self)
        self.saved_label.setObjectName("saved-indicator")
        self.saved_label.setAccessibleName(self.tr("Save status"))
        header.addWidget(self.saved_label)
        self.close_button = QPushButton(self.tr("Back to home"), self)
        self.close_button.setObjectName("check:close")
        self.close_button.setAccessibleName(self.tr("Leave the check (it is saved) and go back to home"))
        self.close_button.clicked.connect(self.close_requested)
        header.addWidget(self.close_button)
        outer.addLayout(header)

        self.banner = QWidget(self)
        self.banner.setObjectName("final-banner")
        banner_row = QHBoxLayout(self.banner)
        banner_row.setContentsMargins(6, 4, 6, 4)
        self.banner_label = QLabel("", self.banner)
        self.banner_label.setWordWrap(True)
        banner_row.addWidget(self.banner_label, 1)
        self.banner_amend = QPushButton(self.tr("Amend..."), self.banner)
        self.banner_amend.setObjectName("banner:amend")
        self.banner_amend.setAccessibleName(self.tr("Amend this finalised check"))
        self.banner_amend.clicked.connect(lambda: self.show_section(REVIEW))
        banner_row.addWidget(self.banner_amend)
        self.banner.setStyleSheet("#final-banner { background: #E8EEF8; border: 1px solid #1F3B73; }")
        self.banner.hide()
        outer.addWidget(self.banner)

        self.strip = CoreProgressStrip(defn, self)
        self.strip.element_clicked.connect(self.show_section)
        outer.addWidget(self.strip)

        body = QHBoxLayout()
        self.sections = QListWidget(self)
        self.sections.setObjectName("sections")
        self.sections.setAccessibleName(self.tr("Sections of the check"))
        self.sections.setMaximumWidth(260)
        self.sections.setMinimumWidth(200)
        for element in defn.elements:
            QListWidgetItem(self._section_text(element.title, "incomplete"), self.sections)
        QListWidgetItem(self.tr("Findings and plan"), self.sections)
        QListWidgetItem(self.tr("Review and finalise"), self.sections)
        self.sections.currentRowChanged.connect(self._row_changed)
        body.addWidget(self.sections)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("pages")
        body.addWidget(self.stack, 1)
        self.results = ResultsPanel(self)
        self.results.setMaximumWidth(300)
        self.results.setMinimumWidth(220)
        body.addWidget(self.results)
        outer.addLayout(body, 1)

        footer = QHBoxLayout()
        self.previous_button = QPushButton(self.tr("< Previous"), self)
        self.previous_button.setObjectName("check:previous")
        self.previous_button.setAccessibleName(self.tr("Previous section (Ctrl+Page Up)"))
        self.previous_button.clicked.connect(self.previous_section)
        self.next_button = QPushButton(self.tr("Next >"), self)
        self.next_button.setObjectName("check:next")
        self.next_button.setAccessibleName(self.tr("Next section (Ctrl+Page Down)"))
        self.next_button.clicked.connect(self.next_section)
        self.position = QLabel("", self)
        footer.addWidget(self.previous_button)
        footer.addStretch(1)
        footer.addWidget(self.position)
        footer.addStretch(1)
        footer.addWidget(self.next_button)
        outer.addLayout(footer)

        for keys, slot in (
            ("Ctrl+PgDown", self.next_section),
            ("Alt+Right", self.next_section),
            ("Ctrl+PgUp", self.previous_section),
            ("Alt+Left", self.previous_section),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.confirm_action: Callable[[], None] | None = None
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self._confirm)

        self.setTabOrder(self.sections, self.stack)
        self._fit_side_panels()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._fit_side_panels()
        super().resizeEvent(event)

    def _fit_side_panels(self) -> None:
        """The section list and the results panel take widths set by the window's width alone, never by
        what they show: a longer result must not narrow the page and re-wrap the questions under the pointer."""
        width = self.width()
        self.sections.setFixedWidth(max(200, min(260, width * 19 // 100)))
        self.results.setFixedWidth(max(220, min(300, width * 22 // 100)))

    # -- sections --------------------------------------------------------------------------
    @staticmethod
    def _section_text(title: str, state: str) -> str:
        return f"{STATE_SYMBOL.get(state, '?')} {title}"

    def current_section(self) -> str:
        row = self.sections.currentRow()
        return self.section_ids[row] if 0 <= row < len(self.section_ids) else self.section_ids[0]

    def show_section(self, section_id: str) -> None:
        if section_id in self.section_ids:
            self.sections.setCurrentRow(self.section_ids.index(section_id))

    def next_section(self) -> None:
        row = self.sections.currentRow()
        if row < len(self.section_ids) - 1:
            self.sections.setCurrentRow(row + 1)

    def previous_section(self) -> None:
        row = self.sections.currentRow()
        if row > 0:
            self.sections.setCurrentRow(row - 1)

    def page(self, section_id: str) -> QWidget:
        """The page for a section, built the first time it is asked for."""
        page = self.pages.get(section_id)
        if page is None:
            if section_id == FINDINGS:
                page = FindingsPage(self.directory, self.stack)
                page.rows_rebuilt.connect(lambda p=page: self._rechain_if_shown(p))
            elif section_id == REVIEW:
                page = ReviewPage(self.stack, self.defn)
            else:
                page = ElementPage(self.defn, self.defn.element_by_id[section_id], self.stack)
            self.pages[section_id] = page
            self.stack.addWidget(page)
            self.page_built.emit(page)
        return page

    def prebuild(self, interval_ms: int = 15) -> None:
        """Build the pages not yet shown, one per pause of the event loop, so the first visit to
        each is as quick as any other and typing is never held up for more than one page."""
        missing = [s for s in self.section_ids if s not in self.pages]
        if not missing:
            return
        self.page(missing[0])
        QTimer.singleShot(interval_ms, self, lambda: self.prebuild(interval_ms))

    def _row_changed(self, row: int) -> None:
        if not 0 <= row < len(self.section_ids):
            return
        # Leaving a page: check what was being typed there, so nothing waits on a timer.
        current = self.stack.currentWidget()
        if isinstance(current, (ElementPage, FindingsPage)):
            current.flush()
        focus = QApplication.focusWidget()
        was_in_page = focus is not None and self.stack.isAncestorOf(focus)
        page = self.page(self.section_ids[row])
        self.stack.setCurrentWidget(page)
        controls = self._chain_tab_order(page)
        if was_in_page:
            # The field that had the focus is now hidden: without this, Ctrl+PgDown from a
            # field leaves the keyboard nowhere and the next keys are lost.
            self._focus_first(controls)
        self.position.setText(self.tr("Section {0} of {1}").format(row + 1, len(self.section_ids)))
        self.previous_button.setEnabled(row > 0)
        self.next_button.setEnabled(row < len(self.section_ids) - 1)
        self.section_changed.emit(row)

    @staticmethod
    def _focus_first(controls: list[QWidget]) -> None:
        for control in controls:
            if (
                control.isVisible()
                and control.isEnabled()
                and control.focusPolicy() & Qt.FocusPolicy.TabFocus
            ):
                control.setFocus(Qt.FocusReason.TabFocusReason)
                return

    def _rechain_if_shown(self, page: QWidget) -> None:
        if self.stack.currentWidget() is page:
            self._chain_tab_order(page)

    def _chain_tab_order(self, page: QWidget) -> list[QWidget]:
        """Tab goes: section list, the page's controls top to bottom, Previous, Next, Back to home.

        Pages are built later than the frame around them, so Qt would put their controls at
        the end of the window's chain; they are put back in place each time a page is shown."""
        ordered = getattr(page, "tab_controls", None)
        if callable(ordered):
            # Rows made later than others (findings change as answers do) are not in creation order.
            controls = list(ordered())
        else:
            controls = [w for w in page.findChildren(QWidget) if isinstance(w, _TAB_STOPS)]
        chain = [self.sections, *controls, self.previous_button, self.next_button, self.close_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        return controls

    def update_states(self, evaluation: CheckEvaluation, finding_count_open: int) -> None:
        self.strip.update_from(evaluation.completeness)
        for index, element in enumerate(evaluation.completeness.elements):
            item = self.sections.item(index)
            text = self._section_text(element.title, element.state)
            if item.text() != text:
                item.setText(text)
                item.setData(
                    Qt.ItemDataRole.AccessibleTextRole,
                    f"{element.title}: {self.strip.state_words(element.state)}",
                )
        findings_item = self.sections.item(len(self.defn.elements))
        count = len(evaluation.findings)
        text = (
            self.tr("Findings and plan ({0}, {1} open)").format(count, finding_count_open)
            if count
            else self.tr("Findings and plan")
        )
        if findings_item.text() != text:
            findings_item.setText(text)
        self.results.update_from(evaluation)

    # -- keyboard ---------------------------------------------------------------------------
    def focused_field(self) -> ItemField | None:
        widget = QApplication.focusWidget()
        while widget is not None and not isinstance(widget, ItemField):
            widget = widget.parentWidget()
        return widget if isinstance(widget, ItemField) and self.isAncestorOf(widget) else None

    def _confirm(self) -> None:
        """Ctrl+Enter: confirm the unusual value being edited, else the page's main action."""
        field = self.focused_field()
        if isinstance(field, NumberField):
            field.flush()
            if field.needs_confirmation:
                field.confirm()
                return
        if self.confirm_action is not None:
            self.confirm_action()
