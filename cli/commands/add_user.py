"""`outreach add-user --admin NAME --user NAME --role ROLE`: add a user to this laptop's store.

Reads from standard input, one per line: the admin's passphrase, then the new user's
passphrase twice. Only the key file changes: the new passphrase wraps the same data key.
"""

from __future__ import annotations

import argparse

from cli.commands._store_access import open_unlocked
from cli.prompt import read_new_secret
from outreach.errors import AuthError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "add-user",
        help="add a user (worker, supervisor or admin); needs an admin's passphrase",
        description="Add a user to this laptop. Reads the admin's passphrase, then the new passphrase "
        "twice, from standard input.",
    )
    parser.add_argument("--admin", required=True, metavar="NAME", help="an admin who approves the new user")
    parser.add_argument("--user", required=True, metavar="NAME", help="the new user's name")
    parser.add_argument("--role", required=True, choices=("worker", "supervisor", "admin"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = open_unlocked(args, args.admin, f"Passphrase for admin {args.admin}: ")
    try:
        user = store.current_user
        if user is None or not user.is_admin:
            raise AuthError(f"'{args.admin}' is not an admin; only an admin can add users.")
        passphrase = read_new_secret(f"New passphrase for {args.user}: ", "Repeat the passphrase: ")
        added = store.vault.add_user(args.user, passphrase, args.role)
        with store.db.write() as conn:
            store.audit.append(
                conn, f"user.add.{added.role}", user_id=user.name, table="users", record_id=added.name
            )
    finally:
        store.close()
    print(f"User '{added.name}' ({added.role}) added.")
    return 0
