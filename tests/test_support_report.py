"""The report for IT: versions, self-test, settings, store, sync and log, and nothing personal."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

import outreach
from outreach import services
from outreach.logging_setup import log_event, setup_logging
from outreach.selftest import SelfCheck
from outreach.settings import OrgConfig
from outreach.store import sync_state
from outreach.store.crypto import TEST_KDF
from outreach.store.local_store import LocalStore
from outreach.store.records import PersonDetails
from outreach.support_report import (
    NOT_PERSONAL,
    WITHHELD_LINE,
    ReportInputs,
    build_report,
    safe_log_line,
)
from tests.factories import new_store, synthetic_nhs_number

WORKER = "Testworker Alpha"
PASSPHRASE = "correct horse battery staple"
# Marker names no report could contain by chance, and NHS numbers from the 999 range (never issued).
MARKER_GIVEN = ["Quorblesnatch", "Vexillowend", "Plumtrugget"]
MARKER_FAMILY = ["Zanzibarovna", "Kettlewhiskle", "Brambleflax"]
MARKER_DOB = ["1957-03-29", "1962-11-17", "1970-08-04"]
PEM = ("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VuAyEAsyntheticsyntheticsyntheticsynthetic0=\n-----END PUBLIC "
       "KEY-----\n")


MARKER_NHS = [synthetic_nhs_number(seed) for seed in (427183, 615920, 803311)]


def spaced(nhs: str) -> str:
    return f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"


def make_marker_store(data_dir: Path) -> LocalStore:
    """An unlocked store whose people carry the marker names, with checks in every outbox state
    that could carry words: waiting, failed (a server's reply quoting a name), held."""
    store = new_store(data_dir, admin=WORKER, passphrase=PASSPHRASE)
    sync_state.ensure_tables(store)
    items = []
    for given, family, dob, nhs in zip(MARKER_GIVEN, MARKER_FAMILY, MARKER_DOB, MARKER_NHS, strict=True):
        person = services.register_person(
            store,
            PersonDetails(
                given_name=given,
                family_name=family,
                date_of_birth=dob,
                sex="female",
                nhs_number=nhs,
                postcode="BS1 5TR",
                phone="0117 496 0123",
            ),
        )
        services.record_consent(store, person.id, "check", True)
        services.record_consent(store, person.id, "gp", True)  # so their checks may go
        check = services.start_check(store, person.id, definition_version="1.0.0")
        services.save_answer(store, check.id, "systolic", 162)
        items.append(store.checks.finalise(check.id, []).outbox_item)
    store.outbox.mark_sending(items[1].id)
    store.outbox.mark_failed(
        items[1].id, f"Patient {MARKER_GIVEN[1]} {MARKER_FAMILY[1]} ({spaced(MARKER_NHS[1])}) is not valid"
    )
    sync_state.hold(store, items[2].id, sync_state.HOLD_NO_CONSENT)
    sync_state.set_value(
        store,
        sync_state.LAST_SYNC_KEY,
        json.dumps(
            {"finished_at": "2026-11-30T09:12:00+00:00", "sent": 4, "refused": 1, "note": MARKER_FAMILY[0]}
        ),
    )
    return store


def write_log_with_markers(data_dir: Path, root: logging.Logger) -> Path:
    """The allow-listed log as the app writes it, plus lines that slipped in another way."""
    path = setup_logging(data_dir)
    log = logging.getLogger("outreach.test")
    log_event(log, "store.opened", schema=3, count=2)
    log.info("registered %s %s", MARKER_GIVEN[0], MARKER_NHS[0])  # withheld by the allow-list
    log_event(log, "person.saved", name=MARKER_FAMILY[0], record_id=MARKER_NHS[0])
    try:
        raise ValueError(f"{MARKER_GIVEN[2]} {MARKER_NHS[2]}")
    except ValueError:
        log.exception("test.failed")
    for handler in root.handlers:
        handler.flush()
    # A line written by something else (an old build, a library printing into the file).
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"Traceback: {MARKER_GIVEN[0]} {MARKER_FAMILY[0]} born {MARKER_DOB[0]}\n")
        handle.write(f"2026-12-01T10:00:00.000 INFO outreach.x person.saved nhs={spaced(MARKER_NHS[0])}\n")
        handle.write(f"2026-12-01T10:00:00.000 INFO outreach.x sync.failed detail={MARKER_NHS[1]}\n")
    log_event(log, "sync.pushed", count=1, http_status=200)
    for handler in root.handlers:
        handler.flush()
    return path


def fake_qt() -> str:
    return "Qt 6.x (synthetic check)"


def test_the_report_has_everything_and_nothing_personal(tmp_path: Path, root_logger: logging.Logger) -> None:
    data = tmp_path / "data"
    store = make_marker_store(data)
    log_file = write_log_with_markers(data, root_logger)
    org = OrgConfig(
        organisation_name="Synthetic Outreach Service",
        server_url="https://fhir.synthetic.example/fhir",
        recovery_public_key=PEM,
        summary_contact="0300 123 4567",
        extra={"future_setting": "some value"},
    )
    try:
        report = build_report(
            ReportInputs(
                data_dir=data,
                org_config=org,
                org_file=data / "organisation.toml",
                log_file=log_file,
                qt_version="6.7.2 (PySide6 6.7.2)",
                store=store,
                extra_checks=[SelfCheck("qt", fake_qt)],
                now=lambda: datetime(2026, 12, 2, 3, 0, tzinfo=UTC),
            )
        )
    finally:
        store.close()

    for marker in [*MARKER_GIVEN, *MARKER_FAMILY, *MARKER_DOB, "BS1 5TR", "0117 496 0123"]:
        assert marker not in report, marker
    for nhs in MARKER_NHS:
        assert nhs not in report and spaced(nhs) not in report, nhs
        assert nhs[3:] not in report  # not even the part after 999
    assert PEM.strip().splitlines()[1] not in report

    assert NOT_PERSONAL in report
    assert f"App: {outreach.__version__}" in report
    assert "Qt: 6.7.2 (PySide6 6.7.2)" in report and "Python: " in report and "OS: " in report
    assert "crypto: OK" in report and "qt: OK (Qt 6.x (synthetic check))" in report
    assert "store: OK" in report and "Self-test passed." in report
    assert report.index("sqlite: OK") < report.index("qt: OK") < report.index("resources: OK")
    assert "server_url = 'https://fhir.synthetic.example/fhir'" in report
    assert "recovery_public_key = present" in report
    assert "idle_lock_minutes = 5" in report
    assert "names only): future_setting" in report and "some value" not in report
    assert f"Data folder: {data}" in report and "Key file: present" in report
    assert "Store: schema " in report and "bytes with its journal" in report
    assert "Outbox: 3 item(s) not yet on the shared record" in report
    assert "waiting to be sent (or retried): 2" in report
    assert "held for the worker: 1 (refused by the server: 0, no consent to share: 1)" in report
    assert "Last sync: 2026-11-30T09:12:00+00:00 UTC (sent 4, refused 1)" in report
    assert "== Log (last 100 lines) ==" in report
    assert "store.opened count=2 schema=3" in report and "sync.pushed count=1 http_status=200" in report
    assert "[message withheld]" in report and "builtins.ValueError (message withheld)" in report
    assert report.count(WITHHELD_LINE) >= 2
    # The log is read before the self-test runs, so its own lines do not push the log out.
    log_section = report.split("== Log (last 100 lines) ==\n", 1)[1]
    assert "alembic" not in log_section and log_section.rstrip().endswith(
        "sync.pushed count=1 http_status=200"
    )


def test_the_log_section_is_the_last_lines_only(tmp_path: Path, root_logger: logging.Logger) -> None:
    path = setup_logging(tmp_path)
    log = logging.getLogger("outreach.test")
    for i in range(250):
        log_event(log, "test.filler", count=i)
    for handler in root_logger.handlers:
        handler.flush()
    report = build_report(
        ReportInputs(data_dir=tmp_path, org_config=OrgConfig(), log_file=path, log_lines=100)
    )
    section = report.split("== Log (last 100 lines) ==\n", 1)[1].strip().splitlines()
    assert len(section) == 100
    assert section[0].endswith("count=150") and section[-1].endswith("count=249")


def test_without_the_store_the_report_says_what_it_leaves_out(tmp_path: Path) -> None:
    report = build_report(
        ReportInputs(
            data_dir=tmp_path / "empty", org_config=OrgConfig(), store_note="no passphrase was given"
        )
    )
    assert "Store: none in this folder" in report
    assert "Organisation file: none (the defaults are in force)" in report
    assert "recovery_public_key = absent" in report
    assert "Shared record: none configured" in report
    assert "Outbox and last sync: not included (no passphrase was given)" in report
    assert "No log file is in use." in report
    assert "Qt: " in report and "(PySide6; Qt not loaded)" in report


def test_a_locked_store_still_gives_its_schema_but_not_its_outbox(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_marker_store(data).close()
    store = LocalStore.open(data, kdf=TEST_KDF)
    try:
        report = build_report(ReportInputs(data_dir=data, org_config=OrgConfig(), store=store))
    finally:
        store.close()
    assert "Store: schema " in report
    assert "Outbox and last sync: not included (the store could not be read: " in report
    for marker in [*MARKER_GIVEN, *MARKER_FAMILY]:
        assert marker not in report


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("2026-12-01T10:00:00.123 INFO ui.app app.started app_version=0.1.0 os=Linux", True),
        ("2026-12-01T10:00:00.123 WARNING sync.engine [message withheld] withheld_fields=name,?", True),
        ("  at outreach/store/database.py:12 in open_database", True),
        ("  builtins.ValueError (message withheld)", True),
        ("  (which led to)", True),
        ("Quorblesnatch was here", False),
        ("2026-12-01T10:00:00.123 INFO ui.app app.started who=Jo Bloggs", False),
        ("  at outreach/x.py:1 in f Jo Bloggs", False),
    ],
)
def test_log_lines_keep_only_the_logs_own_shape(line: str, kept: bool) -> None:
    assert (safe_log_line(line) == line) is kept
    if not kept:
        assert safe_log_line(line) == WITHHELD_LINE
