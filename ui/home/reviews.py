"""Reviews: what a supervisor said about checks sent from this laptop.

A supervisor reviews a check on the shared record and leaves a FHIR Task pointing at it;
sync brings it down (`outreach.store.sync_state`, sealed in the store). The worker sees
it here, returned checks first, with the supervisor's comments in full, and on the
person's list of checks ("Returned with comments", "Approved"). Opening one opens the
check, read-only, with the comments shown above it by the main window.

The words are decided from the Task's status alone, so that any shared record that
follows FHIR gives the same words: a finished Task is an approval, a withdrawn one is
said to be withdrawn, anything still open asks something of the worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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

from outreach.store.local_store import LocalStore
from ui.context import AppContext
from ui.home.outbox import fit_rows, fit_rows_to_columns, pick_one_row, submit
from ui.home.search import date_text
from ui.tasks import blocking

RETURNED = "returned"
AMENDED = "amended"  # returned, and this laptop has since finalised an amendment of that version
APPROVED = "approved"
WITHDRAWN = "withdrawn"
_WITHDRAWN_STATUSES = ("cancelled", "rejected", "entered-in-error")


def review_state(status: str) -> str:
    """FHIR Task.status -> returned | approved | withdrawn."""
    if status == "completed":
        return APPROVED
    if status in _WITHDRAWN_STATUSES:
        return WITHDRAWN
    return RETURNED


def review_words(state: str) -> str:
    return {
        RETURNED: QCoreApplication.translate("ReviewsView", "Returned with comments"),
        AMENDED: QCoreApplication.translate("ReviewsView", "Returned, amended since"),
        APPROVED: QCoreApplication.translate("ReviewsView", "Approved"),
        WITHDRAWN: QCoreApplication.translate("ReviewsView", "Review withdrawn"),
    }.get(state, state)


@dataclass(frozen=True)
class ReviewLine:
    """One review as the worker sees it."""

    review_id: str
    check_id: str
    person_id: str
    person_name: str
    finalised_at: str | None
    state: str  # returned | approved | withdrawn
    summary: str  # the Task's description (or business status)
    business_status: str | None
    comments: tuple[str, ...]  # the supervisor's notes, oldest first
    owner: str | None
    updated: str  # the server's lastUpdated

    def comment_text(self) -> str:
        parts = [self.summary] if self.summary else []
        parts += [c for c in self.comments if c and c != self.summary]
        return "\n".join(parts)


def _lines(store: LocalStore, reviews: list[Any]) -> list[ReviewLine]:
    ids = sorted({r.check_id for r in reviews if r.check_id})
    owners = store.checks.owners_and_finalised(ids)
    amended = store.checks.superseded(ids)
    names: dict[str, str] = {}
    lines = []
    for review in reviews:
        if review.check_id not in owners:
            continue
        person_id, finalised_at = owners[review.check_id]
        if person_id not in names:
            hit = store.people_index.get(person_id)
            names[person_id] = (
                f"{hit.given_name} {hit.family_name}".strip()
                if hit is not None
                else store.people.get(person_id).display_name
            )
        doc = review.document
        lines.append(
            ReviewLine(
                review_id=review.id,
                check_id=review.check_id,
                person_id=person_id,
                person_name=names[person_id],
                finalised_at=finalised_at,
                state=_answered(review_state(review.status), review.check_id in amended),
                summary=str(doc.get("description") or doc.get("business_status") or ""),
                business_status=doc.get("business_status"),
                comments=tuple(str(n) for n in doc.get("notes") or ()),
                owner=doc.get("owner"),
                updated=review.last_updated,
            )
        )
    return lines


@blocking
def load_reviews(store: LocalStore) -> list[ReviewLine]:
    return read_reviews(store)


def read_reviews(store: LocalStore) -> list[ReviewLine]:
    """Every review of a check from this laptop: returned ones still to answer first, then approvals,
    returned ones answered by an amendment, withdrawals; newest first within each."""
    from outreach.store import sync_state

    lines = _lines(store, sync_state.list_reviews(store))
    order = {RETURNED: 0, APPROVED: 1, AMENDED: 2, WITHDRAWN: 3}
    lines.sort(key=lambda line: line.updated, reverse=True)
    lines.sort(key=lambda line: order.get(line.state, 4))
    return lines


@blocking
def reviews_for_check(store: LocalStore, check_id: str) -> list[ReviewLine]:
    """The reviews of one check, newest first (for the comments above an opened check)."""
    from outreach.store import sync_state

    lines = _lines(store, sync_state.reviews_for_check(store, check_id))
    return sorted(lines, key=lambda line: line.updated, reverse=True)


@blocking
def review_states(store: LocalStore, check_ids: list[str]) -> dict[str, str]:
    return _states(store, check_ids)


def _states(store: LocalStore, check_ids: list[str]) -> dict[str, str]:
    """check id -> the state of its newest review, for the checks that have one."""
    from outreach.store import sync_state

    out: dict[str, str] = {}
    amended = store.checks.superseded(check_ids)
    for check_id in check_ids:
        reviews = sync_state.reviews_for_check(store, check_id)
        if reviews:
            newest = max(reviews, key=lambda r: r.last_updated)
            out[check_id] = _answered(review_state(newest.status), check_id in amended)
    return out


def _answered(state: str, amended_since: bool) -> str:
    """A returned version that the worker has since amended asks nothing more of them: its
    amendment went to the supervisor, whose review of it will say approved or returned again."""
    return AMENDED if state == RETURNED and amended_since else state


@blocking
def person_with_reviews(store: LocalStore, person_id: str) -> tuple[Any, dict[str, str]]:
    """The person's overview (`ui.home.data.person_overview`) and their checks' review states, in one task."""
    from ui.home.data import person_overview

    overview = person_overview(store, person_id)
    return overview, _states(store, [c.id for c in overview[1] if c.is_final])


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
        submit(
            self.context, load_reviews, self.context.store, name="ui.home.reviews", on_success=self.show_lines
        )

    def show_lines(self, lines: list[ReviewLine]) -> None:
        chosen = self.selected()
        self.lines = list(lines)
        self.table.setRowCount(len(lines))
        for index, line in enumerate(lines):
            cells = [
                line.person_name,
                date_text((line.finalised_at or "")[:10]) if line.finalised_at else "",
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
            date_text((line.finalised_at or "")[:10]) if line.finalised_at else self.tr("unknown date"),
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
