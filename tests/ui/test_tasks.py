"""The task runner: store work on one worker, network on another pool, results on the GUI thread."""

from __future__ import annotations

import threading
import time

import pytest
from pytestqt.qtbot import QtBot

from outreach.errors import Cancelled, NetworkError, ValidationError
from tests.ui.conftest import open_message_boxes
from ui.tasks import (
    GuiThreadBlockedError,
    TaskContext,
    TaskRunner,
    assert_not_gui_thread,
    blocking,
    is_blocking,
    on_gui_thread,
)

WAIT_MS = 5000


def test_store_work_runs_on_the_db_worker_and_the_result_arrives_on_the_gui_thread(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    seen: dict[str, object] = {}

    def work(a: int, b: int) -> int:
        seen["worker_thread"] = threading.current_thread().name
        seen["worker_on_gui"] = on_gui_thread()
        return a + b

    def done(result: int) -> None:
        seen["callback_on_gui"] = on_gui_thread()
        seen["result"] = result

    task = runner.run_db(work, 2, 3, on_success=done)
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    assert seen == {
        "worker_thread": seen["worker_thread"],
        "worker_on_gui": False,
        "callback_on_gui": True,
        "result": 5,
    }
    assert str(seen["worker_thread"]).startswith("outreach-db")
    assert runner.active_tasks == 0


def test_store_work_is_serialised_in_submission_order(qtbot: QtBot, runner: TaskRunner) -> None:
    log: list[tuple[str, int]] = []
    running = []

    def step(i: int) -> int:
        running.append(i)
        assert len(running) == 1, "two store tasks ran at once"
        log.append(("start", i))
        time.sleep(0.002)
        log.append(("end", i))
        running.remove(i)
        return i

    tasks = [runner.run_db(step, i) for i in range(15)]
    qtbot.waitUntil(lambda: all(t.done for t in tasks), timeout=WAIT_MS)
    assert [t.result for t in tasks] == list(range(15))
    assert log == [(kind, i) for i in range(15) for kind in ("start", "end")]


def test_a_slow_network_call_never_holds_up_store_work(qtbot: QtBot, runner: TaskRunner) -> None:
    release = threading.Event()
    network = runner.run_network(lambda: release.wait(WAIT_MS / 1000) and threading.current_thread().name)
    saved = runner.run_db(lambda: "saved")
    with qtbot.waitSignal(saved.succeeded, timeout=WAIT_MS) as blocker:
        pass
    assert blocker.args == ["saved"]
    assert not network.done
    release.set()
    with qtbot.waitSignal(network.succeeded, timeout=WAIT_MS) as blocker:
        pass
    assert str(blocker.args[0]).startswith("outreach-net")


def test_a_failure_is_shown_by_show_error_in_the_workers_words(qtbot: QtBot, runner: TaskRunner) -> None:
    def save() -> None:
        raise ValidationError("Systolic 1200 mmHg is not possible: check the reading", item="bp-systolic")

    task = runner.run_db(save)
    with qtbot.waitSignal(task.failed, timeout=WAIT_MS) as blocker:
        pass
    assert isinstance(blocker.args[0], ValidationError)
    qtbot.waitUntil(lambda: bool(open_message_boxes()), timeout=WAIT_MS)
    (box,) = open_message_boxes()
    assert box.objectName() == "error-validation"
    assert box.text() == "Systolic 1200 mmHg is not possible: check the reading"


def test_an_unexpected_error_never_shows_its_technical_message(qtbot: QtBot, runner: TaskRunner) -> None:
    def broken() -> None:
        raise KeyError("Testperson Alpha")

    task = runner.run_network(broken)
    with qtbot.waitSignal(task.failed, timeout=WAIT_MS):
        pass
    qtbot.waitUntil(lambda: bool(open_message_boxes()), timeout=WAIT_MS)
    (box,) = open_message_boxes()
    assert box.objectName() == "error-unexpected"
    assert "Testperson" not in box.text() + box.informativeText()


def test_cancelled_work_unwinds_quietly(qtbot: QtBot, runner: TaskRunner) -> None:
    def stop() -> None:
        raise Cancelled("Stopped.")

    task = runner.run_db(stop)
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    qtbot.wait(50)
    assert open_message_boxes() == []
    assert isinstance(task.error, Cancelled)


def test_a_task_can_handle_its_own_errors_on_the_gui_thread(qtbot: QtBot, runner: TaskRunner) -> None:
    received: list[tuple[BaseException, bool]] = []

    def fetch() -> None:
        raise NetworkError("The shared record did not answer.")

    task = runner.run_network(fetch, on_error=lambda exc: received.append((exc, on_gui_thread())))
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    assert len(received) == 1 and isinstance(received[0][0], NetworkError) and received[0][1] is True
    assert open_message_boxes() == []


def test_blocking_functions_refuse_the_gui_thread_but_run_in_the_runner(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    @blocking
    def derive_key(passphrase: str) -> str:
        return passphrase[::-1]

    assert is_blocking(derive_key)
    with pytest.raises(GuiThreadBlockedError, match="derive_key"):
        derive_key("synthetic")
    with pytest.raises(GuiThreadBlockedError):
        assert_not_gui_thread("key derivation")
    task = runner.run_db(derive_key, "synthetic")
    with qtbot.waitSignal(task.succeeded, timeout=WAIT_MS) as blocker:
        pass
    assert blocker.args == ["citehtnys"]


def test_a_queued_task_cancelled_before_it_starts_never_runs(qtbot: QtBot, runner: TaskRunner) -> None:
    release = threading.Event()
    ran: list[str] = []
    first = runner.run_db(lambda: release.wait(WAIT_MS / 1000))
    second = runner.run_db(lambda: ran.append("second"), on_error=lambda exc: None)
    second.cancel()
    release.set()
    with qtbot.waitSignal(second.failed, timeout=WAIT_MS) as blocker:
        pass
    assert isinstance(blocker.args[0], Cancelled)
    qtbot.waitUntil(lambda: first.done, timeout=WAIT_MS)
    assert ran == []


def test_progress_arrives_on_the_gui_thread_and_cancel_stops_a_running_task(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    progress: list[tuple[int, int, bool]] = []
    steps_done: list[int] = []
    go_on = threading.Event()

    def long_job(ctx: TaskContext, total: int) -> int:
        for i in range(total):
            ctx.raise_if_cancelled()
            steps_done.append(i)
            ctx.report_progress(i + 1, total)
            if i == 2:
                go_on.wait(WAIT_MS / 1000)
        return total

    task = runner.run_network(long_job, 1000, with_context=True, on_error=lambda exc: None)
    task.progress.connect(lambda done, total: progress.append((done, total, on_gui_thread())))
    qtbot.waitUntil(lambda: len(progress) >= 3, timeout=WAIT_MS)
    task.cancel()
    go_on.set()
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    assert isinstance(task.error, Cancelled)
    assert len(steps_done) == 3
    assert progress[:3] == [(1, 1000, True), (2, 1000, True), (3, 1000, True)]


def test_tasks_must_be_started_from_the_gui_thread(qtbot: QtBot, runner: TaskRunner) -> None:
    errors: list[BaseException] = []

    def from_worker() -> None:
        try:
            runner.run_db(lambda: None)
        except GuiThreadBlockedError as exc:
            errors.append(exc)

    thread = threading.Thread(target=from_worker)
    thread.start()
    thread.join(5)
    assert len(errors) == 1


def test_shutdown_finishes_every_store_write_handed_over_cancels_network_and_refuses_new_work(
    qtbot: QtBot, qapp: object
) -> None:
    runner = TaskRunner()
    written: list[int] = []
    release = threading.Event()

    def write(i: int) -> None:
        time.sleep(0.02)
        written.append(i)

    network_ran: list[str] = []
    runner.run_network(lambda: release.wait(WAIT_MS / 1000), on_error=lambda exc: None)
    runner.run_network(lambda: release.wait(WAIT_MS / 1000), on_error=lambda exc: None)
    queued_network = runner.run_network(lambda: network_ran.append("ran"), on_error=lambda exc: None)
    for i in range(5):
        runner.run_db(write, i)
    threading.Timer(0.2, release.set).start()  # the two busy network workers finish during shutdown
    runner.shutdown(wait=True)
    assert written == [0, 1, 2, 3, 4]
    assert queued_network.cancel_requested and network_ran == []
    with pytest.raises(RuntimeError):
        runner.run_db(lambda: None)


def test_options_are_keyword_only_and_never_passed_to_the_function(qtbot: QtBot, runner: TaskRunner) -> None:
    """The runner's options are its own parameters: a keyword meant for the function is refused at
    once (TypeError) rather than taken as an option or passed on by accident."""

    def work(a: int, b: int = 0) -> int:
        return a + b

    with pytest.raises(TypeError):
        runner.run_db(work, 2, b=3)  # type: ignore[call-arg]
    task = runner.run_db(work, 2, name="sum")
    with qtbot.waitSignal(task.succeeded, timeout=WAIT_MS) as blocker:
        pass
    assert blocker.args == [2]
    assert task.name == "sum"


def test_worker_threads_start_with_the_first_task_not_with_the_runner(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    """The first window draws before any worker thread exists (they would share the interpreter with it)."""
    assert not [t.name for t in threading.enumerate() if t.name.startswith("outreach-")]
    task = runner.run_db(threading.current_thread)
    with qtbot.waitSignal(task.succeeded, timeout=WAIT_MS) as blocker:
        pass
    assert blocker.args[0].name.startswith("outreach-db")
    assert not runner.closed
    runner.shutdown()
    assert runner.closed


def test_a_list_reading_itself_again_is_skipped_once_the_runner_has_shut_down(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    """run_db_if_open runs like run_db while the app is open; once it is closing, nothing is started
    and nothing is raised (a page or a refresh asked for as the window goes away has no one to tell)."""
    task = runner.run_db_if_open(lambda: "page")
    assert task is not None
    with qtbot.waitSignal(task.succeeded, timeout=WAIT_MS) as blocker:
        pass
    assert blocker.args == ["page"]
    runner.shutdown()
    assert runner.run_db_if_open(lambda: pytest.fail("ran after shutdown")) is None
    with pytest.raises(RuntimeError):
        runner.run_db(lambda: None)  # work someone waits for is refused out loud
