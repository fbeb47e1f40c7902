"""How easy a text is to read: Flesch reading ease and the Flesch-Kincaid grade.

The person's summary must be readable by an 11-year-old (a UK reading age of 11 is US
grade 6, reading ease about 70 or more), and the only way to keep that true as
phrases are edited and translated is to measure it. The formulas are the published
ones (Flesch 1948; Kincaid et al. 1975):

    reading ease = 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)
    grade        = 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59

They are defined for English only. Syllables are counted with a small rule-based
counter (vowel groups, with the common silent endings removed); it is within one
syllable of a dictionary count for ordinary words, which is all a grade estimate needs,
and it needs no word list or extra package in the built app.

Counting rules used here: a sentence ends at . ! ? or at the end of a block (a heading,
a list item and a table cell each count as one block); a number counts as one word of
two syllables (numbers are read aloud as words like "eighty-two").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

_WORD_RE: Final = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*|\d+(?:[.,]\d+)*")
_SENTENCE_END_RE: Final = re.compile(r"[.!?]+(?=\s|$)")
_VOWEL_GROUP_RE: Final = re.compile(r"[aeiouy]+")
NUMBER_SYLLABLES: Final = 2

# Endings where a vowel group is silent or where two vowel letters make two sounds.
_SILENT_E_RE: Final = re.compile(r"[^aeiouyl]e$|[^aeiouy]es$|[^aeiouytd]ed$")
_EXTRA_SYLLABLE_RE: Final = re.compile(r"[aeiouy]ing$|ia|io(?!u)|ua|eo|iet|ium|uo|ea(?=t)|[^aeiouy]ism$")
_ONE_SYLLABLE_EXCEPTIONS: Final = frozenset(
    {
        "the",
        "he",
        "she",
        "we",
        "me",
        "be",
        "yes",
        "are",
        "were",
        "there",
        "where",
        "here",
        "one",
        "done",
        "gone",
        "some",
        "come",
        "home",
        "time",
        "give",
        "have",
        "live",
        "more",
        "sure",
        "use",
        "used",
        "tried",
        "great",
        "read",
        "real",
        "your",
        "our",
        "their",
        "people",
    }
)


def count_syllables(word: str) -> int:
    """Estimated syllables in one English word (at least 1)."""
    w = word.lower().replace("\u2019", "'").strip("'")
    if not w:
        return 0
    if w[0].isdigit():
        return NUMBER_SYLLABLES
    w = w.split("'")[0] if w.endswith(("'s", "'t", "'ll", "'re", "'ve", "'d", "'m")) else w.replace("'", "")
    if w == "people":
        return 2
    if w in _ONE_SYLLABLE_EXCEPTIONS:
        return 1
    groups = len(_VOWEL_GROUP_RE.findall(w))
    if len(w) > 3 and _SILENT_E_RE.search(w):
        groups -= 1
    groups += len(_EXTRA_SYLLABLE_RE.findall(w))
    return max(1, groups)


def words_of(text: str) -> list[str]:
    return _WORD_RE.findall(text)


@dataclass(frozen=True, slots=True)
class Readability:
    """Counts and scores for a text. `grade` is the Flesch-Kincaid grade (US school year)."""

    sentences: int
    words: int
    syllables: int

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def syllables_per_word(self) -> float:
        return self.syllables / self.words if self.words else 0.0

    @property
    def reading_ease(self) -> float:
        return 206.835 - 1.015 * self.words_per_sentence - 84.6 * self.syllables_per_word

    @property
    def grade(self) -> float:
        return 0.39 * self.words_per_sentence + 11.8 * self.syllables_per_word - 15.59

    @property
    def reading_age(self) -> float:
        """UK reading age in years: US grade + 5 (grade 6 is the last year of a UK primary school)."""
        return self.grade + 5


def measure(blocks: Iterable[str]) -> Readability:
    """Measure text given as blocks (paragraphs, list items, cells); see the module notes."""
    sentences = words = syllables = 0
    for block in blocks:
        found = words_of(block)
        if not found:
            continue
        words += len(found)
        syllables += sum(count_syllables(w) for w in found)
        stripped = block.strip()
        ends = len(_SENTENCE_END_RE.findall(stripped))
        if not stripped.endswith((".", "!", "?")):
            ends += 1  # a heading or list item without a full stop still ends a sentence
        sentences += ends
    return Readability(sentences, words, syllables)
