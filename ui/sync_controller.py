"""Sync in the desktop app: when it runs, on which thread, and what the worker is told.

The sync engine (`sync.engine.SyncEngine`) is plain blocking code. This controller decides
*when* it runs and keeps it off the GUI thread:

* automatically, every `OrgConfig.sync_interval_minutes` while the app is unlocked and a
  shared record is configured; a few seconds after a check is finalised (several
  finalised close together make one run); and as soon as the network comes back;
* on "Sync now" (the outbox's button goes through here);
* never two at once: a request made while a run is going is remembered and run after it.

Before an automatic run it asks, cheaply and off the GUI thread, whether the shared
record can be reached at all (`sync.connectivity`). In a church hall with no network the
answer is "no" and that is normal: the status line says the checks will go when the
laptop is back online, and the controller looks again after a growing pause instead of
trying every item and filling the outbox with failed attempts.

Locking stops everything: the running engine is cancelled (no new request starts) and no
reference to it is kept, so nothing here can reach the store's keys while locked.
Unlocking starts the controller again.

Engine callbacks arrive on the engine's thread; they are re-emitted as Qt signals so
that slots run on the GUI thread. A token the server no longer accepts, or a laptop whose
access was withdrawn, is said once in plain words (a message box only when the worker
pressed "Sync now"; always on the status line), and automatic syncs pause until the next
unlock or "Sync now" instead of asking the server again every few minutes.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal

from outreach.errors import AuthError, Cancelled, LockedError, OutreachError
from outreach.logging_setup import log_event
from ui.ops.sync import SyncSnapshot, load_sync_snapshot
from ui.tasks import Task

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)

MAX_TIMER_MS = 2_000_000_000  # QTimer takes a signed 32-bit interval


@dataclass(frozen=True)
class SyncTimings:
    """When automatic syncs happen (milliseconds). Tests pass short ones."""

    first_ms: int = 3_000  # after unlock: soon, but not while the home screen is still filling
    interval_ms: int | None = None  # None: the organisation's sync_interval_minutes
    after_finalise_ms: int = 5_000  # checks finalised within this time travel in one run
    offline_first_ms: int = 30_000  # first look for the network again after finding none
    offline_max_ms: int = 5 * 60_000  # looks grow further apart, up to this (or the interval)
    max_wait_s: float = 10.0  # the longest retry wait a run sits through before leaving it to the next


def local_clock_time(iso: str, today: datetime | None = None) -> str:
    """Say "14:32" for today, "3 Nov at 14:32" for another day (local time)."""
    try:
        moment = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    now = today or datetime.now().astimezone()
    if moment.date() == now.date():
        return moment.strftime("%H:%M")
    return QCoreApplication.translate("SyncController", "{0} at {1}").format(
        moment.strftime("%d %b").lstrip("0"), moment.strftime("%H:%M")
    )


EngineFactory = Callable[["AppContext", Callable[[Any], None], Callable[[str, int, int], None]], Any]


def product_engine(
    context: AppContext,
    on_item: Callable[[Any], None],
    on_progress: Callable[[str, int, int], None],
    max_wait_s: float = 10.0,
) -> Any:
    """The real engine for this organisation (token read from the store when it runs)."""
    from sync.engine import SyncConfig, SyncEngine

    config = SyncConfig.from_org(context.org_config, max_wait_s=max_wait_s)
    return SyncEngine(context.store, config, on_item=on_item, on_progress=on_progress)


class SyncController(QObject):
    """Runs sync for one unlocked app. Create on the GUI thread; `start()` after unlock, `stop()` on lock."""

    status_changed = Signal(str)  # the status line, in plain words
    running_changed = Signal(bool)
    item_done = Signal(object)  # sync.push.ItemOutcome, on the GUI thread
    progress = Signal(str, int, int)  # phase ("push"/"pull"), done, total, on the GUI thread
    run_finished = Signal(object)  # SyncReport, after every run that completed (lists may have changed)
    run_failed = Signal(object)  # the exception of a run that did not complete

    # Emitted on the engine's thread; delivered to the GUI thread by queued connections.
    _item_from_engine = Signal(object)
    _progress_from_engine = Signal(str, int, int)

    def __init__(
        self,
        context: AppContext,
        parent: QObject | None = None,
        *,
        timings: SyncTimings | None = None,
        engine_factory: EngineFactory | None = None,
        probe: Callable[[str, str | None], bool] | None = None,
        dialog_parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.timings = timings or SyncTimings()
        self._engine_factory = engine_factory
        self._probe = probe
        self._dialog_parent = dialog_parent
        self.active = False
        self.running = False
        self.probing = False
        self.offline = False
        self.blocked: str | None = None  # why the server will not take this laptop's syncs
        self.revoked = False
        self.runs = 0  # runs started (tests and the log)
        self.last_report: Any = None
        self.last_error: BaseException | None = None
        self.status_text = ""
        self._engine: Any = None
        self._task: Task | None = None
        self._again = False
        self._offline_delay = self.timings.offline_first_ms
        self._announced: set[str] = set()
        self._snapshot: SyncSnapshot | None = None
        self._progress_words = ""
        self._failure_words = ""  # why the last run did not finish (not the network, not the token)

        self._item_from_engine.connect(self.item_done, Qt.ConnectionType.QueuedConnection)
        self._progress_from_engine.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._interval = QTimer(self)
        self._interval.timeout.connect(self._auto)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.timeout.connect(self._auto)
        self._offline_timer = QTimer(self)
        self._offline_timer.setSingleShot(True)
        self._offline_timer.timeout.connect(self._auto)

    # -- configuration ----------------------------------------------------------------------------
    @property
    def configured(self) -> bool:
        return bool(self.context.org_config.server_url)

    @property
    def interval_ms(self) -> int:
        if self.timings.interval_ms is not None:
            return self.timings.interval_ms
        return min(MAX_TIMER_MS, int(self.context.org_config.sync_interval_minutes) * 60_000)

    # -- starting and stopping --------------------------------------------------------------------------
    def start(self) -> None:
        """After unlock: automatic syncs begin (the first one shortly)."""
        if not self.configured:
            self._set_status(self.tr("Sync is not set up: checks stay on this laptop"))
            return
        self.active = True
        self.blocked = None
        self.offline = False
        self._offline_delay = self.timings.offline_first_ms
        self._interval.start(max(1, self.interval_ms))
        self._soon.start(max(0, self.timings.first_ms))
        if self._snapshot is not None:
            self._set_status(self.describe(self._snapshot))
        # The store is read for the status line with home's lists (`show_snapshot`) and after each run.
        log_event(log, "sync.auto_started", interval_ms=self.interval_ms)

    def stop(self) -> None:
        """On lock or close: no more automatic syncs; a running one is cancelled and forgotten."""
        self.active = False
        self._again = False
        for timer in (self._interval, self._soon, self._offline_timer):
            timer.stop()
        if self._engine is not None:
            self._engine.cancel()
        self._engine = None
        if self._task is not None:
            self._task.cancel()
        if self.configured:
            self._set_status(self.tr("Locked: sync waits until you unlock"))
        log_event(log, "sync.auto_stopped")

    # -- requests -------------------------------------------------------------------------------------
    def check_finalised(self, _check_id: object = None) -> None:
        """A check was just finalised: sync soon; several in a row make one run."""
        if self.active:
            self._soon.start(max(0, self.timings.after_finalise_ms))

    def request_soon(self) -> None:
        """Something new can go (e.g. "Try again" on a held item): sync shortly."""
        if self.active and not self.blocked:
            self._soon.start(max(0, min(self.timings.after_finalise_ms, 1_000)))

    def sync_now(self) -> None:
        """The worker asked: run now (no reachability probe; errors are shown)."""
        if not self.configured or self.running:
            return
        self.blocked = None
        self._start_run(manual=True)

    # -- automatic runs -----------------------------------------------------------------------------------
    def _auto(self) -> None:
        if not self.active or self.blocked:
            return
        if self.running or self.probing:
            self._again = True
            return
        org = self.context.org_config
        probe = self._probe or _default_probe()
        try:
            self.context.runner.run_network(
                probe,
                org.server_url,
                org.ca_bundle or None,
                name="ui.sync.probe",
                on_success=self._probed,
                on_error=lambda _exc: self._probed(False),
            )
        except RuntimeError:  # the task runner has shut down: the app is closing
            self.stop()
            return
        self.probing = True

    def _probed(self, reachable: bool) -> None:
        self.probing = False
        if not self.active:
            return
        if reachable:
            self.offline = False
            self._offline_delay = self.timings.offline_first_ms
            self._offline_timer.stop()
            self._start_run(manual=False)
            return
        self._went_offline()

    def _went_offline(self) -> None:
        self.offline = True
        self._again = False
        delay = self._offline_delay
        self._offline_delay = min(delay * 2, self.timings.offline_max_ms, max(self.interval_ms, 1))
        self._offline_timer.start(max(1, delay))
        log_event(log, "sync.offline", next_look_ms=delay)
        self.refresh_status()

    # -- one run ------------------------------------------------------------------------------------------
    def _start_run(self, *, manual: bool) -> None:
        factory = self._engine_factory
        try:
            if factory is None:
                engine = product_engine(
                    self.context,
                    self._item_from_engine.emit,
                    self._progress_from_engine.emit,
                    self.timings.max_wait_s,
                )
            else:
                engine = factory(self.context, self._item_from_engine.emit, self._progress_from_engine.emit)
        except Exception as exc:  # noqa: BLE001 - shown like any failed run
            self._failed(exc, manual)
            return
        try:
            run = functools.partial(engine.run_once, now=True) if manual else engine.run_once
            self._task = self.context.runner.run_network(
                run,
                name="ui.home.sync",
                on_success=self._succeeded,
                on_error=lambda exc: self._failed(exc, manual),
                on_finished=self._finished,
            )
        except RuntimeError:  # the task runner has shut down: the app is closing
            self.stop()
            return
        self._engine = engine
        self._again = False
        self.running = True
        self.runs += 1
        self._progress_words = ""
        self.running_changed.emit(True)
        self._set_status(self.tr("Sending and receiving..."))

    def _on_progress(self, phase: str, done: int, total: int) -> None:
        if not self.running:
            return
        if phase == "push" and total:
            self._progress_words = self.tr("Sending: {0} of {1}").format(done, total)
        else:
            self._progress_words = self.tr("Receiving reviews and updates...")
        self._set_status(self._progress_words)
        self.progress.emit(phase, done, total)

    def _succeeded(self, report: Any) -> None:
        self.last_report = report
        self.last_error = None
        self._failure_words = ""
        self.revoked = False
        retrying = report.count("retry") if hasattr(report, "count") else 0
        if retrying and not report.sent and not _server_answered(report) and self.active:
            # Nothing got through: most likely the network went; look again before the next interval.
            self._went_offline()
        else:
            self.offline = False
        if self.active:  # while locked nothing may be read; unlocking refreshes every list anyway
            self.run_finished.emit(report)

    def _failed(self, exc: BaseException, manual: bool) -> None:
        self.last_error = exc
        # An AuthError stopping the run carries what the run did before it stopped.
        report = exc.report if isinstance(exc, AuthError) else None
        if report is not None:
            self.last_report = report
        if isinstance(exc, (Cancelled, LockedError)) and not self.active:
            return  # locked while it ran: stopping was the point
        if isinstance(exc, AuthError):
            from sync.http import DeviceRevokedError

            self.revoked = isinstance(exc, DeviceRevokedError)
            self.blocked = exc.message
            self._again = False
            if manual and exc.message not in self._announced:
                self._announce(exc)  # once: after that the status line and the outbox say it
                self._announced.add(exc.message)
        else:
            if not isinstance(exc, Cancelled):
                words = exc.message if isinstance(exc, OutreachError) else ""
                self._failure_words = words or self.tr("an unexpected problem (logged)")
            if manual:
                self._announce(exc)
        self.run_failed.emit(exc)
        if report is not None and self.active:
            self.run_finished.emit(report)

    def _announce(self, exc: BaseException) -> None:
        from ui.errors import show_error

        show_error(exc, self._dialog_parent)

    def _finished(self) -> None:
        self.running = False
        self._engine = None
        self._task = None
        self.running_changed.emit(False)
        if self.active:
            self.refresh_status()
        if self._again and self.active and not self.blocked:
            self._again = False
            self._soon.start(0)

    # -- the status line ----------------------------------------------------------------------------------
    def refresh_status(self) -> None:
        """Re-read what waits (store worker) and say it."""
        if not self.configured:
            return
        try:
            self.context.runner.run_db(
                load_sync_snapshot,
                self.context.store,
                name="ui.sync.status",
                on_success=self._snapshot_loaded,
                on_error=lambda _exc: None,  # locked meanwhile: the next unlock says it again
            )
        except RuntimeError:  # the runner has shut down (window closing)
            pass

    def show_snapshot(self, snapshot: SyncSnapshot) -> None:
        """What waits, read by someone else (home reads it with its lists): say it."""
        if self.configured:
            self._snapshot_loaded(snapshot)

    def _snapshot_loaded(self, snapshot: SyncSnapshot) -> None:
        self._snapshot = snapshot
        if snapshot.device.get("state") == "revoked" and self.blocked is None and self.last_report is None:
            self.revoked = True  # said by the server last time; this session has not asked again yet
        if self.active:
            self._set_status(self.describe(snapshot))

    def describe(self, snapshot: SyncSnapshot) -> str:
        """The status line for what is known now, in plain words."""
        if self.running:
            return self._progress_words or self.tr("Sending and receiving...")
        waiting = snapshot.waiting
        if self.revoked or (self.blocked and snapshot.device.get("state") == "revoked"):
            return self.tr("Sync stopped: this laptop's access was withdrawn \u2014 contact IT")
        if self.blocked:
            return self.tr("Sync stopped: {0}").format(self.blocked)  # the engine's words: what to ask IT
        if self.offline:
            if waiting == 0:
                return self.tr("Offline: nothing is waiting to be sent")
            if waiting == 1:
                return self.tr("Offline: 1 check waiting, it will go when you are back online")
            return self.tr("Offline: {0} checks waiting, they will go when you are back online").format(
                waiting
            )
        if self._failure_words:
            return self.tr("The last sync did not finish: {0} It will try again by itself.").format(
                _sentence(self._failure_words)
            )
        if snapshot.last_sync_at:
            text = self.tr("Last synced {0}").format(local_clock_time(snapshot.last_sync_at))
        else:
            text = self.tr("Not synced yet")
        text += " \u00b7 " + (
            self.tr("nothing waiting") if waiting == 0 else self.tr("{0} waiting").format(waiting)
        )
        if snapshot.needs_worker:
            text += " \u00b7 " + self.tr("{0} need you (see the Outbox)").format(snapshot.needs_worker)
        return text

    def _set_status(self, text: str) -> None:
        if text != self.status_text:
            self.status_text = text
            self.status_changed.emit(text)


def _server_answered(report: Any) -> bool:
    """True when the shared record took part of a check or answered a download: it is there,
    only busy (a write quota, a part refused), so "offline" would be the wrong thing to say."""
    if getattr(report, "confirmed", 0):
        return True
    return any(getattr(p, "error", "x") is None for p in getattr(report, "pulled", []) or [])


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def _default_probe() -> Callable[[str, str | None], bool]:
    from sync.connectivity import shared_record_reachable

    return shared_record_reachable
