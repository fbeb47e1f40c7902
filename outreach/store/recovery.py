"""The organisation recovery key pair: making it, and reading the private half.

IT makes one X25519 key pair for the organisation (``outreach make-recovery-key``).
The public half goes into the organisation file (``recovery_public_key``), and
every laptop set up from then on also wraps its data key to it. The private half
stays offline, encrypted with a long passphrase, and is used only by
``outreach recover`` when a worker has forgotten their passphrase
(docs/recovery.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import x25519

from outreach.errors import AuthError, ValidationError
from outreach.store.crypto import public_key_fingerprint

# The private key file is only as strong as this passphrase (see docs/recovery.md).
MIN_RECOVERY_PASSPHRASE_LENGTH: Final = 16


@dataclass(frozen=True)
class RecoveryKeyPair:
    private_pem: bytes  # encrypted PKCS#8 PEM
    public_pem: str  # SubjectPublicKeyInfo PEM, to paste into the organisation file
    fingerprint: str  # SHA-256 of the raw public key, hex


def check_recovery_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_RECOVERY_PASSPHRASE_LENGTH:
        raise ValidationError(
            f"The recovery key passphrase needs at least {MIN_RECOVERY_PASSPHRASE_LENGTH} characters: "
            "it alone protects every laptop's data if the key file is stolen. Use five or more random words.",
            item="passphrase",
        )


def generate_recovery_key_pair(passphrase: str) -> RecoveryKeyPair:
    """A new organisation key pair, the private half encrypted with `passphrase`."""
    check_recovery_passphrase(passphrase)
    private = x25519.X25519PrivateKey.generate()
    public = private.public_key()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    )
    public_pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")
    return RecoveryKeyPair(private_pem, public_pem, public_key_fingerprint(public))


def load_recovery_private_key(pem: bytes, passphrase: str) -> x25519.X25519PrivateKey:
    """Open the organisation's private key file; AuthError if the passphrase is wrong."""
    if b"ENCRYPTED PRIVATE KEY" not in pem:
        raise ValidationError(
            "This is not a passphrase-protected recovery key file (expected 'ENCRYPTED PRIVATE KEY').",
            item="recovery_key",
        )
    try:
        key = serialization.load_pem_private_key(pem, password=passphrase.encode("utf-8"))
    except ValueError:
        raise AuthError("Wrong passphrase for the recovery key file (or the file is damaged).") from None
    except TypeError:
        raise ValidationError("This recovery key file cannot be read.", item="recovery_key") from None
    if not isinstance(key, x25519.X25519PrivateKey):
        raise ValidationError(
            "This is not an organisation recovery key (it must be an X25519 key made by make-recovery-key).",
            item="recovery_key",
        )
    return key
