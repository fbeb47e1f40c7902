"""Settings: data-folder precedence and the organisation file IT deploys."""

from __future__ import annotations

import stat
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest

from outreach.errors import ValidationError
from outreach.settings import (
    DATA_DIR_ENV,
    SETTINGS,
    OrgConfig,
    ensure_private_dir,
    resolve_data_dir,
    settings_table,
)
from tests.conftest import ROOT


def test_data_dir_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "from-env"))
    assert resolve_data_dir(tmp_path / "from-cli") == (tmp_path / "from-cli").resolve()
    assert resolve_data_dir(None) == (tmp_path / "from-env").resolve()
    monkeypatch.delenv(DATA_DIR_ENV)
    default = resolve_data_dir(None)
    assert "OutreachHealthChecks" in str(default)


def test_private_dir_is_owner_only(tmp_path: Path) -> None:
    folder = ensure_private_dir(tmp_path / "a" / "b")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_defaults_work_without_a_file() -> None:
    config = OrgConfig()
    assert config.server_url == ""
    assert config.idle_lock_minutes == 5


def test_loads_a_full_file_and_resolves_relative_paths(tmp_path: Path) -> None:
    (tmp_path / "recovery.pem").write_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    (tmp_path / "organisation.toml").write_text(
        'organisation_name = "Test Outreach Charity"\n'
        'server_url = "https://record.example.invalid/fhir"\n'
        'ca_bundle = "ca.pem"\n'
        'recovery_public_key = "recovery.pem"\n'
        "idle_lock_minutes = 3\n"
        'future_setting = "kept"\n'
    )
    config = OrgConfig.load(tmp_path / "organisation.toml")
    assert config.organisation_name == "Test Outreach Charity"
    assert config.ca_bundle == str((tmp_path / "ca.pem").resolve())
    assert config.recovery_public_key.startswith("-----BEGIN PUBLIC KEY-----")
    assert config.idle_lock_minutes == 3
    assert config.extra == {"future_setting": "kept"}


@pytest.mark.parametrize(
    ("content", "item", "words"),
    [
        ("idle_lock_minutes = 0\n", "idle_lock_minutes", "between 1 and 240"),
        ('idle_lock_minutes = "five"\n', "idle_lock_minutes", "whole number"),
        ("idle_lock_minutes = true\n", "idle_lock_minutes", "whole number"),
        ('server_url = "http://record.example.invalid"\n', "server_url", "https://"),
        ("server_url = 5\n", "server_url", "must be text"),
        ('recovery_public_key = "missing.pem"\n', "recovery_public_key", "cannot be read"),
        ("this is = not toml [\n", "org_config", "not valid TOML"),
    ],
)
def test_bad_files_name_the_setting(tmp_path: Path, content: str, item: str, words: str) -> None:
    path = tmp_path / "organisation.toml"
    path.write_text(content)
    with pytest.raises(ValidationError) as caught:
        OrgConfig.load(path)
    assert caught.value.item == item
    assert words in caught.value.message


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="was not found"):
        OrgConfig.load(tmp_path / "nowhere.toml")


def test_loopback_http_is_allowed_for_a_local_server() -> None:
    assert OrgConfig.from_mapping({"server_url": "http://127.0.0.1:8080/fhir"}).server_url.startswith(
        "http://127"
    )


def test_a_folder_or_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="is a folder"):
        OrgConfig.load(tmp_path)
    # A name longer than the file system allows fails with an OS error other than "not found",
    # whoever runs the test (root can read a file whatever its permissions).
    with pytest.raises(ValidationError, match="cannot be read"):
        OrgConfig.load(tmp_path / ("x" * 300 + ".toml"))


def test_sync_interval_is_checked() -> None:
    with pytest.raises(ValidationError) as caught:
        OrgConfig.from_mapping({"sync_interval_minutes": 0})
    assert caught.value.item == "sync_interval_minutes"


def test_saved_settings_read_back_the_same(tmp_path: Path) -> None:
    from outreach.settings import save_organisation_file

    config = OrgConfig(
        organisation_name='Synthetic "Quoted" Service — Ŵales',
        server_url="https://record.example.invalid/fhir",
        recovery_public_key="-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        idle_lock_minutes=9,
    )
    path = save_organisation_file(tmp_path, config)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert OrgConfig.load(path) == config


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https:// x y", "spaces"),
        ("http://localhost@evil.example", "user name"),
        ("https://user:pw@record.example.invalid/fhir", "user name"),
        ("http://127.0.0.1.evil.example/fhir", "https://"),
        ("http://localhost.evil.example", "https://"),
        ("https://", "must name a server"),
        ("https://record.example.invalid:99999/fhir", "not a valid web address"),
        ("https://rec ord.example.invalid", "spaces"),
        ("https://record.example.invalid/fhir?x=1", "without '?'"),
        ("https://bad_host!.example/fhir", "not a valid server name"),
        ("ftp://record.example.invalid", "https://"),
        ("https://record.example.invalid/fhir\n", "control characters"),
    ],
)
def test_server_url_is_parsed_not_prefix_matched(url: str, words: str) -> None:
    with pytest.raises(ValidationError, match="server_url") as refused:
        OrgConfig.from_mapping({"server_url": url})
    assert words in refused.value.message


@pytest.mark.parametrize(
    "url",
    [
        "https://record.example.invalid/fhir",
        "https://record.example.invalid:8443/fhir/R4/",
        "https://10.1.2.3/fhir",
        "https://[2001:db8::1]:8443/fhir",
        "http://localhost:8080",
        "http://[::1]:8080/fhir",
        "http://127.0.0.1:8080/fhir",
    ],
)
def test_good_server_urls_are_accepted(url: str) -> None:
    assert OrgConfig.from_mapping({"server_url": url}).server_url == url


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("server_ulr", "server_url"),
        ("idle_lock_minute", "idle_lock_minutes"),
        ("sync_max_entires", "sync_max_entries"),
    ],
)
def test_a_misspelt_setting_is_refused_naming_the_one_meant(typo: str, meant: str) -> None:
    with pytest.raises(ValidationError, match=f"did you mean '{meant}'"):
        OrgConfig.from_mapping({typo: "https://shared-record.example"})


def _install_guide_table() -> str:
    text = (ROOT / "docs" / "install.md").read_text(encoding="utf-8")
    start = text.index("| Setting | Default | Meaning |")
    return text[start : text.index("\n\n", start) + 1]


def test_the_install_guide_table_is_the_declared_settings() -> None:
    """The table IT reads is made from the declarations (settings_table()): paste its output there."""
    assert _install_guide_table() == settings_table()


def test_the_example_file_has_every_setting_and_loads() -> None:
    example = ROOT / "resources" / "organisation.example.toml"
    assert set(tomllib.loads(example.read_text(encoding="utf-8"))) == {s.name for s in SETTINGS}
    assert OrgConfig.load(example).extra == {}


def test_every_setting_is_declared_once_with_a_default_of_its_type() -> None:
    assert [s.name for s in SETTINGS] == [f.name for f in fields(OrgConfig) if f.name != "extra"]
    config = OrgConfig()
    for setting in SETTINGS:
        assert isinstance(setting.default, setting.type) and setting.info.meaning, setting.name
        assert getattr(config, setting.name) == setting.default
        assert setting.problem(setting.default) is None, setting.name


# The ranges as the install guide promises them, written out here: a test that read them back from
# the declarations could not notice one moved.
RANGES = {"idle_lock_minutes": (1, 240), "sync_interval_minutes": (1, 1440), "sync_max_entries": (0, 1000)}


def test_the_ranged_settings_are_the_ones_with_these_ranges() -> None:
    declared = {s.name: (s.info.low, s.info.high) for s in SETTINGS if s.info.low is not None}
    assert declared == RANGES


@pytest.mark.parametrize(("name", "low", "high"), [(n, lo, hi) for n, (lo, hi) in RANGES.items()])
def test_each_range_is_kept_at_both_ends(name: str, low: int, high: int) -> None:
    for good in (low, high):
        assert getattr(OrgConfig.from_mapping({name: good}), name) == good
    for bad in (low - 1, high + 1):
        with pytest.raises(ValidationError, match=f"Setting '{name}' must be between {low}") as caught:
            OrgConfig.from_mapping({name: bad})
        assert caught.value.item == name


def test_a_choice_outside_the_list_is_refused() -> None:
    with pytest.raises(ValidationError, match='must be "parts"') as caught:
        OrgConfig.from_mapping({"sync_transactions": "all"})
    assert caught.value.item == "sync_transactions"
