"""Checks: drafts autosaved on every answer, finalised once, amended as new versions.

A check's answers, element statuses and follow-up decisions are one sealed JSON
document; each autosave re-seals it under the next row version, in its own durable
transaction, so the last answer typed survives a crash. Finalising writes, in ONE
transaction: the findings, their follow-ups, the check's final state and its outbox
entry, so sync can never miss or half-see a finalised check. From then on the row
is immutable (checked here first for a clear message, enforced by a trigger).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from outreach.errors import StoreError, ValidationError
from outreach.store.database import utc_now
from outreach.store.models import check_findings, checks, follow_ups, outbox
from outreach.store.records import CheckRecord, FinalisedCheck, FindingRecord, FollowUpRecord, OutboxItem
from outreach.store.repo_context import RepoContext, new_id
from outreach.store.sealing import open_json, seal_json

TABLE = "checks"
FINDINGS = "check_findings"
FOLLOW_UPS = "follow_ups"
DECISION_KINDS = ("referral", "advice_given", "already_under_care", "declined", "clinician_override")
OPEN_DECISIONS = ("referral",)  # a referral stays open until its outcome is known

Document = dict[str, Any]

# Built once: autosave and finalise run on every answer, so their statements stay compiled.
_BY_ID = select(checks).where(checks.c.id == bindparam("check_id"))
_SAVE_DRAFT = (
    update(checks)
    .where(
        checks.c.id == bindparam("check_id"),
        checks.c.version == bindparam("old_version"),
        checks.c.status == "draft",
    )
    .values(version=bindparam("new_version"), updated_at=bindparam("now"), data=bindparam("blob"))
)
_FREEZE = (
    update(checks)
    .where(checks.c.id == bindparam("check_id"), checks.c.status == "draft")
    .values(
        status="finalised",
        version=bindparam("new_version"),
        updated_at=bindparam("now"),
        finalised_at=bindparam("now"),
        finalised_by=bindparam("actor"),
        data=bindparam("blob"),
    )
)


def empty_document() -> Document:
    return {"answers": {}, "element_status": {}, "decisions": {}, "notes": None}


class ChecksRepository:
    def __init__(self, ctx: RepoContext) -> None:
        self._ctx = ctx

    # -- reading ------------------------------------------------------------------------
    def get(self, check_id: str) -> CheckRecord:
        with self._ctx.db.read() as conn:
            row = conn.execute(_BY_ID, {"check_id": check_id}).first()
        if row is None:
            raise StoreError("This check is not in the store.")
        return self._decode(row)

    def _decode(self, row: Any) -> CheckRecord:
        doc = open_json(self._ctx.cipher, row.data, table=TABLE, record_id=row.id, version=row.version)
        return CheckRecord(
            row.id,
            row.person_id,
            row.session_id,
            row.amends_id,
            row.edition,
            row.status,
            row.definition_version,
            row.version,
            row.created_at,
            row.created_by,
            row.updated_at,
            row.finalised_at,
            row.finalised_by,
            doc,
        )

    def for_person(self, person_id: str) -> list[CheckRecord]:
        with self._ctx.db.read() as conn:
            rows = conn.execute(
                select(checks).where(checks.c.person_id == person_id).order_by(checks.c.created_at)
            ).all()
        return [self._decode(r) for r in rows]

    def drafts(self) -> list[CheckRecord]:
        with self._ctx.db.read() as conn:
            rows = conn.execute(
                select(checks).where(checks.c.status == "draft").order_by(checks.c.updated_at)
            ).all()
        return [self._decode(r) for r in rows]

    def ids(self, *, status: str | None = None) -> list[str]:
        query = select(checks.c.id)
        if status is not None:
            query = query.where(checks.c.status == status)
        with self._ctx.db.read() as conn:
            return [r.id for r in conn.execute(query)]

    def owners(self, check_ids: list[str]) -> dict[str, str]:
        """check id -> the id of the person it is about, for the given checks (a page of a list)."""
        if not check_ids:
            return {}
        with self._ctx.db.read() as conn:
            return dict(
                conn.execute(select(checks.c.id, checks.c.person_id).where(checks.c.id.in_(check_ids))).all()
            )

    def owners_and_finalised(self, check_ids: Sequence[str]) -> dict[str, tuple[str, str | None]]:
        """check id -> (the person it is about, when it was finalised) for the given checks; checks no
        longer in the store are left out. Read without decrypting, for lists that name whose check it is."""
        if not check_ids:
            return {}
        query = select(checks.c.id, checks.c.person_id, checks.c.finalised_at).where(
            checks.c.id.in_(list(check_ids))
        )
        with self._ctx.db.read() as conn:
            return {row.id: (row.person_id, row.finalised_at) for row in conn.execute(query)}

    def superseded(self, check_ids: Sequence[str]) -> set[str]:
        """Those of `check_ids` that a finalised amendment replaces (read without decrypting).

        A supervisor's "returned" review of such a version has been answered: the worker
        amended it and the newer version went for review."""
        if not check_ids:
            return set()
        query = select(checks.c.amends_id).where(
            checks.c.amends_id.in_(list(check_ids)), checks.c.finalised_at.is_not(None)
        )
        with self._ctx.db.read() as conn:
            return {row.amends_id for row in conn.execute(query)}

    def lineage(self, check_id: str) -> tuple[str | None, list[str]]:
        """(the person, the ids from this check back to the version it amends, and so on to the
        first) read without decrypting anything; (None, []) when the check is not in the store.

        Sync asks this before building a check, to refuse one without consent cheaply."""
        chain: list[str] = []
        person_id: str | None = None
        current: str | None = check_id
        with self._ctx.db.read() as conn:
            while current is not None and current not in chain:
                row = conn.execute(
                    select(checks.c.person_id, checks.c.amends_id).where(checks.c.id == current)
                ).first()
                if row is None:
                    break
                chain.append(current)
                person_id = person_id or row.person_id
                current = row.amends_id
        return person_id, chain

    def count(self, *, status: str | None = None) -> int:
        query = select(func.count()).select_from(checks)
        if status is not None:
            query = query.where(checks.c.status == status)
        with self._ctx.db.read() as conn:
            return int(conn.execute(query).scalar_one())

    def history(self, check_id: str) -> list[CheckRecord]:
        """The amendment chain this check belongs to, oldest first."""
        with self._ctx.db.read() as conn:
            first = check_id
            while True:
                parent = conn.execute(select(checks.c.amends_id).where(checks.c.id == first)).scalar()
                if parent is None:
                    break
                first = parent
            chain = []
            current: str | None = first
            while current is not None:
                row = conn.execute(select(checks).where(checks.c.id == current)).first()
                if row is None:
                    break
                chain.append(row)
                current = conn.execute(select(checks.c.id).where(checks.c.amends_id == current)).scalar()
        return [self._decode(r) for r in chain]

    def findings(self, check_id: str) -> list[FindingRecord]:
        with self._ctx.db.read() as conn:
            rows = conn.execute(
                select(check_findings)
                .where(check_findings.c.check_id == check_id)
                .order_by(check_findings.c.position)
            ).all()
        return [
            FindingRecord(
                r.id,
                r.check_id,
                r.position,
                open_json(self._ctx.cipher, r.data, table=FINDINGS, record_id=r.id, version=r.version),
            )
            for r in rows
        ]

    # -- drafts -------------------------------------------------------------------------
    def start(
        self,
        person_id: str,
        *,
        definition_version: str,
        session_id: str | None = None,
        document: Document | None = None,
        amends: CheckRecord | None = None,
    ) -> CheckRecord:
        check_id = new_id()
        now = utc_now()
        doc = document if document is not None else empty_document()
        blob = seal_json(self._ctx.cipher, doc, table=TABLE, record_id=check_id, version=1)
        actor = self._ctx.actor()
        edition = amends.edition + 1 if amends else 1
        with self._ctx.db.write() as conn:
            conn.execute(
                insert(checks),
                {
                    "id": check_id,
                    "person_id": person_id,
                    "session_id": session_id,
                    "amends_id": amends.id if amends else None,
                    "edition": edition,
                    "status": "draft",
                    "definition_version": definition_version,
                    "version": 1,
                    "created_at": now,
                    "created_by": actor,
                    "updated_at": now,
                    "finalised_at": None,
                    "finalised_by": None,
                    "data": blob,
                },
            )
            self._ctx.audit.append(
                conn,
                "check.amend" if amends else "check.start",
                user_id=actor,
                table=TABLE,
                record_id=check_id,
            )
        return CheckRecord(
            check_id,
            person_id,
            session_id,
            amends.id if amends else None,
            edition,
            "draft",
            definition_version,
            1,
            now,
            actor,
            now,
            None,
            None,
            doc,
        )

    def update_draft(
        self, check_id: str, change: Callable[[Document], None], *, action: str = "check.autosave"
    ) -> CheckRecord:
        """Apply `change` to the draft's document and save it durably (one transaction)."""
        with self._ctx.db.write() as conn:
            row = self._draft_row(conn, check_id)
            doc = open_json(self._ctx.cipher, row.data, table=TABLE, record_id=row.id, version=row.version)
            change(doc)
            version = row.version + 1
            now = utc_now()
            blob = seal_json(self._ctx.cipher, doc, table=TABLE, record_id=check_id, version=version)
            result = conn.execute(
                _SAVE_DRAFT,
                {
                    "check_id": check_id,
                    "old_version": row.version,
                    "new_version": version,
                    "now": now,
                    "blob": blob,
                },
            )
            if result.rowcount != 1:  # pragma: no cover - BEGIN IMMEDIATE makes this unreachable
                raise StoreError("This check changed while it was being saved. Try again.")
            if action:
                self._ctx.audit.append(
                    conn, action, user_id=self._ctx.actor(), table=TABLE, record_id=check_id
                )
        return CheckRecord(
            row.id,
            row.person_id,
            row.session_id,
            row.amends_id,
            row.edition,
            "draft",
            row.definition_version,
            version,
            row.created_at,
            row.created_by,
            now,
            None,
            None,
            doc,
        )

    def _draft_row(self, conn: Connection, check_id: str) -> Any:
        row = conn.execute(_BY_ID, {"check_id": check_id}).first()
        if row is None:
            raise StoreError("This check is not in the store.")
        if row.status != "draft":
            raise ValidationError(
                "This check has been finalised and cannot be changed. To correct it, amend it: "
                "that makes a new version and keeps the original.",
                item=check_id,
            )
        return row

    # -- finalising ---------------------------------------------------------------------
    def finalise(self, check_id: str, findings: Sequence[Mapping[str, Any]]) -> FinalisedCheck:
        """Freeze the draft with its findings and follow-ups and queue it for sync, atomically."""
        actor = self._ctx.actor()
        now = utc_now()
        cipher = self._ctx.cipher
        with self._ctx.db.write() as conn:
            row = self._draft_row(conn, check_id)
            doc = open_json(cipher, row.data, table=TABLE, record_id=row.id, version=row.version)
            decisions: dict[str, Any] = doc.get("decisions", {})
            missing = [
                str(f.get("title") or f.get("rule_id"))
                for f in findings
                if str(f.get("rule_id")) not in decisions
            ]
            if missing:
                raise ValidationError(
                    "Every finding needs a follow-up before the check can be finalised. Still open: "
                    + "; ".join(missing)
                    + ".",
                    item="follow_up",
                )
            finding_records: list[FindingRecord] = []
            follow_up_records: list[FollowUpRecord] = []
            for position, finding in enumerate(findings):
                finding_doc = dict(finding)
                finding_id = new_id()
                conn.execute(
                    insert(check_findings),
                    {
                        "id": finding_id,
                        "check_id": check_id,
                        "position": position,
                        "version": 1,
                        "data": seal_json(
                            cipher, finding_doc, table=FINDINGS, record_id=finding_id, version=1
                        ),
                    },
                )
                finding_records.append(FindingRecord(finding_id, check_id, position, finding_doc))
                decision = dict(decisions[str(finding_doc["rule_id"])])
                follow_id = new_id()
                state = "open" if decision.get("kind") in OPEN_DECISIONS else "closed"
                due_on = decision.get("due_on")
                follow_doc = {"rule_id": finding_doc["rule_id"], "decision": decision, "outcome_note": None}
                conn.execute(
                    insert(follow_ups),
                    {
                        "id": follow_id,
                        "check_id": check_id,
                        "finding_id": finding_id,
                        "person_id": row.person_id,
                        "version": 1,
                        "state": state,
                        "outcome": None,
                        "due_on": due_on,
                        "created_at": now,
                        "created_by": actor,
                        "updated_at": now,
                        "data": seal_json(
                            cipher, follow_doc, table=FOLLOW_UPS, record_id=follow_id, version=1
                        ),
                    },
                )
                follow_up_records.append(
                    FollowUpRecord(
                        follow_id,
                        check_id,
                        finding_id,
                        row.person_id,
                        1,
                        state,
                        None,
                        due_on,
                        now,
                        now,
                        follow_doc,
                    )
                )
            version = row.version + 1
            doc["findings_count"] = len(findings)
            conn.execute(
                _FREEZE,
                {
                    "check_id": check_id,
                    "new_version": version,
                    "now": now,
                    "actor": actor,
                    "blob": seal_json(cipher, doc, table=TABLE, record_id=check_id, version=version),
                },
            )
            outbox_id = new_id()
            conn.execute(
                insert(outbox),
                {
                    "id": outbox_id,
                    "check_id": check_id,
                    "kind": "check",
                    "state": "queued",
                    "attempts": 0,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                    "next_attempt_at": None,
                    "server_ref": None,
                    "last_error": None,
                },
            )
            self._ctx.audit.append(conn, "check.finalise", user_id=actor, table=TABLE, record_id=check_id)
        check = CheckRecord(
            row.id,
            row.person_id,
            row.session_id,
            row.amends_id,
            row.edition,
            "finalised",
            row.definition_version,
            version,
            row.created_at,
            row.created_by,
            now,
            now,
            actor,
            doc,
        )
        item = OutboxItem(outbox_id, check_id, "check", "queued", 0, now, now, None, None, None)
        return FinalisedCheck(check, finding_records, follow_up_records, item)

    def amend(self, check_id: str, *, reason: str | None = None) -> CheckRecord:
        """Start a new draft version of a finalised check, copying its content; the original stays."""
        with self._ctx.db.write():
            original = self.get(check_id)
            if not original.is_final:
                raise ValidationError(
                    "Only a finalised check can be amended; this one is still a draft.", item=check_id
                )
            with self._ctx.db.read() as conn:
                newer = conn.execute(select(checks.c.id).where(checks.c.amends_id == check_id)).scalar()
            if newer is not None:
                raise ValidationError(
                    "This check has already been amended. Open its newest version to amend it again.",
                    item=newer,
                )
            doc = {k: v for k, v in original.document.items() if k != "findings_count"}
            doc["amendment_reason"] = reason
            return self.start(
                original.person_id,
                definition_version=original.definition_version,
                session_id=original.session_id,
                document=doc,
                amends=original,
            )
