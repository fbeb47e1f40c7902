"""`outreach support-report` prints the report for IT, with or without the passphrase, and nothing personal."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import run_cli
from tests.test_support_report import (
    MARKER_DOB,
    MARKER_FAMILY,
    MARKER_GIVEN,
    MARKER_NHS,
    PASSPHRASE,
    WORKER,
    make_marker_store,
    spaced,
)


def offscreen() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def assert_nothing_personal(text: str) -> None:
    for marker in [*MARKER_GIVEN, *MARKER_FAMILY, *MARKER_DOB]:
        assert marker not in text, marker
    for nhs in MARKER_NHS:
        assert nhs not in text and spaced(nhs) not in text, nhs


def test_with_the_passphrase_the_report_has_the_outbox(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_marker_store(data).close()
    run_cli(data, "support-report", "--lines", "0", env=offscreen())  # leaves its line in the log
    result = run_cli(data, "support-report", "--user", WORKER, stdin=PASSPHRASE + "\n", env=offscreen())
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Outreach Health Checks: report for IT")
    assert "qt: OK" in out and "Self-test passed." in out
    assert "Store: schema " in out and "Outbox: 3 item(s) not yet on the shared record" in out
    assert "held for the worker: 1" in out and "Last sync: 2026-11-30T09:12:00+00:00 UTC" in out
    log = out.split("== Log (last 100 lines) ==\n", 1)[1]
    assert "cli.finished command=support-report exit_code=0" in log
    assert_nothing_personal(out + result.stderr)
    assert PASSPHRASE not in out


def test_without_the_passphrase_it_says_what_it_leaves_out(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_marker_store(data).close()
    result = run_cli(data, "support-report", "--lines", "5", env=offscreen())
    assert result.returncode == 0, result.stderr
    assert "Outbox and last sync: not included (give --user NAME" in result.stdout
    assert "Store: schema " in result.stdout and "== Log (last 5 lines) ==" in result.stdout
    assert_nothing_personal(result.stdout)


def test_a_wrong_passphrase_still_gives_the_rest(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_marker_store(data).close()
    result = run_cli(data, "support-report", "--user", WORKER, stdin="not it\n", env=offscreen())
    assert result.returncode == 0, result.stderr
    assert "Outbox and last sync: not included (the store could not be unlocked: " in result.stdout
    assert "warning: the store could not be unlocked" in result.stderr
    assert "not it" not in result.stdout


def test_a_folder_without_a_store(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "nothing", "support-report", "--user", WORKER, env=offscreen())
    assert result.returncode == 0, result.stderr
    assert "Store: none in this folder" in result.stdout
    assert "not included (there is no store in this data folder)" in result.stdout
    assert not (tmp_path / "nothing").exists()
