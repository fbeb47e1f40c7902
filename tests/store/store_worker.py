"""Child processes for the no-plain-text and crash-safety tests (run with ``python -m``).

They use the production code path end to end: a real store in a real folder,
written by the real services, and they report progress on stdout only after each
commit has returned.
"""

from __future__ import annotations

import sys
from pathlib import Path

from outreach import services
from outreach.store.crypto import TEST_KDF
from outreach.store.local_store import LocalStore
from outreach.store.records import PersonDetails

ADMIN = "Admin Testuser"
PASSPHRASE = "synthetic passphrase one"


def crash_writer(data_dir: Path, person_id: str, draft_id: str, start: int) -> None:
    """Autosave the draft over and over, finalising a new check every third answer, until killed."""
    store = LocalStore.open(data_dir, kdf=TEST_KDF)
    store.unlock(ADMIN, PASSPHRASE)
    print("READY", flush=True)
    n = start
    while True:
        n += 1
        services.save_answer(store, draft_id, "notes", f"answer-{n}")
        print(f"SAVED {n}", flush=True)
        if n % 3 == 0:
            services.record_consent(store, person_id, "check", True)
            check = services.start_check(store, person_id, definition_version="1.0.0")
            services.save_answers(store, check.id, {"systolic": 100 + n % 50, "diastolic": 70})
            services.record_follow_up_decision(
                store, check.id, "bp-high", {"kind": "advice_given", "note": f"finalised-{n}"}
            )
            store.checks.finalise(check.id, [{"rule_id": "bp-high", "title": "BP"}])
            print(f"FINALISED {check.id} {n}", flush=True)


def fill_with_markers(data_dir: Path, markers: dict[str, str]) -> None:
    """Write every kind of record with distinctive markers, pause with the store open, then close."""
    store = LocalStore.create(data_dir, admin_name=ADMIN, admin_passphrase=PASSPHRASE, kdf=TEST_KDF)
    m = markers
    people = []
    for i in range(3):
        people.append(
            services.register_person(
                store,
                PersonDetails(
                    given_name=f"{m['given']}{i}",
                    family_name=m["family"],
                    date_of_birth=m["dob"],
                    sex="female",
                    nhs_number=m["nhs"] if i == 0 else None,
                    postcode=m["postcode"],
                    phone=m["phone"],
                ),
            )
        )
    venue = store.venues.add(m["venue"], {"address": m["venue"] + " street"})
    session_id = store.venues.start_session(venue.id)
    for person in people:
        services.record_consent(store, person.id, "check", True, note=m["consent"])
        check = services.start_check(store, person.id, definition_version="1.0.0", session_id=session_id)
        for k in range(20):  # many autosaves: old versions of the draft end up in the WAL and free pages
            services.save_answer(store, check.id, "notes", f"{m['answer']} {k}")
        services.set_element_status(store, check.id, "alcohol", "declined", reason=m["reason"])
        services.record_follow_up_decision(
            store,
            check.id,
            "bp-high",
            {"kind": "referral", "service_id": "gp-routine", "note": m["decision"], "due_on": "2030-01-01"},
        )
        final = store.checks.finalise(
            check.id, [{"rule_id": "bp-high", "title": "BP", "reason": m["finding"]}]
        )
        services.record_follow_up_outcome(store, final.follow_ups[0].id, "attended", note=m["outcome"])
        store.outbox.mark_sending(final.outbox_item.id)
        store.outbox.mark_failed(final.outbox_item.id, m["error"])
        amended = services.amend_check(store, check.id, reason=m["amend"])
        services.save_answer(store, amended.id, "notes", m["answer"] + " amended")
    services.update_person(
        store,
        people[0].id,
        PersonDetails(
            given_name=m["given"] + "X",
            family_name=m["family"],
            date_of_birth=m["dob"],
            sex="female",
            nhs_number=m["nhs"],
            postcode=m["postcode"],
        ),
        expected_version=1,
    )
    services.find_people(store, m["family"][:5])
    print("PAUSED", flush=True)  # the parent scans the folder now, with the WAL and shared memory in use
    sys.stdin.readline()
    store.close()
    print("CLOSED", flush=True)


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "crash":
        crash_writer(Path(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]))
    elif command == "markers":
        import json

        fill_with_markers(Path(sys.argv[2]), json.loads(sys.stdin.readline()))
    else:  # pragma: no cover
        raise SystemExit(f"unknown command {command}")
