"""Which files make a store, asked before the database layer loads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from outreach.store.files import DB_FILENAME, VAULT_FILENAME, store_present
from tests.conftest import ROOT


def test_either_file_alone_counts_as_a_store(tmp_path: Path) -> None:
    assert not store_present(tmp_path)
    (tmp_path / VAULT_FILENAME).write_text("{}")
    # a key file without its database is a store to report, not to set up again
    assert store_present(tmp_path)
    (tmp_path / VAULT_FILENAME).unlink()
    (tmp_path / DB_FILENAME).write_bytes(b"")
    assert store_present(tmp_path)


def test_asking_loads_no_database_layer() -> None:
    probe = "import sys, outreach.store.files; print('sqlalchemy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stdout.strip() == "False", result.stderr
