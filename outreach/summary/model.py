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
    kind: str = "referral"  # "referral", "already_under_care" or "advice_given"
    topics: tuple[str, ...] = ()  # topic keys, so a test can check no other line says they need nothing


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
    step_notes: tuple[str, ...]  # "nothing new to do", safety advice, "if you change your mind"
    numbers_heading: str
    numbers: tuple[NumberLine, ...]
    not_checked: str | None
    closing: str
    footer: tuple[str, ...]
    score_note: str | None = None  # one plain line under a heart health score (what worked it out)
    shows_heart_score: bool = False
    goals_heading: str = ""
    goals: tuple[str, ...] = ()  # the care-plan goals agreed with the person, in the words written down
    goals_note: str | None = None  # when the plan will be looked at again
    compact_steps: bool = False  # many steps: drawn as a tighter list so every one still fits
    steps_lead: str | None = None  # "We will ask these services to help you:" above a long list
    phrase_keys: tuple[str, ...] = ()  # catalogue keys of every phrase on the page (see consistency.CLAIMS)

    def reading_blocks(self) -> Iterator[str]:
        """The text the person reads, in page order, one block per heading, item or cell.

        The note under the heart health score is left out: it names the model the score
        comes from (QRISK3-2017), which the person need not read to understand the page.
        """
        yield self.title
        yield self.greeting
        yield self.going_well_heading
        yield from self.going_well
        yield self.next_steps_heading
        if self.steps_lead:
            yield self.steps_lead
        for step in self.next_steps:
            yield step.text
            if step.tip:
                yield step.tip
            if step.who:
                yield step.who
            if step.when:
                yield step.when
        yield from self.step_notes
        if self.goals:
            yield self.goals_heading
            yield from self.goals
        if self.goals_note:
            yield self.goals_note
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
        """Everything on the page, the score note included, as plain text (for tests and search)."""
        return "\n".join([*self.reading_blocks(), *([self.score_note] if self.score_note else [])])
