"""How the push reads each kind of reply, against a scripted FHIR server (no network).

Written from FHIR R4 (http.html#transaction-response: a transaction's answer is a Bundle of type
transaction-response with one entry per request entry, each with its own response.status and location;
search.html: a searchset may carry an OperationOutcome entry with search.mode "outcome", which is not a
match) and RFC 9110 / RFC 6585 (408 Request Timeout and 429 Too Many Requests may succeed if repeated;
409 Conflict is what FHIR servers answer to overlapping writes; 412 Precondition Failed is FHIR's answer
to a conditional create that matches more than one record, so repeating it cannot help).

"Sent" must mean the server confirmed every record; anything else leaves the check for another try, or
held with words for the worker, never silently queued and never marked sent.
"""

from __future__ import annotations

import itertools
import json
import random
import shutil
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from outreach.errors import OutreachError, ValidationError
from outreach.fhir.consent import check_refusal
from outreach.store import sync_state
from outreach.store.local_store import LocalStore
from outreach.store.records import OutboxItem
from sync import parts, push
from sync.backoff import Backoff
from sync.http import Answer, TransientFailure
from tests.factories import new_store, reopen
from tests.fakes import FakeClock
from tests.sync.bundles import check_bundle
from tests.sync.conftest import ADMIN, PASSPHRASE, make_store

BASE = "https://shared-record.example.test/fhir"


class ScriptedServer:
    """Answers like a FHIR server; each test replaces the parts it is about."""

    def __init__(self) -> None:
        self.base_url = BASE
        self.calls: list[tuple[str, str, Any]] = []
        self.posts: list[dict[str, Any]] = []
        self.next_id = 0
        self.post_reply: Callable[[dict[str, Any]], Answer] = self.store_all
        self.get_reply: Callable[[str, dict[str, str]], Answer] = self.nothing_found

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> Answer:
        self.calls.append((method, path, body if method == "POST" else params))
        if method == "POST":
            self.posts.append(body)
            return self.post_reply(body)
        return self.get_reply(path, params or {})

    # -- stock answers --------------------------------------------------------------------------------
    def store_all(self, bundle: dict[str, Any]) -> Answer:
        entries = []
        for entry in bundle["entry"]:
            self.next_id += 1
            entries.append(
                {
                    "response": {
                        "status": "201 Created",
                        "location": f"{entry['resource']['resourceType']}/{self.next_id}/_history/1",
                    }
                }
            )
        return Answer(200, {}, {"resourceType": "Bundle", "type": "transaction-response", "entry": entries})

    def nothing_found(self, res_type: str, params: dict[str, str]) -> Answer:
        return Answer(200, {}, {"resourceType": "Bundle", "type": "searchset", "total": 0, "entry": []})


def _template(factory: pytest.TempPathFactory, name: str, *, consent: bool) -> Path:
    folder = factory.mktemp(name) / "laptop"
    make_store(folder, checks=1, consent=consent).close()
    return folder


@pytest.fixture(scope="module")
def shared_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One finalised check with consent to share, made once: each test gets its own copy (fast)."""
    return _template(tmp_path_factory, "shared", consent=True)


@pytest.fixture(scope="module")
def unshared_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _template(tmp_path_factory, "unshared", consent=False)


def _copy(template: Path, folder: Path) -> LocalStore:
    shutil.copytree(template, folder)
    return reopen(folder, admin=ADMIN, passphrase=PASSPHRASE)


@pytest.fixture
def store(shared_template: Path, tmp_path: Path) -> Iterator[LocalStore]:
    s = _copy(shared_template, tmp_path / "laptop")
    yield s
    s.close()


@pytest.fixture
def scripted() -> ScriptedServer:
    return ScriptedServer()


def _pusher(
    store: LocalStore, scripted: ScriptedServer, builder: Any = check_bundle, **kw: Any
) -> push.Pusher:
    return push.Pusher(
        store,
        scripted,
        builder=builder,  # type: ignore[arg-type]
        backoff=Backoff(base_s=2.0, cap_s=120.0, rng=random.Random(7)),
        clock=FakeClock(),
        concurrency=1,
        max_pause_s=0.0,
        **kw,
    )


def _item(store: LocalStore) -> OutboxItem:
    (item,) = store.outbox.list()
    return item


def _push_one(store: LocalStore, scripted: ScriptedServer, **kw: Any) -> push.ItemOutcome:
    outcomes = _pusher(store, scripted, **kw).push([_item(store)])
    assert len(outcomes) == 1
    return outcomes[0]


# --- a 2xx is not "sent" unless it is a transaction-response confirming every entry --------------------


@pytest.mark.parametrize(
    "body",
    [
        None,
        {"resourceType": "OperationOutcome", "issue": [{"severity": "information", "code": "informational"}]},
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [{"response": {"status": "201 Created", "location": "Patient/1"}}],
        },
        {
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": [{"response": {"status": "201 Created", "location": "Patient/1"}}],
        },
        {"resourceType": "Patient", "id": "1"},
        [],
    ],
)
def test_a_2xx_that_is_not_a_transaction_response_is_not_sent(
    store: LocalStore, scripted: ScriptedServer, body: Any
) -> None:
    scripted.post_reply = lambda bundle: Answer(200, {}, body)
    outcome = _push_one(store, scripted)
    assert outcome.result == push.RETRY and outcome.server_refs == ()
    item = store.outbox.get(outcome.outbox_id)
    assert item.state == "failed" and item.server_ref is None and item.next_attempt_at is not None
    assert sync_state.confirmed_entries(store, BASE) == {}
    # unclear: the server is asked before the same records go again, and it gives up after three rounds
    methods = [c[0] for c in scripted.calls]
    assert methods == ["POST", "GET", "POST", "GET", "POST"]
    assert push.MAX_ROUNDS_WITHOUT_PROGRESS == 3


def test_a_transaction_response_with_one_entry_too_few_confirms_nothing(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    def short(bundle: dict[str, Any]) -> Answer:
        answer = scripted.store_all(bundle)
        answer.body["entry"] = answer.body["entry"][:-1]
        return answer

    scripted.post_reply = short
    outcome = _push_one(store, scripted)
    assert outcome.result == push.RETRY
    assert store.outbox.get(outcome.outbox_id).state == "failed"


def test_every_record_confirmed_is_sent_with_its_server_references(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    outcome = _push_one(store, scripted)
    assert outcome.result == push.SENT and outcome.attempts == 1
    assert [c[0] for c in scripted.calls] == ["POST"] * 4  # Patient, Encounter, 2 Observations, Provenance
    assert [len(p["entry"]) for p in scripted.posts] == [1, 1, 2, 1]
    item = store.outbox.get(outcome.outbox_id)
    assert item.state == "sent"
    assert json.loads(item.server_ref) == list(outcome.server_refs)
    assert outcome.server_refs == (
        "Patient/1",
        "Encounter/2",
        "Observation/3",
        "Observation/4",
        "Provenance/5",
    )
    # the Encounter went with the server's own id for the Patient, never a urn
    encounter = scripted.posts[1]["entry"][0]["resource"]
    assert encounter["subject"]["reference"] == "Patient/1"


# --- reconciliation: only a matching record of the right type counts as "already there" ----------------


def _left_sending(store: LocalStore) -> OutboxItem:
    """As a crash leaves it: marked sending (committed), no answer recorded."""
    with store.db.write():
        return store.outbox.mark_sending(_item(store).id)


def test_an_operation_outcome_in_the_search_answer_is_not_the_check(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    def outcome_only(res_type: str, params: dict[str, str]) -> Answer:
        return Answer(
            200,
            {},
            {
                "resourceType": "Bundle",
                "type": "searchset",
                "entry": [
                    {
                        "resource": {
                            "resourceType": "OperationOutcome",
                            "id": "oo-1",
                            "issue": [{"severity": "warning", "code": "processing"}],
                        },
                        "search": {"mode": "outcome"},
                    }
                ],
            },
        )

    scripted.get_reply = outcome_only
    _left_sending(store)
    outcome = _push_one(store, scripted)
    assert outcome.result == push.SENT and outcome.found == 0
    assert outcome.server_refs == (
        "Patient/1",
        "Encounter/2",
        "Observation/3",
        "Observation/4",
        "Provenance/5",
    )
    assert not any("OperationOutcome" in ref for ref in outcome.server_refs)


def test_a_record_with_another_identifier_is_not_the_check(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    def stranger(res_type: str, params: dict[str, str]) -> Answer:
        return Answer(
            200,
            {},
            {
                "resourceType": "Bundle",
                "type": "searchset",
                "entry": [
                    {
                        "resource": {
                            "resourceType": res_type,
                            "id": "x-1",
                            "identifier": [{"system": "https://other.example/id", "value": "someone-else"}],
                        }
                    }
                ],
            },
        )

    scripted.get_reply = stranger
    _left_sending(store)
    outcome = _push_one(store, scripted)
    assert outcome.found == 0 and "Patient/x-1" not in outcome.server_refs


def test_records_found_by_identifier_are_not_sent_again(store: LocalStore, scripted: ScriptedServer) -> None:
    """The lookup's own positive case: what the server holds under the entry's identifier is taken."""
    bundle = check_bundle(store, _item(store))
    by_url = {e["fullUrl"]: e for e in bundle["entry"]}
    patient_url = bundle["entry"][0]["fullUrl"]
    system, _, value = by_url[patient_url]["request"]["ifNoneExist"].split("=", 1)[1].partition("|")

    def has_patient(res_type: str, params: dict[str, str]) -> Answer:
        entries = []
        if res_type == "Patient":
            entries = [
                {
                    "resource": {
                        "resourceType": "Patient",
                        "id": "p-9",
                        "identifier": [{"system": system, "value": value}],
                    }
                }
            ]
        return Answer(200, {}, {"resourceType": "Bundle", "type": "searchset", "entry": entries})

    scripted.get_reply = has_patient
    _left_sending(store)
    outcome = _push_one(store, scripted)
    assert outcome.result == push.SENT and outcome.found == 1
    assert outcome.server_refs[0] == "Patient/p-9"
    assert all(e["resource"]["resourceType"] != "Patient" for p in scripted.posts for e in p["entry"])


def test_two_records_under_one_identifier_hold_the_check(store: LocalStore, scripted: ScriptedServer) -> None:
    bundle = check_bundle(store, _item(store))
    system, _, value = bundle["entry"][0]["request"]["ifNoneExist"].split("=", 1)[1].partition("|")

    def two_copies(res_type: str, params: dict[str, str]) -> Answer:
        copies = [
            {
                "resource": {
                    "resourceType": "Patient",
                    "id": pid,
                    "identifier": [{"system": system, "value": value}],
                }
            }
            for pid in ("a", "b")
        ]
        return Answer(
            200,
            {},
            {"resourceType": "Bundle", "type": "searchset", "entry": copies if res_type == "Patient" else []},
        )

    scripted.get_reply = two_copies
    _left_sending(store)
    outcome = _push_one(store, scripted)
    assert outcome.result == push.REFUSED and "more than one copy" in outcome.words
    assert sync_state.holds(store)[outcome.outbox_id] == sync_state.HOLD_REFUSED
    assert "Patient (2 copies)" in (sync_state.item_detail(store, outcome.outbox_id) or "")
    assert scripted.posts == []


def test_a_search_that_fails_leaves_the_check_for_later(store: LocalStore, scripted: ScriptedServer) -> None:
    scripted.get_reply = lambda res_type, params: Answer(200, {}, {"resourceType": "OperationOutcome"})
    _left_sending(store)
    outcome = _push_one(store, scripted)
    assert outcome.result == push.RETRY and scripted.posts == []
    assert store.outbox.get(outcome.outbox_id).state == "failed"


# --- an item left "sending" by a crash --------------------------------------------------------------------


def test_an_item_left_sending_by_a_crash_is_requeued_counted_and_looked_up_first(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    left = _left_sending(store)
    assert left.state == "sending" and left.attempts == 1
    outcome = _push_one(store, scripted)
    assert outcome.result == push.SENT
    assert outcome.attempts == 2  # the crashed attempt counts
    assert scripted.calls[0][0] == "GET"  # asks the server before sending anything again
    assert store.outbox.get(left.id).state == "sent"


def test_a_failed_item_is_looked_up_before_it_is_sent_again(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    def unavailable(bundle: dict[str, Any]) -> Answer:
        raise TransientFailure("unavailable", status=503, may_have_arrived=False)

    scripted.post_reply = unavailable
    first = _push_one(store, scripted)
    assert first.result == push.RETRY
    scripted.calls.clear()
    scripted.post_reply = scripted.store_all
    again = _push_one(store, scripted)
    assert again.result == push.SENT and scripted.calls[0][0] == "GET"


# --- 408 / 409 / 412 / 429 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "how"),
    [(408, "answer"), (408, "raised"), (409, "answer"), (503, "raised")],
)
def test_a_whole_reply_that_may_succeed_later_is_retried_not_held(
    store: LocalStore, scripted: ScriptedServer, status: int, how: str
) -> None:
    """409 arrives as an answer; the HTTP layer raises 408 and 5xx as TransientFailure.
    Both ways retry. (429 is a quota, not a failure: see the tests below.)"""

    def reply(bundle: dict[str, Any]) -> Answer:
        if how == "raised":
            raise TransientFailure("The shared record is busy.", retry_after=30.0, status=status)
        return Answer(
            status,
            {"retry-after": "30"},
            {
                "resourceType": "OperationOutcome",
                "issue": [{"severity": "error", "code": "transient", "diagnostics": "busy, come back"}],
            },
        )

    scripted.post_reply = reply
    pusher = _pusher(store, scripted)
    (outcome,) = pusher.push([_item(store)])
    assert outcome.result == push.RETRY
    if how == "answer":
        assert "could not take it just now: busy, come back" in outcome.words
        assert f"HTTP {status}: busy, come back" == sync_state.item_detail(store, outcome.outbox_id)
    else:
        assert outcome.words == "The shared record is busy."
    item = store.outbox.get(outcome.outbox_id)
    assert item.state == "failed" and outcome.outbox_id not in sync_state.holds(store)
    # Retry-After: 30 seconds is respected (the next try is at least 30 s away)
    assert item.next_attempt_at is not None and outcome.next_attempt_at == item.next_attempt_at
    earliest = (pusher.clock.now() + timedelta(seconds=30)).isoformat()
    assert item.next_attempt_at[:19] >= earliest[:19]
    assert len(scripted.posts) == 1


def test_many_requests_slow_down_after_429_and_409_but_not_after_408(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    def raised(status: int) -> Callable[[dict[str, Any]], Answer]:
        def reply(bundle: dict[str, Any]) -> Answer:
            raise TransientFailure("busy", status=status)

        return reply

    cases: list[tuple[int, Callable[[dict[str, Any]], Answer], bool]] = [
        (429, raised(429), True),
        (429, lambda bundle: _entry_reply("429 Too Many Requests")(bundle), True),
        (503, raised(503), True),
        (408, raised(408), False),
        (409, lambda bundle: Answer(409, {}, None), True),
        (412, lambda bundle: Answer(412, {}, None), False),
    ]
    for status, reply, slowed in cases:
        scripted.post_reply = reply
        pusher = push.Pusher(
            store,
            scripted,
            builder=check_bundle,  # type: ignore[arg-type]
            backoff=Backoff(base_s=2.0, cap_s=120.0, rng=random.Random(7)),
            clock=FakeClock(),
            concurrency=4,
            max_quota_wait_s=0.0,  # a quota is left to the next run at once here
        )
        sync_state.release(store, _item(store).id)
        pusher.push([_item(store)])
        assert (pusher.pace.allowed < 4) is slowed, status


def test_412_is_a_definite_no_and_holds_the_check(store: LocalStore, scripted: ScriptedServer) -> None:
    scripted.post_reply = lambda bundle: Answer(
        412,
        {},
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": "duplicate", "diagnostics": "multiple matches"}],
        },
    )
    outcome = _push_one(store, scripted)
    assert outcome.result == push.REFUSED and "refused this check (412)" in outcome.words
    assert sync_state.holds(store)[outcome.outbox_id] == sync_state.HOLD_REFUSED
    assert store.outbox.get(outcome.outbox_id).next_attempt_at is None
    assert len(scripted.posts) == 1  # not repeated


def _entry_reply(status: str, outcome: str = "") -> Callable[[dict[str, Any]], Answer]:
    def reply(bundle: dict[str, Any]) -> Answer:
        entries = [
            {
                "response": {
                    "status": status,
                    "outcome": {
                        "resourceType": "OperationOutcome",
                        "issue": [{"severity": "error", "code": "x", "diagnostics": outcome}],
                    },
                }
            }
            for _ in bundle["entry"]
        ]
        return Answer(200, {}, {"resourceType": "Bundle", "type": "batch-response", "entry": entries})

    return reply


def test_an_entry_answered_412_holds_the_check_with_plain_words(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    scripted.post_reply = _entry_reply("412 Precondition Failed", "two matches")
    outcome = _push_one(store, scripted)
    assert outcome.result == push.REFUSED
    assert "already holds more than one matching record" in outcome.words
    detail = sync_state.item_detail(store, outcome.outbox_id) or ""
    assert "412 two matches" in detail and "1 entry not stored" in detail


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("409 Conflict", "another write was in progress"),
        ("408 Request Timeout", "the server answered 408"),
        ("503 Service Unavailable", "a problem on the server"),
    ],
)
def test_an_entry_that_may_succeed_later_leaves_the_check_partly_sent(
    store: LocalStore, scripted: ScriptedServer, status: str, words: str
) -> None:
    answers = iter([scripted.store_all, _entry_reply(status), _entry_reply(status), _entry_reply(status)])
    scripted.post_reply = lambda bundle: next(answers)(bundle)
    outcome = _push_one(store, scripted)
    assert outcome.result == push.RETRY
    assert f"has 1 of this check's 5 records and asked to wait ({words})" in outcome.words
    assert outcome.outbox_id not in sync_state.holds(store)
    assert sync_state.confirmed_entries(store, BASE) != {}  # the Patient is remembered for next time


# --- a bundle that cannot be built: held with words, never left queued ---------------------------------


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (
            ValidationError("the weight is missing", item="weight"),
            "could not be prepared for sending: the weight",
        ),
        (OutreachError("the check is damaged"), "could not be prepared for sending: the check is damaged"),
        (KeyError("code"), "a fault in the app"),
    ],
)
def test_a_bundle_that_cannot_be_built_holds_the_check(
    store: LocalStore, scripted: ScriptedServer, error: Exception, words: str
) -> None:
    def broken(store: LocalStore, item: OutboxItem) -> dict[str, Any]:
        raise error

    outcome = _push_one(store, scripted, builder=broken)
    assert outcome.result == push.REFUSED and words in outcome.words
    item = store.outbox.get(outcome.outbox_id)
    assert item.state == "failed" and item.last_error == outcome.words
    assert sync_state.holds(store)[item.id] == sync_state.HOLD_REFUSED
    assert scripted.calls == []


@pytest.mark.parametrize(
    "bundle",
    [
        {"resourceType": "Bundle", "type": "transaction", "entry": []},
        {
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": [{"resource": {"resourceType": "Patient"}}],
        },
    ],
)
def test_an_empty_bundle_or_an_entry_without_full_url_holds_the_check(
    store: LocalStore, scripted: ScriptedServer, bundle: dict[str, Any]
) -> None:
    outcome = _push_one(store, scripted, builder=lambda s, i: bundle)
    assert outcome.result == push.REFUSED and "could not be prepared for sending" in outcome.words
    assert store.outbox.get(outcome.outbox_id).state == "failed"
    assert scripted.calls == []


def test_an_item_left_sending_whose_bundle_cannot_be_built_is_not_left_sending(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    left = _left_sending(store)

    def broken(store: LocalStore, item: OutboxItem) -> dict[str, Any]:
        raise OutreachError("damaged")

    outcome = _push_one(store, scripted, builder=broken)
    assert outcome.result == push.REFUSED
    assert store.outbox.get(left.id).state == "failed"


def test_a_reference_to_a_record_not_in_the_check_holds_it(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    def dangling(store: LocalStore, item: OutboxItem) -> dict[str, Any]:
        bundle = check_bundle(store, item)
        bundle["entry"][1]["resource"]["subject"]["reference"] = (
            "urn:uuid:00000000-0000-4000-8000-000000000000"
        )
        return bundle

    outcome = _push_one(store, scripted, builder=dangling)
    assert outcome.result == push.REFUSED and "fault in the app" in outcome.words
    assert "refers to a record not in the check" in (sync_state.item_detail(store, outcome.outbox_id) or "")


# --- consent ---------------------------------------------------------------------------------------------


def test_no_consent_holds_the_check_with_the_reason_and_sends_nothing(
    unshared_template: Path, tmp_path: Path, scripted: ScriptedServer
) -> None:
    store = _copy(unshared_template, tmp_path / "no-consent")
    try:
        outcome = _push_one(store, scripted)
        assert outcome.result == push.NO_CONSENT
        assert sync_state.holds(store)[outcome.outbox_id] == sync_state.HOLD_NO_CONSENT
        item = store.outbox.get(outcome.outbox_id)
        assert item.state == "failed" and item.last_error == outcome.words and outcome.words
        assert outcome.words == check_refusal(store, item.check_id)
        assert scripted.calls == []
    finally:
        store.close()


def test_a_consent_refusal_from_the_mapping_is_a_consent_hold(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    def refuses(store: LocalStore, item: OutboxItem) -> dict[str, Any]:
        raise ValidationError("The person withdrew consent to share.", item="consent")

    outcome = _push_one(store, scripted, builder=refuses)
    assert outcome.result == push.NO_CONSENT and outcome.words == "The person withdrew consent to share."
    assert sync_state.holds(store)[outcome.outbox_id] == sync_state.HOLD_NO_CONSENT


def test_a_check_no_longer_in_the_store_is_not_sent(store: LocalStore) -> None:
    assert check_refusal(store, "no-such-check") == "This check is no longer in the store."


def test_a_network_failure_is_a_retry_and_an_auth_failure_stops_the_run(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    from outreach.errors import AuthError

    def lost(bundle: dict[str, Any]) -> Answer:
        raise TransientFailure("The connection dropped.", status=None)

    scripted.post_reply = lost
    outcome = _push_one(store, scripted)
    assert outcome.result == push.RETRY and outcome.words == "The connection dropped."

    def expired(bundle: dict[str, Any]) -> Answer:
        raise AuthError("The device token has expired.")

    scripted.post_reply = expired
    pusher = _pusher(store, scripted)
    (outcome,) = pusher.push([_item(store)])
    assert outcome.result == push.STOPPED and pusher.stop_error is not None
    assert store.outbox.get(outcome.outbox_id).next_attempt_at is None


# --- the words kept for IT and shown to the worker -------------------------------------------------------


def _failures(n: int) -> list[parts.EntryFailure]:
    return [parts.EntryFailure(f"urn:uuid:{i}", "Observation", 422, f"bad value {i}") for i in range(n)]


def test_the_reply_kept_for_it_lists_at_most_20_entries_then_counts_the_rest() -> None:
    one = push._describe(_failures(1), 200)
    assert one == "HTTP 200; 1 entry not stored:\nObservation (urn:uuid:0): 422 bad value 0"
    twenty = push._describe(_failures(20), 200).splitlines()
    assert twenty[0] == "HTTP 200; 20 entries not stored:" and len(twenty) == 21 and "more" not in twenty[-1]
    many = push._describe(_failures(23), 207).splitlines()
    assert many[0] == "HTTP 207; 23 entries not stored:" and len(many) == 22
    assert many[20] == "Observation (urn:uuid:19): 422 bad value 19" and many[-1] == "... and 3 more"
    silent = push._describe([parts.EntryFailure("urn:uuid:x", "Patient", 400, "")], 200)
    assert silent.endswith("Patient (urn:uuid:x): 400 (no outcome given)")


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (None, "no clear answer"),
        (500, "a problem on the server"),
        (599, "a problem on the server"),
        (400, "the server found something in it it could not accept"),
        (404, "the server does not allow it to be created this way"),
        (409, "another write was in progress"),
        (412, "the server already holds more than one matching record"),
        (422, "the server could not process it"),
        (429, "too many requests"),
        (499, "the server answered 499"),
    ],
)
def test_each_status_has_plain_words_for_the_worker(status: int | None, words: str) -> None:
    assert push._plain(status) == words


@pytest.mark.parametrize(
    ("status", "retry"),
    [
        (None, True),
        (408, True),
        (409, True),
        (423, True),
        (425, True),
        (429, True),
        (500, True),
        (503, True),
        (400, False),
        (404, False),
        (412, False),
        (422, False),
        (499, False),
    ],
)
def test_which_entry_statuses_are_worth_trying_again(status: int | None, retry: bool) -> None:
    """RFC 9110 / RFC 6585: timeouts, conflicts, locks, too-early, too-many and server errors
    may pass later."""
    assert push.worth_retrying(status) is retry


# --- a server that remembers what it stored (for lost answers) --------------------------------------------


class RememberingServer(ScriptedServer):
    """Stores what it is sent and finds it again by identifier (or by the Provenance's target)."""

    def __init__(self) -> None:
        super().__init__()
        self.held: list[dict[str, Any]] = []
        self.lose_answers_for: set[str] = set()  # resource types whose POST answer is lost after storing
        self.get_reply = self.search

    def store_all(self, bundle: dict[str, Any]) -> Answer:
        answer = super().store_all(bundle)
        for entry, reply in zip(bundle["entry"], answer.body["entry"], strict=True):
            resource = dict(entry["resource"], id=reply["response"]["location"].split("/")[1])
            self.held.append(resource)
        if {e["resource"]["resourceType"] for e in bundle["entry"]} & self.lose_answers_for:
            raise TransientFailure("The answer was cut off.", may_have_arrived=True)
        return answer

    def search(self, res_type: str, params: dict[str, str]) -> Answer:
        matches = []
        for resource in self.held:
            if resource["resourceType"] != res_type:
                continue
            if "identifier" in params:
                wanted = set(params["identifier"].split(","))
                if any(f"{i['system']}|{i['value']}" in wanted for i in resource.get("identifier", [])):
                    matches.append(resource)
            elif "target" in params and any(
                t["reference"] == params["target"] for t in resource.get("target", [])
            ):
                matches.append(resource)
        return Answer(
            200,
            {},
            {
                "resourceType": "Bundle",
                "type": "searchset",
                "entry": [{"resource": r, "search": {"mode": "match"}} for r in matches],
            },
        )


def test_a_lost_answer_is_resolved_by_asking_and_nothing_is_stored_twice(store: LocalStore) -> None:
    scripted = RememberingServer()
    scripted.lose_answers_for = {"Patient"}
    first = _push_one(store, scripted)
    assert first.result == push.RETRY and len(scripted.held) == 1  # stored, but the answer was lost
    scripted.lose_answers_for = set()
    again = _push_one(store, scripted)
    assert again.result == push.SENT and again.found == 1
    assert [r["resourceType"] for r in scripted.held] == [
        "Patient",
        "Encounter",
        "Observation",
        "Observation",
        "Provenance",
    ]
    assert again.server_refs[0] == f"Patient/{scripted.held[0]['id']}"


def test_a_check_stored_whole_before_its_last_answer_was_lost_is_already_there(store: LocalStore) -> None:
    scripted = RememberingServer()
    scripted.lose_answers_for = {"Provenance"}
    first = _push_one(store, scripted)
    assert first.result == push.RETRY and len(scripted.held) == 5
    scripted.lose_answers_for = set()
    scripted.posts.clear()
    again = _push_one(store, scripted)
    assert again.result == push.ALREADY_THERE and again.found == 1 and scripted.posts == []
    assert "not sent again" in again.words
    assert store.outbox.get(again.outbox_id).state == "sent"
    assert len(scripted.held) == 5


# --- parts: whole transactions, size caps, cycles -----------------------------------------------------------


def test_a_server_confirmed_all_or_nothing_gets_the_whole_check_in_one_transaction(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    outcome = _push_one(store, scripted, whole=True)
    assert outcome.result == push.SENT and len(scripted.posts) == 1
    (bundle,) = scripted.posts
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == [
        "Patient",
        "Encounter",
        "Observation",
        "Observation",
        "Provenance",
    ]
    assert bundle["entry"][1]["resource"]["subject"]["reference"] == bundle["entry"][0]["fullUrl"]


def test_parts_never_hold_more_entries_than_the_server_takes(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    outcome = _push_one(store, scripted, max_entries=1)
    assert outcome.result == push.SENT
    assert [len(p["entry"]) for p in scripted.posts] == [1, 1, 1, 1, 1]


@pytest.mark.parametrize("status", [400, 413, 422])
def test_a_part_refused_for_its_size_is_split(
    store: LocalStore, scripted: ScriptedServer, status: int
) -> None:
    def capped(bundle: dict[str, Any]) -> Answer:
        if len(bundle["entry"]) > 1:
            return Answer(
                status,
                {},
                {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "too-costly"}]},
            )
        return scripted.store_all(bundle)

    scripted.post_reply = capped
    outcome = _push_one(store, scripted)
    assert outcome.result == push.SENT
    assert [len(p["entry"]) for p in scripted.posts] == [1, 1, 2, 1, 1, 1]


def test_a_single_entry_refused_whole_is_held(store: LocalStore, scripted: ScriptedServer) -> None:
    scripted.post_reply = lambda bundle: Answer(
        422,
        {},
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": "invalid", "diagnostics": "Patient.birthDate invalid"}],
        },
    )
    outcome = _push_one(store, scripted)
    assert (
        outcome.result == push.REFUSED
        and "refused this check (422): Patient.birthDate invalid" in outcome.words
    )
    assert sync_state.item_detail(store, outcome.outbox_id) == (
        "HTTP 422 for a part of 1 entry (Patient first): Patient.birthDate invalid"
    )


def test_records_that_refer_to_each_other_in_a_circle_are_held_not_sent(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    def circular(store: LocalStore, item: OutboxItem) -> dict[str, Any]:
        bundle = check_bundle(store, item)
        bundle["entry"][0]["resource"]["link"] = [{"other": {"reference": bundle["entry"][1]["fullUrl"]}}]
        return bundle

    outcome = _push_one(store, scripted, builder=circular)
    assert outcome.result == push.REFUSED and scripted.posts == []
    assert "no part of it can be sent first" in (sync_state.item_detail(store, outcome.outbox_id) or "")


# --- stopping, listeners, pauses --------------------------------------------------------------------------


def test_a_run_cancelled_before_it_starts_sends_nothing_and_leaves_the_check_queued(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    import threading

    cancel = threading.Event()
    cancel.set()
    assert _pusher(store, scripted, cancel=cancel).push([_item(store)]) == []
    assert scripted.calls == [] and _item(store).state == "queued"


def test_a_broken_progress_listener_does_not_stop_the_sync(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    seen: list[str] = []

    def listener(outcome: push.ItemOutcome) -> None:
        seen.append(outcome.result)
        raise RuntimeError("listener bug")

    outcome = _push_one(store, scripted, on_item=listener)
    assert outcome.result == push.SENT and seen == [push.SENT]


def test_a_busy_entry_is_paused_briefly_and_sent_within_the_same_attempt(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    replies = iter([_entry_reply("429 Too Many Requests")])
    scripted.post_reply = lambda bundle: next(replies, scripted.store_all)(bundle)
    pusher = push.Pusher(
        store,
        scripted,
        builder=check_bundle,  # type: ignore[arg-type]
        backoff=Backoff(base_s=2.0, cap_s=120.0, rng=random.Random(7)),
        clock=FakeClock(),
        concurrency=1,
    )
    (outcome,) = pusher.push([_item(store)])
    assert outcome.result == push.SENT and outcome.attempts == 1
    assert [len(p["entry"]) for p in scripted.posts] == [1, 1, 1, 2, 1]


def test_an_entry_busy_three_rounds_in_a_row_waits_for_the_next_attempt(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    scripted.post_reply = _entry_reply("409 Conflict")
    pusher = push.Pusher(
        store,
        scripted,
        builder=check_bundle,  # type: ignore[arg-type]
        backoff=Backoff(base_s=2.0, cap_s=120.0, rng=random.Random(7)),
        clock=FakeClock(),
        concurrency=1,
    )
    (outcome,) = pusher.push([_item(store)])
    assert outcome.result == push.RETRY and len(scripted.posts) == push.MAX_BUSY_ROUNDS == 3
    assert "has 0 of this check's 5 records" in outcome.words


# --- 429: a quota slows the sync down, it is not a failure --------------------------------------------------


@pytest.mark.parametrize("how", ["answer", "raised", "entry"])
def test_a_429_is_waited_out_as_the_server_asks_and_the_check_goes_in_the_same_attempt(
    store: LocalStore, scripted: ScriptedServer, how: str
) -> None:
    """Three 429s in a row that let nothing through (a whole request refused, or every entry in
    the answer): the item waits each Retry-After and carries on, never backed off or counted as
    trouble, and no request goes out before the server's time."""
    import time

    sent_at: list[float] = []

    def reply(bundle: dict[str, Any]) -> Answer:
        sent_at.append(time.monotonic())
        if len(sent_at) > 3:
            return scripted.store_all(bundle)
        if how == "raised":
            raise TransientFailure("Too many requests.", retry_after=0.2, status=429)
        if how == "answer":
            return Answer(429, {"retry-after": "0.2"}, None)
        answer = _entry_reply("429 Too Many Requests", "Quota exceeded")(bundle)
        answer.headers["retry-after"] = "0.2"
        return answer

    scripted.post_reply = reply
    pusher = _pusher(store, scripted, max_quota_wait_s=5.0)
    (outcome,) = pusher.push([_item(store)])
    assert outcome.result == push.SENT and outcome.attempts == 1
    gaps = [b - a for a, b in itertools.pairwise(sent_at)][:3]
    assert all(gap >= 0.19 for gap in gaps), sent_at
    assert pusher.throttled == 3 and not pusher.out_of_time
    assert store.outbox.get(outcome.outbox_id).next_attempt_at is None


def test_per_entry_429s_without_retry_after_pause_briefly_however_many_there_are(
    store: LocalStore, scripted: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten answers in a row refusing every entry with 429 (more than the three a 409 gets): the
    item is still sent in the same attempt."""
    replies = iter([_entry_reply("429 Too Many Requests")] * 10)
    scripted.post_reply = lambda bundle: next(replies, scripted.store_all)(bundle)
    pusher = _pusher(store, scripted, max_quota_wait_s=5.0)
    monkeypatch.setattr(push, "QUOTA_PAUSE_S", (0.001, 0.002))  # its length is not what this is about
    (outcome,) = pusher.push([_item(store)])
    assert outcome.result == push.SENT and outcome.attempts == 1
    assert pusher.throttled == 10


@pytest.mark.parametrize("limit", ["deadline", "patience"])
def test_a_quota_that_outlasts_the_run_leaves_the_check_due_at_once_not_backed_off(
    store: LocalStore, scripted: ScriptedServer, limit: str
) -> None:
    """The Patient goes, then every entry is refused with 429 until the run's time is up (or the
    quota has let nothing through for too long): the check is left partly sent, due at once for
    the next run, with no backoff, not held, and not counted as a retry (network or server trouble)."""
    import time

    answers = iter([scripted.store_all])
    scripted.post_reply = lambda bundle: next(answers, _entry_reply("429 Too Many Requests", "Quota"))(bundle)
    kw: dict[str, Any] = (
        {"deadline": time.monotonic() + 0.5} if limit == "deadline" else {"quota_patience_s": 0.5}
    )
    pusher = _pusher(store, scripted, max_quota_wait_s=5.0, **kw)
    started = time.monotonic()
    (outcome,) = pusher.push([_item(store)])
    assert time.monotonic() - started < 5.0
    assert outcome.result == push.THROTTLED and pusher.out_of_time
    assert outcome.next_attempt_at is None
    assert "Partly sent: the shared record has 1 of this check's 5 records" in outcome.words
    item = store.outbox.get(outcome.outbox_id)
    assert item.state == "failed" and item.next_attempt_at is None
    assert item in store.outbox.due()
    assert outcome.outbox_id not in sync_state.holds(store)
    assert "429 Quota" in (sync_state.item_detail(store, outcome.outbox_id) or "")
    assert sync_state.confirmed_entries(store, BASE) != {}  # the Patient is remembered for next time


@pytest.mark.parametrize("how", ["answer", "raised"])
def test_a_retry_after_longer_than_the_run_waits_is_kept_as_the_servers_time(
    store: LocalStore, scripted: ScriptedServer, how: str
) -> None:
    """Retry-After: 30 and a run that waits at most 5 s at a time: the check is left for the next
    run at the server's time (never sooner, RFC 9110 10.2.3), not at a backoff's."""

    def reply(bundle: dict[str, Any]) -> Answer:
        if how == "raised":
            raise TransientFailure("Too many requests.", retry_after=30.0, status=429)
        return Answer(429, {"retry-after": "30"}, None)

    scripted.post_reply = reply
    pusher = _pusher(store, scripted, max_quota_wait_s=5.0)
    (outcome,) = pusher.push([_item(store)])
    assert outcome.result == push.THROTTLED and len(scripted.posts) == 1
    item = store.outbox.get(outcome.outbox_id)
    assert item.next_attempt_at is not None and outcome.next_attempt_at == item.next_attempt_at
    earliest = pusher.clock.now() + timedelta(seconds=29)
    latest = pusher.clock.now() + timedelta(seconds=31)
    assert earliest.isoformat()[:19] <= item.next_attempt_at[:19] <= latest.isoformat()[:19]
    assert outcome.outbox_id not in sync_state.holds(store)


def test_a_quota_stops_every_request_of_its_kind_until_the_servers_time(
    tmp_path: Path, scripted: ScriptedServer
) -> None:
    """Three checks at once, one 429 with Retry-After: no other write goes out before that time
    (the quota is the laptop's, not the check's), and all three are sent in the same run."""
    import threading
    import time

    folder = tmp_path / "laptop"
    many = make_store(folder, checks=3)
    lock = threading.Lock()
    sent_at: list[float] = []
    refused_at: list[float] = []

    def reply(bundle: dict[str, Any]) -> Answer:
        with lock:
            now = time.monotonic()
            sent_at.append(now)
            if len(sent_at) == 2:
                refused_at.append(now)
                raise TransientFailure("busy", retry_after=1.0, status=429)
        return scripted.store_all(bundle)

    scripted.post_reply = reply
    try:
        pusher = push.Pusher(
            many,
            scripted,
            builder=check_bundle,  # type: ignore[arg-type]
            backoff=Backoff(base_s=2.0, cap_s=120.0, rng=random.Random(7)),
            clock=FakeClock(),
            concurrency=3,
        )
        outcomes = pusher.push(many.outbox.list())
        assert sorted(o.result for o in outcomes) == [push.SENT] * 3
        # Nothing went out after the refusal was read until its Retry-After had passed (a
        # request already on its way as it came may still arrive just after it).
        quiet = [t - refused_at[0] for t in sent_at if refused_at[0] + 0.3 < t < refused_at[0] + 0.95]
        assert quiet == [], (refused_at, sent_at)
        assert sent_at[-1] >= refused_at[0] + 0.95
    finally:
        many.close()


def test_the_pace_halves_once_per_crowding_and_grows_back() -> None:
    """Six requests refused together halve the limit once, not six times; successes grow it back."""
    import time

    pace = push._Pace(6)
    before = time.monotonic()
    for _ in range(6):
        pace.slow_down(sent_at=before)  # all six were on their way before the first answer
    assert pace.allowed == 3
    pace.slow_down(sent_at=time.monotonic())  # sent after that halving: a new crowding
    assert pace.allowed == 1
    n = 0
    while pace.allowed < 6:
        pace.success()
        n += 1
    assert n <= 30 and pace.limit == 6.0


def test_the_pace_halves_on_slow_down_and_grows_back_with_successes() -> None:
    pace = push._Pace(6)
    assert (pace.most, pace.allowed) == (6, 6)
    pace.slow_down()
    assert pace.limit == 3.0 and pace.allowed == 3
    pace.slow_down()
    pace.slow_down()
    pace.slow_down()
    assert pace.limit == 1.0 and pace.allowed == 1  # never below one request
    pace.success()
    assert pace.limit == 2.0
    pace.success()
    assert pace.limit == 2.5 and pace.allowed == 2
    for _ in range(100):
        pace.success()
    assert pace.limit == 6.0  # never above the most allowed
    assert push._Pace(0).most == 1 and push._Pace(0).allowed == 1


# --- several checks at once ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_checks_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One person with two finalised checks (consent given): both checks carry the same Patient."""
    from tests.sync import conftest as sync_fixtures

    folder = tmp_path_factory.mktemp("two") / "laptop"
    made = new_store(folder, admin=ADMIN, passphrase=PASSPHRASE)
    sync_fixtures.fill_demo_data(made, people=1, checks_per_person=2, seed=3)
    sync_fixtures.share_all(made)
    made.close()
    return folder


def test_two_checks_of_one_person_share_one_patient_sent_once(
    two_checks_template: Path, tmp_path: Path
) -> None:
    store = _copy(two_checks_template, tmp_path / "laptop")
    try:
        items = store.outbox.list()
        assert len(items) == 2
        scripted = ScriptedServer()
        pusher = push.Pusher(
            store,
            scripted,
            builder=check_bundle,  # type: ignore[arg-type]
            backoff=Backoff(base_s=2.0, cap_s=120.0, rng=random.Random(7)),
            clock=FakeClock(),
            concurrency=4,
        )
        outcomes = pusher.push(items)
        assert sorted(o.result for o in outcomes) == [push.SENT, push.SENT]
        patients = [
            e for p in scripted.posts for e in p["entry"] if e["resource"]["resourceType"] == "Patient"
        ]
        assert len(patients) == 1  # the second check waited for the first one's Patient
        assert outcomes[0].server_refs[0] == outcomes[1].server_refs[0]
        assert {o.check_id for o in outcomes} == {i.check_id for i in items}
    finally:
        store.close()


def test_an_item_another_sync_has_already_sent_is_left_alone(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    item = _item(store)
    with store.db.write():
        store.outbox.mark_sent(item.id, server_ref="[]")
    assert _pusher(store, scripted).push([item]) == []
    assert scripted.calls == [] and store.outbox.get(item.id).state == "sent"


def test_a_pause_the_server_asks_for_is_kept_before_the_next_request(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    """Retry-After on a busy entry (RFC 9110 10.2.3): the item's next request waits that long."""
    import time

    sent_at: list[float] = []
    busy = _entry_reply("429 Too Many Requests")

    def reply(bundle: dict[str, Any]) -> Answer:
        sent_at.append(time.monotonic())
        if len(sent_at) == 1:
            answer = busy(bundle)
            answer.headers["retry-after"] = "0.6"
            return answer
        return scripted.store_all(bundle)

    scripted.post_reply = reply
    pusher = push.Pusher(
        store,
        scripted,
        builder=check_bundle,  # type: ignore[arg-type]
        backoff=Backoff(base_s=2.0, cap_s=120.0, rng=random.Random(7)),
        clock=FakeClock(),
        concurrency=1,
    )
    (outcome,) = pusher.push([_item(store)])
    assert outcome.result == push.SENT and outcome.found == 0
    assert len(sent_at) == 5 and sent_at[1] - sent_at[0] >= 0.55


def test_outcomes_other_than_a_lookup_found_nothing_on_the_server(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    scripted.post_reply = lambda bundle: Answer(412, {}, None)
    held = _push_one(store, scripted)
    assert held.result == push.REFUSED and held.found == 0 and held.server_refs == ()
    assert push.ItemOutcome("o", "c", push.RETRY, "words", 1).found == 0


def test_an_operation_outcome_answering_the_provenance_search_is_not_the_provenance(
    store: LocalStore,
) -> None:
    """FHIR search.html: an entry with search.mode "outcome" is a message about the search, not a match.
    The Provenance is found by its target (no identifier), so only the resource type tells them apart."""
    scripted = RememberingServer()
    remember = scripted.store_all

    def provenance_lost(bundle: dict[str, Any]) -> Answer:
        if bundle["entry"][0]["resource"]["resourceType"] == "Provenance":
            raise TransientFailure("The connection dropped.", may_have_arrived=True)
        return remember(bundle)

    def search(res_type: str, params: dict[str, str]) -> Answer:
        answer = RememberingServer.search(scripted, res_type, params)
        if res_type == "Provenance":
            answer.body["entry"].append(
                {
                    "resource": {
                        "resourceType": "OperationOutcome",
                        "id": "oo-1",
                        "issue": [{"severity": "information", "code": "not-found"}],
                    },
                    "search": {"mode": "outcome"},
                }
            )
        return answer

    scripted.post_reply = provenance_lost
    scripted.get_reply = search
    assert _push_one(store, scripted).result == push.RETRY and len(scripted.held) == 4
    scripted.post_reply = remember
    scripted.posts.clear()
    again = _push_one(store, scripted)
    assert again.result == push.SENT and again.found == 0  # the Provenance was looked up, and not found
    assert [[e["resource"]["resourceType"] for e in p["entry"]] for p in scripted.posts] == [["Provenance"]]
    assert [r["resourceType"] for r in scripted.held][-1] == "Provenance"
    assert again.server_refs[-1] == f"Provenance/{scripted.held[-1]['id']}"


def test_a_run_stopped_while_an_answer_arrives_sends_nothing_more(
    store: LocalStore, scripted: ScriptedServer
) -> None:
    """Cancel (the worker's button, or a revoked token) takes effect at the next answer: the item is left
    for the next sync with what was confirmed so far, and no further request goes out."""
    import threading

    cancel = threading.Event()

    def cancel_then_store(bundle: dict[str, Any]) -> Answer:
        cancel.set()
        return scripted.store_all(bundle)

    scripted.post_reply = cancel_then_store
    outcomes = _pusher(store, scripted, cancel=cancel).push([_item(store)])
    assert [o.result for o in outcomes] == [push.STOPPED] and len(scripted.posts) == 1
    item = store.outbox.get(outcomes[0].outbox_id)
    assert item.state == "failed" and item.next_attempt_at is None  # goes on next time, no backoff
    assert len(sync_state.confirmed_entries(store, BASE)) == 1  # the Patient stays confirmed
