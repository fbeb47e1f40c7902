"""`outreach demo-data --user NAME --people N --checks-per-person M`: fill the store with
obviously synthetic people ("Testperson Alpha 1", NHS numbers 999...) and finalised checks,
for training, demonstrations and benchmarks. The passphrase is read from standard input."""

from __future__ import annotations

import argparse
import sys

from cli.commands._store_access import open_unlocked
from outreach.store.demo_data import fill_demo_data


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "demo-data",
        help="add synthetic people and finalised checks (training and demos only)",
        description="Add obviously synthetic people and finalised checks. Reads the passphrase from standard input.",
    )
    parser.add_argument("--user", required=True, metavar="NAME")
    parser.add_argument("--people", type=int, required=True, metavar="N")
    parser.add_argument("--checks-per-person", type=int, default=1, metavar="M")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same people)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = open_unlocked(args, args.user)
    try:

        def progress(people: int, checks: int) -> None:
            print(f"\r{people} people, {checks} checks", end="", file=sys.stderr, flush=True)

        summary = fill_demo_data(
            store,
            people=args.people,
            checks_per_person=args.checks_per_person,
            seed=args.seed,
            progress=progress,
        )
        print(file=sys.stderr)
    finally:
        store.close()
    print(
        f"Added {summary.people} synthetic people and {summary.checks} finalised checks "
        f"({summary.findings} findings) in {summary.seconds:.1f} s."
    )
    return 0
