"""The review queue, one team check as the worker recorded it, and the rows the dashboards count.

Why the queue reads only clear indexed columns plus one small sealed cell per shown row: a
supervisor's store holds the whole team's checks (10,000 and more), and opening or filtering
the queue must answer at once; only the names on the page being shown are unsealed.

All functions take the (unlocked) store first and run on the store worker from the UI.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

from outreach import __version__
from outreach.checks import units
from outreach.checks.answers import entry_from_json
from outreach.checks.definition import CORE_ELEMENTS, CheckDefinition, Item, default_definition
from outreach.checks.validation import normalise
from outreach.errors import StoreError, ValidationError
from outreach.store import team_repo
from outreach.store.local_store import LocalStore
from outreach.team.assemble import consent_words, findings_of, follow_ups_of, person_of, record_of
from outreach.team.dashboard import (
    Dashboard,
    DashboardCheck,
    DashboardFollowUp,
    build_dashboard,
    dashboard_from_json,
    dashboard_to_json,
)
from outreach.team.records import (
    ChangedAnswer,
    Decision,
    QueueFilter,
    QueueRow,
    TeamCheckView,
    VersionInfo,
)

__all__ = ["dashboard_checks", "load_team_check", "queue_choices", "queue_count", "queue_page"]


def _query(flt: QueueFilter) -> team_repo.QueueQuery:
    return team_repo.QueueQuery(
        worker=flt.worker or None,
        venue=flt.venue or None,
        date_from=flt.date_from.isoformat() if flt.date_from else None,
        date_to=flt.date_to.isoformat() if flt.date_to else None,
        states=tuple(sorted(flt.states)),
    )


def queue_page(store: LocalStore, flt: QueueFilter, offset: int, limit: int) -> list[QueueRow]:
    """Rows `offset` .. `offset + limit` of the queue: urgent findings first, then the oldest visit."""
    today = flt.today or _dt.date.today()
    out = []
    for row in team_repo.queue_rows(store, _query(flt), offset, limit):
        visit = _dt.date.fromisoformat(row.visit_date)
        out.append(QueueRow(
            chain_id=row.chain_id, check_id=row.check_id, edition=row.edition, person_name=row.person_name,
            nhs_number=row.nhs_number, worker=row.worker, venue=row.venue, visit_date=visit,
            received_at=row.received_at, urgent=row.urgent, findings=row.findings, state=row.state,
            age_days=max(0, (today - visit).days),
        ))
    return out


def queue_count(store: LocalStore, flt: QueueFilter) -> int:
    return team_repo.queue_size(store, _query(flt))


def queue_choices(store: LocalStore) -> tuple[list[str], list[str]]:
    """(workers, venues) for the filter boxes, sorted."""
    return team_repo.queue_workers_and_venues(store)


def load_team_check(store: LocalStore, chain_id: str) -> TeamCheckView:
    """The newest version of a chain as the worker recorded it, its versions (oldest first, with
    what changed between each in words) and the decisions on it (oldest first)."""
    versions = team_repo.chain_versions(store, chain_id)
    row = team_repo.chain_row(store, chain_id)
    if not versions or row is None:
        raise StoreError("This check is not on this laptop (it may not have come down from the shared record "
                         "yet).")
    newest = versions[-1]
    doc = newest.doc
    current = {f.task_ref: {"state": f.state, "closed_on": f.closed_on, "outcome": f.data.get("outcome"),
                            "outcome_note": f.data.get("outcome_note")}
               for f in team_repo.follow_ups_for(store, [newest.check_id])}
    definition = default_definition()
    infos = []
    previous: Mapping[str, Any] | None = None
    for version in versions:
        changes = () if previous is None else tuple(changed_answers(previous, version.doc, definition))
        infos.append(VersionInfo(edition=version.edition, check_id=version.check_id,
                                 finalised_at=str(version.doc.get("finalised_at") or ""),
                                 reason=version.doc.get("reason"), changes=changes))
        previous = version.doc
    editions = {v.check_id: v.edition for v in versions}
    return TeamCheckView(
        chain_id=chain_id,
        check_id=newest.check_id,
        edition=newest.edition,
        state=row.state,
        check=record_of(doc),
        person=person_of(doc),
        worker=str(doc.get("worker") or ""),
        venue=str(doc.get("venue") or ""),
        visit_date=_dt.date.fromisoformat(str(doc["visit_date"])),
        findings=tuple(findings_of(doc)),
        follow_ups=tuple(follow_ups_of(doc, current)),
        consent_words=consent_words(doc.get("consent") or {}),
        versions=tuple(infos),
        decisions=tuple(_decision(d, editions) for d in team_repo.decisions_for(store, chain_id)),
    )


def decisions_of(store: LocalStore, chain_id: str) -> list[Decision]:
    """The decisions on one chain, oldest first (with whether the shared record has them)."""
    editions = {v.check_id: v.edition for v in team_repo.chain_versions(store, chain_id)}
    return [_decision(d, editions) for d in team_repo.decisions_for(store, chain_id)]


def _decision(row: team_repo.DecisionRow, editions: Mapping[str, int]) -> Decision:
    data = row.data
    return Decision(
        decision_id=row.id, chain_id=row.chain_id, check_id=row.check_id, approved=row.approved,
        comment=str(data.get("comment") or ""), by=str(data.get("by") or ""), at=str(data.get("at") or ""),
        sent=row.state == "sent", edition=editions.get(row.check_id, 0),
        error=row.last_error if row.state != "sent" else None,
    )


# -- what changed between two versions ---------------------------------------------------------------


def changed_answers(before: Mapping[str, Any], after: Mapping[str, Any],
                    definition: CheckDefinition) -> list[ChangedAnswer]:
    """Every answer that differs between two versions, in the check's order, in words."""
    old = before.get("answers") or {}
    new = after.get("answers") or {}
    out = []
    seen = set()
    for item in definition.order:
        link = item.link_id
        seen.add(link)
        if link in old or link in new:
            a, b = old.get(link), new.get(link)
            if not _same(a, b):
                out.append(
                    ChangedAnswer(_label(item, definition), answer_words(item, a), answer_words(item, b))
                )
    for link in sorted((set(old) | set(new)) - seen):  # answers of another definition version
        if not _same(old.get(link), new.get(link)):
            out.append(ChangedAnswer(link, _plain_words(old.get(link)), _plain_words(new.get(link))))
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or a == b and type(a) is type(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return bool(a == b)


def _label(item: Item, definition: CheckDefinition) -> str:
    label = item.label or item.text or item.link_id
    element = definition.element_by_id.get(item.element or "")
    if element is not None and not label.lower().startswith(element.title.lower()):
        return f"{element.title}: {label}"
    return label


_STATUS_WORDS = {"done": "Done", "declined": "Declined", "not_possible": "Not possible"}


def answer_words(item: Item, value: Any) -> str:
    """A value as the worker's check screen shows it: the option's words, Yes/No, a number with its unit.

    Numbers go through the check's own formatter (``units.format_number``: at most two decimals), so a
    weight stored as 84.3682 reads 84.37 kg here exactly as on the worker's review page, not the raw float.
    An answer stored with its unit or a confirmation is shown in the check's unit, as the worker's screen
    shows the normalised value."""
    if isinstance(value, Mapping):
        try:
            entry = entry_from_json(value, item.link_id)
            value = normalise(item, entry.value, entry.unit, entry.confirmed)
        except ValidationError:
            return _plain_words(value.get("value"))
    if value is None or value == "":
        return "Not answered"
    if item.type == "boolean" or isinstance(value, bool):
        return "Yes" if value else "No"
    if item.type == "choice":
        option = item.option_by_code.get(value)
        if option is not None and option.display:
            return option.display
        return _STATUS_WORDS.get(str(value), str(value))
    if isinstance(value, (int, float)):
        number = units.format_number(value)
        return f"{number} {units.unit_label(item.unit)}" if item.unit else number
    if item.type == "date":  # dd/mm/yyyy, as the worker's screen writes a date
        try:
            return _dt.date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    return str(value)


def _plain_words(value: Any) -> str:
    if value is None:
        return "Not answered"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


# -- the dashboards' rows -----------------------------------------------------------------------------


def dashboard_checks(store: LocalStore) -> list[DashboardCheck]:
    """The newest version of each chain, as the dashboards count it (no names, no NHS numbers).

    Tens of thousands of follow-ups share a few hundred days, so each day is read once."""
    days = _Days()
    out = []
    for chain_id, row in sorted(
        team_repo.dashboard_rows(store).items(), key=lambda kv: (kv[1]["visit_date"], kv[0])
    ):
        elements = row.get("elements") or {}
        visit = days[row["visit_date"]]
        out.append(DashboardCheck(
            chain_id=chain_id,
            person_key=str(row.get("person_key") or ""),
            worker=str(row.get("worker") or ""),
            venue=str(row.get("venue") or ""),
            visit_date=visit,
            elements={e: str(elements.get(e) or "incomplete") for e in CORE_ELEMENTS},
            findings=tuple(row.get("findings") or ()),
            follow_ups=tuple(
                DashboardFollowUp(finding, kind, service or None, days[opened] if opened else visit,
                                  days[due] if due else None, days[closed] if closed else None)
                for finding, kind, service, opened, due, closed in row.get("follow_ups") or ()
            ),
        ))
    return out


def team_dashboard(store: LocalStore, today: _dt.date) -> Dashboard:
    """The dashboards' figures as of `today`, counted again only when a chain changed since they were kept.

    Counting 10,000 checks (reading their rows, then `build_dashboard`) takes about a second; opening the
    dashboards with nothing new since must not. The built figures are kept sealed with the stamp of the rows
    they came from, the day (overdue and the 12-month window move with it) and the app's version (a newer
    way of counting is never hidden behind old figures); the team pull builds them once it brought changes."""
    stamp = team_repo.dashboard_stamp(store)
    kept = team_repo.kept_figures(store)
    if (kept is not None and kept.get("stamp") == stamp and kept.get("today") == today.isoformat()
            and kept.get("app") == __version__):
        try:
            return dashboard_from_json(kept["figures"])
        except (KeyError, TypeError, ValueError):
            pass  # kept by another way of writing them: counted again below
    dashboard = build_dashboard(dashboard_checks(store), today=today)
    team_repo.keep_figures(store, {"stamp": stamp, "today": today.isoformat(), "app": __version__,
                                   "figures": dashboard_to_json(dashboard)})
    return dashboard


class _Days(dict[str, _dt.date]):
    """ISO day -> date, each read once (looked up at C speed, read on first use)."""

    def __missing__(self, text: str) -> _dt.date:
        day = self[text] = _dt.date.fromisoformat(text)
        return day
