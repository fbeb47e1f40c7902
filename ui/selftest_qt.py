"""The Qt part of ``outreach self-test``: can this build draw a window?

A frozen build can lack the platform plugin, the image-format plugins that draw the
SVG icons, or a system library Qt needs; the app then fails at the first window.
This check creates the application object on the default platform (or the one
QT_QPA_PLATFORM names), lays out and renders a real widget to an image, and draws
the app icon from its SVG.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QImage
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QVBoxLayout, QWidget

from outreach.resources import resource_path
from outreach.selftest import CheckFailed

ICON_NAME = "outreach.svg"
_WHITE = QColor("white")


def check_qt() -> str:
    """Render a small form to an image and the app icon to a pixmap; raise on any failure."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    platform = QGuiApplication.platformName()

    panel = QWidget()
    layout = QVBoxLayout(panel)
    label = QLabel("Self-test")
    layout.addWidget(label)
    layout.addWidget(QPushButton("OK"))
    panel.setStyleSheet("background: white; color: black;")
    panel.adjustSize()
    size = panel.size()
    if size.width() <= 0 or size.height() <= 0:
        raise CheckFailed("a widget laid out to an empty size")
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    panel.render(image)
    panel.deleteLater()
    if not _has_dark_pixels(image):
        raise CheckFailed("a widget rendered blank: text could not be drawn (fonts missing?)")

    icon_path = resource_path("icons", ICON_NAME)
    if not icon_path.is_file():
        raise CheckFailed(f"the app icon is missing ({icon_path.name})")
    icon = QIcon(str(icon_path))
    pixmap = icon.pixmap(QSize(48, 48))
    if pixmap.isNull() or not _has_dark_pixels(pixmap.toImage(), background=None):
        raise CheckFailed("the SVG icon could not be drawn (Qt's SVG plugin is missing)")
    app.processEvents()
    return f"platform {platform}, widget rendered {size.width()}x{size.height()}, SVG icon drawn"


def _has_dark_pixels(image: QImage, background: QColor | None = _WHITE) -> bool:
    """True when something other than the background (or transparency) was painted."""
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            if background is None:
                if pixel.alpha() > 0:
                    return True
            elif pixel.rgb() != background.rgb() and pixel.alpha() > 0:
                return True
    return False
