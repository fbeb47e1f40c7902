"""The end of a check as a nurse meets it on a 1366x768 laptop: who it is, what was recorded,
and what finalising will send and to whom.

Seen in use: no date of birth in the check's header to confirm identity; dates shown as
2026-12-29 under a "31/03/2027" hint; Finalise was one click with no word of what would be
sent; the Review page said "done" per section without the values; the Amend button was cut
off in high contrast; and registration's "GP practice" wanted a code but looked like a name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from outreach import services
from tests.conftest import ARTIFACTS
from tests.ui.check_helpers import (  # noqa: F401
    FULL_ANSWERS,
    CheckEnv,
    check_env_fixture,
    draft_with,
    open_workflow,
    wait_saved,
)
from tests.ui.test_check_finalise import decide_all
from ui.check.review_page import ReviewPage
from ui.home.person_form import PersonForm
from ui.style import Appearance

SCREEN = (1366, 768)
ANSWERS = {**FULL_ANSWERS, "care_plan.review_date": "2027-03-31"}


def review_of(qtbot: Any, env: CheckEnv, answers: dict[str, Any] = ANSWERS) -> tuple[Any, ReviewPage]:
    wf = open_workflow(qtbot, env, draft_with(env, dict(answers)))
    wf.resize(*SCREEN)
    assert wf.form is not None
    page = wf.form.page("review")
    assert isinstance(page, ReviewPage)
    return wf, page


def test_the_header_shows_the_date_of_birth_to_confirm_who_it_is(qtbot: Any, check_env: CheckEnv) -> None:
    wf, _page = review_of(qtbot, check_env)
    assert wf.form.title.text().endswith("born 02/01/1970")  # the person was born 1970-01-02


def test_dates_in_the_check_are_shown_day_first(qtbot: Any, check_env: CheckEnv) -> None:
    wf, page = review_of(qtbot, check_env)
    review_date = wf.form.page("care_plan").fields["care_plan.review_date"]
    assert review_date.edit.text() == "31/03/2027"
    assert "Next review: 31/03/2027" in page.elements.text() or "31/03/2027" in page.elements.text()
    assert "2027-03-31" not in page.elements.text()
    decide_all(qtbot, wf)
    with qtbot.waitSignal(wf.finalised, timeout=5000):
        wf.finalise()
    banner = wf.form.banner_label.text()
    assert banner.startswith("Finalised ") and banner[10:12].isdigit() and banner[12] == "/", banner


def test_the_review_shows_the_values_not_only_done(qtbot: Any, check_env: CheckEnv) -> None:
    wf, page = review_of(qtbot, check_env)
    wf.form.show_section("review")
    text = page.elements.text()
    for expected in (
        "Height: 175 cm",
        "Weight: 80 kg",
        "Systolic: 150 mmHg",
        "Diabetes: No diabetes",
        "Dentist",
    ):
        assert expected.split(":")[0] in text, expected
    assert "175 cm" in text and "150 mmHg" in text and "No diabetes" in text
    wf.grab().save(str(ARTIFACTS / "check-review-values.png"))


def test_finalising_first_says_what_will_be_sent_and_to_whom(qtbot: Any, check_env: CheckEnv) -> None:
    wf, page = review_of(qtbot, check_env)
    services.record_consent(check_env.store, check_env.person_id, "mental_health_trust", False)
    # Consent as the person gave it (the screen reads it when the check opens).
    wf.consent = services.consent_status(check_env.store, check_env.person_id)
    decide_all(qtbot, wf)
    wf.form.page("findings").rows["bp-high"].accept_suggested()  # a referral to the GP practice
    wait_saved(qtbot, wf)
    wf.form.show_section("review")
    assert page.finalise_button.isEnabled(), page.blocked.text()
    qtbot.mouseClick(page.finalise_button, Qt.MouseButton.LeftButton)
    assert page.confirming
    text = page.confirm_text.text()
    assert "Their GP practice" in text and "The charity supporting them" in text
    assert "Not shared with: The mental health trust" in text
    assert "cannot be changed" in text and "3 finding(s)" in text
    assert "referrals to: The person's GP practice" in text
    assert not check_env.store.checks.get(wf.check_id).is_final  # nothing finalised by asking
    QApplication.processEvents()  # laid out and scrolled into view, as the nurse sees it
    wf.grab().save(str(ARTIFACTS / "check-confirm-finalise.png"))
    qtbot.mouseClick(page.cancel_confirm_button, Qt.MouseButton.LeftButton)
    assert not page.confirming and not check_env.store.checks.get(wf.check_id).is_final
    qtbot.mouseClick(page.finalise_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(wf.finalised, timeout=5000):
        qtbot.mouseClick(page.confirm_button, Qt.MouseButton.LeftButton)
    assert check_env.store.checks.get(wf.check_id).is_final


def test_with_no_sharing_consent_it_says_the_check_stays_on_the_laptop(
    qtbot: Any, check_env: CheckEnv
) -> None:
    wf, page = review_of(qtbot, check_env)
    wf.consent = {"check": True, "gp": False, "mental_health_trust": False, "charity": False}
    decide_all(qtbot, wf)
    wf.ask_finalise()
    assert page.confirming and "stays on this laptop and is not sent" in page.confirm_text.text()


@pytest.fixture
def high_contrast_large_text(qapp: QApplication, tmp_path: Path) -> Any:
    appearance = Appearance(qapp, QSettings(str(tmp_path / "view.ini"), QSettings.Format.IniFormat))
    old_font = qapp.font()
    font = QFont(old_font)
    font.setPointSizeF(12)
    qapp.setFont(font)
    appearance.set_high_contrast(True)
    yield
    appearance.set_high_contrast(False)
    qapp.setFont(old_font)


@pytest.mark.parametrize("width", [SCREEN[0], 900])
def test_amend_is_not_cut_off_in_high_contrast(
    qtbot: Any, check_env: CheckEnv, high_contrast_large_text: Any, width: int
) -> None:
    wf, page = review_of(qtbot, check_env)
    decide_all(qtbot, wf)
    with qtbot.waitSignal(wf.finalised, timeout=5000):
        wf.finalise()
    wf.resize(width, SCREEN[1])
    wf.form.show_section("review")
    QApplication.processEvents()
    assert page.horizontalScrollBar().maximum() == 0, "the review is wider than its page"
    viewport = page.viewport()
    for button in (page.amend_button, page.summary_button, page.pdf_button):
        left = button.mapTo(viewport, button.rect().topLeft()).x()
        right = button.mapTo(viewport, button.rect().topRight()).x()
        assert left >= 0 and right < viewport.width(), (button.text(), left, right, viewport.width())
        assert button.width() >= button.sizeHint().width(), button.text()
    banner = wf.form.banner_amend
    assert banner.width() >= banner.sizeHint().width()
    assert banner.mapTo(wf, banner.rect().topRight()).x() < wf.width()
    wf.grab().save(str(ARTIFACTS / f"check-finalised-high-contrast-{width}.png"))


def test_gp_practice_asks_for_the_code_and_says_plainly_when_it_is_not_one(
    qtbot: Any, check_env: CheckEnv
) -> None:
    form = PersonForm(check_env.context)
    qtbot.addWidget(form)
    form.show()
    assert "code" in form.gp_field.label.text().lower()
    assert (
        "L81051" in form.gp_edit.placeholderText()
        and "letter and five digits" in form.gp_field.hint_label.text()
    )
    assert form.gp_edit.maxLength() == 16
    form.given_edit.setText("Testperson")
    form.family_edit.setText("Gpcode")
    form.dob_edit.setText("12/05/1971")
    form.gp_edit.setText("Riverside Surgery")
    form.submit()
    assert form.gp_field.message.text().startswith("Problem: A GP practice code is a letter and five digits")
    assert form.gp_edit.hasFocus() or not form.isActiveWindow()
    form.resize(683, 700)
    QApplication.processEvents()
    form.grab().save(str(ARTIFACTS / "register-gp-practice-code.png"))
    form.gp_edit.setText("l81051")
    assert form.problems() == {}
    assert form.details().gp_practice == "L81051"
