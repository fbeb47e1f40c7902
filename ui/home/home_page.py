"""Home: today's session, finding or registering a person, follow-ups due, the outbox and reviews.

One screen with four tabs, so the worker is never more than one key away from any of
them (Alt+P, Alt+O, Alt+B, and Ctrl+R for reviews: every Alt+letter of "Reviews" is taken
on the registration form). Everything it shows is loaded on the store worker in one
task after unlock, so the screen appears at once and fills in a moment later.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from outreach.store.sync_state import REVIEW_RECEIVED
from ui.changes import ChangeSet
from ui.context import AppContext
from ui.home.follow_ups import FollowUpsView
from ui.home.outbox import OutboxView
from ui.home.person_form import PersonForm
from ui.home.person_panel import PersonPanel
from ui.home.reviews import ReviewsView
from ui.home.search import PersonSearch
from ui.home.session_bar import SessionBar
from ui.ops.home import DraftInfo, FollowUpQuery, HomeData, load_drafts, load_venues
from ui.ops.sync import HomeWithSync, load_home_with_sync
from ui.widgets import Notice


def _when(iso: str) -> str:
    try:
        moment = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    return moment.strftime("%d %b at %H:%M").lstrip("0")


class HomePage(QWidget):
    open_check = Signal(str, object)  # person id, check id (None: a new check)
    start_notice = Signal(str)  # a plain word to show over the check about to open (not a dialog)
    loaded = Signal(object)  # HomeData, once the first load has been shown

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("home-page")
        self.context = context
        self.data: HomeData | None = None
        layout = QVBoxLayout(self)
        self.session_bar = SessionBar(context, self)
        layout.addWidget(self.session_bar)
        self.drafts_notice = Notice(self)
        layout.addWidget(self.drafts_notice)

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(self.tr("Home sections"))
        self.tabs.tabBar().setAccessibleName(self.tr("Reviews"))
        layout.addWidget(self.tabs, 1)

        people = QWidget()
        people_layout = QHBoxLayout(people)
        left = QVBoxLayout()
        self.search = PersonSearch(context, people)
        left.addWidget(self.search, 1)
        self.new_person_button = QPushButton(self.tr("Register a &new person"), people)
        self.new_person_button.setAccessibleName(self.tr("Register a new person"))
        self.new_person_button.setToolTip(self.tr("Ctrl+N"))
        self.new_person_button.clicked.connect(self.new_person)
        left.addWidget(self.new_person_button)
        people_layout.addLayout(left, 2)
        self.right = QStackedWidget(people)
        self.person_panel = PersonPanel(context, self.right)
        self.person_form = PersonForm(context, self.right)
        self.right.addWidget(self.person_panel)
        self.right.addWidget(self.person_form)
        people_layout.addWidget(self.right, 3)
        self.tabs.addTab(people, self.tr("&People"))

        self.follow_ups = FollowUpsView(context)
        self.tabs.addTab(self.follow_ups, self.tr("F&ollow-ups"))
        self.outbox = OutboxView(context)
        self.tabs.addTab(self.outbox, self.tr("Out&box"))
        self.reviews = ReviewsView(context)
        self.tabs.addTab(self.reviews, self.tr("Reviews"))
        self.reviews.open_check.connect(self.open_check)
        self.reviews.count_changed.connect(
            lambda n: self.tabs.setTabText(3, self.tr("Reviews ({0})").format(n) if n else self.tr("Reviews"))
        )
        context.changes.changed.connect(self._store_changed)
        # What sync knows of each waiting check is read again whenever the outbox is looked at.
        self.tabs.currentChanged.connect(lambda index: self.outbox.refresh() if index == 2 else None)

        self.search.person_chosen.connect(self.show_person)
        self.person_panel.open_check.connect(self.start_check)
        self.person_form.registered.connect(self._registered)
        self.follow_ups.person_chosen.connect(self.show_person)
        self.person_form.open_existing.connect(self.show_person)
        self.person_form.cancelled.connect(self._form_closed)
        self.follow_ups.count_changed.connect(
            lambda n: self.tabs.setTabText(1, self.tr("F&ollow-ups ({0})").format(n))
        )
        self.outbox.count_changed.connect(
            lambda n: self.tabs.setTabText(2, self.tr("Out&box ({0})").format(n))
        )
        self.setTabOrder(self.session_bar.start_button, self.tabs)
        self.setTabOrder(self.tabs, self.search.search_edit)
        self.setTabOrder(self.search.search_edit, self.search.results)
        self.setTabOrder(self.search.results, self.new_person_button)

    # -- loading -------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.context.runner.run_db(
            load_home_with_sync, self.context.store, name="ui.home.load", on_success=self._loaded_with_sync
        )

    def _loaded_with_sync(self, data: HomeWithSync) -> None:
        self.outbox.set_views(data.outbox_views)
        self.reviews.show_lines(data.reviews)
        if self.context.sync is not None:
            self.context.sync.show_snapshot(data.snapshot)
        self._loaded(data.home)

    def _loaded(self, data: HomeData) -> None:
        self.data = data
        if data.session is not None and self.context.session is None:
            self.session_bar.resume(data.session)  # today's venue, chosen before the app was closed
        self.session_bar.set_venues(data.venues)
        self.follow_ups.set_venues(data.venues)
        if self.follow_ups.query == FollowUpQuery():
            self.follow_ups.show_page(data.follow_ups)
        else:
            self.follow_ups.refresh()  # the worker's own filter stays as chosen
        self.outbox.show_page(data.outbox)
        self.offer_drafts(data.drafts)
        self.loaded.emit(data)

    def _store_changed(self, changes: ChangeSet) -> None:
        """One change event refreshes every part of home that shows what changed: the person on
        the right, the drafts offered back, the search results (the lists listen themselves)."""
        panel = self.person_panel
        # An autosave of a draft changes nothing the panel shows ("unfinished check, started ...").
        shown = {c.person_id for c in changes.changes if c.action != "check.autosave"}
        if panel.person is not None and panel.person.id in shown:
            panel.show_person(panel.person.id)  # first: the worker is looking at this person
        self.follow_ups.store_changed(changes)
        self.outbox.store_changed(changes)
        if changes.has_action("check.start", "check.finalise", "check.amend"):
            self._reload_drafts()
        if changes.has_action(REVIEW_RECEIVED, "check.amend"):
            self.reviews.refresh()  # a review came down, or a returned check was amended since
        if changes.has_action("person.register", "person.update"):
            self.search.refresh()
        if changes.touches("venues"):
            self._reload_venues()

    def _reload_drafts(self) -> None:
        self.context.runner.run_db_if_open(
            load_drafts, self.context.store, name="ui.home.drafts", on_success=self.offer_drafts
        )

    def _reload_venues(self) -> None:
        def show(venues: list[Any]) -> None:
            self.session_bar.set_venues(venues)
            self.follow_ups.set_venues(venues)

        self.context.runner.run_db_if_open(
            load_venues, self.context.store, name="ui.home.venues", on_success=show
        )

    def offer_drafts(self, drafts: list[DraftInfo]) -> None:
        """After a crash or forced quit the unfinished check is offered back in plain words."""
        if not drafts:
            self.drafts_notice.dismiss()
            return
        newest = max(drafts, key=lambda d: d.updated_at)
        given = newest.person_name.split(" ")[0] if newest.person_name else self.tr("someone")
        text = self.tr("You have an unfinished check for {0}, started {1}. Continue it?").format(
            newest.person_name or given, _when(newest.started_at)
        )
        if len(drafts) > 1:
            text += " " + self.tr("(Other unfinished checks: {0}. Each is listed with its person.)").format(
                len(drafts) - 1
            )
        self.drafts_notice.show_notice(
            text,
            [
                (
                    # Alt+K: Alt+C is Help > Check this installation, and the banner shows on every tab.
                    self.tr("Continue the chec&k"),
                    self.tr("Continue the unfinished check for {0}").format(newest.person_name),
                    lambda: self._continue(newest),
                ),
                (self.tr("Not now"), self.tr("Not now"), self.drafts_notice.dismiss),
            ],
        )

    def start_check(self, person_id: str, check_id: str | None) -> None:
        """Open a check; a new one started before any venue session gets a plain notice first
        (never a dialog: the person is waiting, and a check without a venue is still a check)."""
        if check_id is None and self.context.session is None:
            self.start_notice.emit(
                self.tr(
                    "No venue chosen for today: this check will be recorded without a venue. "
                    "Choose the venue at the top of home first if you can."
                )
            )
        self.open_check.emit(person_id, check_id)

    def _continue(self, draft: DraftInfo) -> None:
        self.drafts_notice.dismiss()
        self.open_check.emit(draft.person_id, draft.check_id)

    # -- actions -------------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.search.focus_search()

    def new_person(self) -> None:
        self.tabs.setCurrentIndex(0)
        if self.right.currentWidget() is not self.person_form:
            self.person_form.prefill(self.search.search_edit.text())
        self.right.setCurrentWidget(self.person_form)
        self.person_form.focus_first()

    def show_reviews(self) -> None:
        self.tabs.setCurrentWidget(self.reviews)
        self.reviews.table.setFocus()

    def show_person(self, person_id: str) -> None:
        self.tabs.setCurrentIndex(0)
        self.right.setCurrentWidget(self.person_panel)
        self.person_panel.show_person(person_id)

    def _registered(self, person: object) -> None:
        """Show the new person, and list them in the search so the old text does not linger."""
        self.search.search_edit.setText(person.display_name)  # type: ignore[attr-defined]
        self.show_person(person.id)  # type: ignore[attr-defined]

    def _form_closed(self) -> None:
        self.right.setCurrentWidget(self.person_panel)
        self.search.focus_search()

    def reload_lists(self) -> None:
        """After a check is closed: drafts, follow-ups and the outbox may have changed (a finalised
        check reaches them through the change hub as well; reading again is cheap, a page each)."""
        self.refresh()
