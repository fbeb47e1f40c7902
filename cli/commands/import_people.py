"""`outreach import-people --user NAME --csv FILE`: load a caseload (e.g. a practice's SMI
register export). Each bad row is reported by its line number and skipped; the good rows are
imported; someone already in the store (same NHS number, or same names and date of birth) is
not added again, so importing the same file twice is harmless. Columns: docs/store.md.

Exit status: 0 every row imported or already present; 2 some rows were refused (the
others were imported); 1 nothing was imported (the file could not be read)."""

from __future__ import annotations

import argparse

from cli.commands._store_access import open_unlocked
from outreach import services
from outreach.store.caseload_csv import parse_caseload_csv


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import-people",
        help="import a caseload CSV (bad rows reported by line; no one added twice)",
        description="Import people from a CSV file with a header row. Reads the passphrase from standard "
                    "input.",
    )
    parser.add_argument("--user", required=True, metavar="NAME")
    parser.add_argument("--csv", required=True, metavar="FILE")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    parsed = parse_caseload_csv(args.csv)  # a file that cannot be read at all stops here, before unlocking
    store = open_unlocked(args, args.user)
    try:
        report = services.import_caseload(store, parsed.rows)
    finally:
        store.close()
    for warning in parsed.warnings:
        print(f"warning: {warning}")
    problems = [(p.line, p.message) for p in parsed.errors] + report.refused
    for line, message in sorted(problems):
        print(f"Line {line}: {message}")
    print(
        f"Imported {len(report.imported)} people; {len(report.already_present)} already in the store; "
        f"{len({line for line, _ in problems})} rows refused."
    )
    return 2 if problems else 0
