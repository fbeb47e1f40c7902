"""Test doubles shared across the suite (kept out of the product's modules)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sync.backoff import Clock


class StoreClock:
    """The store's clock (LocalStore's `clock`: a callable giving the time as stored text), set to a
    chosen moment and moved by the test (the visit, then an amendment days later)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> str:
        return self.now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class FakeClock(Clock):
    """A clock for tests: sleeping moves time forward at once, so hours of backoff take no real time."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC)
        self._lock = threading.Lock()
        self.slept: list[float] = []

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)

    def sleep(self, seconds: float, cancel: threading.Event | None = None) -> None:
        self.slept.append(seconds)
        if seconds > 0:
            self.advance(seconds)
