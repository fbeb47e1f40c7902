"""Help > "Copy a report for IT": made off the GUI thread, copied to the clipboard, said on the status
line, reachable from the keyboard, and holding nothing personal."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from outreach.settings import OrgConfig
from tests.test_support_report import (
    MARKER_DOB,
    MARKER_FAMILY,
    MARKER_GIVEN,
    MARKER_NHS,
    PEM,
    make_marker_store,
    spaced,
    write_log_with_markers,
)
from tests.ui.shell_support import WAIT_MS, close_store, open_window, unlock
from ui.main_window import MainWindow
from ui.ops.start import load_report_for_it
from ui.tasks import GuiThreadBlockedError, TaskRunner

HEADER = "Outreach Health Checks: report for IT"


def copied_report(qtbot: QtBot, window: MainWindow) -> str:
    QGuiApplication.clipboard().setText("")
    window.report_action.trigger()
    assert not window.report_action.isEnabled()  # one report at a time
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text().startswith(HEADER), timeout=WAIT_MS)
    qtbot.waitUntil(window.report_action.isEnabled, timeout=WAIT_MS)
    return QGuiApplication.clipboard().text()


def assert_nothing_personal(text: str) -> None:
    for marker in [*MARKER_GIVEN, *MARKER_FAMILY, *MARKER_DOB]:
        assert marker not in text, marker
    for nhs in MARKER_NHS:
        assert nhs not in text and spaced(nhs) not in text, nhs


def test_the_report_is_copied_with_the_outbox_and_nothing_personal(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner, root_logger: logging.Logger
) -> None:
    data = tmp_path / "data"
    make_marker_store(data).close()
    log_file = write_log_with_markers(data, root_logger)
    org = OrgConfig(
        organisation_name="Synthetic Outreach Service",
        server_url="https://fhir.synthetic.example/fhir",
        recovery_public_key=PEM,
    )
    window = open_window(qtbot, runner, data, expect="unlock", log_file=log_file, org_config=org)
    unlock(qtbot, window)
    try:
        report = copied_report(qtbot, window)
        assert "qt: OK (this window is open (Qt " in report and "Self-test passed." in report
        assert "Qt: 6." in report and "(PySide6 6." in report
        assert "server_url = 'https://fhir.synthetic.example/fhir'" in report
        assert "recovery_public_key = present" in report
        assert "Store: schema " in report and "Outbox: 3 item(s) not yet on the shared record" in report
        assert "held for the worker: 1" in report and "Last sync: 2026-11-30T09:12:00+00:00 UTC" in report
        assert "sync.pushed count=1 http_status=200" in report
        assert_nothing_personal(report)
        assert window.statusBar().currentMessage().startswith("The report for IT is on the clipboard")
        assert "nothing personal" in window.statusBar().accessibleDescription()

        # Locked, the report still comes, without the outbox (the keys are gone).
        window.lock()
        locked = copied_report(qtbot, window)
        assert "Outbox and last sync: not included (the app is locked)" in locked
        assert_nothing_personal(locked)
    finally:
        close_store(window)


def test_the_report_works_before_anyone_unlocks(qtbot: QtBot, tmp_path: Path, runner: TaskRunner) -> None:
    data = tmp_path / "data"
    make_marker_store(data).close()
    window = open_window(qtbot, runner, data, expect="unlock")
    try:
        report = copied_report(qtbot, window)
        assert "Outbox and last sync: not included (nobody has unlocked the app yet)" in report
        assert "Store: schema " in report
        assert_nothing_personal(report)
    finally:
        close_store(window)


def test_the_action_is_in_the_help_menu_with_its_own_alt_letter(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    window = open_window(qtbot, runner, tmp_path / "fresh", expect="setup")
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert isinstance(help_menu, QMenu)
    assert window.report_action in help_menu.actions()
    assert window.report_action.text() == "Copy a &report for IT"  # what a screen reader reads out
    assert window.report_action.toolTip().strip()
    letters = [m.group(1).lower() for a in help_menu.actions() if (m := re.search(r"(?<!&)&(\w)", a.text()))]
    assert letters.count("r") == 1 and len(set(letters)) == len(letters)
    # Alt+H opens the menu; R inside it makes the report.
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(help_menu.isVisible, timeout=WAIT_MS)
    QGuiApplication.clipboard().setText("")
    qtbot.keyClick(help_menu, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text().startswith(HEADER), timeout=WAIT_MS)
    assert "Store: none in this folder" in QGuiApplication.clipboard().text()
    qtbot.waitUntil(window.report_action.isEnabled, timeout=WAIT_MS)


def test_making_the_report_refuses_the_gui_thread(qapp: QApplication, tmp_path: Path) -> None:
    with pytest.raises(GuiThreadBlockedError):
        load_report_for_it(object())
