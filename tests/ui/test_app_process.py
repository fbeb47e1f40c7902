"""The real program starts its window, logs safely, survives a broken organisation file, and quits."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

START_TIMEOUT_SECONDS = 30


def start_app(data_dir: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("OUTREACH_RESOURCES_DIR", None)
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_log(path: Path, needle: str, process: subprocess.Popen[str]) -> str:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if path.exists() and needle in (text := path.read_text("utf-8")):
            return text
        if process.poll() is not None:
            _, err = process.communicate()
            pytest.fail(f"the app exited with {process.returncode}: {err[-2000:]}")
        time.sleep(0.05)
    process.kill()
    pytest.fail(f"{needle} not logged within {START_TIMEOUT_SECONDS} s")


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@pytest.mark.gui
def test_the_app_opens_its_start_window_and_logs_without_personal_data(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "organisation.toml").write_text("idle_lock_minutes = 'soon'\n", "utf-8")  # broken on purpose
    process = start_app(data_dir)
    try:
        text = wait_for_log(data_dir / "logs" / "outreach.log", "ui.window_shown", process)
    finally:
        _stop(process)
    assert "app.started app_version=" in text
    assert "screen=start" in text
    assert "app.crashed" not in text and "[message withheld]" not in text


@pytest.mark.gui
def test_a_second_copy_on_the_same_folder_is_refused_and_says_so(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    first = start_app(data_dir)
    second: subprocess.Popen[str] | None = None
    try:
        wait_for_log(data_dir / "logs" / "outreach.log", "ui.window_shown", first)
        second = start_app(data_dir)
        text = wait_for_log(data_dir / "logs" / "outreach.log", "app.refused", second)
        assert "reason_code=folder_in_use" in text
        assert text.count("ui.window_shown") == 1  # the second copy never opened a window of its own
    finally:
        for process in (second, first):
            if process is not None:
                _stop(process)
