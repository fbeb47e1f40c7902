"""The number printed on the person's summary is an organisation setting, declared once and checked."""

from __future__ import annotations

import tomllib

import pytest

from outreach.errors import ValidationError
from outreach.settings import OrgConfig


def test_summary_contact_is_read_trimmed_and_saved_back() -> None:
    config = OrgConfig.from_mapping(
        {"organisation_name": "Example Outreach Team", "summary_contact": " 0117 496 0000 "}
    )
    assert config.summary_contact == "0117 496 0000"
    assert tomllib.loads(config.to_toml())["summary_contact"] == "0117 496 0000"
    assert OrgConfig().summary_contact == ""  # unset: the page points to the GP practice and NHS 111


@pytest.mark.parametrize("value", ["call the office", "0" * 41])
def test_a_contact_that_is_not_a_phone_number_is_refused_by_name(value: str) -> None:
    with pytest.raises(ValidationError) as err:
        OrgConfig.from_mapping({"summary_contact": value})
    assert err.value.item == "summary_contact"
