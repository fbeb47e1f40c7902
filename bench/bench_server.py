#!/usr/bin/env python3
"""Benchmark: the shared-record server under gunicorn, on loopback only.

    .venv/bin/python bench/bench_server.py [--seconds 8] [--clients 8] [--skip-postgres]

1. Throughput: bundles per second, each a transaction of 34 entries (a Patient, an
   Encounter and 32 Observations, every one a conditional create, as the app sends them),
   with 1 and with 4 worker processes, on SQLite and on PostgreSQL. `--clients` threads each
   send new bundles back to back for `--seconds`. The bodies are encoded before the clock
   starts so the client spends as little of the machine as it can.
2. What bounds it: the CPU time the server's processes used per bundle (from /proc), the
   cores the machine has, and the share of the wall time some process held the writer.
3. Fairness: the p95 (and max) latency of a small write (a 5-entry check) from one device
   while another device sends the largest transaction the server allows (500 entries) back
   to back from two threads.

PostgreSQL is a throwaway cluster started for the run (as the tests start one; as root it
runs as the 'postgres' user), with its durable defaults (fsync and synchronous_commit on).
Every run is bounded in time; nothing listens beyond 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests

from sync.server.store import Store
from tests.sync_server.fhir_data import check_bundle, encounter, entry_post, observation, patient, uid

PY = [sys.executable, "-m", "sync.server.cli"]
# As the app sends a check: it reads each entry's status and location, not the stored resources.
HEADERS = {
    "Content-Type": "application/fhir+json",
    "Accept": "application/fhir+json",
    "Prefer": "return=OperationOutcome",
}
CLK_TCK = os.sysconf("SC_CLK_TCK")
DATABASE_PIDS: list[
    int
] = []  # the PostgreSQL postmaster while a cluster runs (its backends are its children)


def bundle(n_entries: int, seed: int) -> bytes:
    """A transaction: a Patient, an Encounter and n-2 Observations, all conditional creates."""
    p = entry_post(patient(seed), f"urn:uuid:{uid()}")
    e = entry_post(encounter(p["fullUrl"]), f"urn:uuid:{uid()}")
    obs = [
        entry_post(observation(p["fullUrl"], e["fullUrl"], kg=60 + i % 40), f"urn:uuid:{uid()}")
        for i in range(n_entries - 2)
    ]
    return json.dumps({"resourceType": "Bundle", "type": "transaction", "entry": [p, e, *obs]}).encode()


# --- databases ------------------------------------------------------------------------------


@contextmanager
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on a free loopback port; yields a database URL."""
    from tests.sync_server.conftest import _pg, _pg_bindir, free_port

    bindir = _pg_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL binaries (initdb, pg_ctl) not found; use --skip-postgres")
    base = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    run_as: list[str] = []
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    if os.geteuid() == 0:
        import pwd

        pw = pwd.getpwnam("postgres")
        os.chown(base, pw.pw_uid, pw.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    data = base / "data"
    init = _pg(
        [
            *run_as,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
        ],
        base,
        env,
    )
    if init.returncode:
        raise SystemExit(f"initdb failed: {init.stderr}")
    port = free_port()
    opts = (f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={base} -c "
            "max_connections=200")
    start = _pg(
        [
            *run_as,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(base / "log"),
            "-w",
            "-o",
            opts,
            "start",
        ],
        base,
        env,
    )
    if start.returncode:
        raise SystemExit(f"PostgreSQL did not start: {start.stderr}")
    try:
        DATABASE_PIDS.append(int((data / "postmaster.pid").read_text().split()[0]))
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        DATABASE_PIDS.clear()
        _pg([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], base, env)
        shutil.rmtree(base, ignore_errors=True)


def fresh(db_url: str, workdir: Path, name: str) -> str:
    """An empty database for one run: a new SQLite file, or the PostgreSQL tables emptied."""
    if db_url == "sqlite":
        return f"sqlite:///{workdir / (name + '.db')}"
    from sync.server import db

    store = Store(db_url)
    with store.engine.begin() as conn:
        db.metadata.drop_all(conn)  # every table of the schema, the access table included
    store.close()
    return db_url


# --- the server -------------------------------------------------------------------------------


@contextmanager
def server(db: str, workers: int, threads: int = 8) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    proc = subprocess.Popen(
        [
            *PY,
            "--db",
            db,
            "--port",
            "0",
            "--server",
            "gunicorn",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--quiet",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        url = line.split(" at ")[1].split()[0]
        end = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{url}/metadata", timeout=5)
                break
            except requests.RequestException:
                if time.monotonic() > end:
                    raise
                time.sleep(0.1)
        time.sleep(1.0)  # let every worker finish booting
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cpu_seconds(root_pid: int) -> float:
    """User + system CPU seconds of a process and its children (the gunicorn workers)."""
    pids = [root_pid]
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(root_pid)], capture_output=True, text=True, check=False
    )
    pids += [int(p) for p in out.stdout.split()]
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return total


def machine_ticks() -> tuple[int, int, int]:
    """(busy, iowait, total) clock ticks of the whole machine so far, from /proc/stat: the
    database's own processes are not children of the server, so only this sees all of it."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle, iowait = fields[3], fields[4]
    total = sum(fields[:8])
    return total - idle - iowait, iowait, total


def self_cpu() -> float:
    t = os.times()
    return t.user + t.system


# --- 1 and 2: throughput ------------------------------------------------------------------------


def throughput(db: str, workers: int, seconds: float, clients: int) -> dict[str, Any]:
    store = Store(db)
    tokens = [store.add_device(f"Bench laptop {i}") for i in range(clients)]
    store.close()
    bodies = [bundle(34, 1000 + i) for i in range(int(seconds * 150) + 50)]
    lock = threading.Lock()
    next_body = iter(bodies)
    latencies: list[float] = []
    errors: list[int] = []
    with server(db, workers) as (url, proc):

        def client(token: str, stop_at: float) -> None:
            with requests.Session() as s:
                h = {**HEADERS, "Authorization": f"Bearer {token}"}
                while time.monotonic() < stop_at:
                    with lock:
                        body = next(next_body, None)
                    if body is None:
                        return
                    t = time.perf_counter()
                    r = s.post(f"{url}/", data=body, headers=h, timeout=60)
                    with lock:
                        (latencies if r.status_code == 200 else errors).append(
                            time.perf_counter() - t if r.status_code == 200 else r.status_code
                        )

        cpu0, me0, m0 = cpu_seconds(proc.pid), self_cpu(), machine_ticks()
        db0 = sum(cpu_seconds(pid) for pid in DATABASE_PIDS)
        t0 = time.monotonic()
        threads = [threading.Thread(target=client, args=(tokens[i], t0 + seconds)) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - t0
        server_cpu, client_cpu = cpu_seconds(proc.pid) - cpu0, self_cpu() - me0
        m1 = machine_ticks()
        db_cpu = sum(cpu_seconds(pid) for pid in DATABASE_PIDS) - db0
    done = len(latencies)
    return {
        "bundles_per_s": round(done / wall, 1),
        "bundles": done,
        "errors": errors[:5],
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "server_cpu_ms_per_bundle": round(server_cpu / max(done, 1) * 1000, 1),
        "client_cpu_ms_per_bundle": round(client_cpu / max(done, 1) * 1000, 1),
        "database_cpu_ms_per_bundle": round(db_cpu / max(done, 1) * 1000, 1),
        # What the machine could do if nothing else ran on it: its cores over the CPU time
        # one bundle costs the server, the database and the client together.
        "cpu_bound_bundles_per_s": round(
            (os.cpu_count() or 1) * done / max(1e-9, server_cpu + client_cpu + db_cpu), 1
        ),
        "cpu_busy_share": round((server_cpu + client_cpu) / (wall * (os.cpu_count() or 1)), 2),
        "machine_busy_share": round((m1[0] - m0[0]) / max(1, m1[2] - m0[2]), 2),
        "machine_iowait_share": round((m1[1] - m0[1]) / max(1, m1[2] - m0[2]), 2),
    }


def fsync_ms(folder: Path, n: int = 50) -> float:
    """Median time to write 4 KB and fsync it in `folder`: every commit waits for one of
    these (SQLite synchronous=FULL, PostgreSQL's WAL flush), and commits are serialised."""
    path = folder / "fsync-probe"
    times = []
    with open(path, "wb") as f:
        for _ in range(n):
            f.write(b"x" * 4096)
            t = time.perf_counter()
            f.flush()
            os.fsync(f.fileno())
            times.append(time.perf_counter() - t)
    path.unlink()
    return round(statistics.median(times) * 1000, 2)


def writer_share(db: str) -> dict[str, Any]:
    """How long one 34-entry bundle holds the writer, measured in-process on the store alone
    (no HTTP, no validation outside the lock): the upper bound on bundles/s that
    serialised writers allow, whatever the number of processes."""
    from sync.server.app import parse_transaction

    store = Store(db)
    reqs = [parse_transaction(json.loads(bundle(34, 5000 + i))) for i in range(40)]
    held: list[float] = []
    for r in reqs:
        t = time.perf_counter()
        store.write(r, device="Bench", bundle=True)
        held.append(time.perf_counter() - t)
    t = time.perf_counter()
    for i in range(20):
        parse_transaction(json.loads(bundle(34, 6000 + i)))
    validate = (time.perf_counter() - t) / 20
    store.close()
    med = statistics.median(held[5:])
    return {
        "write_ms_per_bundle": round(med * 1000, 1),
        "writer_bound_bundles_per_s": round(1 / med, 1),
        "parse_and_validate_ms_per_bundle": round(validate * 1000, 1),
    }


# --- 3: a small write while another device sends the largest transaction ----------------------


def fairness(db: str, workers: int, seconds: float) -> dict[str, Any]:
    store = Store(db)
    big_token, small_token = store.add_device("Bench big"), store.add_device("Bench small")
    store.close()
    big_bodies = [bundle(500, 20000 + i) for i in range(int(seconds) + 10)]
    small: list[float] = []
    big: list[float] = []
    with server(db, workers) as (url, _proc):
        stop_at = time.monotonic() + seconds
        lock = threading.Lock()
        it = iter(big_bodies)

        def big_sender() -> None:
            with requests.Session() as s:
                h = {**HEADERS, "Authorization": f"Bearer {big_token}"}
                while time.monotonic() < stop_at:
                    with lock:
                        body = next(it, None)
                    if body is None:
                        return
                    t = time.perf_counter()
                    r = s.post(f"{url}/", data=body, headers=h, timeout=120)
                    assert r.status_code == 200, r.text[:300]
                    big.append(time.perf_counter() - t)

        senders = [threading.Thread(target=big_sender) for _ in range(2)]
        for t in senders:
            t.start()
        time.sleep(0.5)
        n = 0
        with requests.Session() as s:
            h = {**HEADERS, "Authorization": f"Bearer {small_token}"}
            while time.monotonic() < stop_at:
                n += 1
                body = json.dumps(check_bundle(90000 + n)).encode()
                t = time.perf_counter()
                r = s.post(f"{url}/", data=body, headers=h, timeout=60)
                assert r.status_code == 200, r.text[:300]
                small.append(time.perf_counter() - t)
                time.sleep(0.05)
        for t in senders:
            t.join()
    small.sort()
    return {
        "small_writes": len(small),
        "small_p50_ms": round(statistics.median(small) * 1000),
        "small_p95_ms": round(small[max(0, math.ceil(len(small) * 0.95) - 1)] * 1000) if small else None,
        "small_max_ms": round(small[-1] * 1000) if small else None,
        "big_transactions": len(big),
        "big_median_s": round(statistics.median(big), 2) if big else None,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=8.0, help="length of each timed run")
    ap.add_argument("--clients", type=int, default=8, help="client threads sending bundles")
    ap.add_argument("--skip-postgres", action="store_true")
    ap.add_argument("--skip-sqlite", action="store_true")
    args = ap.parse_args()
    print(
        f"cores: {os.cpu_count()}; each run {args.seconds:g} s with {args.clients} client threads", flush=True
    )
    work = Path(tempfile.mkdtemp(prefix="bench-server-"))
    results: dict[str, Any] = {"disk fsync ms": fsync_ms(work)}
    print(f"disk: write+fsync of 4 KB takes {results['disk fsync ms']} ms (median)", flush=True)
    try:
        backends: list[tuple[str, Any]] = [] if args.skip_sqlite else [("sqlite", None)]
        if not args.skip_postgres:
            backends.append(("postgresql", postgres()))
        for name, ctx in backends:
            base = "sqlite" if ctx is None else ctx.__enter__()
            try:
                results[f"{name} writer"] = writer_share(fresh(base, work, f"{name}-writer"))
                print(f"{name} writer: {results[f'{name} writer']}", flush=True)
                for workers in (1, 4):
                    key = f"{name} {workers} process{'es' if workers > 1 else ''}"
                    results[key] = throughput(
                        fresh(base, work, f"{name}-{workers}"), workers, args.seconds, args.clients
                    )
                    # The share of the run some write held the writer (estimated from the
                    # store-only measurement): near 1.0 means serialised writes are the bound.
                    writer_ms = results[f"{name} writer"]["write_ms_per_bundle"]
                    results[key]["writer_busy_share"] = round(
                        results[key]["bundles_per_s"] * writer_ms / 1000, 2
                    )
                    print(f"{key}: {results[key]}", flush=True)
                key = f"{name} fairness (4 processes)"
                results[key] = fairness(fresh(base, work, f"{name}-fair"), 4, args.seconds * 2)
                print(f"{key}: {results[key]}", flush=True)
            finally:
                if ctx is not None:
                    ctx.__exit__(None, None, None)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
