"""Fixtures for the check tests: the bundled definition, loaded once per worker."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest

from outreach.checks.definition import CheckDefinition, load_definition
from outreach.resources import resource_path


@pytest.fixture(scope="session")
def defn() -> CheckDefinition:
    return load_definition()


@pytest.fixture(scope="session")
def _raw_definition() -> dict[str, Any]:
    return json.loads(resource_path("checks", "smi-annual-check.json").read_text(encoding="utf-8"))


@pytest.fixture
def raw(_raw_definition: dict[str, Any]) -> dict[str, Any]:
    """A fresh, editable copy of the bundled Questionnaire JSON."""
    return copy.deepcopy(_raw_definition)


def walk(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        yield item
        yield from walk(item.get("item", []))


def find(raw: dict[str, Any], link_id: str) -> dict[str, Any]:
    for item in walk(raw["item"]):
        if item["linkId"] == link_id:
            return item
    raise KeyError(link_id)


def ext(item: dict[str, Any], url_end: str) -> dict[str, Any]:
    return next(e for e in item["extension"] if e["url"].endswith(url_end))
