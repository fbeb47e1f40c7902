"""Shared set-up for the shell and home tests: a real store in tmp_path, the real main window.

Stores are made with the vault's cheap TEST_KDF, passed explicitly (the product default
is untouched); everything else is the product's own code: real SQLite, real AES-GCM.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from outreach import services
from outreach.checks.definition import default_definition
from outreach.settings import OrgConfig
from outreach.store.crypto import TEST_KDF
from outreach.store.local_store import LocalStore
from outreach.store.records import PersonDetails
from tests.conftest import ARTIFACTS
from tests.factories import new_store
from tests.ui.conftest import open_message_boxes
from ui.main_window import MainWindow
from ui.tasks import TaskRunner

WAIT_MS = 15_000
WORKER = "Testworker Alpha"
PASSPHRASE = "correct horse battery staple"
NHS_VALID = "9990000018"  # 999 range, valid Modulus 11 check digit


def make_store(data_dir: Path, *, people: int = 0, users: tuple[str, ...] = ()) -> None:
    """A store with the admin WORKER, `people` synthetic people and optionally more users; closed again."""
    new_store(data_dir, admin=WORKER, passphrase=PASSPHRASE, users=users, people=people).close()


def open_window(
    qtbot: QtBot, runner: TaskRunner, data_dir: Path, *, expect: str, **kwargs: Any
) -> MainWindow:
    kwargs.setdefault("kdf", TEST_KDF)
    kwargs.setdefault("org_config", OrgConfig(organisation_name="Synthetic Outreach Service"))
    window = MainWindow(data_dir, runner, **kwargs)
    qtbot.addWidget(window)
    window.resize(window.sizeHint())
    window.show()
    window.activateWindow()
    # Active, unless a message (e.g. a damaged store) already took the focus.
    qtbot.waitUntil(lambda: window.isActiveWindow() or bool(open_message_boxes()), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.current_page == expect, timeout=WAIT_MS)
    return window


def unlock(qtbot: QtBot, window: MainWindow, passphrase: str = PASSPHRASE) -> None:
    panel = window.unlock_panel
    qtbot.waitUntil(lambda: panel.unlock_button.isEnabled(), timeout=WAIT_MS)
    panel.pass_edit.setFocus()
    qtbot.keyClicks(panel.pass_edit, passphrase)
    with qtbot.waitSignal(window.home_ready, timeout=WAIT_MS):
        qtbot.keyClick(panel.pass_edit, Qt.Key.Key_Return)


def add_checks(data_dir: Path, *, draft_for: str | None = "Testperson Drafty") -> dict[str, str]:
    """One person with a finalised check whose two follow-ups are overdue and due in three days,
    and (optionally) another person with an unfinished check. Returns the ids."""
    store = LocalStore.open(data_dir)
    store.unlock(WORKER, PASSPHRASE)
    try:
        today = date.today()
        person = services.register_person(
            store,
            PersonDetails(
                given_name="Testperson",
                family_name="Followup",
                date_of_birth="1971-02-03",
                sex="male",
                nhs_number=NHS_VALID,
            ),
        )
        services.record_consent(store, person.id, "check", True)
        services.record_consent(store, person.id, "gp", True)  # shared with their GP: the check may go
        check = services.start_check(store, person.id, definition_version=default_definition().version)
        services.record_follow_up_decisions(
            store,
            check.id,
            {
                "synthetic-overdue": {
                    "kind": "referral",
                    "service_id": "gp-practice",
                    "reason": None,
                    "note": None,
                    "due_on": (today - timedelta(days=10)).isoformat(),
                },
                "synthetic-soon": {
                    "kind": "referral",
                    "service_id": "stop-smoking-bnssg",
                    "reason": None,
                    "note": None,
                    "due_on": (today + timedelta(days=3)).isoformat(),
                },
            },
        )
        # Synthetic findings straight into the store: the home screen only lists their follow-ups.
        store.checks.finalise(
            check.id,
            [
                {"rule_id": "synthetic-overdue", "title": "Synthetic finding A"},
                {"rule_id": "synthetic-soon", "title": "Synthetic finding B"},
            ],
        )
        ids = {"person": person.id, "check": check.id}
        if draft_for:
            given, family = draft_for.split(" ", 1)
            other = services.register_person(
                store, PersonDetails(given_name=given, family_name=family, date_of_birth="1980-05-06")
            )
            services.record_consent(store, other.id, "check", True)
            draft = services.start_check(store, other.id, definition_version=default_definition().version)
            services.save_answer(store, draft.id, "synthetic-answer", 42)
            ids.update(draft_person=other.id, draft=draft.id)
        return ids
    finally:
        store.close()


def close_store(window: MainWindow) -> None:
    """Close the window's store once the test is done with it (no file left open under xdist)."""
    if window.store is not None:
        window.runner.shutdown(wait=True)
        window.store.close()


def screenshot(widget: QWidget, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    QApplication.processEvents()
    path = ARTIFACTS / name
    assert widget.grab().save(str(path))
    return path
