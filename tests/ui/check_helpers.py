"""Shared set-up for the check screen tests: a real encrypted store in tmp_path (cheap test KDF),
the bundled check content, and a workflow driven like a nurse would (typing, choosing, waiting
for each autosave)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from outreach import services
from outreach.settings import OrgConfig
from outreach.store.local_store import LocalStore
from tests import factories
from ui.check.fields import ChoiceField, ItemField, NumberField, TextField
from ui.check.workflow import CheckWorkflow
from ui.context import AppContext, SessionInfo, load_check_content
from ui.tasks import TaskRunner

ADMIN = "Nurse Test"
PASSPHRASE = "correct horse battery staple"
_CONTENT: tuple[Any, Any, Any] | None = None


def content() -> tuple[Any, Any, Any]:
    global _CONTENT
    if _CONTENT is None:
        _CONTENT = load_check_content()
    return _CONTENT


def make_context(store: LocalStore, runner: TaskRunner) -> AppContext:
    definition, rules, directory = content()
    user = store.current_user
    assert user is not None
    return AppContext(
        runner=runner,
        store=store,
        definition=definition,
        rules=rules,
        directory=directory,
        org_config=OrgConfig(organisation_name="Test Outreach Service"),
        user=user,
        session=SessionInfo(venue_name="Test Community Cafe"),
    )


def add_person(
    store: LocalStore,
    *,
    given: str = "Testperson",
    family: str = "Alpha",
    dob: str = "1970-01-02",
    sex: str = "male",
    ethnic: str | None = "A",
) -> str:
    return factories.add_person(store, given=given, family=family, dob=dob, sex=sex, ethnic=ethnic).id


@dataclass
class CheckEnv:
    store: LocalStore
    context: AppContext
    person_id: str
    folder: Path


@pytest.fixture(name="check_env")
def check_env_fixture(tmp_path: Path, runner: TaskRunner) -> Iterator[CheckEnv]:
    """A real store (cheap test KDF) with one person, and the context the check screens take.
    Test modules import this function (under this name) to use the `check_env` fixture."""
    folder = tmp_path / "laptop"
    store = factories.new_store(folder, admin=ADMIN, passphrase=PASSPHRASE)
    person_id = add_person(store)
    yield CheckEnv(store, make_context(store, runner), person_id, folder)
    runner.shutdown(wait=True)
    store.close()


# -- driving the workflow -------------------------------------------------------------------


def open_workflow(qtbot: Any, env: CheckEnv, check_id: str | None = None) -> CheckWorkflow:
    workflow = CheckWorkflow(env.context, env.person_id, check_id)
    qtbot.addWidget(workflow)
    workflow.resize(1280, 860)
    with qtbot.waitSignal(workflow.ready, timeout=5000):
        workflow.show()
    return workflow


def give_consent(
    qtbot: Any,
    workflow: CheckWorkflow,
    *,
    check: bool = True,
    sharing: tuple[bool, bool, bool] = (True, True, True),
) -> None:
    page = workflow.consent_page
    assert page is not None
    page.check_question.set_answer(check)
    if check:
        for question, yes in zip(page.recipients.values(), sharing):
            question.set_answer(yes)
    with qtbot.waitSignal(workflow.ready, timeout=5000):
        qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)


def field(workflow: CheckWorkflow, link_id: str) -> ItemField:
    """The field for a question, opening its section (as a nurse would) first."""
    assert workflow.form is not None
    element = workflow.context.definition.items[link_id].element
    workflow.form.show_section(element)
    page = workflow.form.pages[element]
    return page.fields[link_id]  # type: ignore[attr-defined,no-any-return]


def wait_saved(qtbot: Any, workflow: CheckWorkflow) -> None:
    qtbot.waitUntil(lambda: workflow.saved, timeout=5000)


def type_into(qtbot: Any, widget: QWidget, text: str) -> None:
    widget.setFocus()
    widget.clear()  # type: ignore[attr-defined]
    qtbot.keyClicks(widget, text)


def answer(
    qtbot: Any,
    workflow: CheckWorkflow,
    link_id: str,
    value: Any,
    *,
    unit: str | None = None,
    wait: bool = True,
) -> ItemField:
    """Answer one question through its widgets; checks at once (as leaving the field does)."""
    f = field(workflow, link_id)
    if isinstance(f, NumberField):
        if unit is not None:
            f.set_unit(unit)
        if isinstance(value, (list, tuple)):
            type_into(qtbot, f.edit, str(value[0]))
            assert f.small_edit is not None
            type_into(qtbot, f.small_edit, str(value[1]))
        else:
            type_into(qtbot, f.edit, str(value))
    elif isinstance(f, ChoiceField):
        index = f.box.findData(value)
        assert index >= 0, f"{value!r} is not a choice of {link_id}"
        f.box.setCurrentIndex(index)
    elif isinstance(f, TextField):
        type_into(qtbot, f.edit, str(value))
    f.flush()
    if wait:
        wait_saved(qtbot, workflow)
    return f


def status(
    qtbot: Any, workflow: CheckWorkflow, element: str, value: str = "done", reason: str | None = None
) -> None:
    answer(qtbot, workflow, f"{element}.status", value)
    if reason is not None:
        answer(qtbot, workflow, f"{element}.reason", reason)


def focusable_without_name(root: QWidget) -> list[str]:
    """Every visible, focusable control under `root` that a screen reader could not name."""
    bad = []
    for w in root.findChildren(QWidget):
        if not w.isVisibleTo(root) or not w.isEnabled():
            continue
        if w.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if w.metaObject().className() in (
            "QScrollBar",
            "QStackedWidget",
            "QScrollArea",
            "QWidget",
            "QFrame",
            "QLabel",
            "QGroupBox",
            "QSplitter",
        ):
            continue
        if (
            isinstance(w, QWidget)
            and w.inherits("QAbstractScrollArea")
            and not w.inherits("QAbstractItemView")
            and not w.inherits("QTextEdit")
            and not w.inherits("QPlainTextEdit")
        ):
            continue
        name = w.accessibleName()
        if not name:
            bad.append(f"{w.metaObject().className()} {w.objectName()!r}")
    return bad


def processed() -> None:
    QApplication.processEvents()


# A whole check as a nurse would leave it: the six core elements done (blood pressure high, so there is
# at least one finding), the wider elements done, declined or not possible with reasons.
# The general-health yes/no questions QRISK3 needs answered before it can be calculated.
QRISK3_YES_NO_ITEMS = (
    "existing_cvd",
    "statin",
    "atrial_fibrillation",
    "treated_hypertension",
    "ckd",
    "rheumatoid_arthritis",
    "sle",
    "migraine",
    "steroids",
    "erectile_dysfunction",
    "family_history_chd",
)

FULL_ANSWERS: dict[str, Any] = {
    "weight.status": "done",
    "weight.height": 175,
    "weight.weight": 80,
    "blood_pressure.status": "done",
    "blood_pressure.irregular": False,
    "blood_pressure.systolic": 150,
    "blood_pressure.diastolic": 95,
    "blood_pressure.systolic_2": 146,  # NICE NG136: a second reading at 140/90 or more
    "blood_pressure.diastolic_2": 92,
    "blood_pressure.pulse": 72,
    "lipids.status": "done",
    "lipids.fasting": False,
    "lipids.total_cholesterol": 5.5,
    "lipids.hdl": 1.2,
    "glucose.status": "done",
    "glucose.hba1c": 40,
    "alcohol.status": "done",
    "alcohol.audit_c_q1": "audit-q1-0",
    "smoking.status": "done",
    "smoking.tobacco_status": "8517006",
    "smoking.ecigarette": False,
    "substance_use.status": "declined",
    "substance_use.reason": "Preferred not to say",
    "medication.status": "done",
    "medication.reviewed": True,
    "medication.antipsychotic": True,
    "medication.side_effects": False,
    "diet_activity.status": "not_possible",
    "diet_activity.reason": "Ran out of time",
    "screening.status": "declined",
    "screening.reason": "Will discuss with the GP",
    "oral_health.status": "done",
    "oral_health.dentist": True,
    "oral_health.concern": False,
    "sexual_health.status": "declined",
    "sexual_health.reason": "Preferred not to say",
    "general_health.status": "done",
    "general_health.diabetes": "diabetes-none",
    **{f"general_health.{k}": False for k in QRISK3_YES_NO_ITEMS},
    "care_plan.status": "done",
    "care_plan.agreed": True,
    "care_plan.goals": "Walk to the cafe twice a week",
    "care_plan.shared_with_gp": True,
}


def draft_with(env: CheckEnv, answers: dict[str, Any]) -> str:
    """A draft with consent recorded and these answers saved, as if typed earlier."""
    store = env.store
    with store.db.write():
        for scope in ("check", "gp", "mental_health_trust", "charity"):
            services.record_consent(store, env.person_id, scope, True)
        check = services.start_check(store, env.person_id, definition_version=env.context.definition.version)
        services.save_answers(store, check.id, answers)
    return check.id
