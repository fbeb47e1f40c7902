"""Every open follow-up, and recording what came of it.

Every finding's follow-up stays here until its outcome is recorded. Overdue ones are
listed first and marked with the word "Overdue" and a "!" as well as bold red text,
so they stand out on a monochrome screen and to a screen reader; then those due this
week, then later ones, each with its due date. The outcome starts on "Choose…", so an
outcome is never recorded by accident from a pre-selected one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from outreach.store.records import FollowUpRecord
from ui.context import AppContext
from ui.home.data import FollowUpRow, describe_decision, load_follow_ups_task, record_outcome
from ui.home.outbox import pick_one_row
from ui.home.search import date_text
from ui.widgets.wheel_guard import guard_wheel

OVERDUE_COLOUR = "#8B0000"  # dark red: 8.6:1 on white


class FollowUpsView(QWidget):
    outcome_recorded = Signal(object)  # FollowUpRecord
    person_chosen = Signal(str)  # Enter or double-click on a row: open that person
    count_changed = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.rows: list[FollowUpRow] = []
        layout = QVBoxLayout(self)
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("When"), self.tr("Person"), self.tr("Follow-up"), self.tr("Due")]
        )
        pick_one_row(self.table)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName(self.tr("Open follow-ups"))
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemActivated.connect(lambda item: self._open_person(item.row()))
        layout.addWidget(self.table, 1)

        row = QHBoxLayout()
        self.outcome_caption = QLabel(self.tr("Outco&me:"), self)
        row.addWidget(self.outcome_caption)
        self.outcome_combo = QComboBox(self)
        guard_wheel(self.outcome_combo)  # the wheel scrolls; it never changes the choice
        self.outcome_combo.addItem(self.tr("Choose\u2026"), None)
        for code, label in (
            ("attended", self.tr("Attended")),
            ("declined", self.tr("Declined")),
            ("no_response", self.tr("No response")),
            ("closed", self.tr("Closed")),
        ):
            self.outcome_combo.addItem(label, code)
        self.outcome_combo.setAccessibleName(self.tr("Outcome"))
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
        self._selection_changed()

    def refresh(self) -> None:
        self.context.runner.run_db(
            load_follow_ups_task,
            self.context.store,
            name="ui.home.follow_ups",
            on_success=lambda result: self.show_rows(*result),
        )

    def show_rows(self, rows: list[FollowUpRow], total: int) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        bold = QFont(self.table.font())
        bold.setBold(True)
        overdue = sum(1 for r in rows if r.overdue)
        for index, row in enumerate(rows):
            if row.overdue:
                when = self.tr("! Overdue")
            elif row.due_today:
                when = self.tr("Due today")
            elif row.later:
                when = self.tr("Later")
            else:
                when = self.tr("Due this week")
            cells = [
                when,
                row.person_name,
                describe_decision(row.record, self.context.directory),
                date_text(row.record.due_on) if row.record.due_on else self.tr("No date"),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if row.overdue:
                    item.setFont(bold)
                    item.setForeground(QColor(OVERDUE_COLOUR))
                item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{when}: {text}" if column else text)
                self.table.setItem(index, column, item)
        if total == 0:
            self.summary.setText(self.tr("No open follow-ups."))
        else:
            week = sum(1 for r in rows if not r.overdue and not r.later)
            text = self.tr("Open follow-ups: {0}.").format(total)
            if overdue:
                text += " " + self.tr("Overdue: {0}, listed first.").format(overdue)
            text += " " + self.tr("Due this week: {0}.").format(week)
            if total > len(rows):
                text += " " + self.tr("Showing the first {0}.").format(len(rows))
            self.summary.setText(text)
        self.count_changed.emit(total)
        self._selection_changed()

    def _current(self) -> FollowUpRow | None:
        index = self.table.currentRow()
        selected = self.table.selectionModel().hasSelection() if self.table.selectionModel() else False
        return self.rows[index] if selected and 0 <= index < len(self.rows) else None

    def _open_person(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.person_chosen.emit(self.rows[row].record.person_id)

    def _selection_changed(self) -> None:
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
        self.message.setText(
            self.tr("Recorded: {0} for {1}.").format(self.outcome_combo.currentText(), row.person_name)
        )
        self.note_edit.clear()
        self.outcome_combo.setCurrentIndex(0)  # back to "Choose…" for the next one
        self.outcome_recorded.emit(record)
        self.refresh()
