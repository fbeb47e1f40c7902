"""The check screen shows an amendment as the core sees it: the visit's date, the age on it, the same
QRISK3 and the same reasons Finalise waits (an amendment made after a birthday once showed the new age)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt

from outreach import services
from outreach.store import checks_repo
from tests.fakes import StoreClock
from tests.ui.check_helpers import (  # noqa: F401
    FULL_ANSWERS,
    CheckEnv,
    check_env_fixture,
    draft_with,
    open_workflow,
)
from ui.check.review_page import ReviewPage

VISIT = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)


def _decide_all(env: CheckEnv, check_id: str) -> None:
    ctx = services.check_context(
        env.store, check_id, definition=env.context.definition, rules=env.context.rules
    )
    decisions: dict[str, Any] = {}
    for f in ctx.evaluation.findings:
        if "referral" in f.allowed_follow_ups and f.suggested_services:
            decisions[f.rule_id] = {"kind": "referral", "service_id": f.suggested_services[0]}
        else:
            kind = next(k for k in ("advice_given", "already_under_care") if k in f.allowed_follow_ups)
            decisions[f.rule_id] = {"kind": kind}
    services.record_follow_up_decisions(env.store, check_id, decisions)


def test_amendment_after_a_birthday_shows_the_visit_day_age(qtbot, check_env: CheckEnv, monkeypatch) -> None:
    clock = StoreClock(VISIT)
    monkeypatch.setattr(checks_repo, "utc_now", clock)
    env = check_env
    person = services.get_person(env.store, env.person_id)
    # 44 on the visit day, 45 a fortnight later.
    details = person.details.__class__(**{**person.details.__dict__, "date_of_birth": "1981-03-15"})
    services.update_person(env.store, env.person_id, details, expected_version=person.version)
    first = draft_with(env, dict(FULL_ANSWERS))
    _decide_all(env, first)
    services.finalise_check(env.store, first, definition=env.context.definition, rules=env.context.rules)
    clock.now = VISIT + timedelta(days=30)

    # Amend on screen (as the nurse does): the new draft keeps the visit's date and age.
    wf = open_workflow(qtbot, env, first)
    review = wf.form.page("review")
    assert isinstance(review, ReviewPage)
    review.amend_reason.setText("Weight entered in the wrong unit")
    with qtbot.waitSignal(wf.evaluated, timeout=5000):
        qtbot.mouseClick(review.amend_button, Qt.MouseButton.LeftButton)
    assert wf.record is not None and wf.record.amends_id == first
    assert wf.check_context is not None and wf.check_context.visit_date == date(2026, 3, 2)
    assert wf.evaluation is not None and wf.evaluation.facts["age_years"] == 44
    amendment = wf.record.id

    # Opened again later: the screen, the core and the finalise gate agree.
    core = services.check_context(
        env.store, amendment, definition=env.context.definition, rules=env.context.rules
    )
    again = open_workflow(qtbot, env, amendment)
    assert again.evaluation is not None
    assert again.evaluation.facts == core.evaluation.facts
    assert again.evaluation.qrisk3.risk_percent == core.evaluation.qrisk3.risk_percent
    assert [f.rule_id for f in again.evaluation.findings] == [f.rule_id for f in core.evaluation.findings]
    assert again.blockers == core.blockers(env.context.directory.services.keys())
    assert again.build_summary().greeting == services_summary_greeting(env, core)


def services_summary_greeting(env: CheckEnv, core: Any) -> str:
    from outreach.summary import summary_for_context

    person = services.get_person(env.store, env.person_id)
    return summary_for_context(core, person.details, services=env.context.directory).greeting
