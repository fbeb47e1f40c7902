"""Start the desktop application: logging, crash handling, translations, the task runner
and the first window, in that order, so that anything going wrong from then on is
logged safely and shown plainly."""

from __future__ import annotations

import logging
import platform
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QApplication

import outreach
from outreach.errors import ValidationError
from outreach.logging_setup import log_event, setup_logging
from outreach.settings import ORG_CONFIG_FILENAME, OrgConfig, resolve_data_dir

from ui.crash import CrashReporter
from ui.i18n import install_translations
from ui.start_window import StartInfo, StartWindow, app_icon
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
    app.setWindowIcon(app_icon())
    return app


def load_organisation(data_dir: Path) -> tuple[OrgConfig, str | None]:
    """The organisation file in the data folder, or the defaults; a bad file is reported, not fatal."""
    path = data_dir / ORG_CONFIG_FILENAME
    if not path.exists():
        return OrgConfig(), None
    try:
        return OrgConfig.load(path), None
    except ValidationError as exc:
        return OrgConfig(), exc.message


def gather_start_info(data_dir: Path, log_file: Path | None = None) -> StartInfo:
    from outreach.store.database import database_path  # headless and cheap: no store is opened

    organisation, problem = load_organisation(data_dir)
    return StartInfo(
        data_dir=data_dir,
        organisation=organisation,
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
    info = gather_start_info(folder, log_file)
    install_translations(app, info.organisation.default_language)
    runner = TaskRunner(app)
    app.aboutToQuit.connect(runner.shutdown)

    window = StartWindow(info, runner)
    window.resize(window.sizeHint())
    window.show()
    log_event(log, "ui.window_shown", screen="start", platform=QApplication.platformName())
    code = app.exec()
    log_event(log, "app.stopped", exit_code=code)
    crash_reporter.uninstall()
    return code
