"""One person, as chosen from the search: who they are, their checks, and a way to start the next.

A draft check is offered first ("Continue"), finalised ones open read-only. A check a
supervisor has reviewed on the shared record says so ("Returned with comments").
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from outreach.clinical.ethnicity import ETHNIC_CATEGORIES
from outreach.store.records import CheckRecord, FollowUpRecord, PersonRecord
from ui.context import AppContext
from ui.dates import day_text, local_time
from ui.home.reviews import review_words
from ui.home.search import nhs_text
from ui.ops.reviews import load_person_with_reviews
from ui.style import SUBHEADING_SCALE, make_heading


class NameHeading(QLabel):
    """The person's name as a heading that never widens the panel: it wraps between words, a
    single word too long for the width is shortened with "…" (the full name stays in the
    tooltip and for screen readers), and it is shown as plain text whatever the name holds."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        # Ignored: the layout gives the label its width; the label never asks for more.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.full_text = ""
        self.set_name(text)

    def set_name(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(text)
        self.setAccessibleName(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """Wrapping is QLabel's; only a word wider than the whole label is shortened."""
        metrics = self.fontMetrics()
        width = max(self.contentsRect().width(), metrics.averageCharWidth() * 8)
        words = [metrics.elidedText(w, Qt.TextElideMode.ElideRight, width) for w in self.full_text.split(" ")]
        shown = " ".join(words)
        if shown != self.text():
            self.setText(shown)


class PersonPanel(QWidget):
    open_check = Signal(str, object)  # person id, check id or None for a new check

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.person: PersonRecord | None = None
        self._check_texts: dict[str, str] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.name_label = NameHeading(self.tr("No one chosen yet"), self)
        make_heading(self.name_label, SUBHEADING_SCALE)
        self.name_label.set_name(self.name_label.full_text)  # measured again in the heading font
        layout.addWidget(self.name_label)
        self.details_label = QLabel(self.tr("Find a person on the left, or register someone new."), self)
        self.details_label.setWordWrap(True)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.details_label)
        self.checks_caption = QLabel(self.tr("Checks"), self)
        layout.addWidget(self.checks_caption)
        self.checks_list = QListWidget(self)
        self.checks_list.setAccessibleName(self.tr("Checks for this person"))
        self.checks_list.itemActivated.connect(lambda item: self._open(item))
        self.checks_caption.setBuddy(self.checks_list)
        layout.addWidget(self.checks_list, 1)
        row = QHBoxLayout()
        self.open_button = QPushButton(self.tr("Op&en check"), self)
        self.open_button.setAccessibleName(self.tr("Open the chosen check"))
        self.open_button.clicked.connect(lambda: self._open(self.checks_list.currentItem()))
        row.addWidget(self.open_button)
        row.addStretch(1)
        self.start_button = QPushButton(self.tr("St&art a new check"), self)
        self.start_button.setAccessibleName(self.tr("Start a new check for this person"))
        self.start_button.clicked.connect(self._start)
        row.addWidget(self.start_button)
        layout.addLayout(row)
        self._set_enabled(False)

    def _set_enabled(self, on: bool) -> None:
        self.start_button.setEnabled(on)
        self.open_button.setEnabled(on and self.checks_list.count() > 0)
        self.checks_list.setEnabled(on)

    def show_person(self, person_id: str) -> None:
        self.context.runner.run_db(
            load_person_with_reviews,
            self.context.store,
            person_id,
            name="ui.home.person",
            on_success=lambda result: self._show(*result),
        )

    def _show(
        self,
        overview: tuple[PersonRecord, list[CheckRecord], list[FollowUpRecord]],
        reviews: dict[str, str] | None = None,
    ) -> None:
        person, checks, follow_ups = overview
        self.person = person
        d = person.details
        self.name_label.set_name(person.display_name)
        lines = [self.tr("Born {0}").format(day_text(d.date_of_birth))]
        if d.nhs_number:
            lines.append(self.tr("NHS number {0}").format(nhs_text(d.nhs_number)))
        if d.ethnic_category:
            # Labelled: "Not known" alone on a card reads as anything (sex? the GP?).
            ethnic = ETHNIC_CATEGORIES.get(d.ethnic_category, d.ethnic_category)
            lines.append(self.tr("Ethnic group: {0}").format(ethnic))
        if d.gp_practice:
            lines.append(self.tr("GP: {0}").format(d.gp_practice))
        if d.preferred_language:
            lines.append(self.tr("Language: {0}").format(d.preferred_language))
        if d.communication_needs:
            lines.append(self.tr("Needs: {0}").format(d.communication_needs))
        if follow_ups:
            lines.append(self.tr("Open follow-ups: {0}").format(len(follow_ups)))
        self.details_label.setText("\n".join(lines))
        self.details_label.setAccessibleName(self.tr("Details of {0}").format(person.display_name))
        self.checks_list.clear()
        self._check_texts = {}
        draft_row = -1
        # The day in local time (a check finalised just after midnight belongs to that day), and the time
        # too where two checks share a day, so the list never shows two lines that read the same.
        days = [day_text(c.finalised_at) for c in checks if c.is_final]
        for check in sorted(checks, key=lambda c: c.created_at, reverse=True):
            if check.is_final:
                day = day_text(check.finalised_at)
                if days.count(day) > 1:
                    day = self.tr("{0}, {1}").format(day, local_time(check.finalised_at)[-5:])
                text = self.tr("Finalised {0}").format(day)
            else:
                started = day_text(check.created_at)
                text = self.tr("Unfinished check, started {0}: continue it").format(started)
                draft_row = self.checks_list.count()
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, check.id)
            if check.is_final:
                self._check_texts[check.id] = text
            self.checks_list.addItem(item)
        if self.checks_list.count():
            self.checks_list.setCurrentRow(max(draft_row, 0))
        else:
            empty = QListWidgetItem(self.tr("No checks yet. Start one with the button below."))
            empty.setFlags(Qt.ItemFlag.ItemIsEnabled)  # readable, not greyed out; nothing to open
            self.checks_list.addItem(empty)
        self._set_enabled(True)
        self.open_button.setEnabled(bool(checks))
        has_draft = draft_row >= 0
        self.start_button.setEnabled(not has_draft)
        self.start_button.setToolTip(self.tr("Continue the unfinished check first.") if has_draft else "")
        self.open_button.setText(self.tr("Contin&ue check") if has_draft else self.tr("Op&en check"))
        if reviews:
            self._show_reviews(reviews)

    def _show_reviews(self, states: dict[str, str]) -> None:
        for row in range(self.checks_list.count()):
            item = self.checks_list.item(row)
            check_id = item.data(Qt.ItemDataRole.UserRole)
            base = self._check_texts.get(str(check_id)) if check_id is not None else None
            if base is None:
                continue
            state = states.get(str(check_id))
            item.setText(base + " \u00b7 " + review_words(state) if state else base)

    def _open(self, item: QListWidgetItem | None) -> None:
        if item is None or self.person is None or item.data(Qt.ItemDataRole.UserRole) is None:
            return
        self.open_check.emit(self.person.id, str(item.data(Qt.ItemDataRole.UserRole)))

    def _start(self) -> None:
        if self.person is not None:
            self.open_check.emit(self.person.id, None)
