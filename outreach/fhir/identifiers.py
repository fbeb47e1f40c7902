"""Identifiers the app puts on every resource it sends, and how they are derived.

Why client-generated, deterministic identifiers: a check may be sent many times (a lost
response, a crash mid-send). Every resource carries an identifier the laptop chose, and
every bundle entry is a conditional create on it, so a resent bundle creates nothing new.
The identifiers are derived from the ids the store already holds (person, check,
follow-up ...) with UUID version 5, so mapping the same check twice gives the same
identifiers, with nothing extra to store.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Mapping
from typing import Any, Final

BASE: Final = "https://outreach-health-checks.org/fhir"
ID_BASE: Final = BASE + "/Id/"
STRUCTURE_BASE: Final = BASE + "/StructureDefinition/"
CODE_SYSTEM_BASE: Final = BASE + "/CodeSystem/"

# Identifier systems. Where the store has a record, its id is the identifier value.
PERSON_SYSTEM: Final = ID_BASE + "person"  # Patient: the store's person id
CHECK_SYSTEM: Final = ID_BASE + "check"  # Encounter: the store's check id (each version has its own)
FOLLOW_UP_SYSTEM: Final = ID_BASE + "follow-up"  # Task: the store's follow-up id
# Location: one per venue for the whole team, its value derived from the organisation and the
# venue's normalised name (team_location_value), so two laptops that hold checks in the same hall
# send one Location. Locations sent by earlier versions carry one laptop's venue record id here
# (a random UUID, never equal to a derived one), and stay as they are.
VENUE_SYSTEM: Final = ID_BASE + "venue"
DEVICE_SYSTEM: Final = ID_BASE + "device"  # Device: the laptop's store id
SERVICE_SYSTEM: Final = ID_BASE + "service"  # HealthcareService: the directory's service id
# Everything else produced for one check (observations, the response, referrals ...):
RECORD_SYSTEM: Final = ID_BASE + "record"
# Workers and the organisation, derived from names when nothing better is known:
WORKER_SYSTEM: Final = ID_BASE + "worker"
ORGANISATION_SYSTEM: Final = ID_BASE + "organisation"

NHS_NUMBER_SYSTEM: Final = "https://fhir.nhs.uk/Id/nhs-number"  # clinical.md 4.4 (fixed in UKCore-Patient)
ODS_ORGANISATION_SYSTEM: Final = "https://fhir.nhs.uk/Id/ods-organization-code"  # clinical.md 4.5

# The namespace of every derived UUID. Never change it: identifiers already on the
# shared record were derived from it, and a resend must derive the same ones again.
NAMESPACE: Final = uuid.UUID("e394773f-248e-4727-8529-118d3bd6e2b4")


def derived_uuid(*parts: str) -> str:
    """The same UUID for the same parts, on every laptop and every run."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


# Apostrophes vanish ("St Mark's" is "St Marks"); any other punctuation or symbol separates words.
_APOSTROPHES: Final = frozenset("'\u2019\u2018\u02bc`\u00b4")


def normalised_venue_name(name: str) -> str:
    """A venue's name as the team compares it: compatibility forms unified, accents and case
    dropped, apostrophes removed, other punctuation a space, spaces collapsed.

    "St Mark's Church Hall", "st marks church  hall " and "St. Mark’s Church-Hall" are one venue;
    two laptops rarely type a hall's name exactly alike, and a team means one place by them.
    """
    text = unicodedata.normalize("NFKD", name)
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Mn" or ch in _APOSTROPHES:  # combining accents, apostrophes
            continue
        out.append(" " if category[0] in "PSZC" else ch)
    return " ".join("".join(out).casefold().split())


def team_location_value(organisation_key: str, venue_name: str, venue_id: str) -> str:
    """The VENUE_SYSTEM identifier value of a venue: the same on every laptop of the
    organisation for the same normalised name. A venue with no name at all falls back to the
    laptop's own venue id, so unnamed venues are never merged."""
    key = normalised_venue_name(venue_name)
    return derived_uuid("location", organisation_key, key) if key else derived_uuid("venue", venue_id)


def identifier(system: str, value: str) -> dict[str, str]:
    return {"system": system, "value": value}


def identifier_value(resource: Mapping[str, Any], system: str) -> str | None:
    """The value of `resource`'s identifier in `system`, or None: the one way every reader of the
    shared record finds a record's identifier. Tolerant of what servers send: `identifier` as a
    list, or as a single object on types where it is 0..1, entries that are not objects, and text
    with stray spaces (a blank value is no value)."""
    raw = resource.get("identifier")
    items = [raw] if isinstance(raw, Mapping) else raw if isinstance(raw, list) else []
    for ident in items:
        if isinstance(ident, Mapping) and ident.get("system") == system:
            value = ident.get("value")
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


def if_none_exist(system: str, value: str) -> str:
    """The conditional-create query for one identifier (FHIR token search: system|value)."""
    return f"identifier={system}|{value}"


def check_search_params(check_id: str) -> dict[str, str]:
    """Query parameters for `GET Encounter?...` that find this check's Encounter (0 or 1 match).

    The Encounter alone does not say the whole check arrived (sync sends a check in parts and
    confirms every record; see `sync.parts`): use it to find the visit, not to prove delivery.
    """
    return {"identifier": f"{CHECK_SYSTEM}|{check_id}"}
