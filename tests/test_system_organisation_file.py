"""The installers' machine-wide organisation file is found, and only when nothing closer is.

The Debian package ships /etc/outreach-health-checks/organisation.toml as a conffile and the Windows
installer copies its /ORGFILE= to %ProgramData%; both must be read by the app, last in the search,
so that a file in the data folder (what `outreach init` saves) or given by OUTREACH_ORG_CONFIG wins.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from outreach import settings


def test_system_location_per_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    if os.name == "nt":
        monkeypatch.setenv("PROGRAMDATA", r"C:\ProgramData")
        expected = Path(r"C:\ProgramData") / "Outreach Health Checks" / "organisation.toml"
    elif sys.platform == "darwin":
        expected = Path("/Library/Application Support/Outreach Health Checks/organisation.toml")
    else:
        expected = Path("/etc/outreach-health-checks/organisation.toml")
    assert settings.system_organisation_file() == expected


def test_system_file_is_read_last(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    system = tmp_path / "etc" / "organisation.toml"
    system.parent.mkdir()
    system.write_text('organisation_name = "Synthetic System Trust"\n', encoding="utf-8")
    monkeypatch.setattr(settings, "system_organisation_file", lambda: system)
    monkeypatch.delenv(settings.ORG_CONFIG_ENV, raising=False)
    data = tmp_path / "data"
    data.mkdir()
    assert settings.organisation_file_candidates(data)[-1] == system
    assert settings.find_organisation_file(data) == system
    assert settings.OrgConfig.load(system).organisation_name == "Synthetic System Trust"

    (data / "organisation.toml").write_text('organisation_name = "Synthetic Laptop"\n', encoding="utf-8")
    assert settings.find_organisation_file(data) == data / "organisation.toml"


def test_windows_without_programdata_has_no_system_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings.os, "name", "nt")
    monkeypatch.delenv("PROGRAMDATA", raising=False)
    assert settings.system_organisation_file() is None
