"""Home, people: search as you type, register with checks and duplicate warning, today's session."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from outreach.store.local_store import LocalStore
from tests.ui.conftest import open_message_boxes
from tests.ui.shell_support import (
    NHS_VALID,
    PASSPHRASE,
    WAIT_MS,
    WORKER,
    add_checks,
    close_store,
    make_store,
    open_window,
    screenshot,
    unlock,
)
from ui.main_window import MainWindow
from ui.tasks import TaskRunner


def home_window(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner, people: int = 30, **kwargs: object
) -> MainWindow:
    data = tmp_path / "data"
    make_store(data, people=people)
    window = open_window(qtbot, runner, data, expect="unlock", **kwargs)
    unlock(qtbot, window)
    return window


def test_search_as_you_type_then_choose_with_the_keyboard(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    window = home_window(qtbot, tmp_path, runner)
    search = window.home.search
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert search.search_edit.hasFocus()
    with qtbot.waitSignal(search.results_shown, timeout=WAIT_MS) as shown:
        qtbot.keyClicks(search.search_edit, "testp number1")  # debounced: one query for the whole text
    assert shown.args == [11]  # Number1 and Number10..Number19
    assert search.results.item(0).text().startswith("Testperson Number1 ")
    assert search.status.text().startswith("Found: 11.")
    qtbot.keyClick(search.search_edit, Qt.Key.Key_Down)
    assert search.results.hasFocus()
    qtbot.keyClick(search.results, Qt.Key.Key_Down)
    second = search.results.currentItem().text().split("   ")[0]
    panel = window.home.person_panel
    qtbot.keyClick(search.results, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.name_label.text() == second, timeout=WAIT_MS)
    assert panel.start_button.isEnabled()
    screenshot(window, "home-search.png")

    search.search_edit.clear()
    with qtbot.waitSignal(search.results_shown, timeout=WAIT_MS) as shown:
        qtbot.keyClicks(search.search_edit, "nobody-like-this")
    assert shown.args == [0] and "Ctrl+N" in search.status.text()
    close_store(window)


def test_one_click_on_a_result_opens_the_person(qtbot: QtBot, tmp_path: Path, runner: TaskRunner) -> None:
    window = home_window(qtbot, tmp_path, runner)
    search = window.home.search
    with qtbot.waitSignal(search.results_shown, timeout=WAIT_MS):
        qtbot.keyClicks(search.search_edit, "testp number12")
    first = search.results.item(0)
    rect = search.results.visualItemRect(first)
    panel = window.home.person_panel
    qtbot.mouseClick(search.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: panel.name_label.text() == first.text().split("   ")[0], timeout=WAIT_MS)
    close_store(window)


def test_search_by_date_of_birth_and_by_nhs_number(qtbot: QtBot, tmp_path: Path, runner: TaskRunner) -> None:
    data = tmp_path / "data"
    make_store(data, people=3)
    add_checks(data, draft_for=None)
    window = open_window(qtbot, runner, data, expect="unlock")
    unlock(qtbot, window)
    search = window.home.search
    with qtbot.waitSignal(search.results_shown, timeout=WAIT_MS) as shown:
        qtbot.keyClicks(search.search_edit, "03/02/1971")
    assert shown.args == [1] and "Testperson Followup" in search.results.item(0).text()
    search.search_edit.clear()
    with qtbot.waitSignal(search.results_shown, timeout=WAIT_MS) as shown:
        qtbot.keyClicks(search.search_edit, "999 000 0018")
    assert shown.args == [1] and "NHS 999 000 0018" in search.results.item(0).text()
    close_store(window)


def test_register_checks_the_nhs_number_as_typed_and_warns_of_a_possible_duplicate(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    window = home_window(qtbot, tmp_path, runner, people=2)
    home = window.home
    qtbot.keyClicks(home.search.search_edit, "testperson newcomer")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = home.person_form
    assert home.right.currentWidget() is form and form.given_edit.hasFocus()
    assert form.given_edit.text() == "Testperson" and form.family_edit.text() == "Newcomer"  # carried over
    qtbot.keyClicks(form.dob_edit, "14/07/1985")
    qtbot.keyClicks(form.nhs_edit, "999 000 0019")
    assert form.nhs_field.message.text() == "Problem: The last digit does not match: check for a typing error"
    assert "last digit" in form.nhs_edit.accessibleDescription()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.nhs_edit.hasFocus() and home.right.currentWidget() is form  # refused before anything is saved
    screenshot(window, "home-register-invalid-nhs.png")
    qtbot.keyClick(form.nhs_edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(form.nhs_edit, "8")
    assert (
        form.nhs_field.message.text() == f"Valid NHS number: {NHS_VALID[:3]} {NHS_VALID[3:6]} {NHS_VALID[6:]}"
    )
    form.ethnic_combo.setCurrentIndex(form.ethnic_combo.findData("M"))
    qtbot.keyClicks(form.language_edit, "Somali")
    qtbot.keyClicks(form.needs_edit, "Interpreter; large print")
    panel = home.person_panel
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.name_label.text() == "Testperson Newcomer", timeout=WAIT_MS)
    assert "NHS number 999 000 0018" in panel.details_label.text() and "Somali" in panel.details_label.text()
    assert "\nEthnic group: " in panel.details_label.text()  # labelled, so "Not known" reads as what it is
    first_id = panel.person.id

    # The same names and date of birth again, without an NHS number: offered the existing person first.
    home.new_person()
    form.clear()
    qtbot.keyClicks(form.given_edit, "Testperson")
    qtbot.keyClicks(form.family_edit, "Newcomer")
    qtbot.keyClicks(form.dob_edit, "1985-07-14")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(form.duplicates.isVisible, timeout=WAIT_MS)
    assert "may be someone already registered" in form.duplicates.text.text()
    assert "Testperson Newcomer, born 14 Jul 1985" in form.duplicates.text.text()
    screenshot(window, "home-register-duplicate.png")
    qtbot.mouseClick(form.duplicates.buttons[0], Qt.MouseButton.LeftButton)  # open the one already there
    qtbot.waitUntil(lambda: home.right.currentWidget() is panel, timeout=WAIT_MS)
    assert panel.person.id == first_id

    home.new_person()
    form.clear()
    qtbot.keyClicks(form.given_edit, "Testperson")
    qtbot.keyClicks(form.family_edit, "Newcomer")
    qtbot.keyClicks(form.dob_edit, "1985-07-14")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(form.duplicates.isVisible, timeout=WAIT_MS)
    qtbot.mouseClick(form.duplicates.buttons[1], Qt.MouseButton.LeftButton)  # a different person after all
    qtbot.waitUntil(lambda: panel.person is not None and panel.person.id != first_id, timeout=WAIT_MS)
    close_store(window)
    store = LocalStore.open(tmp_path / "data")
    store.unlock(WORKER, PASSPHRASE)
    try:
        assert [h.family_name for h in store.people_index.search("newcomer")] == ["Newcomer", "Newcomer"]
    finally:
        store.close()


def test_a_bad_date_of_birth_is_explained_next_to_the_field(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    window = home_window(qtbot, tmp_path, runner, people=0)
    form = window.home.person_form
    window.home.new_person()
    qtbot.keyClicks(form.given_edit, "Testperson")
    qtbot.keyClicks(form.family_edit, "Dateless")
    qtbot.keyClicks(form.dob_edit, "31/02/1990")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    # Refused on the form itself, before anything goes to the store, saying which part is wrong:
    # the nurse did type day/month/year.
    assert (
        form.dob_field.message.text()
        == "Problem: February 1990 has 28 days, so there is no day 31: check the day."
    )
    assert form.dob_edit.hasFocus() and not form.busy.busy
    assert window.home.right.currentWidget() is form
    form.dob_edit.clear()
    qtbot.keyClicks(form.dob_edit, "29/02/2024")  # a leap year: there is such a day
    assert form.dob_field.message_text == "29 Feb 2024"
    for typed, said in (
        ("12/13/1980", "Problem: There is no month 13. Type the day first, then the month"),
        ("1980-02-30", "Problem: February 1980 has 29 days, so there is no day 30"),
        ("3 March 1980", "Problem: This is not a date. Type it as day/month/year"),
    ):
        form.dob_edit.clear()
        qtbot.keyClicks(form.dob_edit, typed)
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
        assert form.dob_field.message_text.startswith(said), typed
    close_store(window)


def test_todays_session_at_a_typed_venue_is_stored_and_offered_next_time(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    window = home_window(qtbot, tmp_path, runner, people=0)
    bar = window.home.session_bar
    bar.venue_combo.setFocus()
    qtbot.keyClicks(bar.venue_combo.lineEdit(), "Synthetic Community Cafe")
    with qtbot.waitSignal(bar.session_started, timeout=WAIT_MS) as started:
        qtbot.keyClick(bar.venue_combo.lineEdit(), Qt.Key.Key_Return)
    session = started.args[0]
    assert session.venue_name == "Synthetic Community Cafe" and session.session_id
    assert (
        window.context.session_id == session.session_id and window.context.venue == "Synthetic Community Cafe"
    )
    assert "Session started at Synthetic Community Cafe" in bar.status.text()
    close_store(window)

    store = LocalStore.open(tmp_path / "data")
    store.unlock(WORKER, PASSPHRASE)
    try:
        assert [v.name for v in store.venues.list()] == ["Synthetic Community Cafe"]
    finally:
        store.close()


def test_a_long_name_wraps_in_the_person_header_without_squeezing_the_person_list(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    data = tmp_path / "data"
    make_store(data)
    store = LocalStore.open(data)
    store.unlock(WORKER, PASSPHRASE)
    long_family = "Testperson-Doublebarrelled-Extraordinarilylongsurname"
    try:
        from outreach import services
        from outreach.store.records import PersonDetails

        person = services.register_person(
            store,
            PersonDetails(
                given_name="Testperson Alpha Bravo Charlie Delta Echo",
                family_name=f"{long_family} Foxtrot <b>Golf</b> Hotel India Juliet",
                date_of_birth="1970-01-01",
                sex="female",
            ),
        )
    finally:
        store.close()
    window = open_window(qtbot, runner, data, expect="unlock")
    window.resize(1000, 600)
    unlock(qtbot, window)
    home = window.home
    results_before = home.search.results.width()
    panel = home.person_panel
    home.show_person(person.id)
    qtbot.waitUntil(lambda: panel.person is not None, timeout=WAIT_MS)
    qtbot.wait(50)  # layouts settle
    label = panel.name_label
    assert label.wordWrap() and label.textFormat() == Qt.TextFormat.PlainText
    assert "<b>Golf</b>" in label.text()  # shown as typed, not as markup
    # The list keeps its share of the window (it was squeezed to 150 px).
    assert home.search.results.width() >= 250
    assert home.search.results.width() >= results_before * 0.9
    assert label.width() <= home.right.width()
    assert label.height() > label.fontMetrics().height() * 1.5  # wrapped onto more than one line
    assert label.toolTip() == person.display_name and label.accessibleName() == person.display_name
    # Narrower still: the one over-long word is shortened with an ellipsis instead of widening the panel.
    window.resize(640, 600)
    qtbot.wait(50)
    assert label.fontMetrics().horizontalAdvance(long_family) > label.width()
    assert "\u2026" in label.text() and long_family not in label.text()
    assert label.width() <= home.right.width()
    screenshot(window, "home-person-long-name.png")
    close_store(window)


def test_save_shows_every_problem_at_once_and_a_future_birth_date_is_warned_as_typed(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    from datetime import date, timedelta

    window = home_window(qtbot, tmp_path, runner, people=0)
    home = window.home
    home.new_person()
    form = home.person_form
    qtbot.keyClicks(form.family_edit, "Testperson")
    qtbot.keyClicks(form.dob_edit, "31/02/1980")
    qtbot.keyClicks(form.nhs_edit, NHS_VALID[:-1] + "9")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    # One Save: the given name, the date of birth and the NHS number each say what is wrong.
    assert form.given_field.message_text == "Problem: Enter the person's given name."
    assert form.dob_field.message_text.startswith("Problem: February 1980 has 29 days")
    assert "last digit" in form.nhs_field.message_text
    assert form.family_field.message_text == ""
    assert form.given_edit.hasFocus()  # the first problem on the form
    assert home.right.currentWidget() is form
    screenshot(window, "home-register-all-problems.png")

    # A date of birth in the future is warned about as it is typed, before leaving the field.
    future = date.today() + timedelta(days=40)
    form.dob_edit.clear()
    form.dob_edit.setFocus()
    qtbot.keyClicks(form.dob_edit, future.strftime("%d/%m/%Y"))
    assert form.dob_edit.hasFocus()
    assert form.dob_field.message_text == "Problem: This date of birth is in the future: check it."
    form.dob_edit.clear()
    qtbot.keyClicks(form.dob_edit, "25/03/1980")
    assert form.dob_field.message_text == "25 Mar 1980"
    close_store(window)


def test_a_new_check_without_a_venue_session_gets_a_plain_notice_not_a_dialog(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    window = home_window(qtbot, tmp_path, runner, people=1)
    home = window.home
    panel = home.person_panel
    home.search.search_edit.setText("testperson")
    home.search.run_query()
    qtbot.waitUntil(lambda: home.search.results.count() == 1, timeout=WAIT_MS)
    home.show_person(home.search.results.item(0).data(Qt.ItemDataRole.UserRole))
    qtbot.waitUntil(lambda: panel.person is not None, timeout=WAIT_MS)
    assert window.context.session is None
    with qtbot.waitSignal(window.page_shown, timeout=WAIT_MS, check_params_cb=lambda name: name == "check"):
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    notice = window.start_notice
    assert notice.isVisible() and not open_message_boxes()  # shown over the check; nothing to dismiss
    assert notice.text.text() == (
        "No venue chosen for today: this check will be recorded without a venue. "
        "Choose the venue at the top of home first if you can."
    )
    screenshot(window, "check-no-venue-notice.png")
    window.check_widget.closed.emit()  # back home: the notice goes with the check
    qtbot.waitUntil(lambda: window.current_page == "home", timeout=WAIT_MS)
    assert not notice.isVisible()

    # With today's venue started, the same start says nothing.
    bar = home.session_bar
    bar.venue_combo.setEditText("Synthetic Community Cafe")
    with qtbot.waitSignal(bar.session_started, timeout=WAIT_MS):
        bar.start()
    opened = qtbot.waitSignal(window.page_shown, timeout=WAIT_MS, check_params_cb=lambda n: n == "check")
    with qtbot.assertNotEmitted(home.start_notice), opened:
        home.start_check(panel.person.id, None)
    assert not notice.isVisible()
    close_store(window)
