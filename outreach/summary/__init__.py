"""The person's plain-language summary: what is going well, the agreed next steps, their numbers.

    summary = summary_for_context(check_context, person_details, services=..., ...)  # a stored check
    summary = build_summary(evaluation, given_name=..., check_date=..., decisions=..., ...)
    html = render_html(summary, large_print=False)

The UI turns the HTML into a PDF or a print preview (ui.summary_pdf, ui.summary_preview).
"""

from outreach.summary.build import build_summary, summary_for_context, summary_for_person
from outreach.summary.messages import available_languages, load_catalogue, resolve_language
from outreach.summary.model import NextStep, NumberLine, PersonSummary
from outreach.summary.readability import Readability, measure
from outreach.summary.render import LARGE_PRINT, NORMAL_PRINT, PrintSize, print_size, render_html

__all__ = [
    "LARGE_PRINT",
    "NORMAL_PRINT",
    "NextStep",
    "NumberLine",
    "PersonSummary",
    "PrintSize",
    "Readability",
    "available_languages",
    "build_summary",
    "load_catalogue",
    "measure",
    "print_size",
    "render_html",
    "resolve_language",
    "summary_for_context",
    "summary_for_person",
]
