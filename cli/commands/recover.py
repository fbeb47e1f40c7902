"""`outreach recover --user NAME --recovery-key FILE`: give a user a new passphrase
with the organisation's recovery key, when they have forgotten theirs.

Reads, one per line from standard input (or the terminal, without echo): the
recovery key file's passphrase, then the user's new passphrase twice. The data is
never re-encrypted: the recovery key unwraps the data key, which is wrapped again
under the new passphrase. See docs/recovery.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.prompt import read_new_secret, read_secret
from outreach.errors import AuthError, ValidationError
from outreach.settings import resolve_data_dir
from outreach.store.core_dumps import forbid_core_dumps
from outreach.store.recovery import load_recovery_private_key
from outreach.store.vault import FileVaultStorage, Vault, check_passphrase_policy


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "recover",
        help="set a new passphrase for a user with the organisation recovery key (IT only)",
        description="Set a new passphrase for a user who has forgotten theirs, using the organisation's "
        "recovery private key. Reads the key file's passphrase, then the new passphrase twice, "
        "from standard input.",
    )
    parser.add_argument("--user", required=True, metavar="NAME", help="the user who forgot their passphrase")
    parser.add_argument(
        "--recovery-key",
        required=True,
        metavar="PRIVATE_KEY_FILE",
        help="the organisation recovery private key (PEM)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    forbid_core_dumps()  # the recovery key and a data key pass through this process
    key_path = Path(args.recovery_key).expanduser()
    try:
        pem = key_path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"The recovery key file {key_path} cannot be read ({exc.strerror}).") from None
    data_dir = resolve_data_dir(args.data_dir)
    vault = Vault.open(FileVaultStorage.in_data_dir(data_dir))
    # Say what is wrong before asking for any passphrase.
    if not vault.has_recovery:
        raise AuthError(
            "This laptop was set up without an organisation recovery key, so it cannot be recovered."
        )
    names = [u.name for u in vault.list_users()]
    if not any(n.casefold() == args.user.strip().casefold() for n in names):
        raise ValidationError(
            f"There is no user called '{args.user}' on this laptop. Users: {', '.join(names)}."
        )
    private_key = load_recovery_private_key(pem, read_secret("Recovery key passphrase: "))
    new_passphrase = read_new_secret(f"New passphrase for {args.user}: ", "Repeat the new passphrase: ")
    check_passphrase_policy(new_passphrase)
    user = vault.recover_user(args.user, private_key, new_passphrase)
    print(f"Done: {user.name} can now unlock with the new passphrase.")
    if vault.integrity_warnings:
        for warning in vault.integrity_warnings:
            print(f"warning: {warning}")
    return 0
