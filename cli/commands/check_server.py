"""`outreach check-server`: can this laptop sync with that FHIR server? For IT.

    outreach check-server                          # the server in the organisation file, no token
    outreach check-server --url https://fhir.example.org/fhir
    outreach check-server --user Sam               # passphrase on stdin; uses the token stored on this laptop
    printf '%s\\n' "$TOKEN" | outreach check-server --token-stdin --write-test
    outreach check-server --user Sam --find-size   # also find how many entries one transaction may hold
    outreach check-server --user Sam --json        # the same findings as JSON

One line per feature the app needs (OK / MISSING / WARN), what was found, and what to
configure. Exit code 0 when everything the app needs is there, 1 when something is
missing, 2 when the command itself was used wrongly. The token is never printed.
"""

from __future__ import annotations

import argparse
import json
import sys

from cli.commands._store_access import open_unlocked
from cli.commands.sync import find_org_config
from cli.prompt import read_secret
from outreach.errors import AuthError, ValidationError
from outreach.settings import resolve_data_dir

USAGE_ERROR = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check-server",
        help="check that a FHIR R4 server has what the app needs to sync (for IT)",
        description="Read the server's capabilities and try what the app relies on, then say feature by "
        "feature what is there, what is missing and what to configure. Nothing is written unless you "
        "add --write-test.",
    )
    parser.add_argument(
        "--url",
        metavar="URL",
        help="FHIR base address to check (default: server_url in the organisation file)",
    )
    parser.add_argument(
        "--org-config", metavar="FILE", help="organisation file to use (default: as the app finds it)"
    )
    who = parser.add_mutually_exclusive_group()
    who.add_argument(
        "--user",
        metavar="NAME",
        help="use the device token stored on this laptop (the passphrase is read from stdin)",
    )
    who.add_argument("--token-stdin", action="store_true", help="read a device token from standard input")
    parser.add_argument(
        "--write-test",
        action="store_true",
        help="also write, then delete, a few test records (inactive Organizations and one Provenance) to "
             "learn "
        "how transactions and conditional creates behave",
    )
    parser.add_argument(
        "--find-size",
        action="store_true",
        help="also run the write test with the transaction-size probe, to find sync_max_entries: it writes "
             "up "
        "to 100 inactive test Organizations, which stay on a server that refuses DELETE (the same ones on "
        "every run)",
    )
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        org = find_org_config(resolve_data_dir(args.data_dir), args.org_config)
    except ValidationError as exc:
        return _usage(exc.message)
    url = args.url or org.server_url
    if not url:
        return _usage(
            "No server to check: give --url, or set server_url in the organisation file (--org-config FILE)."
        )
    for flag, given in (("--write-test", args.write_test), ("--find-size", args.find_size)):
        if given and not (args.user or args.token_stdin):
            return _usage(f"{flag} needs the device token: add --user NAME or --token-stdin.")
    try:
        token = _token(args)
    except ValidationError as exc:
        return _usage(exc.message)
    from sync.server_check import check_server  # loads requests only when checking

    try:
        report = check_server(
            url,
            token=token,
            ca_bundle=org.ca_bundle or None,
            write_test=args.write_test,
            find_size=args.find_size,
            sync_transactions=org.sync_transactions,
        )
    except ValidationError as exc:
        return _usage(exc.message)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(report.lines()))
    return report.exit_code


def _token(args: argparse.Namespace) -> str | None:
    """The device token: typed or piped in, or the one `outreach sync` uses from this laptop's store."""
    if args.token_stdin:
        token = read_secret("Device token: ").strip()
        if not token or any(c.isspace() for c in token):
            raise ValidationError(
                "That does not look like a device token: it must be one line without spaces."
            )
        return token
    if not args.user:
        return None
    from outreach.store import sync_state

    store = open_unlocked(args, args.user)
    try:
        sync_state.ensure_tables(store)
        stored = sync_state.device_token(store)
    finally:
        store.close()
    if not stored:
        raise AuthError(
            "This laptop has no device token for the shared record yet. Store it with "
            "'outreach sync --user NAME --set-token', or check the server without a token (leave out --user)."
        )
    return stored


def _usage(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return USAGE_ERROR
