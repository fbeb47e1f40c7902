"""The one error the server raises, and how it becomes an OperationOutcome.

Every failure a client can see is a FhirError carrying its HTTP status and a FHIR
issue-type code, so that every error response is an OperationOutcome the client can read
(the FHIR RESTful API asks for one on every 4xx/5xx).
"""

from __future__ import annotations

from typing import Any

# HTTP reason phrases for the statuses this server uses.
REASONS: dict[int, str] = {
    200: "OK",
    201: "Created",
    304: "Not Modified",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    410: "Gone",
    411: "Length Required",
    412: "Precondition Failed",
    413: "Payload Too Large",
    414: "URI Too Long",
    415: "Unsupported Media Type",
    417: "Expectation Failed",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
}


def status_line(status: int) -> str:
    """The WSGI status string, e.g. '201 Created'."""
    return f"{status} {REASONS.get(status, 'Unknown')}"


class FhirError(Exception):
    """A refusal with an HTTP status, a FHIR issue code and words for the person reading logs.

    `details` is a short machine-readable code (OperationOutcome.issue.details.text) for the
    cases a client must act on, such as 'restart-search' when a paging link has expired.
    """

    def __init__(
        self,
        status: int,
        code: str,
        diagnostics: str,
        *,
        details: str | None = None,
        headers: dict[str, str] | None = None,
        expression: str | None = None,
    ) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.code = code
        self.diagnostics = diagnostics
        self.details = details
        self.headers = dict(headers or {})
        self.expression = expression

    def with_entry(self, index: int) -> FhirError:
        """The same error, prefixed with the transaction entry it came from."""
        where = f"Bundle.entry[{index}]"
        if self.expression:
            # 'Patient.birthDate' inside an entry is 'Bundle.entry[i].resource.birthDate'.
            head, _, rest = self.expression.partition(".")
            where += f".resource.{rest}" if head[:1].isupper() and rest else ".resource"
        return FhirError(
            self.status,
            self.code,
            f"Bundle.entry[{index}]: {self.diagnostics}",
            details=self.details,
            headers=self.headers,
            expression=where,
        )

    def outcome(self) -> dict[str, Any]:
        return operation_outcome(
            "error" if self.status < 500 else "fatal",
            self.code,
            self.diagnostics,
            details=self.details,
            expression=self.expression,
        )


def operation_outcome(
    severity: str,
    code: str,
    diagnostics: str,
    *,
    details: str | None = None,
    expression: str | None = None,
) -> dict[str, Any]:
    """A one-issue OperationOutcome as a JSON-ready dict."""
    issue: dict[str, Any] = {"severity": severity, "code": code, "diagnostics": diagnostics}
    if details:
        issue["details"] = {"text": details}
    if expression:
        issue["expression"] = [expression]
    return {"resourceType": "OperationOutcome", "issue": [issue]}


def bad_request(diagnostics: str, code: str = "invalid") -> FhirError:
    return FhirError(400, code, diagnostics)


def not_supported(diagnostics: str, status: int = 501) -> FhirError:
    return FhirError(status, "not-supported", diagnostics)
