"""Start the desktop application: logging, crash handling, translations, the task runner
and the first window, in that order, so that anything going wrong from then on is
logged safely and shown plainly."""

from __future__ import annotations

import logging
import os
import platform
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QApplication

import outreach
from outreach.errors import StoreError, ValidationError
from outreach.logging_setup import log_event, setup_logging
from outreach.settings import OrgConfig, find_organisation_file, resolve_data_dir
from outreach.store.files import store_present
from outreach.store.folder_lock import DataFolderLock

if TYPE_CHECKING:
    from ui.start_window import StartInfo
from ui.crash import CrashReporter
from ui.i18n import install_translations
from ui.style import Appearance
from ui.tasks import TaskRunner

log = logging.getLogger(__name__)

APP_DISPLAY_NAME = "Outreach Health Checks"


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication with the product's names and icon (reuses one that already exists)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(list(argv if argv is not None else sys.argv[:1]))
    app.setApplicationName(APP_DISPLAY_NAME)
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setApplicationVersion(outreach.__version__)
    app.setOrganizationName("OutreachHealthChecks")
    from PySide6.QtGui import QIcon

    from outreach.resources import resource_path

    # The start window's app_icon() draws the same file; not imported here, as it loads the self-test code.
    app.setWindowIcon(QIcon(str(resource_path("icons", "outreach.svg"))))
    return app


# For start-up measurements (bench/bench_ui.py): when set to a page name ("unlock", "setup"),
# the app prints "shown <page> <unix time>" once that page is on screen, then quits.
REPORT_SHOWN_ENV = "OUTREACH_REPORT_SHOWN"


def load_organisation(data_dir: Path) -> tuple[OrgConfig, Path | None, str | None]:
    """The organisation settings, the file they came from, and why it could not be read (if so).

    A bad file is reported in the window, not fatal: the app still opens on the defaults."""
    path = find_organisation_file(data_dir)
    if path is None:
        return OrgConfig(), None, None
    try:
        return OrgConfig.load(path), path, None
    except ValidationError as exc:
        return OrgConfig(), path, exc.message


def gather_start_info(data_dir: Path, log_file: Path | None = None) -> StartInfo:
    organisation, org_file, problem = load_organisation(data_dir)
    from ui.start_window import StartInfo

    return StartInfo(
        data_dir=data_dir,
        organisation=organisation,
        organisation_file=org_file,
        organisation_problem=problem,
        store_exists=store_present(data_dir),
        log_file=log_file,
    )


def run_app(data_dir: str | None = None, argv: Sequence[str] | None = None) -> int:
    folder = resolve_data_dir(data_dir)
    log_file = setup_logging(folder)
    log_event(
        log,
        "app.started",
        app_version=outreach.__version__,
        python_version=platform.python_version(),
        qt_version=qVersion(),
        os=platform.system(),
    )
    app = create_application(argv)
    crash_reporter = CrashReporter(log_file, app)
    crash_reporter.install()
    folder_lock = DataFolderLock(folder)
    try:
        folder_lock.acquire()
    except StoreError as exc:
        # A second copy on the same folder would keep its own search index and screens; say so
        # at once rather than let the worker find people missing later.
        log_event(log, "app.refused", reason_code="folder_in_use")
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(None, APP_DISPLAY_NAME, exc.message)
        return 1
    organisation, org_file, problem = load_organisation(folder)
    install_translations(app, organisation.default_language)
    runner = TaskRunner(app)
    app.aboutToQuit.connect(runner.shutdown)

    appearance = Appearance(app)
    appearance.load_choice()

    from ui.main_window import MainWindow  # after the application object: its module builds widgets

    window = MainWindow(
        folder,
        runner,
        org_config=organisation,
        org_file=org_file,
        org_problem=problem,
        appearance=appearance,
        log_file=log_file,
    )
    report_page = os.environ.get(REPORT_SHOWN_ENV)
    if report_page:
        _report_when_shown(app, window, report_page)
    window.resize(window.sizeHint())
    window.show()
    # "start": the first window of the app (it opens on set-up or unlock; pages are logged as ui.screen_shown).
    log_event(log, "ui.window_shown", screen="start", platform=QApplication.platformName())
    code = app.exec()
    log_event(log, "app.stopped", exit_code=code)
    crash_reporter.uninstall()
    folder_lock.release()
    return code


def _report_when_shown(app: QApplication, window: object, page: str) -> None:
    """Print when `page` is first on screen (after the paint that follows), then quit."""
    from PySide6.QtCore import QTimer

    def shown(name: str) -> None:
        if name == page:

            def report() -> None:
                print(f"shown {name} {time.time():.6f}", flush=True)
                app.quit()

            QTimer.singleShot(0, report)

    window.page_shown.connect(shown)  # type: ignore[attr-defined]
    if getattr(window, "current_page", "") == page:  # already there: reported once the window is drawn
        shown(page)
    window.store_opened.connect(lambda: shown("unlock-ready"))  # type: ignore[attr-defined]
