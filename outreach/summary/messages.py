"""The summary's words, kept in one message catalogue per language.

Every phrase the person reads lives in ``resources/templates/summary.<language>.json``,
keyed by a stable message id, so a translator edits one file and never touches code.
A catalogue may be partial: a key it lacks is taken from British English, so a new
language can be added a few phrases at a time and the page is never left with a hole.

Placeholders are written ``{name}`` and are filled by plain substitution (never
``str.format``), so a catalogue edited by hand cannot run code or read attributes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Final

from outreach.errors import DefinitionError
from outreach.resources import resource_path

DEFAULT_LANGUAGE: Final = "en-GB"
CATALOGUE_PREFIX: Final = "summary."
PLACEHOLDER_RE: Final = re.compile(r"\{([a-z_]+)\}")
_TAG_RE: Final = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The messages of one language, with English underneath for any key it lacks."""

    language: str
    name: str
    messages: Mapping[str, str]
    fallback: Catalogue | None = None

    def has(self, key: str) -> bool:
        return key in self.messages or (self.fallback is not None and self.fallback.has(key))

    def raw(self, key: str) -> str:
        """The phrase for `key`, from this language or else from English."""
        text = self.messages.get(key)
        if text is not None:
            return text
        if self.fallback is not None:
            return self.fallback.raw(key)
        raise DefinitionError(f"The summary phrase {key} is missing from the English catalogue", item=key)

    def own(self, key: str) -> bool:
        """True when this language has its own phrase for `key` (not the English fallback)."""
        return key in self.messages

    def text(self, key: str, **values: object) -> str:
        """The phrase with its ``{placeholders}`` filled; a placeholder with no value is left visible."""
        template = self.raw(key)
        return PLACEHOLDER_RE.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0),
                                  template)


def templates_dir() -> Path:
    return resource_path("templates")


def available_languages(folder: Path | None = None) -> tuple[str, ...]:
    """Language tags that have a catalogue file, English first."""
    where = folder or templates_dir()
    tags = sorted(
        p.name[len(CATALOGUE_PREFIX) : -len(".json")] for p in where.glob(CATALOGUE_PREFIX + "*.json")
    )
    return tuple(sorted(tags, key=lambda t: (t != DEFAULT_LANGUAGE, t)))


def _read(file: Path) -> tuple[str, Mapping[str, str], tuple[str, ...], bool]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise DefinitionError(
            f"The summary phrases file {file.name} cannot be read ({exc.__class__.__name__})"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("messages"), dict):
        raise DefinitionError(f"The summary phrases file {file.name} needs a 'messages' object")
    meta = data.get("language", {})
    if not isinstance(meta, dict):
        raise DefinitionError(f"The summary phrases file {file.name}: 'language' must be an object")
    name = meta.get("name", "")
    also = meta.get("also_called", [])
    ready = meta.get("ready", True)
    if not isinstance(name, str) or not isinstance(also, list) or not all(isinstance(a, str) for a in also):
        raise DefinitionError(f"The summary phrases file {file.name}: language name must be text")
    if not isinstance(ready, bool):
        raise DefinitionError(f"The summary phrases file {file.name}: 'ready' must be true or false")
    messages: dict[str, str] = {}
    for key, value in data["messages"].items():
        if not isinstance(value, str):
            raise DefinitionError(f"The summary phrase {key} in {file.name} must be text", item=key)
        messages[key] = value
    return name, MappingProxyType(messages), tuple(a.casefold() for a in also), ready


@lru_cache(maxsize=16)
def _load(language: str, folder: str) -> Catalogue:
    where = Path(folder)
    english_name, english, _, _ = _read(where / f"{CATALOGUE_PREFIX}{DEFAULT_LANGUAGE}.json")
    base = Catalogue(DEFAULT_LANGUAGE, english_name, english)
    if language == DEFAULT_LANGUAGE:
        return base
    name, messages, _, _ = _read(where / f"{CATALOGUE_PREFIX}{language}.json")
    for key, text in messages.items():
        if key not in english:
            raise DefinitionError(
                f"The {name or language} summary phrase {key} has no English original", item=key
            )
        extra = set(PLACEHOLDER_RE.findall(text)) - set(PLACEHOLDER_RE.findall(english[key]))
        if extra:
            raise DefinitionError(
                f"The {name or language} summary phrase {key} uses "
                f"{', '.join('{' + e + '}' for e in sorted(extra))}, which English does not",
                item=key,
            )
    return Catalogue(language, name, messages, base)


def load_catalogue(language: str | None = None, folder: Path | None = None) -> Catalogue:
    """The catalogue for a language tag that has a file (see `resolve_language`); English by default."""
    where = folder or templates_dir()
    return _load(language or DEFAULT_LANGUAGE, str(where))


def resolve_language(
    preferred: str | None, folder: Path | None = None, *, include_drafts: bool = False
) -> str:
    """The catalogue to use for a person's preferred language, as recorded ("pl", "pl-PL",
    "Polish", "polski"). Anything without a catalogue gives British English.

    A catalogue marked ``"ready": false`` (a translation still being written) is only
    chosen with `include_drafts`: a person should not be handed a half-translated page
    unless the worker asks for it.
    """
    if not preferred or not isinstance(preferred, str):
        return DEFAULT_LANGUAGE
    wanted = preferred.strip()
    where = folder or templates_dir()
    languages = tuple(t for t in available_languages(where) if include_drafts or _is_ready(where, t))
    by_tag = {tag.casefold(): tag for tag in languages}
    if _TAG_RE.fullmatch(wanted.replace("_", "-")):
        tag = wanted.replace("_", "-").casefold()
        if tag in by_tag:
            return by_tag[tag]
        primary = tag.split("-")[0]
        for known in languages:
            if known.casefold().split("-")[0] == primary:
                return known
    folded = wanted.casefold()
    for tag in languages:
        try:
            name, _, also, _ = _read(where / f"{CATALOGUE_PREFIX}{tag}.json")
        except DefinitionError:
            continue
        if folded == name.casefold() or folded in also:
            return tag
    return DEFAULT_LANGUAGE


def _is_ready(where: Path, tag: str) -> bool:
    if tag == DEFAULT_LANGUAGE:
        return True
    try:
        return _read(where / f"{CATALOGUE_PREFIX}{tag}.json")[3]
    except DefinitionError:
        return False
