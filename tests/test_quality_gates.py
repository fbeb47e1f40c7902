"""The code's own quality gates, run with the tests so `python3 dev.py test` (and so CI) keeps them.

ruff checks the whole tree against pyproject.toml (line length, the complexity limit, the rule sets);
mypy type-checks the packages pyproject.toml names (the headless core at least), reporting any
`type: ignore` that is no longer needed. Both come with the `dev` extra; without them these tests
skip saying how to install them (and fail under CI=true, where they are always installed).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from tests.conftest import ROOT, on_ci

INSTALL_HINT = "install the development tools: pip install -e '.[dev]' in .venv (or run python3 dev.py setup)"


def _run_tool(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m module args` from the project root, or skip (fail on CI) when it is not installed."""
    if importlib.util.find_spec(module) is None:
        message = f"{module} is not installed: {INSTALL_HINT}"
        if on_ci():
            pytest.fail(f"{message}; CI installs the dev extra, so the set-up is broken", pytrace=False)
        pytest.skip(message)
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_ruff_finds_nothing() -> None:
    result = _run_tool("ruff", "check", "--no-cache", "--output-format", "concise", ".")
    assert result.returncode == 0, f"ruff found problems:\n{result.stdout}{result.stderr}"


def test_mypy_finds_nothing() -> None:
    result = _run_tool("mypy", "--no-incremental")
    assert result.returncode == 0, f"mypy found problems:\n{result.stdout}{result.stderr}"
