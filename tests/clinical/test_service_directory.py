"""The seed service directory and its loader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from outreach.clinical.service_directory import load_service_directory
from outreach.errors import DefinitionError


def test_seed_directory_loads_in_file_order() -> None:
    directory = load_service_directory()
    assert directory.version == "1.0.0"
    assert list(directory.services)[:3] == ["gp-practice", "gp-same-day", "nhs-111"]
    smoking = directory.services["stop-smoking-bnssg"]
    assert smoking.category == "stop smoking" and smoking.phone == "see local directory"
    assert "stop-smoking-bnssg" in directory and "nowhere" not in directory


@pytest.mark.parametrize(
    ("services", "words"),
    [
        ([{"id": "x", "name": "X", "category": "c"}], "missing description"),
        ([{"id": "x", "name": "X", "category": "c", "description": "d", "email": "e"}], "unknown email"),
        ([{"id": "Bad Id", "name": "X", "category": "c", "description": "d"}], "lower-case"),
        ([{"id": "x", "name": "", "category": "c", "description": "d"}], "name must be text"),
        ([{"id": "x", "name": "X", "category": "c", "description": "d"}] * 2, "listed twice"),
        (["x"], "not an object"),
    ],
)
def test_bad_directories_are_refused(tmp_path: Path, services: list, words: str) -> None:
    path = tmp_path / "services.json"
    path.write_text(json.dumps({"id": "t", "version": "1.0.0", "services": services}), encoding="utf-8")
    with pytest.raises(DefinitionError, match=words):
        load_service_directory(path)


def test_unreadable_directory(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match="cannot be read"):
        load_service_directory(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_text("[", encoding="utf-8")
    with pytest.raises(DefinitionError, match="cannot be read"):
        load_service_directory(bad)
