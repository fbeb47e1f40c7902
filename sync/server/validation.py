"""Checking an incoming resource before anything is stored.

Every resource is validated against the fhir.resources R4B model of its type, so that the
shared record never holds something another FHIR server would reject as malformed.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from .errors import FhirError, bad_request
from .resource_types import ID_RE, SUPPORTED_TYPES, check_identifier_lengths

_MAX_REPORTED = 5


@cache
def _model(resource_type: str) -> Any:
    return get_fhir_model_class(resource_type)


def check_supported_type(resource_type: str) -> None:
    """404 for a type the server does not hold (FHIR: 'resource type not supported')."""
    if resource_type not in SUPPORTED_TYPES:
        raise FhirError(
            404,
            "not-supported",
            f"Resource type '{resource_type}' is not supported by this server. "
            f"Supported: {', '.join(SUPPORTED_TYPES)}.",
        )


def check_id(resource_id: str) -> None:
    if not ID_RE.match(resource_id):
        raise bad_request(f"'{resource_id}' is not a valid FHIR id (1-64 of A-Z, a-z, 0-9, '-', '.').")


def validate_resource(body: Any, expected_type: str | None = None) -> str:
    """Validate one resource and return its type, or raise a 400 FhirError saying why.

    A resource that fails the FHIR structure rules is a 400 (not 422): FHIR keeps 422 for
    profile and business-rule failures.
    """
    if not isinstance(body, dict):
        raise FhirError(400, "structure", "The body must be a JSON object holding one FHIR resource.")
    resource_type = body.get("resourceType")
    if not isinstance(resource_type, str) or not resource_type:
        raise FhirError(400, "structure", "The resource has no resourceType.", expression="resourceType")
    if expected_type is not None and resource_type != expected_type:
        raise FhirError(
            400,
            "invalid",
            f"The resource is a {resource_type} but the request is for {expected_type}.",
            expression="resourceType",
        )
    check_supported_type(resource_type)
    if "id" in body and not (isinstance(body["id"], str) and ID_RE.match(body["id"])):
        raise FhirError(
            400, "value", "The resource id is not a valid FHIR id.", expression=f"{resource_type}.id"
        )
    try:
        _model(resource_type).model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0].get("loc", ()) if exc.errors() else ()
        path = ".".join(str(x) for x in first if not isinstance(x, int))
        raise FhirError(
            400,
            "structure",
            f"{resource_type} is not valid FHIR: {_describe(exc)}",
            expression=f"{resource_type}.{path}" if path else resource_type,
        ) from None
    except (TypeError, ValueError) as exc:  # fhir.resources raises these for some malformed values
        raise FhirError(400, "structure", f"{resource_type} is not valid FHIR: {exc}") from None
    check_identifier_lengths(body)
    return resource_type


def _describe(exc: ValidationError) -> str:
    parts = []
    errors = exc.errors()
    for err in errors[:_MAX_REPORTED]:
        loc = ".".join(str(x) for x in err.get("loc", ()))
        parts.append(f"{loc or '(resource)'}: {err.get('msg', 'invalid')}")
    if len(errors) > _MAX_REPORTED:
        parts.append(f"and {len(errors) - _MAX_REPORTED} more")
    return "; ".join(parts)
