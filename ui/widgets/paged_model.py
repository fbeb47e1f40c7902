"""A table model over a long list read a page at a time on the store worker as the view scrolls.

A team's lists run to thousands of rows (open follow-ups, the review queue), so none is read at
once: Qt asks `canFetchMore`/`fetchMore` as the view nears the end of what it holds, and the next
page comes from an operation run on the store worker. A page that arrives after the filter
changed, or after rows came or went meanwhile, is dropped (the next scroll asks again), and a row
already shown is never shown twice.

Subclasses say which operation reads a page, how a row is known again (`row_key`), their headers,
and what each cell shows (`data`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

AnyIndex = QModelIndex | QPersistentModelIndex


class Page(Protocol):
    """What a page-reading operation returns: some rows, where they start, and the filter they answer."""

    @property
    def rows(self) -> Sequence[Any]: ...

    @property
    def offset(self) -> int: ...

    @property
    def filter(self) -> Any: ...


class PagedTableModel(QAbstractTableModel):
    """Rows a filter lists, read `page_size` at a time by `load_page(store, filter, offset, limit, False)`."""

    page_loaded = Signal()  # a further page arrived (tests, benchmark)

    def __init__(
        self,
        view: QWidget,
        context: Any,  # ui.context.AppContext: its runner and store
        load_page: Callable[..., Page],
        *,
        page_size: int,
        task_name: str,
    ) -> None:
        super().__init__(view)
        self.context = context
        self._load_page = load_page
        self._page_size = page_size
        self._task_name = task_name
        self.rows: list[Any] = []
        self.total = 0  # rows the current filter lists in all
        self.filter: Any = None
        self.headers: list[str] = []
        self._generation = 0
        self._loading = False
        bold = QFont(view.font())
        bold.setBold(True)
        self._bold = bold

    def row_key(self, row: Any) -> str:
        """What tells one row from another across pages."""
        raise NotImplementedError

    # -- filling -----------------------------------------------------------------------------------
    def reset_to(self, page: Page, total: int) -> None:
        """Show the first page of a (new) filter; pages still on their way for an older one are dropped."""
        self.beginResetModel()
        self._generation += 1
        self._loading = False
        self.rows = list(page.rows)
        self.total = total
        self.filter = page.filter
        self.endResetModel()

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return (
            not parent.isValid()
            and self.filter is not None
            and not self._loading
            and len(self.rows) < self.total
        )

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._loading = True
        generation = self._generation
        self.context.runner.run_db_if_open(
            self._load_page,
            self.context.store,
            self.filter,
            len(self.rows),
            self._page_size,
            False,
            name=self._task_name,
            on_success=lambda page: self._page_arrived(generation, page),
            on_finished=lambda: self._fetch_done(generation),
        )

    def _fetch_done(self, generation: int) -> None:
        if shiboken6.isValid(self) and generation == self._generation:
            self._loading = False

    def _page_arrived(self, generation: int, page: Page) -> None:
        if not shiboken6.isValid(self):
            return  # the screen closed while the page was read (pages are never waited for)
        if generation != self._generation or page.offset != len(self.rows):
            return  # the filter changed, or rows came or went meanwhile: the next scroll asks again
        known = {self.row_key(r) for r in self.rows}
        fresh = [r for r in page.rows if self.row_key(r) not in known]
        if fresh:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(fresh) - 1)
            self.rows.extend(fresh)
            self.endInsertRows()
        if not page.rows:
            self.total = len(self.rows)  # fewer than counted (gone meanwhile): stop asking
        self.page_loaded.emit()

    # -- showing -----------------------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None
