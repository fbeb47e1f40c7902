"""Start the desktop application."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QVBoxLayout, QWidget

import outreach


class StartWindow(QMainWindow):
    """The first screen: what the app is, before a store exists or is unlocked."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("Outreach Health Checks"))
        body = QWidget(self)
        layout = QVBoxLayout(body)
        title = QLabel(self.tr("Outreach Health Checks"), body)
        title.setAccessibleName(self.tr("Application name"))
        version = QLabel(self.tr("Version {0}").format(outreach.__version__), body)
        layout.addWidget(title)
        layout.addWidget(version)
        layout.addStretch(1)
        self.setCentralWidget(body)


def run_app(data_dir: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Outreach Health Checks")
    app.setApplicationVersion(outreach.__version__)
    window = StartWindow()
    window.resize(900, 640)
    window.show()
    return app.exec()
