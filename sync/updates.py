"""Sending changes to records already on the shared record: follow-up outcomes, so far.

After a check was sent, its follow-ups are closed on the laptop (attended, declined, no
response). Each such change waits in `sync_updates` (queued in the same transaction as the
change) and goes after the check itself is confirmed sent:

1. read the Task by the follow-up's identifier (exactly one must be there);
2. apply the outcome to it as the server holds it (`outreach.fhir.follow_up_update`);
3. PUT it with `If-Match` on the version read. 412 means someone changed it meanwhile: read
   again and reapply (a few times). A Task that already says the outcome is not written again,
   so a lost answer and a resend change nothing.

Runs on the engine's thread after the push (a handful of requests; nothing here is parallel).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from outreach.errors import AuthError, OutreachError
from outreach.fhir.follow_up_update import updated_task
from outreach.fhir.identifiers import FOLLOW_UP_SYSTEM
from outreach.store import sync_state
from outreach.store.database import utc_now
from outreach.store.local_store import LocalStore
from sync.backoff import Backoff, Clock, iso
from sync.http import FhirHttp, TransientFailure
from sync.pull import MAX_BUSY_WAIT_S, MAX_BUSY_WAITS
from sync.push import worth_retrying

log = logging.getLogger(__name__)

MAX_CONFLICTS = 3  # 412s in a row on one Task before the update waits for the next run


@dataclass
class UpdateCounts:
    sent: int = 0
    waiting_for_check: int = 0
    retrying: int = 0
    refused: int = 0


class _Refused(Exception):
    """The server will not take this update as it stands: the words say why."""


def push_updates(
    store: LocalStore,
    http: FhirHttp,
    *,
    clock: Clock,
    backoff: Backoff,
    cancel: threading.Event,
) -> UpdateCounts:
    counts = UpdateCounts()
    updates = sync_state.pending_updates(store, iso(clock.now()))
    if not updates:
        return counts  # the usual case
    sent_checks = store.outbox.sent_among(u.check_id for u in updates)  # from the index: nothing decrypted
    for update in updates:
        if cancel.is_set():
            break
        if update.check_id not in sent_checks:
            counts.waiting_for_check += 1  # the check's own bundle goes first; it carries the Task
            continue
        try:
            _apply_patiently(store, http, update.record_id, clock=clock, cancel=cancel)
        except TransientFailure as exc:
            when = backoff.next_attempt_at(clock.now(), update.attempts + 1, exc.retry_after)
            sync_state.settle_update(store, update.id, sent=False, error=exc.message, next_attempt_at=when)
            counts.retrying += 1
            continue
        except _Refused as exc:
            sync_state.settle_update(store, update.id, sent=False, error=str(exc), next_attempt_at=None)
            log.warning("follow-up outcome update refused: %s", exc)
            counts.refused += 1
            continue
        except AuthError:
            raise
        except OutreachError as exc:
            when = backoff.next_attempt_at(clock.now(), update.attempts + 1, None)
            sync_state.settle_update(store, update.id, sent=False, error=exc.message, next_attempt_at=when)
            counts.retrying += 1
            continue
        sync_state.settle_update(store, update.id, sent=True)
        counts.sent += 1
    return counts


def _apply_patiently(
    store: LocalStore, http: FhirHttp, follow_up_id: str, *, clock: Clock, cancel: threading.Event
) -> None:
    """`_apply`, sitting through a busy server's short Retry-After as the pull does, so a read
    quota slows the outcomes down instead of putting each one off to a later sync."""
    for waited in range(MAX_BUSY_WAITS + 1):
        try:
            _apply(store, http, follow_up_id)
            return
        except TransientFailure as exc:
            wait = exc.retry_after if exc.status in (429, 503) else None
            if wait is None or wait > MAX_BUSY_WAIT_S or waited == MAX_BUSY_WAITS or cancel.is_set():
                raise
            clock.sleep(max(wait, 0.1), cancel)


def _apply(store: LocalStore, http: FhirHttp, follow_up_id: str) -> None:
    follow_up = store.follow_ups.get(follow_up_id)
    for _ in range(MAX_CONFLICTS):
        found = http.request("GET", "Task", params={"identifier": f"{FOLLOW_UP_SYSTEM}|{follow_up_id}"})
        tasks = found.matches("Task")
        if tasks is None:
            raise TransientFailure("Could not read the follow-up on the shared record.", status=found.status)
        if len(tasks) != 1:
            raise _Refused(
                f"The shared record holds {len(tasks)} copies of this follow-up's Task "
                "(expected one): tell IT."
            )
        task = tasks[0]
        change = updated_task(task, follow_up, recorded_at=_instant(follow_up.updated_at))
        if change is None:
            return  # it says so already (an earlier answer was lost)
        version = str((task.get("meta") or {}).get("versionId") or "")
        headers = {"If-Match": f'W/"{version}"'} if version else {}
        answer = http.request("PUT", f"Task/{task['id']}", body=change, headers=headers)
        if answer.ok:
            return
        if answer.status == 412:
            continue  # changed meanwhile: read it again and reapply the outcome
        if worth_retrying(answer.status):
            raise TransientFailure(f"The shared record could not take it just now: {answer.outcome_words()}")
        raise _Refused(
            f"The shared record refused the follow-up's outcome ({answer.status}): {answer.outcome_words()}"
        )
    raise TransientFailure(
        "The follow-up kept changing on the shared record while it was updated; trying later."
    )


def _instant(stamp: str) -> str:
    """The store's timestamp as a FHIR instant (it already carries Z)."""
    return stamp or utc_now()
