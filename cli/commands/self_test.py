"""`outreach self-test`: prove that this installation can run, and name what is broken if not.

Runs the headless checks (crypto, SQLite, resources, check definition, rules) in this
process and the Qt check in a child process: when Qt cannot load its platform plugin it
aborts the whole process, and a self-test that dies without saying why is no help to IT.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import outreach
from outreach.selftest import (
    CheckFailed,
    CheckResult,
    SelfCheck,
    failed_names,
    headless_checks,
    run_checks,
)

QT_CHECK = "qt"
CHILD_TIMEOUT_SECONDS = 60


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "self-test",
        help="check that crypto, SQLite, Qt and the bundled resources work",
        description="Check that this installation works: crypto, SQLite, Qt's platform plugin and the "
        "bundled resources. Prints one line per check and exits with status 1 naming what failed.",
    )
    parser.add_argument(
        "--check",
        action="append",
        metavar="NAME",
        choices=all_check_names(),
        help="run only this check (may be repeated): " + ", ".join(all_check_names()),
    )
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


def all_check_names() -> list[str]:
    names = [c.name for c in headless_checks()]
    names.insert(2, QT_CHECK)
    return names


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    wanted = set(args.check or all_check_names())
    checks: list[SelfCheck] = []
    for check in headless_checks():
        checks.append(check)
        if check.name == "sqlite":
            checks.append(SelfCheck(QT_CHECK, _qt_in_process if args.in_process else _qt_in_child))
    checks = [c for c in checks if c.name in wanted]

    print(f"outreach {outreach.__version__} self-test", flush=True)
    results: list[CheckResult] = []
    for check in checks:
        (result,) = run_checks([check])
        results.append(result)
        print(result.line(), flush=True)
    failed = failed_names(results)
    elapsed = time.perf_counter() - started
    if failed:
        print(f"self-test FAILED: {', '.join(failed)} ({elapsed:.1f} s)", flush=True)
        return 1
    print(f"self-test passed ({elapsed:.1f} s)", flush=True)
    return 0


def _qt_in_process() -> str:
    from ui.selftest_qt import check_qt  # imported late: only this check needs Qt

    return check_qt()


def _qt_in_child() -> str:
    """Run the Qt check in a child process and turn a crash or abort into a reason."""
    command = _child_command()
    env = dict(os.environ)
    if not getattr(sys, "frozen", False):
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    try:
        child = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=CHILD_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise CheckFailed(f"Qt did not start within {CHILD_TIMEOUT_SECONDS} s") from None
    prefix = f"{QT_CHECK}: "
    for line in child.stdout.splitlines():
        if not line.startswith(prefix):
            continue
        verdict = line[len(prefix) :]
        if child.returncode == 0 and verdict.startswith("OK"):
            return verdict.removeprefix("OK").strip().strip("()")
        raise CheckFailed(verdict.removeprefix("FAILED: "))
    raise CheckFailed(_qt_failure_reason(child.stderr, child.returncode))


def _child_command() -> list[str]:
    """Start this program again for the Qt check alone.

    Frozen, the executable is the only entry; from source, skip the argument parser, which
    imports every sub-command, to keep the self-test quick.
    """
    if getattr(sys, "frozen", False):
        return [sys.executable, "self-test", "--check", QT_CHECK, "--in-process"]
    return [sys.executable, "-c", "import sys, cli.commands.self_test as t; sys.exit(t.qt_child_main())"]


def qt_child_main() -> int:
    """The child's whole job: run the Qt check here and print its one line."""
    (result,) = run_checks([SelfCheck(QT_CHECK, _qt_in_process)])
    print(result.line(), flush=True)
    return 1 if result.failed else 0


def _qt_failure_reason(stderr: str, returncode: int) -> str:
    """Pick Qt's own explanation out of the child's output (e.g. the platform plugin it could not load)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for marker in ("Could not load the Qt platform plugin", "could not connect to display", "qt.qpa"):
        for line in lines:
            if marker.lower() in line.lower():
                return f"{line} ({_describe_status(returncode)})"
    tail = lines[-1] if lines else "no output"
    return f"Qt could not start ({_describe_status(returncode)}): {tail}"


def _describe_status(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"stopped by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"stopped by signal {-returncode}"
    return f"exit status {returncode}"
