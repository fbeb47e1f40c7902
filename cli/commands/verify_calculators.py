"""`outreach verify-calculators FILE.json`: run calculator cases and print the results as JSON.

Exit 0 when every case was computed (a refused case is a result with "error"),
2 when the file cannot be read or is not a JSON list.
"""

from __future__ import annotations

import argparse
import sys

from outreach.clinical.qrisk3 import QRISK3_DISCLAIMER
from outreach.clinical.verify import load_cases, parse_cases, results_json, run_cases
from outreach.errors import ValidationError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify-calculators",
        help="check the calculators against reference cases (JSON list in, JSON list out)",
        description="Read a JSON list of calculator cases and print one result per case, in order. "
        "Calculators: qrisk3, nhs_number, bmi, audit_c, blood_pressure, pulse, hba1c, glucose, lipids, "
        "smoking.",
    )
    parser.add_argument("file", metavar="FILE.json", help='cases file ("-" reads standard input)')
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        if args.file == "-":
            cases = parse_cases(sys.stdin.read(), "standard input")
        else:
            cases = load_cases(args.file)
    except ValidationError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    results = run_cases(cases)
    sys.stdout.write(results_json(results) + "\n")
    if any(case.get("calculator") == "qrisk3" and "result" in case for case in results):
        print(f"QRISK3 licence notice: {QRISK3_DISCLAIMER}", file=sys.stderr)
    return 0
