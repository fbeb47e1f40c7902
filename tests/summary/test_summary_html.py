"""The summary's HTML: order of sections, escaping, print sizes, templates filled completely."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from outreach.errors import DefinitionError
from outreach.summary import LARGE_PRINT, NORMAL_PRINT, render_html
from outreach.summary.messages import templates_dir
from tests.summary.checks import ALL_GOOD, QRISK3_INPUTS, summary_for
from tests.summary.test_summary_model import SEVERAL_FINDINGS


def test_sections_in_order_and_every_placeholder_filled() -> None:
    summary = summary_for({**SEVERAL_FINDINGS, **QRISK3_INPUTS})
    page = render_html(summary)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page
    assert "$" not in page  # no template placeholder left behind
    order = [page.index(s) for s in ("<h1>Your health check</h1>", "What is going well",
                                     "You came to your health check today", "What happens next",
                                     "We will ask", "Your numbers", "Thank you for your time today")]
    assert order == sorted(order)
    assert page.count("&#10003;") == len(summary.going_well)
    assert page.count('class="stepno"') == len(summary.next_steps)
    assert "ClinRisk" not in page  # the licence note is shown in the app, not in tiny type here
    assert "* Worked out with QRISK3-2017." in page


def test_text_is_escaped() -> None:
    summary = summary_for(ALL_GOOD, given_name="<b>Test</b> & <script>", worker="Sam <i>Example</i>")
    page = render_html(summary)
    assert "<script>" not in page and "<i>Example" not in page
    assert "&lt;b&gt;Test&lt;/b&gt; &amp; &lt;script&gt;" in page


def test_large_print_is_bigger_and_starts_numbers_on_a_new_page() -> None:
    summary = summary_for(ALL_GOOD)
    normal, large = render_html(summary), render_html(summary, large_print=True)
    sizes = lambda page: [float(x) for x in re.findall(r"font-size: ([0-9.]+)pt", page)]
    assert f"p, td {{ font-size: {NORMAL_PRINT.body_pt}pt; }}" in normal
    assert f"p, td {{ font-size: {LARGE_PRINT.body_pt}pt; }}" in large
    assert LARGE_PRINT.body_pt >= 16 and NORMAL_PRINT.body_pt >= 12  # RNIB clear and large print
    assert min(s for s in sizes(large) if s > 1) > min(s for s in sizes(normal) if s > 1)
    assert "page-break-before" in large and "page-break-before" not in normal


def test_broken_template_is_a_definition_error(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(templates_dir(), folder)
    page = folder / "summary.html"
    page.write_text(page.read_text(encoding="utf-8").replace("$title", "$unknown_slot"), encoding="utf-8")
    with pytest.raises(DefinitionError):
        render_html(summary_for(ALL_GOOD), folder=folder)
