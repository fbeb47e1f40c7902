"""`--write-test`: a few small transactions that show how the server really stores things.

What it learns, because the app's promise of "sent exactly once" depends on it:

* whether every entry of a transaction answer carries its own `response.status`
  (the app marks a check sent only when every entry is confirmed);
* whether a conditional create sent twice stores one resource;
* whether a transaction is all or nothing: one valid entry and one that must fail
  (a reference to an organisation that does not exist). If the valid one is stored
  anyway, the server works entry by entry;
* whether a PUT may create a resource under an id the client chose (how Provenance goes);
* how many entries one transaction may hold: it sends the largest part the app sends
  (100 entries), halving until the server accepts. Those use the same identifiers on every
  run, so running the check again never adds more than the first run did.

Only inactive Organizations are written, named "Outreach Health Checks connection test —
safe to delete", tagged `connection-test` and identified in a system of the app's own:
no person, no clinical content. Afterwards each is deleted where the server allows it;
what could not be deleted is listed with the search that finds it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, Final

from outreach.errors import AuthError
from outreach.fhir.identifiers import CODE_SYSTEM_BASE
from outreach.settings import OrgConfig

from .probes import TEST_SYSTEM, Prober, Refused, entries
from .report import MISSING, OK, WARN, Finding, clause

TEST_NAME: Final = "Outreach Health Checks connection test — safe to delete"
TAG_SYSTEM: Final = CODE_SYSTEM_BASE + "test-data"
TAG_CODE: Final = "connection-test"
Add = Callable[[Finding], None]
PART_SIZE: Final = 100  # the most entries the app puts in one transaction
TEST_TAG: Final = {"system": TAG_SYSTEM, "code": TAG_CODE, "display": "Connection test, safe to delete"}


@dataclass
class WriteTestResult:
    findings: list[Finding] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # "Organization/<id>", in the order written
    left: list[str] = field(default_factory=list)  # of those, what could not be deleted

    @property
    def page_query(self) -> tuple[str, dict[str, str]] | None:
        """A search with two or more results (this run's test organisations), for the paging probe."""
        if len(set(self.written)) < 2:
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


def _post(resource: dict[str, Any]) -> dict[str, Any]:
    ident = resource["identifier"][0]
    return {
        "fullUrl": f"urn:uuid:{uuid.uuid4()}",
        "resource": resource,
        "request": {
            "method": "POST",
            "url": resource["resourceType"],
            "ifNoneExist": f"identifier={ident['system']}|{ident['value']}",
        },
    }


def _transaction(*items: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "transaction", "entry": list(items)}


def _status(entry: dict[str, Any]) -> str:
    return str((entry.get("response") or {}).get("status") or "")


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
    def __init__(self, prober: Prober) -> None:
        self.p = prober
        self.run = uuid.uuid4().hex[:12]
        self.result = WriteTestResult()

    def _remember(self, ref: str | None) -> None:
        if ref and ref not in self.result.written:
            self.result.written.append(ref)

    def _found(self, value: str) -> list[str]:
        """References of stored test organisations with this identifier value."""
        try:
            answer = self.p.call("GET", "Organization", params={"identifier": f"{TEST_SYSTEM}|{value}"})
        except (Refused, AuthError):
            return []
        refs = []
        for e in entries(answer) if answer.ok else []:
            res = e.get("resource") or {}
            if res.get("id"):
                refs.append(f"Organization/{res['id']}")
        for ref in refs:
            self._remember(ref)
        return refs

    def _send(self, bundle: dict[str, Any]) -> tuple[Any, str]:
        """(answer or None, words when refused)."""
        try:
            answer = self.p.call("POST", "", body=bundle)
        except Refused as exc:
            return None, exc.words
        except AuthError as exc:  # e.g. 403: this account may search but not write
            return None, exc.message
        return answer, "" if answer.ok else answer.outcome_words()

    # ------------------------------------------------------------------------------------------
    def run_all(self) -> WriteTestResult:
        add = self.result.findings.append
        try:
            if self._first_and_resent(add):
                self._atomicity(add)
                self._client_id(add)
                self._size(add)
        finally:
            add(self._clean_up())
        return self.result

    def _first_and_resent(self, add: Add) -> bool:
        value = f"{self.run}-a"
        bundle = _transaction(_post(connection_test_organisation(value)))
        answer, words = self._send(bundle)
        if answer is None or not answer.ok:
            self._found(value)
            add(
                Finding(
                    "Transactions (live)",
                    MISSING,
                    f"A one-entry test transaction was refused: {clause(words)}.",
                    "Allow this device's account to send transaction bundles that create Organizations, "
                    "and check the server's transaction support.",
                )
            )
            return False
        got = entries(answer)
        statuses = [_status(e) for e in got]
        for e in got:
            self._remember(_reference(str((e.get("response") or {}).get("location") or "")))
        if len(got) == 1 and _ok_status(statuses[0]):
            add(
                Finding(
                    "Per-entry results",
                    OK,
                    f"Each entry of a transaction answer has its own status ({statuses[0]}).",
                )
            )
        else:
            add(
                Finding(
                    "Per-entry results",
                    MISSING,
                    "The transaction answer did not give each entry its own response status; the app marks a "
                    "check sent only when the server has confirmed every entry.",
                    "Do not strip transaction-response entries (check any gateway in front of the server, and "
                    "that the server does not answer with an empty body).",
                )
            )
        again, words = self._send(bundle)
        stored = self._found(value)
        if again is None or not again.ok:
            add(
                Finding(
                    "Resending (conditional create)",
                    MISSING,
                    f"Sending the same conditional create a second time was refused: {clause(words)}. The app resends "
                    "a check whenever an answer was lost.",
                    "Make a conditional create that matches one resource answer 200 with that resource.",
                )
            )
        elif len(stored) == 1:
            add(
                Finding(
                    "Resending (conditional create)",
                    OK,
                    f"Sent twice, stored once (second answer {_status((entries(again) or [{}])[0]) or again.status}).",
                )
            )
        else:
            add(
                Finding(
                    "Resending (conditional create)",
                    MISSING,
                    f"Sent twice, stored {len(stored)} times: the server did not honour ifNoneExist, so a resent "
                    "check would be duplicated.",
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
            for e in got:
                self._remember(_reference(str((e.get("response") or {}).get("location") or "")))
            self._found(f"{self.run}-c")
            if len(got) == 2 and not _ok_status(_status(got[1])):
                add(_entry_by_entry("it answered 2xx and marked only the broken entry as failed"))
                return
            add(
                Finding(
                    "All-or-nothing transactions",
                    WARN,
                    "Could not be tested: the server stored a reference to an organisation that does not exist, "
                    "so the deliberately broken entry did not fail (referential integrity is off).",
                    "Keep referential integrity on (Google Cloud: a FHIR store created without "
                    "disableReferentialIntegrity; HAPI FHIR: hapi.fhir.enforce_referential_integrity_on_write "
                    "left at true), so a check whose parts do not fit together is refused, not half stored.",
                )
            )
            return
        if kept:
            add(_entry_by_entry("it refused the transaction but kept the valid entry"))
            return
        add(
            Finding(
                "All-or-nothing transactions",
                OK,
                "One entry was deliberately broken and nothing of the transaction was stored: the server "
                "processes a transaction all or nothing.",
            )
        )

    def _client_id(self, add: Add) -> None:
        new_id = str(uuid.uuid4())
        resource = dict(connection_test_organisation(f"{self.run}-d"), id=new_id)
        entry = {
            "fullUrl": f"Organization/{new_id}",
            "resource": resource,
            "request": {"method": "PUT", "url": f"Organization/{new_id}"},
        }
        answer, words = self._send(_transaction(entry))
        got = entries(answer) if answer is not None and answer.ok else []
        if got and _ok_status(_status(got[0])):
            self._remember(f"Organization/{new_id}")
            add(
                Finding(
                    "Client-chosen ids (live)",
                    OK,
                    f"A PUT created a resource under the id the check chose ({_status(got[0])}).",
                )
            )
            return
        self._found(f"{self.run}-d")
        add(
            Finding(
                "Client-chosen ids (live)",
                MISSING,
                f"A PUT under a new id chosen by the client was refused: {clause(words or 'no entry status')}. The app "
                "sends Provenance that way.",
                "Allow update as create. Google Cloud: enableUpdateCreate on the FHIR store. HAPI FHIR: "
                "hapi.fhir.client_id_strategy ALPHANUMERIC (the default) or ANY, not NOT_ALLOWED.",
            )
        )

    def _size(self, add: Add) -> None:
        feature = "Transaction size"
        size, refused = PART_SIZE, ""
        while size >= 2:
            bundle = _transaction(
                *(_post(connection_test_organisation(f"size-probe-{i}")) for i in range(size))
            )
            try:
                answer = self.p.call("POST", "", body=bundle)
            except Refused as exc:
                if exc.status == 429:
                    add(
                        Finding(
                            feature,
                            WARN,
                            f"Could not be tested: the server limits how much this device may write "
                            f"({clause(exc.words)}).",
                            "Raise the write limit for the laptops' accounts if they meet it in normal use.",
                        )
                    )
                    return
                answer, words = None, exc.words
            else:
                words = answer.outcome_words()
            if answer is not None and answer.ok:
                for e in entries(answer):
                    self._remember(_reference(str((e.get("response") or {}).get("location") or "")))
                if size == PART_SIZE:
                    add(
                        Finding(
                            feature,
                            OK,
                            f"A transaction of {size} entries, the largest part the app sends, was accepted.",
                        )
                    )
                    return
                add(
                    Finding(
                        feature,
                        WARN,
                        f"The server refused a transaction of {size * 2} entries ({clause(refused)}) and "
                        f"accepted {size}. The app copes: it halves a part the server refuses for its size.",
                        f"Nothing is required. To skip the halving, set {_cap_setting(size)}.",
                    )
                )
                return
            if answer is not None and answer.status not in (400, 413, 422):
                break
            refused = words
            size //= 2
        add(
            Finding(
                feature,
                WARN,
                f"Transactions of several entries were refused ({clause(refused or words)}), although a "
                "one-entry transaction was accepted.",
                "Check the server's limits on transaction size (entries and bytes); the app sends up to "
                f"{PART_SIZE} entries at once.",
            )
        )

    def _clean_up(self) -> Finding:
        left: list[tuple[str, str]] = []
        for ref in self.result.written:
            try:
                answer = self.p.call("DELETE", ref)
            except AuthError:  # 401/403: this account may not delete
                left.append((ref, "not allowed"))
                continue
            except Refused as exc:
                left.append((ref, exc.words))
                continue
            if not (answer.ok or answer.status in (404, 410)):
                left.append((ref, answer.outcome_words()))
        self.result.left = [ref for ref, _ in left]
        wrote = len(self.result.written)
        if not left:
            return Finding(
                "Clean-up",
                OK,
                f"The {wrote} test organisation(s) the check wrote were deleted again."
                if wrote
                else "Nothing was stored, so there was nothing to delete.",
            )
        reasons = sorted({clause(why) for _, why in left})
        return Finding(
            "Clean-up",
            WARN,
            f"{len(left)} of the {wrote} test organisation(s) could not be deleted ({'; '.join(reasons)}) and "
            f'remain on the server: {_some(self.result.left)}. Each is inactive, is named "{TEST_NAME}", '
            f"carries the tag {TAG_SYSTEM}|{TAG_CODE} and holds no personal data.",
            f"Find them with GET Organization?identifier={TEST_SYSTEM}| (or ?_tag={TAG_SYSTEM}|{TAG_CODE} where "
            "the server supports _tag) and delete them with the server's own tools, or leave them: nothing "
            "reads them.",
        )


def _some(refs: list[str], shown: int = 5) -> str:
    """The first few references, and how many more (all of them are in the JSON report)."""
    if len(refs) <= shown:
        return ", ".join(refs)
    return ", ".join(refs[:shown]) + f" and {len(refs) - shown} more (--json lists them all)"


def _cap_setting(size: int) -> str:
    """Where IT can write the cap down, when this version of the app has that setting."""
    if "sync_max_entries" in {f.name for f in fields(OrgConfig)}:
        return f"sync_max_entries = {size} in the organisation file"
    return f"the server's limit to at least {PART_SIZE} entries"


def _entry_by_entry(how: str) -> Finding:
    return Finding(
        "All-or-nothing transactions",
        WARN,
        f"The server processes a transaction entry by entry: {how}. A check could be half stored if one part "
        "is refused. The app copes: it sends each check in parts ordered so that nothing refers to a part not "
        "yet stored, and marks a check sent only when the server has confirmed every entry.",
        "Nothing is required. If the server offers all-or-nothing transactions, switch that on (on Azure, "
        "do not enable parallel bundle processing for this app).",
    )


def run_write_test(prober: Prober) -> WriteTestResult:
    return WriteTest(prober).run_all()
