"""The names of the store's files in the data folder, in a module that loads nothing else.

The unlock screen asks "is there a store here?" before the database layer (SQLAlchemy) is
imported, so the answer and the file names it needs live here, once, for every caller.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

DB_FILENAME: Final = "outreach.db"
VAULT_FILENAME: Final = "vault-keys.json"


def store_present(data_dir: Path) -> bool:
    """Is there a store, or half of one, in `data_dir`? Either file counts: a database without its
    key file (or the reverse) must be reported, never taken for a fresh laptop and set up again."""
    folder = Path(data_dir)
    return (folder / DB_FILENAME).exists() or (folder / VAULT_FILENAME).exists()
