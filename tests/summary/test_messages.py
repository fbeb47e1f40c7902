"""Message catalogues: English underneath every language, safe placeholders, language choice."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from outreach.errors import DefinitionError
from outreach.summary import available_languages, load_catalogue, resolve_language
from outreach.summary.messages import PLACEHOLDER_RE, templates_dir
from tests.summary.checks import ALL_GOOD, summary_for


def test_bundled_languages_and_their_placeholders() -> None:
    assert available_languages()[0] == "en-GB"
    english = load_catalogue()
    for tag in available_languages():
        catalogue = load_catalogue(tag)  # refuses phrases English lacks, or unknown placeholders
        for key in catalogue.messages:
            assert set(PLACEHOLDER_RE.findall(catalogue.messages[key])) <= set(
                PLACEHOLDER_RE.findall(english.raw(key)))


@pytest.mark.parametrize(("recorded", "expected"), [
    (None, "en-GB"), ("", "en-GB"), ("English", "en-GB"), ("en", "en-GB"), ("en-US", "en-GB"),
    ("Klingon", "en-GB"), ("pl", "en-GB"), ("Polish", "en-GB"),
])  # fmt: skip
def test_language_from_the_record_offers_only_ready_catalogues(recorded: str | None, expected: str) -> None:
    assert resolve_language(recorded) == expected


@pytest.mark.parametrize("recorded", ["pl", "pl-PL", "pl_PL", "Polish", "polski", "POLSKI"])
def test_a_draft_language_can_be_asked_for(recorded: str) -> None:
    assert resolve_language(recorded, include_drafts=True) == "pl"


def test_missing_phrases_fall_back_to_english_per_key() -> None:
    polish = load_catalogue("pl")
    assert polish.text("page.title") == "Twoje badanie zdrowia"
    assert polish.own("page.title") and not polish.own("page.greeting")
    assert (
        polish.text("page.greeting", name="Testperson", date="x")
        == "Hello Testperson. This is about your health check on x."
    )
    summary = summary_for(ALL_GOOD, language="Polish", include_draft_languages=True)
    assert summary.language == "pl"
    assert summary.title == "Twoje badanie zdrowia"
    assert "23 listopada 2026" in summary.greeting  # Polish month, English sentence around it
    assert summary.going_well_heading == "Co idzie dobrze"
    assert summary.numbers_heading == "Twoje wyniki"


def _copy_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(templates_dir(), folder)
    return folder


def test_a_translation_may_not_add_placeholders_or_keys(tmp_path: Path) -> None:
    folder = _copy_templates(tmp_path)
    (folder / "summary.cy.json").write_text(
        json.dumps(
            {
                "language": {"name": "Cymraeg", "also_called": ["welsh"]},
                "messages": {"page.title": "Eich gwiriad iechyd {secret}"},
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError) as err:
        load_catalogue("cy", folder)
    assert err.value.item == "page.title"
    (folder / "summary.cy.json").write_text(
        json.dumps({"language": {"name": "Cymraeg"}, "messages": {"no.such.key": "Helo"}}), encoding="utf-8"
    )
    with pytest.raises(DefinitionError):
        load_catalogue("cy", folder)


def test_a_new_language_is_one_file(tmp_path: Path) -> None:
    folder = _copy_templates(tmp_path)
    (folder / "summary.cy.json").write_text(
        json.dumps(
            {
                "language": {"name": "Cymraeg", "also_called": ["welsh"]},
                "messages": {"section.numbers": "Eich rhifau"},
            }
        ),
        encoding="utf-8",
    )
    assert "cy" in available_languages(folder)
    assert resolve_language("Welsh", folder) == "cy"
    catalogue = load_catalogue("cy", folder)
    assert catalogue.text("section.numbers") == "Eich rhifau"
    assert catalogue.text("section.going_well") == "What is going well"


def test_placeholders_are_substituted_not_evaluated() -> None:
    english = load_catalogue()
    text = english.text("page.greeting", name="{date.__class__}", date="today")
    assert text == "Hello {date.__class__}. This is about your health check on today."
    assert english.text("page.greeting", name="Testperson").endswith("on {date}.")


def test_unreadable_catalogue_is_a_definition_error(tmp_path: Path) -> None:
    folder = _copy_templates(tmp_path)
    (folder / "summary.en-GB.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DefinitionError):
        load_catalogue(None, folder)
