"""Today's session: where the worker is seeing people.

The venue is picked from the venues this laptop knows, or typed; a typed one is added
to the store so it is offered next time. Starting the session records it in the store
(venues and sessions tables), and checks started afterwards carry its id.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from ui.context import AppContext, SessionInfo
from ui.ops.home import start_session
from ui.widgets.wheel_guard import guard_wheel


class SessionBar(QWidget):
    session_started = Signal(object)  # SessionInfo

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.caption = QLabel(self.tr("Venue &today:"), self)
        layout.addWidget(self.caption)
        self.venue_combo = QComboBox(self)
        guard_wheel(self.venue_combo)  # the wheel scrolls; it never changes the choice
        self.venue_combo.setEditable(True)
        self.venue_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.venue_combo.setMinimumContentsLength(24)
        venue_edit = self.venue_combo.lineEdit()
        assert venue_edit is not None  # an editable combo box has a line edit
        venue_edit.setPlaceholderText(self.tr("Choose or type the venue"))
        self.venue_combo.setAccessibleName(self.tr("Venue today"))
        venue_edit.setAccessibleName(self.tr("Venue today"))
        venue_edit.returnPressed.connect(self.start)
        self.caption.setBuddy(self.venue_combo)
        layout.addWidget(self.venue_combo, 1)
        self.start_button = QPushButton(self.tr("&Start session"), self)
        self.start_button.setAccessibleName(self.tr("Start session at this venue"))
        self.start_button.clicked.connect(self.start)
        layout.addWidget(self.start_button)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status, 1)
        self._show_session(context.session)

    def set_venues(self, venues: list[Any]) -> None:
        current = self.venue_combo.currentText()
        self.venue_combo.clear()
        for venue in venues:
            self.venue_combo.addItem(venue.name, venue.id)
        self.venue_combo.setCurrentIndex(-1)
        self.venue_combo.setEditText(
            current if self.context.session is None else self.context.session.venue_name
        )

    def resume(self, today: Any) -> None:
        """Carry on with today's session read back from the store (a `ui.ops.home.TodaySession`):
        the app was closed or restarted, the worker is still at the same venue."""
        session = SessionInfo(
            venue_name=today.venue_name, venue_id=today.venue_id, session_id=today.session_id
        )
        self.context.session = session
        self.venue_combo.setEditText(session.venue_name)
        self._show_session(session, resumed=True)
        self.session_started.emit(session)

    def start(self) -> None:
        if not self.start_button.isEnabled():
            return  # one session start at a time (Return in the box and the button both come here)
        name = self.venue_combo.currentText().strip()
        if not name:
            self.status.setText(self.tr("Choose or type the venue first."))
            self.venue_combo.setFocus()
            return
        index = self.venue_combo.findText(name)
        venue_id = self.venue_combo.itemData(index) if index >= 0 else None
        self.start_button.setEnabled(False)
        previous = self.context.session.session_id if self.context.session is not None else None
        self.context.runner.run_db(
            start_session,
            self.context.store,
            name,
            venue_id,
            previous,
            name="ui.home.start_session",
            on_success=self._started,
            on_finished=lambda: self.start_button.setEnabled(True),
        )

    def _started(self, result: tuple[str, str, str]) -> None:
        venue_id, name, session_id = result
        session = SessionInfo(venue_name=name, venue_id=venue_id, session_id=session_id)
        self.context.session = session
        if self.venue_combo.findData(venue_id) < 0:
            self.venue_combo.addItem(name, venue_id)
        self._show_session(session)
        self.session_started.emit(session)

    def _show_session(self, session: SessionInfo | None, *, resumed: bool = False) -> None:
        if session is None:
            self.status.setText(self.tr("No session started yet."))
        else:
            if resumed:
                self.status.setText(self.tr("Today's session at {0} carries on.").format(session.venue_name))
            else:
                self.status.setText(self.tr("Session started at {0}.").format(session.venue_name))
            self.start_button.setText(self.tr("&Switch venue"))
            self.start_button.setAccessibleName(self.tr("Start a session at another venue"))
