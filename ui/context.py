"""What every screen after unlock works with, in one plain object.

The shell builds one `AppContext` when a worker unlocks and hands it to each screen
(home, the check workflow, the summary). Screens take what they need from it rather
than reaching for globals, so a test can build one over a real store in a temporary
folder and drive any screen on its own.

Nothing here touches the store on its own: store calls still go through
``context.runner.run_db(...)``, never straight from the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from outreach.settings import OrgConfig

if TYPE_CHECKING:  # imported lazily: the unlock screen must show before the store code is loaded
    from outreach.checks.definition import CheckDefinition
    from outreach.clinical.findings import RuleSet
    from outreach.clinical.service_directory import ServiceDirectory
    from outreach.store.local_store import LocalStore
    from outreach.store.vault import UserInfo
    from ui.changes import ChangeHub
    from ui.sync_controller import SyncController
    from ui.tasks import TaskRunner


@dataclass
class SessionInfo:
    """Today's outreach session: where the worker is.

    `session_id` is the store's session row when the venue is one the store knows
    (checks started in it carry the id); a typed venue is kept by name only.
    """

    venue_name: str
    venue_id: str | None = None
    session_id: str | None = None
    day: date = field(default_factory=date.today)


@dataclass
class AppContext:
    """The unlocked app: task runner, store, check content, rules, services, organisation and user."""

    runner: TaskRunner
    store: LocalStore
    definition: CheckDefinition
    rules: RuleSet
    directory: ServiceDirectory
    org_config: OrgConfig
    user: UserInfo
    session: SessionInfo | None = None
    sync: SyncController | None = None  # the app's sync (None: no automatic sync, e.g. a screen on its own)
    extras: dict[str, Any] = field(default_factory=dict)  # room for later additions without breaking callers

    @property
    def changes(self) -> ChangeHub:
        """Where screens hear that the store changed (`changed(ChangeSet)`), from the task runner."""
        return self.runner.changes

    @property
    def venue(self) -> str | None:
        """Today's venue name, or None before the worker has chosen one."""
        return self.session.venue_name if self.session else None

    @property
    def session_id(self) -> str | None:
        """The store's session id for checks started today, when there is one."""
        return self.session.session_id if self.session else None


def load_check_content() -> tuple[CheckDefinition, RuleSet, ServiceDirectory]:
    """The bundled check definition, findings rules and service directory (slow-ish: run off the GUI thread)."""
    from outreach.checks.definition import load_definition
    from outreach.clinical.findings import load_rules
    from outreach.clinical.service_directory import load_service_directory

    return load_definition(), load_rules(), load_service_directory()
