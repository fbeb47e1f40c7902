"""`outreach self-test` runs real checks and names what is broken."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from outreach.selftest import (
    CheckFailed,
    SelfCheck,
    check_crypto,
    check_resources,
    check_sqlite,
    failed_names,
    run_checks,
)
from tests.conftest import ROOT

EXPECTED_CHECKS = ["crypto", "sqlite", "qt", "resources", "definition", "rules", "store"]

# Checks that load parts of the product being built alongside; once the module is there, they must pass.
OPTIONAL_PARTS = {
    "definition": "outreach/checks/definition.py",
    "rules": "outreach/clinical/findings.py",
    "store": "outreach/store/database.py",
}


def run_self_test(
    *args: str, env_overrides: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.update(env_overrides or {})
    return subprocess.run(
        [sys.executable, "-m", "cli", "self-test", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def lines_by_check(stdout: str) -> dict[str, str]:
    found = {}
    for line in stdout.splitlines():
        name, sep, verdict = line.partition(": ")
        if sep and name in EXPECTED_CHECKS:
            found[name] = verdict
    return found


def reported_seconds(stdout: str) -> float:
    """The run time the self-test prints on its last line (from its start to its verdict)."""
    match = re.search(r"\((\d+\.\d) s\)$", stdout.strip().splitlines()[-1])
    assert match, stdout
    return float(match.group(1))


def copy_resources(tmp_path: Path) -> Path:
    target = tmp_path / "resources"
    shutil.copytree(ROOT / "resources", target)
    return target


def test_self_test_passes_on_this_checkout_quickly() -> None:
    result = run_self_test()
    assert result.returncode == 0, result.stdout + result.stderr
    verdicts = lines_by_check(result.stdout)
    assert list(verdicts) == EXPECTED_CHECKS
    for name in ("crypto", "sqlite", "qt", "resources"):
        assert verdicts[name].startswith("OK"), verdicts[name]
    for name, source in OPTIONAL_PARTS.items():
        expected = ("OK",) if (ROOT / source).exists() else ("OK", "SKIPPED")
        assert verdicts[name].startswith(expected), verdicts[name]
    assert "self-test passed" in result.stdout
    assert reported_seconds(result.stdout) < 5, result.stdout


def test_a_corrupt_json_resource_is_named_and_fails_the_run(tmp_path: Path) -> None:
    resources = copy_resources(tmp_path)
    (resources / "extra").mkdir()
    (resources / "extra" / "synthetic-broken.json").write_text('{"resourceType": "Questionnaire",', "utf-8")
    result = run_self_test(env_overrides={"OUTREACH_RESOURCES_DIR": str(resources)})
    assert result.returncode == 1
    verdicts = lines_by_check(result.stdout)
    assert verdicts["resources"].startswith("FAILED")
    assert "extra/synthetic-broken.json" in verdicts["resources"]
    assert verdicts["crypto"].startswith("OK") and verdicts["sqlite"].startswith("OK")
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("self-test FAILED:") and "resources" in last


def test_a_missing_resources_folder_is_reported(tmp_path: Path) -> None:
    result = run_self_test(
        "--check", "resources", env_overrides={"OUTREACH_RESOURCES_DIR": str(tmp_path / "none")}
    )
    assert result.returncode == 1
    assert lines_by_check(result.stdout) == {"resources": lines_by_check(result.stdout)["resources"]}
    assert "missing" in lines_by_check(result.stdout)["resources"]


def test_a_qt_platform_that_cannot_load_fails_only_the_qt_check() -> None:
    """Qt aborts the process when its platform plugin fails; the child process keeps the report alive."""
    result = run_self_test(env_overrides={"QT_QPA_PLATFORM": "no-such-platform"})
    assert result.returncode == 1
    verdicts = lines_by_check(result.stdout)
    assert verdicts["qt"].startswith("FAILED")
    assert "no-such-platform" in verdicts["qt"]
    assert verdicts["crypto"].startswith("OK") and verdicts["resources"].startswith("OK")
    assert result.stdout.strip().splitlines()[-1].startswith("self-test FAILED: qt")


def test_check_option_runs_only_the_named_checks() -> None:
    result = run_self_test("--check", "crypto", "--check", "sqlite")
    assert result.returncode == 0, result.stderr
    assert list(lines_by_check(result.stdout)) == ["crypto", "sqlite"]


def test_run_checks_keeps_going_after_a_failure() -> None:
    def broken() -> str:
        raise CheckFailed("synthetic failure")

    def surprising() -> str:
        raise KeyError("k")

    results = run_checks(
        [SelfCheck("first", broken), SelfCheck("second", lambda: "fine"), SelfCheck("third", surprising)]
    )
    assert [r.status for r in results] == ["FAILED", "OK", "FAILED"]
    assert results[0].line() == "first: FAILED: synthetic failure"
    assert results[1].line() == "second: OK (fine)"
    assert results[2].line().startswith("third: FAILED: KeyError")
    assert failed_names(results) == ["first", "third"]


def test_headless_checks_pass_in_process() -> None:
    assert "Argon2id" in check_crypto()
    assert "integrity_check ok" in check_sqlite()


def test_resources_check_counts_and_names_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "res"
    (folder / "a").mkdir(parents=True)
    (folder / "a" / "good.json").write_text(json.dumps({"ok": True}), "utf-8")
    (folder / "org.toml").write_text('name = "Synthetic"\n', "utf-8")
    monkeypatch.setenv("OUTREACH_RESOURCES_DIR", str(folder))
    assert check_resources() == "1 JSON and 1 TOML files parse"
    (folder / "a" / "bad.toml").write_text("name = \n", "utf-8")
    with pytest.raises(CheckFailed, match="a/bad.toml"):
        check_resources()
