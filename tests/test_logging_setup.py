"""The log writes only allow-listed fields and event names: never personal data."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach import logging_setup
from outreach.logging_setup import WITHHELD, allow_fields, log_event, setup_logging

SYNTHETIC_NAME = "Testperson Alpha"
SYNTHETIC_NHS = "999 123 4560"


def flush(root: logging.Logger) -> None:
    for handler in root.handlers:
        handler.flush()


def test_log_folder_and_file_are_private(tmp_path: Path, root_logger: logging.Logger) -> None:
    path = setup_logging(tmp_path / "data")
    log_event(logging.getLogger("outreach.test"), "test.started")
    flush(root_logger)
    assert path == tmp_path / "data" / "logs" / "outreach.log"
    if os.name == "posix":
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_allowed_fields_are_written_and_others_withheld(tmp_path: Path, root_logger: logging.Logger) -> None:
    path = setup_logging(tmp_path)
    log = logging.getLogger("outreach.sync")
    log_event(
        log,
        "sync.pushed",
        count=3,
        http_status=201,
        record_id="6f1c2a7e-0000-4000-8000-000000000001",
        person_name=SYNTHETIC_NAME,
    )
    flush(root_logger)
    line = path.read_text("utf-8").strip().splitlines()[-1]
    assert " INFO outreach.sync sync.pushed " in line
    assert "count=3" in line and "http_status=201" in line
    assert "record_id=6f1c2a7e-0000-4000-8000-000000000001" in line
    assert "withheld_fields=person_name" in line
    assert "Testperson" not in line


def test_free_text_and_format_arguments_are_withheld(tmp_path: Path, root_logger: logging.Logger) -> None:
    path = setup_logging(tmp_path)
    log = logging.getLogger("urllib3.connectionpool")
    log.warning("GET /Patient?identifier=%s for %s", SYNTHETIC_NHS, SYNTHETIC_NAME)
    log.warning(f"Saved check for {SYNTHETIC_NAME}")
    log.warning("check.saved")  # an event name with no arguments is kept
    flush(root_logger)
    text = path.read_text("utf-8")
    assert text.count("[message withheld]") == 2
    assert "check.saved" in text
    assert "Testperson" not in text and "4560" not in text and "Patient" not in text


def test_nhs_number_like_values_are_withheld_even_in_allowed_fields(
    tmp_path: Path, root_logger: logging.Logger
) -> None:
    path = setup_logging(tmp_path)
    log = logging.getLogger("outreach.test")
    log_event(log, "test.values", item="9991234560", count=9991234560, status="999-123-4560", code="ok value")
    flush(root_logger)
    line = path.read_text("utf-8").strip().splitlines()[-1]
    assert "999" not in line
    for name in ("item", "count", "status", "code"):
        assert f"{name}={WITHHELD}" in line


def test_exceptions_keep_type_and_frames_but_not_message_or_home_folder(
    tmp_path: Path, root_logger: logging.Logger
) -> None:
    path = setup_logging(tmp_path)
    log = logging.getLogger("outreach.test")

    def inner() -> None:
        raise ValueError(f"bad reading for {SYNTHETIC_NAME}")

    try:
        try:
            inner()
        except ValueError as exc:
            raise KeyError(SYNTHETIC_NHS) from exc
    except KeyError:
        log.exception("test.failed")
    flush(root_logger)
    text = path.read_text("utf-8")
    assert "test.failed" in text
    assert "builtins.ValueError (message withheld)" in text
    assert "builtins.KeyError (message withheld)" in text
    assert text.index("ValueError") < text.index("(which led to)") < text.index("KeyError")
    assert "test_logging_setup.py:" in text and " in inner" in text
    assert "Testperson" not in text and "4560" not in text
    assert str(Path.home()) not in text or str(Path.home()) == "/"


def test_the_log_rotates_with_private_files(
    tmp_path: Path, root_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logging_setup, "MAX_BYTES", 2_000)
    path = setup_logging(tmp_path)
    log = logging.getLogger("outreach.test")
    for i in range(200):
        log_event(log, "test.filler", count=i)
    flush(root_logger)
    rotated = sorted(path.parent.glob("outreach.log.*"))
    assert 1 <= len(rotated) <= logging_setup.BACKUP_COUNT
    assert path.stat().st_size <= 2_000
    if os.name == "posix":
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in rotated)


def test_a_rotation_that_fails_is_said_once_and_logging_carries_on(
    tmp_path: Path,
    root_logger: logging.Logger,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The files cannot be moved aside (here full folders sit where the old logs go): one plain line on
    stderr, no record text, and every line still reaches the current file."""
    monkeypatch.setattr(logging_setup, "MAX_BYTES", 500)
    monkeypatch.setattr(logging_setup._PlainErrors, "_reported", False)
    path = setup_logging(tmp_path)
    for number in range(1, logging_setup.BACKUP_COUNT + 1):
        (path.parent / f"outreach.log.{number}").mkdir()
        (path.parent / f"outreach.log.{number}" / "keep").write_text("x")
    log = logging.getLogger("outreach.test")
    for i in range(40):
        log_event(log, "test.filler", count=i)
    flush(root_logger)
    err = capsys.readouterr().err
    assert err.count("the log cannot be written") == 1
    assert "test.filler" not in err
    text = path.read_text("utf-8")
    assert "count=0\n" in text and "count=39\n" in text


def test_writing_far_past_the_cap_keeps_the_logs_within_it(
    tmp_path: Path, root_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cap is the declared size times the files kept: the oldest lines go, the newest stay."""
    monkeypatch.setattr(logging_setup, "MAX_BYTES", 1_000)
    cap = logging_setup.log_size_cap()
    assert cap == 1_000 * (logging_setup.BACKUP_COUNT + 1)
    path = setup_logging(tmp_path)
    log = logging.getLogger("outreach.test")
    written = 0
    count = 0
    while written < 10 * cap:
        log_event(log, "test.filler", count=count, total=written)
        written += 60  # a line is longer than this, so more than 10x the cap is written
        count += 1
    flush(root_logger)
    files = [path, *sorted(path.parent.glob("outreach.log.*"))]
    assert len(files) == logging_setup.BACKUP_COUNT + 1
    assert all(p.stat().st_size <= 1_000 for p in files)
    assert sum(p.stat().st_size for p in files) <= cap
    assert f"count={count - 1} " in path.read_text("utf-8")
    assert all("count=0 " not in p.read_text("utf-8") for p in files)
    # The last lines read back across the rotated files, newest last.
    tail = logging_setup.last_log_lines(path, 40)
    assert len(tail) == 40
    assert tail[-1].split("count=")[1].startswith(f"{count - 1} ")
    numbers = [int(line.split("count=")[1].split()[0]) for line in tail]
    assert numbers == list(range(count - 40, count))


def test_the_product_cap_is_a_few_megabytes() -> None:
    assert logging_setup.MAX_BYTES == 1_000_000 and logging_setup.BACKUP_COUNT == 5
    assert logging_setup.log_size_cap() == 6_000_000


def test_setting_up_twice_does_not_duplicate_lines(tmp_path: Path, root_logger: logging.Logger) -> None:
    setup_logging(tmp_path)
    path = setup_logging(tmp_path)
    log_event(logging.getLogger("outreach.test"), "test.once")
    flush(root_logger)
    assert path.read_text("utf-8").count("test.once") == 1


@pytest.mark.parametrize(
    "name", ["nhs_number", "person_name", "date_of_birth", "postcode", "free_text", "api_token"]
)
def test_personal_field_names_can_never_be_allowed(name: str) -> None:
    with pytest.raises(ValueError):
        allow_fields(name)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tail=st.text(max_size=40))
def test_no_arbitrary_text_reaches_the_file(tmp_path: Path, root_logger: logging.Logger, tail: str) -> None:
    """Free text (here, anything with a space in it) passed as argument, message, field value or exception
    message is never written; a field off the allow-list is never written whatever its value."""
    secret = "Testperson " + tail
    path = setup_logging(tmp_path)
    log = logging.getLogger("outreach.property")
    log.info("saved %s", secret)
    log.info(secret)
    log_event(log, "test.fields", status=secret, comment=secret, surname="Testperson")
    try:
        raise RuntimeError(secret)
    except RuntimeError:
        log.exception("test.raised")
    flush(root_logger)
    assert "Testperson" not in path.read_text("utf-8")


def test_a_log_that_cannot_be_written_does_not_echo_the_record_to_stderr(tmp_path: Path) -> None:
    """When the log file cannot grow (full disk; RLIMIT_FSIZE stands in), Python's logging would
    print the record's message and arguments to stderr, which a desktop session may keep in a
    file (~/.xsession-errors): the allow-list must hold there too, and nothing may crash."""
    import subprocess
    import sys

    if sys.platform == "win32":
        pytest.skip("needs RLIMIT_FSIZE")
    child = (
        "import logging, resource, signal, sys\n"
        "from outreach.logging_setup import setup_logging\n"
        "setup_logging(sys.argv[1])\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))\n"
        "log = logging.getLogger('third.party')\n"
        f"log.warning('opening %s', {SYNTHETIC_NAME!r})\n"
        f"log.warning('{SYNTHETIC_NHS}')\n"
        "print('STILL RUNNING')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", child, str(tmp_path)],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and "STILL RUNNING" in result.stdout, result.stderr
    assert SYNTHETIC_NAME not in result.stderr and SYNTHETIC_NHS not in result.stderr
    assert "log" in result.stderr.lower()  # the failure itself is still reported, once, plainly
