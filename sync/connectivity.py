"""Is the shared record reachable from here, right now?

A cheap question the app asks before an automatic sync (and that "Sync now" skips): one
unauthenticated `GET /metadata` with a short timeout. Venues often have no network, so
"not reachable" is normal, not an error: it returns False and nothing is logged above
debug level.
"""

from __future__ import annotations

from outreach.errors import OutreachError
from sync.http import FhirHttp, TransientFailure

PROBE_TIMEOUT = (2.0, 3.0)


def shared_record_reachable(server_url: str, ca_bundle: str | None = None) -> bool:
    """True when the server answers its CapabilityStatement (TLS verified as for sync)."""
    if not server_url:
        return False
    try:
        with FhirHttp(server_url, "", ca_bundle=ca_bundle, timeout=PROBE_TIMEOUT, pool_size=1) as http:
            answer = http.request("GET", "metadata")
    except TransientFailure:
        return False
    except OutreachError:  # a bad address: not reachable as configured
        return False
    return (
        answer.ok
        and isinstance(answer.body, dict)
        and answer.body.get("resourceType") == "CapabilityStatement"
    )
