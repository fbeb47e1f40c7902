"""A service directory file must be an object holding a list of services; anything else is refused with
that message (a DefinitionError), never read as an empty directory and never a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from outreach.clinical.service_directory import load_service_directory
from outreach.errors import DefinitionError


@pytest.mark.parametrize("data", [[], [{"id": "gp"}], "services", 3, None, {"id": "d"}, {"services": {}},
                                  {"services": "gp-practice"}, {"services": None}])
def test_a_directory_that_is_not_an_object_with_a_list_of_services_is_refused(
    tmp_path: Path, data: object
) -> None:
    path = tmp_path / "services.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DefinitionError, match="must be an object with a list of services"):
        load_service_directory(path)
