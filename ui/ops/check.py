"""One person's check: open it, start it with the person's consent, save as the worker types,
finalise, amend; and the audit entry for a summary saved as a PDF.

Several changes that belong together (a status and its reason, consent and the new check) are
written in one transaction, so a crash never leaves half of them.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from outreach import services
from outreach.checks.definition import CheckDefinition
from outreach.clinical.findings import RuleSet
from outreach.logging_setup import log_event
from outreach.store.local_store import LocalStore
from outreach.store.records import CheckRecord, FinalisedCheck, PersonRecord
from outreach.summary import export as summary_export
from ui.tasks import blocking

log = logging.getLogger(__name__)

SHARING_SCOPES = ("gp", "mental_health_trust", "charity")


@dataclass(frozen=True)
class OpenedCheck:
    """What the workflow needs to show a person's check (or their consent page)."""

    person: PersonRecord
    check: CheckRecord | None
    consent: dict[str, bool]
    history: tuple[CheckRecord, ...] = ()  # the amendment chain, oldest first (fixes its visit date)


@blocking
def load_check(store: LocalStore, person_id: str, check_id: str | None) -> OpenedCheck:
    """The person, the check (None: a new one, so the consent page shows) and their consent."""
    person = services.get_person(store, person_id)
    check = services.load_check(store, check_id) if check_id else None
    history = tuple(services.check_history(store, check.id)) if check is not None and check.amends_id else ()
    return OpenedCheck(person, check, services.consent_status(store, person_id), history)


@blocking
def start_check(
    store: LocalStore,
    person_id: str,
    consent: Mapping[str, bool],
    *,
    definition_version: str,
    session_id: str | None,
    note: str | None = None,
    townsend_file: str = "",
) -> CheckRecord | None:
    """Record consent (to the check and to sharing with each recipient) and, if the person
    agreed to the check, start it: one transaction, so no check ever exists without its consent.
    With the organisation's Townsend file, the person's deprivation score is stored with the
    check as it starts (so every later view of the check uses the same one).

    Returns None when the person did not agree to the check (their answer is still recorded).
    """
    lookup = _townsend_lookup(townsend_file)
    with store.db.write():
        services.record_consent(store, person_id, "check", bool(consent.get("check")), note=note)
        if not consent.get("check"):
            return None
        for scope in SHARING_SCOPES:
            services.record_consent(store, person_id, scope, bool(consent.get(scope)))
        check = services.start_check(
            store, person_id, definition_version=definition_version, session_id=session_id
        )
        if lookup is not None:
            check = services.record_townsend(store, check.id, lookup) or check
        return check


def _townsend_lookup(path: str) -> Any:
    """The organisation's Townsend file, or None (no file, or it cannot be read: the check still
    starts, QRISK3 uses 0 and says so beside the score; IT sees why in the log)."""
    if not path:
        return None
    from outreach.clinical.townsend import lookup_for
    from outreach.errors import OutreachError

    try:
        return lookup_for(path)
    except (OSError, OutreachError) as exc:
        log_event(log, "check.townsend_file_unreadable", error=type(exc).__name__)
        return None


@blocking
def save_check(
    store: LocalStore,
    check_id: str,
    answers: Mapping[str, Any],
    statuses: Mapping[str, tuple[str, str | None]],
    decisions: Mapping[str, Any],
) -> CheckRecord:
    """Autosave answers (None clears one), element statuses (element -> (status, reason)) and
    follow-up decisions (rule id -> decision, None removes it) in one durable transaction."""
    with store.db.write():
        record: CheckRecord | None = None
        if answers:
            record = services.save_answers(store, check_id, answers)
        for element, (status, reason) in statuses.items():
            record = services.set_element_status(store, check_id, element, status, reason)
        if decisions:
            record = services.record_follow_up_decisions(store, check_id, decisions)
    return record if record is not None else services.load_check(store, check_id)


@blocking
def finalise_check(
    store: LocalStore,
    check_id: str,
    *,
    definition: CheckDefinition,
    rules: RuleSet,
    directory_ids: Collection[str] | None,
) -> FinalisedCheck:
    """Finalise from what is stored: the core works out the findings again and refuses, in words,
    anything still open, so what the screen showed can never drop a finding."""
    return services.finalise_check(
        store, check_id, definition=definition, rules=rules, directory_ids=directory_ids
    )


@blocking
def amend_check(store: LocalStore, check_id: str, reason: str | None) -> CheckRecord:
    """A new draft version of a finalised check, pointing at it, with the worker's reason."""
    return services.amend_check(store, check_id, reason=reason)


@blocking
def record_summary_export(store: LocalStore, check_id: str | None) -> int:
    """Put "a summary PDF was saved" in the audit trail, once the file is written: the one place
    the person's details leave the app's encryption. Returns the audit entry's number."""
    return summary_export.record_summary_export(store, check_id)
