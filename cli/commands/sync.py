"""`outreach sync --user NAME`: one sync with the shared record, headless, for IT.

    outreach sync --user Sam                      # passphrase on stdin; push the outbox, pull reviews
    outreach sync --user Sam --set-token          # passphrase, then the device token, on stdin
    outreach sync --user Sam --status             # what waits in the outbox, and why (no network)

The organisation file (server address, CA bundle) is found as the app finds it: the
OUTREACH_ORG_CONFIG variable, then the data folder, then beside the program; `--org-config`
names one directly. The device token is kept sealed in the store, never on the command
line (other users can read a process's arguments) and never printed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.commands._store_access import open_unlocked
from cli.prompt import read_secret
from outreach.settings import OrgConfig, find_organisation_file, resolve_data_dir
from outreach.store import sync_state


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sync",
        help="send finalised checks to the shared record and fetch reviews (one run)",
        description="Run one sync with the shared record and say what happened. Reads the passphrase "
        "(and, with --set-token, then the device token) from standard input.",
    )
    parser.add_argument("--user", required=True, metavar="NAME")
    parser.add_argument(
        "--org-config", metavar="FILE", help="organisation file to use (default: as the app finds it)"
    )
    parser.add_argument("--device-name", metavar="NAME", help="this laptop's name as enrolled on the server")
    what = parser.add_mutually_exclusive_group()
    what.add_argument(
        "--set-token", action="store_true", help="store this laptop's device token (read from stdin)"
    )
    what.add_argument(
        "--status", action="store_true", help="show the outbox and device status without syncing"
    )
    parser.set_defaults(func=run)


def find_org_config(data_dir: Path, explicit: str | None) -> OrgConfig:
    """The file named on the command line, else the one the app would use, else the defaults."""
    if explicit:
        return OrgConfig.load(explicit)
    path = find_organisation_file(data_dir)
    return OrgConfig.load(path) if path is not None else OrgConfig()


def run(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data_dir)
    store = open_unlocked(args, args.user)
    try:
        sync_state.ensure_tables(store)
        if args.set_token:
            sync_state.set_device_token(store, read_secret("Device token: "))
            print("The device token is saved, sealed in this laptop's store.")
            return 0
        if args.status:
            return _status(store)
        org = find_org_config(data_dir, args.org_config)
        from sync.engine import SyncConfig, SyncEngine  # loads requests only when syncing

        engine = SyncEngine(
            store,
            SyncConfig.from_org(org, device_name=args.device_name),
            on_item=lambda o: print(f"  {o.outbox_id}: {o.result} - {o.words}", flush=True),
        )
        print(f"Syncing with {org.server_url} ...", flush=True)
        report = engine.run_once()
        for line in report.lines():
            print(line)
        return 0
    finally:
        store.close()


def _status(store: object) -> int:
    from outreach.services import outbox_lines

    rows = outbox_lines(store)  # type: ignore[arg-type]
    print(f"{len(rows)} item(s) waiting in the outbox.")
    for row in rows:
        print(f"  {row.outbox_id}: {row.state}, {row.attempts} attempt(s) - {row.words}")
        # The server's exact reply, for IT: which records, which status, its own words.
        detail = sync_state.item_detail(store, row.outbox_id)  # type: ignore[arg-type]
        for line in (detail or "").splitlines():
            print(f"      server said: {line}")
    updates = sync_state.pending_updates(store)  # type: ignore[arg-type]
    if updates:
        print(f"{len(updates)} follow-up outcome(s) not yet on the shared record.")
        for u in updates:
            why = (
                f" - {u.last_error}"
                if u.last_error
                else " - waits for its check to be sent, or the next sync"
            )
            print(f"  follow-up {u.record_id}: {u.state}, {u.attempts} attempt(s){why}")
    status = sync_state.device_status(store)  # type: ignore[arg-type]
    if status.get("state") == "revoked":
        print(f"This laptop was refused by the shared record: {status.get('message')}")
    from outreach.support_report import last_sync_words

    last = sync_state.get_value(store, sync_state.LAST_SYNC_KEY)  # type: ignore[arg-type]
    print(f"Last sync: {last_sync_words(last)}" if last else "No sync has run yet.")
    return 0
