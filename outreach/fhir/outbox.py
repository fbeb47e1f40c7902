"""The thin layer between the outbox and the mapping: load one item's records, map them.

Kept apart from `bundle.py` so the mapping itself stays a pure function of plain records
(tested without a store), while the sync engine has one call per outbox item.
"""

from __future__ import annotations

from functools import cache

from outreach import services
from outreach.checks.definition import CheckDefinition
from outreach.clinical.service_directory import ServiceDirectory, load_service_directory
from outreach.errors import StoreError, ValidationError
from outreach.fhir.bundle import CheckBundle, Sender, check_bundle
from outreach.fhir.consent import SharingConsent, sharing_consent
from outreach.store.local_store import LocalStore
from outreach.store.records import OutboxItem, VenueRecord


@cache
def _bundled_directory() -> ServiceDirectory:
    return load_service_directory()


def store_device_id(store: LocalStore) -> str:
    """This laptop's stable id (the store's own id, made when the store was set up)."""
    value = store.meta("store_id")
    if not value:
        raise StoreError(
            "This store has no id, so its checks cannot be sent. Ask IT to check the installation."
        )
    return value


def venue_for_session(store: LocalStore, session_id: str | None) -> VenueRecord | None:
    """The venue a check's outreach session was held at (None when the check had no session)."""
    return store.venues.for_session(session_id)


def consent_for_outbox_item(store: LocalStore, item: OutboxItem) -> SharingConsent:
    """What the person agreed to share for this item's check; `.may_send` / `.refusal()` decide.

    Cheap next to mapping (no answers decrypted), so sync can hold an item back before
    marking it "sending".
    """
    check = services.load_check(store, item.check_id)
    chain = [c.id for c in services.check_history(store, check.id)] if check.amends_id else [check.id]
    return sharing_consent(store.consents.history(check.person_id), chain)


def bundle_for_outbox_item(
    store: LocalStore,
    item: OutboxItem,
    *,
    sender: Sender | None = None,
    definition: CheckDefinition | None = None,
    directory: ServiceDirectory | None = None,
) -> CheckBundle:
    """The transaction bundle for one outbox item (a finalised check or an amendment).

    `sender` normally comes from the organisation file: Sender.from_org_config(org,
    device_id=store_device_id(store)); without it the store's id and a generic name are used.
    `directory` is the service directory the referrals name (the bundled seed by default).
    Raises ValidationError (item="consent" when nothing may be shared), StoreError, LockedError.
    """
    if item.kind != "check":
        raise ValidationError(
            f"An outbox item of kind '{item.kind}' cannot be sent as a check.", item=item.id
        )
    check = services.load_check(store, item.check_id)
    person = services.get_person(store, check.person_id)
    history = [check]
    if check.amends_id:
        chain = services.check_history(store, check.id)
        ids = [c.id for c in chain]
        history = chain[: ids.index(check.id) + 1] if check.id in ids else [check]
    return check_bundle(
        check,
        person,
        findings=services.load_findings(store, check.id),
        follow_ups=store.follow_ups.for_check(check.id),
        consents=store.consents.history(person.id),
        sender=sender or Sender(organisation_name="Outreach service", device_id=store_device_id(store)),
        venue=venue_for_session(store, check.session_id),
        history=history,
        definition=definition,
        directory=directory or _bundled_directory(),
    )
