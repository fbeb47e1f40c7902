"""Registering a new person.

The NHS number is optional (many people seen in outreach do not know theirs), but a
number that is given is checked as it is typed, with the reason shown under the field.
Before saving, people already stored with the same NHS number or the same names and
date of birth are shown, so the worker can open the existing record instead of
making a second one.
"""

from __future__ import annotations

import itertools
import re
from datetime import date
from typing import Any

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from outreach.clinical.ethnicity import ETHNIC_CATEGORIES
from outreach.clinical.nhs_number import check_nhs_number
from outreach.errors import ValidationError
from outreach.store.records import PersonDetails, PersonRecord
from outreach.store.search_index import date_parts, parse_date
from ui.context import AppContext
from ui.dates import day_text
from ui.errors import show_error
from ui.home.search import nhs_text
from ui.ops.home import load_possible_duplicates, register_person
from ui.style import SUBHEADING_SCALE, make_heading
from ui.widgets import BusyIndicator, LabelledField, Notice
from ui.widgets.wheel_guard import guard_inputs

MAX_NAME = 100  # as outreach.services: the longest given or family name the store takes
# A GP practice's ODS code: one letter and five digits (as the caseload import checks it).
GP_PRACTICE_CODE = re.compile(r"^[A-Z]\d{5}$")


class PersonForm(QWidget):
    registered = Signal(object)  # PersonRecord
    open_existing = Signal(str)  # person id
    cancelled = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._confirmed_duplicates = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.heading = make_heading(QLabel(self.tr("Register a new person"), self), SUBHEADING_SCALE)
        outer.addWidget(self.heading)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(
            Qt.FocusPolicy.NoFocus
        )  # Tab goes to the fields; the area scrolls to the focused one
        outer.addWidget(scroll, 1)
        body = QWidget()
        scroll.setWidget(body)
        grid = QGridLayout(body)

        self.given_edit = QLineEdit(body)
        self.given_field = LabelledField(self.tr("&Given name"), self.given_edit)
        self.family_edit = QLineEdit(body)
        self.family_field = LabelledField(self.tr("Famil&y name"), self.family_edit)
        self.dob_edit = QLineEdit(body)
        self.dob_edit.setPlaceholderText(self.tr("e.g. 25/03/1980"))
        self.dob_field = LabelledField(
            self.tr("&Date of birth"), self.dob_edit, hint=self.tr("Day/month/year, or year-month-day")
        )
        self.sex_combo = QComboBox(body)
        for code, label in (
            ("unknown", self.tr("Not known")),
            ("female", self.tr("Female")),
            ("male", self.tr("Male")),
            ("other", self.tr("Other")),
        ):
            self.sex_combo.addItem(label, code)
        self.sex_field = LabelledField(self.tr("Se&x"), self.sex_combo)
        self.nhs_edit = QLineEdit(body)
        self.nhs_edit.setPlaceholderText(self.tr("e.g. 943 476 5919 (optional)"))
        self.nhs_field = LabelledField(
            self.tr("NHS n&umber"),
            self.nhs_edit,
            hint=self.tr("Optional. If given, it is checked as you type."),
        )
        self.ethnic_combo = QComboBox(body)
        self.ethnic_combo.addItem(self.tr("Not asked yet"), None)
        for code, label in ETHNIC_CATEGORIES.items():
            self.ethnic_combo.addItem(label, code)
        self.ethnic_field = LabelledField(
            self.tr("&Ethnic category"),
            self.ethnic_combo,
            hint=self.tr("As the person describes it (NHS categories)."),
        )
        self.gp_edit = QLineEdit(body)
        self.gp_edit.setMaxLength(16)
        # A short box: it holds a six-character code, not a practice's name.
        self.gp_edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("0") * 18)
        self.gp_edit.setPlaceholderText(self.tr("e.g. L81051 (optional)"))
        self.gp_field = LabelledField(
            self.tr("GP practice code"),
            self.gp_edit,
            hint=self.tr(
                "The practice's code, not its name: a letter and five digits (the ODS code, "
                "on NHS letters or from the surgery). Optional."
            ),
        )
        self.language_edit = QLineEdit(body)
        self.language_edit.setPlaceholderText(self.tr("e.g. English, Polish, Somali"))
        self.language_field = LabelledField(self.tr("Preferred language"), self.language_edit)
        self.needs_edit = QPlainTextEdit(body)
        self.needs_edit.setTabChangesFocus(True)
        self.needs_edit.setPlaceholderText(
            self.tr("e.g. large print, interpreter, hearing loop, step-free access")
        )
        self.needs_edit.setMaximumHeight(self.fontMetrics().height() * 5)
        self.needs_field = LabelledField(self.tr("Communication and &access needs"), self.needs_edit)

        # One column: the eye moves straight down, and the message under a field never squeezes its neighbour.
        fields = [
            self.given_field,
            self.family_field,
            self.dob_field,
            self.sex_field,
            self.nhs_field,
            self.ethnic_field,
            self.gp_field,
            self.language_field,
            self.needs_field,
        ]
        for index, field in enumerate(fields):
            grid.addWidget(field, index, 0)
        grid.setRowStretch(len(fields), 1)

        self.duplicates = Notice(self)
        outer.addWidget(self.duplicates)
        row = QHBoxLayout()
        self.busy = BusyIndicator(self)
        row.addWidget(self.busy, 1)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setAccessibleName(self.tr("Cancel registering"))
        self.cancel_button.clicked.connect(self._cancel)
        self.cancel_button.setToolTip(self.tr("Esc"))
        row.addWidget(self.cancel_button)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self._cancel)
        self.save_button = QPushButton(self.tr("Save pe&rson"), self)
        self.save_button.setAccessibleName(self.tr("Save person"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.submit)
        row.addWidget(self.save_button)
        outer.addLayout(row)

        order = [
            self.given_edit,
            self.family_edit,
            self.dob_edit,
            self.sex_combo,
            self.nhs_edit,
            self.ethnic_combo,
            self.gp_edit,
            self.language_edit,
            self.needs_edit,
            self.save_button,
            self.cancel_button,
        ]
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)
        self.nhs_edit.textChanged.connect(self._check_nhs)
        self.dob_edit.editingFinished.connect(self._check_dob)
        self.gp_edit.editingFinished.connect(self._check_gp)
        self.dob_edit.textChanged.connect(self._dob_typed)
        # The one-line fields, listed once so "changed" and "clear" can never miss one.
        self._line_edits = (
            self.given_edit,
            self.family_edit,
            self.dob_edit,
            self.nhs_edit,
            self.gp_edit,
            self.language_edit,
        )
        for edit in self._line_edits:
            edit.textChanged.connect(self._details_changed)
        # Scrolling the form over Sex or Ethnic category scrolls the form; it never changes the choice.
        guard_inputs(self)

    # -- live checks --------------------------------------------------------------------------------
    def _check_nhs(self, text: str) -> bool:
        if not text.strip():
            self.nhs_field.clear_message()
            return True
        result = check_nhs_number(text)
        if result.valid:
            self.nhs_field.show_message(
                self.tr("Valid NHS number: {0}").format(nhs_text(result.normalised)), problem=False
            )
            return True
        self.nhs_field.show_message(str(result.reason))
        return False

    def _dob_problem(self, text: str) -> str | None:
        """What is wrong with a typed date of birth, in plain words, or None."""
        if not text.strip():
            return self.tr("Enter the date of birth, e.g. 25/03/1980.")
        parsed = parse_date(text)
        if parsed is None:
            return self._no_such_day(text) or self.tr(
                "This is not a date. Type it as day/month/year, e.g. 25/03/1980."
            )
        if parsed > date.today().isoformat():
            return self.tr("This date of birth is in the future: check it.")
        if parsed < "1900-01-01":
            return self.tr("This date of birth is before 1900: check it.")
        return None

    def _no_such_day(self, text: str) -> str | None:
        """For a date laid out right whose day does not exist (31/02/1990, 12/13/1980), which part is
        wrong: retyping "as day/month/year" would not help a nurse who did just that."""
        parts = date_parts(text)
        if parts is None:
            return None
        day, month, year = parts
        if not 1 <= month <= 12:
            return self.tr(
                "There is no month {0}. Type the day first, then the month: day/month/year, e.g. 25/03/1980."
            ).format(month)
        if year < 1 or day < 1:
            return None
        from calendar import monthrange

        month_name = QLocale().standaloneMonthName(month)
        return self.tr("{0} {1} has {2} days, so there is no day {3}: check the day.").format(
            month_name, year, monthrange(year, month)[1], day
        )

    def _check_dob(self) -> bool:
        text = self.dob_edit.text().strip()
        if not text:
            return False
        problem = self._dob_problem(text)
        if problem is not None:
            self.dob_field.show_message(problem)
            return False
        self.dob_field.show_message(day_text(parse_date(text)), problem=False)
        return True

    def _dob_typed(self, text: str) -> None:
        """As it is typed: a whole date is checked at once (a future one is warned about before
        leaving the field); a date still being typed is not nagged about until the field is left."""
        if parse_date(text) is not None:
            self._check_dob()
        else:
            self.dob_field.clear_message()

    def _gp_problem(self, text: str) -> str | None:
        """What is wrong with a typed GP practice code, in plain words, or None (empty is fine)."""
        code = text.strip().upper().replace(" ", "")
        if not code or GP_PRACTICE_CODE.match(code):
            return None
        return self.tr(
            "A GP practice code is a letter and five digits, e.g. L81051. Leave it empty if you do not know "
            "it."
        )

    def _check_gp(self) -> bool:
        problem = self._gp_problem(self.gp_edit.text())
        if problem is None:
            self.gp_field.clear_message()
            return True
        self.gp_field.show_message(problem)
        return False

    def _details_changed(self) -> None:
        self._confirmed_duplicates = False
        self.duplicates.dismiss()

    # -- saving -------------------------------------------------------------------------------------
    def details(self) -> PersonDetails:
        dob = parse_date(self.dob_edit.text()) or self.dob_edit.text().strip()
        needs = self.needs_edit.toPlainText().strip()
        return PersonDetails(
            given_name=self.given_edit.text().strip(),
            family_name=self.family_edit.text().strip(),
            date_of_birth=dob,
            sex=str(self.sex_combo.currentData()),
            nhs_number=self.nhs_edit.text().strip() or None,
            ethnic_category=self.ethnic_combo.currentData(),
            gp_practice=self.gp_edit.text().strip().upper().replace(" ", "") or None,
            preferred_language=self.language_edit.text().strip() or None,
            communication_needs=needs or None,
        )

    def _fields(self) -> dict[str, LabelledField]:
        return {
            "given_name": self.given_field,
            "family_name": self.family_field,
            "date_of_birth": self.dob_field,
            "sex": self.sex_field,
            "nhs_number": self.nhs_field,
            "gp_practice": self.gp_field,
        }

    def problems(self) -> dict[str, str]:
        """Everything wrong with the form, field by field (in the order they are on screen), so that
        one Save shows every problem at once rather than one per Save."""
        found: dict[str, str] = {}
        for key, edit, missing, words in (
            (
                "given_name",
                self.given_edit,
                self.tr("Enter the person's given name."),
                self.tr("A given name"),
            ),
            (
                "family_name",
                self.family_edit,
                self.tr("Enter the person's family name."),
                self.tr("A family name"),
            ),
        ):
            text = edit.text().strip()
            if not text:
                found[key] = missing
            elif len(text) > MAX_NAME:
                found[key] = self.tr("{0} can have at most {1} characters.").format(words, MAX_NAME)
        dob = self._dob_problem(self.dob_edit.text())
        if dob is not None:
            found["date_of_birth"] = dob
        nhs = self.nhs_edit.text()
        if nhs.strip():
            result = check_nhs_number(nhs)
            if not result.valid:
                found["nhs_number"] = str(result.reason)
        gp = self._gp_problem(self.gp_edit.text())
        if gp is not None:
            found["gp_practice"] = gp
        return found

    def submit(self) -> None:
        if self.busy.busy:
            return
        fields = self._fields()
        for key, field in fields.items():
            if key != "nhs_number":
                field.clear_message()
        problems = self.problems()
        if problems:
            for key, text in problems.items():
                fields[key].show_message(text)
            fields[next(iter(problems))].field.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._check_nhs(self.nhs_edit.text())
        details = self.details()
        self._busy(True, self.tr("Checking whether this person is already registered..."))
        task = load_possible_duplicates if not self._confirmed_duplicates else None
        if task is None:
            self._register(details)
            return
        self.context.runner.run_db(
            load_possible_duplicates,
            self.context.store,
            details,
            name="ui.home.duplicates",
            on_success=lambda found: self._duplicates_checked(details, found),
            on_error=self._failed,
        )

    def _duplicates_checked(self, details: PersonDetails, found: list[PersonRecord]) -> None:
        if not found:
            self._register(details)
            return
        self._busy(False)
        lines = [
            self.tr("{0}, born {1}").format(p.display_name, day_text(p.details.date_of_birth))
            + (self.tr(", NHS {0}").format(nhs_text(p.details.nhs_number)) if p.details.nhs_number else "")
            for p in found[:3]
        ]
        text = self.tr(
            "This may be someone already registered:\n{0}\nOpen them instead, or register a new person "
            "if this is someone else."
        ).format("\n".join(lines))
        first = found[0]
        self.duplicates.show_notice(
            text,
            [
                (
                    self.tr("Open {0}").format(first.display_name),
                    self.tr("Open the person already registered"),
                    lambda: self.open_existing.emit(first.id),
                ),
                (self.tr("Register anyway"), self.tr("Register as a new person"), self._register_anyway),
            ],
        )
        self.duplicates.buttons[0].setFocus()

    def _register_anyway(self) -> None:
        self._confirmed_duplicates = True
        self.duplicates.dismiss()
        self.submit()

    def _register(self, details: PersonDetails) -> None:
        self._busy(True, self.tr("Saving..."))
        self.context.runner.run_db(
            register_person,
            self.context.store,
            details,
            name="ui.home.register",
            on_success=self._registered,
            on_error=self._failed,
        )

    def _registered(self, person: PersonRecord) -> None:
        self._busy(False)
        self.clear()
        self.registered.emit(person)

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        if isinstance(exc, ValidationError):
            field = self._fields().get(exc.item or "")
            if field is not None:
                field.show_message(exc.message)
                field.field.setFocus()
                return
        show_error(exc, self)

    def _busy(self, on: bool, text: str = "") -> None:
        if on:
            self.busy.start(text)
        else:
            self.busy.stop()
        self.save_button.setEnabled(not on)

    def _cancel(self) -> None:
        self.clear()
        self.cancelled.emit()

    def clear(self) -> None:
        for edit in self._line_edits:
            edit.clear()
        self.needs_edit.clear()
        self.sex_combo.setCurrentIndex(0)
        self.ethnic_combo.setCurrentIndex(0)
        for field in (
            *self._fields().values(),
            self.ethnic_field,
            self.gp_field,
            self.language_field,
            self.needs_field,
        ):
            field.clear_message()
        self.duplicates.dismiss()
        self._confirmed_duplicates = False

    def focus_first(self) -> None:
        self.given_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def prefill(self, query: str) -> Any:
        """Carry over what was typed in the search box (a name or a date)."""
        text = query.strip()
        if not text:
            return
        date_value = parse_date(text)
        if date_value:
            self.dob_edit.setText(text)
            return
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) == 10:
            self.nhs_edit.setText(text)
            return
        words = text.split()
        self.given_edit.setText(words[0].capitalize())
        if len(words) > 1:
            self.family_edit.setText(" ".join(w.capitalize() for w in words[1:]))
