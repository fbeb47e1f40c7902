"""Finding a person as you type: by name, date of birth or NHS number.

Queries are coalesced rather than delayed: the first keystroke is searched at once on
the store worker (the index is in memory there, so an answer takes milliseconds); keys
typed while a query is out are gathered and searched as one when it returns. At most
one query is ever waiting, results appear right after the key that asked for them, and
`results_shown` fires only for the text now in the box. The results list is reached
with the Down key and opened with Enter.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from outreach.store.search_index import PersonHit
from ui.context import AppContext
from ui.dates import day_text
from ui.ops.home import PAGE_SIZE, search_people

DEBOUNCE_MS = 0  # extra wait before a query; 0: coalescing behind the query in flight is enough


def nhs_text(number: str | None) -> str:
    if not number or len(number) != 10:
        return number or ""
    return f"{number[:3]} {number[3:6]} {number[6:]}"


class PersonSearch(QWidget):
    person_chosen = Signal(str)  # person id
    results_shown = Signal(int)  # how many; for tests and the benchmark

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, debounce_ms: int = DEBOUNCE_MS
    ) -> None:
        super().__init__(parent)
        self.context = context
        self._generation = 0
        self._in_flight = False
        self._pending = False
        self.total = 0  # how many people the text in the box finds, whatever is listed yet
        self._shown_text = ""
        self._loading_more = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.caption = QLabel(self.tr("F&ind a person"), self)
        layout.addWidget(self.caption)
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(self.tr("Name, date of birth (25/03/1980) or NHS number"))
        self.search_edit.setAccessibleName(self.tr("Find a person"))
        self.search_edit.setAccessibleDescription(self.tr("Type a name, a date of birth or an NHS number"))
        self.search_edit.setClearButtonEnabled(True)
        self.caption.setBuddy(self.search_edit)
        layout.addWidget(self.search_edit)
        self.status = QLabel(self.tr("Type to search."), self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.results = QListWidget(self)
        self.results.setAccessibleName(self.tr("People found"))
        self.results.setUniformItemSizes(True)
        layout.addWidget(self.results, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self.run_query)
        self.search_edit.textChanged.connect(self._text_changed)
        self.search_edit.returnPressed.connect(self._enter_in_box)
        self.search_edit.installEventFilter(self)
        self.results.itemActivated.connect(self._activated)
        # One click opens the person too: with a mouse, a nurse clicks the name once (the first
        # result is already highlighted, so a click on it changes nothing else and did nothing).
        self.results.itemClicked.connect(self._activated)
        # The rest of a long result is read a page at a time as the list is scrolled to its end.
        self.results.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.results.currentRowChanged.connect(self._row_changed)

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Down and self.results.count():
                self.results.setFocus(Qt.FocusReason.TabFocusReason)
                if self.results.currentRow() < 0:
                    self.results.setCurrentRow(0)
                return True
        return super().eventFilter(watched, event)

    def _text_changed(self, _text: str) -> None:
        if self._in_flight:
            self._pending = True  # searched when the query out now returns
        else:
            self._timer.start()

    def run_query(self) -> None:
        self._timer.stop()
        self._pending = False
        text = self.search_edit.text().strip()
        self._generation += 1
        generation = self._generation
        if not text:
            self.results.clear()
            self.status.setText(self.tr("Type to search."))
            self.results_shown.emit(0)
            return
        self._in_flight = True
        self.context.runner.run_db(
            search_people,
            self.context.store,
            text,
            name="ui.home.search",
            on_success=lambda hits: self._show(generation, text, hits),
            on_finished=self._query_done,
        )

    def _query_done(self) -> None:
        self._in_flight = False
        if self._pending:
            self.run_query()

    def _show(self, generation: int, text: str, found: tuple[list[PersonHit], int]) -> None:
        if generation != self._generation:
            return  # an older query; a newer one is on its way
        hits, total = found
        current = self.search_edit.text().strip()
        self.results.clear()
        self.total = total
        self._shown_text = text
        self._loading_more = False
        self._add(hits)
        if hits:
            self.status.setText(self.tr("Found: {0}. Press Down to choose, Enter to open.").format(total))
            self.results.setCurrentRow(0)
        else:
            self.status.setText(
                self.tr("No one found for \u201c{0}\u201d. Register a new person with Ctrl+N.").format(text)
            )
        if text == current:
            self.results_shown.emit(len(hits))

    def _add(self, hits: list[PersonHit]) -> None:
        for hit in hits:
            parts = [
                f"{hit.given_name} {hit.family_name}",
                self.tr("born {0}").format(day_text(hit.date_of_birth)),
            ]
            if hit.nhs_number:
                parts.append(self.tr("NHS {0}").format(nhs_text(hit.nhs_number)))
            item = QListWidgetItem("   ".join(parts))
            item.setData(Qt.ItemDataRole.UserRole, hit.id)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, ", ".join(parts))
            self.results.addItem(item)

    def _scrolled(self, value: int) -> None:
        bar = self.results.verticalScrollBar()
        if value >= bar.maximum() - bar.pageStep() // 2:
            self.fetch_more()

    def _row_changed(self, row: int) -> None:
        if row >= self.results.count() - 1:
            self.fetch_more()  # arrowing down past the last one read: read the next page

    def fetch_more(self) -> None:
        """Read the next page of the current result (scrolled or arrowed to its end)."""
        if self._loading_more or self._in_flight or self.results.count() >= self.total:
            return
        self._loading_more = True
        generation = self._generation
        offset = self.results.count()

        def arrived(found: tuple[list[PersonHit], int]) -> None:
            if generation == self._generation and offset == self.results.count():
                self._add(found[0])
                self.total = found[1] if found[0] else self.results.count()

        def done() -> None:
            if generation == self._generation:
                self._loading_more = False

        self.context.runner.run_db(
            search_people,
            self.context.store,
            self._shown_text,
            offset,
            PAGE_SIZE,
            name="ui.home.search_more",
            on_success=arrived,
            on_finished=done,
        )

    def refresh(self) -> None:
        """Search again for the text in the box (someone registered or renamed meanwhile)."""
        if self.search_edit.text().strip():
            self._text_changed(self.search_edit.text())

    def _enter_in_box(self) -> None:
        if self._timer.isActive():
            self.run_query()
            return
        if self.results.count() == 1:
            self._activated(self.results.item(0))

    def _activated(self, item: QListWidgetItem) -> None:
        self.person_chosen.emit(str(item.data(Qt.ItemDataRole.UserRole)))
