"""Accessibility of every shell and home screen: names, keyboard, text size, contrast, translation."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QTabBar, QWidget
from pytestqt.qtbot import QtBot

from tests.conftest import ROOT
from tests.ui.shell_support import (
    WAIT_MS,
    add_checks,
    close_store,
    make_store,
    open_window,
    screenshot,
    unlock,
)
from ui.main_window import MainWindow
from ui.style import TEXT_PAIRS, Appearance, contrast_ratio, high_contrast_palette
from ui.tasks import TaskRunner

SHELL_FILES = [
    "ui/main_window.py",
    "ui/setup_wizard.py",
    "ui/unlock.py",
    "ui/widgets/field.py",
    "ui/widgets/busy.py",
    "ui/home/home_page.py",
    "ui/home/search.py",
    "ui/home/person_form.py",
    "ui/home/person_panel.py",
    "ui/home/follow_ups.py",
    "ui/home/outbox.py",
    "ui/home/session_bar.py",
]


def focusable_without_name(root: QWidget) -> list[str]:
    """Every control the keyboard can reach on screen that a screen reader could not name."""
    missing = []
    for widget in [root, *root.findChildren(QWidget)]:
        if (
            not widget.isVisibleTo(root.window())
            or not widget.isEnabled()
            and not isinstance(widget, QAbstractButton)
        ):
            continue
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        if widget.focusProxy() is not None:
            continue  # the proxy is the control that takes the focus
        if not widget.accessibleName().strip():
            missing.append(
                f"{type(widget).__name__}({widget.objectName() or widget.parent().__class__.__name__})"
            )
    return missing


def screens(qtbot: QtBot, tmp_path: Path, runner: TaskRunner) -> list[tuple[str, MainWindow]]:
    """Walk through every screen of the shell, yielding each once it is on show."""
    shown: list[tuple[str, MainWindow]] = []
    setup = open_window(qtbot, runner, tmp_path / "fresh", expect="setup")
    shown.append(("setup", setup))
    data = tmp_path / "data"
    make_store(data, people=3)
    add_checks(data)
    window = open_window(qtbot, runner, data, expect="unlock")
    qtbot.waitUntil(window.unlock_panel.unlock_button.isEnabled, timeout=WAIT_MS)
    shown.append(("unlock", window))
    unlock(qtbot, window)
    return [*shown, ("home", window)]


def test_every_control_on_every_screen_has_an_accessible_name(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    (_, setup), (_, _unlock), (_, window) = screens(qtbot, tmp_path, runner)
    problems: dict[str, list[str]] = {}
    problems["setup"] = focusable_without_name(setup)
    home = window.home
    problems["home-people"] = focusable_without_name(window)
    home.search.search_edit.setText("testperson")
    home.search.run_query()
    qtbot.waitUntil(lambda: home.search.results.count() > 0, timeout=WAIT_MS)
    home.show_person(home.search.results.item(0).data(Qt.ItemDataRole.UserRole))
    qtbot.waitUntil(lambda: home.person_panel.person is not None, timeout=WAIT_MS)
    problems["home-person"] = focusable_without_name(window)
    home.new_person()
    problems["home-register"] = focusable_without_name(window)
    for index, name in ((1, "home-follow-ups"), (2, "home-outbox")):
        home.tabs.setCurrentIndex(index)
        problems[name] = focusable_without_name(window)
    home.tabs.setCurrentIndex(0)
    window.open_check(home.person_panel.person.id, None)
    problems["check"] = focusable_without_name(window)
    window.go_home()
    window.lock()
    problems["locked"] = focusable_without_name(window)
    assert {k: v for k, v in problems.items() if v} == {}
    close_store(window)


def test_shortcuts_and_mnemonics_reach_the_main_controls(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    data = tmp_path / "data"
    make_store(data, people=2)
    window = open_window(qtbot, runner, data, expect="unlock")
    window.activateWindow()
    unlock(qtbot, window)
    home = window.home
    assert {
        a.shortcut().toString() for a in (window.find_action, window.new_person_action, window.lock_action)
    } == {"Ctrl+F", "Ctrl+N", "Ctrl+L"}
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert home.person_form.given_edit.hasFocus()
    # The register form is filled in top to bottom with Tab.
    order = [QApplication.focusWidget()]
    for _ in range(8):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    form = home.person_form
    assert order == [
        form.given_edit,
        form.family_edit,
        form.dob_edit,
        form.sex_combo,
        form.nhs_edit,
        form.ethnic_combo,
        form.gp_edit,
        form.language_edit,
        form.needs_edit,
    ]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert home.search.search_edit.hasFocus()
    # Every button and tab a worker uses has an Alt+letter.
    labels = [
        home.new_person_button.text(),
        home.session_bar.start_button.text(),
        window.lock_button.text(),
        home.person_panel.start_button.text(),
        home.follow_ups.record_button.text(),
        home.outbox.sync_button.text(),
        *(home.tabs.tabText(i) for i in range(3)),
    ]
    assert all(re.search(r"&\w", text) for text in labels), labels
    letters = [
        re.search(r"&(\w)", t).group(1).lower()
        for t in [
            *(home.tabs.tabText(i) for i in range(3)),  # type: ignore[union-attr]
            home.new_person_button.text(),
            window.lock_button.text(),
        ]
    ]
    assert len(set(letters)) == len(letters), letters
    close_store(window)


def mnemonics(window: MainWindow) -> list[str]:
    """The Alt+letter keys live on this screen: menus, tabs, buttons and labels with a buddy."""
    texts = [a.text() for a in window.menuBar().actions()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or not widget.isEnabled():
            continue
        if isinstance(widget, QAbstractButton) or (isinstance(widget, QLabel) and widget.buddy() is not None):
            texts.append(widget.text())
        if isinstance(widget, QTabBar):
            texts.extend(widget.tabText(i) for i in range(widget.count()))
    return [m.group(1).lower() for t in texts if (m := re.search(r"(?<!&)&(\w)", t))]


def mnemonic_of(text: str) -> str:
    match = re.search(r"(?<!&)&(\w)", text)
    assert match is not None, text
    return match.group(1).lower()


def menu_item_mnemonics(window: MainWindow) -> set[str]:
    """Alt+letters of the items inside the window's menus."""
    return {
        mnemonic_of(action.text())
        for top in window.menuBar().actions()
        if top.menu() is not None
        for action in top.menu().actions()
        if re.search(r"(?<!&)&\w", action.text())
    }


def test_alt_letter_on_the_unfinished_check_banner_continues_the_check(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    """The banner's letter is used by nothing else, menus included, so it presses the button even
    with the keyboard in the search box (and types nothing there)."""
    data = tmp_path / "data"
    make_store(data, people=2)
    ids = add_checks(data)
    window = open_window(qtbot, runner, data, expect="unlock")
    unlock(qtbot, window)
    home = window.home
    qtbot.waitUntil(home.drafts_notice.isVisible, timeout=WAIT_MS)
    letter = mnemonic_of(home.drafts_notice.buttons[0].text())
    assert letter not in menu_item_mnemonics(window)
    assert mnemonics(window).count(letter) == 1
    home.focus_search()
    with qtbot.waitSignal(home.open_check, timeout=WAIT_MS) as opened:
        key = getattr(Qt.Key, f"Key_{letter.upper()}")
        qtbot.keyClick(home.search.search_edit, key, Qt.KeyboardModifier.AltModifier)
    assert opened.args == [ids["draft_person"], ids["draft"]]
    assert home.search.search_edit.text() == ""
    close_store(window)


def test_no_two_controls_on_a_screen_share_an_alt_letter(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    (_, setup), (_, _unlock), (_, window) = screens(qtbot, tmp_path, runner)
    shown: dict[str, list[str]] = {"setup": mnemonics(setup)}
    home = window.home
    # The unfinished-check banner is on show on every home screen walked below.
    qtbot.waitUntil(home.drafts_notice.isVisible, timeout=WAIT_MS)
    banner = mnemonic_of(home.drafts_notice.buttons[0].text())
    shown["home"] = mnemonics(window)
    assert banner in shown["home"]
    home.show_person(home.follow_ups.rows[0].record.person_id if home.follow_ups.rows else "")
    qtbot.waitUntil(lambda: home.person_panel.person is not None, timeout=WAIT_MS)
    shown["home-person"] = mnemonics(window)
    home.new_person()
    shown["home-register"] = mnemonics(window)
    for index, name in ((1, "home-follow-ups"), (2, "home-outbox")):
        home.tabs.setCurrentIndex(index)
        shown[name] = mnemonics(window)
    assert all(banner in keys for name, keys in shown.items() if name != "setup")
    window.lock()
    shown["locked"] = mnemonics(window)
    repeated = {name: sorted({k for k in keys if keys.count(k) > 1}) for name, keys in shown.items()}
    assert {name: keys for name, keys in repeated.items() if keys} == {}
    assert len(shown["home-register"]) >= 12
    close_store(window)


def test_the_high_contrast_palette_keeps_every_text_at_7_to_1_or_more(qapp: QApplication) -> None:
    palette = high_contrast_palette(qapp.palette())
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled):
        for text_role, background_role in TEXT_PAIRS:
            ratio = contrast_ratio(palette.color(group, text_role), palette.color(group, background_role))
            assert ratio >= 7.0, (group, text_role, background_role, round(ratio, 2))


def test_high_contrast_is_a_toggle_that_changes_the_whole_app(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner, qapp: QApplication
) -> None:
    settings = QSettings(str(tmp_path / "view.ini"), QSettings.Format.IniFormat)
    appearance = Appearance(qapp, settings)
    before = qapp.palette().color(QPalette.ColorRole.Window)
    data = tmp_path / "data"
    make_store(data, people=3)
    add_checks(data, draft_for=None)
    window = open_window(qtbot, runner, data, expect="unlock", appearance=appearance)
    try:
        unlock(qtbot, window)
        window.home.tabs.setCurrentIndex(1)
        window.contrast_action.trigger()
        assert appearance.high_contrast
        palette = qapp.palette()
        assert (
            contrast_ratio(
                palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window)
            )
            >= 7
        )
        assert (
            contrast_ratio(palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base))
            >= 7
        )
        screenshot(window, "home-high-contrast.png")
        window.contrast_action.trigger()
        assert not appearance.high_contrast and qapp.palette().color(QPalette.ColorRole.Window) == before
        window.contrast_action.trigger()
        settings.sync()
        again = Appearance(qapp, QSettings(str(tmp_path / "view.ini"), QSettings.Format.IniFormat))
        again.load_choice()
        assert again.high_contrast  # the choice is remembered for next time
    finally:
        appearance.set_high_contrast(False)
        close_store(window)


def test_text_follows_the_system_font_size(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner, qapp: QApplication
) -> None:
    original = qapp.font()
    data = tmp_path / "data"
    make_store(data)
    try:
        small = open_window(qtbot, runner, data, expect="unlock")
        small_heading = small.unlock_panel.heading.font().pointSizeF()
        small_hint = small.content_size()
        large_font = QFont(original)
        large_font.setPointSizeF(original.pointSizeF() * 2)
        qapp.setFont(large_font)
        large = open_window(qtbot, runner, data, expect="unlock")
        assert large.unlock_panel.heading.font().pointSizeF() == pytest.approx(small_heading * 2)
        assert large.unlock_panel.pass_edit.font().pointSizeF() == pytest.approx(large_font.pointSizeF())
        assert large.content_size().height() > small_hint.height() * 1.5
        screenshot(large, "shell-unlock-large-text.png")
    finally:
        qapp.setFont(original)
    # No pixel font sizes anywhere in the shell's code.
    for name in SHELL_FILES:
        text = (ROOT / name).read_text("utf-8")
        assert not re.search(r"setPixelSize|font-size\s*:\s*\d+px", text), name


def test_every_string_is_translatable_and_in_the_template() -> None:
    template = (ROOT / "resources" / "translations" / "outreach.ts").read_text("utf-8")
    for name in [
        "ui/main_window.py",
        "ui/setup_wizard.py",
        "ui/unlock.py",
        "ui/home/search.py",
        "ui/home/person_form.py",
        "ui/home/follow_ups.py",
        "ui/home/outbox.py",
    ]:
        assert f'filename="../../{name}"' in template, f"{name} is not in the translation template"
    for source in (
        "Set up this laptop",
        "&amp;Find a person",
        "&amp;Record outcome",
        "Locked",
        "Waiting to be sent",
        "You have an unfinished check for {0}, started {1}. Continue it?",
    ):
        assert f"<source>{source}</source>" in template, source
    # Widgets are never given bare literal text: labels and buttons are made from self.tr(...).
    literal = re.compile(r"Q(?:Label|PushButton|GroupBox)\(\s*\"[^\"]")
    for name in SHELL_FILES:
        assert not literal.search((ROOT / name).read_text("utf-8")), name


@pytest.mark.skipif(sys.platform == "win32", reason="lupdate path differs")
def test_the_translation_template_is_up_to_date(tmp_path: Path) -> None:
    """Running the extraction again finds no string missing from the committed template."""
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    if not lupdate.exists():
        pytest.skip("pyside6-lupdate is not installed")
    fresh = tmp_path / "fresh.ts"
    files = [str(ROOT / f) for f in SHELL_FILES]
    subprocess.run(
        [str(lupdate), *files, "-ts", str(fresh)], check=True, capture_output=True, timeout=120, cwd=ROOT
    )
    committed = (ROOT / "resources" / "translations" / "outreach.ts").read_text("utf-8")
    sources = set(re.findall(r"<source>(.*?)</source>", fresh.read_text("utf-8"), re.DOTALL))
    missing = sorted(s for s in sources if f"<source>{s}</source>" not in committed)
    assert missing == []


def test_labels_name_their_fields(qtbot: QtBot, tmp_path: Path, runner: TaskRunner) -> None:
    window = open_window(qtbot, runner, tmp_path / "fresh", expect="setup")
    page = window.setup_page
    buddies = {label.buddy() for label in page.findChildren(QLabel) if label.buddy() is not None}
    assert {page.org_name_edit, page.user_edit, page.pass_edit, page.repeat_edit, page.idle_spin} <= buddies


def test_ctrl_h_leaves_an_open_check_for_home(qtbot: QtBot, tmp_path: Path, runner: TaskRunner) -> None:
    """The Home shortcut the Work menu shows works from inside a check too: it leaves the check as the
    check's own Back does (saved first), instead of doing nothing."""
    data = tmp_path / "data"
    make_store(data, people=2)
    add_checks(data)
    window = open_window(qtbot, runner, data, expect="unlock")
    qtbot.waitUntil(window.unlock_panel.unlock_button.isEnabled, timeout=WAIT_MS)
    unlock(qtbot, window)
    home = window.home
    assert home is not None
    home.search.search_edit.setText("testperson")
    home.search.run_query()
    qtbot.waitUntil(lambda: home.search.results.count() > 0, timeout=WAIT_MS)
    home.show_person(home.search.results.item(0).data(Qt.ItemDataRole.UserRole))
    qtbot.waitUntil(lambda: home.person_panel.person is not None, timeout=WAIT_MS)
    window.open_check(home.person_panel.person.id, None)
    assert window.check_widget is not None and window.stack.currentWidget() is window.check_widget
    window.home_action.trigger()
    qtbot.waitUntil(lambda: window.check_widget is None, timeout=WAIT_MS)
    assert window.stack.currentWidget() is home and window.current_page == "home"
    close_store(window)
