"""Opening the app: who can unlock, opening and unlocking the store.

This module is imported before the first window is drawn, so it imports only what the unlock screen
needs: each operation loads the store code it uses when it runs (on a worker, after the window is up).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ui.tasks import blocking


@blocking
def load_users(data_dir: Path) -> list[Any]:
    """The users of the store, read from the key file only (no database), for the unlock screen."""
    from outreach.store.vault import FileVaultStorage, Vault

    return Vault.open(FileVaultStorage.in_data_dir(data_dir)).list_users()


@blocking
def open_store(data_dir: Path, kdf: Any = None) -> Any:
    """The store, opened and still locked (the database and its migrations, no keys yet)."""
    from outreach.store.local_store import LocalStore

    return LocalStore.open(data_dir, kdf=kdf) if kdf is not None else LocalStore.open(data_dir)


@blocking
def unlock_store(store: Any, name: str, passphrase: str) -> Any:
    """One Argon2id run and the search index build: the store worker only."""
    return store.unlock(name, passphrase)


@blocking
def load_content() -> Any:
    """Check definition, rules and services, read while the worker types the passphrase. The home
    screen's modules are imported here too (defining classes only), so home appears sooner."""
    import ui.home.home_page  # noqa: F401
    from ui.context import load_check_content

    return load_check_content()


@blocking
def load_report_for_it(inputs: Any) -> str:
    """The report for IT (`outreach.support_report`): runs the self-test and reads the store."""
    from outreach.support_report import build_report

    return build_report(inputs)
