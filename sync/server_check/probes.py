"""Live read-only probes: does the server behave as it says, with this laptop's token?

Every probe searches for an identifier in a system only this check uses, so it finds
nothing and touches no one's record. Requests go through `FhirHttp`, the app's own HTTP
wrapper, so the check meets the same TLS rules, timeouts and token handling as a sync.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any, Final

from outreach.errors import AuthError, NetworkError
from outreach.fhir.identifiers import ID_BASE
from sync.http import AccessRefusedError, Answer, FhirHttp, TransientFailure

from .capability import PULLED_TYPES
from .report import MISSING, OK, WARN, Finding, clause

TEST_SYSTEM: Final = ID_BASE + "connection-test"  # identifiers of everything the check searches for or writes
LONG_AGO: Final = "gt2000-01-01T00:00:00Z"
MAX_RETRY_WAIT_S: Final = 10.0  # the longest Retry-After the check waits for before giving up on a request


class Refused(Exception):
    """A request the server would not carry out, in plain words (5xx other than busy, 501)."""

    def __init__(self, message: str, status: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class Prober:
    """Sends the check's requests, waits once for a Retry-After, and remembers every 429.

    Connection failures become `NetworkError` (the check cannot continue); a 5xx answer
    becomes `Refused` (that feature failed; the next may still work).
    """

    def __init__(self, http: FhirHttp, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.http = http
        self._sleep = sleep
        self.busy_answers: list[float | None] = []  # Retry-After of each 429 seen (None: not given)

    def call(self, method: str, path: str, **kwargs: Any) -> Answer:
        for attempt in (1, 2):
            try:
                return self.http.request(method, path, **kwargs)
            except TransientFailure as exc:
                if exc.status == 429:
                    self.busy_answers.append(exc.retry_after)
                    wait = exc.retry_after if exc.retry_after is not None else 1.0
                    if attempt == 1 and wait <= MAX_RETRY_WAIT_S:
                        self._sleep(wait)
                        continue
                if exc.status is None:
                    raise NetworkError(exc.message) from None
                raise Refused(_status_words(exc.status), exc.status) from None
        raise AssertionError("unreachable")  # pragma: no cover


def _status_words(status: int) -> str:
    return {
        429: "the server answered 429: too many requests",
        501: "the server answered 501: it does not implement this",
        503: "the server answered 503: unavailable for the moment",
    }.get(status, f"the server answered {status}")


def probe_query() -> dict[str, str]:
    """A search that can only find this check's own test data (a new value every run)."""
    return {"identifier": f"{TEST_SYSTEM}|probe-{uuid.uuid4().hex}"}


def entries(answer: Answer) -> list[dict[str, Any]]:
    body = answer.body if isinstance(answer.body, dict) else {}
    return [e for e in body.get("entry") or [] if isinstance(e, dict)]


def next_link(answer: Answer) -> str | None:
    body = answer.body if isinstance(answer.body, dict) else {}
    for link in body.get("link") or []:
        if isinstance(link, dict) and link.get("relation") == "next" and link.get("url"):
            return str(link["url"])
    return None


def is_searchset(answer: Answer) -> bool:
    body = answer.body
    return isinstance(body, dict) and body.get("resourceType") == "Bundle" and body.get("type") == "searchset"


# -- security: what happens without a token ------------------------------------------------------
def security(anonymous: Prober, declared: str) -> Finding:
    """Search without any token: a server that answers is open to anyone who can reach it."""
    feature = "Security (sign-in)"
    said = f" It declares {declared} sign-in." if declared else ""
    try:
        answer = anonymous.call("GET", "Encounter", params=probe_query())
    except AuthError as exc:  # 401, or 403 (AccessRefusedError)
        code = 403 if isinstance(exc, AccessRefusedError) else 401
        return Finding(feature, OK, f"The server refuses requests without a token ({code}).{said}")
    except Refused:
        answer = None
    if answer is not None and answer.ok:
        return Finding(
            feature,
            MISSING,
            "The server answered a search for records without any sign-in: anyone who can reach it could "
            "read health records.",
            "Switch on authentication: bearer tokens per device, directly or through a gateway (HAPI FHIR "
            "has no "
            "sign-in of its own: add a security interceptor or an OAuth2/SMART gateway in front; Azure and "
            "Google Cloud always ask for a token).",
        )
    if declared:
        return Finding(feature, OK, f"The server declares {declared} sign-in.")
    return Finding(
        feature,
        WARN,
        "The server does not say how clients sign in, and a search without a token did not show it either.",
        "Make sure every request needs 'Authorization: Bearer <token>': the app signs in that way.",
    )


# -- sign-in with the device token ---------------------------------------------------------------
SIGN_IN = "Sign-in with the device token"


def sign_in(prober: Prober) -> Finding:
    """The search the app makes after a lost answer, with the real token: 200 and nothing found."""
    try:
        answer = prober.call("GET", "Encounter", params=probe_query())
    except AccessRefusedError as exc:
        return Finding(
            SIGN_IN,
            MISSING,
            f"The server recognised the request but refused it (403): {exc.message.split(': ', 1)[-1]}",
            "If this laptop was revoked, enrol it again. Otherwise give the device's account permission to "
            "read "
            "and write records (Azure: the 'FHIR Data Contributor' role; Google Cloud: an IAM role that may "
            "create, read, update and delete FHIR resources; SMART: system-level read and write scopes).",
        )
    except AuthError:
        return Finding(
            SIGN_IN,
            MISSING,
            "The server did not accept the device token (401): it is wrong, has expired, or was issued for "
            "another server.",
            "Enrol this laptop again and store the new token with 'outreach sync --user NAME --set-token'. "
            "With "
            "Microsoft Entra ID or SMART tokens, check that the token was issued for this server's address "
            "(its audience) and has not expired.",
        )
    except Refused as exc:
        return Finding(
            SIGN_IN, MISSING, f"A search by identifier failed: {clause(exc.message)}.", _IDENTIFIER_ADVICE
        )
    if not (answer.ok and is_searchset(answer)):
        return Finding(
            SIGN_IN,
            MISSING,
            f"A search by identifier was refused: {clause(answer.outcome_words())}.",
            _IDENTIFIER_ADVICE,
        )
    if entries(answer):
        return Finding(
            SIGN_IN,
            MISSING,
            "A search for an identifier nobody uses returned records: the server seems to ignore the "
            "identifier parameter, so the app could not tell whether a check arrived.",
            _IDENTIFIER_ADVICE
            + " Make sure unknown or unsupported search parameters are refused, not ignored.",
        )
    return Finding(
        SIGN_IN,
        OK,
        "The token was accepted; a search by identifier answered 200 with no results, as expected.",
    )


_IDENTIFIER_ADVICE = (
    "Switch on search by 'identifier' (system|value) for Encounter and the other types the app writes."
)


# -- incremental pull and paging -----------------------------------------------------------------
def pull_and_paging(
    prober: Prober, *, extra_page_query: tuple[str, dict[str, str]] | None = None
) -> list[Finding]:
    """The app's own pull query on each pulled type, then one `next` link followed.

    `extra_page_query` is a search that is known to have two or more results (the write
    test's own organisations), used when the pulled types have too little to page through.
    """
    findings: list[Finding] = []
    failed: list[str] = []
    link: tuple[str, str] | None = None
    for rtype in PULLED_TYPES:
        params = {"_lastUpdated": LONG_AGO, "_sort": "_lastUpdated", "_count": "1"}
        try:
            answer = prober.call("GET", rtype, params=params)
        except Refused as exc:
            failed.append(f"{rtype} ({clause(exc.message)})")
            continue
        if not (answer.ok and is_searchset(answer)):
            failed.append(f"{rtype} ({clause(answer.outcome_words())})")
            continue
        if len(entries(answer)) > 1:
            findings.append(
                Finding(
                    f"Page size ({rtype})",
                    WARN,
                    f"Asked for 1 result per page, the server sent {len(entries(answer))}: it ignores "
                    "_count.",
                    "Let clients choose the page size with _count; the app asks for 100 at a time.",
                )
            )
        found = next_link(answer)
        if link is None and found:
            link = (rtype, found)
    if failed:
        findings.append(
            Finding(
                "Incremental pull",
                MISSING,
                "The app's search for what changed (_lastUpdated=gt..., _sort=_lastUpdated, _count) was "
                f"refused for: {'; '.join(failed)}.",
                "Allow search by _lastUpdated with _sort=_lastUpdated and _count on Task, HealthcareService "
                "and Device.",
            )
        )
    else:
        findings.append(
            Finding(
                "Incremental pull",
                OK,
                f"The app's search for what changed works on {', '.join(PULLED_TYPES)}.",
            )
        )
    if link is None and extra_page_query is not None:
        rtype, params = extra_page_query
        try:
            answer = prober.call("GET", rtype, params={**params, "_count": "1"})
            found = next_link(answer) if answer.ok else None
            link = (f"{rtype} (the check's own test records)", found) if found else None
        except Refused:
            link = None
    findings.append(_follow(prober, link))
    return findings


def _follow(prober: Prober, link: tuple[str, str] | None) -> Finding:
    feature = "Paging (next links)"
    if link is None:
        return Finding(
            feature,
            WARN,
            "Not tried: there was nothing to page through (fewer than two Tasks, HealthcareServices and "
            "Devices on the server).",
            "Nothing to do now. To try it, run the check again with --write-test, or once reviews exist.",
        )
    what, url = link
    try:
        reply = prober.call("GET", url)
    except NetworkError as exc:
        if "another site" in exc.message:
            return Finding(
                feature,
                MISSING,
                "The server's next link points to a different address from the one the app uses, so the app "
                "will not follow it (it would send the token elsewhere).",
                "Set the server's public base address to the one in server_url (HAPI FHIR: "
                "hapi.fhir.server_address; behind a proxy, pass the X-Forwarded headers).",
            )
        raise
    except Refused as exc:
        answer: Answer | None = None
        words = exc.message
    else:
        answer = reply
        words = reply.outcome_words()
    if answer is not None and answer.ok and is_searchset(answer):
        return Finding(feature, OK, f"Followed a next link on {what}: the second page came back.")
    return Finding(
        feature,
        MISSING,
        f"The server's own next link on {what} did not work: {clause(words)}.",
        "Make paging links usable for at least a few minutes (HAPI FHIR: "
        "hapi.fhir.retain_cached_searches_mins).",
    )


# -- rate limits ------------------------------------------------------------------------------------
def rate_limits(probers: list[Prober]) -> Finding:
    """Whether the server asked the check to slow down, and whether it said for how long."""
    seen = [r for p in probers for r in p.busy_answers]
    feature = "Rate limits (429)"
    if not seen:
        return Finding(
            feature,
            OK,
            "No request was turned away as too many. If the server limits requests, it should send 429 with "
            "Retry-After; the app waits as long as it says.",
        )
    if all(r is not None for r in seen):
        return Finding(
            feature,
            OK,
            f"The server answered 429 {len(seen)} time(s), always with Retry-After; the app waits as long as "
            "it asks.",
        )
    return Finding(
        feature,
        WARN,
        f"The server answered 429 {len(seen)} time(s), not always with Retry-After; the app then falls back "
        "to its own growing, randomised waits.",
        "Have the server (or its gateway) send Retry-After with every 429, and raise the limit for the "
        "laptops' accounts if they hit it in normal use.",
    )
