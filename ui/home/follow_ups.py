"""Every open follow-up, and recording what came of it.

Every finding's follow-up stays here until its outcome is recorded. Overdue ones are
listed first and marked with the word "Overdue" and a "!" as well as bold red text,
so they stand out on a monochrome screen and to a screen reader; then those due this
week, then later ones, each with its due date. The outcome starts on "Choose…", so an
outcome is never recorded by accident from a pre-selected one.

A full caseload has thousands of open follow-ups, so the list is a Qt model read a page
at a time on the store worker as the worker scrolls (`canFetchMore`/`fetchMore`), never
all at once; the counts above it come from the store's index and say how many there are
in all ("312 open follow-ups, 40 overdue"), and the list can be narrowed to overdue, this
week or later ones, to a person (name, date of birth or NHS number) and to a venue.
Recording an outcome takes that one row out of the list and the counts; nothing is read
again. Changes made elsewhere (a check finalised, a name corrected) reach the list through
the app's change hub (home passes them on: `store_changed`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from outreach.store.follow_ups_repo import OpenCounts
from outreach.store.records import FollowUpRecord
from ui.changes import ChangeSet
from ui.context import AppContext
from ui.dates import day_text
from ui.home.outbox import pick_one_row
from ui.home.words import describe_decision
from ui.ops.home import PAGE_SIZE, FollowUpQuery, FollowUpRow, FollowUpsPage, load_follow_ups, record_outcome
from ui.widgets.list_table import ListTable
from ui.widgets.paged_model import AnyIndex, PagedTableModel
from ui.widgets.wheel_guard import guard_wheel

OVERDUE_COLOUR = "#8B0000"  # dark red: 8.6:1 on white


class FollowUpsModel(PagedTableModel):
    """The open follow-ups a filter shows, read a page at a time on the store worker."""

    def __init__(self, view: FollowUpsView) -> None:
        super().__init__(
            view, view.context, load_follow_ups, page_size=PAGE_SIZE, task_name="ui.home.follow_ups_page"
        )
        self.view = view
        self.rows: list[FollowUpRow]
        self.headers = [self.tr("When"), self.tr("Person"), self.tr("Follow-up"), self.tr("Due")]

    def row_key(self, row: FollowUpRow) -> str:
        return row.record.id

    def remove(self, follow_up_id: str) -> FollowUpRow | None:
        """Take one row out (its outcome was recorded); the rest stay as they are."""
        for index, row in enumerate(self.rows):
            if row.record.id == follow_up_id:
                self.beginRemoveRows(QModelIndex(), index, index)
                del self.rows[index]
                self.total = max(0, self.total - 1)
                self.endRemoveRows()
                return row
        return None

    def when(self, row: FollowUpRow) -> str:
        if row.overdue:
            return self.tr("! Overdue")
        if row.due_today:
            return self.tr("Due today")
        if row.later:
            return self.tr("Later")
        return self.tr("Due this week")

    def cell(self, row: FollowUpRow, column: int) -> str:
        if column == 0:
            return self.when(row)
        if column == 1:
            return row.person_name
        if column == 2:
            return describe_decision(row.record, self.view.context.directory)
        return day_text(row.record.due_on) if row.record.due_on else self.tr("No date")

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cell(row, index.column())
        if role == Qt.ItemDataRole.AccessibleTextRole:
            text = self.cell(row, index.column())
            return f"{self.when(row)}: {text}" if index.column() else text
        if role == Qt.ItemDataRole.FontRole and row.overdue:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and row.overdue:
            return QColor(OVERDUE_COLOUR)
        return None


class FollowUpsView(QWidget):
    outcome_recorded = Signal(object)  # FollowUpRecord
    person_chosen = Signal(str)  # Enter or double-click on a row: open that person
    count_changed = Signal(int)
    filtered = Signal()  # the list shows what the filter asked for (tests, benchmark)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.counts: OpenCounts | None = None
        self.everyone = 0  # open follow-ups of everyone, whatever the filter (the tab's number)
        self.query = FollowUpQuery()
        self._query_generation = 0
        self._in_flight = False
        self._pending = False
        self._with_counts = False  # the query waiting to go out must read the counts too
        self._closed_here: set[str] = set()  # outcomes recorded on this screen (already out of the list)
        layout = QVBoxLayout(self)
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("How many follow-ups are open"))
        layout.addWidget(self.summary)

        filters = QHBoxLayout()
        self.due_caption = QLabel(self.tr("Show:"), self)
        filters.addWidget(self.due_caption)
        self.due_group = QButtonGroup(self)
        self.due_group.setExclusive(True)
        self.due_buttons: dict[str | None, QPushButton] = {}
        for key in (None, "overdue", "week", "later"):
            button = QPushButton(self)
            button.setCheckable(True)
            button.setProperty("due", key)
            self.due_group.addButton(button)
            self.due_buttons[key] = button
            filters.addWidget(button)
            button.clicked.connect(lambda _checked=False, k=key: self.set_due(k))
        self.due_buttons[None].setChecked(True)
        self._label_due_buttons()
        filters.addStretch(1)
        layout.addLayout(filters)
        # The person and venue filters on a line of their own, so the name box keeps a usable width
        # on a narrow window or at large text.
        filters = QHBoxLayout()
        self.person_caption = QLabel(self.tr("Fin&d person:"), self)
        filters.addWidget(self.person_caption)
        self.person_edit = QLineEdit(self)
        self.person_edit.setPlaceholderText(self.tr("Name, date of birth or NHS number"))
        self.person_edit.setAccessibleName(self.tr("Only follow-ups of people matching"))
        self.person_edit.setClearButtonEnabled(True)
        self.person_caption.setBuddy(self.person_edit)
        self.person_edit.textChanged.connect(self._person_typed)
        filters.addWidget(self.person_edit, 1)
        self.venue_caption = QLabel(self.tr("B&y venue:"), self)
        filters.addWidget(self.venue_caption)
        self.venue_combo = QComboBox(self)
        self.venue_combo.setAccessibleName(self.tr("Only follow-ups from checks at this venue"))
        self.venue_combo.addItem(self.tr("Any venue"), None)
        guard_wheel(self.venue_combo)  # the wheel scrolls; it never changes the choice
        self.venue_caption.setBuddy(self.venue_combo)
        self.venue_combo.currentIndexChanged.connect(self._venue_chosen)
        filters.addWidget(self.venue_combo)
        layout.addLayout(filters)

        self.table = ListTable(self)
        self.model = FollowUpsModel(self)
        self.table.setModel(self.model)
        pick_one_row(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # Widths measured once in the bold (overdue) font, rather than fitted to every row as they
        # load: a column fitted to its contents re-measures thousands of rows on each page.
        metrics = self.fontMetrics()
        bold = QFont(self.font())
        bold.setBold(True)
        wide = QFontMetrics(bold)
        for column, sample in (
            (0, self.tr("Due this week")),
            (1, "Testperson Whiskey 12345"),
            (3, "30 Sept 2027"),
        ):
            self.table.setColumnWidth(column, wide.horizontalAdvance(sample) + 4 * metrics.averageCharWidth())
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + max(6, metrics.height() // 2))
        self.table.setAccessibleName(self.tr("Open follow-ups"))
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated.connect(lambda index: self._open_person(index.row()))
        layout.addWidget(self.table, 1)

        row = QHBoxLayout()
        self.outcome_caption = QLabel(self.tr("Outco&me:"), self)
        row.addWidget(self.outcome_caption)
        self.outcome_combo = QComboBox(self)
        self.outcome_combo.addItem(self.tr("Choose\u2026"), None)
        for code, label in (
            ("attended", self.tr("Attended")),
            ("declined", self.tr("Declined")),
            ("no_response", self.tr("No response")),
            ("closed", self.tr("Closed")),
        ):
            self.outcome_combo.addItem(label, code)
        self.outcome_combo.setAccessibleName(self.tr("Outcome"))
        guard_wheel(self.outcome_combo)  # the wheel scrolls; it never changes the choice
        self.outcome_caption.setBuddy(self.outcome_combo)
        self.outcome_combo.currentIndexChanged.connect(self._selection_changed)
        row.addWidget(self.outcome_combo)
        self.note_caption = QLabel(self.tr("&Note:"), self)
        row.addWidget(self.note_caption)
        self.note_edit = QLineEdit(self)
        self.note_edit.setAccessibleName(self.tr("Note about the outcome"))
        self.note_edit.setPlaceholderText(self.tr("Optional"))
        self.note_caption.setBuddy(self.note_edit)
        row.addWidget(self.note_edit, 1)
        self.record_button = QPushButton(self.tr("&Record outcome"), self)
        self.record_button.setAccessibleName(self.tr("Record the outcome of the chosen follow-up"))
        self.record_button.clicked.connect(self.record)
        row.addWidget(self.record_button)
        layout.addLayout(row)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.setTabOrder(self.person_edit, self.venue_combo)
        self.setTabOrder(self.venue_combo, self.table)
        self.setTabOrder(self.table, self.outcome_combo)
        self._selection_changed()

    @property
    def rows(self) -> list[FollowUpRow]:
        """The rows read so far, in list order."""
        return self.model.rows

    # -- loading -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the list again from its first page, with the counts (after a change elsewhere)."""
        self._run_query()

    def show_page(self, page: FollowUpsPage) -> None:
        """Show a first page read with home (its counts included)."""
        if page.counts is not None:
            self.counts = page.counts
        total = self.counts.of(page.filter.due) if self.counts is not None else len(page.rows)
        self.model.reset_to(page, total)
        self._show_counts()
        self._selection_changed()
        self.filtered.emit()

    def set_venues(self, venues: list[Any]) -> None:
        chosen = self.venue_combo.currentData()
        self.venue_combo.blockSignals(True)
        self.venue_combo.clear()
        self.venue_combo.addItem(self.tr("Any venue"), None)
        for venue in venues:
            self.venue_combo.addItem(venue.name, venue.id)
        index = self.venue_combo.findData(chosen) if chosen is not None else 0
        self.venue_combo.setCurrentIndex(max(index, 0))
        self.venue_combo.blockSignals(False)

    def set_due(self, due: str | None) -> None:
        self.due_buttons[due].setChecked(True)
        if due != self.query.due:
            self.query = FollowUpQuery(due, self.query.person_text, self.query.venue_id)
            self._run_query(with_counts=False)

    def set_person_text(self, text: str) -> None:
        self.person_edit.setText(text)

    def _person_typed(self, text: str) -> None:
        self.query = FollowUpQuery(self.query.due, text.strip(), self.query.venue_id)
        self._run_query()

    def _venue_chosen(self, _index: int) -> None:
        venue_id = self.venue_combo.currentData()
        if venue_id != self.query.venue_id:
            self.query = FollowUpQuery(self.query.due, self.query.person_text, venue_id)
            self._run_query()

    def _run_query(self, *, with_counts: bool = True) -> None:
        """Read the first page for the current filter. Typed filters are coalesced: while one
        query is out, later keys are gathered and read as one when it returns."""
        self._with_counts = self._with_counts or with_counts or self.counts is None
        if self._in_flight:
            self._pending = True
            return
        self._in_flight = True
        self._pending = False
        with_counts, self._with_counts = self._with_counts, False
        self._query_generation += 1
        generation = self._query_generation
        self.context.runner.run_db_if_open(
            load_follow_ups,
            self.context.store,
            self.query,
            0,
            PAGE_SIZE,
            with_counts,
            name="ui.home.follow_ups",
            on_success=lambda page: self._query_arrived(generation, page),
            on_finished=self._query_done,
        )

    def _query_done(self) -> None:
        self._in_flight = False
        if self._pending:
            self._run_query(with_counts=False)

    def _query_arrived(self, generation: int, page: FollowUpsPage) -> None:
        if generation != self._query_generation or self._pending:
            return  # a newer filter is on its way
        self.show_page(page)

    # -- counts ------------------------------------------------------------------------------------
    def _label_due_buttons(self) -> None:
        counts = self.counts
        labels = {
            None: (self.tr("&All ({0})"), self.tr("All open follow-ups: {0}")),
            "overdue": (self.tr("! Overd&ue ({0})"), self.tr("Overdue: {0}")),
            "week": (self.tr("Th&is week ({0})"), self.tr("Due this week: {0}")),
            "later": (self.tr("Lat&er ({0})"), self.tr("Due later or undated: {0}")),
        }
        for key, (text, name) in labels.items():
            n = counts.of(key) if counts is not None else 0
            self.due_buttons[key].setText(text.format(n))
            self.due_buttons[key].setAccessibleName(name.format(n))

    def _show_counts(self) -> None:
        counts = self.counts
        self._label_due_buttons()
        if counts is None:
            return
        narrowed = bool(self.query.person_text or self.query.venue_id)
        if counts.total == 0:
            text = (
                self.tr("No open follow-ups for this person or venue.")
                if narrowed
                else self.tr("No open follow-ups.")
            )
        else:
            many = (
                self.tr("1 open follow-up, {1} overdue, {2} due this week.")
                if counts.total == 1
                else self.tr("{0} open follow-ups, {1} overdue, {2} due this week.")
            )
            text = many.format(counts.total, counts.overdue, counts.this_week)
            if counts.overdue and self.query.due in (None, "overdue"):
                text += " " + self.tr("Overdue ones are listed first.")
            if narrowed:
                text += " " + self.tr("(Only those matching the person or venue chosen.)")
        self.summary.setText(text)
        if not narrowed:
            self.everyone = counts.total
            self.count_changed.emit(counts.total)

    def _count_out(self, row: FollowUpRow) -> None:
        """One follow-up closed: the counts lose it without asking the store again."""
        if self.counts is None:
            return
        c = self.counts
        if self.query.person_text or self.query.venue_id:
            self.everyone = max(0, self.everyone - 1)  # the tab counts everyone's, narrowed or not
            self.count_changed.emit(self.everyone)
        self.counts = OpenCounts(
            max(0, c.total - 1),
            max(0, c.overdue - (row.group == "overdue")),
            max(0, c.this_week - (row.group == "week")),
        )
        self._show_counts()

    # -- choosing and recording --------------------------------------------------------------------
    def _current(self) -> FollowUpRow | None:
        selection = self.table.selectionModel()
        rows = selection.selectedRows() if selection is not None else []
        if not rows:
            return None
        index = rows[0].row()
        return self.model.rows[index] if 0 <= index < len(self.model.rows) else None

    def _open_person(self, row: int) -> None:
        if 0 <= row < len(self.model.rows):
            self.person_chosen.emit(self.model.rows[row].record.person_id)

    def _selection_changed(self, *_args: object) -> None:
        chosen = self.outcome_combo.currentData() is not None
        self.record_button.setEnabled(self._current() is not None and chosen)
        self.record_button.setToolTip("" if chosen else self.tr("Choose the outcome first."))

    def record(self) -> None:
        row = self._current()
        if row is None:
            self.message.setText(self.tr("Choose a follow-up in the list first."))
            return
        if self.outcome_combo.currentData() is None:
            self.message.setText(self.tr("Choose the outcome first."))
            self.outcome_combo.setFocus()
            return
        outcome = str(self.outcome_combo.currentData())
        note = self.note_edit.text().strip() or None
        self.record_button.setEnabled(False)
        self.context.runner.run_db(
            record_outcome,
            self.context.store,
            row.record.id,
            outcome,
            note,
            row.record.version,
            name="ui.home.follow_up_outcome",
            on_success=lambda rec: self._recorded(row, rec),
            on_finished=self._selection_changed,
        )

    def _recorded(self, row: FollowUpRow, record: FollowUpRecord) -> None:
        """Only this row changes: it leaves the list and the counts; the next row is chosen."""
        self.message.setText(
            self.tr("Recorded: {0} for {1}.").format(self.outcome_combo.currentText(), row.person_name)
        )
        self.note_edit.clear()
        self.outcome_combo.setCurrentIndex(0)  # back to "Choose…" for the next one
        self._closed_here.add(record.id)
        position = next((i for i, r in enumerate(self.model.rows) if r.record.id == record.id), -1)
        if self.model.remove(record.id) is not None:
            self._count_out(row)
            if self.model.rows:
                self.table.selectRow(min(position, len(self.model.rows) - 1))
        self.outcome_recorded.emit(record)

    # -- changes made elsewhere --------------------------------------------------------------------
    def store_changed(self, changes: ChangeSet) -> None:
        """Told by home of every change set. A check finalised or amended brings new follow-ups; an outcome recorded elsewhere or a
        name corrected changes rows: read the list again. Outcomes recorded here are already shown."""
        closed = changes.records("follow_ups") - self._closed_here
        self._closed_here -= changes.records("follow_ups")
        shown_people = {r.record.person_id for r in self.model.rows}
        renamed = bool(changes.records("people") & shown_people) and changes.has_action("person.update")
        if changes.has_action("check.finalise", "check.amend") or closed or renamed:
            self.refresh()
