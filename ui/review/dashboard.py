"""The supervisor's dashboards: are the six core elements being done, and is every finding followed up?

What a supervisor must read at a glance comes first and largest: the national measure (share
of people with all six core elements done in the last 12 months), then checks with all six
done, overdue follow-ups and days to closure. Below them, simple horizontal bar charts (drawn
with QPainter: the bundle carries no chart library) and, on the second tab, the same figures
as sortable tables, by worker, venue or visit month as the supervisor chooses.

Charts never rely on colour alone: every bar carries its number, the stacked element bars
carry their counts and a hatched pattern for "incomplete", and each chart's accessible
description reads out every bar, so a screen reader user gets the same figures.

Two exports, placed apart on purpose:

* "Export figures (CSV)" (top right) saves the aggregates: counts only, no one's details;
* "Export with personal data" (bottom left, with a warning beside it and a warning box
  before the save dialog) saves a line per check with names and NHS numbers; the
  file leaves the app's encryption, so the store's audit trail records it.

The view only asks where to save and emits `figures_export_requested(path)` or
`personal_export_requested(path)`; the workspace that hosts it does the writing on a worker
thread with `start_figures_export` / `start_personal_export` (or `wire_exports` for both).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from outreach.checks.definition import CORE_ELEMENTS
from outreach.team.dashboard import (
    BREAKDOWNS,
    DECLINED,
    DONE,
    ELEMENT_OUTCOMES,
    INCOMPLETE,
    MONTH,
    NOT_POSSIBLE,
    VENUE,
    WORKER,
    Dashboard,
    Figures,
)
from ui import save_location
from ui.ops.team import save_dashboard_figures, save_dashboard_personal
from ui.style import make_heading, scaled_font
from ui.widgets.wheel_guard import guard_wheel

if TYPE_CHECKING:
    from outreach.store.local_store import LocalStore
    from ui.context import AppContext
    from ui.tasks import Task, TaskRunner

MAX_BARS: Final = 8  # bars per chart: more would not be read at a glance (the table has them all)
MONTHS_SHOWN: Final = 12  # the month charts show the last year
HEADLINE_SCALE: Final = 2.2  # the national measure's figure, relative to the application font
FIGURE_SCALE: Final = 1.6
BAR_COLOUR: Final = "#00307A"  # dark blue, 12:1 on white; white figures on it read as well
OVERDUE_COLOUR: Final = "#8B0000"  # dark red, 8.6:1 on white (as ui.home.follow_ups)
DECLINED_COLOUR: Final = "#8A4B00"  # dark amber, 7.1:1 on white: never mistaken for "done"
NOT_POSSIBLE_COLOUR: Final = "#595959"  # dark grey, 7:1 on white
CSV_SUFFIX: Final = ".csv"
PERSONAL_WARNING_OBJECT_NAME: Final = "dashboard-personal-export-warning"
SORT_ROLE: Final = Qt.ItemDataRole.UserRole + 1
AnyIndex = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("DashboardView", text)


def element_words() -> dict[str, str]:
    """The six core elements in the words the check uses."""
    return {
        "weight": _tr("Weight (BMI)"),
        "blood_pressure": _tr("Blood pressure"),
        "lipids": _tr("Cholesterol (lipids)"),
        "glucose": _tr("Blood sugar (glucose)"),
        "alcohol": _tr("Alcohol"),
        "smoking": _tr("Smoking"),
    }


def outcome_words() -> dict[str, str]:
    return {
        DONE: _tr("Done"),
        DECLINED: _tr("Declined"),
        NOT_POSSIBLE: _tr("Not possible"),
        INCOMPLETE: _tr("Incomplete"),
    }


def breakdown_words() -> dict[str, str]:
    return {WORKER: _tr("Worker"), VENUE: _tr("Venue"), MONTH: _tr("Month of visit")}


@functools.cache
def _rule_titles() -> dict[str, str]:
    """Finding rule id -> its title, from the bundled rule set (read once)."""
    from outreach.clinical.findings import load_rules

    try:
        return {rule.id: rule.title for rule in load_rules().rules}
    except Exception:  # noqa: BLE001 - a broken rules file must not hide the figures: ids are shown instead
        return {}


def group_words(breakdown: str, key: str) -> str:
    """A group as the supervisor reads it: "Nov 2026" for a month, the name otherwise."""
    if breakdown == MONTH and len(key) == 7:
        year, month = int(key[:4]), int(key[5:])
        return QLocale().toString(QDate(year, month, 1), "MMM yyyy")
    return key or _tr("Not recorded")


def percent_text(share: float | None) -> str:
    """A share as a whole percentage that never claims all or none when it is not: 199 of 200 is
    ">99%", not "100%", and 1 of 500 is "<1%", not "0%"."""
    if share is None:
        return "-"
    percent = 100.0 * share
    if 0.0 < percent < 0.5:
        return "<1%"
    if 99.5 <= percent < 100.0:
        return ">99%"
    return f"{percent:.0f}%"


def days_text(days: float | None) -> str:
    if days is None:
        return "-"
    return f"{days:.0f}" if float(days).is_integer() else f"{days:.1f}"


# -- charts ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    value: float
    colour: str  # a colour name, or "" for BAR_COLOUR
    hatched: bool = False


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]
    text: str  # drawn after the bar: the figure itself, so colour is never needed to read it


class BarChart(QWidget):
    """A horizontal bar chart: a title, one labelled bar per row with its figure, an optional note.

    Plain QPainter so the bundle stays small; the palette's colours, so high contrast applies.
    """

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a screen reader can reach it and read the figures
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.title = ""
        self.bars: tuple[Bar, ...] = ()
        self.maximum = 1.0
        self.note = ""
        self.legend: tuple[tuple[str, Segment], ...] = ()
        self.full_scale = False

    def set_bars(
        self,
        title: str,
        bars: Sequence[Bar],
        *,
        maximum: float | None = None,
        note: str = "",
        legend: Sequence[tuple[str, Segment]] = (),
    ) -> None:
        """Show `bars`; `maximum` is the full bar (100 for percentages: its outline is drawn, so a
        share reads against the whole), else the largest total."""
        self.title = title
        self.bars = tuple(bars)
        largest = max((sum(s.value for s in b.segments) for b in self.bars), default=0.0)
        self.maximum = float(maximum if maximum is not None else largest) or 1.0
        self.full_scale = maximum is not None
        self.note = note
        self.legend = tuple(legend)
        self.setAccessibleName(title)
        lines = [f"{b.label}: {b.text}" for b in self.bars] + ([note] if note else [])
        self.setAccessibleDescription("; ".join(lines or [_tr("Nothing to show yet.")]))
        self.updateGeometry()
        self.update()

    # -- geometry --------------------------------------------------------------------------------------
    def _row_height(self) -> int:
        return self.fontMetrics().height() + 6

    def sizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        rows = max(1, len(self.bars))
        extra = (line + 6 if self.legend else 0) + (line + 6 if self.note else 0)
        return QSize(420, line + 10 + rows * self._row_height() + extra + 6)

    def minimumSizeHint(self) -> QSize:
        return QSize(260, self.sizeHint().height())

    # -- drawing ---------------------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()

    def _brush(self, segment: Segment) -> QBrush:
        if segment.hatched:
            return QBrush(self.palette().color(QPalette.ColorRole.Text), Qt.BrushStyle.BDiagPattern)
        return QBrush(QColor(segment.colour or BAR_COLOUR))

    def _paint(self, painter: QPainter) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        metrics = self.fontMetrics()
        line = metrics.height()
        width = self.width()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text)
        painter.drawText(
            QRect(0, 0, width, line + 4),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            self.title,
        )
        painter.setFont(self.font())
        y = line + 10
        if self.legend:
            x = 0
            box = max(8, line - 6)
            for words, segment in self.legend:
                painter.setPen(QPen(text))
                painter.setBrush(self._brush(segment))
                painter.drawRect(x, y + (line - box) // 2, box, box)
                x += box + 4
                painter.drawText(QRect(x, y, width - x, line), Qt.AlignmentFlag.AlignVCenter, words)
                x += metrics.horizontalAdvance(words) + 14
            y += line + 6
        if not self.bars:  # the note says why, when there is one
            painter.setPen(text)
            painter.drawText(
                QRect(0, y, width, line),
                Qt.AlignmentFlag.AlignVCenter,
                self.note or _tr("Nothing to show yet."),
            )
            return
        figure_width = max((metrics.horizontalAdvance(b.text) for b in self.bars), default=0) + 10
        # Labels get what the figures and a readable bar (a third of the chart) leave, never less than a
        # fifth.
        room = max(int(width * 0.2), width - figure_width - max(60, width // 3))
        label_width = min(max((metrics.horizontalAdvance(b.label) for b in self.bars), default=0) + 8, room)
        left = label_width
        span = max(20, width - left - figure_width - 4)
        track = palette.color(QPalette.ColorRole.Mid)
        row = self._row_height()
        for bar in self.bars:
            painter.setPen(text)
            painter.drawText(
                QRect(0, y, label_width - 6, row),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_width - 6),
            )
            top, height = y + 3, row - 6
            painter.setPen(QPen(track, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            if self.full_scale:  # the whole, so a share is read against it
                painter.drawRect(left, top, span, height - 1)
            else:
                painter.drawLine(left, top, left, top + height)  # the bars' common start
            pos = float(left)
            end = left
            for segment in bar.segments:
                if segment.value <= 0:
                    continue
                seg_width = span * segment.value / self.maximum
                rect = QRect(round(pos), top, max(1, round(pos + seg_width) - round(pos)), height)
                painter.setPen(QPen(text, 1) if segment.hatched else Qt.PenStyle.NoPen)
                painter.setBrush(self._brush(segment))
                painter.drawRect(rect.adjusted(0, 0, -1, -1) if segment.hatched else rect)
                if len(bar.segments) > 1:
                    count = f"{segment.value:.0f}"
                    if metrics.horizontalAdvance(count) + 4 <= rect.width() and not segment.hatched:
                        painter.setPen(QColor("#FFFFFF"))
                        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, count)
                pos += seg_width
                end = rect.right()
            painter.setPen(text)
            text_left = left + span + 6 if self.full_scale else end + 6
            painter.drawText(
                QRect(text_left, y, figure_width + 4, row), Qt.AlignmentFlag.AlignVCenter, bar.text
            )
            y += row
        if self.note:
            painter.setPen(text)
            painter.drawText(
                QRect(0, y + 2, width, line + 4),
                Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine,
                metrics.elidedText(self.note, Qt.TextElideMode.ElideRight, width),
            )


# -- tables ----------------------------------------------------------------------------------------------


class FiguresModel(QAbstractTableModel):
    """Rows of figures for a QTableView: shown text, plus the raw value to sort by."""

    def __init__(self, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.tips: dict[int, str] = {}  # column -> what its header means, in full
        self.rows: list[list[tuple[str, object]]] = []  # (text, sort value) per cell
        self.keys: list[str] = []  # a key per row (the group), for selection

    def set_rows(
        self, rows: Sequence[Sequence[tuple[str, object]]], keys: Sequence[str] | None = None
    ) -> None:
        self.beginResetModel()
        self.rows = [list(r) for r in rows]
        self.keys = list(keys) if keys is not None else [""] * len(self.rows)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        text, value = self.rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return text
        if role == SORT_ROLE:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.headers):
            return None
        header = self.headers[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return header
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.tips.get(section) or header.replace("\n", " ")
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tips.get(section)
        return None


class _SortValues(QSortFilterProxyModel):
    """Sorts by the raw figure (a missing figure last), not by its text ("10" after "9")."""

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if a is None or b is None:
            return a is not None and b is None
        if isinstance(a, str) or isinstance(b, str):
            return str(a).casefold() < str(b).casefold()
        return bool(a < b)


def _table(name: str, accessible: str, model: FiguresModel, *, stretch_first: bool = True) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    proxy = _SortValues(table)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    table.setModel(proxy)
    table.setSortingEnabled(True)
    table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the model's own order until a header is clicked
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move within it
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # sized by fit_columns
    if stretch_first:  # the names take the room left
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    return table


def fit_columns(table: QTableView, model: FiguresModel) -> None:
    """Each column as wide as its widest cell or header line, plus room for the sort arrow.

    QHeaderView's own "resize to contents" reserves a square as tall as the (two-line) header
    for the arrow in every column, which pushes a 17-column table off a 1366-pixel screen; and
    asking the view for each cell's size hint goes through the model cell by cell, where the
    texts are already at hand here.
    """
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    bold = QFont(header.font())
    bold.setBold(True)
    heading = QFontMetrics(bold)
    arrow = heading.height() // 2 + 6
    cell_padding = 2 * table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 10
    for column, words in enumerate(model.headers):
        if header.sectionResizeMode(column) == QHeaderView.ResizeMode.Stretch:
            continue
        title = max((heading.horizontalAdvance(w) for w in words.split("\n")), default=0)
        cells = max(
            (metrics.horizontalAdvance(text) for text in {row[column][0] for row in model.rows}), default=0
        )
        header.resizeSection(column, max(cells + cell_padding, title + arrow + 8))


def _n(value: int) -> tuple[str, object]:
    return f"{value:,}", value


def _pct(share: float | None) -> tuple[str, object]:
    return percent_text(share), share


def _days(days: float | None) -> tuple[str, object]:
    return days_text(days), days


# -- the view --------------------------------------------------------------------------------------------


def ask_csv_path(parent: QWidget | None, title: str, suggested: str) -> str | None:
    """Where to save a CSV export, by the rule for every export (ui.save_location); None: cancelled."""
    return save_location.ask_export_path(
        parent, title=title, suggested=suggested, filters=_tr("CSV files (*.csv)"), suffix=CSV_SUFFIX
    )


def personal_warning_box(parent: QWidget | None) -> QMessageBox:
    """The plain warning shown before every export with personal data."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        _tr("The file will hold names and NHS numbers"),
        _tr(
            "This export lists every check with the person's name and NHS number. The file is "
            "not protected by this app's encryption: anyone who can open it can read them."
        ),
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setObjectName(PERSONAL_WARNING_OBJECT_NAME)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setInformativeText(
        _tr(
            "Export it only for a clear purpose, save it on this laptop or an encrypted USB stick, never "
            "on a shared drive, and delete it when done. The export is recorded in the audit trail with "
            "your name."
        )
    )
    save = box.addButton(_tr("I understand, choose where to save..."), QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(_tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)  # Enter on a warning must not export people's details
    box.setEscapeButton(cancel)
    save.setAccessibleName(save.text())
    box.setAccessibleName(box.text())
    box.setAccessibleDescription(box.informativeText())
    return box


class DashboardView(QWidget):
    """The team's figures: headline numbers, charts, tables by worker/venue/month, and the two exports."""

    figures_export_requested = Signal(str)  # a path: save the aggregate CSV there
    personal_export_requested = Signal(str)  # a path: save the personal CSV there (warning accepted)
    breakdown_changed = Signal(str)

    def __init__(
        self, parent: QWidget | None = None, *, finding_titles: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard")
        self.setAccessibleName(self.tr("Team dashboard"))
        self.dashboard: Dashboard | None = None
        self._finding_titles = dict(finding_titles) if finding_titles is not None else None
        self._selected_group: str | None = None  # a group chosen in the table: detail tables follow it

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)

        # Header: title, date, breakdown selector, the figures export.
        top = QHBoxLayout()
        self.heading = QLabel(self.tr("Team dashboard"))
        make_heading(self.heading)
        self.heading.setAccessibleName(self.heading.text())
        top.addWidget(self.heading)
        self.as_of = QLabel("")
        self.as_of.setObjectName("dashboard:as-of")
        top.addWidget(self.as_of)
        top.addStretch(1)
        by_label = QLabel(self.tr("&Show by:"))
        self.breakdown_box = QComboBox()
        self.breakdown_box.setObjectName("dashboard:breakdown")
        self.breakdown_box.setAccessibleName(self.tr("Show the figures by worker, venue or month"))
        guard_wheel(self.breakdown_box)  # scrolling the page must not change the breakdown under the pointer
        for name in BREAKDOWNS:
            self.breakdown_box.addItem(breakdown_words()[name], name)
        by_label.setBuddy(self.breakdown_box)
        top.addWidget(by_label)
        top.addWidget(self.breakdown_box)
        self.export_figures_button = QPushButton(self.tr("E&xport figures (CSV)..."))
        self.export_figures_button.setObjectName("dashboard:export-figures")
        self.export_figures_button.setAccessibleName(self.tr("Export figures as CSV, without personal data"))
        self.export_figures_button.setToolTip(self.tr("Counts only: no names, NHS numbers or other details."))
        top.addSpacing(12)
        top.addWidget(self.export_figures_button)
        layout.addLayout(top)

        # Headline figures: the national measure largest and first.
        strip = QHBoxLayout()
        strip.setSpacing(10)
        self.national_figure, self.national_words, national = self._headline(
            "dashboard:national", self.tr("People with all six elements in 12 months"), HEADLINE_SCALE
        )
        strip.addWidget(national, 3)
        self.all_six_figure, self.all_six_words, all_six = self._headline(
            "dashboard:all-six", self.tr("Checks with all six done"), FIGURE_SCALE
        )
        strip.addWidget(all_six, 2)
        self.overdue_figure, self.overdue_words, overdue = self._headline(
            "dashboard:overdue", self.tr("Follow-ups overdue"), FIGURE_SCALE
        )
        strip.addWidget(overdue, 2)
        self.closure_figure, self.closure_words, closure = self._headline(
            "dashboard:closure", self.tr("Days to close a follow-up"), FIGURE_SCALE
        )
        strip.addWidget(closure, 2)
        layout.addLayout(strip)

        # Charts and tables.
        self.tabs = QTabWidget()
        self.tabs.setObjectName("dashboard:tabs")
        self.tabs.setAccessibleName(self.tr("Dashboard charts and tables"))
        charts_page = QWidget()
        grid = QGridLayout(charts_page)
        grid.setContentsMargins(6, 6, 6, 6)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(12)
        self.chart_all_six = BarChart("dashboard:chart-all-six")
        self.chart_elements = BarChart("dashboard:chart-elements")
        self.chart_follow_ups = BarChart("dashboard:chart-follow-ups")
        self.chart_overdue = BarChart("dashboard:chart-overdue")
        self.chart_findings = BarChart("dashboard:chart-findings")
        self.chart_referrals = BarChart("dashboard:chart-referrals")
        self.charts = (
            self.chart_all_six,
            self.chart_elements,
            self.chart_follow_ups,
            self.chart_overdue,
            self.chart_findings,
            self.chart_referrals,
        )
        for i, chart in enumerate(self.charts):
            grid.addWidget(chart, i // 3, i % 3, Qt.AlignmentFlag.AlignTop)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        grid.setRowStretch(2, 1)
        charts_scroll = QScrollArea()
        charts_scroll.setObjectName("dashboard:charts")
        charts_scroll.setAccessibleName(self.tr("Charts"))
        charts_scroll.setWidgetResizable(True)
        charts_scroll.setFrameShape(QFrame.Shape.NoFrame)
        charts_scroll.setWidget(charts_page)
        self.tabs.addTab(charts_scroll, self.tr("&Charts"))

        tables_page = QWidget()
        tables = QVBoxLayout(tables_page)
        tables.setContentsMargins(6, 6, 6, 6)
        self.groups_model = FiguresModel(self._group_headers(WORKER), self)
        self.groups_table = _table(
            "dashboard:groups-table", self.tr("Figures by worker"), self.groups_model, stretch_first=False
        )
        self.groups_table.selectionModel().currentRowChanged.connect(self._group_chosen)
        tables.addWidget(self.groups_table, 1)
        self.detail_label = QLabel("")
        self.detail_label.setObjectName("dashboard:detail-label")
        self.detail_label.setWordWrap(True)
        tables.addWidget(self.detail_label)
        details = QHBoxLayout()
        self.elements_model = FiguresModel(
            [self.tr("Core element"), *(outcome_words()[o] for o in ELEMENT_OUTCOMES)], self
        )
        self.elements_table = _table(
            "dashboard:elements-table", self.tr("Core elements"), self.elements_model
        )
        self.findings_model = FiguresModel([self.tr("Finding"), self.tr("Checks")], self)
        self.findings_table = _table(
            "dashboard:findings-table", self.tr("Findings by kind"), self.findings_model
        )
        self.referrals_model = FiguresModel([self.tr("Service"), self.tr("Referrals")], self)
        self.referrals_table = _table(
            "dashboard:referrals-table", self.tr("Referrals by service"), self.referrals_model
        )
        for table, stretch in ((self.elements_table, 3), (self.findings_table, 3), (self.referrals_table, 2)):
            details.addWidget(table, stretch)
        tables.addLayout(details, 1)
        self.tabs.addTab(tables_page, self.tr("&Tables"))
        layout.addWidget(self.tabs, 1)

        # The personal-data export: apart from the figures export, with its warning beside it.
        bottom = QHBoxLayout()
        self.export_personal_button = QPushButton(self.tr("Export with &personal data..."))
        self.export_personal_button.setObjectName("dashboard:export-personal")
        self.export_personal_button.setAccessibleName(
            self.tr("Export with personal data: names and NHS numbers, recorded in the audit trail")
        )
        self.personal_note = QLabel(
            self.tr(
                "Names and NHS numbers, in a file this app does not protect. "
                "You will be warned first; the export is recorded."
            )
        )
        self.personal_note.setObjectName("dashboard:personal-note")
        self.personal_note.setWordWrap(True)
        self.personal_note.setBuddy(self.export_personal_button)
        bottom.addWidget(self.export_personal_button)
        bottom.addWidget(self.personal_note, 1)
        self.export_status = QLabel("")
        self.export_status.setObjectName("dashboard:export-status")
        self.export_status.setAccessibleName(self.tr("Export status"))
        self.export_status.setWordWrap(True)
        bottom.addWidget(self.export_status, 1)
        layout.addLayout(bottom)

        self.breakdown_box.currentIndexChanged.connect(self._breakdown_chosen)
        self.export_figures_button.clicked.connect(self.ask_figures_export)
        self.export_personal_button.clicked.connect(self.ask_personal_export)
        self._set_enabled(False)

    # -- building blocks ----------------------------------------------------------------------------------
    def _headline(self, name: str, caption: str, scale: float) -> tuple[QLabel, QLabel, QFrame]:
        frame = QFrame()
        frame.setObjectName(name)
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(frame)
        box.setContentsMargins(10, 6, 10, 6)
        box.setSpacing(2)
        title = QLabel(caption)
        title.setFont(scaled_font(title, 1.0, bold=True))
        title.setWordWrap(True)
        figure = QLabel("-")
        figure.setObjectName(name + "-figure")
        figure.setFont(scaled_font(figure, scale, bold=True))
        words = QLabel("")
        words.setObjectName(name + "-words")
        words.setWordWrap(True)
        words.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        box.addWidget(title)
        box.addWidget(figure)
        box.addWidget(words, 1)
        frame.setAccessibleName(caption)
        return figure, words, frame

    def _group_headers(self, breakdown: str) -> list[str]:
        short = {
            "weight": self.tr("Weight"),
            "blood_pressure": self.tr("BP"),
            "lipids": self.tr("Lipids"),
            "glucose": self.tr("Glucose"),
            "alcohol": self.tr("Alcohol"),
            "smoking": self.tr("Smoking"),
        }
        return [
            breakdown_words()[breakdown],
            self.tr("Checks"),
            self.tr("People"),
            self.tr("All six\ndone"),
            *(short[e] + "\n" + self.tr("done") for e in CORE_ELEMENTS),
            self.tr("Findings"),
            self.tr("Follow-ups\nopen"),
            self.tr("Closed"),
            self.tr("Overdue"),
            self.tr("Days to\nclose"),
            self.tr("9 in 10\nwithin"),
            self.tr("Referrals"),
        ]

    def _group_tips(self) -> dict[int, str]:
        """What the shortened headers of the breakdown table mean (tooltips and screen readers)."""
        first_element = 4
        tips = {
            2: self.tr("Different people checked (a person with two checks counts once)"),
            3: self.tr("Checks with all six core elements done: share, and number of checks"),
        }
        for i, element in enumerate(CORE_ELEMENTS):
            tips[first_element + i] = self.tr("Share of checks with {0} done").format(
                element_words()[element]
            )
        after = first_element + len(CORE_ELEMENTS)
        tips[after + 2] = self.tr("Follow-ups closed")
        tips[after + 3] = self.tr("Open follow-ups past their due date")
        tips[after + 4] = self.tr("Days from a follow-up being opened to its closure: the median")
        tips[after + 5] = self.tr("Nine in ten follow-ups were closed within this many days")
        return tips

    def _set_enabled(self, on: bool) -> None:
        self.export_figures_button.setEnabled(on)
        self.export_personal_button.setEnabled(on)

    def _finding_title(self, rule_id: str) -> str:
        titles = self._finding_titles if self._finding_titles is not None else _rule_titles()
        return titles.get(rule_id, rule_id)

    @property
    def breakdown(self) -> str:
        return str(self.breakdown_box.currentData())

    # -- showing ------------------------------------------------------------------------------------------
    def show_dashboard(self, dashboard: Dashboard) -> None:
        """Show these figures (cheap: everything was counted on the store worker)."""
        self.dashboard = dashboard
        self._selected_group = None
        self.as_of.setText(self.tr("as of {0}").format(_date(dashboard.today)))
        self._show_headlines(dashboard)
        self._show_team_charts(dashboard.team)
        self._show_breakdown()
        self._set_enabled(True)
        self.export_personal_button.setEnabled(bool(dashboard.team.checks))  # no one's details to export

    def _show_headlines(self, dashboard: Dashboard) -> None:
        national, team = dashboard.national, dashboard.team
        self.national_figure.setText(percent_text(national.share))
        if national.people:
            self.national_words.setText(
                self.tr(
                    "{0} of {1} people checked, {2} to {3}. Nationally the base is the whole SMI register."
                ).format(
                    f"{national.people_all_six:,}",
                    f"{national.people:,}",
                    _date(national.period_start),
                    _date(national.period_end),
                )
            )
        else:
            self.national_words.setText(
                self.tr(
                    "No team checks yet: the figures appear once the team's checks "
                    "come down from the shared record."
                )
            )
        self.all_six_figure.setText(percent_text(team.all_six_share))
        self.all_six_words.setText(
            self.tr("{0} of {1} checks").format(f"{team.all_six_done:,}", f"{team.checks:,}")
        )
        self.overdue_figure.setText(f"{team.follow_ups_overdue:,}")
        self.overdue_words.setText(
            self.tr("of {0} open ({1} closed)").format(
                f"{team.follow_ups_open:,}", f"{team.follow_ups_closed:,}"
            )
        )
        palette = self.overdue_figure.palette()
        if team.follow_ups_overdue:
            palette.setColor(QPalette.ColorRole.WindowText, QColor(OVERDUE_COLOUR))
            self.overdue_figure.setText(f"! {team.follow_ups_overdue:,}")  # not colour alone
        else:
            palette = self.palette()
        self.overdue_figure.setPalette(palette)
        self.closure_figure.setText(days_text(team.days_to_closure_median))
        self.closure_words.setText(
            self.tr("median; 9 in 10 closed within {0} days").format(days_text(team.days_to_closure_p90))
            if team.days_to_closure_p90 is not None
            else self.tr("No follow-up closed yet.")
        )
        for label, frame_caption in (
            (self.national_figure, self.national_words),
            (self.all_six_figure, self.all_six_words),
            (self.overdue_figure, self.overdue_words),
            (self.closure_figure, self.closure_words),
        ):
            frame = label.parentWidget()
            if frame is not None:
                frame.setAccessibleDescription(f"{label.text()}: {frame_caption.text()}")

    def _show_team_charts(self, team: Figures) -> None:
        words, outcomes = element_words(), outcome_words()
        styles = {
            DONE: Segment(0, ""),
            DECLINED: Segment(0, DECLINED_COLOUR),
            NOT_POSSIBLE: Segment(0, NOT_POSSIBLE_COLOUR),
            INCOMPLETE: Segment(0, "", hatched=True),
        }
        bars = []
        for element in CORE_ELEMENTS if team.checks else ():
            counts = team.elements[element]
            segments = tuple(
                Segment(counts.count(o), styles[o].colour, styles[o].hatched) for o in ELEMENT_OUTCOMES
            )
            share = counts.done / counts.total if counts.total else None
            bars.append(Bar(words[element], segments, self.tr("{0} done").format(percent_text(share))))
        self.chart_elements.set_bars(
            self.tr("Each core element (all checks)"),
            bars,
            legend=[(outcomes[o], styles[o]) for o in ELEMENT_OUTCOMES] if bars else (),
        )

        follow_up_bars = [
            Bar(self.tr("Open"), (Segment(team.follow_ups_open, ""),), f"{team.follow_ups_open:,}"),
            Bar(
                self.tr("Overdue"),
                (Segment(team.follow_ups_overdue, OVERDUE_COLOUR),),
                (f"! {team.follow_ups_overdue:,}" if team.follow_ups_overdue else "0"),
            ),
            Bar(self.tr("Closed"), (Segment(team.follow_ups_closed, ""),), f"{team.follow_ups_closed:,}"),
        ]
        if not team.follow_ups:
            note = self.tr("No follow-ups yet.")
        elif team.days_to_closure_p90 is None:
            note = self.tr("No follow-up closed yet.")
        else:
            note = self.tr("Closed in {0} days (median), 9 in 10 within {1}.").format(
                days_text(team.days_to_closure_median), days_text(team.days_to_closure_p90)
            )
        self.chart_follow_ups.set_bars(
            self.tr("Follow-ups"), follow_up_bars if team.follow_ups else [], note=note
        )

        findings = list(team.findings_by_kind.items())
        self.chart_findings.set_bars(
            self.tr("Findings by kind"),
            [Bar(self._finding_title(k), (Segment(n, ""),), f"{n:,}") for k, n in findings[:MAX_BARS]],
            note=self._more_note(len(findings)),
        )
        referrals = list(team.referrals_by_service.items())
        self.chart_referrals.set_bars(
            self.tr("Referrals by service"),
            [
                Bar(s or self.tr("Service not named"), (Segment(n, ""),), f"{n:,}")
                for s, n in referrals[:MAX_BARS]
            ],
            note=self._more_note(len(referrals)),
        )

    def _more_note(self, total: int, shown: int = MAX_BARS) -> str:
        if total <= shown:
            return ""
        return self.tr("{0} more in the Tables tab.").format(f"{total - shown:,}")

    def _show_breakdown(self) -> None:
        dashboard = self.dashboard
        if dashboard is None:
            return
        breakdown = self.breakdown
        groups = dashboard.breakdown(breakdown)
        by = breakdown_words()[breakdown].lower()

        if breakdown == MONTH:  # the last 12 calendar months, a month without checks shown as such
            months = last_months(dashboard.today, MONTHS_SHOWN)
            by_key = {f.key: f for f in groups}
            shown = [by_key.get(m) or _no_checks(m) for m in months]
            note = (
                self.tr("Earlier months in the Tables tab.") if any(f.key < months[0] for f in groups) else ""
            )
        elif len(groups) > MAX_BARS:  # the groups most in need of attention
            shown = sorted(groups, key=lambda f: (f.all_six_share or 0.0, f.key.casefold()))[:MAX_BARS]
            note = self.tr("The {0} with the lowest share; all {1} in the Tables tab.").format(
                f"{MAX_BARS}", f"{len(groups):,}"
            )
        else:
            shown = list(groups)
            note = ""
        self.chart_all_six.set_bars(
            self.tr("Checks with all six done, by {0}").format(by),
            [
                Bar(
                    group_words(breakdown, f.key),
                    (Segment(100.0 * (f.all_six_share or 0.0), ""),),
                    self.tr("{0} ({1} of {2})").format(
                        percent_text(f.all_six_share), f"{f.all_six_done:,}", f"{f.checks:,}"
                    )
                    if f.checks
                    else self.tr("no checks"),
                )
                for f in shown
            ],
            maximum=100.0,
            note=note,
        )

        if breakdown == MONTH:  # oldest first: the longest overdue matter most
            overdue = [f for f in groups if f.follow_ups_overdue]
        else:
            overdue = sorted(
                (f for f in groups if f.follow_ups_overdue),
                key=lambda f: (-f.follow_ups_overdue, f.key.casefold()),
            )
        self.chart_overdue.set_bars(
            self.tr("Overdue follow-ups, by {0}").format(by),
            [
                Bar(
                    group_words(breakdown, f.key),
                    (Segment(f.follow_ups_overdue, OVERDUE_COLOUR),),
                    self.tr("! {0} of {1} open").format(
                        f"{f.follow_ups_overdue:,}", f"{f.follow_ups_open:,}"
                    ),
                )
                for f in overdue[:MAX_BARS]
            ],
            note=(self._more_note(len(overdue)) if overdue else self.tr("No follow-up is overdue.")),
        )

        self.groups_model.headers = self._group_headers(breakdown)
        self.groups_model.tips = self._group_tips()
        rows = []
        for f in groups:
            elements = [f.elements[e] for e in CORE_ELEMENTS]
            rows.append(
                [
                    (group_words(breakdown, f.key), f.key),
                    _n(f.checks),
                    _n(f.people),
                    (f"{percent_text(f.all_six_share)} ({f.all_six_done:,})", f.all_six_share),
                    *(_pct(c.done / c.total if c.total else None) for c in elements),
                    _n(f.findings),
                    _n(f.follow_ups_open),
                    _n(f.follow_ups_closed),
                    _n(f.follow_ups_overdue),
                    _days(f.days_to_closure_median),
                    _days(f.days_to_closure_p90),
                    _n(f.referrals),
                ]
            )
        self.groups_model.set_rows(rows, [f.key for f in groups])
        fit_columns(self.groups_table, self.groups_model)
        self.groups_table.setAccessibleName(self.tr("Figures by {0}").format(by))
        self._selected_group = None
        self._show_details()

    def _show_details(self) -> None:
        dashboard = self.dashboard
        if dashboard is None:
            return
        figures = dashboard.team
        if self._selected_group is not None:
            match = [f for f in dashboard.breakdown(self.breakdown) if f.key == self._selected_group]
            figures = match[0] if match else figures
        if figures is dashboard.team:
            self.detail_label.setText(self.tr("Below: the whole team. Choose a row above to see it alone."))
        else:
            self.detail_label.setText(
                self.tr("Below: {0} only.").format(group_words(self.breakdown, figures.key))
            )
        words = element_words()
        self.elements_model.set_rows(
            [
                [(words[e], words[e]), *(_n(figures.elements[e].count(o)) for o in ELEMENT_OUTCOMES)]
                for e in CORE_ELEMENTS
            ]
        )
        self.findings_model.set_rows(
            [
                [(self._finding_title(k), self._finding_title(k)), _n(n)]
                for k, n in figures.findings_by_kind.items()
            ]
        )
        self.referrals_model.set_rows(
            [[(s or self.tr("Service not named"), s), _n(n)] for s, n in figures.referrals_by_service.items()]
        )
        for table, model in (
            (self.elements_table, self.elements_model),
            (self.findings_table, self.findings_model),
            (self.referrals_table, self.referrals_model),
        ):
            fit_columns(table, model)

    def _breakdown_chosen(self, _index: int) -> None:
        self._show_breakdown()
        self.breakdown_changed.emit(self.breakdown)

    def _group_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        proxy = self.groups_table.model()
        assert isinstance(proxy, QSortFilterProxyModel)
        row = proxy.mapToSource(current).row()
        self._selected_group = self.groups_model.keys[row] if 0 <= row < len(self.groups_model.keys) else None
        self._show_details()

    # -- exports ------------------------------------------------------------------------------------------
    def ask_figures_export(self) -> str | None:
        """Ask where to save the figures, then emit `figures_export_requested(path)`."""
        if self.dashboard is None:
            return None
        path = ask_csv_path(
            self,
            self.tr("Save the dashboard figures"),
            f"dashboard-figures-{self.dashboard.today.isoformat()}{CSV_SUFFIX}",
        )
        if not path:
            return None
        self.figures_export_requested.emit(path)
        return path

    def ask_personal_export(self) -> str | None:
        """Warn, then ask where to save, then emit `personal_export_requested(path)`; None when cancelled."""
        if self.dashboard is None or not save_location.confirm(personal_warning_box(self)):
            return None
        path = ask_csv_path(
            self,
            self.tr("Save the checks with personal data"),
            f"checks-with-personal-data-{self.dashboard.today.isoformat()}{CSV_SUFFIX}",
        )
        if not path:
            return None
        self.personal_export_requested.emit(path)
        return path

    def show_export_result(self, message: str) -> None:
        """Say what an export did (the workspace calls this when the file is written)."""
        self.export_status.setText(message)
        self.export_status.setAccessibleDescription(message)


def last_months(today: date, count: int) -> list[str]:
    """The `count` calendar months ending with today's, oldest first, as "YYYY-MM"."""
    index = today.year * 12 + today.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def _no_checks(key: str) -> Figures:
    """A month without checks, so the month chart shows the gap rather than closing it up."""
    return Figures(
        key=key,
        checks=0,
        people=0,
        all_six_done=0,
        elements={},
        findings=0,
        findings_by_kind={},
        follow_ups_open=0,
        follow_ups_closed=0,
        follow_ups_overdue=0,
        days_to_closure_median=None,
        days_to_closure_p90=None,
        referrals_by_service={},
    )


def _date(day: date) -> str:
    return QLocale().toString(QDate(day.year, day.month, day.day), "d MMM yyyy")


# -- the writing, for the workspace: always on a worker thread (`ui.ops.team`) ---------------------------


def start_figures_export(
    runner: TaskRunner,
    view: DashboardView,
    path: str,
    *,
    on_error: Callable[[BaseException], None] | None = None,
) -> Task | None:
    """Save the figures on show to `path` off the GUI thread, and say so in the view."""
    if view.dashboard is None:
        return None
    name = Path(path).name
    return runner.run_background(
        save_dashboard_figures,
        view.dashboard,
        path,
        name="dashboard.export_figures",
        on_success=lambda _p: view.show_export_result(_tr("Figures saved to {0}.").format(name)),
        on_error=on_error,
    )


def start_personal_export(
    runner: TaskRunner,
    store: LocalStore,
    view: DashboardView,
    path: str,
    *,
    on_error: Callable[[BaseException], None] | None = None,
) -> Task | None:
    """Save the checks with personal data to `path` on the store worker (audited), and say so in the view."""
    if view.dashboard is None:
        return None
    name = Path(path).name
    return runner.run_db(
        functools.partial(save_dashboard_personal, today=view.dashboard.today),
        store,
        path,
        name="dashboard.export_personal",
        on_success=lambda _seq: view.show_export_result(
            _tr("Checks with personal data saved to {0}. Delete the file when you are done with it.").format(
                name
            )
        ),
        on_error=on_error,
    )


def wire_exports(view: DashboardView, context: AppContext) -> None:
    """Connect the view's two export requests to the writing above (what the Review workspace needs)."""
    view.figures_export_requested.connect(lambda path: start_figures_export(context.runner, view, path))
    view.personal_export_requested.connect(
        lambda path: start_personal_export(context.runner, context.store, view, path)
    )
