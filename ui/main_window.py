"""The one window of the app: set-up or unlock, then home and checks, with the lock over all of it.

Pages live in a stacked widget so that moving between them never rebuilds anything
the worker typed. Locking (Ctrl+L, the Lock button, or the organisation's idle time)
puts an opaque overlay over the whole window and disables what is underneath, but
destroys nothing: a half-typed blood pressure is still there after unlocking.

Store work goes through the task runner's store worker; the key derivation at
unlock runs there too (guarded by `ui.tasks.blocking`). The one store call made on
the GUI thread is `store.lock()`, on purpose: dropping the keys must not wait behind
a queued search or save, and it touches no disk.

Sync belongs to one `SyncController`, made at unlock: it runs on its own while the app
is unlocked, is stopped (its run cancelled) before the keys are dropped, and says what
it is doing on the status line at the bottom of the window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSize, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from outreach.errors import LockedError
from outreach.logging_setup import log_event
from outreach.settings import OrgConfig
from outreach.store.files import store_present
from ui.first_paint import after_first_paint
from ui.idle_lock import IdleWatcher, minutes_to_ms
from ui.ops.start import load_content, load_report_for_it, load_users, open_store
from ui.style import Appearance, make_heading
from ui.tasks import TaskRunner
from ui.unlock import UnlockPanel
from ui.widgets import Notice

if TYPE_CHECKING:  # loaded at unlock, not before the first screen is drawn
    from ui.context import AppContext
    from ui.home.home_page import HomePage

log = logging.getLogger(__name__)

SCREEN_SHARE = 0.9  # the first window takes this share of the screen's available width and height


def _show_error(exc: BaseException, parent: QWidget) -> None:
    from ui.errors import show_error  # its dialogs load with the first error, not before the first window

    show_error(exc, parent)


# Start the loading this long after the window was made even if it has not been painted (hidden, or
# a platform that sends no paint): it must never wait for ever.
OPEN_ANYWAY_MS = 300


class _Centred(QWidget):
    """A page that keeps its content in a readable column in the middle of the window."""

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(content, 2)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)


class LockOverlay(QFrame):
    """Covers the whole window while locked; opaque, so nothing personal shows through."""

    def __init__(self, panel: UnlockPanel, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("lock-overlay")
        self.setAutoFillBackground(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.addWidget(_Centred(panel, self))
        self.panel = panel
        self.hide()
        parent.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parent().rect())  # type: ignore[union-attr]
        return False

    def cover(self) -> None:
        self.setGeometry(self.parent().rect())  # type: ignore[union-attr]
        self.raise_()
        self.show()


class MainWindow(QMainWindow):
    """Set-up, unlock, home, check. `page_shown(name)` fires as each page appears (tests, benchmark)."""

    page_shown = Signal(str)
    unlocked = Signal(object)  # AppContext
    locked = Signal()
    home_ready = Signal()
    resumed = Signal()  # unlocked again after a lock: screens may save what waited behind it
    store_opened = Signal()  # the database is open behind the unlock screen: Unlock can be pressed

    def __init__(
        self,
        data_dir: Path,
        runner: TaskRunner,
        *,
        org_config: OrgConfig | None = None,
        org_file: Path | None = None,
        org_problem: str | None = None,
        kdf: Any = None,
        idle_timeout_ms: int | None = None,
        appearance: Appearance | None = None,
        log_file: Path | None = None,
        sync_timings: Any = None,
    ) -> None:
        """`kdf`: Argon2id cost for passphrases set here (None: the product default; tests pass TEST_KDF).
        `idle_timeout_ms`: overrides the organisation's idle-lock time (tests).
        `sync_timings`: a `ui.sync_controller.SyncTimings` (None: the product's; tests pass short ones)."""
        super().__init__()
        self.setObjectName("main-window")
        self.data_dir = Path(data_dir)
        self.runner = runner
        self.org_config = org_config or OrgConfig()
        self.org_file = org_file
        self.org_problem = org_problem
        self.kdf = kdf
        self.log_file = log_file
        self.appearance = appearance
        self._idle_override = idle_timeout_ms
        self.store: Any = None
        self.context: AppContext | None = None
        self._content: Any = None
        self._waiting_user: Any = None
        self._users: list[Any] = []
        self.home: HomePage | None = None
        self.review: Any = None  # ui.review.workspace.ReviewWorkspace, made when a supervisor first opens it
        self.check_widget: QWidget | None = None
        self.setup_page: Any = None
        self._overlay: LockOverlay | None = None
        self._opening_label: QLabel | None = None
        self.is_locked = False
        self.current_page = ""
        self.sync: Any = None  # ui.sync_controller.SyncController, from the first unlock
        self._focus_before_lock: QWidget | None = None
        self._placed = False  # centred on the screen when first shown
        self._last_page_focus: QWidget | None = None  # the last control used on a page (not the header)
        self._sync_timings = sync_timings

        self.setWindowTitle(self.tr("Outreach Health Checks"))
        self.setAccessibleName(self.tr("Outreach Health Checks"))
        self._build()
        self._set_minimum()
        if org_problem:
            self.org_notice.show_notice(
                self.tr(
                    "The organisation file could not be read, so the app uses its "
                    "defaults (offline only). Tell IT: {0}"
                ).format(org_problem),
                [],
            )
        self._build_actions()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)
        self.idle = IdleWatcher(self._idle_ms(), self)
        self.idle.idle.connect(self._idle_lock)
        self._locked_handler = self._locked_error  # one bound method, so unregistering finds it again
        self._opening_started = False
        if store_present(self.data_dir):
            # The unlock screen shows at once; names fill in and Unlock enables as the store opens behind it.
            self._show_page("unlock")
            self.unlock_panel.focus_first()
        else:
            self._show_setup()
        # Loading starts once the window has been painted (worker threads share the interpreter with the
        # GUI thread: started earlier, they would slow the first frame). A window never shown still opens.
        after_first_paint(self, self._start_opening)
        QTimer.singleShot(OPEN_ANYWAY_MS, self._start_opening)

    def _start_opening(self) -> None:
        """Background loading, begun once the first screen is on show (worker threads share the
        interpreter with the GUI thread, so loading code while the window is drawn would slow it)."""
        if self._opening_started or not shiboken6.isValid(self):
            return
        self._opening_started = True
        from PySide6.QtCore import Qt  # not before the first paint (see ui.first_paint)

        # Ctrl+L locks from the app's other windows too (a summary preview); nothing is open to lock before.
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        # A LockedError can only come once the store is open: its handler (and the error module, with
        # its dialogs) need not be there before the first screen is drawn.
        from ui.errors import register_error_handler, unregister_error_handler

        register_error_handler(LockedError, self._locked_handler)
        handler = self._locked_handler
        self.destroyed.connect(lambda: unregister_error_handler(LockedError, handler))
        if self.current_page == "unlock":
            self.runner.run_db(
                load_users,
                self.data_dir,
                name="ui.list_users",
                on_success=self._users_listed,
                on_error=self._probe_failed,
            )
            self.runner.run_db(
                open_store,
                self.data_dir,
                self.kdf,
                name="ui.open_store",
                on_success=self._store_opened,
                on_error=self._probe_failed,
            )
        self._preload_content()

    # -- building -----------------------------------------------------------------------------------
    def _build(self) -> None:
        self.container = QWidget(self)
        layout = QVBoxLayout(self.container)
        layout.setContentsMargins(0, 0, 0, 0)
        self.header = QWidget(self.container)
        header = QHBoxLayout(self.header)
        self.title_label = make_heading(QLabel(self.org_config.organisation_name, self.header), 1.2)
        header.addWidget(self.title_label)
        header.addStretch(1)
        # The supervisor's two places: their own work (home) and the team's checks (Review). Workers never
        # see these buttons; Ctrl+H and Ctrl+Shift+R reach the same places from the keyboard. Buttons on the
        # way to the first window are made, then given their words: (text, parent) is also an overload with
        # an icon, and telling them apart loads Qt's icon class (see ui.first_paint).
        self.home_button = QPushButton(self.header)
        self.home_button.setText(self.tr("My work"))
        self.home_button.setObjectName("header:home")
        self.home_button.setAccessibleName(self.tr("My work: home (Ctrl+H)"))
        self.review_button = QPushButton(self.header)
        self.review_button.setText(self.tr("Review the team's checks"))
        self.review_button.setObjectName("header:review")
        self.review_button.setAccessibleName(self.tr("Review the team's checks (Ctrl+Shift+R)"))
        for button in (self.home_button, self.review_button):
            button.setCheckable(True)
            button.hide()
            header.addWidget(button)
        self.home_button.clicked.connect(self.go_home)
        self.review_button.clicked.connect(self.show_review_workspace)
        header.addSpacing(12)
        self.user_label = QLabel("", self.header)
        header.addWidget(self.user_label)
        self.lock_button = QPushButton(self.header)
        self.lock_button.setText(self.tr("&Lock"))
        self.lock_button.setAccessibleName(self.tr("Lock the app"))
        self.lock_button.setToolTip(self.tr("Lock now (Ctrl+L). Your work stays as it is."))
        self.lock_button.clicked.connect(self.lock)
        header.addWidget(self.lock_button)
        self.header.hide()
        layout.addWidget(self.header)
        self.org_notice = Notice(self.container)
        layout.addWidget(self.org_notice)
        self.review_notice = Notice(self.container)  # a supervisor's comments above an opened check
        self.review_notice.setObjectName("review-notice")
        layout.addWidget(self.review_notice)
        self.start_notice = Notice(self.container)  # said by home as a check opens (no venue today)
        self.start_notice.setObjectName("start-notice")
        layout.addWidget(self.start_notice)
        self.stack = QStackedWidget(self.container)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(self.container)

        self.unlock_panel = UnlockPanel(
            self.runner, intro=self.tr("Choose your name and type your passphrase.")
        )
        self.unlock_panel.unlocked.connect(self._unlocked)
        self.unlock_page = _Centred(self.unlock_panel)
        self.stack.addWidget(self.unlock_page)

    @property
    def opening_label(self) -> QLabel:
        """The page that says the store or the worker's work is opening (or cannot be), made the first
        time it is needed: the first screen is set-up or unlock."""
        if self._opening_label is None:
            from PySide6.QtCore import Qt

            self._opening_label = QLabel(self.tr("Opening..."), self.stack)
            self._opening_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._opening_label.setWordWrap(True)
            self.stack.addWidget(self._opening_label)
        return self._opening_label

    @property
    def overlay(self) -> LockOverlay:
        """The lock screen over the whole window, made the first time it is needed: it is not on the way
        to the first screen, which must draw as soon as it can."""
        if self._overlay is None:
            self._overlay = self._build_lock_screen()
        return self._overlay

    @property
    def lock_panel(self) -> UnlockPanel:
        return self.overlay.panel

    def _build_lock_screen(self) -> LockOverlay:
        panel = UnlockPanel(
            self.runner,
            heading=self.tr("Locked"),
            intro=self.tr(
                "The app is locked. Everything you were doing is kept as it was. "
                "Type your passphrase to carry on."
            ),
        )
        panel.unlocked.connect(self._overlay_unlocked)
        return LockOverlay(panel, self.container)

    def _action(self, menu: Any, text: str, slot: Callable[..., Any], shortcut: str = "") -> QAction:
        """One menu command: its words, its shortcut (also active where the menu bar is hidden)."""
        action = QAction(text=text, parent=self)  # keywords: see ui.first_paint
        if shortcut:
            # The list form: setShortcut()'s overloads name Qt's namespace, not loaded before the first
            # window is drawn (see ui.first_paint). Same effect.
            action.setShortcuts([QKeySequence(shortcut)])
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_actions(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.lock_action = self._action(file_menu, self.tr("&Lock"), self.lock, "Ctrl+L")
        self.quit_action = self._action(file_menu, self.tr("&Quit"), self.close, "Ctrl+Q")

        work = self.menuBar().addMenu(self.tr("&Work"))
        self.find_action = self._action(work, self.tr("&Find a person"), self.focus_search, "Ctrl+F")
        self.new_person_action = self._action(
            work, self.tr("&Register a new person"), self.new_person, "Ctrl+N"
        )
        self.home_action = self._action(work, self.tr("&Home"), self.go_home, "Ctrl+H")
        self.reviews_action = self._action(
            work, self.tr("Re&views of my checks"), self.show_reviews, "Ctrl+R"
        )
        self.review_action = self._action(
            work, self.tr("Review the &team's checks"), self.show_review_workspace, "Ctrl+Shift+R"
        )
        self.review_action.setVisible(False)  # supervisors and admins only, once unlocked

        view_menu = self.menuBar().addMenu(self.tr("&View"))
        self.contrast_action = QAction(text=self.tr("&High contrast"), parent=self)
        self.contrast_action.setCheckable(True)
        self.contrast_action.setShortcuts([QKeySequence("Ctrl+Shift+H")])  # the list form, as in _action
        self.contrast_action.setChecked(bool(self.appearance and self.appearance.high_contrast))
        self.contrast_action.toggled.connect(self.set_high_contrast)
        view_menu.addAction(self.contrast_action)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.self_test_action = self._action(
            help_menu, self.tr("&Check this installation"), self.show_installation_check
        )
        self.report_action = self._action(
            help_menu, self.tr("Copy a &report for IT"), self.copy_report_for_it
        )
        self.report_action.setToolTip(
            self.tr("Copy versions, settings, the self-test and the log for IT (nothing personal)")
        )
        self.about_action = self._action(help_menu, self.tr("&About Outreach Health Checks"), self.show_about)
        for action in (
            self.lock_action,
            self.find_action,
            self.new_person_action,
            self.home_action,
            self.reviews_action,
            self.review_action,
        ):
            self.addAction(action)
        self._update_actions()

    def _update_actions(self) -> None:
        working = self.context is not None and not self.is_locked
        for action in (
            self.lock_action,
            self.find_action,
            self.new_person_action,
            self.home_action,
            self.reviews_action,
        ):
            action.setEnabled(working)
        self.lock_button.setEnabled(working)
        supervising = self.context is not None and self._can_review(self.context.user)
        self.review_action.setVisible(supervising)
        self.review_action.setEnabled(working and supervising)
        for button in (self.home_button, self.review_button):
            button.setVisible(supervising)

    def _idle_ms(self) -> int:
        return (
            self._idle_override
            if self._idle_override is not None
            else minutes_to_ms(self.org_config.idle_lock_minutes)
        )

    def _show_page(self, name: str, widget: QWidget | None = None) -> None:
        if widget is not None:
            target: QWidget | None = widget
        elif name == "opening":
            target = self.opening_label
        else:
            target = self.unlock_page if name == "unlock" else None
        if target is not None:
            if self.stack.indexOf(target) < 0:
                self.stack.addWidget(target)
            self.stack.setCurrentWidget(target)
        self.current_page = name
        self.home_button.setChecked(name == "home")
        self.review_button.setChecked(name == "review")
        log_event(log, "ui.screen_shown", screen=name)
        self.page_shown.emit(name)

    # -- opening ----------------------------------------------------------------------------------
    def _users_listed(self, users: list[Any]) -> None:
        self._users = users
        self.unlock_panel.set_users(users, select=users[0].name if len(users) == 1 else None)

    def _probe_failed(self, exc: BaseException) -> None:
        if self.current_page == "opening":
            return  # one message is enough when both the key file and the database fail
        self.opening_label.setText(
            self.tr("The store in this folder cannot be opened. Tell IT.\n{0}").format(str(self.data_dir))
        )
        self._show_page("opening")
        _show_error(exc, self)

    def _store_opened(self, store: Any) -> None:
        self.store = store
        self.unlock_panel.set_store(store)
        self.store_opened.emit()

    def _preload_content(self) -> None:
        if self._content is None:
            self.runner.run_background(load_content, name="ui.load_content", on_success=self._content_loaded)

    def _content_loaded(self, content: Any) -> None:
        self._content = content
        if self._waiting_user is not None:
            user, self._waiting_user = self._waiting_user, None
            self._enter_home(user)

    def _show_setup(self) -> None:
        from ui.setup_wizard import SetupPage

        self.setup_page = SetupPage(
            self.data_dir, self.runner, org_config=self.org_config, org_file=self.org_file, kdf=self.kdf
        )
        self.setup_page.completed.connect(self._setup_done)
        self._show_page("setup", self.setup_page)
        self.setup_page.focus_first()

    def _setup_done(self, result: Any) -> None:
        self.store = result.store
        self.org_config = result.org_config
        self.title_label.setText(self.org_config.organisation_name)
        self.idle.set_timeout_ms(self._idle_ms())
        self.unlock_panel.set_store(result.store)
        self._unlocked(result.user)

    # -- unlocked ------------------------------------------------------------------------------------
    def _unlocked(self, user: Any) -> None:
        if self._content is None:
            self._waiting_user = user
            self.opening_label.setText(self.tr("Opening your work..."))
            self._show_page("opening")
            return
        self._enter_home(user)

    def _enter_home(self, user: Any) -> None:
        from PySide6.QtCore import Qt

        from ui.home.home_page import HomePage
        from ui.sync_controller import SyncController

        definition, rules, directory = self._content
        self.runner.changes.attach(self.store)  # every committed change reaches the screens showing it
        from ui.context import AppContext

        self.context = AppContext(
            runner=self.runner,
            store=self.store,
            definition=definition,
            rules=rules,
            directory=directory,
            org_config=self.org_config,
            user=user,
        )
        self.sync = SyncController(self.context, self, timings=self._sync_timings, dialog_parent=self)
        self.context.sync = self.sync
        self.sync_status = QLabel(self.tr("Sync: starting"), self)
        self.sync_status.setAccessibleName(self.tr("Sync status"))
        self.sync_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.sync_status, 1)
        self.sync.status_changed.connect(self._sync_status_changed)
        self.user_label.setText(self.tr("Signed in: {0}").format(user.name))
        self.header.show()
        self.home = HomePage(self.context)
        self.home.open_check.connect(self.open_check)
        self.home.start_notice.connect(lambda text: self.start_notice.show_notice(text, []))
        self.home.loaded.connect(lambda _data: self.home_ready.emit())
        self._show_page("home", self.home)
        self.home.refresh()
        self.home.focus_search()
        self.is_locked = False
        self._update_actions()
        self.idle.start()
        self.sync.start()
        self.unlocked.emit(self.context)

    # -- locking -------------------------------------------------------------------------------------
    def lock(self) -> None:
        """Drop the keys and cover the window; nothing underneath is destroyed."""
        if self.context is None or self.is_locked:
            return
        self.is_locked = True
        # Where the keyboard was, taken before the page is disabled (disabling moves the focus away).
        # The Lock button (clicked) or a menu holds it now: then the last control used on the page.
        focused = QApplication.focusWidget()
        if focused is None or not self.stack.isAncestorOf(focused):
            focused = self._last_page_focus
        self._focus_before_lock = focused
        self.idle.stop()
        name = self.context.user.name
        if self.sync is not None:
            self.sync.stop()  # before the keys go: no sync may be half-way through reading them
        self.store.lock()
        self.stack.setEnabled(False)
        self.header.setEnabled(False)
        self.lock_panel.set_users(self._users or [self.context.user], select=name, fixed=True)
        if self.lock_panel.user_combo.count() == 0:
            self.lock_panel.user_combo.addItem(name, name)
        self.lock_panel.set_store(self.store)
        self.overlay.cover()
        self.lock_panel.focus_first()
        self._update_actions()
        log_event(log, "ui.locked")
        self.page_shown.emit("locked")
        self.locked.emit()

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and shiboken6.isValid(self.stack) and self.stack.isAncestorOf(new):
            self._last_page_focus = new

    def _restore_focus(self) -> None:
        """Give the keyboard back to the control it was in before the lock, so the next key pressed
        after an interruption goes where the worker expects; if that control has gone (closed,
        hidden, disabled), to the first control of the page on screen."""
        widget, self._focus_before_lock = self._focus_before_lock, None
        page = self.stack.currentWidget()
        if (
            widget is not None
            and shiboken6.isValid(widget)
            and widget.isVisible()
            and widget.isEnabled()
            and page is not None
            and page.isAncestorOf(widget)
        ):
            widget.setFocus()
            return
        if page is self.home and self.home is not None:
            self.home.focus_search()
            return
        first = self._first_control(page)
        if first is not None:
            first.setFocus()

    @staticmethod
    def _first_control(page: QWidget | None) -> QWidget | None:
        """The first control of `page` in Tab order that can take the keyboard."""
        from PySide6.QtCore import Qt

        if page is None:
            return None
        widget = page.nextInFocusChain()
        while widget is not None and widget is not page:
            if (
                page.isAncestorOf(widget)
                and widget.isVisible()
                and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            ):
                return widget
            widget = widget.nextInFocusChain()
        return None

    def _idle_lock(self) -> None:
        self.lock()

    def _locked_error(self, _exc: BaseException) -> None:
        self.lock()

    def _overlay_unlocked(self, user: Any) -> None:
        self.is_locked = False
        self.overlay.hide()
        self.stack.setEnabled(True)
        self.header.setEnabled(True)
        if self.context is not None:
            self.context.user = user
        self._update_actions()
        self.idle.start()
        if self.sync is not None:
            self.sync.start()
        if self.home is not None and self.stack.currentWidget() is self.home:
            self.home.refresh()
        self._restore_focus()
        resume = getattr(self.check_widget, "resume_after_unlock", None)
        if callable(resume):
            resume()  # the check may save answers typed just before the lock
        self.resumed.emit()
        self.page_shown.emit(self.current_page)

    # -- home and checks ---------------------------------------------------------------------------------
    def focus_search(self) -> None:
        if self.home is not None and not self.is_locked and self.stack.currentWidget() is self.home:
            self.home.focus_search()

    def new_person(self) -> None:
        if self.home is not None and not self.is_locked and self.stack.currentWidget() is self.home:
            self.home.new_person()

    def go_home(self) -> None:
        """Ctrl+H, the Home menu item or the header's My work: home, leaving an open check the way its own
        Back does (once everything typed is saved), so the shortcut the menu shows always works."""
        if self.home is None or self.is_locked:
            return
        if self.check_widget is not None and isinstance(self.check_widget, CheckPlaceholder):
            self._check_closed()
        elif self.check_widget is not None:
            from ui.check.workflow import CheckWorkflow

            if isinstance(self.check_widget, CheckWorkflow):
                self.check_widget.request_close()  # `closed` -> _check_closed shows home
        else:
            leaving_review = self.current_page == "review"
            self._show_page("home", self.home)
            if leaving_review:
                self.home.focus_search()
        self.home_button.setChecked(self.current_page == "home")

    def _can_review(self, user: Any) -> bool:
        """Supervisors get the Review workspace, and admins on a supervisor's laptop; workers never see it
        (`ui.review.can_review`, over the users listed at unlock: nothing read from disk here)."""
        from ui.review import can_review

        return can_review(user, self._users)

    def show_review_workspace(self) -> None:
        """Ctrl+Shift+R or the header's button: the team's checks to review, and the dashboards.

        Like Home, it does not leave a check the supervisor has open as a worker (that has its own Back)."""
        if self.context is None or self.is_locked or not self._can_review(self.context.user):
            return
        if self.check_widget is not None:
            self.review_button.setChecked(False)
            self.statusBar().showMessage(
                self.tr("Leave the check first (Back to home), then open Review."), 10_000
            )
            return
        if self.review is None:
            from ui.review.workspace import ReviewWorkspace

            self.review = ReviewWorkspace(self.context)
        self._show_page("review", self.review)
        self.review.activate()

    def show_reviews(self) -> None:
        """Ctrl+R: home's Reviews tab (an open check is left first, as Home leaves it)."""
        if self.home is None or self.is_locked:
            return
        self.go_home()
        if self.stack.currentWidget() is self.home:
            self.home.show_reviews()

    def open_check(self, person_id: str, check_id: str | None) -> None:
        """Put the check workflow (or, before it exists in this build, a plain placeholder) on screen."""
        if self.context is None:
            return
        if self.check_widget is not None:
            self.stack.removeWidget(self.check_widget)
            self.check_widget.deleteLater()
        widget = make_check_widget(self.context, person_id, check_id)
        if hasattr(widget, "closed"):
            widget.closed.connect(self._check_closed)
        # Home hears of a finalised check through the change hub (the task runner says what each store
        # task changed), so nothing here reloads it.
        if hasattr(widget, "finalised") and self.sync is not None:
            widget.finalised.connect(self.sync.check_finalised)
        self.check_widget = widget
        self.review_notice.dismiss()
        if check_id is not None:
            self.start_notice.dismiss()  # only ever about a new check
        if check_id is not None:
            self._show_review_comments(check_id)
        self._show_page("check", widget)

    def _show_review_comments(self, check_id: str) -> None:
        """A supervisor's comments on this check, shown above it (read on the store worker)."""
        from ui.home.reviews import comments_banner
        from ui.ops.reviews import load_check_reviews

        widget = self.check_widget

        def show(lines: list[Any]) -> None:
            if self.check_widget is widget and lines:
                self.review_notice.show_notice(comments_banner(lines), [])

        self.runner.run_db(load_check_reviews, self.store, check_id, name="ui.check_reviews", on_success=show)

    def _sync_status_changed(self, text: str) -> None:
        self.sync_status.setText(text)
        self.sync_status.setAccessibleDescription(text)

    def _check_closed(self) -> None:
        self.review_notice.dismiss()
        self.start_notice.dismiss()
        if self.check_widget is not None:
            self.stack.removeWidget(self.check_widget)
            self.check_widget.deleteLater()
            self.check_widget = None
        if self.home is not None:
            self._show_page("home", self.home)
            self.home.reload_lists()
            self.home.focus_search()

    # -- view and help -------------------------------------------------------------------------------
    def set_high_contrast(self, on: bool) -> None:
        if self.appearance is not None:
            self.appearance.set_high_contrast(on)
            self.appearance.save_choice()

    def show_installation_check(self) -> None:
        from PySide6.QtCore import Qt

        from ui.app import gather_start_info
        from ui.start_window import StartWindow

        window = StartWindow(gather_start_info(self.data_dir, self.log_file), self.runner)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.resize(window.sizeHint())
        window.show()
        self._start_window = window

    def copy_report_for_it(self) -> None:
        """Make the report for IT on the store worker, then put it on the clipboard and say so."""
        import PySide6
        from PySide6.QtCore import qVersion

        from outreach.selftest import SelfCheck
        from outreach.support_report import ReportInputs

        unlocked = self.context is not None and not self.is_locked
        if unlocked:
            note = ""
        elif self.context is not None:
            note = "the app is locked"
        else:
            note = "nobody has unlocked the app yet"
        qt_line = f"this window is open (Qt {qVersion()})"
        inputs = ReportInputs(
            data_dir=self.data_dir,
            org_config=self.org_config,
            org_file=self.org_file,
            org_problem=self.org_problem,
            log_file=self.log_file,
            qt_version=f"{qVersion()} (PySide6 {PySide6.__version__})",
            store=self.store if unlocked else None,
            store_note=note,
            extra_checks=[SelfCheck("qt", lambda: qt_line)],
        )
        self.report_action.setEnabled(False)
        self.statusBar().showMessage(self.tr("Making the report for IT..."))
        self.runner.run_db(
            load_report_for_it,
            inputs,
            name="ui.support_report",
            on_success=self._report_ready,
            on_error=self._report_failed,
            on_finished=lambda: self.report_action.setEnabled(True),
        )

    def _report_failed(self, exc: BaseException) -> None:
        self.statusBar().clearMessage()
        _show_error(exc, self)

    def _report_ready(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        message = self.tr(
            "The report for IT is on the clipboard: paste it into an email or a ticket. It holds nothing "
            "personal."
        )
        self.statusBar().showMessage(message, 20_000)
        self.statusBar().setAccessibleDescription(message)
        log_event(log, "ui.support_report_copied", bytes=len(text.encode("utf-8")))

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        import outreach

        QMessageBox.about(
            self,
            self.tr("About Outreach Health Checks"),
            self.tr(
                "Outreach Health Checks {0}\n\nThe NHS annual physical health check for people "
                "with severe mental illness, offline first."
            ).format(outreach.__version__),
        )

    def stop_background(self) -> None:
        """Stop what runs on its own (the idle lock's timer, automatic sync): the first step of quitting."""
        self.idle.stop()
        if self.sync is not None:
            self.sync.stop()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop_background()
        if self.store is not None:
            self.store.lock()  # keys dropped at once; the process exit closes the database
        if self._opening_started:
            from ui.errors import unregister_error_handler

            unregister_error_handler(LockedError, self._locked_handler)
        super().closeEvent(event)

    def content_size(self) -> QSize:
        """The size the screens are laid out for, in lines of text: it grows with the system font."""
        line = self.fontMetrics().height()
        return QSize(line * 60, line * 38)

    def _available(self) -> QSize | None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry().size() if screen is not None else None

    def sizeHint(self) -> QSize:
        """The first window fills most of the screen it opens on (90% of the space left by task bars),
        never more: on a 1366x768 laptop, or at 150% scaling, the status line stays on screen."""
        available = self._available()
        if available is None:
            return self.content_size()
        hint = QSize(int(available.width() * SCREEN_SHARE), int(available.height() * SCREEN_SHARE))
        return hint.expandedTo(self.minimumSize()).boundedTo(available)

    def showEvent(self, event: QShowEvent) -> None:
        """The first time it is shown, the window is centred in the screen's available area: a
        window placed by the system's cascade could otherwise hang its status line off the bottom."""
        super().showEvent(event)
        if self._placed:
            return
        self._placed = True
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        available = screen.availableGeometry()
        frame = self.frameGeometry()
        frame.moveCenter(available.center())
        self.move(max(frame.left(), available.left()), max(frame.top(), available.top()))

    def _set_minimum(self) -> None:
        """Small enough for any laptop screen, large enough for a form and its message to be read."""
        line = self.fontMetrics().height()
        minimum = QSize(line * 36, line * 24)
        available = self._available()
        self.setMinimumSize(minimum.boundedTo(available) if available is not None else minimum)


class CheckPlaceholder(QWidget):
    """Shown when this build has no check workflow yet: says so plainly and leads back home."""

    closed = Signal()

    def __init__(self, person_id: str, check_id: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person_id = person_id
        self.check_id = check_id
        layout = QVBoxLayout(self)
        text = QLabel(
            self.tr("The check form is not available in this version of the app. Nothing has been changed."),
            self,
        )
        text.setWordWrap(True)
        layout.addStretch(1)
        layout.addWidget(text)
        back = QPushButton(self.tr("&Back to home"), self)
        back.setAccessibleName(self.tr("Back to home"))
        back.clicked.connect(self.closed)
        layout.addWidget(back)
        layout.addStretch(2)
        self.back_button = back


def make_check_widget(context: AppContext, person_id: str, check_id: str | None) -> QWidget:
    try:
        from ui.check.workflow import CheckWorkflow
    except ModuleNotFoundError as exc:
        if exc.name not in ("ui.check", "ui.check.workflow"):
            raise
        return CheckPlaceholder(person_id, check_id)
    return CheckWorkflow(context, person_id, check_id)
