"""The mouse wheel never changes a recorded answer; it scrolls the page.

A nurse scrolled down the General physical health page with the pointer resting on a
drop-down and "No diabetes" became "Type 2 diabetes"; on registration the ethnic category
changed the same way. These tests turn the wheel over every input on every page of the
check (each element, the findings) and on registration, at 1366x768, and check that no
answer changed and the page scrolled.

The wheel events are real QWheelEvents delivered as Qt delivers one from the mouse: to the
widget under the pointer first, then to its parents while nobody accepts it (`wheel_over`).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QScrollArea,
    QScrollBar,
    QWidget,
)

from tests.conftest import ARTIFACTS
from tests.ui.check_helpers import (  # noqa: F401
    FULL_ANSWERS,
    CheckEnv,
    check_env_fixture,
    draft_with,
    open_workflow,
)
from ui.home.person_form import PersonForm

SCREEN = (1366, 768)
_INPUTS = (QComboBox, QAbstractSpinBox, QAbstractSlider, QAbstractButton, QLineEdit)


def wheel_over(widget: QWidget, notches: int) -> None:
    """Turn the wheel `notches` (negative: towards the user, i.e. scroll down) over `widget`'s centre,
    delivered as Qt delivers a wheel event from the mouse: to the widget, then up its parents until one
    accepts it."""
    centre = QPointF(widget.rect().center())
    global_pos = QPointF(widget.mapToGlobal(centre.toPoint()))
    target: QWidget | None = widget
    pos = centre
    while target is not None:
        event = QWheelEvent(
            pos,
            global_pos,
            QPoint(),
            QPoint(0, 120 * notches),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        event.setAccepted(True)
        handled = QApplication.sendEvent(target, event)
        if handled and event.isAccepted():
            return
        if target.isWindow() or target.testAttribute(Qt.WidgetAttribute.WA_NoMousePropagation):
            return
        pos = pos + QPointF(target.pos())
        target = target.parentWidget()


def inputs_under(root: QWidget) -> list[QWidget]:
    """Every visible input a nurse could point at (not scroll bars, which scroll by design)."""
    found = []
    for w in root.findChildren(QWidget):
        # A combo box's own popup list is not on the page.
        visible = w.isVisibleTo(root) and w.window() is root.window()
        if isinstance(w, _INPUTS) and not isinstance(w, QScrollBar) and visible:
            found.append(w)
    return found


def state_of(widget: QWidget) -> Any:
    if isinstance(widget, QComboBox):
        return widget.currentIndex()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QAbstractSlider):
        return widget.value()
    if isinstance(widget, QAbstractButton):
        return widget.isChecked()
    if isinstance(widget, QLineEdit):
        return widget.text()
    return None


def scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    return parent


def turn_over_each(root: QWidget, snapshot: Any) -> tuple[list[str], list[str], int]:
    """Wheel over every input under `root`, both ways. Returns (inputs whose value changed, inputs over
    which a scrollable page did not scroll, how many inputs were tried)."""
    changed: list[str] = []
    not_scrolled: list[str] = []
    inputs = inputs_under(root)
    for w in inputs:
        area = scroll_area_of(w)
        if area is None:  # a page that never scrolls (consent): only the answers are checked
            area = QScrollArea()
        bar = area.verticalScrollBar()
        if hasattr(area, "ensureWidgetVisible"):
            area.ensureWidgetVisible(w)
        QApplication.processEvents()
        before_values = [state_of(x) for x in inputs]
        before_answers = snapshot()
        name = w.objectName() or w.accessibleName()
        for notches in (-2, 2) if bar.value() < bar.maximum() else (2, -2):
            start = bar.value()
            wheel_over(w, notches)
            QApplication.processEvents()
            if bar.maximum() > bar.minimum() and bar.value() == start:
                not_scrolled.append(f"{name} ({notches})")
            # Checked after each turn: down then up could otherwise put a changed value back.
            if [state_of(x) for x in inputs] != before_values or snapshot() != before_answers:
                changed.append(f"{name} ({notches})")
                break
    return changed, not_scrolled, len(inputs)


# 1366x768 as it is, and the height left on that screen with the text at 150%, where most pages scroll.
@pytest.mark.parametrize("size", [SCREEN, (SCREEN[0], 520)], ids=["1366x768", "1366x768-large-text"])
def test_the_wheel_never_changes_an_answer_on_any_page_of_the_check(
    qtbot, check_env: CheckEnv, size: tuple[int, int]
) -> None:
    answers = dict(FULL_ANSWERS)
    answers["general_health.diabetes"] = "diabetes-none"
    answers["alcohol.audit_c_q1"] = "audit-q1-2"  # two more AUDIT-C drop-downs shown
    answers["alcohol.audit_c_q2"] = "audit-q2-0"
    answers["alcohol.audit_c_q3"] = "audit-q3-0"
    check_id = draft_with(check_env, answers)
    wf = open_workflow(qtbot, check_env, check_id)
    wf.resize(*size)
    form = wf.form
    assert form is not None

    def snapshot() -> Any:
        return copy.deepcopy((wf.answers, wf.invalid, {k: str(v) for k, v in wf.decisions.items()}))

    tried = 0
    scrolled_pages = []
    for section in form.section_ids:
        form.show_section(section)
        page = form.stack.currentWidget()
        QApplication.processEvents()
        changed, not_scrolled, count = turn_over_each(page, snapshot)
        tried += count
        assert changed == [], f"the wheel changed {changed} on {section}"
        assert not_scrolled == [], f"the page {section} did not scroll over {not_scrolled}"
        if page.verticalScrollBar().maximum() > 0:
            scrolled_pages.append(section)
        if section == "general_health":
            wf.grab().save(str(ARTIFACTS / f"check-wheel-general-health-{size[1]}.png"))
    if size != SCREEN:
        assert "general_health" in scrolled_pages and "findings" in scrolled_pages, scrolled_pages
    assert tried > 60, tried  # every kind: radio buttons, drop-downs, unit boxes, text, numbers, findings
    assert wf.answers["general_health.diabetes"] == "diabetes-none"
    qtbot.waitUntil(lambda: wf.saved, timeout=5000)
    assert check_env.store.checks.get(check_id).answers == {**answers}


def test_the_wheel_never_changes_a_consent_answer(qtbot, check_env: CheckEnv) -> None:
    wf = open_workflow(qtbot, check_env)
    wf.resize(*SCREEN)
    page = wf.consent_page
    assert page is not None
    page.check_question.set_answer(True)
    page.recipients["gp"].set_answer(False)

    def snapshot() -> Any:
        return page.answers()

    changed, _not_scrolled, count = turn_over_each(page, snapshot)
    assert count >= 8 and changed == []


def test_the_wheel_never_changes_a_choice_on_registration(qtbot, check_env: CheckEnv, tmp_path: Path) -> None:
    form = PersonForm(check_env.context)
    qtbot.addWidget(form)
    # The register form gets about this much of a 1366x768 screen under the home header and tabs.
    form.resize(SCREEN[0] // 2, 420)
    form.show()
    qtbot.waitExposed(form)
    form.sex_combo.setCurrentIndex(form.sex_combo.findData("female"))
    form.ethnic_combo.setCurrentIndex(form.ethnic_combo.findData("A"))
    form.given_edit.setText("Testperson")

    def snapshot() -> Any:
        return form.details()

    fields = scroll_area_of(
        form.given_edit
    ).widget()  # the form's fields (Save and Cancel sit below the scroll)
    changed, not_scrolled, count = turn_over_each(fields, snapshot)
    assert count >= 8
    assert changed == []
    assert not_scrolled == []
    assert form.ethnic_combo.currentData() == "A" and form.sex_combo.currentData() == "female"


def test_the_wheel_does_not_take_the_keyboard_focus(qtbot, check_env: CheckEnv) -> None:
    """Qt lets the wheel give a drop-down the focus (WheelFocus); then the next wheel turn or key changes it."""
    form = PersonForm(check_env.context)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.given_edit.setFocus()
    for combo in (form.sex_combo, form.ethnic_combo):
        assert combo.focusPolicy() == Qt.FocusPolicy.StrongFocus
        wheel_over(combo, -1)
        assert not combo.hasFocus()


def test_every_screen_that_makes_a_wheel_input_guards_it() -> None:
    """Wherever the app makes a drop-down, spin box, date edit or slider, that file guards it (or builds it
    through a helper that does), so a new screen cannot bring the problem back unnoticed."""
    import re

    from tests.conftest import ROOT

    made = re.compile(r"\bQ(?:ComboBox|SpinBox|DoubleSpinBox|DateEdit|DateTimeEdit|TimeEdit|Slider|Dial)\(")
    unguarded = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        text = path.read_text("utf-8")
        if made.search(text) and "guard_wheel(" not in text and "guard_inputs(" not in text:
            unguarded.append(str(path.relative_to(ROOT)))
    assert unguarded == []


def test_answer_buttons_work_by_keyboard_and_are_named(qtbot, check_env: CheckEnv) -> None:
    """The yes/no and small-choice buttons that replaced drop-downs: Tab reaches the group, the arrow keys
    choose, Delete clears, and a screen reader hears the question with each answer."""
    from ui.widgets.choice_buttons import ChoiceButtons

    check_id = draft_with(check_env, {"general_health.status": "done"})
    wf = open_workflow(qtbot, check_env, check_id)
    wf.window().activateWindow()
    form = wf.form
    assert form is not None
    form.show_section("general_health")
    page = form.stack.currentWidget()
    box = page.fields["general_health.diabetes"].box
    assert isinstance(box, ChoiceButtons)
    assert [b.accessibleName() for b in box.buttons()] == [
        "Diabetes: No diabetes",
        "Diabetes: Type 1 diabetes",
        "Diabetes: Type 2 diabetes",
    ]
    box.setFocus()
    qtbot.waitUntil(lambda: box.buttons()[0].hasFocus(), timeout=2000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: wf.answers.get("general_health.diabetes") == "diabetes-none", timeout=2000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: wf.answers.get("general_health.diabetes") == "diabetes-type1", timeout=2000)
    assert box.buttons()[1].hasFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: "general_health.diabetes" not in wf.answers, timeout=2000)
    assert box.currentIndex() == 0 and not any(b.isChecked() for b in box.buttons())
    qtbot.waitUntil(lambda: wf.saved, timeout=5000)
    assert "general_health.diabetes" not in check_env.store.checks.get(check_id).answers
