"""The UI benchmark runs end to end (tiny sizes): start-up, unlock to home, search, and the follow-ups
list (record an outcome, filter, home refresh after finalise) figures appear."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.conftest import ROOT


def test_bench_ui_runs_and_reports_its_three_figures() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "bench_ui.py"),
            "--people",
            "12",
            "--checks-per-person",
            "0",
            "--runs",
            "1",
            "--keystrokes",
            "2",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert re.search(r"^\(a\) start to unlock screen: .* ratio \d+\.\d\d", out.stdout, re.MULTILINE), (
        out.stdout
    )
    assert re.search(r"^\(b\) unlock to home filled in, 12 people: \d+ ms", out.stdout, re.MULTILINE), (
        out.stdout
    )
    assert re.search(
        r"^\(c\) keystroke to search results, 12 people: median \d+\.\d ms", out.stdout, re.MULTILINE
    ), out.stdout
    for figure in (
        "(d) record an outcome to the list updated",
        "(e) follow-ups filter",
        "(f) home refresh after",
    ):
        assert re.search(rf"^{re.escape(figure)}.* ms", out.stdout, re.MULTILINE), out.stdout
