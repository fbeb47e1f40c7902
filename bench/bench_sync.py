#!/usr/bin/env python3
"""Benchmark: pushing the outbox to the reference shared-record server on loopback.

    .venv/bin/python bench/bench_sync.py [--checks 1000] [--concurrency 6] [--latency-sample 200]

Makes a store of synthetic finalised checks (the demo-data machinery, real vault and
real mapping), then in the same run:

1. baseline: the same bundles, built beforehand, POSTed one after another with a plain
   `requests` loop to a fresh server;
2. the sync engine pushing every check to another fresh server: consent check, bundle
   built from the encrypted store, durable "sending" and "sent" marks, the pool of
   concurrent requests. Prints checks per second and the ratio engine / baseline
   (target <= 1.5);
3. both again with 100 ms added to every POST by the server's delay hook. The baseline
   would take checks x round trip; it is timed on a sample (`--latency-sample`) and
   scaled. The engine pushes all checks: its total time must stay far below
   checks x round trip because several checks travel at once (each still succeeding or
   failing on its own).
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
from outreach.store.crypto import TEST_KDF
from outreach.store.demo_data import fill_demo_data
from outreach.store.local_store import LocalStore
from sync.engine import SyncConfig, SyncEngine
from sync.push import product_bundle_builder
from sync.server.faults import Faults
from sync.server.serving import RunningServer, start_in_thread

USER = "Bench Admin"
PASSPHRASE = "synthetic benchmark passphrase"
ORG = "Bench outreach service"
LATENCY_S = 0.1


def make_store(folder: Path, checks: int) -> LocalStore:
    store = LocalStore.create(folder, admin_name=USER, admin_passphrase=PASSPHRASE, kdf=TEST_KDF)
    fill_demo_data(store, people=checks, checks_per_person=1, seed=3)
    with store.db.write():
        for item in store.outbox.list():
            person = store.checks.get(item.check_id).person_id
            services.record_consent(store, person, "check", True)
            services.record_consent(store, person, "gp", True)
    return store


def plain_loop(server: RunningServer, token: str, bundles: list[dict[str, Any]]) -> float:
    session = requests.Session()
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/fhir+json",
        "Accept": "application/fhir+json",
        "Prefer": "return=minimal",
    }
    started = time.perf_counter()
    for bundle in bundles:
        r = session.post(server.url + "/", json=bundle, headers=headers, timeout=60)
        if r.status_code != 200:
            raise SystemExit(f"baseline POST failed: {r.status_code} {r.text[:200]}")
    elapsed = time.perf_counter() - started
    session.close()
    return elapsed


def engine_push(store: LocalStore, server: RunningServer, token: str, concurrency: int) -> tuple[float, int]:
    # Back to the queue (a fresh server): the engine sends everything again from scratch.
    with store.db.write() as conn:
        conn.exec_driver_sql(
            "UPDATE outbox SET state='queued', attempts=0, next_attempt_at=NULL, last_error=NULL"
        )
        conn.exec_driver_sql("DELETE FROM sync_server_refs")
    config = SyncConfig(server_url=server.url, concurrency=concurrency, organisation_name=ORG)
    engine = SyncEngine(store, config, token)
    started = time.perf_counter()
    report = engine.run_once()
    elapsed = time.perf_counter() - started
    if report.pending:
        raise SystemExit(f"engine left {report.pending} items in the outbox: {report.lines()}")
    return elapsed, report.sent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=6)
    parser.add_argument("--latency-sample", type=int, default=200)
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
        print(
            f"bundles: {len(bundles)} built in {build_s:.1f} s ({sum(len(b['entry']) for b in bundles) / len(bundles):.1f} "
            "resources each; the baseline gets them for free)"
        )

        def server(name: str) -> tuple[RunningServer, str]:
            running = start_in_thread(f"sqlite:///{base / name}.db", faults=Faults())
            return running, running.add_device("Bench laptop")

        s1, tok1 = server("plain")
        plain_s = plain_loop(s1, tok1, bundles)
        s1.stop()
        s2, tok2 = server("engine")
        engine_s, sent = engine_push(store, s2, tok2, args.concurrency)
        s2.stop()
        n = len(bundles)
        print(f"\nno added latency ({n} checks)")
        print(f"  plain requests loop : {plain_s:7.2f} s  {n / plain_s:7.1f} checks/s")
        print(
            f"  sync engine         : {engine_s:7.2f} s  {sent / engine_s:7.1f} checks/s  (concurrency {args.concurrency})"
        )
        print(f"  ratio engine/plain  : {engine_s / plain_s:7.2f}  (target <= 1.5)")

        sample = bundles[: args.latency_sample]
        s3, tok3 = server("plain-latency")
        s3.faults.delay(LATENCY_S, times=None, method="POST", path="/")
        plain_lat_s = plain_loop(s3, tok3, sample) * (n / len(sample))
        s3.stop()
        s4, tok4 = server("engine-latency")
        s4.faults.delay(LATENCY_S, times=None, method="POST", path="/")
        engine_lat_s, sent = engine_push(store, s4, tok4, args.concurrency)
        s4.stop()
        print(f"\n+{LATENCY_S * 1000:.0f} ms per request ({n} checks)")
        print(f"  checks x added latency alone : {n * LATENCY_S:7.1f} s")
        print(f"  plain requests loop          : {plain_lat_s:7.1f} s  (timed on {len(sample)}, scaled)")
        print(f"  sync engine                  : {engine_lat_s:7.1f} s  {sent / engine_lat_s:7.1f} checks/s")
        print(
            f"  engine time grew by          : {engine_lat_s - engine_s:7.1f} s  (the plain loop by "
            f"{plain_lat_s - plain_s:.1f} s; checks x latency = {n * LATENCY_S:.1f} s)"
        )
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
