"""The summary PDF, read back with poppler's pdftotext and pdfinfo, and pictures for a person to look at.

The poppler tools are skipped with a reason on a developer's machine without them, but
CI (CI=true) installs them, so there a missing tool is a failure, not a skip.
"""

from __future__ import annotations

import functools
import re
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from outreach.errors import StoreError
from outreach.store.records import PersonDetails
from outreach.summary import render_html, summary_for_person
from tests.conftest import ARTIFACTS, require_tool
from tests.summary.checks import (
    ALL_GOOD,
    CHECK_DATE,
    QRISK3_INPUTS,
    directory,
    evaluate,
    referral_decisions,
    summary_for,
)
from tests.summary.test_summary_consistency import reported_summary
from tests.summary.test_summary_model import SEVERAL_FINDINGS
from ui.summary_pdf import render_summary_pdf, write_summary_pdf

PERSON = PersonDetails(given_name="Testperson", family_name="Alpha", date_of_birth="1974-03-09",
                       nhs_number="9990000018", postcode="BS1 9ZZ")
PICTURES = ARTIFACTS / "summary"


def _tool(name: str) -> str:
    return require_tool(name, debian="poppler-utils")


def pdf_text(pdf: Path) -> str:
    out = subprocess.run(
        [_tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, timeout=60
    )
    text = out.stdout.decode("utf-8")
    for ligature, letters in (("\ufb00", "ff"), ("\ufb01", "fi"), ("\ufb02", "fl"), ("\ufb03", "ffi")):
        text = text.replace(ligature, letters)  # the PDF draws "ff" in "effects" as one glyph
    return " ".join(text.split())


def pdf_pages(pdf: Path) -> int:
    out = subprocess.run([_tool("pdfinfo"), str(pdf)], capture_output=True, check=True, timeout=60, text=True)
    match = re.search(r"^Pages:\s+(\d+)", out.stdout, re.MULTILINE)
    assert match, out.stdout
    return int(match.group(1))


def pictures(pdf: Path, stem: str) -> list[Path]:
    """PNGs of each page at 60 dpi in test-artifacts/summary/, to look at."""
    PICTURES.mkdir(parents=True, exist_ok=True)
    for old in PICTURES.glob(f"{stem}-*.png"):
        old.unlink()
    subprocess.run(
        [_tool("pdftoppm"), "-png", "-r", "60", str(pdf), str(PICTURES / stem)], check=True, timeout=60
    )
    return sorted(PICTURES.glob(f"{stem}-*.png"))


def _several_findings_summary(**options):
    answers = {**SEVERAL_FINDINGS, **QRISK3_INPUTS}
    evaluation = evaluate(answers)
    return summary_for_person(
        evaluation,
        PERSON,
        check_date=CHECK_DATE,
        decisions=referral_decisions(evaluation),
        services=directory(),
        worker="Sam Example",
        organisation="Example Outreach Team",
        organisation_phone="0117 496 0000",
        **options,
    )


def test_pdf_reads_positive_first_and_keeps_identity_off_the_page(qapp: QApplication, tmp_path: Path) -> None:
    summary = _several_findings_summary()
    target = tmp_path / "summary.pdf"
    result = write_summary_pdf(render_html(summary), target, title=summary.title)
    assert target.read_bytes() == result.data and result.data.startswith(b"%PDF")
    assert result.pages == 1 and result.scale == 1.0
    assert pdf_pages(target) == 1
    text = pdf_text(target)
    lead = text.index("You came to your health check today")
    assert (
        text.index("What is going well") < lead < text.index("What happens next") < text.index("Your numbers")
    )
    for step in summary.next_steps:
        assert step.text in text
    assert lead < text.index(summary.next_steps[0].text)
    assert "Testperson" in text
    for secret in ("Alpha", "9990000018", "999 000 0018", "1974", "09/03", "BS1"):
        assert secret not in text
    assert "ClinRisk" not in text  # the licence note is shown in the app, not in tiny type on the page
    assert "* Worked out with QRISK3-2017." in text
    pictures(target, "summary-normal")


def test_large_print_fits_two_pages(qapp: QApplication, tmp_path: Path) -> None:
    summary = _several_findings_summary()
    target = tmp_path / "summary-large.pdf"
    result = write_summary_pdf(render_html(summary, large_print=True), target, large_print=True)
    assert result.pages == pdf_pages(target) <= 2
    assert result.scale >= 16 / 18  # never below 16 pt body text
    text = pdf_text(target)
    assert text.index("You came to your health check today") < text.index("What happens next")
    assert "Alpha" not in text and "9990000018" not in text
    assert len(pictures(target, "summary-large")) == result.pages


def test_all_good_page(qapp: QApplication, tmp_path: Path) -> None:
    summary = summary_for(ALL_GOOD)
    target = tmp_path / "good.pdf"
    write_summary_pdf(render_html(summary), target)
    assert pdf_pages(target) == 1
    text = pdf_text(target)
    assert "You do not need to do anything new." in text
    assert "ClinRisk" not in text  # no score, so no licence note
    pictures(target, "summary-all-good")


def test_an_unusually_long_page_still_fits_one_sheet(qapp: QApplication, tmp_path: Path) -> None:
    answers = {
        **SEVERAL_FINDINGS,
        **QRISK3_INPUTS,
        "blood_pressure.systolic": {"value": 205, "confirmed": True},
        "glucose.fasting_glucose": 6.1,
        "lipids.triglycerides": 3.0,
    }
    evaluation = evaluate(answers)
    decisions = referral_decisions(evaluation)
    for decision in decisions.values():
        if decision["kind"] == "referral":
            decision["due_on"] = "2026-12-21"
    summary = summary_for(
        answers,
        decisions,
        given_name="Testpersonwithaverylongfirstname Maximilianus",
        worker="Samantha Exampleworker-Longname",
        organisation="The Example Community Outreach and Wellbeing Partnership of the Three Towns",
    )
    target = tmp_path / "long.pdf"
    result = write_summary_pdf(render_html(summary), target)
    assert pdf_pages(target) == result.pages == 1
    assert result.scale >= 11 / 12
    pictures(target, "summary-long")


@pytest.mark.parametrize("large", [False, True])
def test_many_referrals_and_goals_all_fit_within_the_page_limit(
    qapp: QApplication, tmp_path: Path, large: bool
) -> None:
    """The reported check: eight services, three goals, a review date and a number to call."""
    summary = reported_summary(organisation_phone="0117 496 0000")
    target = tmp_path / f"many-{'large' if large else 'normal'}.pdf"
    result = write_summary_pdf(render_html(summary, large_print=large), target, large_print=large)
    assert pdf_pages(target) == result.pages <= (2 if large else 1)
    assert result.scale >= (16 / 18 if large else 11 / 12)
    text = pdf_text(target)
    for step in summary.next_steps:
        assert step.text in text
    for goal in summary.goals:
        assert goal in text
    assert "Your local pharmacy: your jabs." in text and "0117 496 0000" in text
    assert "does not need any action" not in text and "ClinRisk" not in text
    pictures(target, f"summary-many-{'large' if large else 'normal'}")


def test_rendering_runs_off_the_gui_thread(qapp: QApplication) -> None:
    html = render_html(_several_findings_summary())
    seen: list[str] = []

    def work() -> bytes:
        seen.append(threading.current_thread().name)
        return render_summary_pdf(html).data

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="pdf") as pool:
        results = list(pool.map(lambda _: work(), range(2)))
    assert all(name.startswith("pdf") for name in seen)
    on_gui = render_summary_pdf(html).data
    for data in results:
        assert data.startswith(b"%PDF") and abs(len(data) - len(on_gui)) < 200


def test_written_only_where_asked(qapp: QApplication, tmp_path: Path) -> None:
    folder = tmp_path / "chosen"
    folder.mkdir()
    write_summary_pdf(render_html(summary_for(ALL_GOOD)), folder / "Summary.pdf")
    assert [p.name for p in folder.iterdir()] == ["Summary.pdf"]  # no partial file left behind
    with pytest.raises(StoreError) as err:
        write_summary_pdf(render_html(summary_for(ALL_GOOD)), tmp_path / "no-such-folder" / "Summary.pdf")
    assert "could not be saved" in err.value.message
    assert not (tmp_path / "no-such-folder").exists()


def test_saved_through_the_apps_task_runner(qtbot, runner, tmp_path: Path, qtlog) -> None:
    """On a worker thread, as the app does it, and without Qt complaining: the text layout starts
    timers, which a worker without an event dispatcher refused with a warning per timer."""
    summary = _several_findings_summary()
    target = tmp_path / "from-task.pdf"
    task = runner.run_background(
        functools.partial(write_summary_pdf, title=summary.title), render_html(summary), target
    )
    with qtbot.waitSignal(task.succeeded, timeout=20_000) as blocker:
        pass
    assert blocker.args[0].pages == 1
    assert pdf_pages(target) == 1
    assert [r.message for r in qtlog.records if "QBasicTimer" in r.message] == []
