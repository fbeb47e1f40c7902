"""`outreach init --org-config FILE --user NAME`: set up the encrypted store on this laptop.

Creates the data folder (owner-only), the database and the key file, and the first
user, who is an admin (admins add the other users). The passphrase is read twice from
standard input, never from the command line; the store is then closed and unlocked
once more with it, to prove the passphrase opens it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.prompt import read_new_secret
from outreach.errors import ValidationError
from outreach.settings import OrgConfig, find_organisation_file, resolve_data_dir, save_organisation_file
from outreach.store.local_store import LocalStore
from outreach.store.vault import check_passphrase_policy


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "init",
        help="set up the encrypted store and its first (admin) user",
        description="Create the encrypted store in the data folder and its first user. "
        "Reads the new passphrase twice from standard input.",
    )
    parser.add_argument(
        "--org-config", required=True, metavar="FILE", help="the organisation file (TOML) from IT"
    )
    parser.add_argument("--user", required=True, metavar="NAME", help="name of the first user")
    parser.add_argument(
        "--role",
        default="admin",
        metavar="ROLE",
        help="role of the first user: must be admin (admins add the other users)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.role != "admin":
        raise ValidationError("The first user must be an admin (--role admin): admins add everyone else.")
    try:
        org = OrgConfig.load(args.org_config)
    except OSError as exc:  # a folder, or a file this user may not read: the loader names only "not found"
        raise ValidationError(
            f"The organisation file {args.org_config} cannot be read ({exc.strerror or 'refused'}).",
            item="org_config",
        ) from None
    data_dir = resolve_data_dir(args.data_dir)
    if LocalStore.exists(data_dir):
        raise ValidationError(f"There is already a store in {data_dir}. Nothing was changed.")
    passphrase = read_new_secret(f"New passphrase for {args.user}: ", "Repeat the passphrase: ")
    check_passphrase_policy(passphrase)
    store = LocalStore.create(data_dir, admin_name=args.user, admin_passphrase=passphrase, org_config=org)
    user = store.current_user
    store.close()
    with LocalStore.open(data_dir) as proof:
        proof.unlock(args.user, passphrase)
    recovery = (
        "with the organisation recovery key"
        if org.recovery_public_key
        else "WITHOUT a recovery key (a forgotten passphrase cannot be recovered)"
    )
    print(f"Store created in {data_dir} {recovery}.")
    print(f"User '{user.name if user else args.user}' (admin) unlocked it successfully.")
    print(_organisation_file_note(data_dir, Path(args.org_config), org))
    return 0


def _organisation_file_note(data_dir: Path, given: Path, org: OrgConfig) -> str:
    """Make sure the app will use the settings the store was set up with, and say which file it reads.

    The app looks for the organisation file in a fixed order (OUTREACH_ORG_CONFIG, the data folder,
    beside the program). When none of those holds a file, a copy goes into the data folder;
    when another file is found there, IT is told, rather than a copy silently overriding it."""
    found = find_organisation_file(data_dir)
    if found is None:
        saved = save_organisation_file(data_dir, org)
        return f"Organisation settings saved in {saved} for the app to use."
    if found.resolve() == given.resolve():
        return f"The app will read the organisation settings from {found}."
    return (
        f"Note: the app will read its organisation settings from {found}, not from {given}. "
        "Remove or update that file if these settings should apply."
    )
