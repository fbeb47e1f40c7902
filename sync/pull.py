"""Pulling what the shared record holds for this laptop: reviews (Task), the service
directory (HealthcareService) and the status of this device (Device).

Incremental by `_lastUpdated`: each kind keeps a cursor, the server's `meta.lastUpdated`
of the newest resource of the last page applied. A page's resources and the cursor that
covers them are written in ONE transaction, so a crash between pages repeats at most
one page (applying a page twice changes nothing) and never skips one.

Servers write instants with different precisions ("…:05Z", "…:05.120+00:00"), so instants
are compared as instants, never as strings, and the next run asks for `ge` the cursor, not
`gt`: a server that stores whole seconds may hold more resources at the cursor's second
than the last page showed, and re-applying the few at the cursor costs nothing.

A review that cannot be matched to one of this laptop's checks yet (its check's server ids
are not known here: an answer was lost, or the check is still going out in parts) is kept,
sealed, and matched when those ids arrive; the cursor may then pass it safely.

Busy servers answer 429 (or 503) with Retry-After; the pull waits as asked (a bounded
number of times, and never longer than the caller allows) and asks for the same page again.

Pages are followed through the server's `next` links. When the server says it cannot
continue (410 Gone, the reference server's `restart-search`; 404 on a paging link from
servers that forget searches) the search starts again from the cursor, which is our own
last fully applied point: nothing is lost and nothing is applied out of order.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from outreach.errors import NetworkError, ValidationError
from outreach.fhir.inbound import (
    is_own_follow_up_task,
    parse_device_status,
    parse_healthcare_service,
    parse_review_task,
)
from outreach.store import sync_state
from outreach.store.local_store import LocalStore
from sync.backoff import Clock
from sync.http import FhirHttp, TransientFailure

log = logging.getLogger(__name__)

MAX_RESTARTS = 3  # in a row without progress
MAX_BUSY_WAITS = 5  # 429/503 answers in a row on one page before the pull leaves it to the next run
MAX_BUSY_WAIT_S = 30.0  # longest Retry-After the pull sits through


def instant(value: Any) -> datetime | None:
    """A FHIR instant as an aware datetime (any precision, Z or offset); None if unreadable."""
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        moment = datetime.fromisoformat(value)  # Python 3.11 reads "Z" and any precision
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


KEPT = "kept"  # what an apply function returns for a resource kept to be matched later


def _later(moment: datetime, cursor: str | None) -> bool:
    """True when `moment` is after the stored cursor (or there is none, or it is unreadable)."""
    current = instant(cursor)
    return current is None or moment > current


@dataclass
class PullCounts:
    kind: str
    received: int = 0
    stored: int = 0
    kept: int = 0  # received but not matched to a check yet: kept to be matched later
    pages: int = 0
    waits: int = 0  # times the server said "busy" and the pull waited
    restarts: int = 0
    error: str | None = None


class Puller:
    def __init__(
        self,
        store: LocalStore,
        http: FhirHttp,
        *,
        page_size: int = 100,
        cancel: threading.Event | None = None,
        device_name: str | None = None,
        device_id: str | None = None,
        on_page: Callable[[PullCounts], None] | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.store = store
        self.http = http
        self.page_size = page_size
        self.cancel = cancel or threading.Event()
        self.device_name = device_name
        self.device_id = device_id  # this laptop's Device identifier (the store id)
        self.on_page = on_page
        self.clock = clock or Clock()

    def pull_all(self) -> list[PullCounts]:
        out = []
        for kind, rtype, apply in (
            ("reviews", "Task", self._apply_task),
            ("directory", "HealthcareService", self._apply_service),
            ("device", "Device", self._apply_device),
        ):
            if self.cancel.is_set():
                break
            out.append(self.pull_kind(kind, rtype, apply))
        return out

    def pull_kind(
        self,
        kind: str,
        rtype: str,
        apply: Callable[[Any, dict[str, Any]], bool | str],
        *,
        filters: Mapping[str, str] | None = None,
    ) -> PullCounts:
        """Every `rtype` changed since `kind`'s cursor, page by page, each page applied in one
        transaction with the cursor moved in it. `filters`: search parameters that narrow the type
        (the team pull reads only the Tasks it needs)."""
        counts = PullCounts(kind)
        params: dict[str, str] | None  # None on a `next` link, which carries its own
        url, params = self._first_page(kind, rtype, filters)
        following = False
        stalled = 0  # restarts since the cursor last moved: the server cannot get us anywhere
        busy = 0
        while not self.cancel.is_set():
            try:
                answer = self.http.request("GET", url, params=params)
            except TransientFailure as exc:
                wait = exc.retry_after if exc.status in (429, 503) else None
                if wait is not None and busy < MAX_BUSY_WAITS and wait <= MAX_BUSY_WAIT_S:
                    busy += 1
                    counts.waits += 1
                    self.clock.sleep(max(wait, 0.1), self.cancel)
                    continue  # the same page again
                counts.error = exc.message
                return counts
            except NetworkError as exc:
                counts.error = exc.message
                return counts
            busy = 0
            if answer.status == 410 or (following and answer.status == 404):
                counts.restarts += 1
                stalled += 1
                if stalled > MAX_RESTARTS:
                    counts.error = (
                        "The shared record kept asking to start the download again; will try later."
                    )
                    return counts
                url, params = self._first_page(kind, rtype, filters)
                following = False
                continue
            resources = answer.matches()
            if resources is None:
                counts.error = f"Could not download {kind}: {answer.outcome_words()}"
                return counts
            newest: tuple[datetime, str] | None = None
            with self.store.db.write() as conn:
                for res in resources:
                    if res.get("resourceType") != rtype:
                        continue
                    counts.received += 1
                    applied = apply(conn, res)
                    if applied is True:
                        counts.stored += 1
                    elif applied == KEPT:
                        counts.kept += 1
                    stamp = (res.get("meta") or {}).get("lastUpdated")
                    moment = instant(stamp)
                    if moment is not None and (newest is None or moment > newest[0]):
                        newest = (moment, str(stamp))
                moved = newest is not None and _later(newest[0], sync_state.cursor(self.store, kind))
                if moved and newest is not None:
                    sync_state.set_cursor(conn, kind, newest[1])
            counts.pages += 1
            if moved:
                stalled = 0
            if self.on_page is not None:
                self.on_page(counts)
            nxt = next(
                (
                    link.get("url")
                    for link in answer.body.get("link", []) or []
                    if isinstance(link, dict) and link.get("relation") == "next"
                ),
                None,
            )
            if not nxt or not resources:
                break
            url, params, following = nxt, None, True
        return counts

    def _first_page(
        self, kind: str, rtype: str, filters: Mapping[str, str] | None
    ) -> tuple[str, dict[str, str]]:
        params = {"_sort": "_lastUpdated", "_count": str(self.page_size), **(filters or {})}
        cur = sync_state.cursor(self.store, kind)
        if cur:
            params["_lastUpdated"] = f"ge{cur}"
        return rtype, params

    # -- applying one resource, inside the page's transaction ----------------------------------
    # A resource we cannot read (ValidationError from the parser) is skipped, not fatal: any
    # FHIR server may hold things this app did not write.
    def _apply_task(self, conn: Any, task: dict[str, Any]) -> bool | str:
        if is_own_follow_up_task(task):
            return False
        try:
            review = parse_review_task(task)
        except ValidationError:
            return False
        if sync_state.about_another_laptops_check(conn, review.check_id):
            return False  # not kept: it could never match a check of this laptop
        document = {
            "description": review.description,
            "business_status": review.business_status,
            "notes": list(review.comments),
            "owner": review.owner,
            "authored_on": review.authored_on,
            "last_modified": review.last_modified,
            "focus": review.encounter_reference,
        }
        matched = sync_state.store_review(
            conn,
            self.store,
            server_id=review.task_id,
            status=review.status,
            server_version=review.version_id,
            last_updated=review.last_updated or "",
            document=document,
            focus_ref=review.encounter_reference,
            focus_check_id=review.check_id,
        )
        return True if matched is not None else KEPT

    def _apply_service(self, conn: Any, service: dict[str, Any]) -> bool:
        try:
            entry = parse_healthcare_service(service)
        except ValidationError:
            return False
        sync_state.store_service(
            conn,
            server_id=entry.id,
            name=entry.name,
            active=entry.active,
            last_updated=str((service.get("meta") or {}).get("lastUpdated") or ""),
            resource=entry.as_seed_entry(),
        )
        return True

    def _apply_device(self, conn: Any, device: dict[str, Any]) -> bool:
        try:
            status = parse_device_status(device)
        except ValidationError:
            return False
        names = [d.get("name") for d in device.get("deviceName", []) or [] if isinstance(d, dict)]
        ours = (self.device_id is not None and status.device_id == self.device_id) or (
            self.device_name is not None and self.device_name in names
        )
        if not ours:
            return False
        sync_state.put_device_status(
            conn,
            {
                "state": "revoked" if status.revoked else status.status,
                "message": (
                    f"The shared record lists this laptop as {status.status}: ask IT."
                    if status.revoked
                    else ""
                ),
                "source": "device-record",
                "at": (device.get("meta") or {}).get("lastUpdated"),
            },
        )
        return True
