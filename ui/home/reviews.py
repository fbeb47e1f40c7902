"""Reviews: what a supervisor said about checks sent from this laptop.

A supervisor reviews a check on the shared record and leaves a FHIR Task pointing at it;
sync brings it down (`outreach.store.sync_state`, sealed in the store). The worker sees
it here, returned checks first, with the supervisor's comments in full, and on the
person's list of checks ("Returned with comments", "Approved"). Opening one opens the
check, read-only, with the comments shown above it by the main window.

The state of each review is read by `ui.ops.reviews` from the Task's status alone; this
module says each state in words.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.dates import day_text
from ui.home.outbox import fit_rows, fit_rows_to_columns, pick_one_row
from ui.ops.reviews import (
    AMENDED,
    APPROVED,
    RETURNED,
    WITHDRAWN,
    ReviewLine,
    load_reviews,
)


def review_words(state: str) -> str:
    return {
        RETURNED: QCoreApplication.translate("ReviewsView", "Returned with comments"),
        AMENDED: QCoreApplication.translate("ReviewsView", "Returned, amended since"),
        APPROVED: QCoreApplication.translate("ReviewsView", "Approved"),
        WITHDRAWN: QCoreApplication.translate("ReviewsView", "Review withdrawn"),
    }.get(state, state)


def comments_banner(lines: list[ReviewLine]) -> str:
    """The text shown above an opened check that a supervisor has reviewed."""
    if not lines:
        return ""
    newest = lines[0]
    text = QCoreApplication.translate("ReviewsView", "Supervisor's review: {0}.").format(
        review_words(newest.state)
    )
    comments = newest.comment_text()
    if comments:
        text += "\n" + comments
    if len(lines) > 1:
        text += "\n" + QCoreApplication.translate(
            "ReviewsView", "Earlier reviews of this check: {0} (listed under Reviews)."
        ).format(len(lines) - 1)
    return text


class ReviewsView(QWidget):
    """Home's Reviews tab: reviews that came down from the shared record, returned ones first."""

    open_check = Signal(str, object)  # person id, check id
    count_changed = Signal(int)  # checks returned with comments

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.lines: list[ReviewLine] = []
        layout = QVBoxLayout(self)
        self.summary = QLabel(self.tr("No reviews yet."), self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Person"), self.tr("Check of"), self.tr("Review"), self.tr("Supervisor's comments")]
        )
        pick_one_row(self.table)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        fit_rows_to_columns(self.table)
        self.table.setAccessibleName(self.tr("Reviews of your checks"))
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemActivated.connect(lambda _item: self.open_selected())
        layout.addWidget(self.table, 2)
        self.comments_caption = QLabel(self.tr("Comme&nts"), self)
        layout.addWidget(self.comments_caption)
        self.comments = QTextBrowser(self)
        self.comments.setAccessibleName(self.tr("The supervisor's comments on the chosen check"))
        self.comments.setOpenLinks(False)
        self.comments_caption.setBuddy(self.comments)
        layout.addWidget(self.comments, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.open_button = QPushButton(self.tr("Open the chec&k"), self)
        self.open_button.setAccessibleName(self.tr("Open the reviewed check"))
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_selected)
        row.addWidget(self.open_button)
        layout.addLayout(row)

    def refresh(self) -> None:
        self.context.runner.run_db_if_open(
            load_reviews, self.context.store, name="ui.home.reviews", on_success=self.show_lines
        )

    def show_lines(self, lines: list[ReviewLine]) -> None:
        chosen = self.selected()
        self.lines = list(lines)
        self.table.setRowCount(len(lines))
        for index, line in enumerate(lines):
            cells = [
                line.person_name,
                day_text((line.finalised_at or "")[:10]) if line.finalised_at else "",
                review_words(line.state),
                line.comment_text().replace("\n", " \u2014 "),
            ]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                cell.setData(Qt.ItemDataRole.UserRole, line.review_id)
                self.table.setItem(index, column, cell)
            if chosen is not None and line.review_id == chosen.review_id:
                self.table.selectRow(index)
        fit_rows(self.table)
        returned = sum(1 for line in lines if line.state == RETURNED)
        if not lines:
            self.summary.setText(
                self.tr("No reviews yet. When a supervisor reviews one of your checks, it shows here.")
            )
        elif returned:
            self.summary.setText(
                self.tr(
                    "Checks returned to you with comments: {0}. Open one to see it with the comments."
                ).format(returned)
            )
        else:
            self.summary.setText(self.tr("Reviews: {0}. None asks anything of you.").format(len(lines)))
        if lines and self.table.currentRow() < 0:
            self.table.selectRow(0)
        self._selection_changed()
        self.count_changed.emit(returned)

    def selected(self) -> ReviewLine | None:
        index = self.table.currentRow()
        if not self.table.selectionModel() or not self.table.selectionModel().selectedRows():
            return None
        return self.lines[index] if 0 <= index < len(self.lines) else None

    def _selection_changed(self) -> None:
        line = self.selected()
        self.open_button.setEnabled(line is not None)
        if line is None:
            self.comments.setPlainText("")
            return
        head = self.tr("{0}, check of {1}: {2}").format(
            line.person_name,
            day_text((line.finalised_at or "")[:10]) if line.finalised_at else self.tr("unknown date"),
            review_words(line.state),
        )
        body = line.comment_text() or self.tr("(No comments were written.)")
        extra = []
        if line.business_status and line.business_status != line.summary:
            extra.append(self.tr("Status given: {0}").format(line.business_status))
        if line.owner:
            extra.append(self.tr("Asked of: {0}").format(line.owner))
        self.comments.setPlainText("\n\n".join([head, body, *extra]))

    def open_selected(self) -> None:
        line = self.selected()
        if line is not None:
            self.open_check.emit(line.person_id, line.check_id)
