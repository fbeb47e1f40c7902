"""What the person agreed to share, and the Consent resource that travels with each check.

The store keeps consent as append-only decisions per scope ("check", "gp",
"mental_health_trust", "charity"); the newest decision per scope counts. The shared record
is one record that the GP, the mental health trust and the charity all read, so the check
goes there when the person agreed to the check and to sharing with at least one of them,
and the Consent resource in the same bundle says, recipient by recipient, who may see it
(permit) and who may not (deny). A recipient never asked is a deny: consent not given is
not consent. With nothing to share at all, nothing is sent (the sync engine holds the
item and the mapping refuses too, so no path can leak it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from outreach.errors import ValidationError
from outreach.fhir import codes
from outreach.fhir.identifiers import ID_BASE
from outreach.store.records import ConsentRecord

if TYPE_CHECKING:
    from outreach.store.local_store import LocalStore

RECIPIENTS: Final = ("gp", "mental_health_trust", "charity")
RECIPIENT_SYSTEM: Final = ID_BASE + "sharing-recipient"
RECIPIENT_NAMES: Final = {
    "gp": "The person's GP practice",
    "mental_health_trust": "The mental health trust",
    "charity": "The outreach charity partner",
}
_CONSENT_CATEGORY: Final = codes.Code(codes.LOINC, "59284-0", "Patient Consent")  # general knowledge [U]
_INFORMATION_RECIPIENT: Final = codes.Code(codes.PARTICIPATION_TYPE, "IRCP", "information recipient")


@dataclass(frozen=True, slots=True)
class SharingConsent:
    """The decisions that count for one check: True given, False refused, None never asked."""

    check: bool | None
    recipients: dict[str, bool | None]
    record_ids: tuple[str, ...]  # the consent records these decisions come from
    recorded_at: str | None  # the newest of them
    notes: tuple[str, ...] = ()

    @property
    def shared_with(self) -> tuple[str, ...]:
        return tuple(r for r in RECIPIENTS if self.recipients.get(r) is True)

    @property
    def may_send(self) -> bool:
        return self.check is True and bool(self.shared_with)

    def refusal(self) -> str | None:
        """Why the check may not go to the shared record, in words for the worker; None if it may."""
        if self.check is not True:
            return ("The person's consent to this check is not recorded, so it stays on this laptop. "
                    "Record their consent to send it.")
        if not self.shared_with:
            return ("The person has not agreed to share this check with their GP, the mental health trust or "
                    "the charity, so it stays on this laptop.")
        return None


def sharing_consent(consents: Iterable[ConsentRecord], check_ids: Sequence[str]) -> SharingConsent:
    """The newest decision per scope.

    Consent to the check itself counts only when it was recorded for this check (or one of
    the versions it amends, `check_ids`) or for no particular check. Sharing decisions are
    the person's current wish whichever check they were recorded at, so a later "no"
    also stops an older check that has not been sent yet.
    """
    ordered = sorted(enumerate(consents), key=lambda pair: (pair[1].recorded_at, pair[0]))
    chain = set(check_ids)
    newest: dict[str, ConsentRecord] = {}
    for _, record in ordered:
        if record.scope == "check" and record.check_id is not None and record.check_id not in chain:
            continue
        newest[record.scope] = record
    used = [newest[s] for s in ("check", *RECIPIENTS) if s in newest]
    return SharingConsent(
        check=newest["check"].granted if "check" in newest else None,
        recipients={r: (newest[r].granted if r in newest else None) for r in RECIPIENTS},
        record_ids=tuple(sorted(r.id for r in used)),
        recorded_at=max((r.recorded_at for r in used), default=None),
        notes=tuple(r.note for r in used if r.note),
    )


def check_refusal(store: LocalStore, check_id: str) -> str | None:
    """Why this check may not leave the laptop (no consent to the check, or to sharing with
    anyone), in the worker's words; None when it may. Read from the consent rows alone, so asking
    costs no decryption of the check. The sync engine holds such a check, the mapping refuses it,
    and the outbox says so before any sync has run."""
    person_id, chain = store.checks.lineage(check_id)
    if person_id is None:
        return "This check is no longer in the store."
    return sharing_consent(store.consents.history(person_id), chain).refusal()

def require_consent(consent: SharingConsent) -> None:
    """ValidationError(item="consent") when nothing may be sent."""
    reason = consent.refusal()
    if reason is not None:
        raise ValidationError(reason, item="consent")


def consent_resource(consent: SharingConsent, *, identifier: dict[str, str], patient_ref: str,
                     organisation_ref: str, encounter_ref: str, gp_ods_code: str | None,
                     recorded_fallback: str) -> dict[str, Any]:
    """One Consent: permit for the check, then a nested permit or deny per recipient."""
    nested = []
    for recipient in RECIPIENTS:
        decision = consent.recipients.get(recipient)
        actor_ref: dict[str, Any] = {
            "identifier": {"system": RECIPIENT_SYSTEM, "value": recipient},
            "display": RECIPIENT_NAMES[recipient],
        }
        if recipient == "gp" and gp_ods_code:
            actor_ref["display"] = f"{RECIPIENT_NAMES['gp']} ({gp_ods_code})"
        nested.append({
            "type": "permit" if decision is True else "deny",
            "actor": [{"role": {"coding": [_INFORMATION_RECIPIENT.coding()]}, "reference": actor_ref}],
        })
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "identifier": [identifier],
        "status": "active",
        "scope": {
            "coding": [
                {"system": codes.CONSENT_SCOPE, "code": "patient-privacy", "display": "Privacy Consent"}
            ]
        },
        "category": [{"coding": [_CONSENT_CATEGORY.coding()]}],
        "patient": {"reference": patient_ref},
        "dateTime": consent.recorded_at or recorded_fallback,
        "performer": [{"reference": patient_ref}],
        "organization": [{"reference": organisation_ref}],
        "policyRule": {"coding": [{"system": codes.CONSENT_POLICY, "code": "OPTIN", "display": "opt-in"}]},
        "provision": {
            "type": "permit" if consent.check is True else "deny",
            "data": [{"meaning": "related", "reference": {"reference": encounter_ref}}],
            "provision": nested,
        },
    }
    return resource
