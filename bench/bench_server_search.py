#!/usr/bin/env python3
"""Benchmark: the shared-record server's searches on a team-sized record, per role.

    .venv/bin/python bench/bench_server_search.py [--checks 10000] [--laptops 10] [--repeat 40]

Builds a SQLite record of `--checks` checks (about 30 resources each: a Patient, an Encounter,
27 Observations and a follow-up Task, every one a conditional create, as the app sends them)
from `--laptops` worker laptops, through the server's own write path. Then times, in-process
(no HTTP, so the figures are the database work a request costs):

- the pulls a worker laptop makes (`Task` and `Device` by `_lastUpdated`, first page of 100),
- the push's reconciliation lookups (20 Observation identifiers OR'd; one Encounter identifier),
- the supervisor's pull of the team's Encounters (first page of 100 and the next page),
- a direct read of one resource,

with p50 / p95 over `--repeat` runs. When the server has no roles (an older version on the
path) every search runs unfiltered, which is the "before" figure. Writes are timed too
(checks stored per second while building), since every write now also records who may read it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from sync.server.store import Store, WriteRequest

try:  # the roles exist from this version on
    from sync.server.access import SUPERVISOR, WORKER, Principal
except ImportError:  # an older server: no roles, every search unfiltered
    Principal = None  # type: ignore[assignment,misc]
    WORKER = SUPERVISOR = ""

SYS = "https://example.org/bench-id"
NHS = "https://fhir.nhs.uk/Id/nhs-number"
CHECKS_PER_WRITE = 20
OBSERVATIONS = 27


def _check(n: int) -> list[WriteRequest]:
    """One synthetic check as write requests (urn references inside, like a transaction)."""
    ids = {k: str(uuid.uuid4()) for k in ("p", "e", "t")}
    p_url, e_url = f"urn:uuid:{ids['p']}", f"urn:uuid:{ids['e']}"
    reqs = [
        WriteRequest(
            "POST",
            "Patient",
            {
                "resourceType": "Patient",
                "identifier": [{"system": NHS, "value": f"999{n:07d}"}, {"system": SYS, "value": ids["p"]}],
                "name": [{"family": "Testperson", "given": ["Bench"]}],
            },
            if_none_exist=f"identifier={SYS}|{ids['p']}",
            full_url=p_url,
        ),
        WriteRequest(
            "POST",
            "Encounter",
            {
                "resourceType": "Encounter",
                "identifier": [{"system": SYS, "value": ids["e"]}],
                "status": "finished",
                "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "FLD"},
                "subject": {"reference": p_url},
            },
            if_none_exist=f"identifier={SYS}|{ids['e']}",
            full_url=e_url,
        ),
    ]
    for i in range(OBSERVATIONS):
        oid = str(uuid.uuid4())
        reqs.append(
            WriteRequest(
                "POST",
                "Observation",
                {
                    "resourceType": "Observation",
                    "identifier": [{"system": SYS, "value": oid}],
                    "status": "final",
                    "code": {"coding": [{"system": "http://snomed.info/sct", "code": str(27113001 + i)}]},
                    "subject": {"reference": p_url},
                    "encounter": {"reference": e_url},
                    "valueQuantity": {"value": 60 + i, "unit": "kg"},
                },
                if_none_exist=f"identifier={SYS}|{oid}",
                full_url=f"urn:uuid:{oid}",
            )
        )
    reqs.append(
        WriteRequest(
            "POST",
            "Task",
            {
                "resourceType": "Task",
                "identifier": [{"system": SYS, "value": ids["t"]}],
                "status": "requested",
                "intent": "order",
                "focus": {"reference": e_url},
                "encounter": {"reference": e_url},
            },
            if_none_exist=f"identifier={SYS}|{ids['t']}",
            full_url=f"urn:uuid:{ids['t']}",
        )
    )
    return reqs


def _who(name: str, role: str) -> dict[str, Any]:
    return {} if Principal is None else {"who": Principal(name, role)}


def build(store: Store, checks: int, laptops: int) -> dict[str, Any]:
    names = [f"Bench laptop {i}" for i in range(laptops)]
    for name in names:
        store.add_device(name)
    store.max_write_s = 600.0
    t0, c0 = time.perf_counter(), time.process_time()
    observation_ids: dict[str, list[str]] = {n: [] for n in names}
    encounter_ids: dict[str, list[str]] = {n: [] for n in names}
    for start in range(0, checks, CHECKS_PER_WRITE):
        name = names[(start // CHECKS_PER_WRITE) % laptops]
        reqs: list[WriteRequest] = []
        for n in range(start, min(checks, start + CHECKS_PER_WRITE)):
            reqs.extend(_check(n))
        store.write(reqs, device=name, bundle=True, **_who(name, WORKER))
        observation_ids[name].extend(
            r.body["identifier"][0]["value"] for r in reqs if r.res_type == "Observation"
        )
        encounter_ids[name].extend(
            r.body["identifier"][0]["value"] for r in reqs if r.res_type == "Encounter"
        )
    took, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {
        "names": names,
        "obs": observation_ids,
        "enc": encounter_ids,
        "checks_per_s": checks / took,
        "cpu_ms_per_check": 1000 * cpu / checks,
    }


def _time(fn: Any, repeat: int) -> tuple[float, float]:
    fn()  # warm the caches once
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    runs.sort()
    return statistics.median(runs), runs[max(0, int(len(runs) * 0.95) - 1)]


def measure(store: Store, built: dict[str, Any], repeat: int) -> dict[str, tuple[float, float]]:
    name = built["names"][1]
    worker = _who(name, WORKER)
    lead = _who("Bench supervisor", SUPERVISOR)
    pull = [("_lastUpdated", "ge2000-01-01"), ("_sort", "_lastUpdated"), ("_count", "100")]
    own_obs = built["obs"][name][-20:]
    own_enc = built["enc"][name][-1]
    page, _, _ = store.search("Encounter", pull, **lead)
    cursor = page.next_cursor
    one = page.versions[-1]
    out = {
        "worker: Task pull, first page": _time(lambda: store.search("Task", pull, **worker), repeat),
        "worker: Device pull": _time(lambda: store.search("Device", pull, **worker), repeat),
        "worker: 20 Observation identifiers": _time(
            lambda: store.search(
                "Observation",
                [("identifier", ",".join(f"{SYS}|{v}" for v in own_obs)), ("_count", "60")],
                **worker,
            ),
            repeat,
        ),
        "worker: one Encounter identifier": _time(
            lambda: store.search("Encounter", [("identifier", f"{SYS}|{own_enc}")], **worker), repeat
        ),
        "supervisor: Encounter pull, first page": _time(
            lambda: store.search("Encounter", pull, **lead), repeat
        ),
        "supervisor: Encounter pull, next page": _time(
            lambda: store.search("Encounter", [*pull, ("_cursor", cursor or "")], **lead), repeat
        ),
        "supervisor: read one Encounter": _time(lambda: store.read("Encounter", one.res_id, **lead), repeat),
    }
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checks", type=int, default=10000)
    ap.add_argument("--laptops", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=40)
    ap.add_argument("--build-only", action="store_true", help="time the writes only")
    ap.add_argument("--db", help="reuse (or keep) the database at this path")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-search-"))
    db_path = Path(args.db) if args.db else folder / "shared.db"
    fresh = not db_path.exists()
    store = Store(f"sqlite:///{db_path}")
    try:
        if fresh:
            built = build(store, args.checks, args.laptops)
            print(f"built {args.checks} checks ({store.count('Observation')} Observations): "
                  f"{built['checks_per_s']:.0f} checks/s through the write path, "
                  f"{built['cpu_ms_per_check']:.1f} ms of CPU per check (the wall figure depends on the "
                  "machine's other load; the CPU one much less)")
        else:
            raise SystemExit("--db must name a database this run builds (the ids are not kept)")
        print(f"roles: {'yes' if Principal is not None else 'no (unfiltered)'}")
        if args.build_only:
            return 0
        for label, (p50, p95) in measure(store, built, args.repeat).items():
            print(f"{label:42s} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms")
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
