"""One page per element of the check, generated from the definition.

The page holds a field for every question of the element in the definition's order;
headings for groups; questions switched off (by enableWhen, or by the person's age and
sex) are hidden, and shown again the moment an answer switches them on. Hidden answers
are kept, so changing a smoking status back does not lose what was typed. A follow-up
question keeps its place while it is hidden, so revealing it never moves the questions
below it (the nurse's next click lands where they aimed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from outreach.checks.completeness import ElementCompleteness
from outreach.checks.definition import CheckDefinition, Element, Item
from ui.check.fields import ItemField, make_field


class ElementPage(QScrollArea):
    """The questions of one element. `answer_changed(link_id)` when a field's saved answer changes."""

    answer_changed = Signal(str)

    def __init__(self, defn: CheckDefinition, element: Element, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.defn = defn
        self.element = element
        self.fields: dict[str, ItemField] = {}
        self.rows: dict[str, QWidget] = {}  # link id -> what to hide when it is switched off
        self.follow_ups: set[str] = set()  # rows that keep their place while switched off
        self._alternatives_shown: set[str] = set()
        self.setObjectName(f"page:{element.id}")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAccessibleName(element.title)
        body = QWidget(self)
        self._layout = QVBoxLayout(body)
        self._layout.setContentsMargins(12, 8, 12, 8)
        title = QLabel(element.title, body)
        title.setObjectName("page-title")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        title.setWordWrap(True)  # at large text sizes the page is narrow: wrap, never scroll sideways
        title.setAccessibleName(element.title)
        self._layout.addWidget(title)
        if element.core:
            core = QLabel(self.tr("One of the six core elements of the annual check."), body)
            core.setObjectName("core-note")
            core.setWordWrap(True)
            self._layout.addWidget(core)
        self._add_children(element.link_id, self._layout, body, depth=0)
        # Below the questions (so nothing moves while typing): why the section is still "to do"
        # when the nurse has marked it done, e.g. a required question left empty.
        self.missing_label = QLabel("", body)
        self.missing_label.setObjectName(f"missing:{element.id}")
        self.missing_label.setWordWrap(True)
        self.missing_label.setTextFormat(Qt.TextFormat.PlainText)
        self.missing_label.setStyleSheet("color: #1F3B73; font-weight: bold;")
        self.missing_label.hide()
        self._layout.addWidget(self.missing_label)
        self._layout.addStretch(1)
        self.setWidget(body)

    def _add_children(self, link_id: str, layout: QVBoxLayout, parent: QWidget, depth: int) -> None:
        for child_id in self.defn.items[link_id].children:
            item = self.defn.items[child_id]
            if item.type == "group":
                box = QWidget(parent)
                box.setObjectName(f"group:{child_id}")
                inner = QVBoxLayout(box)
                inner.setContentsMargins(12 if depth else 0, 0, 0, 0)
                if item.text != self.element.title:
                    heading = QLabel(item.text, box)
                    heading.setWordWrap(True)  # long headings wrap in large text, never scroll sideways
                    heading.setStyleSheet("font-weight: bold;")
                    inner.addWidget(heading)
                self._add_children(child_id, inner, box, depth + 1)
                layout.addWidget(box)
                self.rows[child_id] = box
            elif item.type == "display":
                label = QLabel(item.text, parent)
                label.setWordWrap(True)
                layout.addWidget(label)
                self.rows[child_id] = label
            else:
                if item.one_of and item.one_of not in self._alternatives_shown:
                    self._alternatives_shown.add(item.one_of)
                    labels = [i.label for i in self.defn.items.values() if i.one_of == item.one_of]
                    note = QLabel(self.tr("Give at least one of: {0}.").format(", ".join(labels)), parent)
                    note.setObjectName(f"one-of:{item.one_of}")
                    note.setWordWrap(True)
                    layout.addWidget(note)
                field = make_field(self.defn, item, parent)
                field.changed.connect(self.answer_changed)
                layout.addWidget(field)
                self.fields[child_id] = field
                self.rows[child_id] = field
                if self._is_follow_up(item):
                    # Its place is kept while it is switched off, so answering the question above it
                    # never moves the next question from under the pointer.
                    policy = field.sizePolicy()
                    policy.setRetainSizeWhenHidden(True)
                    field.setSizePolicy(policy)
                    self.follow_ups.add(child_id)

    def _is_follow_up(self, item: Item) -> bool:
        """A question another answer on this page switches on ("Which antipsychotic?" after "Yes").

        The section's status is not one of those: what it switches on (the reason, or the
        questions) appears below it, where nothing was, so nothing the nurse sees moves."""
        if not item.enable_when or item.applies_to is not None:
            return False
        status = self.element.status_id
        return all(cond.question != status and cond.question in self.defn.items for cond in item.enable_when)

    # -- state ---------------------------------------------------------------------------
    def load(self, answers: Mapping[str, Any]) -> None:
        for link_id, field in self.fields.items():
            field.load(answers.get(link_id))

    def apply_enabled(self, enabled: Iterable[str]) -> None:
        on = enabled if isinstance(enabled, (set, frozenset)) else set(enabled)
        for link_id, row in self.rows.items():
            visible = link_id in on
            if row.isHidden() == visible:
                row.setVisible(visible)

    def show_missing(self, state: ElementCompleteness | None) -> None:
        """Say what is still needed once the section is started and not yet recorded."""
        text = ""
        if state is not None and state.started and not state.recorded and state.missing:
            text = self.tr("Still needed to finish this section: {0}.").format("; ".join(state.missing))
        if text != self.missing_label.text():
            self.missing_label.setText(text)
            self.missing_label.setAccessibleName(text)
        visible = bool(text)
        if self.missing_label.isHidden() == visible:
            self.missing_label.setVisible(visible)

    def set_read_only(self, read_only: bool) -> None:
        for field in self.fields.values():
            field.set_read_only(read_only)

    def flush(self) -> None:
        for field in self.fields.values():
            field.flush()

    def first_input(self) -> QWidget | None:
        for field in self.fields.values():
            if field.isVisibleTo(self):
                return field.focus_widget()
        return None


def focus_first(widget: QWidget | None) -> None:
    if widget is not None:
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
