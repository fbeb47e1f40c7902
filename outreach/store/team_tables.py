"""The supervisor's tables: the team's checks as they came down from the shared record.

Declared against the store's one MetaData (`outreach.store.models.metadata`); the schema itself
is made by migration 0006. Why these columns are in clear and the rest sealed: the review queue
is filtered and ordered at 10,000 checks in well under 100 ms, so what it filters and orders
on (worker, venue, visit date, urgent, review state, when it arrived) sits in indexed columns.
None of them names or describes the person checked: workers and venues are the service's own,
and server ids are the shared record's numbers. Everything about the person (name, NHS number,
answers, findings, follow-up decisions, the supervisor's comments) is sealed in `data` with the
row's table, id and version bound in, like every other personal field of the store.

* `team_resources`: resources pulled but not yet part of an assembled check, and the shared
  ones (Patient, Practitioner, Location) that later checks refer to as well;
* `team_pending`: checks whose Provenance (written last: the check is complete on the server)
  has come down, waiting until every part it lists is here too;
* `team_checks`: one row per assembled check version;
* `team_chains`: one row per chain of versions (what a supervisor reviews), the queue's row;
* `team_follow_ups`: the follow-up of each finding, kept current from the Task's updates;
* `team_cache`: what is cheaper to keep than to work out again on every opening (the
  dashboards' rows of every chain, in a few sealed cells, each row stamped with its chain's version;
  and the dashboards' built figures, stamped with the check versions, follow-ups, day and app version
  they came from);
* `team_decisions`: the supervisor's decisions, and their own outbox state (queued, sending,
  sent, failed), since a decision is not a check of this laptop and the check outbox's rows
  must each name one.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, LargeBinary, PrimaryKeyConstraint, Table, Text

from outreach.store.models import metadata

team_resources = Table(
    "team_resources",
    metadata,
    Column("res_type", Text, nullable=False),
    Column("res_id", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("last_updated", Text, nullable=False),
    Column("data", LargeBinary, nullable=False),
    PrimaryKeyConstraint("res_type", "res_id"),
)

team_pending = Table(
    "team_pending",
    metadata,
    Column("provenance_ref", Text, primary_key=True),  # Provenance/<server id>
    Column("encounter_ref", Text, nullable=False),  # Encounter/<server id>
    Column("targets", Text, nullable=False),  # JSON list of the server refs the Provenance names
    Column("last_updated", Text, nullable=False),
)

team_checks = Table(
    "team_checks",
    metadata,
    Column("id", Text, primary_key=True),  # the worker's check id (Encounter identifier)
    Column("chain_id", Text, nullable=False),  # the first version's check id
    Column("edition", Integer, nullable=False),
    Column("encounter_ref", Text, nullable=False, unique=True),
    Column("received_at", Text, nullable=False),  # the Provenance's meta.lastUpdated
    Column("version", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

team_chains = Table(
    "team_chains",
    metadata,
    Column("chain_id", Text, primary_key=True),
    Column("check_id", Text, nullable=False),  # the newest version
    Column("edition", Integer, nullable=False),
    Column("worker", Text, nullable=False),
    Column("venue", Text, nullable=False),
    Column("visit_date", Text, nullable=False),  # YYYY-MM-DD
    Column("urgent", Integer, nullable=False),
    Column("findings", Integer, nullable=False),
    Column("state", Text, nullable=False),  # received | returned | resubmitted | approved
    Column("received_at", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),  # person's name and NHS number, for the queue row
)

team_follow_ups = Table(
    "team_follow_ups",
    metadata,
    Column("task_ref", Text, primary_key=True),  # Task/<server id>
    Column("follow_up_id", Text, nullable=False),
    Column("check_id", Text, nullable=False),
    Column("chain_id", Text, nullable=False),
    Column("state", Text, nullable=False),  # open | closed
    Column("opened_on", Text, nullable=False),
    Column("due_on", Text, nullable=True),
    Column("closed_on", Text, nullable=True),
    Column("last_updated", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),  # finding, kind, service, outcome, notes
)

team_decisions = Table(
    "team_decisions",
    metadata,
    Column("id", Text, primary_key=True),  # the decision's identifier value (a random UUID)
    Column("chain_id", Text, nullable=False),
    Column("check_id", Text, nullable=False),  # the version decided on
    Column("approved", Integer, nullable=False),
    Column("state", Text, nullable=False),  # queued | sending | sent | failed
    Column("attempts", Integer, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    Column("next_attempt_at", Text, nullable=True),
    Column("server_ref", Text, nullable=True),
    Column("version", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),  # comment, by, at, the Task as sent
    Column("last_error", LargeBinary, nullable=True),
)

team_cache = Table(
    "team_cache",
    metadata,
    Column("key", Text, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),  # e.g. every chain's dashboard row, in one sealed cell
)

# The same indexes as migration 0006 (the queue's order and filters).
_ORDER = (
    team_chains.c.urgent.desc(),
    team_chains.c.visit_date,
    team_chains.c.received_at,
    team_chains.c.chain_id,
)
Index("ix_team_chains_order", *_ORDER)
Index("ix_team_chains_state_order", team_chains.c.state, *_ORDER)
Index("ix_team_chains_worker", team_chains.c.worker)
Index("ix_team_chains_venue", team_chains.c.venue)
Index("ix_team_checks_chain", team_checks.c.chain_id, team_checks.c.edition)
Index("ix_team_follow_ups_check", team_follow_ups.c.check_id)
Index("ix_team_follow_ups_chain", team_follow_ups.c.chain_id)
Index("ix_team_decisions_chain", team_decisions.c.chain_id, team_decisions.c.created_at)
Index("ix_team_decisions_state", team_decisions.c.state, team_decisions.c.created_at)
Index("ix_team_pending_encounter", team_pending.c.encounter_ref)
