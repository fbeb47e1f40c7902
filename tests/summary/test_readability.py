"""The reading-ease measure itself: syllables, sentences and the two published formulas."""

from __future__ import annotations

import pytest

from outreach.summary.readability import count_syllables, measure


@pytest.mark.parametrize(("word", "syllables"), [
    ("cat", 1), ("smoke", 1), ("health", 1), ("the", 1), ("table", 2), ("people", 2), ("doing", 2),
    ("pressure", 2), ("healthy", 2), ("minute", 2), ("medicine", 3), ("diabetes", 3), ("appointment", 3),
    ("cholesterol", 4), ("don't", 1), ("82", 2),
])  # fmt: skip
def test_syllables_of_common_words(word: str, syllables: int) -> None:
    assert count_syllables(word) == syllables


def test_counts_and_formulas() -> None:
    # 2 sentences (one ends with a full stop, the heading ends its block), 8 words, 9 syllables.
    result = measure(["The cat sat on the mat.", "Hello there"])
    assert (result.sentences, result.words, result.syllables) == (2, 8, 9)
    assert result.reading_ease == pytest.approx(206.835 - 1.015 * 4 - 84.6 * 9 / 8)
    assert result.grade == pytest.approx(0.39 * 4 + 11.8 * 9 / 8 - 15.59)
    assert result.reading_age == pytest.approx(result.grade + 5)


def test_hard_text_scores_as_hard() -> None:
    clinical = [("Non-diabetic hyperglycaemia indicates an elevated probability of subsequent progression "
                 "to type 2 diabetes mellitus, necessitating intensive lifestyle intervention.")]
    plain = ["Your blood sugar is a bit high. It could lead to diabetes. Fewer sugary drinks can help."]
    assert measure(clinical).grade > 12
    assert measure(plain).grade <= 6
    assert measure(clinical).reading_ease < 30
    assert measure(plain).reading_ease >= 70


def test_empty_text() -> None:
    result = measure(["", "   "])
    assert (result.sentences, result.words) == (0, 0)
    assert result.grade == pytest.approx(-15.59)
