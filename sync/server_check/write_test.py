"""`--write-test`: a few small transactions that show how the server really stores things.

What it learns, because the app's promise of "sent exactly once" depends on it:

* whether every entry of a transaction answer carries its own `response.status` and
  `location` (the app marks a check sent only when every entry is confirmed);
* whether a conditional create sent twice stores one resource;
* whether a transaction is all or nothing: one valid entry and one that must fail
  (a reference to an organisation that does not exist). If the valid one is stored
  anyway, the server works entry by entry. This decides whether IT may set
  `sync_transactions = "whole"` (one transaction per check) or must keep `"parts"`;
* whether a Provenance sent twice as a conditional create on `target` and `agent` is
  stored once: that is how the app sends the Provenance that completes every check, and
  some servers allow conditional create on identifier searches only.

With `find_size` (`--find-size`, opt in) it also learns how many entries one transaction
may hold: it sends the largest part the app sends (100 entries), halving until the server
accepts, then narrows down to the exact limit, so IT can set `sync_max_entries`. Those use
the same identifiers on every run, so running it again never adds more than the first run
did, but on a server that refuses DELETE up to 100 test Organizations stay behind. That is
why it is a flag of its own: the plain write test writes only four small records.

Only inactive Organizations, and one Provenance about them, are written, all tagged
`connection-test`; the Organizations are named "Outreach Health Checks connection test —
safe to delete" and identified in a system of the app's own: no person, no clinical content.
Afterwards each is deleted where the server allows it (the Provenance first, as it points at
the Organizations); what could not be deleted is listed with the search that finds it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from outreach.errors import AuthError
from outreach.fhir.identifiers import CODE_SYSTEM_BASE

from .probes import TEST_SYSTEM, Prober, Refused, entries
from .report import MISSING, OK, WARN, Finding, clause

TEST_NAME: Final = "Outreach Health Checks connection test — safe to delete"
TAG_SYSTEM: Final = CODE_SYSTEM_BASE + "test-data"
TAG_CODE: Final = "connection-test"
Add = Callable[[Finding], None]
PART_SIZE: Final = 100  # the most entries the app puts in one transaction
SIZE_REFUSALS: Final = (400, 413, 422)  # how servers refuse a transaction for its size
TEST_TAG: Final = {"system": TAG_SYSTEM, "code": TAG_CODE, "display": "Connection test, safe to delete"}
# The app asks for an OperationOutcome per entry, never return=minimal: the check sends the same.
PREFER: Final = {"Prefer": "return=OperationOutcome"}
WHOLE: Final = 'sync_transactions = "whole"'
PARTS: Final = 'sync_transactions = "parts"'


@dataclass
class WriteTestResult:
    findings: list[Finding] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # "Organization/<id>" or "Provenance/<id>", as written
    left: list[str] = field(default_factory=list)  # of those, what could not be deleted

    @property
    def page_query(self) -> tuple[str, dict[str, str]] | None:
        """A search with two or more results (this run's test organisations), for the paging probe."""
        if len({r for r in self.written if r.startswith("Organization/")}) < 2:
            return None
        return "Organization", {"identifier": f"{TEST_SYSTEM}|", "_sort": "_lastUpdated"}


def connection_test_organisation(value: str, **extra: Any) -> dict[str, Any]:
    """An inactive Organization that says, in every way a person or a search could look, what it is."""
    return {
        "resourceType": "Organization",
        "meta": {"tag": [dict(TEST_TAG)]},
        "text": {
            "status": "generated",
            "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{TEST_NAME}. Written by the outreach '
            "check-server command to test this server; it holds no personal data.</div>",
        },
        "identifier": [{"system": TEST_SYSTEM, "value": value}],
        "active": False,
        "name": TEST_NAME,
        **extra,
    }


def connection_test_provenance(target: str, agent: str) -> dict[str, Any]:
    """A Provenance about one test organisation, by another: shaped as the app's, about nothing real."""
    return {
        "resourceType": "Provenance",
        "meta": {"tag": [dict(TEST_TAG)]},
        "text": {
            "status": "generated",
            "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{TEST_NAME}. Written by the outreach '
            "check-server command to test this server; it holds no personal data.</div>",
        },
        "target": [{"reference": target}],
        "recorded": datetime.now(UTC).isoformat(timespec="seconds"),
        "agent": [{"who": {"reference": agent}}],
    }


def _post(resource: dict[str, Any], condition: str | None = None) -> dict[str, Any]:
    if condition is None:
        ident = resource["identifier"][0]
        condition = f"identifier={ident['system']}|{ident['value']}"
    return {
        "fullUrl": f"urn:uuid:{uuid.uuid4()}",
        "resource": resource,
        "request": {"method": "POST", "url": resource["resourceType"], "ifNoneExist": condition},
    }


def _transaction(*items: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "transaction", "entry": list(items)}


def _status(entry: dict[str, Any]) -> str:
    return str((entry.get("response") or {}).get("status") or "")


def _location(entry: dict[str, Any]) -> str:
    return str((entry.get("response") or {}).get("location") or "")


def _ok_status(text: str) -> bool:
    return text[:1] == "2"


def _reference(location: str, rtype: str = "Organization") -> str | None:
    """`Organization/<id>` from a response location (relative or absolute, with or without _history)."""
    parts = location.split("?")[0].strip("/").split("/")
    for i, part in enumerate(parts[:-1]):
        if part == rtype:
            return f"{rtype}/{parts[i + 1]}"
    return None


class WriteTest:
    """One run of the write test. Every request goes through the prober, so a 429 is waited out
    once and counted for the rate-limit line, as for the read-only probes."""

    def __init__(self, prober: Prober, *, find_size: bool = False, transactions: str = "parts") -> None:
        self.p = prober
        self.find_size = find_size
        self.transactions = transactions  # the organisation file's sync_transactions, to judge it
        self.run = uuid.uuid4().hex[:12]
        self.result = WriteTestResult()
        self.organisations: list[str] = []  # the first transaction's two, once found

    def _remember(self, ref: str | None) -> None:
        if ref and ref not in self.result.written:
            self.result.written.append(ref)

    def _search(self, rtype: str, params: dict[str, str]) -> list[str] | None:
        """References found by a search (and remembered for the clean-up), or None when it failed."""
        try:
            answer = self.p.call("GET", rtype, params=params)
        except (Refused, AuthError):
            return None
        if not answer.ok:
            return None
        refs = []
        for e in entries(answer):
            res = e.get("resource") or {}
            if res.get("id") and res.get("resourceType", rtype) == rtype:
                refs.append(f"{rtype}/{res['id']}")
        for ref in refs:
            self._remember(ref)
        return refs

    def _found(self, value: str) -> list[str]:
        """References of stored test organisations with this identifier value."""
        return self._search("Organization", {"identifier": f"{TEST_SYSTEM}|{value}"}) or []

    def _send(self, bundle: dict[str, Any]) -> tuple[Any, str]:
        """(answer or None, words when refused)."""
        try:
            answer = self.p.call("POST", "", body=bundle, headers=dict(PREFER))
        except Refused as exc:
            return None, exc.message
        except AuthError as exc:  # e.g. 403: this account may search but not write
            return None, exc.message
        return answer, "" if answer.ok else answer.outcome_words()

    def _remember_locations(self, answer: Any, rtype: str = "Organization") -> None:
        for e in entries(answer):
            self._remember(_reference(_location(e), rtype))

    # ------------------------------------------------------------------------------------------
    def run_all(self) -> WriteTestResult:
        add = self.result.findings.append
        try:
            if self._first_and_resent(add):
                self._atomicity(add)
                self._provenance(add)
                if self.find_size:
                    self._size(add)
                else:
                    add(_size_not_tried())
        finally:
            add(self._clean_up())
        return self.result

    def _first_and_resent(self, add: Add) -> bool:
        values = (f"{self.run}-a1", f"{self.run}-a2")
        bundle = _transaction(*(_post(connection_test_organisation(v)) for v in values))
        answer, words = self._send(bundle)
        if answer is None or not answer.ok:
            for v in values:
                self._found(v)
            add(
                Finding(
                    "Transactions (live)",
                    MISSING,
                    f"A two-entry test transaction was refused: {clause(words)}.",
                    "Allow this device's account to send transaction bundles that create Organizations, "
                    "and check the server's transaction support.",
                )
            )
            return False
        got = entries(answer)
        self._remember_locations(answer)
        statuses = [_status(e) for e in got]
        if (
            len(got) == len(values)
            and all(_ok_status(s) for s in statuses)
            and all(_location(e) for e in got)
        ):
            add(
                Finding(
                    "Per-entry results",
                    OK,
                    "Each entry of a transaction answer has its own status and location "
                    f"({', '.join(statuses)}).",
                )
            )
        else:
            what = (
                "did not give each entry its own response status"
                if len(got) != len(values) or not all(_ok_status(s) for s in statuses)
                else "gave no location for an entry it stored"
            )
            add(
                Finding(
                    "Per-entry results",
                    MISSING,
                    f"The transaction answer {what}; the app marks a check sent only when the server has "
                    "confirmed every entry with its status and location.",
                    "Do not strip transaction-response entries (check any gateway in front of the server, "
                    "and that the server does not answer with an empty body); the app asks for "
                    "'Prefer: return=OperationOutcome'.",
                )
            )
        again, words = self._send(bundle)
        stored = [self._found(v) for v in values]
        self.organisations = [refs[0] for refs in stored if len(refs) == 1]
        feature = "Resending (conditional create)"
        if again is None or not again.ok:
            add(
                Finding(
                    feature,
                    MISSING,
                    f"Sending the same conditional creates a second time was refused: {clause(words)}. The "
                    "app resends a check whenever an answer was lost.",
                    "Make a conditional create that matches one resource answer 200 with that resource.",
                )
            )
        elif all(len(refs) == 1 for refs in stored):
            second = ", ".join(_status(e) for e in entries(again)) or str(again.status)
            add(Finding(feature, OK, f"Sent twice, stored once (second answer {second})."))
        else:
            counts = " and ".join(str(len(refs)) for refs in stored)
            add(
                Finding(
                    feature,
                    MISSING,
                    f"Two records sent twice were stored {counts} times: the server did not honour "
                    "ifNoneExist, so a resent check would be duplicated.",
                    "Switch on conditional create in transactions (request.ifNoneExist) on identifier.",
                )
            )
        return True

    def _atomicity(self, add: Add) -> None:
        value = f"{self.run}-b"
        broken = connection_test_organisation(
            f"{self.run}-c", partOf={"reference": f"Organization/does-not-exist-{self.run}"}
        )
        answer, _ = self._send(_transaction(_post(connection_test_organisation(value)), _post(broken)))
        kept = self._found(value)
        if answer is not None and answer.ok:
            got = entries(answer)
            self._remember_locations(answer)
            self._found(f"{self.run}-c")
            if len(got) == 2 and not _ok_status(_status(got[1])):
                add(self._entry_by_entry("it answered 2xx and marked only the broken entry as failed"))
                return
            add(
                Finding(
                    "All-or-nothing transactions",
                    WARN,
                    "Could not be tested: the server stored a reference to an organisation that does not "
                    "exist, so the deliberately broken entry did not fail (referential integrity is off).",
                    "Keep referential integrity on (Google Cloud: a FHIR store created without "
                    "disableReferentialIntegrity; HAPI FHIR: "
                    "hapi.fhir.enforce_referential_integrity_on_write "
                    "left at true), so a check whose parts do not fit together is refused, not half stored. "
                    f"Until this is known, keep {PARTS} (the default) in the organisation file.",
                )
            )
            return
        if kept:
            add(self._entry_by_entry("it refused the transaction but kept the valid entry"))
            return
        setting = (
            f"The organisation file already sets {WHOLE}, which suits this server."
            if self.transactions == "whole"
            else f"Optional, for fewer requests: set {WHOLE} in the organisation file. Each check then goes "
            "as one transaction, about five times fewer requests than the default parts."
        )
        add(
            Finding(
                "All-or-nothing transactions",
                OK,
                "One entry was deliberately broken and nothing of the transaction was stored: the server "
                f"processes a transaction all or nothing, so IT may set {WHOLE}.",
                setting,
            )
        )

    def _entry_by_entry(self, how: str) -> Finding:
        words = (
            f"The server processes a transaction entry by entry: {how}. A transaction could be half stored "
            "if one entry is refused. The app copes: it sends each check in parts ordered so that nothing "
            "refers to "
            "a part not yet stored, and marks a check sent only when the server has confirmed every entry."
        )
        if self.transactions == "whole":
            return Finding(
                "All-or-nothing transactions",
                MISSING,
                words
                + f" But the organisation file sets {WHOLE}, which sends each check as one transaction: "
                "on this server a refused entry would leave the rest of the check stored, pointing at "
                "nothing.",
                f"Set {PARTS} (the default) in the organisation file.",
            )
        return Finding(
            "All-or-nothing transactions",
            WARN,
            words,
            f"Nothing is required: keep {PARTS} (the default) in the organisation file; {WHOLE} is not safe "
            "with this server. If the server offers all-or-nothing transactions, switch that on (on Azure, "
            "do not enable parallel bundle processing for this app).",
        )

    def _provenance(self, add: Add) -> None:
        """A Provenance sent twice as a conditional create on target and agent, as the app sends it."""
        feature = "Provenance by target and agent (live)"
        if len(self.organisations) < 2:
            add(
                Finding(
                    feature,
                    WARN,
                    "Not tried: the test organisations it would point at could not be found again.",
                    "Fix the lines above first, then run the check again.",
                )
            )
            return
        target, agent = self.organisations
        condition = f"target={target}&agent={agent}"
        bundle = _transaction(_post(connection_test_provenance(target, agent), condition))
        advice = (
            "Allow conditional create (request.ifNoneExist) for Provenance on its 'target' and 'agent' "
            "search "
            "parameters, and search by both. The app sends the Provenance that completes each check this way "
            "(Provenance has no identifier in R4)."
        )
        first, words = self._send(bundle)
        if first is not None and first.ok:
            self._remember_locations(first, "Provenance")
            second, words = self._send(bundle)
            if second is not None and second.ok:
                self._remember_locations(second, "Provenance")
        else:
            second = None
        found = self._search("Provenance", {"target": target, "agent": agent})
        if first is None or not first.ok or second is None or not second.ok:
            add(
                Finding(
                    feature,
                    MISSING,
                    "A Provenance sent as a conditional create on target and agent was refused"
                    f"{' the second time' if first is not None and first.ok else ''}: {clause(words)}.",
                    advice,
                )
            )
            return
        if found is None or not found:
            add(
                Finding(
                    feature,
                    MISSING,
                    "A Provenance was accepted but could not be found again by target and agent"
                    f"{'' if found is not None else ' (the search was refused)'}; the app searches that way "
                    "to learn whether a check is complete.",
                    advice,
                )
            )
            return
        if len(found) > 1:
            add(
                Finding(
                    feature,
                    MISSING,
                    f"A Provenance sent twice was stored {len(found)} times: the server did not honour "
                    "ifNoneExist on target and agent, so every resent check would get another Provenance.",
                    advice,
                )
            )
            return
        add(Finding(feature, OK, "A Provenance sent twice on the same target and agent was stored once."))

    def _try_size(self, size: int) -> tuple[str, str]:
        """Send `size` test organisations in one transaction: ("ok" | "size" | "other" | "busy", words)."""
        bundle = _transaction(*(_post(connection_test_organisation(f"size-probe-{i}")) for i in range(size)))
        try:
            answer = self.p.call("POST", "", body=bundle, headers=dict(PREFER))
        except Refused as exc:
            return ("busy" if exc.status == 429 else "other"), exc.message
        if answer.ok:
            self._remember_locations(answer)
            return "ok", ""
        return ("size" if answer.status in SIZE_REFUSALS else "other"), answer.outcome_words()

    def _size(self, add: Add) -> None:
        """The most entries one transaction may hold: halve from 100, then narrow down to the exact limit."""
        feature = "Transaction size"
        size, refused_at, refused_words = PART_SIZE, 0, ""
        accepted = 0
        while size >= 1:
            kind, words = self._try_size(size)
            if kind == "busy":
                add(_size_rate_limited(words))
                return
            if kind == "ok":
                accepted = size
                break
            if kind == "other":
                add(
                    Finding(
                        feature,
                        WARN,
                        f"A transaction of {size} test entries was refused ({clause(words)}), not for its "
                        "size as far as the answer says.",
                        "Check the server's limits on transaction size (entries and bytes); the app sends up "
                        f"to {PART_SIZE} entries at once and halves a part refused with 400, 413 or 422.",
                    )
                )
                return
            refused_at, refused_words = size, words
            size //= 2
        if accepted == PART_SIZE:
            add(
                Finding(
                    feature,
                    OK,
                    f"A transaction of {PART_SIZE} entries, the largest part the app sends, was accepted.",
                    "Nothing is required: leave sync_max_entries = 0, or set sync_max_entries = "
                    f"{PART_SIZE}.",
                )
            )
            return
        if accepted == 0:
            add(
                Finding(
                    feature,
                    MISSING,
                    "Even a one-entry transaction of a test organisation was refused "
                    f"({clause(refused_words)}).",
                    "Check the server's limits on transaction size (entries and bytes).",
                )
            )
            return
        low, high = accepted, refused_at
        while high - low > 1:  # the exact limit lies between what was accepted and what was refused
            middle = (low + high) // 2
            kind, words = self._try_size(middle)
            if kind == "ok":
                low = middle
            elif kind == "size":
                high, refused_words = middle, words
            else:
                break
        add(
            Finding(
                feature,
                WARN,
                f"The server refused a transaction of {high} entries "
                f"({clause(refused_words)}) and accepted {low}; the app sends up to {PART_SIZE}. The app "
                "copes: it halves a part the server refuses for its size.",
                f"To skip the halving, set sync_max_entries = {low} in the organisation file.",
            )
        )

    def _clean_up(self) -> Finding:
        left: list[tuple[str, str]] = []
        for ref in reversed(self.result.written):  # the Provenance points at the organisations: it goes first
            try:
                answer = self.p.call("DELETE", ref)
            except AuthError:  # 401/403: this account may not delete
                left.append((ref, "not allowed"))
                continue
            except Refused as exc:
                left.append((ref, exc.message))
                continue
            if not (answer.ok or answer.status in (404, 410)):
                left.append((ref, answer.outcome_words()))
        left_refs = {ref for ref, _ in left}
        self.result.left = [ref for ref in self.result.written if ref in left_refs]
        wrote = len(self.result.written)
        if not left:
            return Finding(
                "Clean-up",
                OK,
                f"The {wrote} test record(s) the check wrote were deleted again."
                if wrote
                else "Nothing was stored, so there was nothing to delete.",
            )
        reasons = sorted({clause(why) for _, why in left})
        provenance = (
            " Each Provenance points at two of those organisations; find it with GET "
            "Provenance?target=Organization/<id>."
            if any(ref.startswith("Provenance/") for ref in self.result.left)
            else ""
        )
        return Finding(
            "Clean-up",
            WARN,
            f"{len(left)} of the {wrote} test record(s) could not be deleted ({'; '.join(reasons)}) and "
            f"remain on the server: {_some(self.result.left)}. Each is an inactive Organization named "
            f'"{TEST_NAME}" or a Provenance about them, carries the tag {TAG_SYSTEM}|{TAG_CODE} and holds no '
            "personal data.",
            f"Find them with GET Organization?identifier={TEST_SYSTEM}| (or ?_tag={TAG_SYSTEM}|{TAG_CODE} "
            "where "
            "the server supports _tag) and delete them with the server's own tools, Provenance first, or "
            "leave them: nothing reads them." + provenance,
        )


def _some(refs: list[str], shown: int = 5) -> str:
    """The first few references, and how many more (all of them are in the JSON report)."""
    if len(refs) <= shown:
        return ", ".join(refs)
    return ", ".join(refs[:shown]) + f" and {len(refs) - shown} more (--json lists them all)"


def _size_not_tried() -> Finding:
    return Finding(
        "Transaction size",
        OK,
        "Not tried (add --find-size). The app finds the limit by itself: with sync_max_entries = 0 it sends "
        f"parts of up to {PART_SIZE} entries and halves a part the server refuses for its size.",
    )


def _size_rate_limited(words: str) -> Finding:
    return Finding(
        "Transaction size",
        WARN,
        f"Could not be tested: the server limits how much this device may write ({clause(words)}).",
        "Raise the write limit for the laptops' accounts if they meet it in normal use.",
    )


def run_write_test(
    prober: Prober, *, find_size: bool = False, transactions: str = "parts"
) -> WriteTestResult:
    """Run the write test; `transactions` is the organisation file's sync_transactions, to judge it."""
    return WriteTest(prober, find_size=find_size, transactions=transactions).run_all()
