"""Pulling what the shared record holds for this laptop: reviews (Task), the service
directory (HealthcareService) and the status of this device (Device).

Incremental by `_lastUpdated`: each kind keeps a cursor, the server's `meta.lastUpdated`
of the newest resource of the last page applied. A page's resources and the cursor that
covers them are written in ONE transaction, so a crash between pages repeats at most
one page (applying a page twice changes nothing) and never skips one.

Pages are followed through the server's `next` links. When the server says it cannot
continue (410 Gone, the reference server's `restart-search`; 404 on a paging link from
servers that forget searches) the search starts again from the cursor, which is our own
last fully applied point: nothing is lost and nothing is applied out of order.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from outreach.errors import NetworkError
from outreach.store import sync_state
from outreach.store.local_store import LocalStore

from sync.http import FhirHttp, TransientFailure

log = logging.getLogger(__name__)

MAX_RESTARTS = 3  # in a row without progress


@dataclass
class PullCounts:
    kind: str
    received: int = 0
    stored: int = 0
    pages: int = 0
    restarts: int = 0
    error: str | None = None


def _own_follow_up(task: dict[str, Any]) -> bool:
    """Tasks this app sent itself (a follow-up of a check) are not reviews."""
    from outreach.fhir.identifiers import FOLLOW_UP_SYSTEM

    return any(i.get("system") == FOLLOW_UP_SYSTEM for i in task.get("identifier", []) or [] if isinstance(i, dict))


def _focus_check_id(task: dict[str, Any]) -> str | None:
    """Our check id when the Task's focus names it by our Encounter identifier."""
    from outreach.fhir.identifiers import CHECK_SYSTEM

    focus = task.get("focus") or {}
    ident = focus.get("identifier") if isinstance(focus, dict) else None
    if isinstance(ident, dict) and ident.get("system") == CHECK_SYSTEM:
        return str(ident.get("value") or "") or None
    return None


def review_document(task: dict[str, Any]) -> dict[str, Any]:
    """The parts of a review Task the worker reads (sealed when stored)."""
    business = task.get("businessStatus") or {}
    owner = task.get("owner") or {}
    requester = task.get("requester") or {}
    return {
        "description": task.get("description"),
        "business_status": business.get("text") or next(
            (c.get("display") or c.get("code") for c in business.get("coding", []) or []), None),
        "priority": task.get("priority"),
        "notes": [n.get("text") for n in task.get("note", []) or [] if isinstance(n, dict) and n.get("text")],
        "owner": owner.get("display") or owner.get("reference"),
        "requester": requester.get("display") or requester.get("reference"),
        "authored_on": task.get("authoredOn"),
        "last_modified": task.get("lastModified"),
        "focus": (task.get("focus") or {}).get("reference"),
    }


class Puller:
    def __init__(self, store: LocalStore, http: FhirHttp, *, page_size: int = 100,
                 cancel: threading.Event | None = None, device_name: str | None = None,
                 on_page: Callable[[PullCounts], None] | None = None) -> None:
        self.store = store
        self.http = http
        self.page_size = page_size
        self.cancel = cancel or threading.Event()
        self.device_name = device_name
        self.on_page = on_page

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

    def pull_kind(self, kind: str, rtype: str, apply: Callable[[Any, dict[str, Any]], bool]) -> PullCounts:
        counts = PullCounts(kind)
        url, params = self._first_page(kind, rtype)
        following = False
        stalled = 0  # restarts since a page was last applied: the server cannot get us anywhere
        while not self.cancel.is_set():
            try:
                answer = self.http.request("GET", url, params=params)
            except TransientFailure as exc:
                counts.error = exc.words
                return counts
            except NetworkError as exc:
                counts.error = exc.message
                return counts
            if answer.status == 410 or (following and answer.status == 404):
                counts.restarts += 1
                stalled += 1
                if stalled > MAX_RESTARTS:
                    counts.error = "The shared record kept asking to start the download again; will try later."
                    return counts
                url, params = self._first_page(kind, rtype)
                following = False
                continue
            if not answer.ok or not isinstance(answer.body, dict) or answer.body.get("type") != "searchset":
                counts.error = f"Could not download {kind}: {answer.outcome_words()}"
                return counts
            resources = [e.get("resource") for e in answer.body.get("entry", []) or []
                         if isinstance(e, dict) and isinstance(e.get("resource"), dict)
                         and (e.get("search") or {}).get("mode", "match") == "match"]
            newest = None
            with self.store.db.write() as conn:
                for res in resources:
                    if res.get("resourceType") != rtype:
                        continue
                    counts.received += 1
                    if apply(conn, res):
                        counts.stored += 1
                    stamp = (res.get("meta") or {}).get("lastUpdated")
                    if isinstance(stamp, str) and (newest is None or stamp > newest):
                        newest = stamp
                if newest is not None:
                    sync_state.set_cursor(conn, kind, newest)
            counts.pages += 1
            stalled = 0
            if self.on_page is not None:
                self.on_page(counts)
            nxt = next((link.get("url") for link in answer.body.get("link", []) or []
                        if isinstance(link, dict) and link.get("relation") == "next"), None)
            if not nxt or not resources:
                break
            url, params, following = nxt, None, True
        return counts

    def _first_page(self, kind: str, rtype: str) -> tuple[str, dict[str, str]]:
        params = {"_sort": "_lastUpdated", "_count": str(self.page_size)}
        cur = sync_state.cursor(self.store, kind)
        if cur:
            params["_lastUpdated"] = f"gt{cur}"
        return rtype, params

    # -- applying one resource, inside the page's transaction ----------------------------------
    def _apply_task(self, conn: Any, task: dict[str, Any]) -> bool:
        if _own_follow_up(task):
            return False
        focus_ref = (task.get("focus") or {}).get("reference")
        focus_check = _focus_check_id(task)
        if not focus_ref and not focus_check:
            return False
        meta = task.get("meta") or {}
        return sync_state.store_review(
            conn, self.store, server_id=str(task.get("id")), status=str(task.get("status") or "unknown"),
            server_version=meta.get("versionId"), last_updated=str(meta.get("lastUpdated") or ""),
            document=review_document(task), focus_ref=focus_ref, focus_check_id=focus_check,
        ) is not None

    def _apply_service(self, conn: Any, service: dict[str, Any]) -> bool:
        meta = service.get("meta") or {}
        sync_state.store_service(conn, server_id=str(service.get("id")), name=str(service.get("name") or "(no name)"),
                                 active=service.get("active", True) is not False,
                                 last_updated=str(meta.get("lastUpdated") or ""), resource=service)
        return True

    def _apply_device(self, conn: Any, device: dict[str, Any]) -> bool:
        if not self.device_name or not _names_device(device, self.device_name):
            return False
        status = str(device.get("status") or "unknown")
        state = "active" if status == "active" else "revoked" if status in ("inactive", "entered-in-error") else status
        sync_state._put(conn, sync_state.DEVICE_STATUS_KEY, value=_json({
            "state": state, "message": f"The shared record lists this laptop as {status}.", "source": "device-record",
            "at": (device.get("meta") or {}).get("lastUpdated")}))
        return True


def _names_device(device: dict[str, Any], name: str) -> bool:
    names = [d.get("name") for d in device.get("deviceName", []) or [] if isinstance(d, dict)]
    idents = [i.get("value") for i in device.get("identifier", []) or [] if isinstance(i, dict)]
    return name in names or name in idents


def _json(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True)
