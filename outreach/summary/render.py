"""Turn a PersonSummary into HTML for the printed page (and for the preview on screen).

The page layout lives in ``resources/templates/summary.html`` and the repeated pieces in
``summary-parts.html`` (one ``<!-- part: name -->`` comment per piece), filled with
``string.Template``: no template engine to install or freeze, and nothing in a template
can run code. Every value is HTML-escaped before it goes in.

The HTML keeps to what Qt's rich-text engine (QTextDocument) lays out faithfully, since
that is what prints it: simple tables, point font sizes, class selectors.

Print sizes. Normal print uses 12 pt body text (the RNIB clear print guidance asks for
at least 12 pt) and fits one A4 page. Large print uses 18 pt (RNIB large print is 16 to
18 pt) and runs to two pages, the numbers starting on the second so that no row is split
(unless the whole page fits on one):
fitting it on one would mean dropping content, and a person who needs large print should
get the same information as everyone else. Nothing on the page is small print: the line
under a heart health score is footer size, and the score's licence note is shown in the
app rather than in tiny type on the person's page (docs/summary.md). A page longer than usual (long service or
worker names) is drawn a little smaller rather than spilling over, but body text never
goes below `min_body_pt` (11 pt normal, 16 pt large); past that it takes another page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import Final

from outreach.errors import DefinitionError
from outreach.summary.messages import templates_dir
from outreach.summary.model import PersonSummary

PAGE_TEMPLATE: Final = "summary.html"
# Large print starts "Your numbers" on a new page; a printer may drop this when all fits on one.
NUMBERS_PAGE_BREAK: Final = ' style="page-break-before: always;"'
PARTS_TEMPLATE: Final = "summary-parts.html"
_PART_RE: Final = re.compile(r"^<!-- part: ([a-z_]+) -->\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class PrintSize:
    """Font sizes (points) and spacing (pixels at the page's resolution) for one print size."""

    body_pt: float
    title_pt: float
    heading_pt: float
    footer_pt: float
    gap: int
    small_gap: int
    cell_pad: int
    max_pages: int
    min_body_pt: float  # an overlong page may be drawn smaller, but body text never below this

    @property
    def min_scale(self) -> float:
        return self.min_body_pt / self.body_pt


# RNIB clear print: at least 12 pt; large print 16-18 pt. The footer (who did the check, a
# number to call, the note under the heart health score) is a little smaller, never tiny.
NORMAL_PRINT: Final = PrintSize(body_pt=12, title_pt=20, heading_pt=14.5, footer_pt=10,
                                gap=8, small_gap=3, cell_pad=4, max_pages=1, min_body_pt=11)
LARGE_PRINT: Final = PrintSize(body_pt=18, title_pt=28, heading_pt=22, footer_pt=16,
                               gap=12, small_gap=5, cell_pad=6, max_pages=2, min_body_pt=16)


def print_size(large_print: bool) -> PrintSize:
    return LARGE_PRINT if large_print else NORMAL_PRINT


@lru_cache(maxsize=4)
def _templates(folder: str) -> tuple[Template, Mapping[str, Template]]:
    where = Path(folder)
    try:
        page = (where / PAGE_TEMPLATE).read_text(encoding="utf-8")
        parts_text = (where / PARTS_TEMPLATE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError(
            f"The summary page template cannot be read ({exc.__class__.__name__})"
        ) from None
    pieces = _PART_RE.split(parts_text)
    parts = {pieces[i]: Template(pieces[i + 1].strip()) for i in range(1, len(pieces) - 1, 2)}
    return Template(page), parts


def _fill(template: Template, name: str, **values: object) -> str:
    try:
        return template.substitute(**{k: str(v) for k, v in values.items()})
    except (KeyError, ValueError) as exc:
        raise DefinitionError(
            f"The summary template {name} has an unknown or broken placeholder ({exc})", item=name
        ) from None


def render_html(summary: PersonSummary, *, large_print: bool = False, folder: Path | None = None) -> str:
    """The page as one HTML document (UTF-8 text). Cheap: safe to call on the GUI thread."""
    page, parts = _templates(str(folder or templates_dir()))
    size = print_size(large_print)
    esc = html.escape

    def part(name: str, **values: object) -> str:
        template = parts.get(name)
        if template is None:
            raise DefinitionError(f"The summary template has no part called {name}", item=name)
        return _fill(template, name, small_gap=size.small_gap, cell_pad=size.cell_pad, **values)

    mark_width = "5%" if large_print else "3%"
    going_well = part(
        "going_well_table",
        rows="\n".join(
            part("going_well_item", text=esc(line), mark_width=mark_width) for line in summary.going_well
        ),
    )
    step_rows = []
    for number, step in enumerate(summary.next_steps, start=1):
        extras = [esc(extra) for extra in (step.tip, step.who, step.when) if extra]
        # A long list keeps who and when in the step's own paragraph, after the bold text.
        lines = (
            (" " + part("step_inline", text=" ".join(extras)) if extras else "")
            if summary.compact_steps
            else "".join(part("step_line", text=extra) for extra in extras)
        )
        step_rows.append(
            part(
                "step_compact" if summary.compact_steps else "step",
                number=number,
                step_gap=size.gap // 2,
                text=esc(step.text),
                lines=lines,
                number_width="9%" if large_print else "5%",
                number_colour="#8a1538" if step.urgent else "#005eb8",
                box_colour="#fbeaee" if step.urgent else "#e8f1fa",
            )
        )
    # Many steps: one table with a thin line between rows, so every agreed step fits.
    next_steps = (
        part("steps_compact_table", rows="\n".join(step_rows))
        if summary.compact_steps
        else "\n".join(step_rows)
    )
    if summary.steps_lead:
        next_steps = part("steps_lead", text=esc(summary.steps_lead)) + "\n" + next_steps
    urgent_note = summary.step_notes[0] if summary.next_steps and summary.next_steps[0].urgent else None
    step_notes = "\n".join(
        part("urgent_note" if note == urgent_note else "note", text=esc(note)) for note in summary.step_notes
    )
    goals = ""
    if summary.goals or summary.goals_note:
        goal_rows = "\n".join(
            part("goal_item", text=esc(goal), mark_width=mark_width) for goal in summary.goals
        )
        goals = part(
            "goals",
            heading=esc(summary.goals_heading),
            rows=part("going_well_table", rows=goal_rows) if goal_rows else "",
            note=part("note", text=esc(summary.goals_note)) if summary.goals_note else "",
        )
    number_rows = []
    for index, line in enumerate(summary.numbers):
        colour = "#f0f4f5" if index % 2 == 0 else "#ffffff"
        if large_print:
            number_rows.append(
                part(
                    "number_row_stacked",
                    row_colour=colour,
                    label=esc(line.label),
                    value=esc(line.value),
                    meaning=esc(line.meaning),
                )
            )
        else:
            number_rows.append(
                part(
                    "number_row",
                    row_colour=colour,
                    label=esc(line.label),
                    value=esc(line.value),
                    meaning=esc(line.meaning),
                    label_width="22%",
                    value_width="20%",
                )
            )
    numbers = part("numbers_table", rows="\n".join(number_rows)) if number_rows else ""
    return _fill(
        page,
        PAGE_TEMPLATE,
        lang=esc(summary.language),
        title=esc(summary.title),
        greeting=esc(summary.greeting),
        going_well_heading=esc(summary.going_well_heading),
        going_well=going_well,
        next_steps_heading=esc(summary.next_steps_heading),
        next_steps=next_steps,
        step_notes=step_notes,
        goals=goals,
        numbers_heading=esc(summary.numbers_heading),
        numbers=numbers,
        # Large print: the numbers start on page two, so no row is split between pages.
        numbers_break=NUMBERS_PAGE_BREAK if large_print else "",
        not_checked=part("not_checked", text=esc(summary.not_checked)) if summary.not_checked else "",
        closing=esc(summary.closing),
        footer="\n".join(part("footer_line", text=esc(line)) for line in summary.footer),
        score_note=part("footer_line", text=esc(summary.score_note)) if summary.score_note else "",
        body_pt=size.body_pt,
        title_pt=size.title_pt,
        heading_pt=size.heading_pt,
        footer_pt=size.footer_pt,
        gap=size.gap,
        small_gap=size.small_gap,
    )
