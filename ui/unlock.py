"""The unlock screen: pick your name, type your passphrase.

Checking a passphrase runs Argon2id (a deliberately slow key derivation), so it runs
on the store worker with a busy line, never on the GUI thread. Wrong passphrases and
pauses are explained in plain words; during a pause the button counts down instead
of letting the worker type into a wall.

The same panel serves as the lock screen over a locked window, fixed to the worker
who was using it (their unsaved input waits underneath).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from outreach.errors import AuthError, UnlockRefused
from ui.first_paint import after_first_paint
from ui.ops.start import unlock_store
from ui.style import make_heading
from ui.tasks import TaskRunner
from ui.widgets import BusyIndicator, LabelledField


class UnlockPanel(QWidget):
    """User list + passphrase + Unlock. Emits `unlocked(UserInfo)` on success."""

    unlocked = Signal(object)

    def __init__(
        self,
        runner: TaskRunner,
        *,
        heading: str | None = None,
        intro: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("unlock-panel")
        self.runner = runner
        self.store: Any = None
        self._retry_left = 0
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)

        layout = QVBoxLayout(self)
        self.heading = make_heading(QLabel(heading or self.tr("Unlock"), self))
        layout.addWidget(self.heading)
        self.intro = QLabel(intro, self)
        self.intro.setWordWrap(True)
        self.intro.setVisible(bool(intro))
        layout.addWidget(self.intro)

        self.user_combo = QComboBox(self)
        # The wheel scrolls; it never picks another worker. Guarded once drawn: the guard names Qt's
        # namespace, which is not loaded before the first window is drawn (see ui.first_paint).
        after_first_paint(self, self._guard_wheel)
        self.user_field = LabelledField(
            self.tr("Who are &you?"), self.user_combo, accessible_name=self.tr("User")
        )
        layout.addWidget(self.user_field)
        self.pass_edit = QLineEdit(self)
        self.pass_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pass_edit.returnPressed.connect(self.submit)
        self.pass_field = LabelledField(
            self.tr("&Passphrase"), self.pass_edit, accessible_name=self.tr("Passphrase")
        )
        layout.addWidget(self.pass_field)

        row = QHBoxLayout()
        self.busy = BusyIndicator(self)
        row.addWidget(self.busy, 1)
        row.addStretch(1)
        self.unlock_button = QPushButton(self)  # words set apart: see ui.first_paint
        self.unlock_button.setText(self.tr("&Unlock"))
        self.unlock_button.setAccessibleName(self.tr("Unlock"))
        self.unlock_button.setDefault(True)
        self.unlock_button.setMinimumWidth(self.fontMetrics().averageCharWidth() * 16)
        self.unlock_button.clicked.connect(self.submit)
        row.addWidget(self.unlock_button)
        layout.addLayout(row)
        self.setTabOrder(self.user_combo, self.pass_edit)
        self.setTabOrder(self.pass_edit, self.unlock_button)
        self.set_ready(False)

    def _guard_wheel(self) -> None:
        from ui.widgets.wheel_guard import guard_wheel

        guard_wheel(self.user_combo)

    # -- state -----------------------------------------------------------------------------------
    def set_users(self, users: list[Any], *, select: str | None = None, fixed: bool = False) -> None:
        """Offer these users (UserInfo); `fixed` keeps the choice to `select` (the lock screen)."""
        self.user_combo.clear()
        for user in users:
            if fixed and select is not None and user.name != select:
                continue
            self.user_combo.addItem(user.name, user.name)
        if select is not None:
            index = self.user_combo.findData(select)
            if index >= 0:
                self.user_combo.setCurrentIndex(index)
        # Left enabled even with one name: greyed-out text is hard to read, and the name is what is being
        # unlocked.

    def set_store(self, store: Any) -> None:
        self.store = store
        self.set_ready(store is not None)

    def set_ready(self, ready: bool) -> None:
        """Before the store is open the form shows but cannot be sent yet."""
        self.unlock_button.setEnabled(ready and self._retry_left <= 0)
        if not ready:
            self.busy.start(self.tr("Opening the store..."))
        elif self.busy.text.text() == self.tr("Opening the store..."):
            self.busy.stop()

    def focus_first(self) -> None:
        self.pass_edit.setFocus()

    # -- unlocking -------------------------------------------------------------------------------
    def submit(self) -> None:
        if self.store is None or not self.unlock_button.isEnabled():
            return
        name = self.user_combo.currentData() or self.user_combo.currentText()
        passphrase = self.pass_edit.text()
        self.pass_field.clear_message()
        if not name:
            self.user_field.show_message(self.tr("Choose your name."))
            return
        if not passphrase:
            self.pass_field.show_message(self.tr("Type your passphrase."))
            self.pass_edit.setFocus()
            return
        self.unlock_button.setEnabled(False)
        self.pass_edit.setEnabled(False)
        self.busy.start(self.tr("Checking your passphrase..."))
        self.runner.run_db(
            unlock_store,
            self.store,
            name,
            passphrase,
            name="ui.unlock",
            on_success=self._done,
            on_error=self._failed,
        )

    def _done(self, user: Any) -> None:
        self.busy.stop()
        self.pass_edit.clear()
        self.pass_edit.setEnabled(True)
        self.unlock_button.setEnabled(True)
        self.unlocked.emit(user)

    def _failed(self, exc: BaseException) -> None:
        self.busy.stop()
        self.pass_edit.setEnabled(True)
        self.pass_edit.clear()
        if isinstance(exc, AuthError):
            self.pass_field.show_message(exc.message)
            wait = exc.retry_after if isinstance(exc, UnlockRefused) else 0.0
            if wait > 0:
                self._start_pause(wait)
            else:
                self.unlock_button.setEnabled(True)
            self.pass_edit.setFocus()
            return
        self.unlock_button.setEnabled(True)
        from ui.errors import show_error  # its dialogs load with the first error, after the window

        show_error(exc, self)

    def _start_pause(self, seconds: float) -> None:
        self._retry_left = int(seconds + 0.999)
        self.unlock_button.setEnabled(False)
        self._tick_text()
        self._countdown.start()

    def _tick(self) -> None:
        self._retry_left -= 1
        if self._retry_left <= 0:
            self._countdown.stop()
            self._retry_left = 0
            self.unlock_button.setText(self.tr("&Unlock"))
            self.unlock_button.setEnabled(self.store is not None)
            self.pass_field.show_message(self.tr("You can try again now."), problem=False)
            return
        self._tick_text()

    def _tick_text(self) -> None:
        self.unlock_button.setText(self.tr("Wait {0} s").format(self._retry_left))

    @property
    def retry_seconds_left(self) -> int:
        return self._retry_left
