"""Opening and unlocking the store for the headless commands (passphrases from stdin only)."""

from __future__ import annotations

import argparse

from cli.prompt import read_secret
from outreach.settings import resolve_data_dir
from outreach.store.local_store import LocalStore


def open_unlocked(args: argparse.Namespace, user: str, prompt: str | None = None) -> LocalStore:
    """Open the store in --data-dir (or the default folder) and unlock it as `user`."""
    store = LocalStore.open(resolve_data_dir(args.data_dir))
    try:
        store.unlock(user, read_secret(prompt or f"Passphrase for {user}: "))
    except BaseException:
        store.close()
        raise
    return store
