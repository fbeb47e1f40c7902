"""Headless commands log to the data folder (without personal data), and never create one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, run_cli


def _run(args: list[str], data_dir: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return run_cli(data_dir, *args, stdin=stdin)


def test_a_command_without_a_store_creates_no_data_folder(tmp_path: Path) -> None:
    cases = tmp_path / "cases.json"
    cases.write_text(
        json.dumps([{"id": "a", "calculator": "nhs_number", "inputs": {"nhs_number": "943 476 5919"}}])
    )
    data_dir = tmp_path / "no-store-here"
    result = _run(["verify-calculators", str(cases)], data_dir)
    assert result.returncode == 0, result.stderr
    assert not data_dir.exists()


def test_commands_are_logged_by_name_and_outcome_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    cases = tmp_path / "Testperson-Marker-cases.json"
    cases.write_text("not json")
    result = _run(["verify-calculators", str(cases)], data_dir)
    assert result.returncode == 2
    log_text = (data_dir / "logs" / "outreach.log").read_text()
    assert "cli.finished" in log_text and "verify-calculators" in log_text and "exit_code=2" in log_text
    assert "Testperson-Marker" not in log_text


def test_an_unexpected_failure_gives_plain_words_and_no_traceback(tmp_path: Path) -> None:
    """A command that fails in a way nobody planned for must not print a stack or its message."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    script = (
        "import sys; import cli.commands.verify_calculators as v\n"
        "def boom(args):\n"
        "    raise RuntimeError('Testperson Marker 9990000018')\n"
        "v.run = boom\n"
        "orig = v.register\n"
        "def register(sub):\n"
        "    orig(sub)\n"
        "    sub.choices['verify-calculators'].set_defaults(func=boom)\n"
        "v.register = register\n"
        "from cli.main import main\n"
        f"sys.exit(main(['--data-dir', {str(data_dir)!r}, 'verify-calculators', 'x.json']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 70
    assert "Traceback" not in result.stderr and "Testperson" not in result.stderr
    assert "did not expect" in result.stderr
    log_text = (data_dir / "logs" / "outreach.log").read_text()
    assert "cli.crashed" in log_text and "RuntimeError" in log_text
    assert "Testperson" not in log_text and "9990000018" not in log_text
