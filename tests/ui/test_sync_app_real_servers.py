"""The app against a server that behaves like real ones: it processes transactions entry by
entry and limits how much a laptop may write. The worker must never be told "sent" for a
check the server did not fully store, and must see in plain words what is happening."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from sync.push import product_bundle_builder
from sync.server.behaviours import Behaviours
from sync.server.faults import Faults
from sync.server.serving import RunningServer, start_in_thread
from tests.sync.server_modes import assert_every_record_once
from tests.ui.shell_support import WAIT_MS, close_store, screenshot
from tests.ui.sync_app_support import LAPTOP, make_laptop, sync_window
from ui.sync_controller import SyncTimings
from ui.tasks import TaskRunner

MANUAL = SyncTimings(first_ms=600_000, interval_ms=600_000, after_finalise_ms=600_000, max_wait_s=0.2)


@pytest.fixture
def quota_server(tmp_path: Path) -> Iterator[RunningServer]:
    # Entry by entry, and 40 records a minute per laptop: a few checks' worth, not six.
    running = start_in_thread(
        f"sqlite:///{tmp_path / 'shared.db'}",
        faults=Faults(),
        behaviours=Behaviours(transactions="entry-by-entry", write_quota=(40, 60.0)),
    )
    yield running
    running.stop()


def test_a_partly_stored_check_is_never_shown_as_sent_and_goes_whole_later(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner, quota_server: RunningServer
) -> None:
    server = quota_server
    token = server.add_device(LAPTOP)
    make_laptop(tmp_path / "laptop", token, checks=6)
    window = sync_window(qtbot, runner, tmp_path / "laptop", server.url, MANUAL)
    window.resize(1366, 768)
    store = window.store
    home = window.home
    outbox = home.outbox
    home.tabs.setCurrentWidget(outbox)

    window.sync.sync_now()
    qtbot.waitUntil(lambda: all(i.attempts > 0 for i in store.outbox.list()), timeout=60_000)
    qtbot.waitUntil(lambda: not (window.sync.running or window.sync.probing), timeout=60_000)

    def row_texts() -> list[str]:
        table = outbox.table
        return [
            " ".join(table.item(r, c).text() for c in range(table.columnCount()) if table.item(r, c))
            for r in range(table.rowCount())
        ]

    outbox.refresh()
    qtbot.waitUntil(
        lambda: row_texts() and not any("Not tried yet" in t for t in row_texts()), timeout=WAIT_MS
    )
    texts = row_texts()
    screenshot(window, "sync-partly-stored-outbox.png")
    sent = [i for i in store.outbox.list() if i.state == "sent"]
    waiting = [i for i in store.outbox.list() if i.state != "sent"]
    assert waiting, "the quota should have stopped some checks part-way"
    assert len(texts) == len(waiting)
    # What the worker reads: partly sent, and that the rest goes by itself; never "sent".
    assert any("Partly sent" in t for t in texts), texts
    assert not any("Sent to the shared record" in t for t in texts)
    # The server answered (it is busy, not gone): the status line must not say "offline".
    qtbot.waitUntil(lambda: window.sync.status_text.startswith("Last synced"), timeout=WAIT_MS)
    assert "6 waiting" in window.sync.status_text
    # Every check the app calls sent is whole on the server.
    for item in sent:
        assert item.server_ref and "Provenance/" in item.server_ref

    # The quota lifts (a new minute, or IT raised it): the next sync finishes every check.
    server.behaviours.write_quota = None
    window.sync.sync_now()
    qtbot.waitUntil(lambda: all(i.state == "sent" for i in store.outbox.list()), timeout=60_000)
    checker = server.add_device("Checker", role="supervisor")  # reads what every laptop sent
    assert_every_record_once(store, server, checker, product_bundle_builder("Synthetic Outreach Service"))
    window.sync.stop()
    qtbot.waitUntil(lambda: window.runner.active_tasks == 0, timeout=WAIT_MS)
    close_store(window)
