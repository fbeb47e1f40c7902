"""People: demographics sealed in one blob; two blind indexes for exact matches.

`nhs_index` finds a person by NHS number; `match_index` (family name, given name and
date of birth, folded) finds likely duplicates when no NHS number is known, which is
also how re-importing a caseload avoids adding anyone twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update

from outreach.errors import ConflictError, CorruptRecordError, StoreError
from outreach.store.database import utc_now
from outreach.store.models import people
from outreach.store.records import PersonDetails, PersonRecord
from outreach.store.repo_context import RepoContext, new_id
from outreach.store.sealing import open_json, seal_json
from outreach.store.search_index import PeopleIndex, PersonHit, fold

TABLE = "people"
_BY_NHS = select(people).where(people.c.nhs_index == bindparam("nhs_index"))
_BY_ID = select(people).where(people.c.id == bindparam("person_id"))


def match_key(details: PersonDetails) -> str:
    return "|".join(
        (fold(details.family_name).strip(), fold(details.given_name).strip(), details.date_of_birth)
    )


class PeopleRepository:
    def __init__(self, ctx: RepoContext, index: PeopleIndex) -> None:
        self._ctx = ctx
        self._index = index

    # -- blind indexes ------------------------------------------------------------
    def nhs_index(self, nhs_number: str) -> str:
        return self._ctx.cipher.blind_index("nhs_number", nhs_number)

    def match_index(self, details: PersonDetails) -> str:
        return self._ctx.cipher.blind_index("person_match", match_key(details))

    # -- writes -----------------------------------------------------------------------
    def add(self, details: PersonDetails) -> PersonRecord:
        person_id = new_id()
        now = utc_now()
        blob = seal_json(self._ctx.cipher, details.to_document(), table=TABLE, record_id=person_id, version=1)
        with self._ctx.db.write() as conn:
            conn.execute(
                insert(people),
                {
                    "id": person_id,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                    "created_by": self._ctx.actor(),
                    "nhs_index": self.nhs_index(details.nhs_number) if details.nhs_number else None,
                    "match_index": self.match_index(details),
                    "data": blob,
                },
            )
            self._ctx.audit.append(
                conn, "person.register", user_id=self._ctx.actor(), table=TABLE, record_id=person_id
            )
            record = PersonRecord(person_id, 1, details, now, now)
            self._ctx.db.after_commit(lambda: self._index.put(_hit(record)))
        return record

    def update(self, person_id: str, details: PersonDetails, *, expected_version: int) -> PersonRecord:
        """Replace the demographics; refuses if someone changed them since `expected_version` was read."""
        now = utc_now()
        version = expected_version + 1
        blob = seal_json(
            self._ctx.cipher, details.to_document(), table=TABLE, record_id=person_id, version=version
        )
        with self._ctx.db.write() as conn:
            result = conn.execute(
                update(people)
                .where(people.c.id == person_id, people.c.version == expected_version)
                .values(
                    version=version,
                    updated_at=now,
                    data=blob,
                    nhs_index=self.nhs_index(details.nhs_number) if details.nhs_number else None,
                    match_index=self.match_index(details),
                )
            )
            if result.rowcount != 1:
                exists = conn.execute(select(people.c.id).where(people.c.id == person_id)).first()
                if exists is None:
                    raise StoreError("This person is not in the store.")
                raise ConflictError(
                    "This person's details were changed elsewhere. Reopen them and try again."
                )
            self._ctx.audit.append(
                conn, "person.update", user_id=self._ctx.actor(), table=TABLE, record_id=person_id
            )
            created = conn.execute(select(people.c.created_at).where(people.c.id == person_id)).scalar_one()
            record = PersonRecord(person_id, version, details, created, now)
            self._ctx.db.after_commit(lambda: self._index.put(_hit(record)))
        return record

    # -- reads --------------------------------------------------------------------------
    def get(self, person_id: str) -> PersonRecord:
        with self._ctx.db.read() as conn:
            row = conn.execute(_BY_ID, {"person_id": person_id}).first()
        if row is None:
            raise StoreError("This person is not in the store.")
        return self._decode(row)

    def _decode(self, row: Any) -> PersonRecord:
        doc = open_json(self._ctx.cipher, row.data, table=TABLE, record_id=row.id, version=row.version)
        return PersonRecord(
            row.id, row.version, PersonDetails.from_document(doc), row.created_at, row.updated_at
        )

    def find_by_nhs_number(self, nhs_number: str) -> list[PersonRecord]:
        with self._ctx.db.read() as conn:
            rows = conn.execute(_BY_NHS, {"nhs_index": self.nhs_index(nhs_number)}).all()
        return [self._decode(r) for r in rows]

    def find_same_person(self, details: PersonDetails) -> list[str]:
        """Ids of people already stored who are this person (same NHS number, or same name and birth date)."""
        condition = people.c.match_index == self.match_index(details)
        if details.nhs_number:
            condition = condition | (people.c.nhs_index == self.nhs_index(details.nhs_number))
        with self._ctx.db.read() as conn:
            return [r.id for r in conn.execute(select(people.c.id).where(condition))]

    def count(self) -> int:
        with self._ctx.db.read() as conn:
            return int(conn.execute(select(func.count()).select_from(people)).scalar_one())

    def build_index(self) -> None:
        """Decrypt every person once into the in-memory search index (after unlock).

        A damaged record does not stop the others: its id goes to `index.unreadable`.
        """
        hits: list[PersonHit] = []
        unreadable: list[str] = []
        for row in self._rows():
            try:
                doc = open_json(
                    self._ctx.cipher, row.data, table=TABLE, record_id=row.id, version=row.version
                )
            except CorruptRecordError:
                unreadable.append(row.id)
                continue
            hits.append(
                PersonHit(
                    row.id,
                    doc.get("given_name") or "",
                    doc.get("family_name") or "",
                    doc.get("date_of_birth") or "",
                    doc.get("nhs_number"),
                )
            )
        self._index.clear()
        self._index.bulk_load(hits)
        self._index.unreadable.extend(unreadable)

    def _rows(self) -> Iterator[Any]:
        with self._ctx.db.read() as conn:
            yield from conn.execute(select(people.c.id, people.c.version, people.c.data)).all()


def _hit(record: PersonRecord) -> PersonHit:
    d = record.details
    return PersonHit(record.id, d.given_name, d.family_name, d.date_of_birth, d.nhs_number)
