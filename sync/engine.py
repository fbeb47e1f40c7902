"""One sync run: push the outbox, then pull reviews, the service directory and device status.

`SyncEngine.run_once()` is all a front end calls. It is plain blocking Python: the
headless `outreach sync` runs it directly, the desktop app runs it on its network
worker thread. It never touches Qt; progress is reported through plain callbacks
(called on the engine's thread: a UI must hand them to its GUI thread itself) and it
stops early when `cancel()` is called from any thread.

Within one run, items that failed for a transient reason are retried after their backoff
as long as the wait is short (`max_wait_s`); longer waits are left to the next run, their
time recorded on the item so the worker sees when. A server's quota (429) is not a failure:
the run waits as the server asks and goes on until everything is sent, stopping only at its
own time budget (`max_run_s`), with what is left due again at once.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from outreach.errors import AuthError, NetworkError
from outreach.fhir.consent import check_refusal
from outreach.settings import OrgConfig
from outreach.store import sync_state
from outreach.store.local_store import LocalStore
from outreach.store.records import OutboxItem
from sync.backoff import Backoff, Clock, iso
from sync.http import DEFAULT_TIMEOUT, DeviceRevokedError, FhirHttp
from sync.pull import PullCounts, Puller
from sync.push import (
    ALREADY_THERE,
    DEFAULT_MAX_ENTRIES,
    MAX_PAUSE_S,
    NO_CONSENT,
    REFUSED,
    RETRY,
    SENT,
    STOPPED,
    THROTTLED,
    BundleBuilder,
    ItemOutcome,
    Pusher,
    product_bundle_builder,
)
from sync.team_pull import TeamPuller, TeamPullReport
from sync.team_push import DecisionCounts, push_decisions
from sync.updates import UpdateCounts, push_updates

log = logging.getLogger(__name__)

ProgressCallback = Callable[[str, int, int], None]  # (phase, done, total): phase is "push", "pull" or "team"
TEAM_ROLES = ("supervisor", "admin")  # users who review the team's checks (PRODUCT.md: supervisors)
ItemCallback = Callable[[ItemOutcome], None]


@dataclass(frozen=True)
class SyncConfig:
    server_url: str
    ca_bundle: str | None = None
    concurrency: int = 6  # requests in flight at once over the one Session
    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    max_wait_s: float = 30.0  # longest backoff a run waits for before leaving it to the next run
    max_passes: int = 6  # passes in a row that confirm nothing new before the run gives up
    max_run_s: float = 1800.0  # one run never goes on longer than this (slow servers, quotas)
    max_entries: int = DEFAULT_MAX_ENTRIES  # entries per transaction (halved when a server refuses)
    whole_transactions: bool = False  # one transaction per check: only for servers known to be atomic
    page_size: int = 100
    team_page_size: int = 500  # the team pull reads many more records than the worker's own pull
    # None: by the signed-in user (see _team_pull_wanted); True/False: always / never
    team_pull: bool | None = None
    device_name: str | None = (
        None  # this laptop's name for IT (Provenance; matched against Device.deviceName)
    )
    organisation_name: str = ""
    organisation_ods_code: str = ""

    @classmethod
    def from_org(cls, org: OrgConfig, **overrides: Any) -> SyncConfig:
        if not org.server_url:
            raise NetworkError(
                "No shared record is configured for this organisation (server_url in the "
                "organisation file). The app works offline; ask IT to configure sync."
            )
        return cls(
            server_url=org.server_url,
            ca_bundle=org.ca_bundle or None,
            organisation_name=org.organisation_name,
            organisation_ods_code=org.organisation_ods_code,
            max_entries=org.sync_max_entries or DEFAULT_MAX_ENTRIES,
            whole_transactions=org.sync_transactions == "whole",
            **overrides,
        )


@dataclass
class SyncReport:
    started_at: str
    finished_at: str = ""
    items: dict[str, ItemOutcome] = field(default_factory=dict)  # latest outcome per outbox id
    pulled: list[PullCounts] = field(default_factory=list)
    pending: int = 0  # outbox items still waiting after the run
    confirmed: int = 0  # records the server newly confirmed in this run (parts of checks included)
    quota_waits: int = 0  # answers that were a server's quota (429): waited out, not failures
    updates: UpdateCounts = field(default_factory=UpdateCounts)  # follow-up outcomes sent after their check
    decisions: DecisionCounts = field(default_factory=DecisionCounts)  # a supervisor's review decisions sent
    team: TeamPullReport | None = None  # the team's checks pulled (supervisors only)
    stopped: str | None = None  # why the run stopped early (token, revoked device)
    cancelled: bool = False

    def count(self, result: str) -> int:
        return sum(1 for o in self.items.values() if o.result == result)

    @property
    def found_on_server(self) -> int:
        """Records that were already on the server when asked (a lost answer), so not sent again."""
        return sum(o.found for o in self.items.values())

    @property
    def sent(self) -> int:
        return self.count(SENT) + self.count(ALREADY_THERE)

    def as_dict(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "sent": self.count(SENT),
            "already_there": self.count(ALREADY_THERE),
            "found_on_server": self.found_on_server,
            "confirmed_records": self.confirmed,
            "quota_waits": self.quota_waits,
            "follow_up_outcomes": {
                "sent": self.updates.sent,
                "waiting_for_check": self.updates.waiting_for_check,
                "retrying": self.updates.retrying,
                "refused": self.updates.refused,
            },
            "retrying": self.count(RETRY),
            "refused": self.count(REFUSED),
            "no_consent": self.count(NO_CONSENT),
            "stopped_items": self.count(STOPPED),
            "waiting_for_quota": self.count(THROTTLED),
            "pending": self.pending,
            "review_decisions": {
                "sent": self.decisions.sent,
                "retrying": self.decisions.retrying,
                "refused": self.decisions.refused,
            },
            "team": self.team.as_dict() if self.team is not None else None,
            "stopped": self.stopped,
            "cancelled": self.cancelled,
            "pulled": {
                p.kind: {
                    "received": p.received,
                    "stored": p.stored,
                    "kept": p.kept,
                    "waits": p.waits,
                    "pages": p.pages,
                    "restarts": p.restarts,
                    "error": p.error,
                }
                for p in self.pulled
            },
        }

    def lines(self) -> list[str]:
        """What happened, in words for IT and the worker (no personal data)."""
        d = self.as_dict()
        out = [f"Sent {d['sent']} check(s); {d['already_there']} were already on the shared record."]
        if self.quota_waits:
            out.append(
                f"Waited {self.quota_waits}x for the shared record's limit on how fast this laptop may send."
            )
        if d["retrying"]:
            out.append(f"{d['retrying']} will be tried again later (network or server trouble).")
        if d["waiting_for_quota"]:
            out.append(
                f"{d['waiting_for_quota']} go on at the next sync: the shared record limits how fast "
                "this laptop may send, and this sync ran out of time."
            )
        if d["refused"]:
            out.append(f"{d['refused']} were refused by the shared record and wait for the worker.")
        if d["no_consent"]:
            out.append(f"{d['no_consent']} were not sent: no consent to share.")
        for p in self.pulled:
            out.append(
                f"Downloaded {p.kind}: {p.received} received, {p.stored} stored"
                + (f", {p.kept} kept until their check is known here" if p.kept else "")
                + (f", waited {p.waits}x for a busy server" if p.waits else "")
                + (f", restarted {p.restarts}x" if p.restarts else "")
                + (f" ({p.error})" if p.error else ".")
            )
        u = self.updates
        if u.sent or u.retrying or u.refused:
            out.append(
                f"Follow-up outcomes: {u.sent} sent"
                + (f", {u.retrying} to try again" if u.retrying else "")
                + (f", {u.refused} refused (see --status)" if u.refused else "")
                + "."
            )
        d_ = self.decisions
        if d_.sent or d_.retrying or d_.refused:
            out.append(
                f"Review decisions: {d_.sent} sent"
                + (f", {d_.retrying} to try again" if d_.retrying else "")
                + (f", {d_.refused} refused" if d_.refused else "")
                + "."
            )
        if self.team is not None:
            out.extend(self.team.lines())
        out.append(f"{self.pending} item(s) still in the outbox.")
        if self.cancelled:
            out.append("The sync was stopped before it finished.")
        if self.stopped:
            out.append(self.stopped)
        return out


_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _store_lock(store: LocalStore) -> threading.Lock:
    """One sync at a time per store in this process, however many engines are made for it."""
    key = str(Path(store.data_dir).resolve())
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, threading.Lock())


class SyncEngine:
    """Push then pull, once per `run_once()`; one engine per unlocked store."""

    def __init__(
        self,
        store: LocalStore,
        config: SyncConfig,
        token: str | None = None,
        *,
        builder: BundleBuilder | None = None,
        clock: Clock | None = None,
        backoff: Backoff | None = None,
        on_progress: ProgressCallback | None = None,
        on_item: ItemCallback | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self._token = token
        self._builder = builder
        self.clock = clock or Clock()
        self.backoff = backoff or Backoff()
        self.on_progress = on_progress
        self.on_item = on_item
        self._cancel = threading.Event()
        self._running = _store_lock(store)
        self._now = False

    def __repr__(self) -> str:  # never shows the token
        return f"SyncEngine({self.config.server_url!r})"

    def cancel(self) -> None:
        """Ask a running sync to stop: no new request starts; those in flight finish or time out."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run_once(self, *, now: bool = False) -> SyncReport:
        """One sync. `now`: the worker asked for it ("Sync now"): items waiting for a retry time
        go at once instead of at their time (held ones still wait for the worker)."""
        if not self._running.acquire(blocking=False):
            raise NetworkError("A sync is already running.")
        try:
            self._cancel.clear()
            self._now = now
            return self._run()
        finally:
            self._running.release()

    # ---------------------------------------------------------------------------------------------
    def _run(self) -> SyncReport:
        sync_state.ensure_tables(self.store)
        token = self._token or sync_state.device_token(self.store)
        if not token:
            raise AuthError(
                "This laptop has no device token for the shared record yet. Ask IT to set it "
                "('outreach sync --set-token')."
            )
        builder = self._builder or product_bundle_builder(
            self.config.organisation_name, self.config.organisation_ods_code, self.config.device_name
        )
        report = SyncReport(started_at=iso(self.clock.now()))
        http = FhirHttp(
            self.config.server_url,
            token,
            ca_bundle=self.config.ca_bundle,
            timeout=self.config.timeout,
            pool_size=self.config.concurrency,
        )
        stop: AuthError | None = None
        try:
            stop = self._push(http, builder, report)
            if stop is None and not self._cancel.is_set():
                try:
                    report.updates = push_updates(
                        self.store, http, clock=self.clock, backoff=self.backoff, cancel=self._cancel
                    )
                except AuthError as exc:
                    stop = exc
            if stop is None and not self._cancel.is_set():
                try:
                    report.decisions = push_decisions(
                        self.store,
                        http,
                        clock=self.clock,
                        backoff=self.backoff,
                        cancel=self._cancel,
                        now=self._now,
                    )
                except AuthError as exc:
                    stop = exc
            if stop is None and not self._cancel.is_set():
                try:
                    self._pull(http, report)
                except AuthError as exc:
                    stop = exc
            if stop is None and not self._cancel.is_set() and self._team_pull_wanted():
                try:
                    self._team_pull(http, report)
                except AuthError as exc:
                    stop = exc
            if isinstance(stop, DeviceRevokedError):
                sync_state.set_device_status(
                    self.store,
                    {
                        "state": "revoked",
                        "message": stop.message,
                        "source": "server-refused",
                        "at": iso(self.clock.now()),
                    },
                )
            elif stop is None and sync_state.device_status(self.store).get("source") == "server-refused":
                # The server accepts this laptop again (IT re-enrolled it): the refusal is over.
                sync_state.set_device_status(
                    self.store,
                    {
                        "state": "active",
                        "message": "",
                        "source": "server-accepted",
                        "at": iso(self.clock.now()),
                    },
                )
        finally:
            http.close()
            report.cancelled = self._cancel.is_set()
            report.pending = sum(self.store.outbox.counts(("queued", "sending", "failed")).values())
            report.finished_at = iso(self.clock.now())
            sync_state.set_value(self.store, sync_state.LAST_SYNC_KEY, json.dumps(report.as_dict()))
            log.info(
                "sync finished: %s", json.dumps({k: v for k, v in report.as_dict().items() if k != "pulled"})
            )
        if stop is not None:
            report.stopped = stop.message
            stop.report = report
            raise stop
        return report

    def _due(self, now: datetime, first_pass: bool) -> list[OutboxItem]:
        held = sync_state.holds(self.store)
        items = self.store.outbox.list(("sending",)) if first_pass else []
        if first_pass and self._now:
            items += self.store.outbox.list(("queued", "failed"))
        else:
            items += self.store.outbox.due(iso(now))
        due: list[OutboxItem] = []
        for item in items:
            reason = held.get(item.id)
            if reason == sync_state.HOLD_REFUSED:
                continue
            if reason == sync_state.HOLD_NO_CONSENT:
                if check_refusal(self.store, item.check_id) is not None:
                    continue
                sync_state.release(self.store, item.id)  # consent given since: send it now
            due.append(item)
        return due

    def _push(self, http: FhirHttp, builder: BundleBuilder, report: SyncReport) -> AuthError | None:
        # Progress counts checks, not attempts: a check retried in a later pass of the same run
        # (a quota let part of it through) is still one of "7 of 8".
        seen: set[str] = set()

        def on_item(outcome: ItemOutcome) -> None:
            report.items[outcome.outbox_id] = outcome
            if self.on_item is not None:
                self.on_item(outcome)
            if self.on_progress is not None:
                finished = sum(1 for o in report.items.values() if o.result not in (RETRY, THROTTLED))
                self.on_progress("push", min(finished, len(seen)), len(seen))
        pusher = Pusher(
            self.store,
            http,
            builder=builder,
            backoff=self.backoff,
            clock=self.clock,
            concurrency=self.config.concurrency,
            cancel=self._cancel,
            on_item=on_item,
            max_entries=self.config.max_entries,
            whole=self.config.whole_transactions,
            max_pause_s=min(MAX_PAUSE_S, self.config.max_wait_s),
            # A quota is waited out as the server asks, up to max_wait_s at a time, within the
            # run's own budget (real time: the server's quota refills in real time).
            max_quota_wait_s=self.config.max_wait_s,
            deadline=time.monotonic() + self.config.max_run_s,
        )
        started = self.clock.now()
        stalled = 0
        first = True
        while True:
            due = self._due(self.clock.now(), first_pass=first)
            first = False
            if not due:
                break
            seen.update(item.id for item in due)
            before = pusher.progress
            pusher.push(due)
            report.confirmed = pusher.progress
            report.quota_waits = pusher.throttled
            if pusher.stop_error is not None or self._cancel.is_set() or pusher.out_of_time:
                break  # (out of time: what the quota held back is due at once for the next run)
            # Items that made progress (a quota lets a few records through each time) keep the
            # run going; passes that confirm nothing new end it after `max_passes`.
            stalled = 0 if pusher.progress > before else stalled + 1
            if stalled >= self.config.max_passes:
                break
            wait = self._next_wait()
            elapsed = (self.clock.now() - started).total_seconds()
            if wait is None or wait > self.config.max_wait_s or elapsed + wait > self.config.max_run_s:
                break
            self.clock.sleep(wait, self._cancel)
        return pusher.stop_error

    def _next_wait(self) -> float | None:
        """Seconds until the earliest retry of an item that is not held, or None."""
        held = sync_state.holds(self.store)
        times = [
            i.next_attempt_at
            for i in self.store.outbox.list(("failed",))
            if i.id not in held and i.next_attempt_at
        ]
        if not times:
            return None
        now = self.clock.now()
        earliest = datetime.fromisoformat(min(times))
        return max(0.0, (earliest - now).total_seconds())

    def _pull(self, http: FhirHttp, report: SyncReport) -> None:
        def on_page(counts: PullCounts) -> None:
            if self.on_progress is not None:
                self.on_progress("pull", counts.received, counts.received)

        from outreach.fhir.outbox import store_device_id

        puller = Puller(
            self.store,
            http,
            page_size=self.config.page_size,
            cancel=self._cancel,
            device_name=self.config.device_name,
            device_id=store_device_id(self.store),
            on_page=on_page,
            clock=self.clock,
        )
        report.pulled = puller.pull_all()

    def _team_pull_wanted(self) -> bool:
        """The team's checks come down only for those who review them: a supervisor, or an admin on
        a supervisor's laptop (one with a supervisor among its users). An admin who set up a worker's
        laptop does not pull the whole team onto it."""
        if self.config.team_pull is not None:
            return self.config.team_pull
        user = self.store.current_user
        if user is None or user.role not in TEAM_ROLES:
            return False
        return user.role == "supervisor" or any(u.role == "supervisor" for u in self.store.vault.list_users())

    def _team_pull(self, http: FhirHttp, report: SyncReport) -> None:
        def on_page(counts: PullCounts) -> None:
            if self.on_progress is not None:
                self.on_progress("team", counts.received, counts.received)

        puller = TeamPuller(
            self.store,
            http,
            page_size=self.config.team_page_size,
            cancel=self._cancel,
            on_page=on_page,
            clock=self.clock,
        )
        report.team = puller.pull()
