"""A process that has opened a store leaves no memory dump (the keys and records in clear)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHILD = """
import resource, sys
from outreach.store.core_dumps import dumps_allowed
from outreach.store.crypto import TEST_KDF
from outreach.store.local_store import LocalStore
hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))  # as permissive as this machine allows
print("before", dumps_allowed())
LocalStore.create(sys.argv[1], admin_name="Admin Testuser", admin_passphrase="synthetic passphrase one",
                  kdf=TEST_KDF).close()
store = LocalStore.open(sys.argv[1], kdf=TEST_KDF)
print("after", dumps_allowed())
store.close()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX core dumps")
def test_opening_a_store_forbids_core_dumps(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "data")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    before, after = result.stdout.splitlines()
    if sys.platform.startswith("linux"):
        assert before == "before True"  # a Linux process may dump until told otherwise
    assert after == "after False"
