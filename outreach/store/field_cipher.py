"""What the database layer needs from the vault, and nothing more.

The repositories encrypt every personal field through this small protocol, so they
never touch keys or algorithms themselves, and so the write path can be measured
against a pass-through cipher in the benchmark (the encryption overhead figure).
The vault's unlocked key holder satisfies it.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class FieldCipher(Protocol):
    """Encrypts one column of one row; the associated data binds the blob to that cell.

    `table`, `record_id`, `version` and `column` are authenticated, so a blob copied
    into another row, column or version fails to decrypt instead of being misread.
    """

    def encrypt_field(
        self, plaintext: bytes, *, table: str, record_id: str, version: int, column: str
    ) -> bytes: ...

    def decrypt_field(
        self, blob: bytes, *, table: str, record_id: str, version: int, column: str
    ) -> bytes: ...

    def blind_index(self, kind: str, value: str) -> str:
        """A keyed hash of `value`, stable for one data key, used for exact-match lookups."""
        ...
