"""One input per question of the check, generated from the definition's item.

Each field checks what is typed as the nurse types (after a short pause, so a half-typed
"8" for a weight does not flash a warning) with the core's `check_answer`, and shows the
specific message right under the field. The message is also the field's accessible
description, so a screen reader reads it with the field. An unusual value (outside the
soft limits) is kept but needs a tick in "This is unusual: I have checked it".

A field reports a change only when the answer to save changes: `entry()` is what goes
to the store (the stored answer shape of resources/checks/README.md), or None for "not
answered". A refused value is never saved; the last good answer stays saved until the
nurse corrects the field.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from outreach.checks import units
from outreach.checks.answers import entry_from_json
from outreach.checks.definition import CheckDefinition, Item
from outreach.checks.validation import AnswerCheck, check_answer
from ui.check.model import number_text
from ui.dates import entry_date
from ui.widgets.choice_buttons import ChoiceButtons
from ui.widgets.length_limit import say_when_full
from ui.widgets.wheel_guard import guard_inputs

VALIDATE_AFTER_MS = 300  # pause in typing before a value is checked and saved
MAX_BUTTON_CHOICES = 4  # up to this many options are radio buttons; more are a (wheel-guarded) drop-down

EMPTY, OK, UNUSUAL, INVALID = "empty", "ok", "unusual", "invalid"


class ItemField(QWidget):
    """Label, input, message and (for numbers) unit and confirmation, for one item."""

    changed = Signal(str)  # link id; emitted when `entry()` changed
    # Kinds whose value is typed keep a line for their message even when it is empty: the message
    # appears a moment after typing stops, and must not push the next question from under the pointer.
    RESERVE_MESSAGE_LINE = False

    def __init__(self, defn: CheckDefinition, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.defn = defn
        self.item = item
        self.link_id = item.link_id
        self.state = EMPTY
        self.message_text = ""
        self._saved_entry: Any = None
        self._read_only = False
        self._loading = False
        self.setObjectName(f"field:{item.link_id}")

        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 4, 0, 4)
        self._layout.setSpacing(2)
        self.label = QLabel(self._label_text(), self)
        self.label.setWordWrap(True)
        self._layout.addWidget(self.label)
        self.row = QHBoxLayout()
        self.row.setSpacing(6)
        self._layout.addLayout(self.row)
        self.message = QLabel("", self)
        self.message.setObjectName("field-message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        if self.RESERVE_MESSAGE_LINE:
            self.message.setMinimumHeight(self.message.fontMetrics().height())
        else:
            self.message.hide()
        self._layout.addWidget(self.message)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(VALIDATE_AFTER_MS)
        self._timer.timeout.connect(self.validate_now)
        self.build()
        self.label.setBuddy(self.focus_widget())
        self.focus_widget().setAccessibleName(self.accessible_label())
        # The one place every input of the check is made: none of them may take the mouse wheel.
        guard_inputs(self)

    # -- to be provided by each kind ---------------------------------------------------------
    def build(self) -> None:
        raise NotImplementedError

    def raw(self) -> tuple[Any, str | None]:
        """(value as given, unit code or None) for the core's check."""
        raise NotImplementedError

    def show_entry(self, raw: Any) -> None:
        """Put a stored answer into the inputs."""
        raise NotImplementedError

    def focus_widget(self) -> QWidget:
        raise NotImplementedError

    def inputs(self) -> list[QWidget]:
        return [self.focus_widget()]

    # -- common ----------------------------------------------------------------------------
    def _label_text(self) -> str:
        return self.item.text

    def accessible_label(self) -> str:
        return self.item.text

    def schedule(self) -> None:
        """A key was pressed: check the value after a pause."""
        if not self._loading:
            self._timer.start()

    def flush(self) -> None:
        """Check now if a check is waiting (the nurse moved on, or a test asks)."""
        if self._timer.isActive():
            self._timer.stop()
            self.validate_now()

    def confirmed(self) -> bool:
        return False

    def check(self) -> AnswerCheck | None:
        value, unit = self.raw()
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return check_answer(self.defn, self.link_id, value, unit, self.confirmed())

    def validate_now(self) -> None:
        if self._loading:
            return
        result = self.check()
        was_invalid = self.state == INVALID
        if result is None:
            self._set_state(EMPTY, "")
            self._emit_if_changed(None, force=was_invalid)
        elif result.ok:
            self._set_state(OK, self.note_for(result))
            self._emit_if_changed(self.entry_for(result), force=was_invalid)
        elif result.needs_confirmation:
            self._set_state(UNUSUAL, result.message or "")
            # kept, but does not count until confirmed
            self._emit_if_changed(self.entry_for(result), force=was_invalid)
        else:
            self._set_state(INVALID, result.message or "")
            self.changed.emit(self.link_id)  # the saved answer stays; the check learns it is being corrected

    def invalid_entry(self) -> Any:
        """What is typed while it is refused, in the stored shape, so the evaluation counts it as a problem."""
        if self.state != INVALID:
            return None
        value, unit = self.raw()
        return {"value": value, "unit": unit} if unit is not None else {"value": value}

    def note_for(self, result: AnswerCheck) -> str:
        return ""

    def entry_for(self, result: AnswerCheck) -> Any:
        """The stored form of a good (or unusual) answer."""
        return result.value

    def entry(self) -> Any:
        return self._saved_entry

    def _emit_if_changed(self, entry: Any, *, force: bool = False) -> None:
        if entry != self._saved_entry or force:
            self._saved_entry = entry
            self.changed.emit(self.link_id)

    def _set_state(self, state: str, message: str) -> None:
        self.state = state
        self.message_text = message
        widget = self.focus_widget()
        if state in (INVALID, UNUSUAL):
            prefix = self.tr("Problem:") if state == INVALID else self.tr("Check:")
            shown = f"{prefix} {message}"
            self.message.setText(shown)
            self.message.setStyleSheet(
                "color: #8B0000; font-weight: bold;"
                if state == INVALID
                else "color: #643C00; font-weight: bold;"
            )
            self.message.show()
        elif message:
            shown = message
            self.message.setText(message)
            self.message.setStyleSheet("")
            self.message.show()
        else:
            shown = ""
            self.message.clear()
            self.message.setStyleSheet("")
            if not self.RESERVE_MESSAGE_LINE:
                self.message.hide()
        for w in self.inputs():
            w.setAccessibleDescription(shown)
            w.setProperty("invalid", state == INVALID)
        widget.setToolTip(shown)
        self.after_state()

    def after_state(self) -> None:
        """Kinds with extra parts (the confirm box) update them here."""

    def load(self, raw: Any) -> None:
        """Show a stored answer without saving it again."""
        self._loading = True
        try:
            self.show_entry(raw)
        finally:
            self._loading = False
        self._saved_entry = raw
        result = self.check()
        if result is None:
            self._set_state(EMPTY, "")
        elif result.ok:
            self._set_state(OK, self.note_for(result))
        elif result.needs_confirmation:
            self._set_state(UNUSUAL, result.message or "")
        else:
            self._set_state(INVALID, result.message or "")

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for w in self.inputs():
            if isinstance(w, QLineEdit):
                w.setReadOnly(read_only)
                w.setFocusPolicy(Qt.FocusPolicy.TabFocus if read_only else Qt.FocusPolicy.StrongFocus)
            else:
                w.setEnabled(not read_only)
        self.after_state()

    @property
    def needs_confirmation(self) -> bool:
        return self.state == UNUSUAL


class NumberField(ItemField):
    """A measurement: the number, its unit (when the nurse may choose), and the unusual-value confirmation.

    Stones+pounds and feet+inches take two boxes. Choosing another unit changes how the
    typed number is read (the nurse picks the unit the scales show); the value in the
    unit the check records is shown beside it.
    """

    RESERVE_MESSAGE_LINE = True

    def build(self) -> None:
        item = self.item
        self.edit = QLineEdit(self)
        self.edit.setObjectName(f"input:{item.link_id}")
        self.edit.setMaxLength(60)
        self.edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("0") * 18)
        self.edit.textEdited.connect(self.schedule)
        self.edit.editingFinished.connect(self.flush)
        self.row.addWidget(self.edit)
        self.unit_box: QComboBox | None = None
        self.small_edit: QLineEdit | None = None
        self.small_label: QLabel | None = None
        codes = (item.unit, *item.unit_options) if item.unit else ()
        if item.unit_options:
            self.unit_box = QComboBox(self)
            self.unit_box.setObjectName(f"unit:{item.link_id}")
            for code in codes:
                self.unit_box.addItem(units.unit_label(code), code)
            self.unit_box.setAccessibleName(self.tr("Unit for {0}").format(item.label))
            self.unit_box.currentIndexChanged.connect(self._unit_changed)
            self.small_edit = QLineEdit(self)
            self.small_edit.setObjectName(f"input2:{item.link_id}")
            self.small_edit.setMaxLength(10)
            self.small_edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("0") * 8)
            self.small_edit.textEdited.connect(self.schedule)
            self.small_edit.editingFinished.connect(self.flush)
            self.small_label = QLabel(self)
            self.row.addWidget(self.unit_box)
            self.row.addWidget(self.small_edit)
            self.row.addWidget(self.small_label)
            self._show_compound(False)
        elif item.unit:
            unit_label = QLabel(units.unit_label(item.unit), self)
            self.row.addWidget(unit_label)
        self.equivalent = QLabel("", self)
        self.equivalent.setObjectName(f"equivalent:{item.link_id}")
        self.row.addWidget(self.equivalent, 1)
        self.confirm_box = QCheckBox(self.tr("This is unusual: I have checked it"), self)
        self.confirm_box.setObjectName(f"confirm:{item.link_id}")
        self.confirm_box.setAccessibleName(self.tr("Confirm the unusual value of {0}").format(item.label))
        self.confirm_box.toggled.connect(self._confirm_toggled)
        self.confirm_box.hide()
        # Beside the value, not under it: appearing there moves nothing below, so a click meant for
        # the next question can never tick it by accident.
        self.row.addWidget(self.confirm_box)
        self._confirmed = False

    def _label_text(self) -> str:
        return self.item.text  # the unit is shown beside the box

    def focus_widget(self) -> QWidget:
        return self.edit

    def inputs(self) -> list[QWidget]:
        out: list[QWidget] = [self.edit]
        if self.unit_box is not None:
            out.append(self.unit_box)
        if self.small_edit is not None and self.small_edit.isVisibleTo(self):
            out.append(self.small_edit)
        out.append(self.confirm_box)
        return out

    # -- unit -----------------------------------------------------------------------------
    def unit(self) -> str | None:
        if self.unit_box is None:
            return self.item.unit
        return self.unit_box.currentData()

    def set_unit(self, code: str) -> None:
        if self.unit_box is not None:
            index = self.unit_box.findData(code)
            if index >= 0:
                self.unit_box.setCurrentIndex(index)

    def _show_compound(self, compound: bool) -> None:
        assert self.small_edit is not None and self.small_label is not None
        self.small_edit.setVisible(compound)
        self.small_label.setVisible(compound)
        if compound:
            unit = self.unit()
            name = self.tr("pounds") if unit == "[stone_av]" else self.tr("inches")
            self.small_label.setText("lb" if unit == "[stone_av]" else "in")
            self.small_edit.setAccessibleName(self.tr("{0}: {1}").format(self.item.label, name))
            self.edit.setAccessibleName(
                self.tr("{0}: {1}").format(
                    self.item.label, self.tr("stones") if unit == "[stone_av]" else self.tr("feet")
                )
            )
        else:
            self.edit.setAccessibleName(self.item.text)

    def _unit_changed(self) -> None:
        self._show_compound(self.unit() in units.COMPOUND_UNITS)
        if not self._loading:
            self.validate_now()

    # -- confirmation ---------------------------------------------------------------------
    def confirmed(self) -> bool:
        return self._confirmed

    def _confirm_toggled(self, on: bool) -> None:
        self._confirmed = on
        if not self._loading:
            self.validate_now()

    def confirm(self) -> None:
        """Tick the confirmation (Ctrl+Enter on an unusual value)."""
        self.confirm_box.setChecked(True)

    def after_state(self) -> None:
        show = self.state == UNUSUAL or (self._confirmed and self.state == OK and self._outside_soft())
        self.confirm_box.setVisible(show)
        self.confirm_box.setEnabled(not self._read_only)

    def _outside_soft(self) -> bool:
        result = (
            check_answer(self.defn, self.link_id, *self.raw(), False) if self.raw()[0] is not None else None
        )
        return bool(result and result.needs_confirmation)

    # -- values ---------------------------------------------------------------------------
    def raw(self) -> tuple[Any, str | None]:
        text = self.edit.text().strip()
        unit = self.unit()
        if unit in units.COMPOUND_UNITS:
            small_text = self.small_edit.text().strip() if self.small_edit is not None else ""
            if not text and not small_text:
                return None, unit
            return [_number_or_text(text or "0"), _number_or_text(small_text or "0")], unit
        if not text:
            return None, None
        # A unit typed in the text ("12 st 5 lb") wins when the box shows the usual unit.
        return text, (None if unit == self.item.unit else unit)

    def entry_for(self, result: AnswerCheck) -> Any:
        value, unit = self.raw()
        confirmed = self._confirmed and result.ok and self._outside_soft()
        if unit is None and isinstance(value, str) and _plain_number(value) and not confirmed:
            return result.value  # the plain canonical number
        out: dict[str, Any] = {"value": value}
        if unit is not None:
            out["unit"] = unit
        if confirmed:
            out["confirmed"] = True
        return out

    def note_for(self, result: AnswerCheck) -> str:
        value, unit = self.raw()
        typed_unit = unit
        if typed_unit is None and isinstance(value, str) and not _plain_number(value):
            typed_unit = "typed"
        if typed_unit is not None and typed_unit != self.item.unit and isinstance(result.value, (int, float)):
            text = f"= {units.format_number(result.value)} {units.unit_label(self.item.unit)}"
            self.equivalent.setText(text)
            self.equivalent.setAccessibleName(text)
        else:
            self.equivalent.clear()
        return ""

    def _set_state(self, state: str, message: str) -> None:
        if state != OK:
            self.equivalent.clear()
        super()._set_state(state, message)

    def show_entry(self, raw: Any) -> None:
        entry = entry_from_json(raw, self.link_id) if raw is not None else None
        self._confirmed = bool(entry and entry.confirmed)
        self.confirm_box.setChecked(self._confirmed)
        if entry is None:
            self.edit.clear()
            if self.small_edit is not None:
                self.small_edit.clear()
            return
        if entry.unit:
            self.set_unit(entry.unit)
        if isinstance(entry.value, (list, tuple)) and len(entry.value) == 2 and self.small_edit is not None:
            self.edit.setText(number_text(entry.value[0]))
            self.small_edit.setText(number_text(entry.value[1]))
        else:
            self.edit.setText(number_text(entry.value))


class ChoiceField(ItemField):
    """A choice from the definition's options.

    Up to four options (yes/no, done/declined/not possible, the screening answers) are radio
    buttons: every answer in view, one click, and nothing the wheel can turn. Longer lists
    (AUDIT-C) stay a drop-down, guarded so the wheel scrolls the page instead (fields.py
    guards every input it makes). Either way "not answered" is index 0.
    """

    def build(self) -> None:
        options = self.options()
        self.box: ChoiceButtons | QComboBox
        if len(options) <= MAX_BUTTON_CHOICES:
            self.box = ChoiceButtons(self.item.text, "", self)
            self.box.setObjectName(f"input:{self.item.link_id}")
            for code, display in options:
                self.box.addItem(display, code)
        else:
            self.box = QComboBox(self)
            self.box.setObjectName(f"input:{self.item.link_id}")
            self.box.addItem(self.tr("Choose..."), None)
            for code, display in options:
                self.box.addItem(display, code)
            self.box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            self.box.setMinimumWidth(self.fontMetrics().horizontalAdvance("0") * 18)
        self.box.currentIndexChanged.connect(self._picked)
        self.row.addWidget(self.box)
        self.row.addStretch(1)

    def options(self) -> list[tuple[Any, str]]:
        return [(o.code, o.display) for o in self.item.options]

    def focus_widget(self) -> QWidget:
        return self.box

    def inputs(self) -> list[QWidget]:
        if isinstance(self.box, ChoiceButtons):
            return [self.box, *self.box.buttons()]
        return [self.box]

    def _picked(self) -> None:
        if not self._loading:
            self.validate_now()

    def raw(self) -> tuple[Any, str | None]:
        return self.box.currentData(), None

    def choose(self, value: Any) -> None:
        index = self.box.findData(value)
        self.box.setCurrentIndex(max(index, 0))

    def show_entry(self, raw: Any) -> None:
        value = entry_from_json(raw, self.link_id).value if raw is not None else None
        self.choose(value)


class BooleanField(ChoiceField):
    def options(self) -> list[tuple[Any, str]]:
        return [(True, self.tr("Yes")), (False, self.tr("No"))]

    def raw(self) -> tuple[Any, str | None]:
        value = self.box.currentData()
        return value, None

    def check(self) -> AnswerCheck | None:
        value = self.box.currentData()
        if value is None:
            return None
        return check_answer(self.defn, self.link_id, bool(value), None, False)


class TextField(ItemField):
    """Free text (and dates, typed day/month/year as nurses write them, or YYYY-MM-DD)."""

    def build(self) -> None:
        self.edit = QLineEdit(self)
        self.edit.setObjectName(f"input:{self.item.link_id}")
        self.edit.setMaxLength(self.item.max_length)
        if self.item.type == "date":
            self.edit.setPlaceholderText(self.tr("e.g. 31/03/2027"))
            self.edit.setMaxLength(10)
        self.edit.textEdited.connect(self.schedule)
        self.edit.editingFinished.connect(self.flush)
        self.row.addWidget(self.edit, 1)
        if self.item.type != "date":
            self._layout.addWidget(say_when_full(self.edit, self))

    def focus_widget(self) -> QWidget:
        return self.edit

    def raw(self) -> tuple[Any, str | None]:
        text = self.edit.text()
        return (text if text.strip() else None), None

    def entry_for(self, result: AnswerCheck) -> Any:
        value = result.value
        return value.isoformat() if hasattr(value, "isoformat") else value

    def show_entry(self, raw: Any) -> None:
        value = entry_from_json(raw, self.link_id).value if raw is not None else None
        self.edit.setText("" if value is None else str(value))


class DateField(TextField):
    """A date, typed day/month/year (or YYYY-MM-DD) and always shown the UK way, 31/03/2027, as the hint says."""

    RESERVE_MESSAGE_LINE = True

    def show_entry(self, raw: Any) -> None:
        value = entry_from_json(raw, self.link_id).value if raw is not None else None
        self.edit.setText(entry_date(value))


def make_field(defn: CheckDefinition, item: Item, parent: QWidget | None = None) -> ItemField:
    kind = item.type
    if kind in ("decimal", "integer"):
        return NumberField(defn, item, parent)
    if kind == "choice":
        return ChoiceField(defn, item, parent)
    if kind == "boolean":
        return BooleanField(defn, item, parent)
    if kind == "date":
        return DateField(defn, item, parent)
    return TextField(defn, item, parent)


def _plain_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return all(ch.isdigit() or ch in ".-+" for ch in text.strip())


def _number_or_text(text: str) -> Any:
    """A part of stones+pounds as a number when it is one; otherwise the text, refused with its message."""
    if _plain_number(text):
        number = float(text)
        return int(number) if number.is_integer() else number
    return text
