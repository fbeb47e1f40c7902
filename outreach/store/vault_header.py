"""The vault header: what the key file holds, and how it is (de)serialised.

JSON, versioned, every binary value base64. Two parts:

* the **authenticated part** (format, vault id, key id, generation, users with
  their roles, salts, KDF parameters and wrapped keys, the recovery entry): covered
  by `mac`, an HMAC under a key derived from the data key. It can only be written
  by someone holding the data key, and is checked after every unlock.
* the **attempts part** (wrong-passphrase counters and the time before which a
  user may not try again): written on every failed unlock, when no key is
  available, so it cannot be covered by the MAC. Each user's running total of
  failures is copied into the authenticated part at each unlock, so a counter
  rolled back below that figure is noticed.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any, Final

from outreach.errors import SchemaTooNewError, StoreError, ValidationError
from outreach.store.crypto import KdfParams

HEADER_FORMAT: Final = "outreach-vault-keys"
HEADER_VERSION: Final = 1
ROLES: Final = ("worker", "supervisor", "admin")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")  # noqa: TRY004 - as b64decode's own refusal: callers catch ValueError
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass
class UserEntry:
    name: str
    role: str
    kdf: KdfParams
    salt: bytes
    wrapped_key: bytes
    created_at: str
    failures_seen: int = 0  # total failures recorded at the last authenticated save

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "kdf": self.kdf.to_dict(),
            "salt": b64(self.salt),
            "wrapped_key": b64(self.wrapped_key),
            "created_at": self.created_at,
            "failures_seen": self.failures_seen,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> UserEntry:
        role = str(raw["role"])
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        return cls(
            name=str(raw["name"]),
            role=role,
            kdf=KdfParams.from_dict(raw["kdf"]),
            salt=unb64(raw["salt"]),
            wrapped_key=unb64(raw["wrapped_key"]),
            created_at=str(raw["created_at"]),
            failures_seen=int(raw.get("failures_seen", 0)),
        )


@dataclass
class RecoveryEntry:
    alg: str
    fingerprint: str
    ephemeral_public: bytes
    wrapped_key: bytes

    def to_dict(self) -> dict[str, Any]:
        return {
            "alg": self.alg,
            "fingerprint": self.fingerprint,
            "ephemeral_public": b64(self.ephemeral_public),
            "wrapped_key": b64(self.wrapped_key),
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> RecoveryEntry:
        return cls(
            alg=str(raw["alg"]),
            fingerprint=str(raw["fingerprint"]),
            ephemeral_public=unb64(raw["ephemeral_public"]),
            wrapped_key=unb64(raw["wrapped_key"]),
        )


@dataclass
class Attempts:
    """Unauthenticated per-user counters (see module docstring)."""

    consecutive: int = 0
    total: int = 0
    not_before: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"consecutive": self.consecutive, "total": self.total, "not_before": self.not_before}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Attempts:
        return cls(
            consecutive=max(0, int(raw.get("consecutive", 0))),
            total=max(0, int(raw.get("total", 0))),
            not_before=float(raw.get("not_before", 0.0)),
        )


@dataclass
class VaultHeader:
    vault_id: str
    key_id: bytes
    created_at: str
    generation: int = 0
    users: list[UserEntry] = field(default_factory=list)
    recovery: RecoveryEntry | None = None
    mac: bytes = b""
    attempts: dict[str, Attempts] = field(default_factory=dict)

    # ---- lookups

    def find_user(self, name: str) -> UserEntry | None:
        wanted = name.strip().casefold()
        for user in self.users:
            if user.name.casefold() == wanted:
                return user
        return None

    def attempts_for(self, name: str) -> Attempts:
        return self.attempts.setdefault(name, Attempts())

    # ---- serialisation

    def authenticated_bytes(self) -> bytes:
        """Canonical bytes of everything the MAC covers."""
        body = {
            "format": HEADER_FORMAT,
            "version": HEADER_VERSION,
            "vault_id": self.vault_id,
            "key_id": b64(self.key_id),
            "created_at": self.created_at,
            "generation": self.generation,
            "users": [u.to_dict() for u in self.users],
            "recovery": self.recovery.to_dict() if self.recovery else None,
        }
        return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")

    def to_bytes(self) -> bytes:
        body = json.loads(self.authenticated_bytes())
        body["mac"] = b64(self.mac)
        body["attempts"] = {name: a.to_dict() for name, a in sorted(self.attempts.items())}
        return (json.dumps(body, indent=1, sort_keys=True, ensure_ascii=True) + "\n").encode("ascii")

    @classmethod
    def from_bytes(cls, data: bytes) -> VaultHeader:
        try:
            raw = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise _damaged("it is not readable") from None
        if not isinstance(raw, dict) or raw.get("format") != HEADER_FORMAT:
            raise _damaged("it is not a key file of this app")
        version = raw.get("version")
        if isinstance(version, int) and version > HEADER_VERSION:
            raise SchemaTooNewError(
                "The key file was written by a newer version of the app. Install the newer version."
            )
        if version != HEADER_VERSION:
            raise _damaged("its version is not known")
        try:
            return cls(
                vault_id=str(raw["vault_id"]),
                key_id=unb64(raw["key_id"]),
                created_at=str(raw["created_at"]),
                generation=int(raw["generation"]),
                users=[UserEntry.from_dict(u) for u in raw["users"]],
                recovery=RecoveryEntry.from_dict(raw["recovery"]) if raw.get("recovery") else None,
                mac=unb64(raw["mac"]),
                attempts={str(k): Attempts.from_dict(v) for k, v in dict(raw.get("attempts") or {}).items()},
            )
        except ValidationError:
            raise _damaged("its key settings are out of range") from None
        except (KeyError, TypeError, ValueError, binascii.Error):
            raise _damaged("an entry is missing or malformed") from None


def _damaged(reason: str) -> StoreError:
    return StoreError(
        f"The key file is damaged ({reason}). Restore it from a backup, or ask IT to recover access."
    )
