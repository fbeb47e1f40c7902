"""Uncaught exceptions are logged safely and shown plainly, on the GUI thread."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from outreach.logging_setup import setup_logging
from ui.crash import CrashReporter


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    path = setup_logging(tmp_path)
    yield path
    for handler in list(root.handlers):
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def read_log(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text("utf-8")


def test_a_crash_on_a_worker_thread_is_logged_and_shown_on_the_gui_thread(
    qtbot: QtBot, log_file: Path
) -> None:
    reporter = CrashReporter(log_file)

    def crash() -> None:
        try:
            raise ValueError("reading for Testperson Alpha was 999 123 4560")
        except ValueError:
            reporter.handle_exception(*sys.exc_info())  # type: ignore[arg-type]

    worker = threading.Thread(target=crash, name="synthetic-worker")
    worker.start()
    worker.join(5)
    qtbot.waitUntil(lambda: reporter.dialog is not None, timeout=5000)
    assert reporter.dialog_thread_is_gui is True
    dialog = reporter.dialog
    assert dialog is not None and dialog.isVisible()
    assert "saved work is safe" in dialog.informativeText()
    assert str(log_file) in dialog.informativeText()
    assert dialog.accessibleName() == "Something went wrong"
    text = read_log(log_file)
    assert "app.crashed" in text and "builtins.ValueError (message withheld)" in text
    assert "thread=synthetic-worker" in text
    assert "Testperson" not in text and "4560" not in text
    dialog.close()


def test_many_crashes_open_one_dialog(qtbot: QtBot, log_file: Path) -> None:
    reporter = CrashReporter(log_file)
    for _ in range(3):
        try:
            raise RuntimeError("synthetic")
        except RuntimeError:
            reporter.handle_exception(*sys.exc_info())  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: reporter.dialog is not None, timeout=5000)
    first = reporter.dialog
    qtbot.wait(50)
    assert reporter.dialog is first
    assert read_log(log_file).count("app.crashed") == 3
    first.close()  # type: ignore[union-attr]


def test_install_and_uninstall_restore_the_hooks(qapp: object) -> None:
    reporter = CrashReporter()
    before_sys, before_thread = sys.excepthook, threading.excepthook
    reporter.install()
    try:
        assert sys.excepthook == reporter.handle_exception
        assert threading.excepthook != before_thread
    finally:
        reporter.uninstall()
    assert sys.excepthook == before_sys and threading.excepthook == before_thread


def test_an_uncaught_thread_exception_reaches_the_reporter(qtbot: QtBot, log_file: Path) -> None:
    reporter = CrashReporter(log_file)
    reporter.install()
    try:
        worker = threading.Thread(target=lambda: 1 / 0, name="synthetic-thread")
        worker.start()
        worker.join(5)
        qtbot.waitUntil(lambda: reporter.dialog is not None, timeout=5000)
    finally:
        reporter.uninstall()
    assert "builtins.ZeroDivisionError (message withheld)" in read_log(log_file)
    reporter.dialog.close()  # type: ignore[union-attr]
