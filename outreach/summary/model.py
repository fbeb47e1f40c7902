"""The person's summary as plain data: every line already in the person's words and language.

The builder (outreach.summary.build) decides *what* to say; the renderer turns this into
HTML and the UI into a PDF. Keeping the words here, apart from any markup, lets tests
read the page the way the person will, and measure how easy it is to read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NextStep:
    """One agreed next step: what will happen, and who will be in touch and when (if anyone)."""

    text: str
    who: str | None = None
    when: str | None = None
    tip: str | None = None
    urgent: bool = False


@dataclass(frozen=True, slots=True)
class NumberLine:
    """A measurement in plain words: "Blood pressure", "128 over 82", "This is healthy."."""

    key: str
    label: str
    value: str
    meaning: str


@dataclass(frozen=True, slots=True)
class PersonSummary:
    """One page for the person to keep. Only the given name identifies them: no NHS number,
    date of birth, address or family name is ever put on it."""

    language: str
    given_name: str | None
    title: str
    greeting: str
    going_well_heading: str
    going_well: tuple[str, ...]
    next_steps_heading: str
    next_steps: tuple[NextStep, ...]
    step_notes: tuple[str, ...]  # "we also talked about ...", "nothing new to do", safety advice
    numbers_heading: str
    numbers: tuple[NumberLine, ...]
    not_checked: str | None
    closing: str
    footer: tuple[str, ...]
    small_print: tuple[str, ...]
    shows_heart_score: bool = False

    def reading_blocks(self) -> Iterator[str]:
        """The text the person reads, in page order, one block per heading, item or cell.

        Small print (the licence note that must be quoted word for word) is left out:
        it is not ours to simplify, and is not part of what we ask the person to read.
        """
        yield self.title
        yield self.greeting
        yield self.going_well_heading
        yield from self.going_well
        yield self.next_steps_heading
        for step in self.next_steps:
            yield step.text
            if step.tip:
                yield step.tip
            if step.who:
                yield step.who
            if step.when:
                yield step.when
        yield from self.step_notes
        yield self.numbers_heading
        for line in self.numbers:
            yield line.label
            yield line.value
            yield line.meaning
        if self.not_checked:
            yield self.not_checked
        yield self.closing
        yield from self.footer

    def all_text(self) -> str:
        """Everything on the page, small print included, as plain text (for tests and search)."""
        return "\n".join([*self.reading_blocks(), *self.small_print])
