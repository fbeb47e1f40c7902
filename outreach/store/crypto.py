"""Cryptographic building blocks of the vault, kept apart from its bookkeeping.

Everything here is a thin, typed layer over the ``cryptography`` package; nothing
here knows about users, files or the database. `outreach.store.vault` composes
these pieces.

Choices, and why:

* **AES-256-GCM** for every field: authenticated, fast, in every ``cryptography``
  build. A fresh random 96-bit nonce per write. With one data key per vault and a
  few million writes over a laptop's life, the random-nonce collision bound
  (2^-32 after 2^32 writes) is nowhere near.
* **Associated data** binds a blob to where it belongs (table, record id,
  version, column) and to its own header, so a blob copied to another row or
  column, or given a doctored header, fails to decrypt.
* **HKDF-SHA256 subkeys**: the data key is never used directly; separate subkeys
  for field encryption, blind indexes and the header MAC, so a weakness in one use
  cannot leak into another.
* **Argon2id** for passphrases (memory-hard, the current recommendation of
  RFC 9106 and OWASP); parameters and salt are stored with each user so they can
  be raised later without breaking old entries.
* **X25519 + HKDF + AES-GCM sealed box** for the organisation recovery key:
  the public key is one short line of PEM that IT can paste into the
  organisation file; there is no padding mode to get wrong (as there is with RSA),
  and it is fast on old laptops.
"""

from __future__ import annotations

import hashlib
import hmac as _std_hmac
import os
import struct
import unicodedata
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from outreach.errors import ValidationError

KEY_BYTES: Final = 32  # AES-256 data key and all subkeys
NONCE_BYTES: Final = 12  # 96-bit GCM nonce
TAG_BYTES: Final = 16
KEY_ID_BYTES: Final = 8

# Field blob layout (format 1):
#   magic  b"OV"      2 bytes   identifies an Outreach vault blob
#   format 0x01       1 byte    bumped if the layout or algorithm ever changes
#   key id            8 bytes   which data key encrypted it (see `key_id_for`)
#   nonce             12 bytes
#   ciphertext || GCM tag (16 bytes)
BLOB_MAGIC: Final = b"OV"
BLOB_FORMAT: Final = 1
BLOB_HEADER_BYTES: Final = len(BLOB_MAGIC) + 1 + KEY_ID_BYTES + NONCE_BYTES
BLOB_OVERHEAD: Final = BLOB_HEADER_BYTES + TAG_BYTES

# HKDF "info" labels: one per use of the data key. Changing one breaks old data.
_INFO_FIELD: Final = b"outreach-vault v1 field-encryption"
_INFO_INDEX: Final = b"outreach-vault v1 blind-index"
_INFO_HEADER_MAC: Final = b"outreach-vault v1 header-mac"
_INFO_KEY_ID: Final = b"outreach-vault v1 key-id"
_INFO_RECOVERY: Final = b"outreach-vault v1 recovery-wrap"


class BlobError(Exception):
    """Internal: a blob failed to parse or authenticate. The vault turns it into a
    CorruptRecordError that names the table and record."""

    def __init__(self, reason: str, *, too_new: bool = False, other_key: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.too_new = too_new
        self.other_key = other_key


# --------------------------------------------------------------------------- key derivation


def hkdf(key: bytes | bytearray, info: bytes, length: int = KEY_BYTES) -> bytearray:
    """Derive a subkey into a bytearray (so the caller can wipe it later)."""
    out = bytearray(length)
    HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive_into(key, out)
    return out


@dataclass(frozen=True)
class Subkeys:
    """The working keys derived from one data key; held only while unlocked."""

    field: bytearray
    index: bytearray
    header_mac: bytearray

    @classmethod
    def derive(cls, data_key: bytes | bytearray) -> Subkeys:
        return cls(
            field=hkdf(data_key, _INFO_FIELD),
            index=hkdf(data_key, _INFO_INDEX),
            header_mac=hkdf(data_key, _INFO_HEADER_MAC),
        )

    def wipe(self) -> None:
        for buf in (self.field, self.index, self.header_mac):
            wipe(buf)


def key_id_for(data_key: bytes | bytearray) -> bytes:
    """A public 8-byte fingerprint of the data key, written into every blob header.

    It lets the vault say "this record was written with another key" (for example a
    database copied next to another laptop's key file) instead of a bare failure.
    Derived with HKDF, so it reveals nothing about the key.
    """
    return bytes(hkdf(data_key, _INFO_KEY_ID, KEY_ID_BYTES))


def new_data_key() -> bytearray:
    return bytearray(os.urandom(KEY_BYTES))


def wipe(buf: bytearray) -> None:
    """Overwrite a key buffer with zeros in place.

    Best effort only: copies made inside OpenSSL objects, immutable ``bytes`` the
    library returned, and the passphrase ``str`` itself cannot be wiped from Python.
    """
    buf[:] = bytes(len(buf))


# --------------------------------------------------------------------------- field blobs


def _encode_context(parts: tuple[str | bytes | int, ...]) -> bytes:
    """Unambiguous encoding of the associated data: each part length-prefixed,
    so ("ab", "c") and ("a", "bc") can never produce the same bytes."""
    out = bytearray()
    for part in parts:
        if isinstance(part, int):
            raw = struct.pack(">q", part)
            tag = b"i"
        elif isinstance(part, bytes):
            raw = part
            tag = b"b"
        else:
            raw = part.encode("utf-8")
            tag = b"s"
        out += tag + struct.pack(">I", len(raw)) + raw
    return bytes(out)


def field_context(table: str, record_id: str, version: int, column: str) -> bytes:
    return _encode_context(("field", table, record_id, version, column))


def seal_blob(aead: AESGCM, key_id: bytes, plaintext: bytes, context: bytes) -> bytes:
    """Encrypt `plaintext` with the field key's AEAD into a self-describing blob bound to `context`."""
    nonce = os.urandom(NONCE_BYTES)
    header = BLOB_MAGIC + bytes([BLOB_FORMAT]) + key_id + nonce
    ciphertext = aead.encrypt(nonce, plaintext, header + context)
    return header + ciphertext


def open_blob(aead: AESGCM, key_id: bytes, blob: bytes, context: bytes) -> bytes:
    """Check and decrypt a blob made by `seal_blob`; raise BlobError saying what is wrong."""
    blob = bytes(blob)
    if len(blob) < BLOB_OVERHEAD or not blob.startswith(BLOB_MAGIC):
        raise BlobError("it is not an encrypted field (too short or wrong marker)")
    fmt = blob[len(BLOB_MAGIC)]
    if fmt > BLOB_FORMAT:
        raise BlobError("it was written by a newer version of the app", too_new=True)
    if fmt != BLOB_FORMAT:
        raise BlobError(f"its format ({fmt}) is not known")
    start = len(BLOB_MAGIC) + 1
    blob_key_id = blob[start : start + KEY_ID_BYTES]
    if not _std_hmac.compare_digest(blob_key_id, key_id):
        raise BlobError("it was encrypted with a different key (from another store?)", other_key=True)
    header = blob[:BLOB_HEADER_BYTES]
    nonce = blob[start + KEY_ID_BYTES : BLOB_HEADER_BYTES]
    try:
        return aead.decrypt(nonce, blob[BLOB_HEADER_BYTES:], header + context)
    except InvalidTag:
        raise BlobError("its contents do not match its seal (changed, damaged, or moved from another record)")


# --------------------------------------------------------------------------- passphrase KDF


# Refuse absurd values read from a file: a doctored key file must not be able to
# make the app allocate tens of gigabytes or spin for hours.
_MAX_MEMORY_KIB: Final = 4 * 1024 * 1024
_MAX_ITERATIONS: Final = 64


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters, stored next to each user's wrapped key.

    `DEFAULT_KDF` is calibrated so one unlock takes about 0.2-0.5 s on a
    current two-core laptop (see docs/recovery.md for the measurement); tests pass
    `TEST_KDF` explicitly so the suite stays fast.
    """

    memory_kib: int
    iterations: int
    lanes: int = 1

    def check(self) -> None:
        if not (1 <= self.lanes <= 16):
            raise ValidationError("Key settings are out of range (lanes).", item="kdf")
        if not (8 * self.lanes <= self.memory_kib <= _MAX_MEMORY_KIB):
            raise ValidationError("Key settings are out of range (memory).", item="kdf")
        if not (1 <= self.iterations <= _MAX_ITERATIONS):
            raise ValidationError("Key settings are out of range (iterations).", item="kdf")

    def to_dict(self) -> dict[str, int | str]:
        return {
            "alg": "argon2id",
            "memory_kib": self.memory_kib,
            "iterations": self.iterations,
            "lanes": self.lanes,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> KdfParams:
        if raw.get("alg") != "argon2id":
            raise ValidationError("The key file uses a key method this version does not know.", item="kdf")
        params = cls(
            memory_kib=int(raw["memory_kib"]),  # type: ignore[call-overload]
            iterations=int(raw["iterations"]),  # type: ignore[call-overload]
            lanes=int(raw["lanes"]),  # type: ignore[call-overload]
        )
        params.check()
        return params


# Calibrated on the development machine (2 cores): one derivation took 0.26-0.45 s
# of wall time when the machine was quiet (about 0.39 s of CPU across the lanes'
# threads), and up to ~0.9 s while other heavy work shared the cores. This is RFC 9106's
# second recommended option (t=3, p=4) with the memory doubled to 128 MiB, which doubles an attacker's cost
# per guess while staying inside the 0.2-0.5 s unlock budget.
DEFAULT_KDF: Final = KdfParams(memory_kib=128 * 1024, iterations=3, lanes=4)
# Cheap profile for tests only: never used unless passed explicitly.
TEST_KDF: Final = KdfParams(memory_kib=8, iterations=1, lanes=1)


def derive_kek(passphrase: str, salt: bytes, params: KdfParams) -> bytearray:
    """Key-encryption key from a passphrase (Argon2id).

    The passphrase is NFC-normalised first: the same "é" typed on two keyboards (or
    operating systems) can arrive as one code point or two, and must give one key.
    """
    params.check()
    out = bytearray(KEY_BYTES)
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    Argon2id(
        salt=salt,
        length=KEY_BYTES,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    ).derive_into(secret, out)
    return out


def wrap_key(kek: bytes | bytearray, data_key: bytes | bytearray, context: bytes) -> bytes:
    """AES-256-GCM key wrap: nonce || ciphertext+tag, bound to `context` (vault id, user)."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(kek).encrypt(nonce, data_key, context)


def unwrap_key(kek: bytes | bytearray, wrapped: bytes, context: bytes) -> bytearray | None:
    """Return the data key, or None if the key-encryption key or context is wrong."""
    if len(wrapped) != NONCE_BYTES + KEY_BYTES + TAG_BYTES:
        return None
    try:
        return bytearray(AESGCM(kek).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], context))
    except InvalidTag:
        return None


def user_wrap_context(vault_id: str, user_name: str) -> bytes:
    return _encode_context(("user-wrap", vault_id, user_name))


# --------------------------------------------------------------------------- blind index


def blind_index_digest(index_key: bytes | bytearray, kind: str, normalised: str) -> bytes:
    """HMAC-SHA256 over (kind, value): equal inputs give equal digests, and a
    digest of one kind never matches another kind's."""
    return _std_hmac.new(
        bytes(index_key), _encode_context(("index", kind, normalised)), hashlib.sha256
    ).digest()


def header_mac(mac_key: bytes | bytearray, canonical: bytes) -> bytes:
    return _std_hmac.new(bytes(mac_key), _encode_context(("header", canonical)), hashlib.sha256).digest()


# --------------------------------------------------------------------------- recovery (sealed box)

RECOVERY_ALG: Final = "x25519-hkdf-sha256-aes256gcm"


def load_recovery_public_key(pem: str | bytes) -> x25519.X25519PublicKey:
    """Read the organisation's recovery public key (PEM, X25519)."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnicodeEncodeError):
        raise ValidationError(
            "The recovery public key is not a valid PEM public key.", item="recovery_public_key"
        ) from None
    if not isinstance(key, x25519.X25519PublicKey):
        raise ValidationError(
            "The recovery public key must be an X25519 key made with 'outreach make-recovery-key'.",
            item="recovery_public_key",
        )
    return key


def public_key_fingerprint(public_key: x25519.X25519PublicKey) -> str:
    """SHA-256 of the raw public key, hex: shown to IT to match key files."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def _recovery_kek(shared: bytes, ephemeral_pub: bytes, recipient_pub: bytes) -> bytearray:
    out = bytearray(KEY_BYTES)
    HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=ephemeral_pub + recipient_pub, info=_INFO_RECOVERY
    ).derive_into(shared, out)
    return out


def seal_to_public_key(
    recipient: x25519.X25519PublicKey, data_key: bytes | bytearray, context: bytes
) -> tuple[bytes, bytes]:
    """ECIES-style sealed box: returns (ephemeral public key, wrapped key)."""
    ephemeral = x25519.X25519PrivateKey.generate()
    eph_pub = ephemeral.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    rec_pub = recipient.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    kek = _recovery_kek(ephemeral.exchange(recipient), eph_pub, rec_pub)
    try:
        return eph_pub, wrap_key(kek, data_key, context)
    finally:
        wipe(kek)


def open_sealed(
    private_key: x25519.X25519PrivateKey, ephemeral_pub: bytes, wrapped: bytes, context: bytes
) -> bytearray | None:
    """Open a sealed box with the organisation's private key; None if it does not fit."""
    rec_pub = private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    try:
        shared = private_key.exchange(x25519.X25519PublicKey.from_public_bytes(ephemeral_pub))
    except ValueError:
        return None
    kek = _recovery_kek(shared, ephemeral_pub, rec_pub)
    try:
        return unwrap_key(kek, wrapped, context)
    finally:
        wipe(kek)


def recovery_wrap_context(vault_id: str) -> bytes:
    return _encode_context(("recovery-wrap", vault_id))
