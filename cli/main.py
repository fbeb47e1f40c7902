"""Entry point of the `outreach` program.

With no sub-command it opens the desktop app; sub-commands are headless and
never load Qt (except `self-test`, which checks that Qt works).
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import cli.commands
import outreach
from cli import system_libraries
from outreach.errors import OutreachError
from outreach.logging_setup import log_event, setup_logging
from outreach.settings import resolve_data_dir

if TYPE_CHECKING:  # argparse loads for commands only: opening the app reads one option by hand
    import argparse


def _command_modules() -> list[str]:
    import pkgutil  # only for commands: opening the app never lists them

    return sorted(
        f"{cli.commands.__name__}.{info.name}"
        for info in pkgutil.iter_modules(cli.commands.__path__)
        if not info.name.startswith("_")
    )


def build_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="outreach",
        description="Outreach Health Checks. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"outreach {outreach.__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="folder for the encrypted store (default: OUTREACH_DATA_DIR, else the platform's user data "
        "folder)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _command_modules():
        importlib.import_module(name).register(sub)
    return parser


def _desktop_problem() -> str | None:
    """Why the window cannot open here, in one sentence with the fix, or None.

    Checked before Qt loads: without a display, or without the xcb plugin's libraries, Qt
    aborts with text that blames the wrong thing (it asks for xcb-cursor0 even when that is
    installed and the real problem is that there is no display).
    """
    problem = system_libraries.display_problem()
    if problem is not None:
        return problem
    wants_xcb = os.environ.get("QT_QPA_PLATFORM", "xcb") == "xcb" and not os.environ.get("WAYLAND_DISPLAY")
    if wants_xcb:
        missing = system_libraries.unloadable(system_libraries.DISPLAY_LIBRARIES)
        if missing:
            return system_libraries.missing_libraries_message(missing, what="The app's window")
        return system_libraries.x_display_unanswered(os.environ.get("DISPLAY"))
    return None


def _qt_import_message(error: ImportError) -> str | None:
    """Qt failed to load for lack of a system library: name every missing one and its package."""
    if system_libraries.qt_import_problem(error) is None:
        return None
    missing = system_libraries.unloadable(system_libraries.QT_LIBRARIES)
    if not missing:
        return system_libraries.qt_import_problem(error)
    return system_libraries.missing_libraries_message(missing)


def _opening_data_dir(args: list[str]) -> tuple[str | None] | None:
    """(the --data-dir given, or None) when `args` open the app; None when they name a command.

    Read by hand because the app opens with at most this one option, and argparse with its
    translations is a measurable part of the way to the first window. Anything else, including a
    mistyped option, goes to the full parser, which explains it."""
    if not args:
        return (None,)
    if len(args) == 1 and args[0].startswith("--data-dir="):
        return (args[0].removeprefix("--data-dir="),)
    if len(args) == 2 and args[0] == "--data-dir" and not args[1].startswith("-"):
        return (args[1],)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list == ["--version"]:
        # Answered before any command module is imported: IT scripts call this often,
        # and it must work even when a heavier module cannot load.
        print(f"outreach {outreach.__version__}")
        return 0
    # With no command the app opens. Decide that before the command modules are imported
    # (some load the whole store), so the unlock screen appears as soon as Qt is up.
    opening = _opening_data_dir(args_list)
    if opening is not None:
        problem = _desktop_problem()
        if problem:
            print(problem, file=sys.stderr)
            return 1
        try:
            from ui.app import run_app  # imported late: headless commands never load Qt
        except ImportError as exc:
            message = _qt_import_message(exc)
            if message is None:
                raise
            print(message, file=sys.stderr)
            return 1
        return run_app(data_dir=opening[0])
    parser = build_parser()
    args = parser.parse_args(args_list)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    log = _start_logging(args)
    try:
        code = int(func(args) or 0)
    except OutreachError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        log_event(log, "cli.failed", command=args.command, error_type=type(exc).__name__)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception:
        # The exception's own text may hold personal data, so the screen gets plain words and the
        # log gets the type and a stack without messages (the logging allow-list withholds them).
        log.exception("cli.crashed")
        print(
            "error: Something went wrong that the app did not expect. Nothing already saved was lost. "
            "Please tell IT the time this happened; the details are in the log.",
            file=sys.stderr,
        )
        return 70
    log_event(log, "cli.finished", command=args.command, exit_code=code)
    return code


def _start_logging(args: argparse.Namespace) -> logging.Logger:
    """Log headless commands to the data folder's log, but only when that folder already
    exists: `verify-calculators` or `self-test` on a machine with no store must not create one."""
    log = logging.getLogger("cli")
    data_dir = resolve_data_dir(args.data_dir)
    if data_dir.is_dir():
        try:
            setup_logging(data_dir)
        except OSError:  # a read-only data folder must not stop a command that only reads
            pass
    return log
