"""The app locking while sync reads a check stops the run; it never marks the check refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from outreach.errors import LockedError, ValidationError
from outreach.store import sync_state
from outreach.store.local_store import LocalStore
from outreach.store.records import OutboxItem
from sync.engine import SyncEngine


def _locked(store: LocalStore, item: OutboxItem) -> dict[str, object]:
    raise LockedError("The app is locked: unlock it to continue.")


def test_a_lock_while_a_check_is_built_stops_the_run_and_leaves_it_queued(
    store: LocalStore, engine_for: Callable[..., SyncEngine]
) -> None:
    before = {item.id: item.state for item in store.outbox.list()}
    with pytest.raises(LockedError):
        engine_for(store, builder=_locked, concurrency=1).run_once()
    after = store.outbox.list()
    assert {item.id: item.state for item in after} == before  # all still queued
    assert sync_state.holds(store) == {}


def test_a_check_that_cannot_be_built_is_still_held_as_refused(
    store: LocalStore, engine_for: Callable[..., SyncEngine]
) -> None:
    """The other side of the line: a real refusal to build is held for the worker, as before."""

    def cannot_build(store: LocalStore, item: OutboxItem) -> dict[str, object]:
        raise ValidationError("It names a venue that is not in the store.")

    engine_for(store, builder=cannot_build, concurrency=1).run_once()
    items = store.outbox.list()
    assert sync_state.holds(store) == {item.id: sync_state.HOLD_REFUSED for item in items}
