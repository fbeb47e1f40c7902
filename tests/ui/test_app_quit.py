"""Quitting the real program ends it cleanly, every time.

Quitting used to abort the process now and then (exit code 134, "Fatal Python error:
none_dealloc", "QBasicTimer::start: current thread's event dispatcher has already been
destroyed"): Qt objects were left for the interpreter's exit to free in any order. The program
now takes itself apart in order (`ui.app.shut_down`). Here the real program (`python -m cli`)
is started on a store, unlocked through its own unlock screen, quit through File > Quit at
different moments (home still filling in, sync starting, settled; now and then on the unlock
screen with the store opening behind it), twenty times, a few at once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.ui.shell_support import PASSPHRASE, WORKER, add_checks, make_store

RUNS = 20
AT_ONCE = 4  # bounded: the machine is shared, and each run is a whole app
DELAYS_MS = (0, 50, 150, 400, 800)  # after home is filled in


def _start(data_dir: Path, delay_ms: int, page: str) -> subprocess.Popen[str]:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        OUTREACH_DRIVE_UNLOCK=WORKER,
        OUTREACH_QUIT_WHEN_SHOWN=f"{page}:{delay_ms}",
    )
    env.pop("OUTREACH_RESOURCES_DIR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    process.stdin.write(PASSPHRASE + "\n")
    process.stdin.close()
    process.stdin = None  # written and closed: communicate() must not flush it again
    return process


@pytest.mark.gui
def test_the_real_program_quits_cleanly_twenty_times(tmp_path: Path) -> None:
    template = tmp_path / "template"
    make_store(template, people=30)
    add_checks(template)
    (template / "organisation.toml").write_text('server_url = "http://127.0.0.1:9/fhir"\n', "utf-8")
    folders = []
    for slot in range(AT_ONCE):
        folder = tmp_path / f"data{slot}"
        shutil.copytree(template, folder)
        folders.append(folder)

    failures: list[str] = []
    run = 0
    while run < RUNS:
        batch = []
        for slot in range(min(AT_ONCE, RUNS - run)):
            number = run + slot
            delay = DELAYS_MS[number % len(DELAYS_MS)]
            page = "unlock" if number % 7 == 3 else "home-ready"  # now and then before unlocking
            batch.append((number, delay, page, folders[slot], _start(folders[slot], delay, page)))
        for number, delay, page, folder, process in batch:
            try:
                _out, err = process.communicate(timeout=90)
            except subprocess.TimeoutExpired:
                process.kill()
                _out, err = process.communicate()
                failures.append(f"run {number} (quit {delay} ms after home) did not end")
                continue
            log = (folder / "logs" / "outreach.log").read_text("utf-8")
            last = log[log.rfind("app.started") :]
            if process.returncode != 0:
                failures.append(
                    f"run {number} (quit {delay} ms after home) exit {process.returncode}: {err[-600:]}"
                )
            elif "Fatal Python error" in err or "event dispatcher has already been destroyed" in err:
                failures.append(f"run {number}: {err[-600:]}")
            elif ("screen=home" not in last and page != "unlock") or "app.stopped exit_code=0" not in last:
                failures.append(f"run {number} never reached {page} or never logged its stop")
        run += len(batch)
    assert failures == []
