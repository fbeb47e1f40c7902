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
from outreach.errors import ValidationError
from outreach.logging_setup import log_event, setup_logging
from outreach.settings import ORG_CONFIG_FILENAME, OrgConfig, resolve_data_dir

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


ORG_CONFIG_ENV = "OUTREACH_ORG_CONFIG"
# For start-up measurements (bench/bench_ui.py): when set to a page name ("unlock", "setup"),
# the app prints "shown <page> <unix time>" once that page is on screen, then quits.
REPORT_SHOWN_ENV = "OUTREACH_REPORT_SHOWN"


def organisation_file_candidates(data_dir: Path) -> list[Path]:
    """Where IT may put the organisation file, first match wins (see docs/install.md):
    the OUTREACH_ORG_CONFIG variable, the data folder, then the folder of the installed program."""
    candidates = []
    if os.environ.get(ORG_CONFIG_ENV):
        candidates.append(Path(os.environ[ORG_CONFIG_ENV]).expanduser())
    candidates.append(data_dir / ORG_CONFIG_FILENAME)
    if getattr(sys, "frozen", False):
        candidates.append(Path(sys.executable).resolve().parent / ORG_CONFIG_FILENAME)
    return candidates


def load_organisation(data_dir: Path) -> tuple[OrgConfig, Path | None, str | None]:
    """The organisation settings, the file they came from, and why it could not be read (if so).

    A bad file is reported in the window, not fatal: the app still opens on the defaults."""
    for path in organisation_file_candidates(data_dir):
        if path.is_file() or (path.exists() and not path.is_dir()):
            try:
                return OrgConfig.load(path), path, None
            except ValidationError as exc:
                return OrgConfig(), path, exc.message
    return OrgConfig(), None, None


def gather_start_info(data_dir: Path, log_file: Path | None = None) -> StartInfo:
    from outreach.store.database import database_path  # headless; loads the database layer, not a store

    organisation, org_file, problem = load_organisation(data_dir)
    from ui.start_window import StartInfo

    return StartInfo(
        data_dir=data_dir,
        organisation=organisation,
        organisation_file=org_file,
        organisation_problem=problem,
        store_exists=database_path(data_dir).exists(),
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
