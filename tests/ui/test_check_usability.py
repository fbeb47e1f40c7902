"""Keyboard and small-screen use of the consent and check screens, as a nurse meets them:
a long name must not push the window off a 1366x768 screen, Enter records consent, and
moving between sections by shortcut keeps the keyboard in the page."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from outreach import services
from outreach.store.records import PersonDetails
from tests.ui.check_helpers import (  # noqa: F401
    CheckEnv,
    answer,
    check_env_fixture,
    field,
    give_consent,
    open_workflow,
)

LONG_FAMILY = "Extraordinarily-Long-Double-Barrelled-Family-Name-That-Goes-On-And-On"
# A laptop screen of 1366 pixels shown at 150% text size leaves about 910 logical pixels.
NARROW = 900


def test_a_long_name_wraps_instead_of_widening_the_window(qtbot, check_env: CheckEnv) -> None:
    details = PersonDetails(
        given_name="Testperson", family_name=LONG_FAMILY, date_of_birth="1971-05-12", sex="female"
    )
    check_env.person_id = services.register_person(check_env.store, details).id
    wf = open_workflow(qtbot, check_env)
    assert wf.consent_page is not None
    assert wf.minimumSizeHint().width() <= NARROW, "the consent page is wider than a small screen"
    give_consent(qtbot, wf)
    assert wf.form is not None
    assert LONG_FAMILY in wf.form.title.text()
    assert wf.minimumSizeHint().width() <= NARROW, "the check screen is wider than a small screen"
    # At that width the six core chips may wrap onto more rows, all of them inside the strip.
    wf.resize(NARROW, 760)
    QApplication.processEvents()
    strip = wf.form.strip
    assert strip.height() >= max(chip.height() for chip in strip.chips.values())
    for chip in strip.chips.values():
        assert chip.isVisible()
        assert chip.geometry().right() <= strip.width(), chip.text()


def test_consent_starts_on_the_first_question_and_enter_records_it(qtbot, check_env: CheckEnv) -> None:
    wf = open_workflow(qtbot, check_env)
    page = wf.consent_page
    assert page is not None
    qtbot.waitUntil(lambda: page.check_question.yes.hasFocus(), timeout=2000)
    # Enter with nothing answered explains what is missing and records nothing.
    qtbot.keyClick(page.check_question.yes, Qt.Key.Key_Return)
    assert "agrees to the check" in page.message.text()
    assert services.consent_status(check_env.store, check_env.person_id) == {}
    page.check_question.set_answer(True)
    page.recipients["gp"].set_answer(True)
    page.recipients["mental_health_trust"].set_answer(True)
    page.recipients["charity"].set_answer(False)
    page.recipients["charity"].no.setFocus()
    with qtbot.waitSignal(wf.ready, timeout=5000):
        qtbot.keyClick(page.recipients["charity"].no, Qt.Key.Key_Return)
    assert services.consent_status(check_env.store, check_env.person_id) == {
        "check": True,
        "gp": True,
        "mental_health_trust": True,
        "charity": False,
    }


def test_enter_on_back_goes_back_without_recording(qtbot, check_env: CheckEnv) -> None:
    wf = open_workflow(qtbot, check_env)
    page = wf.consent_page
    assert page is not None
    page.check_question.set_answer(True)
    page.back_button.setFocus()
    with qtbot.waitSignal(page.cancelled, timeout=2000):
        qtbot.keyClick(page.back_button, Qt.Key.Key_Return)
    assert services.consent_status(check_env.store, check_env.person_id) == {}


def test_next_section_shortcut_from_a_field_lands_in_the_new_page(qtbot, check_env: CheckEnv) -> None:
    wf = open_workflow(qtbot, check_env)
    give_consent(qtbot, wf)
    form = wf.form
    assert form is not None
    wf.activateWindow()
    status = field(wf, "weight.status")
    status.box.setFocus()
    qtbot.waitUntil(status.box.hasFocus, timeout=2000)
    qtbot.keyClick(status.box, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert form.current_section() == "blood_pressure"
    focus = QApplication.focusWidget()
    page = form.pages["blood_pressure"]
    assert focus is not None and page.isAncestorOf(focus) and focus.isVisible()
    # Browsing with the section list keeps the focus in the list.
    form.sections.setFocus()
    qtbot.keyClick(form.sections, Qt.Key.Key_Down)
    assert form.current_section() == "lipids"
    assert form.sections.hasFocus()


def test_a_section_marked_done_says_what_it_still_needs(qtbot, check_env: CheckEnv) -> None:
    wf = open_workflow(qtbot, check_env)
    give_consent(qtbot, wf)
    assert wf.form is not None
    answer(qtbot, wf, "blood_pressure.status", "done")
    page = wf.form.pages["blood_pressure"]
    for link, value in (("systolic", 150), ("diastolic", 95), ("pulse", 72)):
        answer(qtbot, wf, f"blood_pressure.{link}", value)
    assert wf.form.strip.states["blood_pressure"] == "incomplete"
    assert page.missing_label.isVisible()
    assert "Pulse rhythm" in page.missing_label.text()
    assert "Systolic (2nd reading)" in page.missing_label.text()  # 150/95: NICE NG136 asks for a second
    answer(qtbot, wf, "blood_pressure.irregular", False)
    assert wf.form.strip.states["blood_pressure"] == "incomplete"
    answer(qtbot, wf, "blood_pressure.systolic_2", 146)
    answer(qtbot, wf, "blood_pressure.diastolic_2", 92)
    assert wf.form.strip.states["blood_pressure"] == "done"
    assert "146/92" in wf.form.results.blood_pressure.text()
    assert not page.missing_label.isVisible()
    # A section not started yet says nothing: the section list already shows it is to do.
    assert not wf.form.page("lipids").missing_label.isVisible()
    # Declined without a reason: the reason is what is needed.
    answer(qtbot, wf, "lipids.status", "declined")
    lipids = wf.form.pages["lipids"]
    assert lipids.missing_label.isVisible() and "Reason" in lipids.missing_label.text()
    answer(qtbot, wf, "lipids.reason", "Does not want a blood test today")
    assert not lipids.missing_label.isVisible()
    assert wf.form.strip.states["lipids"] == "declined"


def test_element_pages_wrap_their_words_so_large_text_needs_no_sideways_scrolling(qtbot) -> None:
    from ui.check.element_page import ElementPage
    from ui.context import load_check_content

    defn, _, _ = load_check_content()
    for element in defn.elements:
        page = ElementPage(defn, element)
        qtbot.addWidget(page)
        # The narrowest part is a number box with its unit; no sentence may be wider than that.
        assert page.widget().minimumSizeHint().width() <= 220, element.id


def test_review_names_each_value_to_correct_and_counts_findings_plainly(qtbot, check_env: CheckEnv) -> None:
    wf = open_workflow(qtbot, check_env)
    give_consent(qtbot, wf)
    assert wf.form is not None
    answer(qtbot, wf, "blood_pressure.status", "done")
    answer(qtbot, wf, "blood_pressure.systolic", "1200", wait=False)
    answer(qtbot, wf, "blood_pressure.diastolic", 95)
    wf.form.show_section("review")
    review = wf.form.pages["review"]
    assert "Correct or confirm: Systolic 1200 mmHg is not possible" in review.blocked.text()
    assert "value(s)" not in review.blocked.text()
    assert "Still needing a follow-up: 1." in review.findings.text()
    assert "of which" not in review.findings.text()


def test_findings_are_counted_in_plain_words(qtbot, check_env: CheckEnv) -> None:
    wf = open_workflow(qtbot, check_env)
    give_consent(qtbot, wf)
    assert wf.form is not None
    answer(qtbot, wf, "weight.status", "done")
    answer(qtbot, wf, "weight.height", 175)
    answer(qtbot, wf, "weight.weight", 82)  # BMI 26.8: one finding
    page = wf.form.page("findings")
    assert page.intro.text().startswith("1 finding. It needs a follow-up")
    answer(qtbot, wf, "blood_pressure.status", "done")
    answer(qtbot, wf, "blood_pressure.systolic", 150)
    answer(qtbot, wf, "blood_pressure.diastolic", 95)
    assert page.intro.text().startswith("2 findings. Each needs a follow-up")
    assert "(s)" not in page.intro.text()
    assert "2 need action; 0 of 2 recorded." in page.intro.text()  # not "2 needs action"
