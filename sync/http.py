"""The one way the app talks HTTP: a `requests.Session` wrapper.

Why one wrapper: every call then gets the same rules without anyone remembering them:
a timeout (a silent server never hangs a sync), a User-Agent naming the app and version,
TLS verification always on (the organisation's CA bundle when IT provides one, never
"verify=False"), the bearer token sent only to the configured server and never written
into a log line, an exception message or a repr, and every failure turned into one of
a few outcomes the engine can act on:

* `Answer`            - the server answered (any status); body parsed when it is JSON;
* `TransientFailure`  - try again later: no connection, timeout, dropped, 5xx, 429, a
                        body that is not valid JSON;
* `AuthError`         - 401: the token is wrong or expired (raised: the run stops);
* `AccessRefusedError`- 403: the server knows this laptop but will not let it do this (its
                        rights, such as a worker token asking for the team's checks) (raised);
* `DeviceRevokedError`- the kind of 403 that says IT switched this laptop off (raised).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Self
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

import outreach
from outreach.errors import AuthError, NetworkError
from sync.parts import outcome_text

log = logging.getLogger(__name__)

FHIR_JSON = "application/fhir+json"
USER_AGENT = f"OutreachHealthChecks/{outreach.__version__}"
DEFAULT_TIMEOUT = (5.0, 30.0)  # (connect, read) seconds


REVOKED_DETAILS = "device-revoked"  # OperationOutcome.issue.details.text of the reference server's refusal


class AccessRefusedError(AuthError):
    """403: the server will not let this laptop do what it asked (FHIR servers answer 403 for
    missing rights: a role, a scope, an access policy). Not a revocation: saying "revoked" for
    a missing right would send IT after the wrong problem."""


class DeviceRevokedError(AccessRefusedError):
    """403 whose OperationOutcome says this laptop itself was revoked (details "device-revoked")."""


@dataclass
class TransientFailure(Exception):
    """Worth trying again later. `may_have_arrived` is True when the request may have been
    processed (the answer was lost), so the next attempt should ask the server first."""

    message: str  # in plain words, as every error of the app says what happened
    retry_after: float | None = None
    may_have_arrived: bool = True
    status: int | None = None

    def __str__(self) -> str:
        return self.message


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any = None  # parsed JSON, or None when there was no body
    elapsed: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def retry_after(self) -> float | None:
        """The server's Retry-After in seconds, when it sent one (on any status)."""
        return parse_retry_after(self.headers.get("retry-after"))

    def outcome_words(self) -> str:
        """The OperationOutcome's diagnostics in one line, or the status in words."""
        return outcome_text(self.body) or f"the server answered {self.status}"

    def matches(self, resource_type: str | None = None) -> list[dict[str, Any]] | None:
        """The resources a search found (its entries in "match" mode, not those it only included), of
        `resource_type` when given; None when this is not a successful answer holding a searchset
        Bundle, which the caller treats as a failed search, never as "found nothing"."""
        body = self.body
        if not self.ok or not isinstance(body, dict) or body.get("type") != "searchset":
            return None
        found: list[dict[str, Any]] = []
        for entry in body.get("entry") or []:
            if not isinstance(entry, dict) or not isinstance(entry.get("resource"), dict):
                continue
            if (entry.get("search") or {}).get("mode", "match") != "match":
                continue
            if resource_type is None or entry["resource"].get("resourceType") == resource_type:
                found.append(entry["resource"])
        return found


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class FhirHttp:
    """One Session to one FHIR base URL, shared by a small pool of threads.

    The Session is configured once here and never changed afterwards, which is what makes
    sharing it between the push threads safe; each thread's request gets its own
    connection from the pool (`pool_size`).
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        ca_bundle: str | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        pool_size: int = 8,
    ) -> None:
        base = base_url.rstrip("/")
        parts = urlsplit(base)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise NetworkError(
                "The shared record address is not a web address (it should start with https://)."
            )
        if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise NetworkError(
                "The shared record must be reached over https:// (plain http only on this computer)."
            )
        self.base_url = base
        self._origin = (parts.scheme, parts.netloc)
        self._timeout = timeout
        self._token = token
        session = requests.Session()
        session.trust_env = False  # no proxy or .netrc credentials picked up from the environment
        session.verify = ca_bundle or True  # always verify: the org CA bundle, else the system store
        session.headers.update({"User-Agent": USER_AGENT, "Accept": FHIR_JSON})
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(1, pool_size), max_retries=0)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        self._session = session

    def __repr__(self) -> str:  # never shows the token
        return f"FhirHttp({self.base_url!r})"

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url_for(self, path_or_url: str) -> str:
        """A full URL on our server. A `next` link elsewhere is refused: it would get our token."""
        if path_or_url.startswith(("http://", "https://")):
            parts = urlsplit(path_or_url)
            if (parts.scheme, parts.netloc) != self._origin:
                raise NetworkError("The shared record sent a link to another site; it was not followed.")
            return path_or_url
        return f"{self.base_url}/{path_or_url.lstrip('/')}"

    def request(
        self,
        method: str,
        path_or_url: str,
        *,
        body: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        timeout: tuple[float, float] | None = None,
    ) -> Answer:
        """Send one request; return the answer, or raise TransientFailure / AuthError."""
        url = self.url_for(path_or_url)
        hdrs = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        data = None
        if body is not None:
            data = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
            hdrs["Content-Type"] = FHIR_JSON
        hdrs.update(headers or {})
        try:
            resp = self._session.request(
                method,
                url,
                data=data,
                params=params,
                headers=hdrs,
                timeout=timeout or self._timeout,
                allow_redirects=False,
            )
        except requests.exceptions.ConnectTimeout:
            raise TransientFailure(
                "The shared record did not accept a connection in time.", may_have_arrived=False
            ) from None
        except requests.exceptions.Timeout:
            raise TransientFailure("The shared record did not answer in time.") from None
        except requests.exceptions.SSLError:
            # Not transient in spirit, but retrying does no harm and IT must act: say so.
            raise TransientFailure(
                "The shared record's certificate was not trusted (tell IT: check the CA "
                "bundle in the organisation file).",
                may_have_arrived=False,
            ) from None
        except requests.exceptions.ConnectionError as exc:
            refused = (
                "refused" in str(exc).lower()
                or "newconnectionerror" in type(exc.__context__).__name__.lower()
            )
            words = (
                "The shared record could not be reached (no connection)."
                if refused
                else "The connection to the shared record was cut off."
            )
            raise TransientFailure(words, may_have_arrived=not refused) from None
        except requests.exceptions.RequestException:
            raise TransientFailure("The connection to the shared record failed.") from None
        return self._answer(resp)

    def _answer(self, resp: requests.Response) -> Answer:
        status = resp.status_code
        headers = {k.lower(): v for k, v in resp.headers.items()}
        elapsed = resp.elapsed.total_seconds()
        try:
            content = resp.content
        except requests.exceptions.RequestException:
            raise TransientFailure("The shared record's answer was cut off.", status=status) from None
        body: Any = None
        malformed = False
        if content:
            try:
                body = json.loads(content)
            except ValueError:
                malformed = True
        answer = Answer(status, headers, body, elapsed)
        log.debug("%s %s -> %s in %.3f s", resp.request.method, urlsplit(resp.url).path, status, elapsed)
        if status == 401:
            raise AuthError(
                "The shared record did not accept this laptop's sign-in token (it may have expired). "
                "Ask IT for a new device token; nothing has been lost, checks wait in the outbox."
            )
        if status == 403:
            reason = answer.outcome_words() if not malformed else "no reason given"
            if not malformed and _says_revoked(body):
                raise DeviceRevokedError(f"The shared record refused this laptop: {reason}")
            raise AccessRefusedError(
                f"The shared record does not allow this laptop to do that: {reason}. "
                "Ask IT to check the rights this laptop was enrolled with; nothing has been lost."
            )
        if status == 429 or status >= 500 or status in (408,):
            retry_after = parse_retry_after(headers.get("retry-after"))
            words = {
                429: "The shared record is busy (too many requests).",
                503: "The shared record is unavailable for a moment.",
                408: "The shared record gave up waiting for the request.",
            }.get(status, f"The shared record had a problem ({status}).")
            raise TransientFailure(
                words, retry_after=retry_after, status=status, may_have_arrived=status not in (429, 503)
            )
        if malformed:
            raise TransientFailure("The shared record's answer could not be read (damaged).", status=status)
        return answer


def _says_revoked(body: Any) -> bool:
    """True when an OperationOutcome's issue details name the revoked-device refusal."""
    if not isinstance(body, dict) or body.get("resourceType") != "OperationOutcome":
        return False
    for issue in body.get("issue") or []:
        details = issue.get("details") if isinstance(issue, dict) else None
        if isinstance(details, dict) and details.get("text") == REVOKED_DETAILS:
            return True
    return False
