"""Pushing the outbox: one finalised check = one outbox item = one FHIR transaction bundle.

The order of events for each item is what makes "exactly once" hold whatever the network
or the laptop does:

1. the bundle is built (identifiers derived from store ids, every entry a conditional
   create, so sending it twice creates nothing new);
2. the item is marked "sending" and that is COMMITTED before a byte goes out;
3. the request goes out; the answer decides:
   * 2xx transaction-response  -> "sent", with the server's resource locations;
   * 401 / 403                 -> the run stops (token expired / laptop revoked);
   * other 4xx (not 408/409/412/429) -> "failed" and held: the server refused this check
     for a reason that will not change by itself; the worker sees it in plain words;
   * anything else (no connection, dropped, timeout, 5xx, 429, unreadable answer)
     -> "failed" with a retry time (backoff with full jitter, at least Retry-After).
4. an item that has been tried before (a crash left it "sending", or an answer was lost)
   is first looked up on the server by its Encounter identifier: if it is there, it is
   marked sent without sending again; only if it is not there is it sent again.

Database writes all happen on the calling thread; only HTTP runs in the pool, so the
store keeps its one writer while several checks travel at once.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from outreach.errors import AuthError, OutreachError, ValidationError
from outreach.store import sync_state
from outreach.store.local_store import LocalStore
from outreach.store.models import checks
from outreach.store.records import OutboxItem
from sync.backoff import Backoff, Clock
from sync.http import Answer, FhirHttp, TransientFailure

log = logging.getLogger(__name__)

BundleBuilder = Callable[[LocalStore, OutboxItem], dict[str, Any]]
# Statuses that are not a definite "no" (RFC 9110 / FHIR: retry may succeed).
NOT_DEFINITE = (408, 409, 412, 429)

# Result names used in ItemOutcome.result
SENT = "sent"
ALREADY_THERE = "already_there"  # a lost answer or a crash: the server had it; not sent again
RETRY = "retry"
REFUSED = "refused"
NO_CONSENT = "no_consent"
STOPPED = "stopped"  # the run stopped (token, revoked device) before this item got an answer


@dataclass(frozen=True)
class ItemOutcome:
    outbox_id: str
    check_id: str
    result: str
    words: str
    attempts: int
    next_attempt_at: str | None = None
    server_refs: tuple[str, ...] = ()


def product_bundle_builder(
    organisation_name: str = "", organisation_ods_code: str = "", device_name: str | None = None
) -> BundleBuilder:
    """The product's mapping (outreach.fhir), with this organisation and laptop as the sender."""
    import outreach
    from outreach.fhir.bundle import Sender
    from outreach.fhir.outbox import bundle_for_outbox_item, store_device_id

    def build(store: LocalStore, item: OutboxItem) -> dict[str, Any]:
        sender = Sender(
            organisation_name=organisation_name or "Outreach service",
            organisation_ods_code=organisation_ods_code or None,
            device_id=store_device_id(store),
            device_name=device_name,
            software_version=outreach.__version__,
        )
        return bundle_for_outbox_item(store, item, sender=sender).bundle

    return build


def check_lookup_params(check_id: str) -> dict[str, str]:
    """Encounter search that finds this check (0 or 1 match) on the shared record."""
    from outreach.fhir.identifiers import check_search_params

    return check_search_params(check_id)


def consent_refusal(store: LocalStore, check_id: str) -> str | None:
    """Why this check may not leave the laptop (no consent to the check, or to sharing with
    anyone), in the worker's words; None when it may. The same rule as the mapping's, checked
    first from the consent rows alone so a refused item costs no decryption of the check."""
    from outreach.fhir.consent import sharing_consent

    chain: list[str] = []
    person_id = None
    current: str | None = check_id
    with store.db.read() as conn:
        while current is not None and current not in chain:
            row = conn.execute(
                select(checks.c.person_id, checks.c.amends_id).where(checks.c.id == current)
            ).first()
            if row is None:
                break
            chain.append(current)
            person_id = person_id or row.person_id
            current = row.amends_id
    if person_id is None:
        return "This check is no longer in the store."
    return sharing_consent(store.consents.history(person_id), chain).refusal()


@dataclass
class _Job:
    item: OutboxItem
    bundle: dict[str, Any]
    ask_first: bool
    attempts: int


@dataclass
class _Result:
    answer: Answer | None = None
    found: list[str] = field(default_factory=list)  # locations when the lookup found the check


class Pusher:
    """Sends a list of outbox items with at most `concurrency` requests in flight."""

    def __init__(
        self,
        store: LocalStore,
        http: FhirHttp,
        *,
        builder: BundleBuilder,
        backoff: Backoff,
        clock: Clock,
        concurrency: int = 6,
        cancel: threading.Event | None = None,
        on_item: Callable[[ItemOutcome], None] | None = None,
    ) -> None:
        self.store = store
        self.http = http
        self.builder = builder
        self.backoff = backoff
        self.clock = clock
        self.concurrency = max(1, concurrency)
        self.cancel = cancel or threading.Event()
        self.on_item = on_item
        self.stop_error: AuthError | None = None

    # -- thread-pool side: HTTP only ---------------------------------------------------------
    def _send(self, job: _Job) -> _Result:
        if job.ask_first:
            found = self._lookup(job.item.check_id)
            if found:
                return _Result(found=found)
        answer = self.http.request("POST", "", body=job.bundle, headers={"Prefer": "return=minimal"})
        return _Result(answer=answer)

    def _lookup(self, check_id: str) -> list[str]:
        params = {**check_lookup_params(check_id), "_count": "1"}
        answer = self.http.request("GET", "Encounter", params=params)
        if not answer.ok or not isinstance(answer.body, dict):
            raise TransientFailure(
                "Could not ask the shared record whether this check arrived.", status=answer.status
            )
        refs = []
        for entry in answer.body.get("entry", []) or []:
            res = entry.get("resource") or {}
            if res.get("resourceType") == "Encounter" and res.get("id"):
                refs.append(f"Encounter/{res['id']}")
        return refs

    # -- calling-thread side: the store ------------------------------------------------------
    def push(self, items: Iterable[OutboxItem]) -> list[ItemOutcome]:
        outcomes: list[ItemOutcome] = []
        pending: dict[Future[_Result], _Job] = {}
        queue = list(items)
        with ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="sync-push") as pool:
            while queue or pending:
                while queue and len(pending) < self.concurrency and not self._stopping():
                    job = self._prepare(queue.pop(0), outcomes)
                    if job is not None:
                        pending[pool.submit(self._send, job)] = job
                if not pending:
                    if self._stopping():
                        break
                    continue
                done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
                for fut in done:
                    job = pending.pop(fut)
                    outcomes.append(self._settle(job, fut))
                if self._stopping() and not pending:
                    break
        return outcomes

    def _stopping(self) -> bool:
        return self.cancel.is_set() or self.stop_error is not None

    def _emit(self, outcome: ItemOutcome) -> ItemOutcome:
        if self.on_item is not None:
            try:
                self.on_item(outcome)
            except Exception:  # a listener's bug must not stop the sync
                log.exception("sync progress listener failed")
        return outcome

    def _prepare(self, item: OutboxItem, outcomes: list[ItemOutcome]) -> _Job | None:
        """Consent, bundle, then the durable 'sending' mark. Returns None when nothing is to be sent."""
        refusal = consent_refusal(self.store, item.check_id)
        if refusal is not None:
            return self._hold_for_consent(item, outcomes, refusal)
        try:
            bundle = self.builder(self.store, item)
        except ValidationError as exc:
            if exc.item == "consent":
                return self._hold_for_consent(item, outcomes, exc.message)
            return self._refuse(
                item, f"This check could not be prepared for sending: {exc.message}", outcomes
            )
        except OutreachError as exc:
            return self._refuse(
                item, f"This check could not be prepared for sending: {exc.message}", outcomes
            )
        except Exception:  # a mapping bug affects this item only
            log.exception("building the bundle for an outbox item failed")
            return self._refuse(
                item,
                "This check could not be prepared for sending (a fault in the app: "
                "tell IT the outbox item number).",
                outcomes,
            )
        ask_first = item.attempts > 0 or item.state == "sending"
        try:
            with self.store.db.write():
                if item.state == "sending":  # left by a crash: count this as a new attempt
                    self.store.outbox.requeue(item.id)
                marked = self.store.outbox.mark_sending(item.id)
        except ValidationError:  # its state changed meanwhile (another sync of this store took it)
            return None
        return _Job(marked, bundle, ask_first, marked.attempts)

    def _hold_for_consent(self, item: OutboxItem, outcomes: list[ItemOutcome], words: str) -> None:
        with self.store.db.write():
            if item.state == "sending":
                self.store.outbox.requeue(item.id)
            self.store.outbox.mark_failed(item.id, words)
            sync_state.hold(self.store, item.id, sync_state.HOLD_NO_CONSENT)
        outcomes.append(self._emit(ItemOutcome(item.id, item.check_id, NO_CONSENT, words, item.attempts)))

    def _refuse(self, item: OutboxItem, words: str, outcomes: list[ItemOutcome]) -> None:
        with self.store.db.write():
            if item.state == "sending":
                self.store.outbox.requeue(item.id)
            self.store.outbox.mark_failed(item.id, words)
            sync_state.hold(self.store, item.id, sync_state.HOLD_REFUSED)
        outcomes.append(self._emit(ItemOutcome(item.id, item.check_id, REFUSED, words, item.attempts)))

    def _settle(self, job: _Job, fut: Future[_Result]) -> ItemOutcome:
        item = job.item
        try:
            result = fut.result()
        except TransientFailure as exc:
            return self._retry(job, exc.words, exc.retry_after)
        except AuthError as exc:
            self.stop_error = exc
            return self._retry(job, exc.message, None, result=STOPPED)
        except OutreachError as exc:  # e.g. a link to another site
            return self._retry(job, exc.message, None)
        except Exception:
            log.exception("sending an outbox item failed unexpectedly")
            return self._retry(job, "Sending failed because of a fault in the app.", None)
        if result.found:
            return self._sent(
                job,
                result.found,
                ALREADY_THERE,
                "Already on the shared record (an earlier answer was lost); not sent again.",
            )
        answer = result.answer
        assert answer is not None
        if answer.ok:
            refs = _locations(answer.body)
            if answer.body is not None and refs is None:
                return self._retry(job, "The shared record's answer was not a transaction response.", None)
            return self._sent(job, refs or [], SENT, "Sent to the shared record.")
        if answer.status in NOT_DEFINITE:
            return self._retry(
                job, f"The shared record could not take it just now: {answer.outcome_words()}", None
            )
        words = f"The shared record refused this check ({answer.status}): {answer.outcome_words()}"
        with self.store.db.write():
            self.store.outbox.mark_failed(item.id, words)
            sync_state.hold(self.store, item.id, sync_state.HOLD_REFUSED)
        return self._emit(ItemOutcome(item.id, item.check_id, REFUSED, words, job.attempts))

    def _sent(self, job: _Job, refs: list[str], result: str, words: str) -> ItemOutcome:
        item = job.item
        plain = [r.split("/_history/")[0] for r in refs]
        with self.store.db.write():
            self.store.outbox.mark_sent(item.id, server_ref=json.dumps(refs))
            sync_state.record_server_refs(self.store, item.check_id, plain)
        return self._emit(ItemOutcome(item.id, item.check_id, result, words, job.attempts, None, tuple(refs)))

    def _retry(self, job: _Job, words: str, retry_after: float | None, *, result: str = RETRY) -> ItemOutcome:
        item = job.item
        when = (
            None
            if result == STOPPED
            else self.backoff.next_attempt_at(self.clock.now(), job.attempts, retry_after)
        )
        self.store.outbox.mark_failed(item.id, words, next_attempt_at=when)
        return self._emit(ItemOutcome(item.id, item.check_id, result, words, job.attempts, when))


def _locations(body: Any) -> list[str] | None:
    """Resource locations from a transaction-response Bundle; None when it is not one."""
    if (
        not isinstance(body, dict)
        or body.get("resourceType") != "Bundle"
        or body.get("type") != "transaction-response"
    ):
        return None
    refs: list[str] = []
    for entry in body.get("entry", []) or []:
        location = (entry.get("response") or {}).get("location")
        if isinstance(location, str) and location:
            refs.append(location)
    return refs
