#!/usr/bin/env python3
"""Benchmark: evaluate complete health checks (validate every answer, run calculators and findings).

    .venv/bin/python bench/bench_core.py [--checks 10000] [--seed 1] [--repeat 3]

Prints checks per second for the full evaluation and, measured in the same run on the same
data, a baseline: copying the same answer sets (a cost every real use pays anyway). The
ratio says how many answer-set copies one evaluation costs, which is steadier across
machines than the raw figure. Target: 2,000 checks per second or more.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from outreach.checks.definition import load_definition
from outreach.checks.evaluation import evaluate_check
from outreach.checks.synthetic import synthetic_complete_check, synthetic_person
from outreach.clinical.findings import load_rules

TARGET_PER_SECOND = 2000


def copy_answers(checks: list) -> int:
    """Baseline: copy every answer set, entry objects included (what saving a draft would do)."""
    total = 0
    for _, answers in checks:
        copied = {k: (v.copy() if type(v) is dict else v) for k, v in answers.items()}
        total += len(copied)
    return total


def evaluate_all(defn, rules, checks: list) -> int:
    findings = 0
    for person, answers in checks:
        findings += len(evaluate_check(defn, answers, person, rules).findings)
    return findings


def best_time(func, *args, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func(*args)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing; the best is reported")
    args = parser.parse_args(argv)

    defn = load_definition()
    rules = load_rules()
    rng = random.Random(args.seed)
    checks = []
    for _ in range(args.checks):
        person = synthetic_person(rng)
        checks.append((person, synthetic_complete_check(rng, defn, person)))
    answers_total = sum(len(a) for _, a in checks)

    # Correctness first, outside the timing: every check valid and comprehensive.
    for person, answers in checks[:200]:
        ev = evaluate_check(defn, answers, person, rules)
        if ev.problems or not ev.completeness.comprehensive:
            print("synthetic check failed validation:", ev.problems, file=sys.stderr)
            return 1

    baseline = best_time(copy_answers, checks, repeat=args.repeat)
    elapsed = best_time(evaluate_all, defn, rules, checks, repeat=args.repeat)
    findings = evaluate_all(defn, rules, checks)

    per_second = args.checks / elapsed
    print(f"checks evaluated:      {args.checks:,} ({answers_total:,} answers, {findings:,} findings)")
    print(f"evaluation:            {elapsed:.3f} s  = {per_second:,.0f} checks/s "
          f"({elapsed / args.checks * 1e6:.0f} us per check)")
    print(f"baseline (copy only):  {baseline:.3f} s  = {args.checks / baseline:,.0f} answer sets/s")
    print(f"ratio evaluation/copy: {elapsed / baseline:.1f}x")
    verdict = "PASS" if per_second >= TARGET_PER_SECOND else "FAIL"
    print(f"target >= {TARGET_PER_SECOND:,} checks/s: {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
