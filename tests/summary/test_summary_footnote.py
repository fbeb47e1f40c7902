"""The heart health score's licence note is not printed in tiny type on the person's page: the page
carries one plain line at footer size naming the model, and the app shows the note in full."""

from __future__ import annotations

import re

from outreach.clinical.qrisk3 import QRISK3_DISCLAIMER
from outreach.summary import LARGE_PRINT, NORMAL_PRINT, render_html
from tests.summary.checks import QRISK3_INPUTS, summary_for
from tests.summary.test_summary_model import SEVERAL_FINDINGS


def _paragraph_class(page: str, starts: str) -> str:
    match = re.search(r'<p class="([a-z]+)">' + re.escape(starts), page)
    assert match is not None, starts
    return match.group(1)


def test_the_score_note_is_one_footer_size_line_and_the_licence_note_is_not_on_the_page() -> None:
    summary = summary_for({**SEVERAL_FINDINGS, **QRISK3_INPUTS})
    assert summary.shows_heart_score and summary.score_note
    assert "QRISK3-2017" in summary.score_note and len(summary.score_note) < 100
    for large, size in ((False, NORMAL_PRINT), (True, LARGE_PRINT)):
        page = render_html(summary, large_print=large)
        assert _paragraph_class(page, summary.score_note[:20]) == "footer"
        assert "ClinRisk" not in page and QRISK3_DISCLAIMER[:40] not in page
        sizes = [float(x) for x in re.findall(r"font-size: ([0-9.]+)pt", page)]
        # Nothing the person reads is smaller than the footer (the 1 pt spacer holds no text).
        assert min(s for s in sizes if s > 1) == size.footer_pt
