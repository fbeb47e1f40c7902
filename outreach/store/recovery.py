"""The organisation recovery key pair: making it, and reading the private half.

IT makes one X25519 key pair for the organisation (``outreach make-recovery-key``).
The public half goes into the organisation file (``recovery_public_key``), and
every laptop set up from then on also wraps its data key to it. The private half
stays offline, encrypted with a long passphrase, and is used only by
``outreach recover`` when a worker has forgotten their passphrase
(docs/recovery.md).
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from typing import Final

from cryptography.hazmat.primitives import padding, serialization
from cryptography.hazmat.primitives.asymmetric import x25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from outreach.errors import AuthError, ValidationError
from outreach.store.crypto import public_key_fingerprint

# The private key file is only as strong as this passphrase (see docs/recovery.md).
MIN_RECOVERY_PASSPHRASE_LENGTH: Final = 16

# scrypt cost for the private key file: 2^17 x 8 x 128 bytes = 128 MiB, ~0.3 s here.
# (The library's default PEM encryption is PBKDF2 with 2,048 rounds: far too cheap for
# the one key that opens every laptop.) OpenSSL's command line refuses scrypt above
# 32 MiB by default, so read the file with this app, not `openssl pkey`.
SCRYPT_LOG2_N: Final = 17
SCRYPT_R: Final = 8
SCRYPT_P: Final = 1


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
    private_pem = encrypt_pkcs8_scrypt(private, passphrase)
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


# --------------------------------------------------------------------------- PKCS#8 with scrypt
# EncryptedPrivateKeyInfo (RFC 5958) with PBES2 (RFC 8018), scrypt (RFC 7914) and
# AES-256-CBC: a standard format, written by hand only because the library offers
# no way to choose the KDF or its cost for PKCS#8.

_OID_PBES2: Final = "1.2.840.113549.1.5.13"
_OID_SCRYPT: Final = "1.3.6.1.4.1.11591.4.11"
_OID_AES256_CBC: Final = "2.16.840.1.101.3.4.1.42"


def encrypt_pkcs8_scrypt(private: x25519.X25519PrivateKey, passphrase: str) -> bytes:
    """The private key as an 'ENCRYPTED PRIVATE KEY' PEM protected by scrypt."""
    plain = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    salt, iv = os.urandom(16), os.urandom(16)
    n = 2**SCRYPT_LOG2_N
    key = Scrypt(salt=salt, length=32, n=n, r=SCRYPT_R, p=SCRYPT_P).derive(passphrase.encode("utf-8"))
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize()
    algorithm = _seq(
        _oid(_OID_PBES2),
        _seq(
            _seq(_oid(_OID_SCRYPT), _seq(_octets(salt), _int(n), _int(SCRYPT_R), _int(SCRYPT_P), _int(32))),
            _seq(_oid(_OID_AES256_CBC), _octets(iv)),
        ),
    )
    der = _seq(algorithm, _octets(ciphertext))
    text = base64.b64encode(der).decode("ascii")
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    return (
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
        + "\n".join(lines)
        + "\n-----END ENCRYPTED PRIVATE KEY-----\n"
    ).encode("ascii")


def _tlv(tag: int, body: bytes) -> bytes:
    n = len(body)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + body


def _seq(*parts: bytes) -> bytes:
    return _tlv(0x30, b"".join(parts))


def _octets(data: bytes) -> bytes:
    return _tlv(0x04, data)


def _int(value: int) -> bytes:
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _oid(dotted: str) -> bytes:
    arcs = [int(a) for a in dotted.split(".")]
    body = bytearray([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body += bytes(reversed(chunk))
    return _tlv(0x06, bytes(body))
