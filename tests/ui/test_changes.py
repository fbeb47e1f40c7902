"""The change hub: what the store committed is said once per store task, on the GUI thread, right
after the task's own result, so every screen showing it can refresh itself."""

from __future__ import annotations

import threading
from pathlib import Path

from pytestqt.qtbot import QtBot

from outreach import services
from outreach.store.crypto import TEST_KDF
from outreach.store.local_store import LocalStore
from outreach.store.records import PersonDetails
from tests.ui.shell_support import PASSPHRASE, WAIT_MS, WORKER, make_store
from ui.changes import ChangeSet
from ui.tasks import TaskRunner, on_gui_thread


def details(family: str) -> PersonDetails:
    return PersonDetails(given_name="Testperson", family_name=family, date_of_birth="1970-01-02", sex="male")


def test_a_store_task_says_its_changes_once_after_its_own_result(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    make_store(tmp_path / "data")
    store = LocalStore.open(tmp_path / "data", kdf=TEST_KDF)
    store.unlock(WORKER, PASSPHRASE)
    try:
        runner.changes.attach(store)
        order: list[str] = []
        heard: list[ChangeSet] = []

        def said(changes: ChangeSet) -> None:
            assert on_gui_thread()
            order.append("changed")
            heard.append(changes)

        runner.changes.changed.connect(said)

        def register_two() -> list[str]:
            with store.db.write():
                return [services.register_person(store, details(n)).id for n in ("Hubone", "Hubtwo")]

        task = runner.run_db(register_two, on_success=lambda _ids: order.append("result"))
        qtbot.waitUntil(lambda: bool(heard), timeout=WAIT_MS)
        qtbot.wait(50)
        assert order == ["result", "changed"]  # the screen that asked has drawn its answer first
        assert len(heard) == 1 and heard[0].people == set(task.result)  # type: ignore[arg-type]
        assert heard[0].has_action("person.register") and heard[0].touches("people")

        # A write made outside the runner (a sync thread) is said too, on the GUI thread.
        heard.clear()
        thread = threading.Thread(target=lambda: services.register_person(store, details("Hubthree")))
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: bool(heard), timeout=WAIT_MS)
        assert heard[0].has_action("person.register")

        # A store task that reads only says nothing.
        heard.clear()
        read = runner.run_db(lambda: services.find_people(store, "testperson"))
        qtbot.waitUntil(lambda: read.done, timeout=WAIT_MS)
        qtbot.wait(50)
        assert heard == []
    finally:
        runner.changes.detach()
        runner.shutdown(wait=True)
        store.close()


def test_a_review_brought_down_by_sync_is_said_with_its_check_and_person(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    """Sync writes on its own thread; a supervisor's review it stores reaches the screens as a change
    about that check's person (home's Reviews tab and the person panel listen), with no refresh after
    the sync run."""
    from outreach.demo_data import fill_demo_data
    from outreach.store import sync_state

    make_store(tmp_path / "data")
    store = LocalStore.open(tmp_path / "data", kdf=TEST_KDF)
    store.unlock(WORKER, PASSPHRASE)
    try:
        fill_demo_data(store, people=1, checks_per_person=1, seed=7)
        (item,) = store.outbox.list()
        person_id = store.checks.get(item.check_id).person_id
        runner.changes.attach(store)
        heard: list[ChangeSet] = []
        runner.changes.changed.connect(heard.append)

        def pull_one_review() -> None:
            with store.db.write() as conn:
                sync_state.store_review(
                    conn,
                    store,
                    server_id="task-1",
                    status="requested",
                    server_version="1",
                    last_updated="2026-12-01T10:00:00Z",
                    document={"notes": ["Please recheck the blood pressure."]},
                    focus_ref=None,
                    focus_check_id=item.check_id,
                )

        thread = threading.Thread(target=pull_one_review)
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: bool(heard), timeout=WAIT_MS)
        (said,) = heard
        assert said.has_action(sync_state.REVIEW_RECEIVED)
        assert said.records("checks") == {item.check_id}
        assert said.people == {person_id}
    finally:
        runner.changes.detach()
        runner.shutdown(wait=True)
        store.close()
