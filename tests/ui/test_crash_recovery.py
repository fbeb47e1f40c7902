"""The app process is killed (SIGKILL) in the middle of a check; reopening offers the unfinished
check in plain words and shows every answer given, as saved by autosave before the kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from outreach.settings import OrgConfig
from outreach.store.crypto import TEST_KDF
from tests.conftest import ROOT
from tests.factories import new_store
from tests.ui.check_crash_driver import ANSWERS
from tests.ui.check_helpers import ADMIN, PASSPHRASE, add_person
from ui.check.workflow import CheckWorkflow
from ui.main_window import MainWindow

WAIT_MS = 15_000


def run_until_ready(data_dir: Path, person_id: str) -> tuple[subprocess.Popen[str], list[str]]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.check_crash_driver", str(data_dir), person_id],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 60
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
        if line.startswith("READY"):
            return proc, lines
    proc.kill()
    raise AssertionError(f"driver did not get ready: {lines} {proc.stderr.read() if proc.stderr else ''}")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_mid_check_the_draft_comes_back_with_every_answer(qtbot, tmp_path: Path, runner) -> None:
    data_dir = tmp_path / "laptop"
    store = new_store(data_dir, admin=ADMIN, passphrase=PASSPHRASE)
    person_id = add_person(store)
    store.close()

    proc, lines = run_until_ready(data_dir, person_id)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert [line.split()[1] for line in lines if line.startswith("SAVED")] == [a[0] for a in ANSWERS]
    check_id = next(line.split()[1] for line in lines if line.startswith("CHECK"))

    # Reopen the app: unlock, and the unfinished check is offered back.
    window = MainWindow(
        data_dir, runner, kdf=TEST_KDF, org_config=OrgConfig(organisation_name="Test Outreach")
    )
    qtbot.addWidget(window)
    window.resize(1280, 860)
    window.show()
    qtbot.waitUntil(lambda: window.current_page == "unlock", timeout=WAIT_MS)
    panel = window.unlock_panel
    qtbot.waitUntil(lambda: panel.unlock_button.isEnabled(), timeout=WAIT_MS)
    panel.pass_edit.setFocus()
    qtbot.keyClicks(panel.pass_edit, PASSPHRASE)
    with qtbot.waitSignal(window.home_ready, timeout=WAIT_MS):
        qtbot.keyClick(panel.pass_edit, Qt.Key.Key_Return)
    notice = window.home.drafts_notice
    qtbot.waitUntil(lambda: notice.isVisible(), timeout=WAIT_MS)
    assert notice.text.text().startswith("You have an unfinished check for Testperson Alpha, started ")
    with qtbot.waitSignal(window.page_shown, timeout=WAIT_MS, check_params_cb=lambda name: name == "check"):
        qtbot.mouseClick(notice.buttons[0], Qt.MouseButton.LeftButton)
    workflow = window.check_widget
    assert isinstance(workflow, CheckWorkflow)
    qtbot.waitUntil(lambda: workflow.form is not None, timeout=WAIT_MS)
    assert workflow.check_id == check_id and not workflow.read_only
    form = workflow.form
    fields = {}
    for section in ("weight", "blood_pressure", "smoking", "alcohol"):
        fields.update(form.page(section).fields)
    assert fields["weight.status"].box.currentData() == "done"
    height = fields["weight.height"]
    assert height.unit() == "[ft_i]" and (height.edit.text(), height.small_edit.text()) == ("5", "10")
    assert height.equivalent.text() == "= 177.8 cm"
    assert fields["weight.weight"].edit.text() == "82.5"
    assert fields["blood_pressure.irregular"].box.currentText() == "No"
    systolic = fields["blood_pressure.systolic"]
    assert systolic.edit.text() == "210" and systolic.confirm_box.isChecked()
    assert fields["blood_pressure.diastolic"].edit.text() == "85"
    assert fields["blood_pressure.pulse"].edit.text() == ""  # the refused 1000 was never saved
    assert fields["smoking.tobacco_status"].box.currentData() == "77176002"
    assert fields["smoking.cigarettes_per_day"].edit.text() == "10"
    assert fields["alcohol.status"].box.currentData() == "declined"
    assert fields["alcohol.reason"].edit.text() == "Preferred not to say"
    assert form.strip.states["alcohol"] == "declined" and form.strip.states["weight"] == "done"
    assert form.strip.states["smoking"] == "incomplete"  # e-cigarettes not asked yet
    assert workflow.evaluation.values["weight.height"] == pytest.approx(177.8)
    # It opens at the first element still to do: blood pressure (pulse missing).
    assert form.current_section() == "blood_pressure"
    window.runner.shutdown(wait=True)
    window.store.close()
