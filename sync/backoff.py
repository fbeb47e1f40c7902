"""When to try again: exponential backoff with full jitter, honouring Retry-After.

Full jitter (a random wait between zero and the exponential ceiling) spreads the
retries of many laptops that lost the network at the same moment, so they do not all
come back at the same second. A server's Retry-After is a floor: we never come back
sooner than it asked.

Time comes from a `Clock` so tests can compress hours of backoff into no real time.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta


def iso(moment: datetime) -> str:
    """The store's sortable timestamp format."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Clock:
    """Wall time and waiting. `sleep` returns early when `cancel` is set."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float, cancel: threading.Event | None = None) -> None:
        if seconds <= 0:
            return
        if cancel is not None:
            cancel.wait(seconds)
        else:
            time.sleep(seconds)


@dataclass
class Backoff:
    """delay(n) for the n-th failed attempt (1-based): uniform(0, min(cap, base * 2**(n-1)))."""

    base_s: float = 2.0
    cap_s: float = 15 * 60.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        ceiling = min(self.cap_s, self.base_s * (2 ** max(0, min(attempt, 30) - 1)))
        wait = self.rng.uniform(0.0, ceiling)
        if retry_after is not None:
            wait = max(wait, min(retry_after, 24 * 3600.0))
        return wait

    def next_attempt_at(self, now: datetime, attempt: int, retry_after: float | None = None) -> str:
        return iso(now + timedelta(seconds=self.delay(attempt, retry_after)))
