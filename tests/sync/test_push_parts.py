"""sync/parts.py, the pure half of the push, from FHIR R4:

- http.html#transaction-response: one response entry per request entry, in order, each with
  `response.status` (a string starting with the 3-digit code) and, for a create, `response.location`
  (`Type/id/_history/vid`, possibly absolute); a Bundle of another type confirms nothing;
- search.html#token: `identifier=system|value`, several values OR'd with commas;
- references.html: a resolved reference is `Type/id`; `urn:uuid:` full URLs are replaced by the server's.
"""

from __future__ import annotations

from typing import Any

import pytest

from sync import parts

P, E, O1 = ("urn:uuid:11111111-1111-4111-8111-111111111111", "urn:uuid:22222222-2222-4222-8222-222222222222",
            "urn:uuid:33333333-3333-4333-8333-333333333333")


def _bundle() -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": P,
                "resource": {"resourceType": "Patient", "identifier": [{"system": "s", "value": "p1"}]},
                "request": {"method": "POST", "url": "Patient", "ifNoneExist": "identifier=s|p1"},
            },
            {
                "fullUrl": E,
                "resource": {"resourceType": "Encounter", "subject": {"reference": P}},
                "request": {"method": "POST", "url": "Encounter", "ifNoneExist": "identifier=s|e1"},
            },
            {
                "fullUrl": O1,
                "resource": {
                    "resourceType": "Observation",
                    "subject": {"reference": P},
                    "encounter": {"reference": E},
                    "component": [{"valueString": P}],
                },
                "request": {"method": "POST", "url": "Observation", "ifNoneExist": f"subject={P}&code=x"},
            },
        ],
    }


def test_entries_carry_the_urns_they_depend_on() -> None:
    entries = parts.entries_of(_bundle())
    assert [(e.full_url, e.resource_type) for e in entries] == [
        (P, "Patient"),
        (E, "Encounter"),
        (O1, "Observation"),
    ]
    assert [e.needs for e in entries] == [frozenset(), frozenset({P}), frozenset({P, E})]
    assert entries[0].if_none_exist == "identifier=s|p1"
    assert parts.entries_of({"entry": None}) == [] and parts.entries_of({}) == []
    no_request = parts.entries_of({"entry": [{"fullUrl": P, "resource": {"resourceType": "Patient"}}]})[0]
    assert no_request.if_none_exist is None and no_request.needs == frozenset()
    blank = parts.entries_of(
        {"entry": [{"fullUrl": P, "resource": {"resourceType": "Patient"}, "request": {"ifNoneExist": ""}}]}
    )[0]
    assert blank.if_none_exist is None


def test_ready_and_stuck_follow_what_the_server_has_confirmed() -> None:
    entries = parts.entries_of(_bundle())
    assert [e.full_url for e in parts.ready(entries, {})] == [P]
    assert [e.full_url for e in parts.ready(entries, {P: "Patient/1"})] == [E]
    assert [e.full_url for e in parts.ready(entries, {P: "Patient/1", E: "Encounter/2"})] == [O1]
    assert parts.stuck(entries, {}) == []
    dangling = parts.entries_of(
        {"entry": [{"fullUrl": E, "resource": {"resourceType": "Encounter", "subject": {"reference": P}}}]}
    )
    assert [e.full_url for e in parts.stuck(dangling, {})] == [E]
    assert parts.stuck(dangling, {P: "Patient/1"}) == []
    assert parts.stuck(dangling, {E: "Encounter/2"}) == []  # already stored: nothing left to send


def test_a_part_is_a_transaction_with_references_rewritten_to_the_servers_ids() -> None:
    entries = parts.entries_of(_bundle())
    confirmed = {P: "Patient/1", E: "Encounter/2"}
    bundle = parts.part_bundle([entries[2]], confirmed)
    assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "transaction")
    (entry,) = bundle["entry"]
    assert entry["resource"]["subject"] == {"reference": "Patient/1"}
    assert entry["resource"]["encounter"] == {"reference": "Encounter/2"}
    assert entry["resource"]["component"] == [{"valueString": "Patient/1"}]
    assert entry["request"]["ifNoneExist"] == "subject=Patient/1&code=x"
    assert entry["fullUrl"] == O1
    assert entries[2].raw["resource"]["subject"] == {"reference": P}  # the original is untouched


def test_the_lookup_search_is_the_conditional_create_criteria() -> None:
    entries = parts.entries_of(_bundle())
    assert parts.lookup_query(entries[0], {}) == [("identifier", "s|p1")]
    assert parts.lookup_query(entries[2], {P: "Patient/1"}) == [("subject", "Patient/1"), ("code", "x")]
    with_path = parts.Entry(
        P, "Patient", {"request": {"ifNoneExist": "Patient?identifier=s|p1"}}, frozenset()
    )
    assert parts.lookup_query(with_path, {}) == [("identifier", "s|p1")]
    assert parts.lookup_query(parts.Entry(P, "Patient", {}, frozenset()), {}) is None


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ([("identifier", "s|v")], ("s", "v")),
        ([("identifier", "https://x.example/id|abc-1")], ("https://x.example/id", "abc-1")),
        ([("identifier", "v")], None),
        ([("identifier", "|v")], None),
        ([("identifier", "s|")], None),
        ([("identifier", "s|v,t|w")], None),
        ([("identifier", "s|v"), ("code", "x")], None),
        ([("subject", "Patient/1")], None),
        ([], None),
        (None, None),
    ],
)
def test_an_identifier_key_only_for_exactly_one_system_and_value(query: Any, key: Any) -> None:
    assert parts.identifier_key(query) == key


@pytest.mark.parametrize(
    ("location", "ref"),
    [
        ("Patient/12/_history/1", "Patient/12"),
        ("Patient/12", "Patient/12"),
        ("Patient/12/", "Patient/12"),
        ("https://fhir.example.test/base/Observation/a-b.c/_history/3", "Observation/a-b.c"),
        ("Encounter/9?x=1", "Encounter/9"),
        ("/Patient/1", "Patient/1"),
        ("patient/12", None),
        ("Patient", None),
        ("Patient/" + "x" * 65, None),
        ("", None),
        (None, None),
        (7, None),
    ],
)
def test_a_location_gives_type_and_id(location: Any, ref: Any) -> None:
    assert parts.reference_of(location) == ref


@pytest.mark.parametrize(
    ("status", "code"),
    [
        ("201 Created", 201),
        ("201", 201),
        (" 200 OK", 200),
        (201, 201),
        ("412 Precondition Failed", 412),
        ("Created", None),
        ("20", None),
        ("2010", None),
        ("", None),
        (None, None),
    ],
)
def test_the_status_code_is_the_three_digits_at_the_start(status: Any, code: Any) -> None:
    assert parts.status_code(status) == code


def _sent() -> list[parts.Entry]:
    return parts.entries_of(_bundle())[:2]


def _response(*entries: dict[str, Any], kind: str = "transaction-response") -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": kind, "entry": list(entries)}


def test_each_entry_is_confirmed_by_its_own_status_and_location() -> None:
    result = parts.read_answer(
        _sent(),
        _response(
            {"response": {"status": "201 Created", "location": "Patient/1/_history/1"}},
            {"response": {"status": "200 OK", "location": "Encounter/2/_history/4"}},
        ),
    )
    assert result.confirmed == {P: "Patient/1", E: "Encounter/2"} and result.complete
    batch = parts.read_answer(
        _sent(),
        _response(
            {"response": {"status": "201", "location": "Patient/1"}},
            {"response": {"status": "201", "location": "Encounter/2"}},
            kind="batch-response",
        ),
    )
    assert batch.complete


def test_a_success_without_a_location_may_use_the_returned_resource() -> None:
    result = parts.read_answer(
        _sent(),
        _response(
            {"response": {"status": "201"}, "resource": {"resourceType": "Patient", "id": "7"}},
            {"response": {"status": "201"}, "resource": {"resourceType": "Encounter"}},
        ),
    )
    assert result.confirmed == {P: "Patient/7"} and result.unclear == [E] and not result.complete


def test_a_location_of_another_type_is_not_a_confirmation() -> None:
    result = parts.read_answer(
        _sent(),
        _response(
            {"response": {"status": "201", "location": "Encounter/1"}},
            {"response": {"status": "201", "location": "Encounter/2"}},
        ),
    )
    assert result.confirmed == {E: "Encounter/2"} and result.unclear == [P]


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "ok",
        {"resourceType": "OperationOutcome"},
        {"resourceType": "Bundle", "type": "searchset"},
        {"resourceType": "Bundle", "type": "transaction"},
        {"resourceType": "Parameters", "type": "transaction-response"},
    ],
)
def test_anything_but_a_transaction_or_batch_response_confirms_nothing(body: Any) -> None:
    result = parts.read_answer(_sent(), body)
    assert result.confirmed == {} and result.unclear == [P, E] and result.failed == [] and not result.complete


def test_a_response_with_a_different_number_of_entries_confirms_nothing() -> None:
    one = {"response": {"status": "201", "location": "Patient/1"}}
    for entries in ([one], [one, one, one], []):
        result = parts.read_answer(_sent(), _response(*entries))
        assert result.confirmed == {} and result.unclear == [P, E]
    odd = _response(one, "not an entry", {"response": {"status": "201", "location": "Encounter/2"}})
    assert parts.read_answer(_sent(), odd).confirmed == {P: "Patient/1", E: "Encounter/2"}


def test_failed_entries_carry_their_status_and_the_servers_words() -> None:
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [
            {"severity": "error", "code": "invalid", "diagnostics": "birthDate is wrong"},
            {"severity": "error", "code": "processing", "details": {"text": "second problem"}},
            {"severity": "warning", "code": "informational"},
            "not an issue",
        ],
    }
    result = parts.read_answer(
        _sent(),
        _response(
            {"response": {"status": "400 Bad Request", "outcome": outcome}}, {"response": {"status": "bad"}}
        ),
    )
    (failure,) = result.failed
    assert (failure.full_url, failure.resource_type, failure.status) == (P, "Patient", 400)
    assert failure.reply == "birthDate is wrong; second problem; informational"
    assert result.unclear == [E] and result.confirmed == {}
    assert [
        f.status
        for f in parts.read_answer(
            _sent(), _response({"response": {"status": "199"}}, {"response": {"status": "300"}})
        ).failed
    ] == [199, 300]


def test_outcome_text_is_one_line_of_at_most_500_characters() -> None:
    assert parts.outcome_text(None) == "" and parts.outcome_text({"issue": "x"}) == ""
    long = {"issue": [{"diagnostics": "x" * 600}]}
    assert parts.outcome_text(long) == "x" * 500
