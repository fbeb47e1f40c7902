"""`outreach make-recovery-key --out DIR`: make the organisation's recovery key pair.

Run once by IT, on a trusted computer. The private key file is encrypted with a
passphrase read from standard input (twice) and must be kept offline; the public
key goes into the organisation file so every laptop wraps its data key to it.
See docs/recovery.md.
"""

from __future__ import annotations

import argparse
import errno
import os
from pathlib import Path

from cli.prompt import read_new_secret
from outreach.durable_files import fsync_folder
from outreach.errors import StorageFullError, StoreError, ValidationError
from outreach.store.core_dumps import forbid_core_dumps
from outreach.store.recovery import MIN_RECOVERY_PASSPHRASE_LENGTH, generate_recovery_key_pair

PRIVATE_NAME = "organisation-recovery-private.pem"
PUBLIC_NAME = "organisation-recovery-public.pem"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "make-recovery-key",
        help="make the organisation recovery key pair (IT only)",
        description="Make the organisation's recovery key pair. The private key is encrypted with a "
        f"passphrase of at least {MIN_RECOVERY_PASSPHRASE_LENGTH} characters read twice from standard "
        "input. Keep it offline; paste the public key into the organisation file.",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the two key files")
    parser.set_defaults(func=run)


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Create `path` with its final permissions before any byte is written; never overwrite."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise ValidationError(
            f"{path.name} already exists in that folder. Keys are never overwritten: choose another folder."
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        # A half-written key is useless, and would block the next attempt ("never overwritten").
        path.unlink(missing_ok=True)
        error = StorageFullError if exc.errno == errno.ENOSPC else StoreError
        raise error(
            f"{path.name} cannot be written ({exc.strerror or 'refused'}). Nothing was kept: "
            "free some space or choose another folder, then run the command again."
        ) from None


def run(args: argparse.Namespace) -> int:
    forbid_core_dumps()  # the new private key is in this process's memory until it is written
    out = Path(args.out).expanduser()
    try:
        out.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StoreError(f"The folder {out} cannot be created ({exc.strerror}).") from None
    for name in (PRIVATE_NAME, PUBLIC_NAME):
        if (out / name).exists():
            raise ValidationError(f"{name} already exists in that folder. Keys are never overwritten.")
    passphrase = read_new_secret("Passphrase for the recovery private key: ", "Repeat it: ")
    pair = generate_recovery_key_pair(passphrase)
    _write_new(out / PRIVATE_NAME, pair.private_pem, 0o600)
    try:
        _write_new(out / PUBLIC_NAME, pair.public_pem.encode("ascii"), 0o644)
    except StoreError:
        (out / PRIVATE_NAME).unlink(missing_ok=True)  # never deployed: a lone half of a pair helps no one
        raise
    fsync_folder(out)  # the two new names, durable
    print(f"Private key (keep offline, with its passphrase apart): {out / PRIVATE_NAME}")
    print(f"Public key: {out / PUBLIC_NAME}")
    print(f"Fingerprint: {pair.fingerprint}")
    print("Put this in the organisation file (organisation.toml):")
    print('recovery_public_key = """')
    print(pair.public_pem.rstrip("\n"))
    print('"""')
    return 0
