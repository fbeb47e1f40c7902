#!/usr/bin/env python3
"""Benchmark: a supervisor's laptop pulls the team's 10,000 synced checks (issue 9).

    .venv/bin/python bench/bench_team.py [--checks 10000] [--page-size 500] [--runs 40]

1. A shared record (the reference server, a temporary SQLite file) is filled with --checks
   checks as the product sends them: a few synthetic worker checks are mapped by the real
   mapping (`outreach.fhir.bundle.check_bundle`), each copy with its own ids, person (synthetic
   NHS number), worker (12), venue (20) and visit date (the last 18 months), and written through
   the server's store API in one transaction per check (no HTTP: seeding is not what is timed).
2. The server is started in its own process, on loopback, as a laptop would meet it.
3. In a fresh process, a supervisor's store pulls everything with the real team pull
   (`sync.team_pull.TeamPuller`, every type paged by --page-size, assembled and sealed): time,
   and peak memory (the process's peak resident size, less what it held before the pull).
4. In another fresh process, a plain `requests` loop downloads the same pages (same searches,
   same page size, following next links, each body parsed as JSON) and does nothing else: the
   ratio says what the pull costs beyond the network and the server.
5. The review queue on the pulled store: opening it (count, choices for the filter boxes, first
   page of 50) and filtering (by state, worker, venue, visit dates), each repeated --runs times:
   median and p95 in ms. Target: p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSPHRASE = "correct horse battery staple"
SUPERVISOR = "Benchsuper Visor"
WORKERS = [f"Benchworker {n:02d}" for n in range(1, 13)]
VENUES = [f"Bench venue {n:02d}" for n in range(1, 21)]


def _rss_kb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux


# -- 1. the shared record ----------------------------------------------------------------------------


def seed(db_path: Path, checks: int, *, templates: int = 60) -> tuple[float, str]:
    """Fill the server's database; returns (seconds, the supervisor device's token)."""
    from outreach import services
    from outreach.checks.definition import default_definition
    from outreach.clinical.service_directory import load_service_directory
    from outreach.demo_data import fill_demo_data, synthetic_nhs_numbers
    from outreach.fhir.bundle import Sender, check_bundle
    from outreach.store.crypto import TEST_KDF
    from outreach.store.local_store import LocalStore
    from outreach.store.records import VenueRecord
    from sync.server.serving import start_in_thread
    from sync.server.store import WriteRequest

    work = Path(tempfile.mkdtemp(prefix="bench-team-worker-"))
    store = LocalStore.create(
        work / "laptop", admin_name=WORKERS[0], admin_passphrase=PASSPHRASE, kdf=TEST_KDF
    )
    fill_demo_data(store, people=templates, checks_per_person=1, seed=9)
    people = {store.checks.get(i.check_id).person_id for i in store.outbox.list()}
    for person_id in people:
        services.record_consent(store, person_id, "check", True)
        services.record_consent(store, person_id, "gp", True)
    pool = []
    for item in store.outbox.list():
        check = store.checks.get(item.check_id)
        pool.append((check, store.people.get(check.person_id), store.checks.findings(check.id),
                     store.follow_ups.for_check(check.id), store.consents.history(check.person_id)))
    store.close()

    definition = default_definition()
    directory = load_service_directory()
    rng = random.Random(42)
    numbers = synthetic_nhs_numbers(rng.randrange(0, 400_000))
    venues = [VenueRecord(str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-venue/{v}")), v) for v in VENUES]
    senders = {w: Sender(organisation_name="Bench outreach service",
                         device_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-laptop/{w}")),
                         device_name=f"Laptop of {w}") for w in WORKERS}
    today = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)
    server = start_in_thread(f"sqlite:///{db_path}")
    try:
        for w in WORKERS:
            server.add_device(f"Laptop of {w}")
        token = server.add_device("Supervisor laptop", "supervisor")
        started = time.perf_counter()
        batch: list[Any] = []
        in_batch: set[str] = set()
        for n in range(checks):
            check, person, findings, follow_ups, consents = pool[n % len(pool)]
            visit = today - timedelta(days=rng.randrange(0, 540), minutes=rng.randrange(0, 480))
            stamp = visit.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            done = (visit + timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            worker = WORKERS[rng.randrange(len(WORKERS))]
            pid, cid = str(uuid.uuid4()), str(uuid.uuid4())
            details = dataclasses.replace(person.details, nhs_number=next(numbers),
                                          family_name=f"{person.details.family_name}{n}")
            new_person = dataclasses.replace(person, id=pid, details=details)
            new_check = dataclasses.replace(check, id=cid, person_id=pid, created_at=stamp, updated_at=done,
                                            finalised_at=done, finalised_by=worker, created_by=worker)
            ids = {f.id: str(uuid.uuid4()) for f in findings}
            new_findings = [dataclasses.replace(f, id=ids[f.id], check_id=cid) for f in findings]
            new_follow_ups = [dataclasses.replace(f, id=str(uuid.uuid4()), check_id=cid, person_id=pid,
                                                  finding_id=ids.get(f.finding_id, f.finding_id))
                              for f in follow_ups]
            new_consents = [dataclasses.replace(c, id=str(uuid.uuid4()), person_id=pid, recorded_at=stamp,
                                                check_id=cid if c.check_id else None) for c in consents]
            made = check_bundle(new_check, new_person, findings=new_findings, follow_ups=new_follow_ups,
                                consents=new_consents, sender=senders[worker],
                                venue=venues[rng.randrange(len(venues))], definition=definition,
                                directory=directory)
            for e in made.bundle["entry"]:
                if e["fullUrl"] in in_batch:
                    continue  # the organisation, a laptop, a worker or a venue another check here names
                in_batch.add(e["fullUrl"])
                batch.append(WriteRequest("POST", e["request"]["url"], e["resource"],
                                          if_none_exist=e["request"]["ifNoneExist"], full_url=e["fullUrl"]))
            if len(batch) >= 300 or n == checks - 1:
                # The mapping's bundles are valid FHIR (the mapping's tests prove it), so they go
                # straight to the server's store, several checks a transaction: seeding is not timed.
                server.store.write(batch, device=f"Laptop of {worker}", bundle=True)
                batch, in_batch = [], set()
            if n and n % 1000 == 0:
                print(f"  seeded {n} checks ({time.perf_counter() - started:.0f} s)", flush=True)
        return time.perf_counter() - started, token
    finally:
        server.stop()


# -- 2. the server in its own process -------------------------------------------------------------------


def serve(db_path: str) -> None:
    from sync.server.serving import start_in_thread

    server = start_in_thread(f"sqlite:///{db_path}")
    print(server.url, flush=True)
    try:
        sys.stdin.read()  # until the parent closes our stdin
    finally:
        server.stop()


# -- 3. the team pull in a fresh process ------------------------------------------------------------------


def pull(url: str, token: str, folder: str, page_size: int) -> None:
    from outreach.store.crypto import TEST_KDF
    from outreach.store.local_store import LocalStore
    from outreach.store.team_repo import check_count
    from sync.http import FhirHttp
    from sync.team_pull import TeamPuller

    store = LocalStore.create(Path(folder), admin_name=SUPERVISOR, admin_passphrase=PASSPHRASE, kdf=TEST_KDF)
    http = FhirHttp(url, token, timeout=(5.0, 120.0))
    puller = TeamPuller(store, http, page_size=page_size)  # definition and rules loaded here, not timed
    before = _rss_kb()
    started = time.perf_counter()
    report = puller.pull()
    seconds = time.perf_counter() - started
    peak = _rss_kb()
    http.close()
    out = {"seconds": seconds, "rss_before_kb": before, "rss_peak_kb": peak, "assembled": report.assembled,
           "received": sum(p.received for p in report.pulled), "pages": sum(p.pages for p in report.pulled),
           "waiting": report.waiting, "checks": check_count(store),
           "db_bytes": sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())}
    with store.db.read() as conn:
        size = conn.exec_driver_sql("PRAGMA page_size").scalar_one()
        free = conn.exec_driver_sql("PRAGMA freelist_count").scalar_one()
    out["free_bytes"] = int(size) * int(free)  # room left by staged parts, reused by the next pulls
    store.close()
    print(json.dumps(out), flush=True)


def plain(url: str, token: str, page_size: int) -> None:
    import requests

    from sync.team_pull import SEARCH_FILTERS, TEAM_TYPES

    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/fhir+json"})
    before = _rss_kb()
    started = time.perf_counter()
    received = pages = 0
    for rtype in TEAM_TYPES:
        next_url: str | None = f"{url}/{rtype}"
        params: dict[str, str] | None = {"_sort": "_lastUpdated", "_count": str(page_size),
                                         **SEARCH_FILTERS.get(rtype, {})}
        while next_url:
            body = session.get(next_url, params=params, timeout=120).json()
            pages += 1
            entries = body.get("entry") or []
            received += len(entries)
            next_url = next(
                (link["url"] for link in body.get("link", []) if link.get("relation") == "next"), None
            )
            params = None
            if not entries:
                break
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "received": received, "pages": pages, "rss_before_kb": before,
                      "rss_peak_kb": _rss_kb()}), flush=True)


# -- 5. the queue on the pulled store ------------------------------------------------------------------


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"median {statistics.median(ordered) * 1000:6.1f} ms, p95 {p95 * 1000:6.1f} ms"


def queue_figures(folder: Path, runs: int) -> dict[str, tuple[list[float], int]]:
    from outreach.store.crypto import TEST_KDF
    from outreach.store.local_store import LocalStore
    from outreach.team.queue import dashboard_checks, queue_choices, queue_count, queue_page
    from outreach.team.records import APPROVED, RECEIVED, RESUBMITTED, RETURNED, QueueFilter

    store = LocalStore.open(folder, kdf=TEST_KDF)
    store.unlock(SUPERVISOR, PASSPHRASE)
    today = date.today()
    filters = [
        QueueFilter(states=frozenset({RECEIVED})),
        QueueFilter(worker=WORKERS[3]),
        QueueFilter(venue=VENUES[7]),
        QueueFilter(date_from=today - timedelta(days=90), date_to=today),
        QueueFilter(worker=WORKERS[5], venue=VENUES[2], states=frozenset({RECEIVED, RESUBMITTED})),
        QueueFilter(states=frozenset({RETURNED, APPROVED})),
    ]
    out: dict[str, tuple[list[float], int]] = {}
    opened: list[float] = []
    shown = 0
    for _ in range(runs):
        t = time.perf_counter()
        total = queue_count(store, QueueFilter())
        queue_choices(store)
        rows = queue_page(store, QueueFilter(), 0, 50)
        opened.append(time.perf_counter() - t)
        shown = total if rows else 0
    out["open (count + filter choices + first 50 rows)"] = (opened, shown)
    filtered: list[float] = []
    counts = []
    for n in range(runs):
        flt = filters[n % len(filters)]
        t = time.perf_counter()
        total = queue_count(store, flt)
        queue_page(store, flt, 0, 50)
        filtered.append(time.perf_counter() - t)
        counts.append(total)
    out["filter (count + first 50 rows)"] = (filtered, int(statistics.mean(counts)))
    scrolled: list[float] = []
    for n in range(runs):
        t = time.perf_counter()
        queue_page(store, QueueFilter(), 50 * (n + 1), 50)
        scrolled.append(time.perf_counter() - t)
    out["next page of 50"] = (scrolled, 50)
    board: list[float] = []
    for _ in range(3):
        t = time.perf_counter()
        checks = dashboard_checks(store)
        board.append(time.perf_counter() - t)
    out["dashboard_checks (every chain, newest version)"] = (board, len(checks))
    store.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--checks", type=int, default=10_000)
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--pull", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--plain", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument(
        "--shared-db", help="reuse a shared record seeded by an earlier run (its SQLite file)"
    )
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    if args.pull:
        pull(*args.pull, page_size=args.page_size)
        return
    if args.plain:
        plain(*args.plain, page_size=args.page_size)
        return

    work = Path(tempfile.mkdtemp(prefix="bench-team-"))
    if args.shared_db:
        from sync.server.serving import start_in_thread

        db_path = Path(args.shared_db)
        enrol = start_in_thread(f"sqlite:///{db_path}")
        token = enrol.add_device(f"Supervisor laptop {uuid.uuid4().hex[:8]}", "supervisor")
        enrol.stop()
        print(f"Reusing the shared record in {db_path}", flush=True)
    else:
        db_path = work / "shared.db"
        print(f"Seeding the shared record with {args.checks} checks ...", flush=True)
        seeded_s, token = seed(db_path, args.checks)
        print(f"  done in {seeded_s:.0f} s ({args.checks / seeded_s:.0f} checks/s); reuse it with "
              f"--shared-db {db_path}", flush=True)
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(db_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        me = [sys.executable, __file__, "--page-size", str(args.page_size)]
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        def plain_once() -> dict[str, Any]:
            run = subprocess.run(
                [*me, "--plain", url, token], capture_output=True, text=True, check=True, env=env
            )
            return dict(json.loads(run.stdout.strip().splitlines()[-1]))

        # Plain, pull, plain: the machine's load drifts (other work shares its cores), so the pull
        # is compared with the mean of a plain run before and after it.
        plain_runs = [plain_once()]
        folder = work / "supervisor"
        pulled = subprocess.run(
            [*me, "--pull", url, token, str(folder)], capture_output=True, text=True, env=env, check=False
        )
        if pulled.returncode:
            sys.exit(f"The team pull failed:\n{pulled.stderr[-3000:]}")
        pull_run = json.loads(pulled.stdout.strip().splitlines()[-1])
        plain_runs.append(plain_once())
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=30)
    print()
    print(f"Team pull of {args.checks} checks (page size {args.page_size}, server in its own process):")
    print(f"  team pull:     {pull_run['seconds']:7.1f} s  {pull_run['received']} records in "
          f"{pull_run['pages']} "
          f"pages, {pull_run['checks']} checks assembled, {pull_run['waiting']} waiting")
    plain_run = plain_runs[0]
    plain_s = statistics.mean(r["seconds"] for r in plain_runs)
    each = ", ".join(f"{r['seconds']:.1f} s" for r in plain_runs)
    print(f"  plain requests:{plain_s:7.1f} s  {plain_run['received']} records in {plain_run['pages']} pages "
          f"(download and JSON parse only; runs before and after the pull: {each})")
    print(f"  ratio pull / plain download: {pull_run['seconds'] / plain_s:.2f}")
    grown = (pull_run["rss_peak_kb"] - pull_run["rss_before_kb"]) / 1024
    plain_grown = (plain_run["rss_peak_kb"] - plain_run["rss_before_kb"]) / 1024
    print(f"  peak memory: pull process {pull_run['rss_peak_kb'] / 1024:.0f} MiB "
          f"(+{grown:.0f} MiB during the pull); plain loop {plain_run['rss_peak_kb'] / 1024:.0f} MiB "
          f"(+{plain_grown:.0f} MiB)")
    print(f"  supervisor store on disk: {pull_run['db_bytes'] / 1e6:.0f} MB, of which "
          f"{pull_run['free_bytes'] / 1e6:.0f} MB free pages (staged parts, dropped once assembled)")
    print()
    print(f"Review queue on the pulled store ({args.runs} runs each):")
    for name, (samples, n) in queue_figures(work / "supervisor", args.runs).items():
        print(f"  {name:48s} {_ms(samples)}   ({n} rows)")


if __name__ == "__main__":
    main()
