"""The line saying what the * next to the heart health score means is for the person, so it is
printed at footer size; only the licence note quoted word for word stays in small print."""

from __future__ import annotations

import re

from outreach.clinical.qrisk3 import QRISK3_DISCLAIMER
from outreach.summary import render_html
from tests.summary.checks import QRISK3_INPUTS, summary_for
from tests.summary.test_summary_model import SEVERAL_FINDINGS


def _paragraph_class(page: str, starts: str) -> str:
    match = re.search(r'<p class="([a-z]+)">' + re.escape(starts), page)
    assert match is not None, starts
    return match.group(1)


def test_the_star_note_is_footer_size_and_the_licence_small_print() -> None:
    summary = summary_for({**SEVERAL_FINDINGS, **QRISK3_INPUTS})
    assert summary.shows_heart_score
    star = next(line for line in summary.small_print if line != QRISK3_DISCLAIMER)
    for large in (False, True):
        page = render_html(summary, large_print=large)
        assert _paragraph_class(page, star[:20]) == "footer"
        assert _paragraph_class(page, "The initial version") == "small"
