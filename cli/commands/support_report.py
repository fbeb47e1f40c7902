"""`outreach support-report`: print the report for IT that Help > "Copy a report for IT" copies.

    outreach support-report                   # everything that needs no passphrase
    outreach support-report --user Sam        # passphrase on stdin: adds the outbox counts and last sync

Versions, the self-test (with the Qt check in a child process, as `outreach self-test`
runs it), the settings in force, the store's schema and size, sync and the last log lines.
Nothing personal is printed (see `outreach.support_report`). Without `--user` the store
stays locked and the report says what it leaves out.
"""

from __future__ import annotations

import argparse
import sys

from cli.commands._store_access import open_unlocked
from cli.commands.self_test import QT_CHECK, _qt_in_child
from outreach.errors import OutreachError, ValidationError
from outreach.logging_setup import LOG_FILE_NAME, log_dir
from outreach.selftest import SelfCheck
from outreach.settings import OrgConfig, find_organisation_file, resolve_data_dir
from outreach.store.files import store_present
from outreach.support_report import LOG_LINES, ReportInputs, build_report


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "support-report",
        help="print a report for IT: versions, self-test, settings, store, sync and the log (nothing "
             "personal)",
        description="Print the report that Help > 'Copy a report for IT' copies: versions, self-test "
        "results, the settings in force, the store's schema and size, sync and the last log lines. "
        "Nothing personal is included. With --user, the passphrase is read from standard input and "
        "the outbox counts and the last sync are added.",
    )
    parser.add_argument(
        "--user", metavar="NAME", help="unlock the store as NAME to include the outbox and last sync"
    )
    parser.add_argument(
        "--lines", type=int, default=LOG_LINES, metavar="N", help="log lines to include (default 100)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data_dir)
    org_file = find_organisation_file(data_dir)
    org, problem = OrgConfig(), None
    if org_file is not None:
        try:
            org = OrgConfig.load(org_file)
        except ValidationError as exc:
            problem = exc.message
    log_file = log_dir(data_dir) / LOG_FILE_NAME
    store = None
    note = "give --user NAME, with the passphrase on standard input, to include them"
    if not store_present(data_dir):
        note = "there is no store in this data folder"
    elif args.user:
        try:
            store = open_unlocked(args, args.user)
        except OutreachError as exc:
            note = f"the store could not be unlocked: {exc.message}"
            print(f"warning: {note}", file=sys.stderr)
    try:
        report = build_report(
            ReportInputs(
                data_dir=data_dir,
                org_config=org,
                org_file=org_file,
                org_problem=problem,
                log_file=log_file if log_file.exists() else None,
                store=store,
                store_note=note,
                extra_checks=[SelfCheck(QT_CHECK, _qt_in_child)],
                log_lines=max(0, args.lines),
            )
        )
    finally:
        if store is not None:
            store.close()
    sys.stdout.write(report)
    sys.stdout.flush()
    return 0
