"""Checking a FHIR R4 server before the laptops sync with it (`outreach check-server`).

IT points the app at its own server (HAPI FHIR, Azure Health Data Services, Google Cloud
Healthcare API, or the reference server). This package reads what the server says it
can do (its CapabilityStatement, which needs no token), then tries the parts the app
relies on with the device token, and reports feature by feature what is there, what is
missing and what to configure. It never writes anything unless asked (`write_test`), and
then only inactive test Organizations and one Provenance about them, which it deletes again
where the server allows; the transaction-size probe (`find_size`) is asked for separately
because it writes up to 100 test Organizations.

It needs no store and imports no Qt: the command line gives it a URL and, optionally,
a token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from outreach.errors import AuthError, NetworkError, ValidationError
from sync.http import DEFAULT_TIMEOUT, FhirHttp

from . import capability, probes
from .probes import Prober, Refused
from .report import MISSING, OK, WARN, Finding, ServerReport, clause
from .write_test import TAG_CODE, TAG_SYSTEM, TEST_NAME, run_write_test

__all__ = [
    "MISSING",
    "OK",
    "TAG_CODE",
    "TAG_SYSTEM",
    "TEST_NAME",
    "WARN",
    "Finding",
    "ServerReport",
    "check_server",
]


def check_server(
    url: str,
    *,
    token: str | None = None,
    ca_bundle: str | None = None,
    write_test: bool = False,
    find_size: bool = False,
    sync_transactions: str = "parts",
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    sleep: Callable[[float], None] | None = None,
) -> ServerReport:
    """Check the server at `url` and say, feature by feature, whether the app can sync with it.

    `find_size` runs the write test with the transaction-size probe. `sync_transactions` is
    the organisation file's setting, so the write test can say whether it suits this server.

    Raises ValidationError (item "url") for an address the app would refuse, before any
    request; every answer of the server, good or bad, becomes a finding.
    """
    write_test = write_test or find_size
    if write_test and not token:
        raise ValidationError(
            "The write test needs the device token (--user NAME or --token-stdin).", item="token"
        )
    extra = {"sleep": sleep} if sleep is not None else {}
    try:
        anonymous = FhirHttp(url, "", ca_bundle=ca_bundle, timeout=timeout, pool_size=1)
    except NetworkError as exc:
        raise ValidationError(exc.message, item="url") from None
    authed = FhirHttp(url, token, ca_bundle=ca_bundle, timeout=timeout, pool_size=1) if token else None
    report = ServerReport(server=anonymous.base_url)
    anon = Prober(anonymous, **extra)
    signed = Prober(authed, **extra) if authed is not None else None
    try:
        _run(report, anon, signed, write_test, find_size=find_size, transactions=sync_transactions)
    except NetworkError as exc:
        report.add(
            "Connection",
            MISSING,
            f"The check stopped: {exc.message}",
            _CONNECTION_ADVICE,
        )
    except (Refused, AuthError) as exc:  # a refusal no step expected: report it rather than crash
        words = exc.message
        report.add(
            "Check stopped", MISSING, f"The server refused a request the check needed: {clause(words)}."
        )
    finally:
        anonymous.close()
        if authed is not None:
            authed.close()
    return report


_CONNECTION_ADVICE = (
    "Check server_url in the organisation file (the FHIR base address, e.g. ending in /fhir), "
    "that this computer can reach it (firewall, proxy), and, for a private certificate authority, ca_bundle."
)


def _run(
    report: ServerReport,
    anon: Prober,
    signed: Prober | None,
    write_test: bool,
    *,
    find_size: bool = False,
    transactions: str = "parts",
) -> None:
    statement = _capability_statement(report, anon, signed)
    if statement is None:
        return
    software = statement.get("software") or {}
    report.software = " ".join(str(software.get(k) or "") for k in ("name", "version")).strip()
    report.fhir_version = str(statement.get("fhirVersion") or "")
    report.extend(capability.analyse(statement))
    declared = capability.declared_security(capability.server_rest(statement))
    report.findings.append(probes.security(anon, declared))
    if signed is None:
        report.add(
            "Live checks with the device token",
            WARN,
            "Not run: no token was given, so sign-in, searching and paging were not tried.",
            "Run the check again with --user NAME (the token stored on this laptop) or --token-stdin.",
        )
    else:
        signed_in = probes.sign_in(signed)
        report.findings.append(signed_in)
        if signed_in.status == OK:
            page_query = None
            if write_test:
                result = run_write_test(signed, find_size=find_size, transactions=transactions)
                report.extend(result.findings)
                page_query = result.page_query
                report.left_on_server = list(result.left)
            report.extend(probes.pull_and_paging(signed, extra_page_query=page_query))
        else:
            report.add(
                "Searching, paging and writing",
                WARN,
                "Not tried, because the device token was not accepted.",
                "Fix the sign-in first, then run the check again.",
            )
    report.findings.append(probes.rate_limits([p for p in (anon, signed) if p is not None]))


def _capability_statement(report: ServerReport, anon: Prober, signed: Prober | None) -> dict[str, Any] | None:
    """GET metadata, without a token first (the FHIR way), with it when the server insists."""
    feature = "Capability statement"
    answer = None
    words = ""
    for prober in (anon, signed):
        if prober is None:
            continue
        try:
            answer = prober.call("GET", "metadata")
            break
        except AuthError:
            words = "the server asks for sign-in even to say what it supports"
            answer = None
        except Refused as exc:
            words = exc.message
            answer = None
            break
    body = answer.body if answer is not None else None
    if (
        answer is not None
        and answer.ok
        and isinstance(body, dict)
        and body.get("resourceType") == "CapabilityStatement"
    ):
        if words:  # read only with the token
            report.add(
                feature,
                WARN,
                "Read only with a token: " + words + ".",
                "Let GET metadata answer without a token, as FHIR servers normally do.",
            )
        return body
    if answer is not None:
        words = answer.outcome_words() if not answer.ok else "the answer is not a CapabilityStatement"
    report.add(
        feature,
        MISSING,
        f"GET {report.server}/metadata did not give the server's capabilities: {clause(words)}.",
        "Check that server_url is the FHIR base address (the one that answers /metadata), not a web page or "
        "a sign-in portal. "
        + (
            ""
            if signed is not None
            else "If the server needs a token even for this, run the check with --user NAME or --token-stdin."
        ),
    )
    return None
