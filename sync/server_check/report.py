"""What `outreach check-server` found, feature by feature, in words IT can act on.

Each finding is one line: OK, MISSING (the app cannot sync properly without it) or WARN
(the app copes, or the check could not tell), what was found, and what to configure.
The exit code follows from it: 0 when nothing the app needs is missing, 1 otherwise.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["OK", "MISSING", "WARN"]
OK: Status = "OK"
MISSING: Status = "MISSING"
WARN: Status = "WARN"


@dataclass(frozen=True)
class Finding:
    """One feature the app relies on, and whether this server has it."""

    feature: str
    status: Status
    finding: str
    configure: str = ""  # empty when nothing needs doing


@dataclass
class ServerReport:
    """Everything one check found. Holds no token and no personal data: only what the
    server says about itself and what happened to the check's own test requests."""

    server: str
    software: str = ""
    fhir_version: str = ""
    findings: list[Finding] = field(default_factory=list)
    left_on_server: list[str] = field(default_factory=list)  # "Organization/<id>" the check could not delete

    def add(self, feature: str, status: Status, finding: str, configure: str = "") -> Finding:
        item = Finding(feature, status, finding, configure)
        self.findings.append(item)
        return item

    def extend(self, findings: list[Finding]) -> None:
        self.findings.extend(findings)

    def count(self, status: Status) -> int:
        return sum(1 for f in self.findings if f.status == status)

    @property
    def ok(self) -> bool:
        """True when nothing the app needs is missing (warnings do not count)."""
        return self.count(MISSING) == 0

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def summary(self) -> str:
        missing, warnings = self.count(MISSING), self.count(WARN)
        tail = f" ({warnings} warning{'s' if warnings != 1 else ''} to read)" if warnings else ""
        if missing:
            return (
                f"{missing} thing{'s' if missing != 1 else ''} the app needs "
                f"{'are' if missing != 1 else 'is'} missing: see the lines marked MISSING{tail}."
            )
        return f"Everything the app needs is there{tail}."

    def as_dict(self) -> dict[str, Any]:
        return {
            "server": self.server,
            "software": self.software,
            "fhir_version": self.fhir_version,
            "ok": self.ok,
            "summary": self.summary(),
            "features": [asdict(f) for f in self.findings],
            "left_on_server": list(self.left_on_server),
        }

    def lines(self) -> list[str]:
        """The report as plain text, one finding per line (its advice indented below it)."""
        about = ", ".join(
            p for p in (self.software, f"FHIR {self.fhir_version}" if self.fhir_version else "") if p
        )
        out = [f"Shared record: {self.server}" + (f" ({about})" if about else ""), ""]
        for f in self.findings:
            out.append(f"{f.status:<8} {f.feature}: {f.finding}")
            if f.configure:
                out.append(f"{'':<8} What to configure: {f.configure}")
        out += ["", self.summary()]
        return out


def clause(text: str) -> str:
    """A server's words to put inside a sentence of ours: one line, without a closing full stop."""
    return " ".join(str(text).split()).rstrip(". ") or "no reason given"
