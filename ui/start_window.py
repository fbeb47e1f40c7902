"""The first window: what the app is, which organisation and data folder it uses, and
a way for IT to check the installation from the desktop.

Sizes follow the system font: nothing here sets a pixel size; the heading is a
multiple of the application font and the icon is scaled to the text line height.
Every control has an accessible name and can be reached and used with the keyboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QFont, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

import outreach
from outreach.resources import resource_path
from outreach.selftest import CheckResult, headless_checks, run_checks
from outreach.settings import OrgConfig
from ui.tasks import TaskRunner

HEADING_SCALE = 1.8


@dataclass(frozen=True)
class StartInfo:
    """What the start window reports; gathered by `ui.app` before the window opens."""

    data_dir: Path
    organisation: OrgConfig
    organisation_file: Path | None = None  # None: no file found, defaults in use
    organisation_problem: str | None = None  # why the organisation file could not be read
    store_exists: bool = False
    log_file: Path | None = None


def app_icon() -> QIcon:
    return QIcon(str(resource_path("icons", "outreach.svg")))


def _selectable(label: QLabel) -> QLabel:
    """Let keyboard and screen-reader users reach and copy a value (IT reads paths out over the phone)."""
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    label.setWordWrap(True)
    return label


class StartWindow(QMainWindow):
    """The first screen. Later screens (set-up, unlock, home) replace its central widget."""

    self_test_finished = Signal(list)  # list[CheckResult], on the GUI thread

    def __init__(self, info: StartInfo, runner: TaskRunner | None = None) -> None:
        super().__init__()
        self.info = info
        self.runner = runner  # None runs the self-test inline, for a window built without the app
        self.setObjectName("start-window")
        self.setWindowTitle(self.tr("Outreach Health Checks"))
        self.setWindowIcon(app_icon())
        self.setAccessibleName(self.tr("Outreach Health Checks start window"))
        self._build_menus()
        self.setCentralWidget(self._build_body())
        self.check_button.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- building ----------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.quit_action = QAction(self.tr("&Quit"), self)
        self.quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        if self.quit_action.shortcut().isEmpty():  # Windows has no standard Quit key
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.check_action = QAction(self.tr("&Check this installation"), self)
        self.check_action.triggered.connect(self.run_self_test)
        help_menu.addAction(self.check_action)
        self.about_action = QAction(self.tr("&About Outreach Health Checks"), self)
        self.about_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    def _build_body(self) -> QWidget:
        body = QWidget(self)
        body.setObjectName("start-body")
        outer = QVBoxLayout(body)
        column = QVBoxLayout()
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addLayout(column, 4)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

        line = self.fontMetrics().height()
        header = QHBoxLayout()
        self.logo = QLabel(body)
        self.logo.setPixmap(app_icon().pixmap(QSize(line * 4, line * 4)))
        self.logo.setAccessibleName(self.tr("Outreach Health Checks logo"))
        header.addWidget(self.logo, 0, Qt.AlignmentFlag.AlignTop)

        titles = QVBoxLayout()
        self.heading = QLabel(self.tr("Outreach Health Checks"), body)
        self.heading.setObjectName("heading")
        heading_font = QFont(self.font())
        heading_font.setPointSizeF(heading_font.pointSizeF() * HEADING_SCALE)
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.heading.setAccessibleName(self.tr("Outreach Health Checks"))
        titles.addWidget(self.heading)
        self.tagline = QLabel(
            self.tr(
                "The annual physical health check for people with severe mental illness, "
                "kept safe on this laptop and shared when you are back online."
            ),
            body,
        )
        self.tagline.setWordWrap(True)
        self.tagline.setAccessibleName(self.tr("About this app"))
        titles.addWidget(self.tagline)
        header.addLayout(titles, 1)
        column.addLayout(header)

        box = QGroupBox(self.tr("This laptop"), body)
        box.setAccessibleName(self.tr("This laptop"))
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.version_value = self._add_row(
            form, self.tr("Version:"), outreach.__version__, self.tr("Version")
        )
        organisation = self.info.organisation.organisation_name
        if self.info.organisation_problem:
            organisation = self.tr("Not read: {0}").format(self.info.organisation_problem)
        self.organisation_value = self._add_row(
            form, self.tr("Organisation:"), organisation, self.tr("Organisation")
        )
        org_file = (
            str(self.info.organisation_file)
            if self.info.organisation_file
            else self.tr("None found: built-in defaults (works offline only)")
        )
        self.organisation_file_value = self._add_row(
            form, self.tr("Organisation file:"), org_file, self.tr("Organisation file")
        )
        self.data_dir_value = self._add_row(
            form, self.tr("Data folder:"), str(self.info.data_dir), self.tr("Data folder")
        )
        store = self.tr("Encrypted store found") if self.info.store_exists else self.tr("Not set up yet")
        self.store_value = self._add_row(form, self.tr("Store:"), store, self.tr("Store"))
        column.addWidget(box)

        buttons = QHBoxLayout()
        self.check_button = QPushButton(self.tr("&Check this installation"), body)
        self.check_button.setAccessibleName(self.tr("Check this installation"))
        self.check_button.setAccessibleDescription(
            self.tr("Tests encryption, the database and the bundled files, and lists the results")
        )
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.run_self_test)
        buttons.addWidget(self.check_button)
        buttons.addStretch(1)
        self.quit_button = QPushButton(self.tr("&Quit"), body)
        self.quit_button.setAccessibleName(self.tr("Quit"))
        self.quit_button.clicked.connect(self.close)
        buttons.addWidget(self.quit_button)
        column.addLayout(buttons)

        self.results = QPlainTextEdit(body)
        self.results.setObjectName("self-test-results")
        self.results.setReadOnly(True)
        self.results.setAccessibleName(self.tr("Installation check results"))
        self.results.setPlaceholderText(self.tr("Results of the installation check appear here."))
        self.results.setTabChangesFocus(True)
        self.results.setMaximumHeight(line * 10)
        self.results.hide()
        column.addWidget(self.results)

        self.setTabOrder(self.check_button, self.quit_button)
        self.setTabOrder(self.quit_button, self.version_value)
        self.setTabOrder(self.version_value, self.organisation_value)
        self.setTabOrder(self.organisation_value, self.organisation_file_value)
        self.setTabOrder(self.organisation_file_value, self.data_dir_value)
        self.setTabOrder(self.data_dir_value, self.store_value)
        self.setTabOrder(self.store_value, self.results)
        return body

    def _add_row(self, form: QFormLayout, caption: str, value: str, accessible: str) -> QLabel:
        label = QLabel(caption)
        field = _selectable(QLabel(value))
        field.setAccessibleName(accessible)
        field.setAccessibleDescription(value)
        label.setBuddy(field)
        form.addRow(label, field)
        return field

    # -- actions -----------------------------------------------------------------------------------
    def run_self_test(self) -> None:
        """Run the headless checks in the background; this window being drawn proves Qt works."""
        self.check_button.setEnabled(False)
        self.check_action.setEnabled(False)
        self.results.show()
        self.results.setPlainText(self.tr("Checking ..."))
        checks = headless_checks()
        if self.runner is None:
            self._show_results(run_checks(checks))
            return
        self.runner.run_background(
            run_checks,
            checks,
            name="ui.self_test",
            on_success=self._show_results,
            on_finished=self._self_test_done,
        )

    def _show_results(self, results: list[CheckResult]) -> None:
        lines = [r.line() for r in results]
        lines.insert(2, "qt: " + self.tr("OK (this window)"))
        failed = [r.name for r in results if r.failed]
        summary = (
            self.tr("Problems found: {0}. Tell IT.").format(", ".join(failed))
            if failed
            else self.tr("Everything works.")
        )
        self.results.setPlainText("\n".join([summary, *lines]))
        self.results.setAccessibleDescription(summary)
        self._self_test_done()
        self.self_test_finished.emit(results)

    def _self_test_done(self) -> None:
        self.check_button.setEnabled(True)
        self.check_action.setEnabled(True)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About Outreach Health Checks"),
            self.tr(
                "Outreach Health Checks {0}\n\nThe NHS annual physical health check for people with severe "
                "mental illness, offline first.\n\nQRISK3-2017 is used under the GNU LGPL; QRISK3 scores "
                "are an aid to, not a replacement for, clinical judgement."
            ).format(outreach.__version__),
        )

    def sizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(line * 48, line * 32)
