"""First run: set up the encrypted store on this laptop, and its first (admin) user.

Either IT's organisation file is chosen (server, recovery key, idle-lock time), or a
short form gives the organisation's name and idle-lock time. The first user types
their passphrase twice; set-up is only reported done once that passphrase has
actually unlocked the new store (so a typing slip that both fields share is caught
before the worker relies on it).

Creating the store runs Argon2id (twice with the proving unlock): it runs on the
store worker with a busy line showing, never on the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from outreach.errors import ValidationError
from outreach.settings import OrgConfig
from ui.errors import show_error
from ui.ops.setup import SetupRequest, SetupResult, load_org_file, set_up_store
from ui.style import make_heading
from ui.tasks import TaskRunner
from ui.widgets import BusyIndicator, LabelledField
from ui.widgets.wheel_guard import guard_wheel

MIN_PASSPHRASE_LENGTH = 10  # mirrors outreach.store.vault.MIN_PASSPHRASE_LENGTH, which has the final say


class SetupPage(QWidget):
    """The first-run form. Emits `completed(SetupResult)` with the store open and unlocked."""

    completed = Signal(object)

    def __init__(
        self,
        data_dir: Path,
        runner: TaskRunner,
        *,
        org_config: OrgConfig | None = None,
        org_file: Path | None = None,
        kdf: object = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("setup-page")
        self.data_dir = data_dir
        self.runner = runner
        self.kdf = kdf
        self._loaded_org: OrgConfig | None = org_config if org_file else None
        self._existing_org_file = org_file
        self._build(org_config or OrgConfig(), org_file)

    # -- building -------------------------------------------------------------------------------
    def _build(self, org: OrgConfig, org_file: Path | None) -> None:
        outer = QVBoxLayout(self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(
            Qt.FocusPolicy.NoFocus
        )  # Tab goes to the fields; the area scrolls to the focused one
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        row = QHBoxLayout(body)
        row.addStretch(1)
        column = QVBoxLayout()
        row.addLayout(column, 3)
        row.addStretch(1)

        self.heading = make_heading(QLabel(self.tr("Set up this laptop"), body))
        column.addWidget(self.heading)
        intro = QLabel(
            self.tr(
                "This laptop has no store yet. Set it up once; everything you record is kept "
                "encrypted here and unlocked with your passphrase."
            ),
            body,
        )
        intro.setWordWrap(True)
        column.addWidget(intro)

        org_box = QGroupBox(self.tr("Organisation"), body)
        org_layout = QVBoxLayout(org_box)
        self.org_file_edit = QLineEdit(str(org_file) if org_file else "", org_box)
        self.org_file_edit.setPlaceholderText(self.tr("No file: fill in the two settings below"))
        choose = QPushButton(self.tr("&Browse..."), org_box)
        choose.setAccessibleName(self.tr("Choose the organisation file"))
        choose.clicked.connect(self._choose_org_file)
        self.choose_button = choose
        self.org_file_field = LabelledField(
            self.tr("Organisation f&ile from IT (optional)"),
            self.org_file_edit,
            hint=self.tr("If IT gave you an organisation file, choose it here."),
            accessible_name=self.tr("Organisation file"),
        )
        # Put a row (edit + button) where the bare edit was in the field's layout.
        file_row = QWidget(self.org_file_field)
        file_layout = QHBoxLayout(file_row)
        file_layout.setContentsMargins(0, 0, 0, 0)
        field_layout = self.org_file_field.layout()
        assert isinstance(field_layout, QVBoxLayout)  # a LabelledField stacks its parts in a column
        field_layout.insertWidget(1, file_row)
        file_layout.addWidget(self.org_file_edit, 1)
        file_layout.addWidget(choose)
        org_layout.addWidget(self.org_file_field)
        self.org_file_edit.editingFinished.connect(self._org_file_changed)

        self.org_name_edit = QLineEdit(org.organisation_name if org_file else "", org_box)
        self.org_name_field = LabelledField(self.tr("Organisation &name"), self.org_name_edit)
        org_layout.addWidget(self.org_name_field)
        self.idle_spin = QSpinBox(org_box)
        self.idle_spin.setRange(1, 240)
        guard_wheel(self.idle_spin)  # the wheel scrolls the page; it never changes the minutes
        self.idle_spin.setValue(org.idle_lock_minutes)
        self.idle_spin.setSuffix(self.tr(" minutes"))
        self.idle_field = LabelledField(
            self.tr("&Lock after this long without use"),
            self.idle_spin,
            accessible_name=self.tr("Idle lock minutes"),
        )
        org_layout.addWidget(self.idle_field)
        column.addWidget(org_box)

        user_box = QGroupBox(self.tr("First user (administrator)"), body)
        user_layout = QVBoxLayout(user_box)
        self.user_edit = QLineEdit(user_box)
        self.user_field = LabelledField(
            self.tr("&Your name"),
            self.user_edit,
            hint=self.tr("You will be the administrator: you can add other workers later."),
            accessible_name=self.tr("Your name"),
        )
        user_layout.addWidget(self.user_field)
        self.pass_edit = QLineEdit(user_box)
        self.pass_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pass_field = LabelledField(
            self.tr("&Passphrase"),
            self.pass_edit,
            hint=self.tr("At least {0} characters. A few unrelated words make a good one.").format(
                MIN_PASSPHRASE_LENGTH
            ),
            accessible_name=self.tr("Passphrase"),
        )
        user_layout.addWidget(self.pass_field)
        self.repeat_edit = QLineEdit(user_box)
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_field = LabelledField(
            self.tr("Passphrase &again"), self.repeat_edit, accessible_name=self.tr("Passphrase again")
        )
        user_layout.addWidget(self.repeat_field)
        column.addWidget(user_box)

        buttons = QHBoxLayout()
        self.busy = BusyIndicator(body)
        buttons.addWidget(self.busy, 1)
        self.submit_button = QPushButton(self.tr("&Set up this laptop"), body)
        self.submit_button.setAccessibleName(self.tr("Set up this laptop"))
        self.submit_button.setDefault(True)
        self.submit_button.setAutoDefault(True)
        self.submit_button.clicked.connect(self.submit)
        buttons.addWidget(self.submit_button)
        column.addLayout(buttons)
        column.addStretch(1)
        for edit in (self.user_edit, self.pass_edit, self.repeat_edit, self.org_name_edit):
            edit.returnPressed.connect(self.submit)

        self.setTabOrder(self.org_file_edit, self.choose_button)
        self.setTabOrder(self.choose_button, self.org_name_edit)
        self.setTabOrder(self.org_name_edit, self.idle_spin)
        self.setTabOrder(self.idle_spin, self.user_edit)
        self.setTabOrder(self.user_edit, self.pass_edit)
        self.setTabOrder(self.pass_edit, self.repeat_edit)
        self.setTabOrder(self.repeat_edit, self.submit_button)
        self._apply_org_file_state()

    def focus_first(self) -> None:
        (self.user_edit if self.org_file_edit.text() else self.org_name_edit).setFocus(
            Qt.FocusReason.OtherFocusReason
        )

    # -- the organisation file -------------------------------------------------------------------
    def _choose_org_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose the organisation file"),
            "",
            self.tr("Organisation file (*.toml);;All files (*)"),
        )
        if path:
            self.org_file_edit.setText(path)
            self._org_file_changed()

    def _org_file_changed(self) -> None:
        text = self.org_file_edit.text().strip()
        self._loaded_org = None
        self.org_file_field.clear_message()
        if not text:
            self._apply_org_file_state()
            return
        self.runner.run_background(
            load_org_file,
            Path(text).expanduser(),
            name="ui.setup.load_org_file",
            on_success=self._org_file_loaded,
            on_error=self._org_file_failed,
        )

    def _org_file_loaded(self, config: OrgConfig) -> None:
        self._loaded_org = config
        self.org_name_edit.setText(config.organisation_name)
        self.idle_spin.setValue(config.idle_lock_minutes)
        self.org_file_field.show_message(
            self.tr("Read: {0}.").format(config.organisation_name), problem=False
        )
        self._apply_org_file_state()

    def _org_file_failed(self, exc: BaseException) -> None:
        self._loaded_org = None
        message = exc.message if isinstance(exc, ValidationError) else self.tr("This file cannot be read.")
        self.org_file_field.show_message(message)
        self._apply_org_file_state()

    def _apply_org_file_state(self) -> None:
        from_file = self._loaded_org is not None
        self.org_name_edit.setEnabled(not from_file)
        self.idle_spin.setEnabled(not from_file)

    # -- submitting ----------------------------------------------------------------------------------
    def _clear_messages(self) -> None:
        for field in (self.org_name_field, self.user_field, self.pass_field, self.repeat_field):
            field.clear_message()

    def submit(self) -> None:
        if self.busy.busy:
            return
        self._clear_messages()
        request = self._request()
        if request is None:
            return
        self.busy.start(self.tr("Setting up the encrypted store. This takes a few seconds..."))
        self.submit_button.setEnabled(False)
        self.runner.run_db(
            set_up_store,
            request,
            self.kdf,
            name="ui.setup.create_store",
            on_success=self._done,
            on_error=self._failed,
        )

    def _request(self) -> SetupRequest | None:
        file_text = self.org_file_edit.text().strip()
        if file_text and self._loaded_org is None:
            self.org_file_field.show_message(
                self.tr(
                    "This file has not been read yet, or cannot be read. "
                    "Fix it, or clear the box and fill in the settings."
                )
            )
            self.org_file_edit.setFocus()
            return None
        if self._loaded_org is not None:
            org = self._loaded_org
            write = not (self._existing_org_file and Path(file_text) == self._existing_org_file)
        else:
            name = self.org_name_edit.text().strip()
            if not name:
                self.org_name_field.show_message(self.tr("Enter the organisation's name."))
                self.org_name_edit.setFocus()
                return None
            org = OrgConfig(organisation_name=name, idle_lock_minutes=self.idle_spin.value())
            write = True
        user = self.user_edit.text().strip()
        if not user:
            self.user_field.show_message(self.tr("Enter your name as you want to pick it when unlocking."))
            self.user_edit.setFocus()
            return None
        passphrase = self.pass_edit.text()
        if len(passphrase) < MIN_PASSPHRASE_LENGTH:
            self.pass_field.show_message(
                self.tr(
                    "A passphrase needs at least {0} characters. A few unrelated words make a good one."
                ).format(MIN_PASSPHRASE_LENGTH)
            )
            self.pass_edit.setFocus()
            return None
        if passphrase != self.repeat_edit.text():
            self.repeat_field.show_message(self.tr("The two passphrases are different. Type it again."))
            self.repeat_edit.clear()
            self.repeat_edit.setFocus()
            return None
        return SetupRequest(self.data_dir, org, write, user, passphrase)

    def _done(self, result: SetupResult) -> None:
        self.busy.stop()
        self.pass_edit.clear()
        self.repeat_edit.clear()
        self.completed.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.busy.stop()
        self.submit_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            target = {"passphrase": self.pass_field, "user_name": self.user_field}.get(exc.item or "")
            if target is not None:
                target.show_message(exc.message)
                target.field.setFocus()
                return
        show_error(exc, self)
