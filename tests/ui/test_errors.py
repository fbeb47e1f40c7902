"""Each error family is shown one way, in words a worker understands, and logged without data."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from outreach import errors as e
from tests.ui.conftest import open_message_boxes
from ui.errors import describe_error, register_error_handler, show_error, unregister_error_handler

FAMILIES = [
    (e.ValidationError("Weight 900 kg is not possible: check the reading", item="weight"), "validation"),
    (e.CalculationError("QRISK3 needs the cholesterol/HDL ratio", item="qrisk3"), "validation"),
    (e.DefinitionError("Item 'bp' has no unit", item="bp"), "definition"),
    (e.LockedError("The app locked itself after 5 minutes."), "locked"),
    (e.AuthError("That passphrase is not right."), "auth"),
    (e.NetworkError("The shared record did not answer."), "network"),
    (e.ConflictError("The address was changed on another laptop."), "conflict"),
    (e.StorageFullError("The disk is full."), "storage_full"),
    (e.SchemaTooNewError("This store is from a newer version."), "schema_too_new"),
    (e.CorruptRecordError("One check cannot be read.", table="checks", record_id="c-1"), "corrupt_record"),
    (e.StoreError("The store cannot be written."), "store"),
    (e.UserFacingError("Choose a venue first."), "user"),
    (e.OutreachError("internal state went wrong"), "unexpected"),
    (ZeroDivisionError("division by zero"), "unexpected"),
]


@pytest.mark.parametrize(("error", "kind"), FAMILIES, ids=[k + "-" + type(x).__name__ for x, k in FAMILIES])
def test_every_family_has_its_own_view(qapp: object, error: BaseException, kind: str) -> None:
    view = describe_error(error)
    assert view is not None
    assert view.kind == kind
    assert view.title
    if kind == "unexpected":
        assert str(error) not in view.text + view.advice
        assert "saved work is safe" in view.advice
    else:
        assert view.text == error.message  # type: ignore[attr-defined]


def test_the_families_are_told_apart() -> None:
    titles = {describe_error(err).kind: describe_error(err).title for err, _ in FAMILIES}  # type: ignore[union-attr]
    assert len(set(titles.values())) == len(titles)


def test_cancelled_is_never_shown(qapp: object) -> None:
    assert describe_error(e.Cancelled("Stopped.")) is None
    assert show_error(e.Cancelled("Stopped.")) is None
    assert open_message_boxes() == []


def test_show_error_opens_an_accessible_box_over_its_window(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    box = show_error(e.NetworkError("The shared record did not answer."), window)
    assert isinstance(box, QMessageBox)
    assert box.isVisible() and box.parent() is window
    assert box.accessibleName() == "Not sent yet"
    assert "will be sent when the connection is back" in box.informativeText()
    assert "The shared record did not answer." in box.accessibleDescription()


def test_a_screen_can_take_over_one_family(qtbot: QtBot) -> None:
    handled: list[BaseException] = []
    register_error_handler(e.LockedError, handled.append)
    try:
        assert show_error(e.LockedError("Locked after 5 minutes.")) is None
        assert len(handled) == 1 and open_message_boxes() == []
        assert show_error(e.AuthError("Wrong passphrase.")) is not None
    finally:
        unregister_error_handler(e.LockedError)


def test_shown_errors_are_logged_by_kind_without_their_message(
    qapp: object, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="ui.errors"):
        show_error(
            e.CorruptRecordError("Testperson Alpha's check cannot be read.", table="checks", record_id="c-1")
        )
    (record,) = [r for r in caplog.records if r.msg == "ui.error_shown"]
    assert record.fields == {
        "kind": "corrupt_record",
        "error_type": "CorruptRecordError",
        "table": "checks",
        "record_id": "c-1",
    }


def test_a_screen_closing_late_keeps_a_newer_screens_handler() -> None:
    from outreach.errors import LockedError
    from ui.errors import _handlers, register_error_handler, unregister_error_handler

    def old(exc: BaseException) -> None: ...

    def new(exc: BaseException) -> None: ...

    register_error_handler(LockedError, old)
    register_error_handler(LockedError, new)
    try:
        unregister_error_handler(LockedError, old)  # the old screen goes away after the new one opened
        assert _handlers.get(LockedError) is new
        unregister_error_handler(LockedError, new)
        assert LockedError not in _handlers
    finally:
        unregister_error_handler(LockedError)
