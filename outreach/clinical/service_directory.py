"""The offline service directory that referrals point at.

A referral must name a real service, so the worker picks from this list even
with no network. The bundled seed (resources/directory/services.json) is
replaced by the directory the shared record sends down; both have this shape.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from outreach.clinical.inputs import describe
from outreach.errors import DefinitionError
from outreach.resources import resource_path


@dataclass(frozen=True, slots=True)
class Service:
    """One service a finding can be referred to."""

    id: str
    name: str
    category: str
    description: str
    phone: str | None = None


def in_sentence(name: str) -> str:
    """A name as it reads after other words: "referral to the person's GP practice", not "to The
    person's ...". Names are kept as they head a list ("The person's GP practice"); only a leading
    "The" changes."""
    return "the" + name[3:] if name.startswith("The ") else name


@dataclass(frozen=True, slots=True)
class ServiceDirectory:
    """Services by id, in the order the file lists them."""

    id: str
    version: str
    services: Mapping[str, Service]

    def __contains__(self, service_id: object) -> bool:
        return service_id in self.services


_REQUIRED = {"id", "name", "category", "description"}
_ALLOWED = _REQUIRED | {"phone"}


def load_service_directory(path: str | Path | None = None) -> ServiceDirectory:
    """Read a directory file (default: the bundled seed); DefinitionError names a bad entry."""
    file = Path(path) if path is not None else resource_path("directory", "services.json")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise DefinitionError(
            f"The service directory {file.name} cannot be read ({exc.__class__.__name__})"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("services"), list):
        raise DefinitionError("The service directory must be an object with a list of services")
    services: dict[str, Service] = {}
    for index, raw in enumerate(data["services"]):
        if not isinstance(raw, dict):
            raise DefinitionError(f"Service number {index + 1} is not an object")
        service_id = raw.get("id")
        if not isinstance(service_id, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", service_id):
            raise DefinitionError(
                f"Service number {index + 1} needs an id of lower-case letters, digits and hyphens"
            )
        unknown = sorted(set(raw) - _ALLOWED)
        missing = sorted(_REQUIRED - set(raw))
        if unknown or missing:
            raise DefinitionError(
                f"Service {service_id}: "
                + "; ".join(
                    ([f"unknown {', '.join(unknown)}"] if unknown else [])
                    + ([f"missing {', '.join(missing)}"] if missing else [])
                ),
                item=service_id,
            )
        values = {k: raw[k] for k in _ALLOWED if k in raw}
        for key, value in values.items():
            if not isinstance(value, str) or not value.strip():
                raise DefinitionError(
                    f"Service {service_id}: {key} must be text, not {describe(value)}", item=service_id
                )
        if service_id in services:
            raise DefinitionError(f"Service id {service_id} is listed twice", item=service_id)
        services[service_id] = Service(**values)
    return ServiceDirectory(
        id=str(data.get("id", "")), version=str(data.get("version", "")), services=MappingProxyType(services)
    )
