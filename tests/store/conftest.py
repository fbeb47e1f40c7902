"""Fixtures for the local store: a real SQLite file and a real vault in tmp_path.

The vault's cheap test KDF keeps each unlock to milliseconds; everything else is the
production code path.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from outreach.store.local_store import LocalStore
from outreach.store.records import PersonDetails
from tests import factories

ADMIN = factories.ADMIN
PASSPHRASE = factories.PASSPHRASE


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[LocalStore]:
    s = factories.new_store(data_dir)
    try:
        yield s
    finally:
        s.close()


def reopen(data_dir: Path, **kwargs: object) -> LocalStore:
    return factories.reopen(data_dir, **kwargs)


def person(n: int = 0, **overrides: object) -> PersonDetails:
    names = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"]
    values: dict[str, object] = {
        "given_name": "Testperson",
        "family_name": names[n % len(names)] + ("" if n < len(names) else str(n)),
        "date_of_birth": f"19{60 + n % 40:02d}-0{1 + n % 9}-1{n % 10}",
        "sex": "female" if n % 2 else "male",
        "nhs_number": None,
    }
    values.update(overrides)
    return PersonDetails(**values)  # type: ignore[arg-type]


# The one generator of synthetic NHS numbers, under the name the store tests import.
synthetic_nhs_number = factories.synthetic_nhs_number
