"""Start the desktop application: logging, crash handling, translations, the task runner
and the first window, in that order, so that anything going wrong from then on is
logged safely and shown plainly."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QTimer, qVersion
from PySide6.QtWidgets import QApplication, QWidget

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
    return app


def set_app_icon(app: QApplication) -> None:
    """The product's icon on its windows. Set once the first window is drawn (run_app): Qt's icon
    class, its 90-odd theme names and the SVG icon engine are a few milliseconds the first frame
    does not need. The taskbar and menus take the icon from the desktop entry (Linux) or the
    program file (Windows) meanwhile, so nothing shows without it."""
    from PySide6.QtGui import QIcon

    from outreach.resources import resource_path

    # The start window's app_icon() draws the same file; not imported here, as it loads the self-test code.
    app.setWindowIcon(QIcon(str(resource_path("icons", "outreach.svg"))))


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


# As platform.system() names them, without importing `platform` on the way to the first window.
_SYSTEM_NAMES = {"linux": "Linux", "win32": "Windows", "darwin": "Darwin"}


def run_app(data_dir: str | None = None, argv: Sequence[str] | None = None) -> int:
    folder = resolve_data_dir(data_dir)
    log_file = setup_logging(folder)
    log_event(
        log,
        "app.started",
        app_version=outreach.__version__,
        python_version="{}.{}.{}".format(*sys.version_info[:3]),
        qt_version=qVersion(),
        os=_SYSTEM_NAMES.get(sys.platform, sys.platform),
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
    from ui.first_paint import after_first_paint

    after_first_paint(window, lambda: set_app_icon(app))
    report_page = os.environ.get(REPORT_SHOWN_ENV)
    if report_page:
        _report_when_shown(app, window, report_page)
    window.resize(window.sizeHint())
    window.show()
    # "start": the first window of the app (it opens on set-up or unlock; pages are logged as
    # ui.screen_shown).
    log_event(log, "ui.window_shown", screen="start", platform=QApplication.platformName())
    drive_unlock = os.environ.get(DRIVE_UNLOCK_ENV)
    if drive_unlock:
        _drive_unlock(window, drive_unlock)
    quit_when = os.environ.get(QUIT_WHEN_SHOWN_ENV)
    if quit_when:
        _quit_when_shown(window, quit_when)
    code = app.exec()
    log_event(log, "app.stopped", exit_code=code)
    shut_down(app, window, runner)
    crash_reporter.uninstall()
    folder_lock.release()
    return code


def shut_down(app: QApplication, window: QWidget, runner: TaskRunner) -> None:
    """Take the app apart in order once its event loop has ended.

    Left to the interpreter's exit, Qt objects are freed in whatever order Python's collector
    reaches them: a window could outlive the application object, and its timers and queued
    signals then reach an event dispatcher that is already gone ("QBasicTimer::start: current
    thread's event dispatcher has already been destroyed") and the process aborts. So, in order:
    stop every timer, stop and join the worker threads (store writes handed over still finish),
    deliver what they sent back while the screens still exist, delete the windows, and only then
    the application object."""
    for top in app.topLevelWidgets():
        stop = getattr(top, "stop_background", None)
        if callable(stop):
            stop()  # the main window: idle lock and sync, with their timers
    for timer in app.findChildren(QTimer) + [
        t for w in app.topLevelWidgets() for t in w.findChildren(QTimer)
    ]:
        timer.stop()
    runner.shutdown(wait=True)
    QCoreApplication.sendPostedEvents()  # the workers' last results, while their screens still exist
    QCoreApplication.processEvents()
    store = getattr(window, "store", None)
    if store is not None:
        store.close()  # keys dropped, database closed: nothing can reach it any more
    window.hide()
    for top in app.topLevelWidgets():
        if shiboken6.isValid(top) and top.parent() is None:
            shiboken6.delete(top)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    if shiboken6.isValid(runner):
        shiboken6.delete(runner)
    app.shutdown()  # the application object last, with nothing left that could still use it


# For tests of the real program: when set to a user name, one line read from standard input is that
# user's passphrase, typed into the unlock screen and submitted once it can be (the same path as a
# person: nothing is skipped). Passphrases never come from the command line or the environment.
DRIVE_UNLOCK_ENV = "OUTREACH_DRIVE_UNLOCK"
# For tests of the real program: "<page>[:<ms>]" quits through File > Quit that long after <page>
# ("unlock", "unlock-ready", "home") is first on screen.
QUIT_WHEN_SHOWN_ENV = "OUTREACH_QUIT_WHEN_SHOWN"


def _drive_unlock(window: Any, user: str) -> None:
    passphrase = sys.stdin.readline().rstrip("\n")

    def ready() -> None:
        panel = window.unlock_panel
        index = panel.user_combo.findData(user)
        if index >= 0:
            panel.user_combo.setCurrentIndex(index)
        panel.pass_edit.setText(passphrase)
        QTimer.singleShot(0, panel.unlock_button.click)

    window.store_opened.connect(ready)


def _quit_when_shown(window: Any, spec: str) -> None:
    page, _, delay = spec.partition(":")
    delay_ms = int(delay) if delay.isdigit() else 0
    fired: list[bool] = []

    def shown(name: str) -> None:
        if name == page and not fired:
            fired.append(True)
            QTimer.singleShot(delay_ms, window.quit_action.trigger)

    window.page_shown.connect(shown)
    window.store_opened.connect(lambda: shown("unlock-ready"))
    window.home_ready.connect(lambda: shown("home-ready"))
    if getattr(window, "current_page", "") == page:
        shown(page)


def _report_when_shown(app: QApplication, window: Any, page: str) -> None:
    """Print when `page` is first on screen, then quit. The first page is reported once the window
    has been painted (the frame a person would see), as the bare window it is compared with is."""
    from ui.first_paint import after_first_paint

    def report(name: str) -> None:
        print(f"shown {name} {time.time():.6f}", flush=True)
        app.quit()

    def shown(name: str) -> None:
        if name != page:
            return
        if name == getattr(window, "current_page", "") and not window.isVisible():
            after_first_paint(window, lambda: report(name))  # the first page: wait for its first paint
        else:
            QTimer.singleShot(0, lambda: report(name))

    window.page_shown.connect(shown)
    if getattr(window, "current_page", "") == page:  # already there: reported once the window is drawn
        shown(page)
    window.store_opened.connect(lambda: shown("unlock-ready"))
