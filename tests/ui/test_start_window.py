"""The start window: named for screen readers, usable from the keyboard, sized by the system font."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QFont
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

import outreach
from outreach.settings import OrgConfig
from tests.conftest import ARTIFACTS
from ui.start_window import StartInfo, StartWindow
from ui.tasks import TaskRunner

WAIT_MS = 10_000


def make_window(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner | None = None, **info: object
) -> StartWindow:
    details = {
        "data_dir": tmp_path / "data",
        "organisation": OrgConfig(organisation_name="Synthetic Outreach Service"),
    }
    details.update(info)
    window = StartWindow(StartInfo(**details), runner)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.resize(window.sizeHint())
    window.show()
    qtbot.waitExposed(window)
    return window


def accessible_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name) if interface is not None else ""


def test_title_version_and_where_the_data_lives(qtbot: QtBot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path)
    assert window.windowTitle() == "Outreach Health Checks"
    assert window.version_value.text() == outreach.__version__
    assert window.organisation_value.text() == "Synthetic Outreach Service"
    assert window.data_dir_value.text() == str(tmp_path / "data")
    assert window.store_value.text() == "Not set up yet"
    assert window.organisation_file_value.text().startswith("None found")


def test_every_control_a_keyboard_can_reach_has_an_accessible_name(qtbot: QtBot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path)
    window.results.show()
    reachable = [
        w for w in window.findChildren(QWidget) if w.isVisible() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
    ]
    assert len(reachable) >= 6
    unnamed = [f"{type(w).__name__}:{w.objectName()}" for w in reachable if not accessible_name(w).strip()]
    assert unnamed == []
    assert accessible_name(window.check_button) == "Check this installation"
    assert accessible_name(window.data_dir_value) == "Data folder"
    assert accessible_name(window.logo) == "Outreach Health Checks logo"


def test_tab_order_runs_from_the_main_action_through_the_details(qtbot: QtBot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path)
    window.activateWindow()
    qtbot.waitActive(window)
    window.check_button.setFocus()
    order = [window.focusWidget()]
    for _ in range(6):
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
        order.append(window.focusWidget())
    assert order == [
        window.check_button,
        window.quit_button,
        window.version_value,
        window.organisation_value,
        window.organisation_file_value,
        window.data_dir_value,
        window.store_value,
    ]


def test_the_installation_check_runs_in_the_background_from_the_keyboard(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner
) -> None:
    window = make_window(qtbot, tmp_path, runner)
    window.check_button.setFocus()
    with qtbot.waitSignal(window.self_test_finished, timeout=WAIT_MS) as blocker:
        qtbot.keyClick(window.check_button, Qt.Key.Key_Space)
        assert not window.check_button.isEnabled()  # busy while the worker runs
    results = blocker.args[0]
    names = [r.name for r in results]
    assert names[:3] == ["crypto", "sqlite", "resources"]
    text = window.results.toPlainText()
    assert "crypto: OK" in text and "qt: OK (this window)" in text
    assert window.check_button.isEnabled()
    assert window.results.accessibleDescription() == text.splitlines()[0]
    ARTIFACTS.mkdir(exist_ok=True)
    assert window.grab().save(str(ARTIFACTS / "start-window-checked.png"))


def test_ctrl_q_closes_the_window(qtbot: QtBot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path)
    assert window.quit_action.shortcut().toString()
    window.quit_action.trigger()
    assert not window.isVisible()


def test_a_broken_organisation_file_is_reported_in_the_window(qtbot: QtBot, tmp_path: Path) -> None:
    window = make_window(
        qtbot, tmp_path, organisation_problem="Setting 'idle_lock_minutes' must be a whole number."
    )
    assert "idle_lock_minutes" in window.organisation_value.text()


def test_text_follows_the_system_font_size(qtbot: QtBot, tmp_path: Path, qapp: QApplication) -> None:
    original = qapp.font()
    try:
        small_window = make_window(qtbot, tmp_path)
        small_heading = small_window.heading.font().pointSizeF()
        small_hint = small_window.sizeHint()
        large = QFont(original)
        large.setPointSizeF(original.pointSizeF() * 2)
        qapp.setFont(large)
        large_window = make_window(qtbot, tmp_path)
        assert large_window.heading.font().pointSizeF() == pytest.approx(small_heading * 2)
        assert large_window.tagline.font().pointSizeF() == pytest.approx(large.pointSizeF())
        assert large_window.sizeHint().height() > small_hint.height() * 1.5
        assert large_window.logo.pixmap().height() > small_window.logo.pixmap().height() * 1.5
        ARTIFACTS.mkdir(exist_ok=True)
        assert large_window.grab().save(str(ARTIFACTS / "start-window-large-text.png"))
    finally:
        qapp.setFont(original)


def test_screenshot_of_the_start_window(qtbot: QtBot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "start-window.png"
    image = window.grab()
    assert image.save(str(path))
    assert image.width() >= 400 and image.height() >= 300
    assert path.stat().st_size > 5_000
    assert isinstance(window.heading, QLabel)


def test_the_organisation_file_is_found_in_order_and_a_bad_one_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.app import gather_start_info

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    monkeypatch.delenv("OUTREACH_ORG_CONFIG", raising=False)
    assert gather_start_info(data_dir).organisation_file is None

    (data_dir / "organisation.toml").write_text(
        'organisation_name = "Synthetic Data-Folder Service"\n', "utf-8"
    )
    info = gather_start_info(data_dir)
    assert info.organisation.organisation_name == "Synthetic Data-Folder Service"
    assert info.organisation_file == data_dir / "organisation.toml"

    chosen = tmp_path / "it" / "org.toml"
    chosen.parent.mkdir()
    chosen.write_text("idle_lock_minutes = 0\n", "utf-8")
    monkeypatch.setenv("OUTREACH_ORG_CONFIG", str(chosen))
    info = gather_start_info(data_dir)
    assert info.organisation_file == chosen
    assert info.organisation_problem is not None and "idle_lock_minutes" in info.organisation_problem
    assert info.organisation.organisation_name == "Outreach service"  # defaults, app still opens


def test_the_installation_check_agrees_with_the_unlock_screen(tmp_path: Path) -> None:
    """The start window's "store found" and the main window's choice of set-up or unlock use one
    answer: a key file alone is a half-made store to report, not a fresh laptop."""
    from outreach.store.files import VAULT_FILENAME
    from ui.app import gather_start_info

    assert not gather_start_info(tmp_path).store_exists
    (tmp_path / VAULT_FILENAME).write_text("{}")
    assert gather_start_info(tmp_path).store_exists
