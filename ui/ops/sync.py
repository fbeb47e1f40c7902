"""What sync has left in the store, read for the screens: the status line, why each outbox item
waits, and putting a refused item back in the queue. Sync itself runs on the network pool
(`ui.sync_controller`); these read or touch only the store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from outreach import services
from outreach.store.local_store import LocalStore
from ui.ops.home import HomeData, OutboxPage, load_home, load_outbox
from ui.ops.reviews import ReviewLine, load_reviews
from ui.tasks import blocking


@dataclass(frozen=True)
class SyncSnapshot:
    """What the status line needs from the store, read on the store worker."""

    waiting: int  # outbox items not yet on the shared record
    needs_worker: int  # of those, refused or waiting for consent: they will not go by themselves
    last_sync_at: str | None  # when the last run finished (UTC ISO), if ever
    device: dict[str, Any]


@dataclass(frozen=True)
class OutboxDetails:
    """The home list's first page plus, per outbox id, what sync knows about each (holds, words)."""

    page: OutboxPage
    views: dict[str, Any]  # outbox id -> outreach.store.sync_state.OutboxRow


@dataclass(frozen=True)
class HomeWithSync:
    """Everything home shows, read in one store task: the home lists plus what sync knows
    (why each outbox item waits, the reviews, the status line), so home fills in at once."""

    home: HomeData
    outbox_views: dict[str, Any]
    reviews: list[ReviewLine]
    snapshot: SyncSnapshot


@blocking
def load_sync_snapshot(store: LocalStore, rows: list[Any] | None = None) -> SyncSnapshot:
    """`rows`: `services.outbox_lines(store)` when the caller has read it already."""
    from outreach.store import sync_state

    if rows is None:
        rows = services.outbox_lines(store)
    raw = sync_state.get_value(store, sync_state.LAST_SYNC_KEY)
    last: str | None = None
    if raw:
        try:
            last = json.loads(raw).get("finished_at") or None
        except ValueError:
            last = None
    return SyncSnapshot(
        waiting=len(rows),
        needs_worker=sum(1 for r in rows if r.waits_for in ("worker", "consent")),
        last_sync_at=last,
        device=sync_state.device_status(store),
    )


@blocking
def load_outbox_details(store: LocalStore) -> OutboxDetails:
    views = {v.outbox_id: v for v in services.outbox_lines(store)}
    return OutboxDetails(load_outbox(store), views)


@blocking
def load_home_with_sync(store: LocalStore) -> HomeWithSync:
    """The outbox view is read once and serves both the outbox list and the status line."""
    rows = services.outbox_lines(store)
    return HomeWithSync(
        home=load_home(store),
        outbox_views={v.outbox_id: v for v in rows},
        reviews=load_reviews(store),
        snapshot=load_sync_snapshot(store, rows),
    )


@blocking
def retry_outbox_item(store: LocalStore, outbox_id: str) -> Any:
    """Put a failed or refused item back in the queue; it goes at the next sync."""
    from outreach.store import sync_state

    return sync_state.retry_item(store, outbox_id)
