"""Shared test set-up.

Qt always runs offscreen in tests (CI has no display). Tests must be safe to run in
parallel: use tmp_path for files and ask the OS for free ports.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
