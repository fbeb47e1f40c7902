"""How the app looks: calm, readable in a noisy hall, and under the worker's control.

* Text sizes are multiples of the application font, never pixel sizes, so the system
  (or the worker's accessibility settings) decides how big everything is.
* A high-contrast palette (black on white, with a dark blue for highlights) that keeps
  every text/background pair at or above WCAG AAA's 7:1. The worker toggles it from
  the View menu; the choice is not personal data, so it is kept in QSettings.
* Warnings never rely on colour alone: overdue items also carry a word and a marker.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

W = TypeVar("W", bound=QWidget)

HEADING_SCALE = 1.5
SUBHEADING_SCALE = 1.15
HIGH_CONTRAST_SETTING = "view/high_contrast"

# (role, colour) for the high-contrast palette. Black on white is 21:1; the highlight
# pair (white on #00307A) is about 12:1; disabled text (#3A3A3A on white) about 11:1.
_HIGH_CONTRAST: tuple[tuple[QPalette.ColorRole, str], ...] = (
    (QPalette.ColorRole.Window, "#FFFFFF"),
    (QPalette.ColorRole.WindowText, "#000000"),
    (QPalette.ColorRole.Base, "#FFFFFF"),
    (QPalette.ColorRole.AlternateBase, "#F0F0F0"),
    (QPalette.ColorRole.Text, "#000000"),
    (QPalette.ColorRole.Button, "#FFFFFF"),
    (QPalette.ColorRole.ButtonText, "#000000"),
    (QPalette.ColorRole.ToolTipBase, "#FFFFFF"),
    (QPalette.ColorRole.ToolTipText, "#000000"),
    (QPalette.ColorRole.PlaceholderText, "#3A3A3A"),
    (QPalette.ColorRole.Highlight, "#00307A"),
    (QPalette.ColorRole.HighlightedText, "#FFFFFF"),
    (QPalette.ColorRole.Link, "#00307A"),
    (QPalette.ColorRole.BrightText, "#FFFFFF"),
    (QPalette.ColorRole.Light, "#000000"),
    (QPalette.ColorRole.Mid, "#000000"),
    (QPalette.ColorRole.Dark, "#000000"),
    (QPalette.ColorRole.Shadow, "#000000"),
)

# Text/background pairs that must be readable (checked by the tests for the high-contrast palette).
TEXT_PAIRS: tuple[tuple[QPalette.ColorRole, QPalette.ColorRole], ...] = (
    (QPalette.ColorRole.WindowText, QPalette.ColorRole.Window),
    (QPalette.ColorRole.Text, QPalette.ColorRole.Base),
    (QPalette.ColorRole.Text, QPalette.ColorRole.AlternateBase),
    (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button),
    (QPalette.ColorRole.ToolTipText, QPalette.ColorRole.ToolTipBase),
    (QPalette.ColorRole.HighlightedText, QPalette.ColorRole.Highlight),
    (QPalette.ColorRole.PlaceholderText, QPalette.ColorRole.Base),
)


def relative_luminance(colour: QColor) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())
    )


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def high_contrast_palette(base: QPalette | None = None) -> QPalette:
    palette = QPalette(base) if base is not None else QPalette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for role, colour in _HIGH_CONTRAST:
            palette.setColor(group, role, QColor(colour))
    for role, colour in _HIGH_CONTRAST:
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#3A3A3A"))
    return palette


class Appearance:
    """Switches the application between its normal look and high contrast."""

    def __init__(self, app: QApplication, settings: QSettings | None = None) -> None:
        """`settings`: where the choice is kept (default: the app's QSettings; tests pass a file of their own)."""
        self._app = app
        self._settings = settings
        # The normal look, kept the first time high contrast is switched on (copying a palette is slow
        # enough to matter before the first window, and most workers never switch).
        self._normal_palette: QPalette | None = None
        self._normal_style_sheet = app.styleSheet()
        self.high_contrast = False

    def set_high_contrast(self, on: bool) -> None:
        if not on and self._normal_palette is None:
            self.high_contrast = False  # never switched on: the app already has its normal look
            return
        if self._normal_palette is None:
            self._normal_palette = QPalette(self._app.palette())
            self._normal_style_sheet = self._app.styleSheet()
        self.high_contrast = bool(on)
        if on:
            self._app.setPalette(high_contrast_palette(self._normal_palette))
            # Thick focus outlines: where the keyboard is must be obvious at arm's length.
            self._app.setStyleSheet(
                "*:focus { outline: 2px solid #00307A; }"
                " QPushButton, QLineEdit, QComboBox, QSpinBox, QPlainTextEdit, QListView, QTableView"
                " { border: 2px solid #000000; }"
                " QPushButton { padding: 0.3em 0.9em; background: #FFFFFF; }"
                " QPushButton:default { border-width: 3px; }"
                " QLineEdit, QComboBox, QSpinBox { padding: 0.15em 0.3em; }"
                " QPushButton:focus, QLineEdit:focus, QComboBox:focus, QSpinBox:focus,"
                " QListView:focus, QTableView:focus, QPlainTextEdit:focus { border: 3px solid #00307A; }"
            )
        else:
            self._app.setPalette(self._normal_palette)
            self._app.setStyleSheet(self._normal_style_sheet)

    def load_choice(self) -> None:
        self.set_high_contrast(bool(self._store().value(HIGH_CONTRAST_SETTING, False, type=bool)))

    def save_choice(self) -> None:
        self._store().setValue(HIGH_CONTRAST_SETTING, self.high_contrast)

    def _store(self) -> QSettings:
        return self._settings if self._settings is not None else QSettings()


def scaled_font(widget: QWidget, scale: float, *, bold: bool = False) -> QFont:
    """The widget's font (which follows the system size) scaled; never a pixel size."""
    font = QFont(widget.font())
    size = font.pointSizeF()
    if size > 0:
        font.setPointSizeF(size * scale)
    font.setBold(bold)
    return font


def make_heading(widget: W, scale: float = HEADING_SCALE) -> W:
    widget.setFont(scaled_font(widget, scale, bold=True))
    return widget
