"""Sending the supervisor's review decisions to the shared record, each exactly once.

A decision waits in the store (`team_decisions`) from the moment the supervisor decides, with
its Task built once. Sync sends it with the same rules as a check: it is marked "sending"
before the request goes out, sent as a transaction whose one entry is a conditional create on
the decision's identifier (a resend after a lost answer, or after a crash mid-send, finds the
Task already there and creates nothing), and "sent" only when the answer's entry says the
server stored it (its own status and location read, never a bare 2xx). A refusal or a busy
server leaves it failed with the server's words and a time to try again; one decision never
holds up another.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from outreach.errors import AuthError, OutreachError
from outreach.fhir.review_task import review_bundle
from outreach.store import team_repo
from outreach.store.local_store import LocalStore
from sync.backoff import Backoff, Clock, iso
from sync.http import AccessRefusedError, DeviceRevokedError, FhirHttp, TransientFailure
from sync.parts import entries_of, read_answer
from sync.push import worth_retrying

log = logging.getLogger(__name__)

NOT_SUPERVISOR_WRITE = (
    "The shared record did not accept the decision: this laptop is not enrolled with supervisor rights. "
    "Ask IT to enrol it for supervisors; the decision is kept and goes at the next sync after that."
)


@dataclass
class DecisionCounts:
    sent: int = 0
    retrying: int = 0
    refused: int = 0


def push_decisions(
    store: LocalStore,
    http: FhirHttp,
    *,
    clock: Clock,
    backoff: Backoff,
    cancel: threading.Event,
    now: bool = False,
) -> DecisionCounts:
    """Send every decision that is due (all that wait, with `now`: the supervisor pressed Sync now)."""
    counts = DecisionCounts()
    for item in team_repo.due_decisions(store, iso(clock.now()), everything=now):
        if cancel.is_set():
            break
        task = item.data.get("task")
        if not isinstance(task, dict):
            team_repo.move_decision(
                store, item.id, "failed", error="This decision could not be read; tell IT."
            )
            counts.refused += 1
            continue
        bundle = review_bundle(task, item.id)
        team_repo.move_decision(store, item.id, "sending", count_attempt=True)
        try:
            answer = http.request("POST", "", body=bundle, headers={"Prefer": "return=OperationOutcome"})
        except TransientFailure as exc:
            when = backoff.next_attempt_at(clock.now(), item.attempts + 1, exc.retry_after)
            team_repo.move_decision(store, item.id, "failed", error=exc.message, next_attempt_at=when)
            counts.retrying += 1
            continue
        except DeviceRevokedError:
            raise
        except AccessRefusedError:
            # The check push and pulls of this run were accepted, so this 403 is about rights:
            # the token may not write reviews. Held until Sync now (IT changes the rights first).
            team_repo.move_decision(
                store, item.id, "failed", error=NOT_SUPERVISOR_WRITE, next_attempt_at=None
            )
            counts.refused += 1
            continue
        except AuthError:
            raise
        except OutreachError as exc:
            when = backoff.next_attempt_at(clock.now(), item.attempts + 1, None)
            team_repo.move_decision(store, item.id, "failed", error=exc.message, next_attempt_at=when)
            counts.retrying += 1
            continue
        result = read_answer(entries_of(bundle), answer.body)
        location = next(iter(result.confirmed.values()), None)
        if answer.ok and location is not None:
            team_repo.move_decision(store, item.id, "sent", server_ref=location)
            counts.sent += 1
            continue
        words = result.failed[0].reply if result.failed and result.failed[0].reply else answer.outcome_words()
        # The status that decides: the entry's own in a transaction-response, else the whole answer's.
        status = result.failed[0].status if answer.ok and result.failed else answer.status
        retry = worth_retrying(status)
        # A refusal for good is held (tried again only when the supervisor presses Sync now), as the
        # check push holds one, instead of being sent again with backoff on every sync for ever.
        retry_at = None
        if retry:
            retry_at = backoff.next_attempt_at(clock.now(), item.attempts + 1, answer.retry_after)
        team_repo.move_decision(
            store,
            item.id,
            "failed",
            error=f"The shared record did not take the decision: {words}",
            next_attempt_at=retry_at,
        )
        if retry:
            counts.retrying += 1
        else:
            counts.refused += 1
            log.warning("review decision refused by the shared record (%s)", status)
    return counts
