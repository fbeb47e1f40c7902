"""Test-only fault injection for the sync fault tests.

Off unless a Faults object is passed to the app/server from Python: nothing on the HTTP
interface can switch a fault on, and the command-line server never creates one.

Each rule fires on the next matching request(s), `times` times (None = until cleared):

    faults = Faults()
    server = start_in_thread(db_url, faults=faults)
    faults.drop_after_commit(method="POST", path="/")   # commit, then lose the response
    faults.unavailable_503(retry_after=2, times=3)
    faults.clear()

Rules are taken first-added-first; `fired` records (kind, method, path) of every fault used.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

DROP_BEFORE_REQUEST = "drop_before_request"
DROP_AFTER_COMMIT = "drop_after_commit"
ERROR_500 = "error_500"
UNAVAILABLE_503 = "unavailable_503"
DELAY = "delay"
MALFORMED_JSON = "malformed_json"
REJECT_TOKEN = "reject_token"
SLOW_WRITE = "slow_write"


@dataclass
class Rule:
    kind: str
    remaining: int | None
    method: str | None = None
    path: str | None = None
    seconds: float = 0.0
    retry_after: int = 1
    release: threading.Event = field(default_factory=threading.Event)  # ends a slow_write early

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (self.path is None or self.path == path)


class Faults:
    """A thread-safe list of planned faults."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[Rule] = []
        self._slow: list[Rule] = []  # every slow_write rule, taken or not, for release_slow_writes
        self.fired: list[tuple[str, str, str]] = []

    def _add(self, rule: Rule) -> Faults:
        if rule.remaining is not None and rule.remaining < 1:
            raise ValueError("times must be at least 1, or None for 'until cleared'")
        with self._lock:
            self._rules.append(rule)
        return self

    def drop_before_request(self, times: int | None = 1) -> Faults:
        """Close the next connection(s) before reading anything (method/path are unknown then)."""
        return self._add(Rule(DROP_BEFORE_REQUEST, times))

    def drop_after_commit(
        self, times: int | None = 1, *, method: str | None = None, path: str | None = None
    ) -> Faults:
        """Process the request fully (committing any write), then close without answering."""
        return self._add(Rule(DROP_AFTER_COMMIT, times, method, path))

    def error_500(
        self, times: int | None = 1, *, method: str | None = None, path: str | None = None
    ) -> Faults:
        """Answer 500 without doing anything."""
        return self._add(Rule(ERROR_500, times, method, path))

    def unavailable_503(
        self,
        retry_after: int = 1,
        times: int | None = 1,
        *,
        method: str | None = None,
        path: str | None = None,
    ) -> Faults:
        """Answer 503 with Retry-After: `retry_after` seconds, without doing anything."""
        return self._add(Rule(UNAVAILABLE_503, times, method, path, retry_after=retry_after))

    def delay(
        self, seconds: float, times: int | None = 1, *, method: str | None = None, path: str | None = None
    ) -> Faults:
        """Wait `seconds` before processing the request normally (for client timeouts)."""
        return self._add(Rule(DELAY, times, method, path, seconds=seconds))

    def malformed_json(
        self, times: int | None = 1, *, method: str | None = None, path: str | None = None
    ) -> Faults:
        """Process the request fully (committing any write), then send a truncated JSON body."""
        return self._add(Rule(MALFORMED_JSON, times, method, path))

    def reject_token(
        self, times: int | None = 1, *, method: str | None = None, path: str | None = None
    ) -> Faults:
        """Answer 401 as if the bearer token had expired, without doing anything."""
        return self._add(Rule(REJECT_TOKEN, times, method, path))

    def slow_write(
        self, seconds: float, times: int | None = 1, *, method: str | None = None, path: str | None = None
    ) -> Faults:
        """Process the request normally but keep its write transaction (and the writer lock)
        open before committing, so another write can arrive meanwhile: for `seconds` at most,
        or until release_slow_writes() (tests need not sleep longer than they must)."""
        rule = Rule(SLOW_WRITE, times, method, path, seconds=seconds)
        with self._lock:
            self._slow.append(rule)
        return self._add(rule)

    def release_slow_writes(self) -> None:
        """Let every slow write that is holding (or will hold) its transaction commit now."""
        with self._lock:
            for rule in self._slow:
                rule.release.set()

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def pending(self) -> int:
        with self._lock:
            return len(self._rules)

    # --- used by the server ------------------------------------------------------------

    def take_connection_drop(self) -> bool:
        return self._take(lambda r: r.kind == DROP_BEFORE_REQUEST, "?", "?") is not None

    def take(self, method: str, path: str) -> Rule | None:
        return self._take(lambda r: r.kind != DROP_BEFORE_REQUEST and r.matches(method, path), method, path)

    def _take(self, pred, method: str, path: str) -> Rule | None:  # type: ignore[no-untyped-def]
        with self._lock:
            for rule in self._rules:
                if pred(rule):
                    if rule.remaining is not None:
                        rule.remaining -= 1
                        if rule.remaining == 0:
                            self._rules.remove(rule)
                    self.fired.append((rule.kind, method, path))
                    return rule
        return None
