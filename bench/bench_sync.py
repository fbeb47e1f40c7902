#!/usr/bin/env python3
"""Benchmark: pushing the outbox to the reference shared-record server on loopback.

    .venv/bin/python bench/bench_sync.py [--checks 300] [--concurrency 6] [--quota 300]

Makes a store of synthetic finalised checks (the demo-data machinery, real vault and real
mapping), then, in the same run and each against a fresh server:

1. the server's strict default (atomic transactions, no limits):
   a. baseline A: each check's whole bundle as ONE transaction, POSTed one after another
      with a plain `requests` loop (the least work a server can be given; safe only on a
      server known to be atomic);
   b. baseline B: the same dependency-ordered parts the engine sends, POSTed one after
      another by a plain loop that rewrites references from the answers (no store, no
      durability, no lookups);
   c. the sync engine: consent check, bundle built from the encrypted store, durable
      "sending" mark, parts in a pool of concurrent requests, every entry's status read and
      its location stored, "sent" only when all are confirmed;
   d. the sync engine with `sync_transactions = "whole"` (one transaction per check, for a
      server IT has confirmed is atomic), against A;
2. a per-entry write quota (transactions processed entry by entry, `--quota` writes per
   second per device, 429 per entry beyond it): baseline B (retrying refused entries after
   a short pause) against the engine.

Prints checks per second and the ratios engine / baseline in each mode.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests

from outreach import services
from outreach.demo_data import fill_demo_data
from outreach.store.crypto import TEST_KDF
from outreach.store.local_store import LocalStore
from sync import parts
from sync.engine import SyncConfig, SyncEngine
from sync.push import product_bundle_builder
from sync.server.behaviours import Behaviours
from sync.server.faults import Faults
from sync.server.serving import RunningServer, start_in_thread

USER = "Bench Admin"
PASSPHRASE = "synthetic benchmark passphrase"
ORG = "Bench outreach service"


def make_store(folder: Path, checks: int) -> LocalStore:
    store = LocalStore.create(folder, admin_name=USER, admin_passphrase=PASSPHRASE, kdf=TEST_KDF)
    fill_demo_data(store, people=checks, checks_per_person=1, seed=3)
    with store.db.write():
        for item in store.outbox.list():
            person = store.checks.get(item.check_id).person_id
            services.record_consent(store, person, "check", True)
            services.record_consent(store, person, "gp", True)
    return store


def _session(token: str) -> requests.Session:
    session = requests.Session()
    session.headers.update(
        {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/fhir+json",
            "Accept": "application/fhir+json",
            "Prefer": "return=OperationOutcome",
        }
    )
    return session


def whole_bundles(server: RunningServer, token: str, bundles: list[dict[str, Any]]) -> float:
    """Baseline A: one transaction per check."""
    session = _session(token)
    started = time.perf_counter()
    for bundle in bundles:
        r = session.post(server.url + "/", json=bundle, timeout=60)
        if r.status_code != 200:
            raise SystemExit(f"baseline POST failed: {r.status_code} {r.text[:200]}")
    elapsed = time.perf_counter() - started
    session.close()
    return elapsed


def plain_parts(server: RunningServer, token: str, bundles: list[dict[str, Any]]) -> tuple[float, int]:
    """Baseline B: the engine's parts, one request at a time, refused entries resent after a pause."""
    session = _session(token)
    confirmed: dict[str, str] = {}
    requests_made = 0
    started = time.perf_counter()
    for bundle in bundles:
        entries = parts.entries_of(bundle)
        while any(e.full_url not in confirmed for e in entries):
            part = parts.ready(entries, confirmed)[:100]
            r = session.post(server.url + "/", json=parts.part_bundle(part, confirmed), timeout=60)
            requests_made += 1
            if r.status_code == 429:
                time.sleep(float(r.headers.get("Retry-After", "1")))
                continue
            if r.status_code != 200:
                raise SystemExit(f"baseline POST failed: {r.status_code} {r.text[:200]}")
            result = parts.read_answer(part, r.json())
            confirmed.update(result.confirmed)
            if result.failed or result.unclear:
                time.sleep(0.1)
    elapsed = time.perf_counter() - started
    session.close()
    return elapsed, requests_made


def engine_push(
    store: LocalStore, server: RunningServer, token: str, concurrency: int, *, whole: bool = False
) -> tuple[float, int]:
    # Back to the queue (a fresh server): the engine sends everything again from scratch.
    with store.db.write() as conn:
        conn.exec_driver_sql(
            "UPDATE outbox SET state='queued', attempts=0, next_attempt_at=NULL, last_error=NULL"
        )
        conn.exec_driver_sql("DELETE FROM sync_server_refs")
        conn.exec_driver_sql("DELETE FROM sync_entries")
    config = SyncConfig(
        server_url=server.url,
        concurrency=concurrency,
        organisation_name=ORG,
        max_passes=50,
        max_wait_s=30.0,
        whole_transactions=whole,
    )
    engine = SyncEngine(store, config, token)
    started = time.perf_counter()
    report = engine.run_once()
    elapsed = time.perf_counter() - started
    if report.pending:
        raise SystemExit(f"engine left {report.pending} items in the outbox: {report.lines()}")
    return elapsed, report.sent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=6)
    parser.add_argument(
        "--quota", type=int, default=300, help="writes per second per device in the quota mode"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        base = Path(tmp)
        t0 = time.perf_counter()
        store = make_store(base / "laptop", args.checks)
        print(f"store: {args.checks} synthetic finalised checks made in {time.perf_counter() - t0:.1f} s")
        build = product_bundle_builder(ORG)
        t0 = time.perf_counter()
        bundles = [build(store, item) for item in store.outbox.list()]
        build_s = time.perf_counter() - t0
        n = len(bundles)
        per_check = sum(len(b["entry"]) for b in bundles) / n
        print(
            f"bundles: {n} built in {build_s:.1f} s ({per_check:.1f} resources each; the baselines get them "
            "free)"
        )

        def server(name: str, behaviours: Behaviours | None = None) -> tuple[RunningServer, str]:
            running = start_in_thread(f"sqlite:///{base / name}.db", faults=Faults(), behaviours=behaviours)
            return running, running.add_device("Bench laptop")

        s, tok = server("whole")
        whole_s = whole_bundles(s, tok, bundles)
        s.stop()
        s, tok = server("parts")
        parts_s, parts_requests = plain_parts(s, tok, bundles)
        s.stop()
        s, tok = server("engine")
        engine_s, sent = engine_push(store, s, tok, args.concurrency)
        s.stop()
        s, tok = server("engine-whole")
        whole_engine_s, whole_sent = engine_push(store, s, tok, args.concurrency, whole=True)
        s.stop()
        print(f"\nstrict server (atomic, no limits), {n} checks")
        print(
            f"  A: whole bundles, plain loop : {whole_s:7.2f} s  {n / whole_s:6.1f} checks/s  ({n} requests)"
        )
        print(
            f"  B: same parts, plain loop    : {parts_s:7.2f} s  {n / parts_s:6.1f} checks/s  "
            f"({parts_requests} requests)"
        )
        print(
            f"  sync engine                  : {engine_s:7.2f} s  {sent / engine_s:6.1f} checks/s  "
            f"(concurrency {args.concurrency})"
        )
        print(f"  ratio engine / A             : {engine_s / whole_s:7.2f}")
        print(f"  ratio engine / B             : {engine_s / parts_s:7.2f}")
        print(
            f"  sync engine, whole checks    : {whole_engine_s:7.2f} s  {whole_sent / whole_engine_s:6.1f} "
            "checks/s  "
            '(sync_transactions = "whole", for servers known to be atomic)'
        )
        print(f"  ratio engine (whole) / A     : {whole_engine_s / whole_s:7.2f}")

        def quota() -> Behaviours:
            return Behaviours(transactions="entry-by-entry", write_quota=(args.quota, 1.0))

        s, tok = server("parts-quota", quota())
        q_parts_s, q_requests = plain_parts(s, tok, bundles)
        s.stop()
        s, tok = server("engine-quota", quota())
        q_engine_s, q_sent = engine_push(store, s, tok, args.concurrency)
        s.stop()
        floor = n * per_check / args.quota
        print(f"\nper-entry write quota ({args.quota} writes/s, entry by entry, 429 per entry), {n} checks")
        print(
            f"  the quota alone allows       : {floor:7.2f} s at best (records / quota, less the first burst)"
        )
        print(
            f"  B: same parts, plain loop    : {q_parts_s:7.2f} s  {n / q_parts_s:6.1f} checks/s  "
            f"({q_requests} requests)"
        )
        print(f"  sync engine                  : {q_engine_s:7.2f} s  {q_sent / q_engine_s:6.1f} checks/s")
        print(f"  ratio engine / B             : {q_engine_s / q_parts_s:7.2f}")
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
