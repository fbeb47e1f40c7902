"""Where the bundled `resources/` folder is, in a checkout and in a frozen build.

PyInstaller unpacks data next to the executable (``sys._MEIPASS``); from a
checkout or an editable install it sits beside the packages.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resources_dir() -> Path:
    """Return the folder holding check definitions, rules, directory seed and templates."""
    override = os.environ.get("OUTREACH_RESOURCES_DIR")
    if override:
        return Path(override)
    frozen_base = getattr(sys, "_MEIPASS", None)
    if frozen_base:
        return Path(frozen_base) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """Path of one bundled resource, e.g. ``resource_path("checks", "smi-annual.json")``."""
    return resources_dir().joinpath(*parts)
