"""Logging that can never write personal data.

The laptop's disk must hold no personal data in plain text, and IT reads the logs
(and sends them to suppliers). So the log is built on an allow-list, not on care:

* a record's message must be an *event name* (``"sync.pushed"``, ``"store.opened"``),
  a constant written in code; free text and %-style arguments are withheld, because
  they may hold a name, an NHS number or a reading;
* context travels as named fields, and only fields on the allow-list are written;
  values must be numbers, booleans or short identifier-like text, and anything that
  looks like an NHS number (ten digits) is withheld even then;
* exceptions are written as their type and stack frames (file, line, function)
  with the exception's message withheld, and paths cut down to the product's own
  folders so a user's home folder never appears.

Use it like this::

    log = logging.getLogger(__name__)
    log_event(log, "sync.pushed", count=3, http_status=200)
    log.exception("sync.failed")         # event name plus a safe stack

Log files rotate in the data folder's ``logs/`` (owner-only permissions).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import sys
import traceback
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from outreach.settings import ensure_private_dir

LOG_DIR_NAME = "logs"
LOG_FILE_NAME = "outreach.log"
# The size cap, declared here once: the log is renamed outreach.log.1 at MAX_BYTES, and at most
# BACKUP_COUNT old files are kept, so the logs never take more than MAX_BYTES * (BACKUP_COUNT + 1).
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
WITHHELD = "[withheld]"

# Field names that may be written. Add a name only when no value of it can identify a person.
ALLOWED_FIELDS: frozenset[str] = frozenset(
    {
        "action",
        "app_version",
        "attempt",
        "batch",
        "bytes",
        "check",
        "code",
        "command",
        "count",
        "definition_version",
        "duration_ms",
        "element",
        "error_type",
        "exit_code",
        "http_status",
        "item",
        "kind",
        "lane",
        "method",
        "migration",
        "os",
        "outcome",
        "platform",
        "python_version",
        "qt_version",
        "reason_code",
        "record_id",
        "resource_type",
        "retry_in",
        "rule_id",
        "schema",
        "screen",
        "seconds",
        "state",
        "status",
        "table",
        "task",
        "thread",
        "total",
        "version",
    }
)

# Names that must never be allowed, whoever asks: a guard against a well-meant `allow_fields`.
_NEVER_ALLOWED = re.compile(
    r"name|nhs|birth|dob|address|postcode|phone|email"
    r"|passphrase|password|secret|key|token|note|comment|text|message",
    re.IGNORECASE,
)
_allowed_fields: set[str] = set(ALLOWED_FIELDS)

_EVENT_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
_SAFE_TEXT = re.compile(r"^[A-Za-z0-9_.:/+\-]{0,80}$")
_NHS_LIKE = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")
_PRODUCT_PACKAGES = ("outreach", "ui", "sync", "cli")
_HANDLER_MARK = "_outreach_handler"


def allow_fields(*names: str) -> None:
    """Allow more field names; refuses any name that suggests personal or secret content."""
    for name in names:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or _NEVER_ALLOWED.search(name):
            raise ValueError(f"log field {name!r} cannot be allowed: it may carry personal or secret data")
    _allowed_fields.update(names)


def log_event(logger: logging.Logger, event: str, level: int = logging.INFO, **fields: object) -> None:
    """Log one event with named fields (only allow-listed fields reach the file)."""
    logger.log(level, event, extra={"fields": fields})


def safe_value(value: object) -> str:
    """The text written for one field value, or WITHHELD."""
    if value is None or isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        text = str(value)
        return WITHHELD if _NHS_LIKE.search(text) else text
    if isinstance(value, str) and _SAFE_TEXT.match(value) and not _NHS_LIKE.search(value):
        return value
    return WITHHELD


class AllowListFilter(logging.Filter):
    """Prepare the safe parts of every record; the formatter writes only those.

    It never drops a record (so a crash is always logged), but it keeps nothing
    from it that is not on the allow-list.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.msg
        if isinstance(msg, str) and _EVENT_NAME.match(msg) and len(msg) <= 64 and not record.args:
            record.safe_event = msg
        else:
            record.safe_event = "[message withheld]"
        fields = getattr(record, "fields", None)
        parts = []
        withheld_names = []
        if isinstance(fields, Mapping):
            for name in sorted(fields):
                if isinstance(name, str) and name in _allowed_fields:
                    parts.append(f"{name}={safe_value(fields[name])}")
                else:
                    withheld_names.append(
                        str(name) if isinstance(name, str) and _EVENT_NAME.match(name) else "?"
                    )
        if withheld_names:
            parts.append(f"withheld_fields={','.join(withheld_names)}")
        record.safe_fields = " ".join(parts)
        record.safe_exception = safe_exception_text(record.exc_info) if record.exc_info else ""
        return True


def safe_exception_text(exc_info: object) -> str:
    """Type and frames of an exception (and its causes), with every message withheld."""
    if not isinstance(exc_info, tuple) or len(exc_info) != 3 or exc_info[1] is None:
        return ""
    exc: BaseException | None = exc_info[1]
    blocks: list[str] = []
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        blocks.append(_one_exception(type(exc), exc.__traceback__))
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return "\n  (which led to)\n".join(reversed(blocks))


def _one_exception(exc_type: type[BaseException], tb: TracebackType | None) -> str:
    lines = []
    for frame in traceback.extract_tb(tb):
        lines.append(f"  at {_short_path(frame.filename)}:{frame.lineno} in {frame.name}")
    lines.append(f"  {exc_type.__module__}.{exc_type.__qualname__} (message withheld)")
    return "\n".join(lines)


def _short_path(filename: str) -> str:
    """Cut a source path down to the product's (or a library's) own part: no home folders."""
    parts = Path(filename).parts
    for index, part in enumerate(parts):
        if part in ("site-packages", "dist-packages"):
            return "/".join(parts[index + 1 :])
    for index in range(len(parts) - 1, -1, -1):
        if parts[index] in _PRODUCT_PACKAGES:
            return "/".join(parts[index:])
    return Path(filename).name


class SafeFormatter(logging.Formatter):
    """Writes time, level, logger, event, allowed fields and a safe stack. Nothing else."""

    def __init__(self) -> None:
        super().__init__(datefmt="%Y-%m-%dT%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "safe_event"):
            AllowListFilter().filter(record)
        stamp = self.formatTime(record, self.datefmt)
        line = f"{stamp}.{int(record.msecs):03d} {record.levelname} {record.name} {record.safe_event}"  # type: ignore[attr-defined]
        if record.safe_fields:  # type: ignore[attr-defined]
            line += " " + record.safe_fields  # type: ignore[attr-defined]
        if record.safe_exception:  # type: ignore[attr-defined]
            line += "\n" + record.safe_exception  # type: ignore[attr-defined]
        return line


class _PlainErrors:
    """A handler that cannot write (full disk, closed console) says so once, in words, and carries on.

    Python's own `Handler.handleError` prints the record's raw message and arguments to
    stderr, which a desktop session may keep in a file (~/.xsession-errors): that would let
    the very text the allow-list withholds reach the disk. Nothing of the record is written.
    """

    _reported = False

    def handleError(self, record: logging.LogRecord) -> None:
        if _PlainErrors._reported or sys.stderr is None:
            return
        _PlainErrors._reported = True
        error_type = type(sys.exc_info()[1]).__name__
        with contextlib.suppress(Exception):  # a broken stderr must not stop the app either
            sys.stderr.write(f"outreach: the log cannot be written ({error_type}); carrying on without it.\n")


class PrivateRotatingFileHandler(_PlainErrors, logging.FileHandler):
    """The log file, readable by its owner only, moved aside when full: ``outreach.log`` becomes
    ``outreach.log.1``, ``.1`` becomes ``.2`` and so on, and the oldest beyond `backup_count` goes.

    Written here rather than taken from `logging.handlers`: that module brings sockets, pickling
    and queues with it, which the app would otherwise load before its first window for nothing.
    """

    def __init__(self, filename: Path, *, max_bytes: int, backup_count: int, encoding: str = "utf-8") -> None:
        self.max_bytes = max_bytes
        self.backup_count = backup_count
        super().__init__(filename, mode="a", encoding=encoding)

    def _open(self) -> io.TextIOWrapper:
        return open(  # type: ignore[return-value]  # text mode: a TextIOWrapper
            self.baseFilename,
            self.mode,
            encoding=self.encoding,
            errors=self.errors,
            opener=lambda path, flags: os.open(path, flags, 0o600),
        )

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._full_after(record):
                self._move_aside()
        except OSError:  # said like a failed write, once, in words; the line still goes in the file
            self.handleError(record)
        super().emit(record)

    def _full_after(self, record: logging.LogRecord) -> bool:
        if self.max_bytes <= 0 or self.backup_count <= 0:
            return False
        if self.stream is None:
            self.stream = self._open()
        written = self.stream.tell()
        line = (self.format(record) + self.terminator).encode(self.encoding or "utf-8", "replace")
        return written > 0 and written + len(line) > self.max_bytes

    def _move_aside(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None
        base = self.baseFilename
        for number in range(self.backup_count - 1, 0, -1):
            older = f"{base}.{number}"
            if os.path.exists(older):
                os.replace(older, f"{base}.{number + 1}")
        if os.path.exists(base):
            os.replace(base, f"{base}.1")
        self.stream = self._open()


class _PlainStreamHandler(_PlainErrors, logging.StreamHandler):
    """The console copy of the log, with the same plain handling of write errors."""


def log_dir(data_dir: Path) -> Path:
    return Path(data_dir) / LOG_DIR_NAME


def log_size_cap() -> int:
    """The most bytes the log files can take together (the current file and the rotated ones)."""
    return MAX_BYTES * (BACKUP_COUNT + 1)


def last_log_lines(log_file: Path, count: int) -> list[str]:
    """The last `count` lines written to `log_file`, reaching back into the rotated files
    (``outreach.log.1``, ``.2`` ...) when the current one is shorter. Oldest first."""
    lines: list[str] = []
    path = Path(log_file)
    candidates = [path, *(path.with_name(f"{path.name}.{n}") for n in range(1, BACKUP_COUNT + 1))]
    for candidate in candidates:
        if len(lines) >= count:
            break
        try:
            text = candidate.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        lines = text.splitlines() + lines
    return lines[-count:] if count > 0 else []


def setup_logging(data_dir: Path, level: int = logging.INFO, *, console: bool = False) -> Path:
    """Send the root logger to ``<data_dir>/logs/outreach.log`` (rotating), through the allow-list.

    Safe to call again (for example after the data folder changes): earlier handlers
    installed here are replaced, not duplicated. Returns the log file's path.
    """
    folder = ensure_private_dir(log_dir(data_dir))
    path = folder / LOG_FILE_NAME
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
            handler.close()
    handlers: list[logging.Handler] = [
        PrivateRotatingFileHandler(path, max_bytes=MAX_BYTES, backup_count=BACKUP_COUNT, encoding="utf-8")
    ]
    if console:
        handlers.append(_PlainStreamHandler(sys.stderr))
    for handler in handlers:
        handler.addFilter(AllowListFilter())
        handler.setFormatter(SafeFormatter())
        setattr(handler, _HANDLER_MARK, True)
        root.addHandler(handler)
    root.setLevel(level)
    return path
