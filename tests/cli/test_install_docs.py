"""The IT documentation and the example organisation file stay true to the code."""

from __future__ import annotations

import dataclasses
import re

from outreach.selftest import headless_checks
from outreach.settings import DATA_DIR_ENV, OrgConfig
from tests.conftest import ROOT

DOC = ROOT / "docs" / "install.md"
EXAMPLE = ROOT / "resources" / "organisation.example.toml"


def settings_names() -> list[str]:
    return [f.name for f in dataclasses.fields(OrgConfig) if f.name != "extra"]


def test_the_example_organisation_file_loads_and_sets_every_setting() -> None:
    config = OrgConfig.load(EXAMPLE)
    assert config.extra == {}, "the example has a setting the app does not know"
    text = EXAMPLE.read_text("utf-8")
    for name in settings_names():
        assert re.search(rf"^{name} = ", text, re.MULTILINE), name


def test_every_organisation_setting_is_documented() -> None:
    doc = DOC.read_text("utf-8")
    for name in settings_names():
        assert f"| `{name}` |" in doc, name


def test_every_self_test_check_is_documented() -> None:
    doc = DOC.read_text("utf-8")
    for name in [c.name for c in headless_checks()] + ["qt"]:
        assert f"| `{name}` |" in doc, name


def test_environment_variables_used_by_the_app_are_documented() -> None:
    from outreach.settings import ORG_CONFIG_ENV

    doc = DOC.read_text("utf-8")
    for name in (DATA_DIR_ENV, ORG_CONFIG_ENV, "OUTREACH_RESOURCES_DIR"):
        assert f"| `{name}` |" in doc, name


def test_the_documented_linux_libraries_match_what_ci_installs() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    doc = DOC.read_text("utf-8")
    for library in re.findall(r"\blib(?:xcb|xkbcommon|egl|gl|fontconfig|freetype|dbus|glib)[\w.-]*", ci):
        assert library in doc, library
