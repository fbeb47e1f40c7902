"""Pulling the team's checks from the shared record onto a supervisor's laptop.

The shared record holds each check as separate resources (see `outreach.fhir.bundle`), and
servers answer searches one resource type at a time (the reference server has no `_include`).
So each type the review needs comes down on its own incremental, paged, resumable search, with
exactly the paging, cursor, busy-server and start-again rules of the worker's pull
(`sync.pull.Puller.pull_kind`): a page's resources and the cursor that covers them commit in
one transaction. Resources are kept sealed until their check can be assembled.

A check is complete on the server once its Provenance is there: the push writes it last. The
Provenance comes down first in each run and names every part of the check, so after the other
types have come down every check whose Provenance arrived can be assembled; one whose parts are
still missing (the run was stopped, a page failed) waits, sealed, and is never shown half.
Assembled checks keep only what the review needs (`outreach.team.assemble`); their raw parts
are dropped, and a part that comes down again later (a page re-read at the cursor) is ignored.

Follow-up Tasks change after their check (the worker records an outcome): a newer version of a
Task already assembled updates that follow-up's status. Decision Tasks (this laptop's, now
confirmed, or another supervisor's) are recorded against their chain.

A 403 means the shared record does not give this laptop's token the supervisor's rights: the
team pull stops and says so in plain words; nothing else is affected and nothing is retried
in a loop (the next sync asks once more).
"""

from __future__ import annotations

import datetime as _dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from outreach.checks.definition import CheckDefinition, default_definition
from outreach.clinical.findings import RuleSet, load_rules
from outreach.errors import OutreachError
from outreach.fhir import codes
from outreach.fhir.identifiers import (
    CHECK_SYSTEM,
    FOLLOW_UP_SYSTEM,
    PERSON_SYSTEM,
    RECORD_SYSTEM,
    VENUE_SYSTEM,
    WORKER_SYSTEM,
    identifier_value,
)
from outreach.fhir.review_task import ReviewDecisionTask, is_review_task, parse_decision_task
from outreach.store import team_repo
from outreach.store.local_store import LocalStore
from outreach.team.assemble import (
    CHECK_PARTS,
    Parts,
    assemble,
    encounter_of,
    provenance_targets,
    ref_of,
    required_part,
    task_status_change,
)
from outreach.team.queue import team_dashboard
from sync.backoff import Clock
from sync.http import AccessRefusedError, DeviceRevokedError, FhirHttp
from sync.pull import KEPT, PullCounts, Puller

log = logging.getLogger(__name__)

# Provenance first: every part of a check is on the server before its Provenance, so the parts
# searched after it in the same run include every part of every Provenance seen.
TEAM_TYPES: Final = ("Provenance", "Patient", "Practitioner", "Location", "Encounter",
                     "QuestionnaireResponse", "ServiceRequest", "Consent", "Task", "Observation")
# Of the Observations only the QRISK3 score is needed (its note names the Townsend score used).
SEARCH_FILTERS: Final = {
    "Observation": {"code": f"{codes.QRISK3.codes[0].system}|{codes.QRISK3.codes[0].code}"},
}
CURSOR_PREFIX: Final = "team-"
DECISION_TYPE: Final = "ReviewTask"  # decision Tasks kept until the version they are about is here
NOT_SUPERVISOR: Final = (
    "This laptop is not enrolled with supervisor rights on the shared record, so the team's checks "
    "were not downloaded. Ask IT to enrol it for supervisors (its device token needs the supervisor role)."
)
ASSEMBLE_BATCH: Final = 100  # checks assembled per transaction
_OURS: Final = {  # the identifier a resource written by this app carries, per type
    "Patient": PERSON_SYSTEM,
    "Practitioner": WORKER_SYSTEM,
    "Location": VENUE_SYSTEM,
    "Encounter": CHECK_SYSTEM,
    "QuestionnaireResponse": RECORD_SYSTEM,
    "ServiceRequest": RECORD_SYSTEM,
    "Consent": RECORD_SYSTEM,
    "Observation": RECORD_SYSTEM,
}


@dataclass
class TeamPullReport:
    pulled: list[PullCounts] = field(default_factory=list)
    assembled: int = 0  # check versions assembled in this run
    waiting: int = 0  # checks whose Provenance is here but some part is not yet
    follow_ups_updated: int = 0
    decisions: int = 0  # decision Tasks recorded (confirmations of ours, or another supervisor's)
    not_ours: int = 0  # Provenances whose Encounter the pull went past without it being one of this app's
    refused: str | None = None  # plain words when the shared record refused the team pull (403)

    def lines(self) -> list[str]:
        if self.refused:
            return [self.refused]
        received = sum(p.received for p in self.pulled)
        out = [f"Team checks: {received} record(s) downloaded, {self.assembled} check(s) ready to review"
               + (f", {self.waiting} waiting for the rest of their records" if self.waiting else "") + "."]
        for p in self.pulled:
            if p.error:
                out.append(f"Team {p.kind.removeprefix(CURSOR_PREFIX)}: {p.error}")
        if self.follow_ups_updated:
            out.append(f"{self.follow_ups_updated} follow-up(s) changed on the shared record.")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": sum(p.received for p in self.pulled),
            "pages": sum(p.pages for p in self.pulled),
            "assembled": self.assembled,
            "waiting": self.waiting,
            "follow_ups_updated": self.follow_ups_updated,
            "decisions": self.decisions,
            "refused": self.refused,
            "errors": {p.kind: p.error for p in self.pulled if p.error},
        }


class TeamPuller:
    """One team pull: each type's new resources since its cursor, then assemble what is complete."""

    def __init__(
        self,
        store: LocalStore,
        http: FhirHttp,
        *,
        page_size: int = 500,
        cancel: threading.Event | None = None,
        on_page: Callable[[PullCounts], None] | None = None,
        clock: Clock | None = None,
        definition: CheckDefinition | None = None,
        rules: RuleSet | None = None,
    ) -> None:
        self.store = store
        self.cancel = cancel or threading.Event()
        self._puller = Puller(store, http, page_size=page_size, cancel=self.cancel, on_page=on_page,
                                     clock=clock)
        self.definition = definition or default_definition()
        self.rules = rules if rules is not None else load_rules()
        self.report = TeamPullReport()
        # What is assembled here already, read once per run: a part that comes down again (a page
        # re-read at the cursor) is recognised without a query per resource.
        with store.db.read() as conn:
            self._assembled = team_repo.assembled_encounters(conn)
            self._follow_ups = team_repo.known_follow_ups(conn)

    def pull(self) -> TeamPullReport:
        report = self.report
        encounters_passed = False
        for rtype in TEAM_TYPES:
            if self.cancel.is_set():
                break
            try:
                counts = self._puller.pull_kind(
                    CURSOR_PREFIX + rtype, rtype, self._apply, filters=SEARCH_FILTERS.get(rtype)
                )
            except DeviceRevokedError:
                raise  # the laptop itself was switched off: the run stops and says so
            except AccessRefusedError:
                # The worker's own pull moments before was accepted, so this is not a revoked
                # laptop: the token lacks the supervisor's rights. Said once, not retried.
                report.refused = NOT_SUPERVISOR
                log.warning("team pull refused (403): this device token has no supervisor rights")
                break
            report.pulled.append(counts)
            if rtype == "Encounter":
                encounters_passed = counts.error is None and not self.cancel.is_set()
        if report.refused is None:
            report.assembled += self.assemble_ready()
            if encounters_passed and not self.cancel.is_set():
                # Every Encounter written before the Provenances now here has been seen: one still
                # missing is not this app's, and is no longer counted as waiting.
                with self.store.db.write() as conn:
                    report.not_ours += team_repo.forget_pending_without_encounter(conn)
            report.decisions += self._apply_kept_decisions()
            if report.assembled or report.follow_ups_updated:
                # the dashboards' rows and figures brought up to date now, not when the supervisor opens them
                team_dashboard(self.store, _dt.date.today())
        report.waiting = team_repo.pending_count(self.store)
        return report

    def apply_resources(self, resources: list[dict[str, Any]]) -> int:
        """Apply resources that came some other way than a search page (an export, a test), in one
        transaction, exactly as a page's; returns how many were kept or applied. `assemble_ready`
        then assembles what became complete."""
        applied = 0
        with self.store.db.write() as conn:
            for resource in resources:
                if self._apply(conn, resource) is not False:
                    applied += 1
        return applied

    # -- applying one resource, inside the page's transaction ----------------------------------------
    def _apply(self, conn: Any, resource: dict[str, Any]) -> bool | str:
        rtype = str(resource.get("resourceType"))
        if not resource.get("id"):
            return False
        if rtype == "Task":
            return self._apply_task(conn, resource)
        if rtype == "Provenance":
            encounter = encounter_of(resource)
            if encounter is None or encounter in self._assembled:
                return False
            targets = provenance_targets(resource)
            team_repo.put_resource(conn, self.store, resource)
            team_repo.put_pending(conn, ref_of(resource), encounter, targets,
                                  str((resource.get("meta") or {}).get("lastUpdated") or ""))
            return KEPT
        system = _OURS.get(rtype)
        if system is None or identifier_value(resource, system) is None:
            return False  # not written by this app: not part of a check
        if rtype in CHECK_PARTS or rtype == "Observation":
            encounter = encounter_of(resource)
            if encounter is None or encounter in self._assembled:
                return False  # already assembled (a page read again at the cursor)
        team_repo.put_resource(conn, self.store, resource)
        return KEPT if rtype in CHECK_PARTS or rtype == "Observation" else True

    def _apply_task(self, conn: Any, task: dict[str, Any]) -> bool | str:
        if is_review_task(task):
            decision = parse_decision_task(task)
            if decision is None or decision.check_id is None:
                return False
            outcome = self._record_decision(conn, decision, decision.check_id)
            if outcome == "recorded":
                self.report.decisions += 1
            if outcome != "waiting":
                return outcome == "recorded"
            kept = dict(task, resourceType=DECISION_TYPE)
            team_repo.put_resource(conn, self.store, kept)  # its check version is not here yet
            return KEPT
        if identifier_value(task, FOLLOW_UP_SYSTEM) is None:
            return False
        ref = ref_of(task)
        if ref in self._follow_ups:
            if team_repo.update_follow_up(conn, self.store, ref, task_status_change(task)):
                self.report.follow_ups_updated += 1
                return True
            return False
        encounter = encounter_of(task)
        if encounter is None or encounter in self._assembled:
            return False
        team_repo.put_resource(conn, self.store, task)
        return KEPT

    def _record_decision(self, conn: Any, decision: ReviewDecisionTask, check_id: str) -> str:
        return team_repo.decision_from_server(
            conn, self.store, decision_id=decision.decision_id, check_id=check_id,
            approved=decision.approved, server_ref=f"Task/{decision.server_id}",
            data={"comment": decision.comment, "by": decision.by, "at": decision.at},
        )

    # -- assembling ----------------------------------------------------------------------------------
    def assemble_ready(self) -> int:
        """Assemble every pending check whose parts are all here; returns how many.

        A batch of checks is read with one query per type and kept in one transaction."""
        done = 0
        pending = team_repo.pending_checks(self.store)
        for start in range(0, len(pending), ASSEMBLE_BATCH):
            if self.cancel.is_set():
                break
            batch = pending[start:start + ASSEMBLE_BATCH]
            with self.store.db.write() as conn:
                found = team_repo.load_resources(
                    conn, self.store, {ref for item in batch for ref in (*item.targets, item.provenance_ref)})
                ready = []
                for item in batch:
                    if any(
                        ref not in found for ref in (*item.targets, item.provenance_ref) if required_part(ref)
                    ):
                        continue  # a part has not come down yet: it waits
                    try:
                        made = self._assemble_one(item, found)
                    except (OutreachError, KeyError, TypeError, ValueError) as exc:
                        # One check that cannot be read never stops the others; it stays pending.
                        log.warning("a team check could not be assembled: %s", type(exc).__name__)
                        continue
                    if made is not None:
                        ready.append(made)
                team_repo.save_checks(conn, self.store, ready)
            for made in ready:
                self._assembled.add(made.encounter_ref)
                self._follow_ups.update(str(f["task_ref"]) for f in made.doc.get("follow_ups") or [])
            done += len(ready)
        return done

    def _assemble_one(self, item: team_repo.PendingCheck,
                      found: dict[str, dict[str, Any]]) -> team_repo.Assembled | None:
        refs = [ref for ref in (*item.targets, item.provenance_ref) if ref in found]
        mine = {ref: found[ref] for ref in refs}
        encounter = mine.get(item.encounter_ref)
        if encounter is None:
            return None

        def first(rtype: str) -> dict[str, Any] | None:
            return next((r for ref, r in mine.items() if ref.startswith(rtype + "/")), None)

        def every(rtype: str) -> list[dict[str, Any]]:
            return [r for ref, r in mine.items() if ref.startswith(rtype + "/")]

        parts = Parts(
            provenance=mine[item.provenance_ref],
            encounter=encounter,
            response=first("QuestionnaireResponse"),
            tasks=every("Task"),
            requests=every("ServiceRequest"),
            consent=first("Consent"),
            patient=first("Patient"),
            practitioner=first("Practitioner"),
            location=first("Location"),
            observations=every("Observation"),
        )
        doc = assemble(parts, definition=self.definition, rules=self.rules)
        consumed = tuple(
            ref for ref in refs if ref.split("/", 1)[0] in (*CHECK_PARTS, "Provenance", "Observation")
        )
        person = doc.get("patient_ref") or (doc.get("person") or {}).get("id") or doc["check_id"]
        person_key = self.store.cipher.blind_index("team-person", str(person))
        return team_repo.Assembled(doc, item.encounter_ref, item.provenance_ref, consumed, person_key)

    def _apply_kept_decisions(self) -> int:
        """Decisions that came down before the version they are about: record those now here."""
        applied = 0
        with self.store.db.write() as conn:
            kept = team_repo.kept_of_type(conn, self.store, DECISION_TYPE)
            for ref, task in kept.items():
                decision = parse_decision_task(dict(task, resourceType="Task"))
                if decision is None or decision.check_id is None:
                    team_repo.forget_resources(conn, [ref])
                    continue
                outcome = self._record_decision(conn, decision, decision.check_id)
                if outcome != "waiting":
                    team_repo.forget_resources(conn, [ref])
                if outcome == "recorded":  # "known": this run's page had it already, and counted it
                    applied += 1
        return applied
