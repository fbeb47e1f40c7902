"""Limits and habits of real FHIR servers, which this server can put on to rehearse against.

By default the server is strict and kind: transactions are all or nothing, there are no
quotas, writers wait their turn and a PUT may create a resource with the client's id. Real
servers differ, and a client must cope with how they differ. Each field below switches on one
behaviour seen in widely used servers; all are off by default.

- `transactions="entry-by-entry"`: a transaction is processed like a batch, each entry in its
  own database transaction; the answer is 200 with a status per entry, and references to an
  entry that failed are stored as sent (dangling).
- `max_transaction_entries=N`: a larger transaction is refused whole with 400.
- `write_quota=(n, seconds)`: each device may write n resources per `seconds` (429 beyond).
- `read_quota=(n, seconds)`: each device may make n GET requests per `seconds` (429 beyond).
- `conflict_on_concurrent_writes=True`: a write arriving while another is being written is
  refused with 409 instead of waiting.
- `refuse_client_ids=True`: a PUT may update but not create (404), as where only
  administrators may choose ids.

Tests pass a Behaviours object to `start_in_thread(..., behaviours=...)` and may change its
fields while the server runs; `outreach-server --behave SPEC` builds one from text (see
`parse_behaviours`).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

ATOMIC = "atomic"
ENTRY_BY_ENTRY = "entry-by-entry"
TRANSACTION_MODES = (ATOMIC, ENTRY_BY_ENTRY)

Quota = tuple[int, float]


class TokenBucket:
    """`capacity` tokens, refilled evenly at `capacity` per `per_s` seconds, starting full.

    The usual shape of a server's rate limit: a burst up to the capacity is allowed, after
    that requests go at the refill rate.
    """

    def __init__(self, capacity: int, per_s: float) -> None:
        self.capacity = capacity
        self.per_s = per_s
        self.tokens = float(capacity)
        self.stamp = time.monotonic()

    def _refill(self) -> None:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.capacity / self.per_s)
        self.stamp = now

    def take(self, n: int) -> float:
        """Take n tokens and return 0.0, or take none and return the seconds until n are there."""
        self._refill()
        if self.tokens >= n:
            self.tokens -= n
            return 0.0
        return (n - self.tokens) * self.per_s / self.capacity

    def give_back(self, n: int) -> None:
        """Return tokens for work that was refused after all, so only done work counts."""
        self.tokens = min(self.capacity, self.tokens + n)


def retry_after(wait_s: float) -> str:
    """A Retry-After header value: whole seconds, at least 1 (HTTP has no fractions)."""
    return str(max(1, math.ceil(wait_s)))


@dataclass
class Behaviours:
    """Which real-server behaviours are on. Mutable: tests may switch modes on a running server.

    Quota buckets are kept per device and per quota setting, so changing a quota starts
    fresh, full buckets.
    """

    transactions: str = ATOMIC
    max_transaction_entries: int | None = None
    write_quota: Quota | None = None
    read_quota: Quota | None = None
    conflict_on_concurrent_writes: bool = False
    refuse_client_ids: bool = False
    _buckets: dict[tuple[str, str, Quota], TokenBucket] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check(self)

    @property
    def entry_by_entry(self) -> bool:
        return self.transactions == ENTRY_BY_ENTRY

    def take_writes(self, device: str, n: int) -> float:
        """Take n writes from the device's write quota: 0.0 if allowed, else seconds to wait."""
        return self._take("write", self.write_quota, device, n)

    def give_back_writes(self, device: str, n: int) -> None:
        """Return writes that were refused for another reason (nothing was written)."""
        quota = self.write_quota
        if quota is None or n <= 0:
            return
        with self._lock:
            bucket = self._buckets.get(("write", device, quota))
            if bucket is not None:
                bucket.give_back(n)

    def take_read(self, device: str) -> float:
        """Take one request from the device's read quota: 0.0 if allowed, else seconds to wait."""
        return self._take("read", self.read_quota, device, 1)

    def reset_quotas(self) -> None:
        """Refill every bucket (tests that reuse a server)."""
        with self._lock:
            self._buckets.clear()

    def _take(self, kind: str, quota: Quota | None, device: str, n: int) -> float:
        if quota is None or n <= 0:
            return 0.0
        with self._lock:
            bucket = self._buckets.get((kind, device, quota))
            if bucket is None:
                bucket = self._buckets[(kind, device, quota)] = TokenBucket(*quota)
            return bucket.take(n)

    def describe(self) -> str:
        """The behaviours that are on, in the --behave syntax ('' when none)."""
        parts = []
        if self.entry_by_entry:
            parts.append(ENTRY_BY_ENTRY)
        if self.max_transaction_entries is not None:
            parts.append(f"max-entries={self.max_transaction_entries}")
        if self.write_quota is not None:
            parts.append(f"write-quota={_quota_text(self.write_quota)}")
        if self.read_quota is not None:
            parts.append(f"read-quota={_quota_text(self.read_quota)}")
        if self.conflict_on_concurrent_writes:
            parts.append("conflict-on-concurrent-writes")
        if self.refuse_client_ids:
            parts.append("refuse-client-ids")
        return ",".join(parts)


def check(b: Behaviours) -> None:
    """Refuse settings that cannot mean anything, so a typo fails at start rather than silently."""
    if b.transactions not in TRANSACTION_MODES:
        raise ValueError(
            f"transactions must be one of {', '.join(TRANSACTION_MODES)}, not {b.transactions!r}"
        )
    if b.max_transaction_entries is not None and b.max_transaction_entries < 1:
        raise ValueError("max_transaction_entries must be at least 1")
    for name in ("write_quota", "read_quota"):
        quota = getattr(b, name)
        if quota is not None and (len(quota) != 2 or quota[0] < 1 or not quota[1] > 0):
            raise ValueError(f"{name} must be (requests >= 1, seconds > 0), not {quota!r}")


def _quota_text(quota: Quota) -> str:
    return f"{quota[0]}/{quota[1]:g}"


def _parse_quota(name: str, text: str) -> Quota:
    count, slash, seconds = text.partition("/")
    try:
        quota = (int(count), float(seconds if slash else "1"))
    except ValueError:
        raise ValueError(f"{name} takes COUNT/SECONDS such as 20/1, not {text!r}") from None
    return quota


_FLAGS = {
    ATOMIC: ("transactions", ATOMIC),
    ENTRY_BY_ENTRY: ("transactions", ENTRY_BY_ENTRY),
    "conflict-on-concurrent-writes": ("conflict_on_concurrent_writes", True),
    "refuse-client-ids": ("refuse_client_ids", True),
}
SPEC_HELP = (
    "comma-separated: entry-by-entry, max-entries=N, write-quota=N/SECONDS, read-quota=N/SECONDS, "
    "conflict-on-concurrent-writes, refuse-client-ids"
)


def parse_behaviours(spec: str) -> Behaviours:
    """Behaviours from the command-line syntax, e.g. 'entry-by-entry,max-entries=10,write-quota=20/1'."""
    values: dict[str, object] = {}
    for raw in spec.split(","):
        item = raw.strip()
        if not item:
            continue
        name, eq, value = item.partition("=")
        if not eq and name in _FLAGS:
            attr, flag = _FLAGS[name]
            values[attr] = flag
        elif eq and name == "max-entries":
            try:
                values["max_transaction_entries"] = int(value)
            except ValueError:
                raise ValueError(f"max-entries takes a whole number, not {value!r}") from None
        elif eq and name in ("write-quota", "read-quota"):
            values[name.replace("-", "_")] = _parse_quota(name, value)
        else:
            raise ValueError(f"unknown behaviour {item!r}; known: {SPEC_HELP}")
    return Behaviours(**values)  # type: ignore[arg-type]
