#!/usr/bin/env python3
"""Benchmark: the encrypted local store at caseload scale.

    .venv/bin/python bench/bench_store.py [--people 10000] [--checks-per-person 5] [--reuse]

Builds (with the demo-data machinery, real vault, real Argon2id profile) a store of
10,000 synthetic people and 50,000 finalised checks in a temporary folder, or with
--reuse keeps and reuses one under bench/results/store-cache. Then measures:

* unlock time beyond the key derivation itself (target < 1 s): a full unlock (passphrase
  check, key-file seal, search index of every person) minus one Argon2id run with the
  same parameters, measured alongside;
* search by name prefix, p95 (target < 30 ms);
* autosave of one answer, p95 (target < 10 ms), each a durable commit;
* finalise, p95 (target < 50 ms): check, findings, follow-ups and outbox entry in one commit;
* the write overhead of encryption: the same rows written through the same code, once
  with the vault and once with a pass-through cipher (plain SQLite), in this run, as a
  ratio (target <= 1.5x). Shown per-commit (as the app writes) and batched (CPU only,
  the harshest view of the encryption cost).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from outreach import services
from outreach.demo_data import (
    NATO,
    _CheckPool,
    _decision,
    fill_demo_data,
    finalise_demo_check,
    synthetic_person,
)
from outreach.store.crypto import DEFAULT_KDF, TEST_KDF, derive_kek
from outreach.store.local_store import LocalStore

USER = "Bench Admin"
PASSPHRASE = "synthetic benchmark passphrase"
CACHE = Path(__file__).resolve().parent / "results" / "store-cache"


class PlainCipher:
    """No encryption at all: the baseline for the overhead ratio (benchmark only)."""

    def encrypt_field(
        self, plaintext: bytes, *, table: str, record_id: str, version: int, column: str
    ) -> bytes:
        return bytes(plaintext)

    def decrypt_field(self, blob: bytes, *, table: str, record_id: str, version: int, column: str) -> bytes:
        return bytes(blob)

    def blind_index(self, kind: str, value: str) -> str:
        return value


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def build(folder: Path, people: int, checks_per_person: int) -> float:
    started = time.perf_counter()
    store = LocalStore.create(folder, admin_name=USER, admin_passphrase=PASSPHRASE, kdf=DEFAULT_KDF)
    try:

        def progress(p: int, c: int) -> None:
            print(f"\r  building: {p} people, {c} checks", end="", file=sys.stderr, flush=True)

        fill_demo_data(
            store, people=people, checks_per_person=checks_per_person, seed=7, batch=250, progress=progress
        )
        print(file=sys.stderr)
    finally:
        store.close()
    return time.perf_counter() - started


def measure_unlock(folder: Path, rounds: int = 3) -> tuple[float, float, float]:
    """(full unlock, Argon2id alone, difference), medians over `rounds`."""
    full: list[float] = []
    kdf_only: list[float] = []
    for _ in range(rounds):
        store = LocalStore.open(folder)
        t = time.perf_counter()
        store.unlock(USER, PASSPHRASE)
        full.append(time.perf_counter() - t)
        store.close()
        t = time.perf_counter()
        derive_kek(PASSPHRASE, os.urandom(16), DEFAULT_KDF)
        kdf_only.append(time.perf_counter() - t)
    f, k = statistics.median(full), statistics.median(kdf_only)
    return f, k, f - k


def measure_search(store: LocalStore, rng: random.Random, n: int = 400) -> tuple[float, float]:
    samples = []
    for _ in range(n):
        word = rng.choice(NATO).lower()
        query = word[: rng.randint(2, 4)] if rng.random() < 0.7 else f"test {word[:3]}"
        t = time.perf_counter()
        services.find_people(store, query)
        samples.append(time.perf_counter() - t)
    return p95(samples), statistics.median(samples)


def measure_autosave(store: LocalStore, person_id: str, n: int = 300) -> tuple[float, float]:
    services.record_consent(store, person_id, "check", True)
    check = services.start_check(store, person_id, definition_version="1.0.0")
    samples = []
    for i in range(n):
        t = time.perf_counter()
        services.save_answer(store, check.id, "blood_pressure.systolic", 110 + i % 60)
        samples.append(time.perf_counter() - t)
    return p95(samples), statistics.median(samples)


def measure_finalise(
    store: LocalStore, person_id: str, pool: _CheckPool, n: int = 120
) -> tuple[float, float]:
    from datetime import date

    samples = []
    person = services.get_person(store, person_id)
    services.record_consent(store, person_id, "check", True)
    for _ in range(n):
        check = services.start_check(store, person_id, definition_version=pool.definition_version)
        answers, findings = pool.answers_and_findings(person, check)
        services.save_answers(store, check.id, answers)
        services.record_follow_up_decisions(
            store, check.id, {f.rule_id: _decision(f, date.today()) for f in findings}
        )
        t = time.perf_counter()  # finalising evaluates the stored check again: that is part of it
        services.finalise_check(store, check.id, definition=pool.definition, rules=pool.rules)
        samples.append(time.perf_counter() - t)
    return p95(samples), statistics.median(samples)


def write_workload(store: LocalStore, pool: _CheckPool, n: int, *, batched: bool) -> float:
    """Register n people and give each a check (answers, decisions, finalise); seconds taken."""
    from datetime import date

    rng = random.Random(11)
    today = date.today()
    t = time.perf_counter()
    for i in range(n):

        def one(i: int = i) -> None:
            p = services.register_person(store, synthetic_person(i, rng, None))
            finalise_demo_check(store, pool, p, today)

        if batched:
            with store.db.write():
                one()
        else:
            one()
    return time.perf_counter() - t


def measure_overhead(
    work: Path, pool: _CheckPool, n: int, *, batched: bool, rounds: int = 5
) -> tuple[float, float, float]:
    """(encrypted seconds, plain seconds, ratio): best of `rounds`, alternating, fresh stores each time."""
    enc: list[float] = []
    plain: list[float] = []
    for r in range(rounds):
        for kind in ("plain", "vault") if r % 2 == 0 else ("vault", "plain"):
            folder = work / f"overhead-{kind}-{r}-{int(batched)}"
            store = LocalStore.create(folder, admin_name=USER, admin_passphrase=PASSPHRASE, kdf=TEST_KDF)
            if kind == "plain":
                store = LocalStore(store.data_dir, store.db, store.vault, cipher=PlainCipher())
            try:
                seconds = write_workload(store, pool, n, batched=batched)
            finally:
                store.close()
                shutil.rmtree(folder, ignore_errors=True)
            (plain if kind == "plain" else enc).append(seconds)
    e, p = min(enc), min(plain)
    return e, p, e / p


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--checks-per-person", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help=f"keep/reuse the built store in {CACHE}")
    parser.add_argument("--overhead-rows", type=int, default=150)
    args = parser.parse_args()

    temp = Path(tempfile.mkdtemp(prefix="outreach-bench-"))
    try:
        folder = CACHE if args.reuse else temp / "store"
        if args.reuse and LocalStore.exists(folder):
            print(f"Reusing the store in {folder}")
        else:
            if folder.exists():
                shutil.rmtree(folder)
            seconds = build(folder, args.people, args.checks_per_person)
            print(
                f"Built {args.people} people / {args.people * args.checks_per_person} checks in "
                f"{seconds:.0f} s"
            )
        size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())

        full, kdf, extra = measure_unlock(folder)
        store = LocalStore.open(folder)
        store.unlock(USER, PASSPHRASE)
        rng = random.Random(5)
        pool = _CheckPool(rng)
        try:
            people = store.people.count()
            checks = store.checks.count()
            search_p95, search_med = measure_search(store, rng)
            anyone = store.people_index.search("alpha", limit=1)[0].id
            autosave_p95, autosave_med = measure_autosave(store, anyone)
            finalise_p95, finalise_med = measure_finalise(store, anyone, pool)
        finally:
            store.close()
        enc_c, plain_c, ratio_c = measure_overhead(temp, pool, args.overhead_rows, batched=False)
        enc_b, plain_b, ratio_b = measure_overhead(temp, pool, args.overhead_rows, batched=True)
    finally:
        shutil.rmtree(temp, ignore_errors=True)

    rows: list[tuple[str, str, str, bool]] = [
        (
            "unlock beyond key derivation",
            f"{ms(extra)} (unlock {ms(full)} - Argon2id {ms(kdf)})",
            "< 1000 ms",
            extra < 1.0,
        ),
        (
            "search by name prefix p95",
            f"{ms(search_p95)} (median {ms(search_med)})",
            "< 30 ms",
            search_p95 < 0.030,
        ),
        (
            "autosave one answer p95",
            f"{ms(autosave_p95)} (median {ms(autosave_med)})",
            "< 10 ms",
            autosave_p95 < 0.010,
        ),
        ("finalise p95", f"{ms(finalise_p95)} (median {ms(finalise_med)})", "< 50 ms", finalise_p95 < 0.050),
        (
            "encryption write overhead, per commit",
            f"{ratio_c:.2f}x ({enc_c:.2f} s vs plain {plain_c:.2f} s)",
            "<= 1.5x",
            ratio_c <= 1.5,
        ),
        (
            "encryption write overhead, batched",
            f"{ratio_b:.2f}x ({enc_b:.2f} s vs plain {plain_b:.2f} s)",
            "(CPU only)",
            True,
        ),
    ]
    print(f"Store: {people} people, {checks} checks, {size / 1e6:.0f} MB on disk")
    for name, value, target, ok in rows:
        print(f"  {name:<40} {value:<48} target {target:<10} {'ok' if ok else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
