"""Each item succeeds or fails on its own; consent decides what may leave the laptop;
the token never shows up anywhere a person or a log could read it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from outreach import services
from outreach.errors import AuthError
from outreach.store import sync_state
from outreach.store.local_store import LocalStore
from sync.server.serving import RunningServer
from tests.sync.bundles import builder_breaking, check_bundle
from tests.sync.conftest import make_engine, make_store, pending


def test_one_invalid_check_does_not_hold_back_the_others(
    store: LocalStore, server: RunningServer, token: str
) -> None:
    bad = store.outbox.list()[2].check_id
    report = make_engine(store, server, token, builder=builder_breaking({bad})).run_once()
    assert report.count("sent") == 5 and report.count("refused") == 1
    (left,) = pending(store)
    assert left.check_id == bad and left.state == "failed"
    assert "refused this check (400)" in (left.last_error or "")
    (row,) = sync_state.outbox_view(store)
    assert row.waits_for == "worker" and row.words.startswith("Refused by the shared record")
    # Sent in parts: what the server took of the bad check is stored (and remembered); its
    # refused Observation was isolated by splitting the part, and it and what was still to go
    # wait in the outbox with the reason.
    assert server.store.count("Encounter") == 6 and server.store.count("Observation") == 10
    assert server.store.count("Provenance") == 5  # the last part waits for the refused record
    assert "Observation is not valid FHIR" in (sync_state.item_detail(store, left.id) or "")
    # Refused items are not retried automatically ...
    again = make_engine(store, server, token, builder=builder_breaking({bad})).run_once()
    assert again.items == {} and store.outbox.get(left.id).attempts == 1
    # ... until the worker asks (here after the problem was put right).
    sync_state.retry_item(store, left.id)
    make_engine(store, server, token, builder=check_bundle).run_once()
    assert pending(store) == [] and server.store.count("Encounter") == 6
    assert server.store.count("Observation") == 12 and server.store.count("Provenance") == 6


def test_nothing_leaves_for_a_person_who_has_not_agreed_to_share(
    tmp_path: Path, server: RunningServer, token: str
) -> None:
    store = make_store(tmp_path / "laptop", checks=3, consent=False)
    try:
        items = store.outbox.list()
        for item in items:
            services.record_consent(store, store.checks.get(item.check_id).person_id, "check", True)
        first_person = store.checks.get(items[0].check_id).person_id
        services.record_consent(store, first_person, "charity", True)
        other = store.checks.get(items[1].check_id).person_id
        services.record_consent(store, other, "gp", True)
        services.record_consent(store, other, "gp", False)  # changed their mind: the newest answer counts
        report = make_engine(store, server, token).run_once()
        assert report.count("sent") == 1 and report.count("no_consent") == 2
        assert server.store.count("Encounter") == 1 and server.store.count("Patient") == 1
        views = {r.check_id: r for r in sync_state.outbox_view(store)}
        assert {v.waits_for for v in views.values()} == {"consent"}
        assert all("has not agreed to share" in v.words for v in views.values())
        # Later runs do not touch them again ...
        assert make_engine(store, server, token).run_once().items == {}
        # ... until consent is given.
        services.record_consent(store, other, "mental_health_trust", True)
        report = make_engine(store, server, token).run_once()
        assert report.count("sent") == 1 and server.store.count("Encounter") == 2
    finally:
        store.close()


def test_the_outbox_says_what_will_not_be_sent_before_any_sync_has_run(tmp_path: Path) -> None:
    """A nurse looking at the outbox before going back online must not read "Waiting to be sent" for
    a check that never will be: the consent rule is applied as the outbox is shown, not only by the sync."""
    store = make_store(tmp_path / "laptop", checks=3, consent=False)
    try:
        items = store.outbox.list()
        for item in items:
            services.record_consent(store, store.checks.get(item.check_id).person_id, "check", True)
        services.record_consent(store, store.checks.get(items[0].check_id).person_id, "gp", True)
        lines = {r.check_id: r for r in services.outbox_lines(store)}
        assert sync_state.holds(store) == {}  # no sync has looked at them
        going, *unshared = (lines[item.check_id] for item in items)
        assert (going.waits_for, going.words) == ("network", "Waiting to be sent.")
        for line in unshared:
            assert line.waits_for == "consent"
            assert line.words.startswith("Not sent: ") and "has not agreed to share" in line.words
        # Consent given later: the same line says it goes.
        services.record_consent(store, store.checks.get(items[1].check_id).person_id, "charity", True)
        assert {r.check_id: r for r in services.outbox_lines(store)}[items[1].check_id].waits_for == "network"
    finally:
        store.close()


def test_the_token_never_appears_in_logs_errors_or_records(
    store: LocalStore, server: RunningServer, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server.faults.drop_after_commit(times=1, method="POST", path="/")
    server.faults.error_500(times=1, method="POST", path="/")
    engine = make_engine(store, server, token)
    report = engine.run_once()
    server.faults.reject_token(times=None)
    with pytest.raises(AuthError) as caught:  # refused while downloading, after everything was sent
        make_engine(store, server, token).run_once()
    texts = [
        caplog.text,
        repr(engine),
        repr(caught.value),
        str(caught.value),
        "\n".join(report.lines()),
        str(report.as_dict()),
        str(store.outbox.list()),
        str(sync_state.outbox_view(store)),
    ]
    for text in texts:
        assert token not in text
    # On disk the token is sealed by the vault, not in clear.
    sync_state.set_device_token(store, token)
    store.db.close()
    for f in store.data_dir.iterdir():
        if f.is_file():
            assert token.encode() not in f.read_bytes(), f.name


def test_a_revoked_laptop_is_told_so_and_it_is_recorded(
    store: LocalStore, server: RunningServer, token: str
) -> None:
    server.store.revoke_device("Test laptop 1")
    with pytest.raises(AuthError, match="revoked") as caught:
        make_engine(store, server, token).run_once()
    assert type(caught.value).__name__ == "DeviceRevokedError"
    status = sync_state.device_status(store)
    assert status["state"] == "revoked" and "revoked" in status["message"]
    assert len(pending(store)) == 6 and server.store.count("Encounter") == 0


def test_a_refusal_for_want_of_rights_is_not_called_a_revocation(
    store: LocalStore, server: RunningServer
) -> None:
    """A 403 for a missing right (here a supervisor's token, which may not create checks) stops the
    run with words about rights; the laptop is not recorded as revoked and nothing leaves the outbox."""
    supervisor_token = server.store.add_device("Supervisor laptop", role="supervisor")
    with pytest.raises(AuthError, match="does not allow this laptop") as caught:
        make_engine(store, server, supervisor_token).run_once()
    assert type(caught.value).__name__ == "AccessRefusedError"
    assert sync_state.device_status(store).get("state") != "revoked"
    assert len(pending(store)) == 6 and server.store.count("Encounter") == 0


def test_an_amendment_of_a_refused_check_goes_on_its_own(
    store: LocalStore, server: RunningServer, token: str
) -> None:
    bad = store.outbox.list()[0].check_id
    make_engine(store, server, token, builder=builder_breaking({bad})).run_once()
    draft = services.amend_check(store, bad, reason="Synthetic correction")
    store.checks.finalise(draft.id, [f.document for f in services.load_findings(store, bad)])
    report = make_engine(store, server, token, builder=builder_breaking({bad})).run_once()
    assert report.count("sent") == 1 and report.count("refused") == 0  # the refused version is not retried
    rows = {r.check_id: r for r in sync_state.outbox_view(store)}
    assert list(rows) == [bad]
    assert rows[bad].waits_for == "nothing" and "amendment of this check replaces it" in rows[bad].words
    # The refused version's Encounter went before its bad record was refused; it never got its
    # Provenance (always the last part), which is how the shared record shows a check incomplete.
    assert server.store.count("Encounter") == 7 and server.store.count("Provenance") == 6
