"""Pushing the outbox: one finalised check = one outbox item, sent in dependency-ordered parts.

"Sent" means stored: an item is marked sent only when the server has confirmed every one
of its resources, entry by entry (`entry.response.status` and a location for each). A bare
2xx, an empty body or a response with failed entries inside never counts.

The order of events for each item is what makes "exactly once" hold whatever the network,
the laptop or the server does:

1. the bundle is built (identifiers derived from store ids, every entry a conditional
   create, so sending any entry twice creates nothing new);
2. the item is marked "sending" and that is COMMITTED before a byte goes out;
3. the item goes out in parts (`sync.parts`): each part holds only entries whose
   references the server has already confirmed, rewritten to the server's own ids, so no
   server, however it processes a transaction, can store a reference to something missing.
   What the server confirms is remembered per entry at once, so a retry sends only the rest;
4. an item whose earlier answer was lost, unclear, or cut short by a crash first asks the
   server (search by each entry's identifier) which of its resources are there, records
   those, and sends only what is missing; more than one copy of a resource is reported,
   never hidden;
5. a 429 (a write or read quota), for a whole request or for entries inside a transaction's
   answer, is not a failure: the server is taking the data at its own rate. The item waits as
   long as the server asked (Retry-After; a short, growing pause when it gave none), no request
   of the same kind goes out before then, and it carries on within the run, however many times
   that happens; only the run's own budget ends it, and then it is due again at once, never put
   off by backoff. Per-entry 409 / 5xx get a few brief pauses, then backoff (and Retry-After);
   fewer requests go out at once after a 429, 409 or 503 and more again after successes; a part
   the server refuses whole for its size is split; what a server will not take is held with a
   plain reason for the worker and the server's exact reply for IT.

Database writes all happen on the calling thread; only HTTP runs in the pool, so the store
keeps its one writer while several checks travel at once.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from outreach.errors import AuthError, LockedError, OutreachError, ValidationError
from outreach.fhir.consent import check_refusal
from outreach.store import sync_state
from outreach.store.local_store import LocalStore
from outreach.store.records import OutboxItem
from sync import parts
from sync.backoff import Backoff, Clock, iso
from sync.http import Answer, FhirHttp, TransientFailure

log = logging.getLogger(__name__)

BundleBuilder = Callable[[LocalStore, OutboxItem], dict[str, Any]]
# Statuses that are not a definite "no" (RFC 9110 / FHIR: retry may succeed).
NOT_DEFINITE = frozenset({408, 409, 423, 425, 429})
# Statuses that say "too many at once": send fewer requests in parallel for a while.
SLOW_DOWN = frozenset({409, 429, 503})
DEFAULT_MAX_ENTRIES = 100  # entries per transaction until the server shows it takes fewer
MAX_ROUNDS_WITHOUT_PROGRESS = 3  # unclear answers in a row before the item waits for the next try
MAX_BUSY_ROUNDS = 3  # per-entry 409/5xx answers in a row confirming nothing before the item waits its turn
MAX_PAUSE_S = 5.0  # longest pause an item sits out within one attempt (longer: backoff, next pass)
# A quota (429) is waited out within the run; these bound it when the server takes nothing at all.
QUOTA_PATIENCE_S = 120.0  # 429s confirming no record for this long: the rest waits for the next run
QUOTA_PAUSE_S = (0.1, 0.4)  # pause after a 429 without Retry-After, doubled while answers confirm nothing
LOOKUP_CHUNK = 20  # identifiers OR'd in one search

# Result names used in ItemOutcome.result
SENT = "sent"
ALREADY_THERE = "already_there"  # a lost answer or a crash: the server had it; not sent again
RETRY = "retry"
REFUSED = "refused"
NO_CONSENT = "no_consent"
STOPPED = "stopped"  # the run stopped (token, revoked device) before this item got an answer
THROTTLED = "throttled"  # the server's quota outlasted the run: due again at once, not backed off


@dataclass(frozen=True)
class ItemOutcome:
    outbox_id: str
    check_id: str
    result: str
    words: str
    attempts: int
    next_attempt_at: str | None = None
    server_refs: tuple[str, ...] = ()
    found: int = 0  # records found already on the server by asking (an answer was lost), not resent


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


# -- one item on its way ---------------------------------------------------------------------------
@dataclass
class _Flight:
    item: OutboxItem
    entries: list[parts.Entry]
    ask_first: bool  # look each part up on the server before sending it
    attempts: int
    max_entries: int
    wrote: bool = False  # something was confirmed by a write in this attempt
    found: int = 0  # records found on the server by asking in this attempt
    progressed: bool = False  # something was confirmed (write or lookup) in this attempt
    rounds_without_progress: int = 0
    busy_rounds: int = 0  # per-entry "busy" (409, 5xx) answers in a row that confirmed nothing
    throttled_rounds: int = 0  # 429 answers in a row that confirmed nothing (only lengthens the pause)
    not_before: float = 0.0  # time.monotonic() before which its next request may not go


@dataclass
class _Job:
    """One request (or a few lookups) for one part of one item; runs in the pool."""

    flight: _Flight
    kind: str  # "send" or "lookup"
    part: list[parts.Entry]
    payload: Any = None  # the part bundle (send) or the searches (lookup)
    sent_at: float = 0.0  # time.monotonic() when it went out

    @property
    def item(self) -> OutboxItem:  # kept for listeners and tests that look at the item
        return self.flight.item


@dataclass
class _Lookup:
    found: dict[str, str] = field(default_factory=dict)  # fullUrl -> Type/id
    copies: dict[str, int] = field(default_factory=dict)  # fullUrl -> how many the server holds (>1)


@dataclass
class _Result:
    answer: Answer | None = None
    lookup: _Lookup | None = None


class _Pace:
    """How many requests may be in flight: halved after a 429/409/503, grown back by successes
    (additive increase, multiplicative decrease).

    One halving per crowding: answers to requests that were already on their way when the
    limit was last halved do not halve it again (six requests refused together by a quota
    halve it once, not down to one)."""

    def __init__(self, most: int) -> None:
        self.most = max(1, most)
        self.limit = float(self.most)
        self._cut_at = float("-inf")  # time.monotonic() of the last halving

    @property
    def allowed(self) -> int:
        return max(1, int(self.limit))

    def slow_down(self, sent_at: float | None = None) -> None:
        """Halve the limit; `sent_at`: when the refused request went out (None: always halve)."""
        if sent_at is not None and sent_at < self._cut_at:
            return
        self.limit = max(1.0, self.limit / 2)
        self._cut_at = time.monotonic()

    def success(self) -> None:
        self.limit = min(float(self.most), self.limit + 1.0 / max(1.0, self.limit))


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
        max_entries: int = DEFAULT_MAX_ENTRIES,
        whole: bool = False,
        max_pause_s: float = MAX_PAUSE_S,
        max_quota_wait_s: float | None = None,
        deadline: float | None = None,
        quota_patience_s: float = QUOTA_PATIENCE_S,
    ) -> None:
        self.store = store
        self.http = http
        self.builder = builder
        self.backoff = backoff
        self.clock = clock
        self.pace = _Pace(concurrency)
        self.cancel = cancel or threading.Event()
        self.on_item = on_item
        self.stop_error: AuthError | None = None
        self.max_entries = max(1, max_entries)
        # True only when IT has confirmed the server's transactions are all or nothing: then a
        # part may refer to records in itself (one request per check instead of about five).
        self.whole = whole
        self.max_pause_s = max_pause_s  # longest in-attempt pause (the run's own patience caps it)
        # A quota's Retry-After is waited out up to this long at a time (the run's max_wait_s);
        # the run stops waiting for quotas at `deadline` (time.monotonic()) or once they have let
        # nothing through for `quota_patience_s`, and leaves what is left due for the next run.
        self.max_quota_wait_s = max_pause_s if max_quota_wait_s is None else max_quota_wait_s
        self.deadline = deadline
        self.quota_patience_s = quota_patience_s
        self.out_of_time = False  # a quota outlasted this run: the engine starts no further pass
        self.throttled = 0  # answers that were a quota's 429 (whole or per entry)
        self._gate = {"send": 0.0, "lookup": 0.0}  # time.monotonic() before which no such request goes
        self._last_confirmed = time.monotonic()
        self.server = http.base_url
        self.confirmed: dict[str, str] = {}  # fullUrl -> Type/id, as far as this run knows
        self._busy: set[str] = set()  # fullUrls in a request right now (any item)
        self.progress = 0  # records newly confirmed in this Pusher's life (the engine watches it)
        self._jitter = random.Random()

    # -- thread-pool side: HTTP only ---------------------------------------------------------
    def _send(self, job: _Job) -> _Result:
        if job.kind == "lookup":
            return _Result(lookup=self._lookup(job.payload))
        answer = self.http.request(
            "POST", "", body=job.payload, headers={"Prefer": "return=OperationOutcome"}
        )
        return _Result(answer=answer)

    def _lookup(
        self, searches: list[tuple[str, list[tuple[str, str]], dict[tuple[str, str], str]]]
    ) -> _Lookup:
        """Run the searches; each maps what it finds back to the entries it stands for."""
        out = _Lookup()
        for res_type, params, wanted in searches:
            answer = self.http.request("GET", res_type, params=dict(params))
            found = answer.matches(res_type)
            if found is None:
                raise TransientFailure(
                    "Could not ask the shared record which parts of this check arrived.", status=answer.status
                )
            hits: dict[str, list[str]] = {}
            for res in found:
                if not res.get("id"):
                    continue
                ref = f"{res_type}/{res['id']}"
                if ("", "") in wanted:  # a non-identifier search: every match is the entry's
                    hits.setdefault(wanted[("", "")], []).append(ref)
                    continue
                idents = res.get("identifier") or []
                for ident in idents if isinstance(idents, list) else [idents]:  # 0..1 on some types
                    if not isinstance(ident, dict):
                        continue
                    key = (str(ident.get("system") or ""), str(ident.get("value") or ""))
                    if key in wanted:
                        hits.setdefault(wanted[key], []).append(ref)
            for full_url, refs in hits.items():
                unique = sorted(set(refs))
                if len(unique) == 1:
                    out.found[full_url] = unique[0]
                else:
                    out.copies[full_url] = len(unique)
        return out

    # -- calling-thread side: the store ------------------------------------------------------
    def push(self, items: Iterable[OutboxItem]) -> list[ItemOutcome]:
        outcomes: list[ItemOutcome] = []
        pending: dict[Future[_Result], _Job] = {}
        queue = list(items)
        parked: list[_Flight] = []  # waiting for another item's request on a shared resource
        paused: list[_Flight] = []  # the server asked this item (or this laptop) to slow down

        def dispatch(pool: ThreadPoolExecutor, flight: _Flight) -> None:
            """The flight's next request goes out, or it waits (parked, or paused until the server's time)."""
            job = self._next_job(flight, outcomes)
            if job is None:
                if self._waiting(flight):
                    parked.append(flight)
                return
            gate = self._gate[job.kind]
            if gate > time.monotonic():  # a quota: nothing of this kind goes before the server's time
                flight.not_before = max(flight.not_before, gate)
                paused.append(flight)
                return
            self._submit(pool, pending, job)

        with ThreadPoolExecutor(max_workers=self.pace.most, thread_name_prefix="sync-push") as pool:
            while queue or pending or parked or paused:
                if self._stopping():
                    for flight in parked + paused:
                        outcomes.append(self._interrupted(flight))
                    parked.clear()
                    paused.clear()
                    queue.clear()  # not started: left as they were
                    if not pending:
                        break
                if self.deadline is not None and time.monotonic() >= self.deadline:
                    self.out_of_time = True
                if self.out_of_time:
                    queue.clear()  # not started: still queued (or due), as they were, for the next run
                now = time.monotonic()
                for flight in [f for f in paused if f.not_before <= now]:
                    paused.remove(flight)
                    parked.insert(0, flight)
                ready_flights: list[_Flight] = []
                while parked and len(pending) + len(ready_flights) < self.pace.allowed:
                    ready_flights.append(parked.pop(0))
                while (
                    queue
                    and len(pending) + len(ready_flights) < self.pace.allowed
                    and self._gate["send"] <= now
                    and not self._stopping()
                ):
                    prepared = self._prepare(queue.pop(0), outcomes)
                    if prepared is not None:
                        ready_flights.append(prepared)
                for flight in ready_flights:
                    dispatch(pool, flight)
                # What waits for a time: paused items, and new ones while a quota holds writes.
                wake = [f.not_before for f in paused]
                if queue and self._gate["send"] > now:
                    wake.append(self._gate["send"])
                if not pending:
                    # Parked items wait only for requests in flight; with none, the next round
                    # gives each its own request (or ends it), so this cannot spin. Otherwise
                    # sleep until the first time comes (a cancel wakes it).
                    if not parked and wake:
                        self.cancel.wait(max(0.0, min(wake) - time.monotonic()))
                    continue
                timeout = max(0.0, min(wake) - time.monotonic()) if wake else None
                done, _ = wait(list(pending), timeout=timeout, return_when=FIRST_COMPLETED)
                # Everything these answers confirmed, in one commit: a commit (and its fsync)
                # per answer would keep the requests waiting on the disk.
                with self.store.db.write():
                    for fut in done:
                        job = pending.pop(fut)
                        self._busy.difference_update(e.full_url for e in job.part)
                        follow = self._settle(job, fut, outcomes)
                        if follow is None:
                            continue
                        if self._stopping():
                            outcomes.append(self._interrupted(follow))
                            continue
                        if follow.not_before > time.monotonic():
                            paused.append(follow)
                            continue
                        dispatch(pool, follow)
        return outcomes

    def _submit(self, pool: ThreadPoolExecutor, pending: dict[Future[_Result], _Job], job: _Job) -> None:
        self._busy.update(e.full_url for e in job.part)
        job.sent_at = time.monotonic()
        pending[pool.submit(self._send, job)] = job

    def _stopping(self) -> bool:
        return self.cancel.is_set() or self.stop_error is not None

    def _emit(self, outcome: ItemOutcome) -> ItemOutcome:
        if self.on_item is not None:
            try:
                self.on_item(outcome)
            except Exception:  # a listener's bug must not stop the sync
                log.exception("sync progress listener failed")
        return outcome

    def _prepare(self, item: OutboxItem, outcomes: list[ItemOutcome]) -> _Flight | None:
        """Consent, bundle, then the durable 'sending' mark. Returns None when nothing is to be sent."""
        refusal = check_refusal(self.store, item.check_id)
        if refusal is not None:
            self._hold_for_consent(item, outcomes, refusal)
            return None
        try:
            bundle = self.builder(self.store, item)
        except ValidationError as exc:
            if exc.item == "consent":
                self._hold_for_consent(item, outcomes, exc.message)
                return None
            self._refuse_unsent(
                item, f"This check could not be prepared for sending: {exc.message}", outcomes
            )
            return None
        except LockedError:
            raise  # the app locked while the check was read: the run stops, the check stays queued
        except OutreachError as exc:
            self._refuse_unsent(
                item, f"This check could not be prepared for sending: {exc.message}", outcomes
            )
            return None
        except Exception:  # a mapping bug affects this item only
            log.exception("building the bundle for an outbox item failed")
            self._refuse_unsent(
                item,
                "This check could not be prepared for sending (a fault in the app: "
                "tell IT the outbox item number).",
                outcomes,
            )
            return None
        entries = parts.entries_of(bundle)
        if not entries or any(not e.full_url for e in entries):
            self._refuse_unsent(
                item,
                "This check could not be prepared for sending (a fault in the app: an entry has no "
                "fullUrl; tell IT the outbox item number).",
                outcomes,
            )
            return None
        ask_first = item.attempts > 0 or item.state == "sending"
        try:
            with self.store.db.write():
                if item.state == "sending":  # left by a crash: count this as a new attempt
                    self.store.outbox.requeue(item.id)
                marked = self.store.outbox.mark_sending(item.id)
        except ValidationError:  # its state changed meanwhile (another sync of this store took it)
            return None
        wanted = sorted({e.full_url for e in entries} | {u for e in entries for u in e.needs})
        unknown = [u for u in wanted if u not in self.confirmed]
        if unknown:
            self.confirmed.update(sync_state.confirmed_entries(self.store, self.server, unknown))
        return _Flight(marked, entries, ask_first, marked.attempts, self.max_entries)

    # -- choosing the next request of an item -------------------------------------------------------
    def _waiting(self, flight: _Flight) -> bool:
        """True when the item only waits for another item's request (a shared resource)."""
        missing = [e for e in flight.entries if e.full_url not in self.confirmed]
        return bool(missing) and any(e.full_url in self._busy or e.needs & self._busy for e in missing)

    def _next_job(self, flight: _Flight, outcomes: list[ItemOutcome]) -> _Job | None:
        """The item's next request, or None (finished, held, or waiting: see `_waiting`)."""
        missing = [e for e in flight.entries if e.full_url not in self.confirmed]
        if not missing:
            outcomes.append(self._sent(flight))
            return None
        broken = parts.stuck(flight.entries, self.confirmed)
        if broken:
            outcomes.append(
                self._fault(flight, f"{broken[0].resource_type} refers to a record not in the check")
            )
            return None
        if self.whole:
            candidates = self._whole_part(flight)
        else:
            candidates = [
                e for e in parts.ready(flight.entries, self.confirmed) if e.full_url not in self._busy
            ]
        if not candidates:
            if self._waiting(flight):
                return None
            outcomes.append(self._fault(flight, "no part of it can be sent first"))
            return None
        part = candidates[: flight.max_entries]
        if flight.ask_first:
            return _Job(flight, "lookup", part, self._searches(part))
        return _Job(flight, "send", part, parts.part_bundle(part, self.confirmed))

    def _whole_part(self, flight: _Flight) -> list[parts.Entry]:
        """Every record still missing whose references are confirmed or in this same part, in
        the mapping's (dependency) order: one transaction for the whole check, for servers IT
        has confirmed process transactions all or nothing (they resolve the urns inside)."""
        taken: set[str] = set()
        out: list[parts.Entry] = []
        for e in flight.entries:
            if e.full_url in self.confirmed or e.full_url in self._busy:
                continue
            if all(u in self.confirmed or u in taken for u in e.needs):
                out.append(e)
                taken.add(e.full_url)
        return out

    def _searches(
        self, part: list[parts.Entry]
    ) -> list[tuple[str, list[tuple[str, str]], dict[tuple[str, str], str]]]:
        """The searches that find the part's resources: identifiers OR'd per type, others alone."""
        by_type: dict[str, dict[tuple[str, str], str]] = {}
        searches: list[tuple[str, list[tuple[str, str]], dict[tuple[str, str], str]]] = []
        for entry in part:
            query = parts.lookup_query(entry, self.confirmed)
            key = parts.identifier_key(query)
            if key is not None:
                by_type.setdefault(entry.resource_type, {})[key] = entry.full_url
            elif query:
                searches.append((entry.resource_type, [*query, ("_count", "10")], {("", ""): entry.full_url}))
        for res_type, wanted in by_type.items():
            keys = list(wanted)
            for start in range(0, len(keys), LOOKUP_CHUNK):
                chunk = keys[start : start + LOOKUP_CHUNK]
                value = ",".join(f"{s}|{v}" for s, v in chunk)
                searches.append(
                    (
                        res_type,
                        [("identifier", value), ("_count", str(max(10, 3 * len(chunk))))],
                        {k: wanted[k] for k in chunk},
                    )
                )
        return searches

    # -- answers ------------------------------------------------------------------------------------
    def _settle(self, job: _Job, fut: Future[_Result], outcomes: list[ItemOutcome]) -> _Flight | None:
        """Record what the answer confirmed; return the flight when it should go on at once."""
        flight = job.flight
        try:
            result = fut.result()
        except TransientFailure as exc:
            if exc.status == 429:  # a quota, for the whole request: nothing of it was processed
                return self._throttle(job, exc.retry_after, outcomes, detail=exc.message)
            if exc.status in SLOW_DOWN:
                self.pace.slow_down(job.sent_at)
            outcomes.append(self._retry(flight, exc.message, exc.retry_after, detail=exc.message))
            return None
        except AuthError as exc:
            self.stop_error = exc
            outcomes.append(self._retry(flight, exc.message, None, result=STOPPED))
            return None
        except OutreachError as exc:  # e.g. a link to another site
            outcomes.append(self._retry(flight, exc.message, None))
            return None
        except Exception:
            log.exception("sending an outbox item failed unexpectedly")
            outcomes.append(self._retry(flight, "Sending failed because of a fault in the app.", None))
            return None
        if result.lookup is not None:
            return self._settle_lookup(job, result.lookup, outcomes)
        assert result.answer is not None
        return self._settle_send(job, result.answer, outcomes)

    def _settle_lookup(self, job: _Job, found: _Lookup, outcomes: list[ItemOutcome]) -> _Flight | None:
        flight = job.flight
        if found.copies:
            where = ", ".join(
                f"{e.resource_type} ({found.copies[e.full_url]} copies)"
                for e in job.part
                if e.full_url in found.copies
            )
            outcomes.append(
                self._hold(
                    flight,
                    "The shared record holds more than one copy of part of this check. Nothing more is sent "
                    "for it until IT has looked (tell IT the outbox item number).",
                    f"Duplicates found on the server by identifier: {where}.",
                )
            )
            return None
        self.pace.success()
        flight.found += sum(1 for u in found.found if u not in self.confirmed)
        self._confirm(flight, found.found)
        if any(e.full_url not in self.confirmed for e in job.part):
            # Not there: send exactly those now (still conditional creates, so still safe).
            # Later parts depend on these, so they cannot have been stored either.
            flight.ask_first = False
        return flight

    def _settle_send(self, job: _Job, answer: Answer, outcomes: list[ItemOutcome]) -> _Flight | None:
        flight = job.flight
        if not answer.ok:
            return self._refused_whole(job, answer, outcomes)
        read = parts.read_answer(job.part, answer.body)
        before = len(self.confirmed)
        self._confirm(flight, read.confirmed)
        if read.confirmed:
            flight.wrote = True
        if read.complete:
            self.pace.success()
            flight.rounds_without_progress = 0
            flight.throttled_rounds = 0
            return flight
        definite = [f for f in read.failed if not worth_retrying(f.status)]
        statuses = {f.status for f in read.failed}
        if not definite and 429 in statuses and statuses <= {409, 429}:
            # A quota refused some records (409s beside it are writes that overlapped): the
            # server is taking this check, only at its own rate. Wait as it asks and go on.
            return self._throttle(
                job, answer.retry_after, outcomes, detail=_describe(read.failed, answer.status),
                confirmed=bool(read.confirmed),
            )
        if statuses & SLOW_DOWN:
            self.pace.slow_down(job.sent_at)
        if definite:
            first = definite[0]
            outcomes.append(
                self._hold(
                    flight,
                    f"The shared record would not store part of this check ({first.resource_type}: "
                    f"{_plain(first.status)}). Tell IT; the check is safe on this laptop.",
                    _describe(read.failed, answer.status),
                )
            )
            return None
        if read.failed:
            # The server is taking this check, only slowly (a write quota, overlapping writes):
            # pause briefly and go on within this attempt while answers keep confirming records.
            flight.busy_rounds = 0 if read.confirmed else flight.busy_rounds + 1
            if flight.busy_rounds < MAX_BUSY_ROUNDS and not self._stopping():
                pause = answer.retry_after or self._jitter.uniform(0.1, 0.4) * 2**flight.busy_rounds
                if pause <= self.max_pause_s:
                    flight.not_before = time.monotonic() + pause
                    return flight
            stored = sum(1 for e in flight.entries if e.full_url in self.confirmed)
            outcomes.append(
                self._retry(
                    flight,
                    f"Partly sent: the shared record has {stored} of this check's {len(flight.entries)} "
                    f"records and asked to wait ({_plain(read.failed[0].status)}). The rest goes "
                    "automatically.",
                    answer.retry_after,
                    detail=_describe(read.failed, answer.status),
                )
            )
            return None
        # Unclear (no body, no locations): ask the server before sending any of it again.
        flight.ask_first = True
        flight.rounds_without_progress = (
            0 if len(self.confirmed) > before else flight.rounds_without_progress + 1
        )
        if flight.rounds_without_progress >= MAX_ROUNDS_WITHOUT_PROGRESS:
            outcomes.append(
                self._retry(
                    flight,
                    "The shared record's answers did not confirm what it stored; it will be asked again.",
                    answer.retry_after,
                    detail=f"HTTP {answer.status}; the answer did not list each entry's status and location.",
                )
            )
            return None
        return flight

    def _refused_whole(self, job: _Job, answer: Answer, outcomes: list[ItemOutcome]) -> _Flight | None:
        flight = job.flight
        words = answer.outcome_words()
        if answer.status == 429:
            return self._throttle(job, answer.retry_after, outcomes, detail=f"HTTP 429: {words}")
        if answer.status in SLOW_DOWN:
            self.pace.slow_down(job.sent_at)
        if answer.status in NOT_DEFINITE:
            outcomes.append(
                self._retry(
                    flight,
                    f"The shared record could not take it just now: {words}",
                    answer.retry_after,
                    detail=f"HTTP {answer.status}: {words}",
                )
            )
            return None
        if answer.status in (400, 413, 422) and len(job.part) > 1:
            # Some servers cap the entries in one transaction: try smaller parts.
            flight.max_entries = max(1, len(job.part) // 2)
            return flight
        outcomes.append(
            self._hold(
                flight,
                f"The shared record refused this check ({answer.status}): {words}",
                f"HTTP {answer.status} for a part of {len(job.part)} "
                f"{'entry' if len(job.part) == 1 else 'entries'} "
                f"({job.part[0].resource_type} first): {words}",
            )
        )
        return None

    def _confirm(self, flight: _Flight, confirmed: dict[str, str]) -> None:
        new = {u: ref for u, ref in confirmed.items() if self.confirmed.get(u) != ref}
        if not new:
            return
        sync_state.record_confirmed(self.store, self.server, flight.item.id, flight.item.check_id, new)
        self.confirmed.update(new)
        self.progress += len(new)
        flight.progressed = True
        self._last_confirmed = time.monotonic()

    def _throttle(
        self,
        job: _Job,
        retry_after: float | None,
        outcomes: list[ItemOutcome],
        *,
        detail: str,
        confirmed: bool = False,
    ) -> _Flight | None:
        """A 429: the server limits how fast this laptop may write (or read), it has not failed.
        The flight waits the server's Retry-After (a short pause, growing while nothing gets
        through, when it gave none) and goes on; no other request of the kind goes out before
        then. Only when the wait would outlast the run is the item left, due again at once."""
        flight = job.flight
        self.throttled += 1
        self.pace.slow_down(job.sent_at)
        flight.throttled_rounds = 0 if confirmed else flight.throttled_rounds + 1
        if retry_after is not None:
            pause = max(0.05, retry_after)
        else:
            pause = self._jitter.uniform(*QUOTA_PAUSE_S) * 2 ** min(flight.throttled_rounds, 3)
        now = time.monotonic()
        until = now + pause
        if (
            pause > self.max_quota_wait_s
            or (self.deadline is not None and until > self.deadline)
            or now - self._last_confirmed > self.quota_patience_s
        ):
            self.out_of_time = True
            outcomes.append(self._left_for_quota(flight, pause, detail))
            return None
        self._gate[job.kind] = max(self._gate[job.kind], until)
        flight.not_before = until
        return flight

    def _left_for_quota(self, flight: _Flight, pause: float, detail: str) -> ItemOutcome:
        """The run ends before the server's quota lets the rest of this item through: it is due
        again at once (or when the server said, if that is later than this run would wait), and
        counts as neither a failure nor trouble."""
        item = flight.item
        stored = sum(1 for e in flight.entries if e.full_url in self.confirmed)
        words = (
            f"Partly sent: the shared record has {stored} of this check's {len(flight.entries)} records "
            "and limits how fast this laptop may send; the rest goes at the next sync."
        )
        when = iso(self.clock.now() + timedelta(seconds=pause)) if pause > self.max_quota_wait_s else None
        with self.store.db.write():
            self.store.outbox.mark_failed(item.id, words, next_attempt_at=when)
            sync_state.set_item_detail(self.store, item.id, detail)
        return self._emit(ItemOutcome(item.id, item.check_id, THROTTLED, words, flight.attempts, when))

    # -- how an item ends this attempt -------------------------------------------------------------
    def _refs(self, flight: _Flight) -> list[str]:
        return [self.confirmed[e.full_url] for e in flight.entries if e.full_url in self.confirmed]

    def _sent(self, flight: _Flight) -> ItemOutcome:
        item = flight.item
        refs = self._refs(flight)
        with self.store.db.write():
            # (which server record belongs to this check was kept as each was confirmed)
            self.store.outbox.mark_sent(item.id, server_ref=json.dumps(refs))
            sync_state.set_item_detail(self.store, item.id, None)
        if flight.wrote:
            result, words = SENT, "Sent to the shared record (every record confirmed)."
        else:
            result, words = (
                ALREADY_THERE,
                "Already on the shared record (an earlier answer was lost); not sent again.",
            )
        return self._emit(
            ItemOutcome(
                item.id, item.check_id, result, words, flight.attempts, None, tuple(refs), flight.found
            )
        )

    def _hold(self, flight: _Flight, words: str, detail: str) -> ItemOutcome:
        item = flight.item
        log.warning("outbox item %s held: %s", item.id, detail)
        with self.store.db.write():
            self.store.outbox.mark_failed(item.id, words)
            sync_state.hold(self.store, item.id, sync_state.HOLD_REFUSED)
            sync_state.set_item_detail(self.store, item.id, detail)
        return self._emit(ItemOutcome(item.id, item.check_id, REFUSED, words, flight.attempts))

    def _fault(self, flight: _Flight, what: str) -> ItemOutcome:
        return self._hold(
            flight,
            "This check could not be sent because of a fault in the app (tell IT the outbox item number).",
            f"The check's bundle cannot be sent in parts: {what}.",
        )

    def _interrupted(self, flight: _Flight) -> ItemOutcome:
        return self._retry(
            flight,
            "The sync stopped before this check was fully sent; it goes on next time.",
            None,
            result=STOPPED,
        )

    def _retry(
        self,
        flight: _Flight,
        words: str,
        retry_after: float | None,
        *,
        result: str = RETRY,
        detail: str | None = None,
    ) -> ItemOutcome:
        item = flight.item
        # Progress in this attempt resets the backoff: the server is taking it, only slowly.
        attempt = 1 if flight.progressed else flight.attempts
        when = (
            None
            if result == STOPPED
            else self.backoff.next_attempt_at(self.clock.now(), attempt, retry_after)
        )
        with self.store.db.write():
            self.store.outbox.mark_failed(item.id, words, next_attempt_at=when)
            if detail is not None:
                sync_state.set_item_detail(self.store, item.id, detail)
        return self._emit(ItemOutcome(item.id, item.check_id, result, words, flight.attempts, when))

    def _hold_for_consent(self, item: OutboxItem, outcomes: list[ItemOutcome], words: str) -> None:
        self._hold_unsent(item, outcomes, words, sync_state.HOLD_NO_CONSENT, NO_CONSENT)

    def _refuse_unsent(self, item: OutboxItem, words: str, outcomes: list[ItemOutcome]) -> None:
        self._hold_unsent(item, outcomes, words, sync_state.HOLD_REFUSED, REFUSED)

    def _hold_unsent(
        self, item: OutboxItem, outcomes: list[ItemOutcome], words: str, hold: str, result: str
    ) -> None:
        """Held before any request went out (no consent, or it could not be built)."""
        with self.store.db.write():
            if item.state == "sending":
                self.store.outbox.requeue(item.id)
            self.store.outbox.mark_failed(item.id, words)
            sync_state.hold(self.store, item.id, hold)
        outcomes.append(self._emit(ItemOutcome(item.id, item.check_id, result, words, item.attempts)))


def worth_retrying(status: int | None) -> bool:
    """Whether a refusal with this status may go through later (the one rule for every write)."""
    return status is None or status in NOT_DEFINITE or status >= 500


_STATUS_WORDS = {
    400: "the server found something in it it could not accept",
    404: "the server does not allow it to be created this way",
    409: "another write was in progress",
    412: "the server already holds more than one matching record",
    422: "the server could not process it",
    429: "too many requests",
}


def _plain(status: int | None) -> str:
    if status is None:
        return "no clear answer"
    if status >= 500:
        return "a problem on the server"
    return _STATUS_WORDS.get(status, f"the server answered {status}")


def _describe(failed: list[parts.EntryFailure], http_status: int) -> str:
    """The server's exact reply, entry by entry, for IT (kept sealed with the item)."""
    lines = [f"HTTP {http_status}; {len(failed)} entr{'y' if len(failed) == 1 else 'ies'} not stored:"]
    for f in failed[:20]:
        lines.append(f"{f.resource_type} ({f.full_url}): {f.status} {f.reply or '(no outcome given)'}")
    if len(failed) > 20:
        lines.append(f"... and {len(failed) - 20} more")
    return "\n".join(lines)
