"""GUI tests run offscreen (see tests/conftest.py) with pytest-qt's qtbot."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from ui.tasks import TaskRunner


def open_message_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


@pytest.fixture(autouse=True)
def close_message_boxes(qapp: QApplication) -> Iterator[None]:
    yield
    for box in open_message_boxes():
        box.close()
    qapp.processEvents()


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[TaskRunner]:
    task_runner = TaskRunner()
    yield task_runner
    task_runner.shutdown(wait=True)
    task_runner.deleteLater()
