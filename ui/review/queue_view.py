"""The review queue: the team's synced checks, what matters first.

A team sends thousands of checks, so the list is a Qt model read a page at a time on the
store worker as the supervisor scrolls (`canFetchMore`/`fetchMore`, as the worker's
follow-ups list does), never all at once. Checks with an urgent finding come first, marked
with the word "Urgent" and a "!" as well as bold dark red, so they stand out on a monochrome
screen and to a screen reader; then the oldest. The list can be narrowed by worker, venue,
visit dates and state; by default it shows what waits for the supervisor (received or
resubmitted). A decision taken on the review screen changes that one row in place.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import shiboken6
from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from outreach.team.records import APPROVED, RECEIVED, RESUBMITTED, RETURNED, QueueFilter, QueueRow
from ui.context import AppContext
from ui.dates import day_text
from ui.home.outbox import pick_one_row
from ui.home.search import nhs_text
from ui.ops.team import PAGE_SIZE, QueuePage, load_queue, load_queue_choices
from ui.review.words import state_words
from ui.widgets.list_table import ListTable
from ui.widgets.paged_model import AnyIndex, PagedTableModel
from ui.widgets.wheel_guard import guard_wheel

URGENT_COLOUR = "#8B0000"  # dark red: 8.6:1 on white, and never the only sign (the word "Urgent" is there)
ANY_DATE = QDate(2000, 1, 1)  # the date boxes' lowest value, shown as "Any"

# State filter choices: (key, words, states). "To review" is what waits for the supervisor.
STATE_CHOICES: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("to_review", "To review (received or resubmitted)", frozenset({RECEIVED, RESUBMITTED})),
    ("received", "Received", frozenset({RECEIVED})),
    ("resubmitted", "Resubmitted", frozenset({RESUBMITTED})),
    ("returned", "Returned", frozenset({RETURNED})),
    ("approved", "Approved", frozenset({APPROVED})),
    ("any", "Any state", frozenset()),
)


class DateBox(QDateEdit):
    """A visit-date filter box. Tab always leaves it: Qt's date box otherwise keeps Tab to step through
    day, month and year, and while it shows "Any" it never lets the keyboard out at all. Within the box
    the arrow keys and typing move through the date, and Alt+Down opens the calendar."""

    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)


class ReviewQueueModel(PagedTableModel):
    """The rows a filter lists, read a page at a time on the store worker."""

    def __init__(self, view: ReviewQueueView) -> None:
        super().__init__(
            view, view.context, load_queue, page_size=PAGE_SIZE, task_name="ui.review.queue_page"
        )
        self.view = view
        self.rows: list[QueueRow]
        self.headers = [
            self.tr("Priority"),
            self.tr("State"),
            self.tr("Person"),
            self.tr("Visit"),
            self.tr("Worker"),
            self.tr("Venue"),
            self.tr("Findings"),
            self.tr("Version"),
        ]

    def row_key(self, row: QueueRow) -> str:
        return row.chain_id

    def reset_to_page(self, page: QueuePage) -> None:
        """Show the first page of a (new) filter, with the total it counted."""
        self.reset_to(page, page.total if page.total is not None else len(page.rows))

    def update_state(
        self, chain_id: str, state: str, check_id: str | None = None, edition: int | None = None
    ) -> int:
        """One check's state changed here (a decision): that row alone is redrawn. Returns its row or -1."""
        for index, row in enumerate(self.rows):
            if row.chain_id == chain_id:
                changes: dict[str, Any] = {"state": state}
                if check_id is not None:
                    changes["check_id"] = check_id
                if edition is not None:
                    changes["edition"] = edition
                self.rows[index] = dataclasses.replace(row, **changes)
                self.dataChanged.emit(self.index(index, 0), self.index(index, self.columnCount() - 1))
                return index
        return -1

    def priority(self, row: QueueRow) -> str:
        return self.tr("! Urgent") if row.urgent else ""

    def cell(self, row: QueueRow, column: int) -> str:
        if column == 0:
            return self.priority(row)
        if column == 1:
            return state_words(row.state)
        if column == 2:
            return row.person_name
        if column == 3:
            return day_text(row.visit_date)
        if column == 4:
            return row.worker
        if column == 5:
            return row.venue
        if column == 6:
            return str(row.findings) if row.findings else self.tr("None")
        return str(row.edition) if row.edition == 1 else self.tr("{0} (amended)").format(row.edition)

    def describe(self, row: QueueRow) -> str:
        """The whole row in words, for a screen reader and the tooltip."""
        parts = [self.tr("Urgent") if row.urgent else "", state_words(row.state), row.person_name]
        if row.nhs_number:
            parts.append(self.tr("NHS number {0}").format(nhs_text(row.nhs_number)))
        visit = day_text(row.visit_date)
        parts.append(self.tr("visit {0} by {1} at {2}").format(visit, row.worker, row.venue))
        parts.append(self.tr("{0} finding(s)").format(row.findings))
        if row.edition > 1:
            parts.append(self.tr("version {0}").format(row.edition))
        if row.received_at:
            # In words here, not a column: the order is by visit date, and the row stays readable with large
            # text.
            parts.append(self.tr("received {0}").format(day_text(row.received_at)))
        return ", ".join(p for p in parts if p)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.describe(row)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            text = self.cell(row, index.column())
            return self.describe(row) if index.column() == 0 else text
        if role == Qt.ItemDataRole.FontRole and row.urgent and index.column() in (0, 2):
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and row.urgent and index.column() == 0:
            return QColor(URGENT_COLOUR)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (6, 7):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class ReviewQueueView(QWidget):
    """Filters, the summary line and the paged table; `open_review(chain_id)` on Enter or "Open"."""

    open_review = Signal(str)
    filtered = Signal()  # the table shows what the filter asked for (tests, benchmark)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("review-queue")
        self.context = context
        self.query = QueueFilter(states=STATE_CHOICES[0][2])
        self._generation = 0
        self._in_flight = False
        self._pending = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        self.summary = QLabel("", self)
        self.summary.setObjectName("review-queue:summary")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("How many checks the queue lists"))
        layout.addWidget(self.summary)

        filters = QHBoxLayout()
        self.state_caption = QLabel(self.tr("&State:"), self)
        filters.addWidget(self.state_caption)
        self.state_combo = QComboBox(self)
        self.state_combo.setObjectName("review-queue:state")
        self.state_combo.setAccessibleName(self.tr("Only checks in this state"))
        for key, words, _states in STATE_CHOICES:
            self.state_combo.addItem(self.tr(words), key)
        self.state_caption.setBuddy(self.state_combo)
        filters.addWidget(self.state_combo)
        self.worker_caption = QLabel(self.tr("Wor&ker:"), self)
        filters.addWidget(self.worker_caption)
        self.worker_combo = QComboBox(self)
        self.worker_combo.setObjectName("review-queue:worker")
        self.worker_combo.setAccessibleName(self.tr("Only checks done by this worker"))
        self.worker_combo.addItem(self.tr("Any worker"), None)
        self.worker_caption.setBuddy(self.worker_combo)
        filters.addWidget(self.worker_combo, 1)
        self.venue_caption = QLabel(self.tr("Ven&ue:"), self)
        filters.addWidget(self.venue_caption)
        self.venue_combo = QComboBox(self)
        self.venue_combo.setObjectName("review-queue:venue")
        self.venue_combo.setAccessibleName(self.tr("Only checks done at this venue"))
        self.venue_combo.addItem(self.tr("Any venue"), None)
        self.venue_caption.setBuddy(self.venue_combo)
        filters.addWidget(self.venue_combo, 1)
        self.from_caption = QLabel(self.tr("Visit fro&m:"), self)
        filters.addWidget(self.from_caption)
        self.from_edit = self._date_box("review-queue:from", self.tr("Visits on or after this date (Any: no "
                                                                     "limit)"))
        self.from_caption.setBuddy(self.from_edit)
        filters.addWidget(self.from_edit)
        self.to_caption = QLabel(self.tr("&to:"), self)
        filters.addWidget(self.to_caption)
        self.to_edit = self._date_box("review-queue:to", self.tr("Visits on or before this date (Any: no "
                                                                 "limit)"))
        self.to_caption.setBuddy(self.to_edit)
        filters.addWidget(self.to_edit)
        self.clear_button = QPushButton(self.tr("Clea&r filters"), self)
        self.clear_button.setObjectName("review-queue:clear")
        self.clear_button.setAccessibleName(self.tr("Clear the filters: every check waiting for review"))
        self.clear_button.clicked.connect(self.clear_filters)
        filters.addWidget(self.clear_button)
        layout.addLayout(filters)
        for combo in (self.state_combo, self.worker_combo, self.venue_combo):
            guard_wheel(combo)  # the wheel scrolls the page; it never changes a filter
            combo.currentIndexChanged.connect(self._filters_changed)
        for edit in (self.from_edit, self.to_edit):
            guard_wheel(edit)
            edit.dateChanged.connect(self._filters_changed)

        self.table = ListTable(self)
        self.table.setObjectName("review-queue:table")
        self.model = ReviewQueueModel(self)
        self.table.setModel(self.model)
        pick_one_row(self.table)
        self.table.setAccessibleName(self.tr("Checks to review"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        # Person, worker and venue share what the short columns leave, so none of them is squeezed to
        # nothing with large text on a 1366-wide screen. The short columns' widths are measured once
        # from samples, never fitted to rows as they load (that re-measures thousands of rows per page).
        for column in (2, 4, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        metrics = self.fontMetrics()
        bold = QFont(self.font())
        bold.setBold(True)
        wide = QFontMetrics(bold)
        pad = 3 * metrics.averageCharWidth()
        for column, sample in (
            (0, self.tr("! Urgent")),
            (1, self.tr("Resubmitted")),
            (3, "30 Sept 2026"),
            (6, self.tr("Findings")),
            (7, self.tr("2 (amended)")),
        ):
            self.table.setColumnWidth(column, wide.horizontalAdvance(sample) + pad)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + max(6, metrics.height() // 2))
        self.table.activated.connect(lambda index: self._open_row(index.row()))
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)

        actions = QHBoxLayout()
        self.hint = QLabel(self.tr("Enter or double-click opens the chosen check."), self)
        self.hint.setWordWrap(True)
        actions.addWidget(self.hint, 1)
        self.open_button = QPushButton(self.tr("&Open the check"), self)
        self.open_button.setObjectName("review-queue:open")
        self.open_button.setAccessibleName(self.tr("Open the chosen check to review it"))
        self.open_button.clicked.connect(self.open_current)
        actions.addWidget(self.open_button)
        layout.addLayout(actions)

        self.setTabOrder(self.state_combo, self.worker_combo)
        self.setTabOrder(self.worker_combo, self.venue_combo)
        self.setTabOrder(self.venue_combo, self.from_edit)
        self.setTabOrder(self.from_edit, self.to_edit)
        self.setTabOrder(self.to_edit, self.clear_button)
        self.setTabOrder(self.clear_button, self.table)
        self.setTabOrder(self.table, self.open_button)
        self._selection_changed()

    def _date_box(self, name: str, accessible: str) -> QDateEdit:
        box = DateBox(self)
        box.setObjectName(name)
        box.setAccessibleName(accessible)
        box.setDisplayFormat("dd/MM/yyyy")
        box.setCalendarPopup(True)
        box.setMinimumDate(ANY_DATE)
        box.setSpecialValueText(self.tr("Any"))
        box.setToolTip(self.tr("Type the date as dd/mm/yyyy, or press Alt+Down for a calendar."))
        box.setDate(ANY_DATE)
        inner = box.findChild(QLineEdit)
        if inner is not None:
            inner.setAccessibleName(accessible)  # the box's own text field is what a screen reader lands on
        return box

    @property
    def rows(self) -> list[QueueRow]:
        return self.model.rows

    # -- filters ---------------------------------------------------------------------------------------
    def current_filter(self) -> QueueFilter:
        """The filter the boxes describe."""
        key = self.state_combo.currentData()
        states = next((s for k, _w, s in STATE_CHOICES if k == key), frozenset())
        return QueueFilter(
            worker=self.worker_combo.currentData(),
            venue=self.venue_combo.currentData(),
            date_from=_day_of(self.from_edit),
            date_to=_day_of(self.to_edit),
            states=states,
        )

    def set_state_filter(self, key: str) -> None:
        index = self.state_combo.findData(key)
        if index >= 0:
            self.state_combo.setCurrentIndex(index)

    def clear_filters(self) -> None:
        for widget in (self.state_combo, self.worker_combo, self.venue_combo, self.from_edit, self.to_edit):
            widget.blockSignals(True)
        self.state_combo.setCurrentIndex(0)
        self.worker_combo.setCurrentIndex(0)
        self.venue_combo.setCurrentIndex(0)
        self.from_edit.setDate(ANY_DATE)
        self.to_edit.setDate(ANY_DATE)
        for widget in (self.state_combo, self.worker_combo, self.venue_combo, self.from_edit, self.to_edit):
            widget.blockSignals(False)
        self._filters_changed()

    def _filters_changed(self, *_args: object) -> None:
        flt = self.current_filter()
        if flt != self.query:
            self.query = flt
            self._run_query()

    def set_choices(self, choices: tuple[list[str], list[str]]) -> None:
        """Fill the worker and venue boxes, keeping what is chosen."""
        if not shiboken6.isValid(self):
            return
        workers, venues = choices
        for combo, names in ((self.worker_combo, workers), (self.venue_combo, venues)):
            chosen = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for name in names:
                combo.addItem(name, name)
            index = combo.findData(chosen) if chosen is not None else 0
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    # -- loading ---------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the first page and then the filter boxes' choices again (after a sync or on opening): the
        list first, as it is what the supervisor waits for."""
        self._run_query()
        self.context.runner.run_db_if_open(
            load_queue_choices,
            self.context.store,
            name="ui.review.choices",
            on_success=self.set_choices,
        )

    def _run_query(self) -> None:
        """Read the first page and the count for the current filter. Changes made while one read is
        out are gathered and read as one when it returns."""
        if self._in_flight:
            self._pending = True
            return
        self._in_flight = True
        self._pending = False
        self._generation += 1
        generation = self._generation
        self.context.runner.run_db_if_open(
            load_queue,
            self.context.store,
            self.query,
            0,
            PAGE_SIZE,
            True,
            name="ui.review.queue",
            on_success=lambda page: self._arrived(generation, page),
            on_finished=self._query_done,
        )

    def _query_done(self) -> None:
        if not shiboken6.isValid(self):
            return
        self._in_flight = False
        if self._pending:
            self._run_query()

    def _arrived(self, generation: int, page: QueuePage) -> None:
        if not shiboken6.isValid(self) or generation != self._generation or self._pending:
            return
        chosen = self.current_chain()
        self.model.reset_to_page(page)
        self._show_summary()
        if not (chosen is not None and self.select_chain(chosen)) and self.model.rows:
            self.table.selectRow(0)  # the first check (urgent, or the oldest) is ready to open with Enter
        self._selection_changed()
        self.filtered.emit()

    def _show_summary(self) -> None:
        total = self.model.total
        narrowed = self.query.worker or self.query.venue or self.query.date_from or self.query.date_to
        key = self.state_combo.currentData()
        if total == 0:
            text = (
                self.tr("No checks match these filters.")
                if narrowed or key != "to_review"
                else self.tr(
                    "No checks waiting for review. The team's checks come down from the shared record at "
                    "each sync."
                )
            )
        else:
            state = self.state_combo.currentText().lower() if key != "any" else self.tr("any state")
            text = (
                self.tr("1 check: {0}.").format(state)
                if total == 1
                else self.tr("{0} checks: {1}.").format(total, state)
            )
            text += " " + self.tr("Urgent findings first, then the oldest visits.")
            if narrowed:
                text += " " + self.tr("(Only those matching the worker, venue or dates chosen.)")
        self.summary.setText(text)
        self.summary.setAccessibleDescription(text)

    # -- choosing --------------------------------------------------------------------------------------
    def current_chain(self) -> str | None:
        selection = self.table.selectionModel()
        rows = selection.selectedRows() if selection is not None else []
        if not rows:
            return None
        index = rows[0].row()
        return self.model.rows[index].chain_id if 0 <= index < len(self.model.rows) else None

    def select_chain(self, chain_id: str) -> bool:
        for index, row in enumerate(self.model.rows):
            if row.chain_id == chain_id:
                self.table.selectRow(index)
                return True
        return False

    def _selection_changed(self, *_args: object) -> None:
        self.open_button.setEnabled(self.current_chain() is not None)

    def _open_row(self, row: int) -> None:
        if 0 <= row < len(self.model.rows):
            self.open_review.emit(self.model.rows[row].chain_id)

    def open_current(self) -> None:
        chain = self.current_chain()
        if chain is not None:
            self.open_review.emit(chain)

    def focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.current_chain() is None and self.model.rows:
            self.table.selectRow(0)


def _day_of(edit: QDateEdit) -> date | None:
    value = edit.date()
    if value == edit.minimumDate():
        return None
    return date(value.year(), value.month(), value.day())
