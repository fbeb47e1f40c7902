"""The supervisor's dashboard view: figures shown, breakdowns, the two exports, keyboard and screen fit.

Screenshots go to test-artifacts/dashboard-*.png, to be looked at.
"""

from __future__ import annotations

import csv
import functools
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from outreach.checks.definition import CORE_ELEMENTS
from outreach.store.crypto import TEST_KDF
from outreach.store.local_store import LocalStore
from outreach.team.dashboard import (
    PERSONAL_EXPORT_ACTION,
    Dashboard,
    DashboardCheck,
    DashboardFollowUp,
    build_dashboard,
)
from ui import save_location
from ui.ops.team import save_dashboard_personal
from ui.review import dashboard as view_module
from ui.review.dashboard import BarChart, DashboardView, start_figures_export
from ui.style import Appearance
from ui.tasks import TaskRunner

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREEN = (1366, 768)
WORKSPACE = (1366, 640)  # what the Review workspace's dashboard tab gets of a 1366x768 screen
TODAY = date(2026, 12, 2)
WORKERS = ("Sam Testworker", "Alex Testnurse", "Jo Testsupport", "Priya Testnurse")
VENUES = ("Riverside food bank", "St Testing hostel", "Harbour day centre", "Community café (test)")
FINDINGS = (
    "bp-high",
    "bmi-raised",
    "smoking-current",
    "glucose-high-risk",
    "alcohol-increasing-risk",
    "cholesterol-high",
    "qrisk3-10-percent",
    "screening-overdue",
)
SERVICES = (
    "GP practice (test)",
    "Stop smoking service (test)",
    "Drug and alcohol service (test)",
    "Diabetes prevention (test)",
)


def synthetic_team(n: int, seed: int = 9) -> list[DashboardCheck]:
    """`n` made-up checks over 14 months: mostly complete, some declined or not possible, some overdue."""
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        visit = TODAY - timedelta(days=rnd.randrange(0, 420))
        elements = {
            e: rnd.choices(("done", "declined", "not_possible", "incomplete"), (90, 5, 3, 2))[0]
            for e in CORE_ELEMENTS
        }
        findings = tuple(rnd.sample(FINDINGS, rnd.choice((0, 0, 1, 1, 2, 3))))
        follow_ups = []
        for finding in findings:
            due = visit + timedelta(days=14)
            closed = visit + timedelta(days=rnd.randrange(0, 40)) if rnd.random() < 0.6 else None
            kind = rnd.choice(("referral", "referral", "advice_given", "already_under_care"))
            follow_ups.append(
                DashboardFollowUp(
                    finding,
                    kind,
                    rnd.choice(SERVICES) if kind == "referral" else None,
                    visit,
                    due,
                    closed if closed and closed <= TODAY else None,
                )
            )
        rows.append(
            DashboardCheck(
                f"chain-{i}",
                f"person-{rnd.randrange(n * 3 // 4 or 1)}",
                rnd.choice(WORKERS),
                rnd.choice(VENUES),
                visit,
                elements,
                findings,
                tuple(follow_ups),
            )
        )
    return rows


@pytest.fixture(scope="module")
def figures() -> Dashboard:
    return build_dashboard(synthetic_team(400), today=TODAY)


@pytest.fixture
def view(qtbot: QtBot, figures: Dashboard) -> DashboardView:
    widget = DashboardView()
    qtbot.addWidget(widget)
    widget.resize(*WORKSPACE)
    widget.show_dashboard(figures)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def shot(widget: QWidget, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    QApplication.processEvents()
    path = ARTIFACTS / name
    assert widget.grab().save(str(path))
    return path


def texts(table: QTableView, column: int = 0) -> list[str]:
    model = table.model()
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_headline_figures_say_the_national_measure_first(view: DashboardView, figures: Dashboard) -> None:
    national = figures.national
    assert national.share is not None
    assert view.national_figure.text() == f"{100 * national.share:.0f}%"
    assert f"{national.people_all_six} of {national.people} people checked" in view.national_words.text()
    assert "2 Dec 2026" in view.national_words.text()
    assert view.all_six_words.text() == f"{figures.team.all_six_done} of {figures.team.checks} checks"
    assert figures.team.follow_ups_overdue > 0
    assert view.overdue_figure.text() == f"! {figures.team.follow_ups_overdue}"  # not colour alone
    assert view.export_figures_button.isEnabled() and view.export_personal_button.isEnabled()
    shot(view, "dashboard-charts-1366x640.png")


def test_charts_carry_their_figures_for_a_screen_reader(view: DashboardView, figures: Dashboard) -> None:
    assert len(view.chart_all_six.bars) == len(WORKERS)
    assert view.chart_elements.accessibleName() == "Each core element (all checks)"
    assert "Weight (BMI): " in view.chart_elements.accessibleDescription()
    assert len(view.chart_elements.bars) == 6
    overdue = figures.overdue_by_worker
    assert [b.label for b in view.chart_overdue.bars] == list(overdue)[:10]
    assert all(b.text.startswith("! ") for b in view.chart_overdue.bars)
    labels = [b.label for b in view.chart_findings.bars]
    assert "High blood pressure" in labels and "bp-high" not in labels  # rule titles, not ids
    assert view.chart_findings.bars[0].text == str(max(figures.team.findings_by_kind.values()))


def test_breakdown_switches_charts_and_table(qtbot: QtBot, view: DashboardView, figures: Dashboard) -> None:
    assert texts(view.groups_table) == sorted(WORKERS, key=str.casefold)
    with qtbot.waitSignal(view.breakdown_changed):
        view.breakdown_box.setCurrentIndex(view.breakdown_box.findData("month"))
    months = figures.by_month
    assert len(texts(view.groups_table)) == len(months)
    assert texts(view.groups_table)[-1] == "Dec 2026"
    assert [b.label for b in view.chart_all_six.bars][-2:] == ["Nov 2026", "Dec 2026"]  # the last year
    assert len(view.chart_all_six.bars) == 12
    assert view.chart_all_six.note == "Earlier months in the Tables tab."
    assert view.groups_model.headers[0] == "Month of visit"
    tips = [
        view.groups_model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        for c in range(view.groups_model.columnCount())
    ]
    assert tips[15] == "Nine in ten follow-ups were closed within this many days"
    assert tips[5] == "Share of checks with Blood pressure done"
    view.breakdown_box.setCurrentIndex(view.breakdown_box.findData("venue"))
    assert sorted(texts(view.groups_table)) == sorted(VENUES)
    assert view.groups_table.accessibleName() == "Figures by venue"


def test_choosing_a_row_shows_that_group_in_the_detail_tables(
    view: DashboardView, figures: Dashboard
) -> None:
    view.tabs.setCurrentIndex(1)
    first = figures.by_worker[0]
    assert "whole team" in view.detail_label.text()
    view.groups_table.selectRow(0)
    assert view.detail_label.text() == f"Below: {first.key} only."
    done = [view.elements_model.rows[i][1][1] for i in range(6)]
    assert done == [first.elements[e].done for e in CORE_ELEMENTS]
    view.groups_table.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # most checks first, by number
    counts = [int(t.replace(",", "")) for t in texts(view.groups_table, 1)]
    assert counts == sorted(counts, reverse=True)
    shot(view, "dashboard-tables-1366x640.png")


def test_every_control_has_a_name_and_the_keyboard_reaches_them(qtbot: QtBot, view: DashboardView) -> None:
    controls: list[QWidget] = [
        *view.findChildren(QPushButton),
        *view.findChildren(QComboBox),
        *view.findChildren(QTableView),
        *view.findChildren(QTabWidget),
        *view.findChildren(BarChart),
    ]
    assert controls
    assert all(c.accessibleName() for c in controls), [
        c.objectName() for c in controls if not c.accessibleName()
    ]
    view.activateWindow()
    view.breakdown_box.setFocus()
    reached: list[QWidget] = []
    for _ in range(40):
        widget = QApplication.focusWidget()
        if widget is not None and widget not in reached:
            reached.append(widget)
        view.focusNextChild()
    for widget in (
        view.breakdown_box,
        view.export_figures_button,
        view.export_personal_button,
        view.tabs.tabBar(),
        view.chart_all_six,
        view.chart_referrals,
    ):
        assert widget in reached, widget.objectName()
    view.tabs.setCurrentIndex(1)
    view.groups_table.setFocus()
    assert QApplication.focusWidget() is view.groups_table


# Alt+letters the main window and the Review workspace already use while the dashboard is on show:
# the File, Work, View and Help menus, Lock, and the workspace's Review queue and Dashboard tabs.
TAKEN = set("fwvhlqd")


def test_alt_letters_are_unique_and_clash_with_nothing_around_the_view(view: DashboardView) -> None:
    texts = [b.text() for b in view.findChildren(QPushButton)] + [
        label.text() for label in view.findChildren(QLabel)
    ]
    texts += [view.tabs.tabText(i) for i in range(view.tabs.count())]
    letters = [t[t.index("&") + 1].lower() for t in texts if "&" in t and not t.endswith("&")]
    assert len(letters) == len(set(letters)) == 5, letters
    assert not set(letters) & TAKEN


def test_fits_the_small_laptop_screen(view: DashboardView) -> None:
    hint = view.minimumSizeHint()
    assert hint.width() <= WORKSPACE[0] and hint.height() <= WORKSPACE[1], hint
    for chart in view.charts:  # the charts are shown whole, not cut off, on the first tab
        assert chart.visibleRegion().boundingRect().height() >= chart.sizeHint().height() - 2, (
            chart.objectName()
        )
    assert view.export_personal_button.visibleRegion().boundingRect().width() > 0


@pytest.fixture
def high_contrast_large_text(qapp: QApplication, tmp_path: Path) -> Iterator[None]:
    appearance = Appearance(qapp, QSettings(str(tmp_path / "view.ini"), QSettings.Format.IniFormat))
    old_font = qapp.font()
    font = QFont(old_font)
    font.setPointSizeF(12)
    qapp.setFont(font)
    appearance.set_high_contrast(True)
    yield
    appearance.set_high_contrast(False)
    qapp.setFont(old_font)


def test_high_contrast_large_text_screenshot(
    qtbot: QtBot, high_contrast_large_text: None, figures: Dashboard
) -> None:
    widget = DashboardView()
    qtbot.addWidget(widget)
    widget.resize(*SCREEN)
    widget.show_dashboard(figures)
    widget.show()
    qtbot.waitExposed(widget)
    shot(widget, "dashboard-high-contrast-1366x768.png")


def test_percentages_never_round_to_all_or_none() -> None:
    assert [view_module.percent_text(x) for x in (None, 0.0, 0.002, 0.5, 0.995, 0.999, 1.0)] == [
        "-",
        "0%",
        "<1%",
        "50%",
        ">99%",
        ">99%",
        "100%",
    ]


def test_a_month_without_checks_shows_as_a_gap(qtbot: QtBot) -> None:
    widget = DashboardView()
    qtbot.addWidget(widget)
    rows = [r for r in synthetic_team(60) if r.visit_date.month != 9]  # nothing in September
    widget.show_dashboard(build_dashboard(rows, today=TODAY))
    widget.breakdown_box.setCurrentIndex(widget.breakdown_box.findData("month"))
    bars = {b.label: b for b in widget.chart_all_six.bars}
    assert len(bars) == 12 and bars["Sep 2026"].text == "no checks" and not bars["Sep 2026"].segments[0].value
    assert view_module.last_months(date(2026, 2, 10), 3) == ["2025-12", "2026-01", "2026-02"]


def test_empty_team_shows_dashes_not_zero_percent(qtbot: QtBot) -> None:
    widget = DashboardView()
    qtbot.addWidget(widget)
    widget.resize(*WORKSPACE)
    assert not widget.export_figures_button.isEnabled()  # nothing to export before figures arrive
    widget.show_dashboard(build_dashboard([], today=TODAY))
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.national_figure.text() == "-"
    assert widget.closure_words.text() == "No follow-up closed yet."
    assert widget.chart_overdue.note == "No follow-up is overdue."
    assert widget.export_figures_button.isEnabled() and not widget.export_personal_button.isEnabled()
    shot(widget, "dashboard-empty.png")


# -- exports -----------------------------------------------------------------------------------------------


def test_personal_export_warns_first_and_cancel_emits_nothing(
    qtbot: QtBot, view: DashboardView, monkeypatch: pytest.MonkeyPatch
) -> None:
    boxes: list[QMessageBox] = []

    def refuse(box: QMessageBox) -> bool:
        boxes.append(box)
        return False

    monkeypatch.setattr(save_location, "confirm", refuse)
    monkeypatch.setattr(save_location, "save_dialog", lambda *_a: pytest.fail("asked for a path"))
    with qtbot.assertNotEmitted(view.personal_export_requested):
        assert view.ask_personal_export() is None
    (box,) = boxes
    assert box.objectName() == view_module.PERSONAL_WARNING_OBJECT_NAME
    assert "not protected" in box.text() and "audit trail" in box.informativeText()
    assert box.defaultButton() is box.escapeButton()  # Enter cancels: exporting needs a choice


def test_personal_export_after_the_warning_asks_where_and_emits(
    qtbot: QtBot, view: DashboardView, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(save_location, "confirm", lambda _box: True)
    monkeypatch.setattr(save_location, "save_dialog", lambda *_a: str(tmp_path / "people"))
    with qtbot.waitSignal(view.personal_export_requested) as signal:
        view.export_personal_button.click()
    assert signal.args == [str(tmp_path / "people.csv")]


def test_the_programs_own_folder_is_refused_and_asked_again(
    qtbot: QtBot, view: DashboardView, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shown: list[str] = []

    def answer(box: QMessageBox) -> bool:
        shown.append(box.objectName())
        return True

    monkeypatch.setattr(save_location, "confirm", answer)
    inside = Path(view_module.__file__).resolve().parents[2] / "people.csv"
    elsewhere = tmp_path / "people.csv"
    # Personal: refused, then cancelled. Figures: refused, then a folder of the worker's own.
    answers = iter([str(inside), "", str(inside), str(elsewhere)])
    monkeypatch.setattr(save_location, "save_dialog", lambda *_a: next(answers))
    with qtbot.assertNotEmitted(view.personal_export_requested):
        assert view.ask_personal_export() is None
    with qtbot.waitSignal(view.figures_export_requested) as signal:
        assert view.ask_figures_export() == str(elsewhere)
    assert signal.args == [str(elsewhere)]
    assert shown == [
        view_module.PERSONAL_WARNING_OBJECT_NAME,
        save_location.REFUSED_OBJECT_NAME,
        save_location.REFUSED_OBJECT_NAME,
    ]


def test_figures_export_needs_no_warning_and_is_written_off_the_gui_thread(
    qtbot: QtBot, view: DashboardView, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(save_location, "confirm", lambda _box: pytest.fail("warned for figures"))
    monkeypatch.setattr(save_location, "save_dialog", lambda *_a: str(tmp_path / "figures.csv"))
    with qtbot.waitSignal(view.figures_export_requested) as signal:
        view.export_figures_button.click()
    task = start_figures_export(runner, view, signal.args[0])
    assert task is not None
    qtbot.waitUntil(lambda: task.done, timeout=5000)
    assert task.error is None
    rows = list(csv.reader((tmp_path / "figures.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["breakdown", "group", "measure", "item", "value"]
    assert view.export_status.text() == "Figures saved to figures.csv."


def test_wire_exports_connects_the_views_requests_to_the_writing(
    qtbot: QtBot, view: DashboardView, runner: TaskRunner, tmp_path: Path
) -> None:
    context = SimpleNamespace(runner=runner, store=None)
    view_module.wire_exports(view, context)  # type: ignore[arg-type]
    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        view.figures_export_requested.emit(str(tmp_path / "wired.csv"))
    qtbot.waitUntil(lambda: view.export_status.text() == "Figures saved to wired.csv.", timeout=5000)
    assert (tmp_path / "wired.csv").exists()


def test_personal_export_is_written_on_the_store_worker_and_audited(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path
) -> None:
    store = LocalStore.create(
        tmp_path / "data",
        admin_name="Admin Testuser",
        admin_passphrase="synthetic passphrase one",
        kdf=TEST_KDF,
    )
    try:
        checks = synthetic_team(5)

        class Label:
            def __init__(self, chain_id: str) -> None:
                self.chain_id, self.person_name, self.nhs_number = chain_id, "Testperson Alpha", "9990000018"

        with pytest.raises(Exception, match="GUI thread"):
            save_dashboard_personal(store, str(tmp_path / "x.csv"), today=TODAY, checks=checks, people=[])
        task = runner.run_db(
            functools.partial(
                save_dashboard_personal,
                today=TODAY,
                checks=checks,
                people=[Label(c.chain_id) for c in checks],
            ),
            store,
            str(tmp_path / "people.csv"),
        )
        qtbot.waitUntil(lambda: task.done, timeout=5000)
        assert task.error is None, task.error
        text = (tmp_path / "people.csv").read_text(encoding="utf-8-sig")
        assert text.count("Testperson Alpha") == 5
        assert store.audit.entries(limit=1)[0].action == PERSONAL_EXPORT_ACTION
    finally:
        runner.shutdown(wait=True)
        store.close()
