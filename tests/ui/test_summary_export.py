"""Saving the person's summary PDF: owner-only, a plain warning first, Documents not the program's
folder, and an audit entry that says a summary left the app without saying where."""

from __future__ import annotations

import dataclasses
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

import ui.save_location as location
import ui.summary_export as export
from outreach.summary import render_html
from outreach.summary.export import EXPORT_ACTION
from tests.summary.checks import ALL_GOOD, summary_for
from tests.ui.check_helpers import CheckEnv, check_env_fixture  # noqa: F401
from tests.ui.test_check_finalise import decide_all, open_draft
from ui.check.review_page import ReviewPage
from ui.summary_pdf import write_summary_pdf

pytestmark = pytest.mark.gui
POSIX = os.name == "posix"
PROGRAM = Path(location.__file__).resolve().parents[1]


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_the_pdf_is_owner_only_whatever_the_umask_and_replaces_an_old_file(qapp: QApplication,
                                                                           tmp_path: Path) -> None:
    html = render_html(summary_for(ALL_GOOD))
    old = tmp_path / "summary.pdf"
    old.write_bytes(b"an older, world-readable copy")
    old.chmod(0o644)
    previous = os.umask(0)
    try:
        write_summary_pdf(html, old)
        fresh = tmp_path / "fresh.pdf"
        write_summary_pdf(html, fresh)
    finally:
        os.umask(previous)
    for path in (old, fresh):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, oct(path.stat().st_mode)
        assert path.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.pdf", "summary.pdf"]  # no part files left


def test_the_default_folder_is_documents_never_the_program_folder(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    assert not location.in_program_folder(location.default_export_dir())  # on this machine, as it is
    documents = tmp_path / "Documents"
    documents.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    places = {QStandardPaths.StandardLocation.DocumentsLocation: str(documents),
              QStandardPaths.StandardLocation.HomeLocation: str(home)}
    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda where: places[where])
    assert location.default_export_dir() == documents
    # A Documents setting that points into the program's folder is passed over.
    places[QStandardPaths.StandardLocation.DocumentsLocation] = str(PROGRAM / "resources")
    assert location.default_export_dir() == home
    assert location.in_program_folder(PROGRAM / "resources" / "x.pdf")
    assert not location.in_program_folder(documents / "x.pdf")


def test_the_warning_comes_first_and_cancelling_it_asks_nothing_more(qtbot, monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path) -> None:
    shown: list[QMessageBox] = []
    asked: list[str] = []
    monkeypatch.setattr(location, "confirm", lambda box: shown.append(box) or False)
    monkeypatch.setattr(location, "save_dialog", lambda *args: asked.append(args[2]) or "")
    assert export.ask_summary_path(None, "health-check-summary-2026-11-23.pdf") is None
    assert asked == []  # no save dialog after "Cancel"
    box = shown[0]
    assert box.objectName() == export.WARNING_OBJECT_NAME and box.icon() == QMessageBox.Icon.Warning
    words = f"{box.text()} {box.informativeText()}"
    assert "not protected by this app's encryption" in words
    assert "encrypted USB stick" in words and "delete the file" in words
    assert box.accessibleName() and box.textFormat() == Qt.TextFormat.PlainText


def test_the_save_dialog_opens_in_documents_and_refuses_the_program_folder(
    qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr(location, "default_export_dir", lambda: documents)
    shown: list[str] = []
    monkeypatch.setattr(location, "confirm", lambda box: shown.append(box.objectName()) or True)
    answers = iter([str(PROGRAM / "summary.pdf"), str(documents / "for-printing")])
    starts: list[str] = []
    monkeypatch.setattr(location, "save_dialog", lambda parent, title, start, filters: starts.append(start)
                        or next(answers))
    chosen = export.ask_summary_path(None, "health-check-summary-2026-11-23.pdf")
    assert chosen == str(documents / "for-printing.pdf")
    assert starts[0] == str(documents / "health-check-summary-2026-11-23.pdf")
    assert shown == [export.WARNING_OBJECT_NAME, location.REFUSED_OBJECT_NAME]


def test_saving_from_the_check_warns_writes_owner_only_and_is_audited_without_the_path(
    qtbot, check_env: CheckEnv, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    check_env.context.org_config = dataclasses.replace(check_env.context.org_config,
                                                       summary_contact="0117 496 0000")
    wf = open_draft(qtbot, check_env)
    decide_all(qtbot, wf)
    chosen = tmp_path / "Documents" / "Testperson summary.pdf"
    chosen.parent.mkdir()
    shown: list[str] = []
    monkeypatch.setattr(location, "confirm", lambda box: shown.append(box.objectName()) or True)
    monkeypatch.setattr(location, "save_dialog", lambda *args: str(chosen))
    review: ReviewPage = wf.form.page("review")
    wf.form.show_section("review")
    before = check_env.store.audit.count()
    with qtbot.waitSignal(wf.summary_saved, timeout=15000):
        qtbot.mouseClick(review.pdf_button, Qt.MouseButton.LeftButton)
    assert shown == [export.WARNING_OBJECT_NAME]
    if POSIX:
        assert stat.S_IMODE(chosen.stat().st_mode) == 0o600
    qtbot.waitUntil(lambda: check_env.store.audit.count() > before, timeout=5000)
    entry = next(e for e in check_env.store.audit.entries(limit=5) if e.action == EXPORT_ACTION)
    assert entry.record_id == wf.record.id and entry.table_name == "checks" and entry.user_id
    fields = " ".join(str(v) for v in dataclasses.astuple(entry))
    assert "Documents" not in fields and "Testperson" not in fields and ".pdf" not in fields
    assert check_env.store.audit.verify().ok
    if shutil.which("pdftotext"):  # the organisation's number is on the page
        text = subprocess.run(
            ["pdftotext", str(chosen), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "0117 496 0000" in " ".join(text.split())
