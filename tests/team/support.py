"""Two laptops and the real reference server, for the supervisor's tests.

A worker's laptop (a user with the worker role, synthetic checks shared with the GP) and a
supervisor's laptop (a user with the supervisor role), each with its own encrypted store and a
device token of its role; engines run on a fake clock so backoff takes no real time.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from outreach import services
from outreach.checks.definition import default_definition
from outreach.clinical.findings import load_rules
from outreach.demo_data import fill_demo_data
from outreach.store.crypto import TEST_KDF
from outreach.store.local_store import LocalStore
from sync.backoff import Backoff
from sync.engine import SyncConfig, SyncEngine, SyncReport
from sync.server.serving import RunningServer
from tests.fakes import FakeClock

PASSPHRASE = "correct horse battery staple"
ADMIN = "Testadmin Setup"
WORKER = "Testworker Ann"
SUPERVISOR = "Testsuper Lee"


def add_device(server: RunningServer, name: str, role: str) -> str:
    """Enrol a laptop with its role; its device token."""
    return server.add_device(name, role=role)


def laptop(folder: Path, user: str, role: str) -> LocalStore:
    """A store set up by IT (an admin), unlocked as `user` with `role`."""
    store = LocalStore.create(folder, admin_name=ADMIN, admin_passphrase=PASSPHRASE, kdf=TEST_KDF)
    store.vault.add_user(user, PASSPHRASE, role)
    store.lock()
    store.unlock(user, PASSPHRASE)
    return store


def worker_laptop(folder: Path, *, checks: int, seed: int = 1) -> LocalStore:
    """A worker's laptop with `checks` finalised synthetic checks, each person agreeing to share
    with the GP."""
    store = laptop(folder, WORKER, "worker")
    fill_demo_data(store, people=checks, checks_per_person=1, seed=seed)
    share_all(store)
    return store


def share_all(store: LocalStore) -> None:
    people = {store.checks.get(item.check_id).person_id for item in store.outbox.list()}
    for person_id in people:
        services.record_consent(store, person_id, "check", True)
        services.record_consent(store, person_id, "gp", True)


def engine(store: LocalStore, server: RunningServer, token: str, **config: Any) -> SyncEngine:
    settings: dict[str, Any] = {"timeout": (2.0, 10.0), "max_wait_s": 3600.0, "max_passes": 20, **config}
    cfg = SyncConfig(server_url=server.url, **settings)
    return SyncEngine(
        store, cfg, token, clock=FakeClock(), backoff=Backoff(base_s=2.0, cap_s=60.0, rng=random.Random(3))
    )


def sync(store: LocalStore, server: RunningServer, token: str, **config: Any) -> SyncReport:
    return engine(store, server, token, **config).run_once(now=True)


def amend(store: LocalStore, check_id: str, answers: dict[str, Any], reason: str) -> str:
    """Amend a finalised check (new version, history kept), change answers, finalise; the new id."""
    draft = services.amend_check(store, check_id, reason=reason)
    services.save_answers(store, draft.id, answers)
    done = services.finalise_check(store, draft.id, definition=default_definition(), rules=load_rules())
    return done.check.id
