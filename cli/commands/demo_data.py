"""`outreach demo-data --user NAME --people N --checks-per-person M`: fill the store with
obviously synthetic people ("Testperson Alpha 1", NHS numbers 999...) and finalised checks,
for training, demonstrations and benchmarks. The passphrase is read from standard input.

By default their consent to share looks like a real caseload (`--sharing mix`): most agree to
share with their GP, some also with the mental health trust or the charity, and a few decline
sharing with anyone, so a trainer can show checks going to the shared record and checks that
wait for consent. `--sharing all` has everyone share with their GP; `--sharing none` records
no sharing decision at all."""

from __future__ import annotations

import argparse
import sys

from cli.commands._store_access import open_unlocked
from outreach.demo_data import SHARING_CHOICES, DemoSummary, fill_demo_data

RECIPIENT_WORDS = {"gp": "GP", "mental_health_trust": "mental health trust", "charity": "charity"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo-data",
        help="add synthetic people and finalised checks (training and demos only)",
        description=(
            "Add obviously synthetic people and finalised checks. Reads the passphrase from standard input."
        ),
    )
    parser.add_argument("--user", required=True, metavar="NAME")
    parser.add_argument("--people", type=int, required=True, metavar="N")
    parser.add_argument("--checks-per-person", type=int, default=1, metavar="M")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same people)")
    parser.add_argument(
        "--sharing",
        choices=SHARING_CHOICES,
        default="mix",
        help=(
            "who agrees to share their checks: a realistic mix (default), everyone with their GP, "
            "or nobody asked"
        ),
    )
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
            sharing=args.sharing,
        )
        print(file=sys.stderr)
    finally:
        store.close()
    print(
        f"Added {summary.people} synthetic people and {summary.checks} finalised checks "
        f"({summary.findings} findings) in {summary.seconds:.1f} s."
    )
    words = sharing_words(summary)
    if words:
        print(words)
    return 0


def sharing_words(summary: DemoSummary) -> str:
    """How many people agreed to share, with whom, and what happens to the others' checks."""
    if not summary.people:
        return ""
    if summary.sharing == 0 and summary.declined == 0:
        return (
            "Nobody was asked about sharing: every check waits for consent in the outbox until "
            "someone records it."
        )
    whom = ", ".join(f"{RECIPIENT_WORDS[r]}: {n}" for r, n in summary.shared_with.items() if n)
    line = f"{summary.sharing} of {summary.people} people agreed to share their checks ({whom})."
    if summary.declined:
        line += (
            f" {summary.declined} declined sharing with anyone: their checks stay on this laptop and show "
            "as waiting for consent in the outbox."
        )
    return line
