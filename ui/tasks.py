"""The one way the desktop app runs work off the GUI thread.

The screen must answer at once on an old laptop, so nothing slow runs on the GUI
thread: no store access that may wait on the disk, no key derivation, no network.

* The screens' store work goes through **one** worker thread (`run_db`): what a screen asks
  of the store happens in the order it was asked (a save is never overtaken by the search
  that follows it), and two screens' writes never interleave.
* Sync is the store's one other writer. It runs on the network pool (its store writes sit
  between network calls that may take minutes, so it must not hold the store worker) and
  writes in short transactions of its own; SQLite (WAL, with a busy timeout) puts the two
  writers in turn, and the change hub tells the screens what sync wrote.
* Network calls (`run_network`) and other slow work that never touches the store
  (`run_background`) share a separate small pool, so a slow server never delays a save.
* Results come back **on the GUI thread**, as Qt signals of a `Task` (and the optional
  callbacks), so views update widgets only from the GUI thread.
* A failure goes to the task's `on_error`, or else to `ui.errors.show_error`, which
  shows each error family one way.

Functions that must never run on the GUI thread can be wrapped with `blocking`;
called there they raise `GuiThreadBlockedError` at once, so the mistake shows up in the
first test that makes it rather than as a frozen screen in a church hall.
"""

from __future__ import annotations

import functools
import inspect
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypedDict, TypeVar, Unpack

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from outreach.errors import Cancelled, OutreachError
from outreach.logging_setup import log_event
from ui.changes import ChangeHub, mark_task_thread

if TYPE_CHECKING:  # the pools are made at the first task, after the first window is on screen
    from concurrent.futures import Future, ThreadPoolExecutor

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

DB_LANE = "db"
NETWORK_LANE = "network"
BLOCKING_ATTRIBUTE = "__outreach_blocking__"


class GuiThreadBlockedError(RuntimeError):
    """A slow function was called on the GUI thread. A programming error, never shown to workers."""


def on_gui_thread() -> bool:
    """True when the caller is on the thread that runs the Qt event loop."""
    app = QCoreApplication.instance()
    if app is None:
        return threading.current_thread() is threading.main_thread()
    return QThread.currentThread() == app.thread()


def assert_not_gui_thread(what: str = "this operation") -> None:
    """Raise when called on the GUI thread; put at the top of anything slow the UI may call."""
    if on_gui_thread():
        raise GuiThreadBlockedError(f"{what} must not run on the GUI thread: use the task runner")


def assert_gui_thread(what: str = "this") -> None:
    if not on_gui_thread():
        raise GuiThreadBlockedError(f"{what} must be called on the GUI thread")


def blocking(func: Callable[P, R]) -> Callable[P, R]:
    """Mark `func` as slow (disk, key derivation, network): calling it on the GUI thread raises.

    Wrap core operations where the UI imports them, e.g. ``unlock = blocking(vault.unlock)``.
    """

    @functools.wraps(func)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        assert_not_gui_thread(getattr(func, "__qualname__", repr(func)))
        return func(*args, **kwargs)

    setattr(guarded, BLOCKING_ATTRIBUTE, True)
    return guarded


def is_blocking(func: Callable[..., Any]) -> bool:
    return bool(getattr(func, BLOCKING_ATTRIBUTE, False))


class TaskContext:
    """Handed to a task function that asks for it: cancellation flag and progress reports."""

    def __init__(self, task: Task) -> None:
        self._task = task

    @property
    def cancelled(self) -> bool:
        return self._task._cancel_requested.is_set()

    def raise_if_cancelled(self) -> None:
        """Call between steps of a long operation: unwinds quietly when the worker pressed Cancel."""
        if self.cancelled:
            raise Cancelled("Stopped.")

    def report_progress(self, done: int, total: int) -> None:
        """Thread-safe; the task's `progress` signal fires on the GUI thread."""
        self._task._progress_from_worker.emit(int(done), int(total))


class Task(QObject):
    """One piece of background work. Its public signals are always emitted on the GUI thread.

    `succeeded(result)` or `failed(exception)` fires once, then `finished()`.
    A cancelled task fails with `Cancelled`, which `show_error` never shows.
    """

    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()
    progress = Signal(int, int)

    # Emitted from the worker thread; delivered to the GUI thread by queued connections.
    _outcome_from_worker = Signal(bool, object)
    _progress_from_worker = Signal(int, int)

    def __init__(self, name: str, lane: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.lane = lane
        self.result: object = None
        self.error: BaseException | None = None
        self.done = False
        self._cancel_requested = threading.Event()
        self._future: Future[Any] | None = None
        from PySide6.QtCore import Qt  # here: tasks start after the first paint; see ui.first_paint

        self._outcome_from_worker.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._progress_from_worker.connect(self.progress, Qt.ConnectionType.QueuedConnection)

    @property
    def cancel_requested(self) -> bool:
        return self._cancel_requested.is_set()

    def cancel(self) -> None:
        """Ask the task to stop: a queued task never starts; a running one sees `ctx.cancelled`."""
        self._cancel_requested.set()
        if self._future is not None:
            self._future.cancel()

    @Slot(bool, object)
    def _deliver(self, ok: bool, value: object) -> None:
        self.done = True
        if ok:
            self.result = value
            self.succeeded.emit(value)
        else:
            assert isinstance(value, BaseException)
            self.error = value
            self.failed.emit(value)
        self.finished.emit()


ErrorCallback = Callable[[BaseException], object]


class TaskOptions(TypedDict, Generic[R], total=False):
    """What every way into the runner takes besides the function and its positional arguments."""

    on_success: Callable[[R], object]  # on the GUI thread, with what the function returned
    # Instead of ui.errors.show_error (a Cancelled task is never shown); None is as if not given.
    on_error: ErrorCallback | None
    on_finished: Callable[[], object]  # after either
    name: str  # for the log (default: the function's module and name)
    with_context: bool  # pass a TaskContext (cancel flag, progress) as the first argument


_OPTION_NAMES = frozenset(TaskOptions.__annotations__)


class TaskRunner(QObject):
    """Owns the worker threads of the app. Create one, on the GUI thread, and share it.

    Every way in (`run_db`, `run_network`, `run_background`) takes the function, its positional
    arguments, and the keyword options of `TaskOptions`, typed and checked: a keyword that is not an
    option is refused at once (TypeError), never passed on to the function by accident (bind the
    function's own keywords with `functools.partial`).
    """

    task_started = Signal(object)
    task_finished = Signal(object)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        network_workers: int = 2,
        on_error: ErrorCallback | None = None,
    ) -> None:
        super().__init__(parent)
        assert_gui_thread("TaskRunner()")
        self._network_workers = network_workers
        self._pools: dict[str, ThreadPoolExecutor] = {}
        self._on_error = on_error
        self._active: set[Task] = set()
        self._closed = False
        # What the store committed, said to every screen right after the store task that wrote it.
        self.changes = ChangeHub(self)

    # -- submitting ------------------------------------------------------------------------------
    def run_db(self, func: Callable[..., R], *args: Any, **options: Unpack[TaskOptions[R]]) -> Task:
        """Run store work on the single database worker."""
        return self._submit(DB_LANE, func, args, options)

    def run_network(self, func: Callable[..., R], *args: Any, **options: Unpack[TaskOptions[R]]) -> Task:
        """Run a network call, or other slow work that never touches the store (parsing a file, a
        self-test), on the network pool: never on the database worker, so it never delays a save."""
        return self._submit(NETWORK_LANE, func, args, options)

    run_background = run_network  # the same pool, named for work that is not a network call

    def run_db_if_open(
        self, func: Callable[..., R], *args: Any, **options: Unpack[TaskOptions[R]]
    ) -> Task | None:
        """`run_db`, or nothing once the runner has shut down: for a list reading itself again (a page,
        a refresh after a change), which has no one to tell when the window is going away."""
        if self._closed:
            return None
        return self.run_db(func, *args, **options)

    @property
    def active_tasks(self) -> int:
        return len(self._active)

    @property
    def closed(self) -> bool:
        """True once `shutdown` has begun: nothing more can be submitted."""
        return self._closed

    def _pool(self, lane: str) -> ThreadPoolExecutor:
        """The lane's threads, started with its first task (so the first window draws before any)."""
        pool = self._pools.get(lane)
        if pool is None:
            from concurrent.futures import ThreadPoolExecutor

            workers = 1 if lane == DB_LANE else self._network_workers
            pool = ThreadPoolExecutor(
                max_workers=workers, thread_name_prefix=f"outreach-{lane[:3]}", initializer=_ready_for_qt
            )
            self._pools[lane] = pool
        return pool

    def _submit(
        self, lane: str, func: Callable[..., Any], args: tuple[Any, ...], options: TaskOptions[Any]
    ) -> Task:
        assert_gui_thread("TaskRunner.run_*")
        unknown = set(options) - _OPTION_NAMES
        if unknown:  # a keyword meant for the function: bind it with functools.partial instead
            raise TypeError(f"not task options: {sorted(unknown)} (put the function's keywords in a partial)")
        if self._closed:
            raise RuntimeError("the task runner has been shut down")
        task_name = options.get("name") or _task_name(func)
        task = Task(task_name, lane, self)
        on_success, on_error = options.get("on_success"), options.get("on_error")
        on_finished = options.get("on_finished")
        if on_success is not None:
            task.succeeded.connect(on_success)
        task.failed.connect(lambda exc: self._route_error(task, exc, on_error))
        task.finished.connect(lambda: self._forget(task))
        if on_finished is not None:
            task.finished.connect(on_finished)
        self._active.add(task)
        with_context = options.get("with_context", False)

        context = TaskContext(task)
        call_args = (context, *args) if with_context else args
        started_at = time.perf_counter()

        def work() -> None:
            mark_task_thread(True)  # changes committed now are said once the task has delivered
            try:
                if task.cancel_requested:
                    raise Cancelled("Stopped before it started.")
                value = func(*call_args)
            except BaseException as exc:  # noqa: BLE001 - every failure must reach the GUI thread
                mark_task_thread(False)
                _log_failure(task, exc)
                task._outcome_from_worker.emit(False, exc)
            else:
                mark_task_thread(False)
                log_event(
                    log,
                    "task.done",
                    logging.DEBUG,
                    task=task_name,
                    lane=lane,
                    duration_ms=round((time.perf_counter() - started_at) * 1000),
                )
                task._outcome_from_worker.emit(True, value)

        future = self._pool(lane).submit(work)
        task._future = future
        future.add_done_callback(lambda f: self._on_future_cancelled(task, f))
        log_event(log, "task.queued", logging.DEBUG, task=task_name, lane=lane)
        self.task_started.emit(task)
        return task

    @staticmethod
    def _on_future_cancelled(task: Task, future: Future[Any]) -> None:
        # A task cancelled before a worker picked it up never runs `work`, so report it here.
        if future.cancelled():
            task._outcome_from_worker.emit(False, Cancelled("Stopped before it started."))

    # -- delivering ------------------------------------------------------------------------------
    def _route_error(self, task: Task, exc: BaseException, on_error: ErrorCallback | None) -> None:
        handler = on_error or self._on_error
        if handler is None:
            from ui.errors import show_error

            parent = self.parent()
            show_error(exc, parent if parent is not None and parent.isWidgetType() else None)  # type: ignore[arg-type]
        else:
            handler(exc)

    def _forget(self, task: Task) -> None:
        self._active.discard(task)
        if task.lane == DB_LANE:
            self.changes.flush()  # after the task's own result: its screen has drawn it already
        self.task_finished.emit(task)
        task.deleteLater()

    # -- closing ---------------------------------------------------------------------------------
    def shutdown(self, wait: bool = True) -> None:
        """Stop taking work. Network work is cancelled; store work already handed over (an autosave,
        say) still runs to the end, so quitting never drops a save."""
        self._closed = True
        for task in list(self._active):
            if task.lane != DB_LANE:
                task.cancel()
        network = self._pools.get(NETWORK_LANE)
        if network is not None:
            network.shutdown(wait=wait, cancel_futures=True)
        db = self._pools.get(DB_LANE)
        if db is not None:
            db.shutdown(wait=wait, cancel_futures=False)


def _ready_for_qt() -> None:
    """Give a worker thread a Qt event dispatcher as it starts.

    Some Qt objects made on a worker start timers of their own (the text layout behind a summary
    PDF does); a plain Python thread has no event dispatcher, so Qt refused each timer with
    "QBasicTimer::start: current thread's event dispatcher has already been destroyed". Making an
    event loop once creates the thread's dispatcher, which then lives as long as the thread."""
    from PySide6.QtCore import QEventLoop

    QEventLoop()


def _task_name(func: Callable[..., Any]) -> str:
    name = getattr(func, "__qualname__", None) or type(func).__name__
    module = inspect.getmodule(func)
    return f"{module.__name__}.{name}" if module else name


def _log_failure(task: Task, exc: BaseException) -> None:
    if isinstance(exc, Cancelled):
        log_event(log, "task.cancelled", task=task.name, lane=task.lane)
    elif isinstance(exc, OutreachError):
        log_event(
            log, "task.failed", logging.WARNING, task=task.name, lane=task.lane, error_type=type(exc).__name__
        )
    else:
        log.error(
            "task.crashed",
            exc_info=(type(exc), exc, exc.__traceback__),
            extra={"fields": {"task": task.name, "lane": task.lane, "error_type": type(exc).__name__}},
        )
