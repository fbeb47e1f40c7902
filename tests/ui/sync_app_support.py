"""Set-up for the tests of sync inside the app: the real reference server on a free loopback
port, a real encrypted store holding synthetic finalised checks with consent and this
laptop's device token, and the real main window with short sync timings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from outreach import services
from outreach.demo_data import fill_demo_data
from outreach.fhir.identifiers import CHECK_SYSTEM
from outreach.settings import OrgConfig
from outreach.store import sync_state
from outreach.store.crypto import TEST_KDF
from outreach.store.local_store import LocalStore
from sync.server.faults import Faults
from sync.server.serving import RunningServer, start_in_thread
from tests.sync.server_calls import server_count
from tests.ui.shell_support import PASSPHRASE, WAIT_MS, WORKER, open_window, unlock
from ui.main_window import MainWindow
from ui.sync_controller import SyncTimings
from ui.tasks import TaskRunner

LAPTOP = "Test laptop 1"


def start_server(folder: Path, port: int = 0) -> RunningServer:
    return start_in_thread(f"sqlite:///{folder / 'shared.db'}", port=port, faults=Faults())


def share_all(store: LocalStore) -> None:
    """Consent to the check and to sharing with the GP for everyone with a check."""
    people = {store.checks.get(item.check_id).person_id for item in store.outbox.list()}
    with store.db.write():
        for person_id in people:
            services.record_consent(store, person_id, "check", True)
            services.record_consent(store, person_id, "gp", True)


def make_laptop(data_dir: Path, token: str, *, checks: int, seed: int = 1) -> None:
    """A store for WORKER with `checks` finalised checks (one person each), ready to sync; closed again."""
    store = LocalStore.create(data_dir, admin_name=WORKER, admin_passphrase=PASSPHRASE, kdf=TEST_KDF)
    try:
        if checks:
            fill_demo_data(store, people=checks, checks_per_person=1, seed=seed)
            share_all(store)
        sync_state.set_device_token(store, token)
    finally:
        store.close()


def add_finalised_checks(store: LocalStore, count: int, seed: int) -> None:
    """More people with a finalised check each (runs on the store worker)."""
    fill_demo_data(store, people=count, checks_per_person=1, seed=seed)
    share_all(store)


def sync_window(
    qtbot: QtBot, runner: TaskRunner, data_dir: Path, server_url: str, timings: SyncTimings
) -> MainWindow:
    org = OrgConfig(organisation_name="Synthetic Outreach Service", server_url=server_url)
    window = open_window(qtbot, runner, data_dir, expect="unlock", org_config=org, sync_timings=timings)
    unlock(qtbot, window)
    return window


def encounters_by_identifier(server: RunningServer, token: str, store: LocalStore) -> dict[str, int]:
    """check id -> how many Encounters the server holds with that check's identifier."""
    return {
        item.check_id: server_count(server, token, "Encounter", identifier=f"{CHECK_SYSTEM}|{item.check_id}")
        for item in store.outbox.list()
    }


def server_encounter(store: LocalStore, check_id: str) -> str:
    """The server's "Encounter/<id>" for a check that was sent."""
    item = next(i for i in store.outbox.list() if i.check_id == check_id)
    refs = json.loads(item.server_ref or "[]")
    return next(r.split("/_history/")[0] for r in refs if r.startswith("Encounter/"))


def in_db(qtbot: QtBot, runner: TaskRunner, func: Any, *args: Any) -> Any:
    """Run store work on the app's store worker (as the app does) and return its result."""
    outcome: dict[str, Any] = {}
    runner.run_db(
        func,
        *args,
        on_success=lambda value: outcome.setdefault("value", value),
        on_error=lambda exc: outcome.setdefault("error", exc),
    )
    qtbot.waitUntil(lambda: bool(outcome), timeout=WAIT_MS)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def unlock_overlay(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.lock_panel.pass_edit, PASSPHRASE)
    with qtbot.waitSignal(window.resumed, timeout=WAIT_MS):
        qtbot.keyClick(window.lock_panel.pass_edit, Qt.Key.Key_Return)
