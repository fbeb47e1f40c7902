"""Nothing moves under the pointer while the nurse answers.

"Which antipsychotic" appeared above "Troubled by side effects" the moment "Yes" was
chosen, and the click meant for side effects landed in it; the core chips wrapped onto a
second row and pushed the whole page down. At 1366x768, with the mouse, these tests
answer the questions that reveal a follow-up and check that every control on the page
stays exactly where it was (the follow-up fills a place kept for it), that a value becoming
"unusual" does not push the next question down, and that the core strip keeps its size.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

from tests.conftest import ARTIFACTS
from tests.ui.check_helpers import (  # noqa: F401
    CheckEnv,
    check_env_fixture,
    draft_with,
    open_workflow,
    type_into,
)
from ui.check.element_page import ElementPage
from ui.check.fields import ChoiceField, NumberField

SCREEN = (1366, 768)

# (element, question that reveals, the answer that reveals, what it reveals, the next question below)
REVEALS = [
    (
        "medication",
        "medication.antipsychotic",
        True,
        "medication.antipsychotic_name",
        "medication.side_effects",
    ),
    ("medication", "medication.side_effects", True, "medication.side_effects_details", None),
    ("smoking", "smoking.tobacco_status", "77176002", "smoking.cigarettes_per_day", "smoking.ecigarette"),
    ("substance_use", "substance_use.any", True, "substance_use.which", None),
    ("care_plan", "care_plan.agreed", True, "care_plan.goals", "care_plan.shared_with_gp"),
    ("sexual_health", "sexual_health.concern", True, "sexual_health.notes", None),
]


def positions(page: ElementPage) -> dict[str, QPoint]:
    """Where each visible question's control is, in the page's own coordinates."""
    body = page.widget()
    return {
        link: field.focus_widget().mapTo(body, QPoint(0, 0))
        for link, field in page.fields.items()
        if field.isVisibleTo(page)
    }


def click_answer(qtbot: Any, page: ElementPage, link: str, value: Any) -> None:
    """Answer as a nurse would with the mouse: click the radio button (or pick from the list)."""
    field = page.fields[link]
    assert isinstance(field, ChoiceField)
    box = field.box
    index = box.findData(value)
    assert index > 0, (link, value)
    if not isinstance(box, QComboBox):  # radio buttons
        button = box.button(index)
        assert button is not None
        page.ensureWidgetVisible(button)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
    else:
        box.setCurrentIndex(index)
    QApplication.processEvents()


def open_page(qtbot: Any, env: CheckEnv, element: str) -> tuple[Any, ElementPage]:
    check_id = draft_with(env, {f"{element}.status": "done"})
    wf = open_workflow(qtbot, env, check_id)
    wf.resize(*SCREEN)
    assert wf.form is not None
    wf.form.show_section(element)
    QApplication.processEvents()
    page = wf.form.stack.currentWidget()
    assert isinstance(page, ElementPage)
    return wf, page


@pytest.mark.parametrize(
    ("element", "trigger", "value", "revealed", "below"), REVEALS, ids=[r[3] for r in REVEALS]
)
def test_a_follow_up_question_appears_without_moving_anything(
    qtbot: Any, check_env: CheckEnv, element: str, trigger: str, value: Any, revealed: str, below: str | None
) -> None:
    wf, page = open_page(qtbot, check_env, element)
    assert not page.fields[revealed].isVisibleTo(page)
    before = positions(page)
    frame = (page.mapTo(wf, QPoint(0, 0)), page.width())
    if below is not None:
        assert below in before
    click_answer(qtbot, page, trigger, value)
    qtbot.waitUntil(lambda: page.fields[revealed].isVisibleTo(page), timeout=2000)
    assert wf.answers[trigger] == value
    after = positions(page)
    moved = {link: (before[link], after[link]) for link in before if after.get(link) != before[link]}
    assert moved == {}, f"controls moved when {revealed} appeared: {moved}"
    # Nor does the page itself move or narrow when the results beside it change.
    assert (page.mapTo(wf, QPoint(0, 0)), page.width()) == frame
    # The follow-up sits right under the question that revealed it.
    assert after[revealed].y() > after[trigger].y()
    if below is not None:
        assert after[revealed].y() < after[below].y()
    if revealed == "medication.antipsychotic_name":
        wf.grab().save(str(ARTIFACTS / "check-follow-up-in-place.png"))


def test_an_unusual_value_does_not_push_the_next_question_down(qtbot: Any, check_env: CheckEnv) -> None:
    _wf, page = open_page(qtbot, check_env, "blood_pressure")
    before = positions(page)
    systolic = page.fields["blood_pressure.systolic"]
    assert isinstance(systolic, NumberField)
    type_into(qtbot, systolic.edit, "250")  # possible, but unusual: asks for a tick
    systolic.flush()
    QApplication.processEvents()
    assert systolic.needs_confirmation and systolic.confirm_box.isVisibleTo(page)
    assert "unusual" in systolic.message.text().lower() or systolic.message.text()
    after = positions(page)
    assert {k: v for k, v in after.items() if before.get(k) != v} == {}
    # The tick box is beside the value, not where the next question was.
    confirm_top = systolic.confirm_box.mapTo(page.widget(), QPoint(0, 0)).y()
    assert confirm_top < after["blood_pressure.diastolic"].y() - systolic.edit.height()


@pytest.fixture
def laptop_font(qapp: QApplication) -> Any:
    """An 11-point text size, as many laptops use (the test default is 9): where the chips wrapped."""
    old = qapp.font()
    font = QFont(old)
    font.setPointSizeF(11)
    qapp.setFont(font)
    yield
    qapp.setFont(old)


def test_the_core_strip_keeps_one_row_and_its_size_whatever_the_states(
    qtbot: Any, check_env: CheckEnv, laptop_font: Any
) -> None:
    check_id = draft_with(check_env, {})
    wf = open_workflow(qtbot, check_env, check_id)
    wf.resize(*SCREEN)
    QApplication.processEvents()
    form = wf.form
    assert form is not None
    strip = form.strip
    chips = list(strip.chips.values())
    height = strip.height()
    page_top = form.stack.mapTo(wf, QPoint(0, 0)).y()
    assert len({chip.y() for chip in chips}) == 1, "the core chips wrapped onto a second row"
    for state in ("not_possible", "declined", "done"):
        answers: dict[str, Any] = {}
        for element in strip.chips:
            answers[f"{element}.status"] = state
            answers[f"{element}.reason"] = "Ran out of time"
        wf.answers.update(answers)
        wf._evaluate()
        QApplication.processEvents()
        assert [strip.states[e] for e in strip.chips] == [state] * 6 or state == "done"
        assert len({chip.y() for chip in chips}) == 1, f"wrapped with every chip {state}"
        assert strip.height() == height
        assert form.stack.mapTo(wf, QPoint(0, 0)).y() == page_top, "the page moved down"
        assert all(isinstance(c, QWidget) and c.geometry().right() <= strip.width() for c in chips)
    wf.grab().save(str(ARTIFACTS / "check-core-strip.png"))
