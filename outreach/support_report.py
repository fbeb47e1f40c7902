"""The report for IT: what this installation is, how it is set up and how it is doing, in plain text.

Help > "Copy a report for IT" puts it on the clipboard and ``outreach support-report`` prints
it, so a nurse can paste it into an email or a ticket and IT gets everything in one go:
versions, the self-test, the settings in force, the store's schema and size, how sync is
doing and the last lines of the log.

**Nothing personal goes in.** The report is made of counts, versions, settings and the log,
and the log is already written through an allow-list (`outreach.logging_setup`). It is
filtered again here all the same: a log line is kept only when it has the log's own shape
(time, level, part, event name, allowed ``name=value`` fields, or a stack line without
its message), anything that looks like an NHS number is withheld, and the outbox is
reported as counts only (never its error texts, which may quote a server's words).

It reads the store (the sync counts need it unlocked), so it must run off the GUI thread.
"""

from __future__ import annotations

import platform
import re
import sqlite3
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import outreach
from outreach.logging_setup import last_log_lines
from outreach.selftest import CheckResult, SelfCheck, failed_names, headless_checks, run_checks
from outreach.settings import OrgConfig
from outreach.store.files import DB_FILENAME, VAULT_FILENAME

LOG_LINES = 100
WITHHELD_LINE = "[line withheld: not in the log's own format]"
NOT_PERSONAL = "Nothing personal is in this report: no names, NHS numbers, dates of birth or answers."

_NHS_LIKE = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")
_FIELD = r"[a-z_][a-z0-9_]*=(?:\[withheld\]|[A-Za-z0-9_.:/+\-,?]{0,200})"
_LOG_LINE = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3} [A-Z]+ [A-Za-z0-9_.\-]+ "
    r"(?:[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*|\[message withheld\])"
    rf"(?: {_FIELD})*$"
)
_STACK_LINE = re.compile(
    r"^  (?:at [A-Za-z0-9_./\-<>]+:\d+ in [A-Za-z0-9_<>.]+"
    r"|[A-Za-z0-9_.<>]+ \(message withheld\)"
    r"|\(which led to\))$"
)


@dataclass(frozen=True)
class ReportInputs:
    """What the report is made from. Everything but `store` is cheap to gather on any thread.

    `store`: an unlocked `LocalStore` for the sync counts, or None (the report says what it
    leaves out, with `store_note` saying why). `extra_checks` run with the headless
    self-test (the app passes its Qt check, the command line its child-process Qt check).
    """

    data_dir: Path
    org_config: OrgConfig
    org_file: Path | None = None
    org_problem: str | None = None
    log_file: Path | None = None
    qt_version: str | None = None
    store: Any = None
    store_note: str = "the store is not unlocked"
    extra_checks: Sequence[SelfCheck] = ()
    log_lines: int = LOG_LINES
    now: Callable[[], datetime] = lambda: datetime.now(UTC)


def build_report(inputs: ReportInputs) -> str:
    """The whole report, as plain text (slow: runs the self-test and reads the store)."""
    log = _log(inputs)  # read first: what happened before the report, not the self-test's own lines
    sections = [
        ["Outreach Health Checks: report for IT", f"Made: {inputs.now():%Y-%m-%d %H:%M} UTC", NOT_PERSONAL],
        ["== Versions ==", *_versions(inputs)],
        ["== Self-test ==", *_self_test(inputs)],
        ["== Settings in force ==", *_settings(inputs)],
        ["== Data folder and store ==", *_store_facts(inputs)],
        ["== Sync ==", *_sync(inputs)],
        [f"== Log (last {inputs.log_lines} lines) ==", *log],
    ]
    text = "\n\n".join("\n".join(section) for section in sections) + "\n"
    return withhold_nhs_like(text)


def withhold_nhs_like(text: str) -> str:
    """Anything shaped like an NHS number (ten digits, spaced or not) becomes [withheld]."""
    return _NHS_LIKE.sub("[withheld]", text)


def safe_log_line(line: str) -> str:
    """The line as it is when it has the log's own shape, else a placeholder (never its text)."""
    if _LOG_LINE.match(line) or _STACK_LINE.match(line):
        return withhold_nhs_like(line)
    return WITHHELD_LINE


# -- sections ---------------------------------------------------------------------------------------
def _versions(inputs: ReportInputs) -> list[str]:
    frozen = "yes (installed bundle)" if getattr(sys, "frozen", False) else "no (run from source)"
    return [
        f"App: {outreach.__version__}",
        f"Python: {platform.python_version()} ({platform.python_implementation()})",
        "Qt: "
        + (
            inputs.qt_version
            or _package_version("PySide6", "PySide6_Essentials") + " (PySide6; Qt not loaded)"
        ),
        f"OS: {platform.platform()} ({platform.machine() or 'unknown machine'})",
        f"SQLite: {sqlite3.sqlite_version}",
        f"cryptography: {_package_version('cryptography')}",
        f"Bundle: {frozen}",
    ]


def _package_version(*names: str) -> str:
    """The installed version of the first of `names` found (read from metadata: nothing is loaded)."""
    from importlib import metadata

    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return "unknown"


def _self_test(inputs: ReportInputs) -> list[str]:
    checks = headless_checks()
    checks[2:2] = list(inputs.extra_checks)  # where `outreach self-test` prints the Qt check
    results: list[CheckResult] = run_checks(checks)
    failed = failed_names(results)
    summary = f"Self-test FAILED: {', '.join(failed)}" if failed else "Self-test passed."
    return [r.line() for r in results] + [summary]


def _settings(inputs: ReportInputs) -> list[str]:
    lines = [
        f"Organisation file: {inputs.org_file if inputs.org_file else 'none (the defaults are in force)'}"
    ]
    if inputs.org_problem:
        lines.append(
            f"The organisation file could not be read, so the defaults are in force: {inputs.org_problem}"
        )
    config = inputs.org_config
    for f in fields(config):
        if f.name == "extra":
            continue
        value = getattr(config, f.name)
        if f.name == "recovery_public_key":
            lines.append(f"{f.name} = {'present' if str(value).strip() else 'absent'}")
        else:
            lines.append(f"{f.name} = {value!r}" if isinstance(value, str) else f"{f.name} = {value}")
    if config.extra:
        names = ", ".join(sorted(str(name) for name in config.extra))
        lines.append(f"Settings in the file this version does not know (names only): {names}")
    return lines


def _store_facts(inputs: ReportInputs) -> list[str]:
    folder = Path(inputs.data_dir)
    database = folder / DB_FILENAME
    lines = [f"Data folder: {folder}"]
    if not database.exists():
        lines.append("Store: none in this folder (not set up yet, or a different folder)")
    else:
        size = sum(
            p.stat().st_size for p in (database, database.with_name(DB_FILENAME + "-wal")) if p.exists()
        )
        lines.append(f"Store: schema {_schema_number(database)}, {_size_words(size)}")
    lines.append(f"Key file: {'present' if (folder / VAULT_FILENAME).exists() else 'missing'}")
    backups = sorted(folder.glob("outreach-backup-*.db"))
    lines.append(f"Backups made before upgrades: {len(backups)}")
    lines.append(f"Log file: {inputs.log_file if inputs.log_file else 'none'}")
    return lines


def _schema_number(database: Path) -> str:
    """Read without changing anything: a read-only connection, no migration."""
    try:
        conn = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            return str(int(conn.execute("PRAGMA user_version").fetchone()[0]))
        finally:
            conn.close()
    except (sqlite3.Error, ValueError) as exc:
        return f"unreadable ({type(exc).__name__})"


def _size_words(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB ({size:,} bytes with its journal)"
    return f"{size / 1_000:.0f} kB ({size:,} bytes with its journal)"


def _sync(inputs: ReportInputs) -> list[str]:
    url = inputs.org_config.server_url
    lines = [f"Shared record: {url if url else 'none configured (this laptop works offline only)'}"]
    if inputs.store is None:
        return [*lines, f"Outbox and last sync: not included ({inputs.store_note})"]
    from outreach.errors import OutreachError
    from outreach.services import outbox_lines
    from outreach.store import sync_state

    try:
        rows = outbox_lines(inputs.store)
        last_raw = sync_state.get_value(inputs.store, sync_state.LAST_SYNC_KEY)
        device = sync_state.device_status(inputs.store)
    except OutreachError as exc:  # locked meanwhile, say
        return [
            *lines,
            f"Outbox and last sync: not included (the store could not be read: {type(exc).__name__})",
        ]
    waiting = sum(1 for r in rows if r.waits_for == "network")
    held = [r for r in rows if r.waits_for in ("worker", "consent")]
    lines.append(f"Outbox: {len(rows)} item(s) not yet on the shared record")
    lines.append(f"  waiting to be sent (or retried): {waiting}")
    lines.append(
        f"  held for the worker: {len(held)} "
        f"(refused by the server: {sum(1 for r in held if r.waits_for == 'worker')}, "
        f"no consent to share: {sum(1 for r in held if r.waits_for == 'consent')})"
    )
    states: dict[str, int] = {}
    for row in rows:
        states[row.state] = states.get(row.state, 0) + 1
    if states:
        lines.append("  by state: " + ", ".join(f"{k} {v}" for k, v in sorted(states.items())))
    lines.append(f"Last sync: {last_sync_words(last_raw)}")
    lines.append(f"This laptop on the shared record: {_plain_word(device.get('state'))}")
    return lines


def last_sync_words(raw: str | None) -> str:
    """The last sync's record (as the engine stores it) in words: when it finished and what it did."""
    if not raw:
        return "never"
    import json

    try:
        report = json.loads(raw)
    except ValueError:
        return "unknown (unreadable record)"
    if not isinstance(report, dict):
        return "unknown"
    finished = _plain_word(report.get("finished_at"))
    counts = [
        f"{name.replace('_', ' ')} {report[name]}"
        for name in ("sent", "already_there", "retrying", "refused", "no_consent")
        if isinstance(report.get(name), int) and not isinstance(report.get(name), bool)
    ]
    return f"{finished} UTC" + (f" ({', '.join(counts)})" if counts else "")


def _plain_word(value: object) -> str:
    """A timestamp or a state word as it is; anything else (free text) is not copied."""
    text = str(value) if value is not None else "unknown"
    return text if re.fullmatch(r"[A-Za-z0-9_.:+\- ]{0,40}", text) else "[withheld]"


def _log(inputs: ReportInputs) -> list[str]:
    if inputs.log_file is None:
        return ["No log file is in use."]
    if inputs.log_lines <= 0:
        return ["(no lines asked for)"]
    lines = last_log_lines(inputs.log_file, inputs.log_lines)
    if not lines:
        return ["The log is empty or cannot be read."]
    return [safe_log_line(line) for line in lines]
