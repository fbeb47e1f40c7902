"""The first set-up of a laptop: the store, its first user, the organisation file.

Apart from `ui.ops.start` because only the set-up page needs it: the unlock screen, which most
starts show, does not wait for these classes to be made.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.settings import OrgConfig
from ui.tasks import blocking

if TYPE_CHECKING:
    from outreach.store.crypto import KdfParams


@dataclass(frozen=True)
class SetupRequest:
    data_dir: Path
    org_config: OrgConfig
    write_org_file: bool  # True: save the organisation settings into the data folder
    user_name: str
    passphrase: str


@dataclass(frozen=True)
class SetupResult:
    store: object  # LocalStore (imported lazily: the first screen must open fast)
    user: object  # UserInfo
    org_config: OrgConfig
    org_file: Path | None


@blocking
def set_up_store(request: SetupRequest, kdf: KdfParams | None = None) -> SetupResult:
    """Create the store and its admin, then prove the passphrase by locking and unlocking (store worker)."""
    from outreach.settings import ensure_private_dir, save_organisation_file
    from outreach.store.crypto import DEFAULT_KDF
    from outreach.store.local_store import LocalStore

    ensure_private_dir(request.data_dir)
    org_file: Path | None = None
    store = LocalStore.create(
        request.data_dir,
        admin_name=request.user_name,
        admin_passphrase=request.passphrase,
        org_config=request.org_config,
        kdf=kdf or DEFAULT_KDF,
    )
    try:
        if request.write_org_file:
            org_file = save_organisation_file(request.data_dir, request.org_config)
        store.lock()
        user = store.unlock(request.user_name, request.passphrase)
    except BaseException:
        store.close()
        raise
    return SetupResult(store, user, request.org_config, org_file)


@blocking
def load_org_file(path: Path) -> OrgConfig:
    """An organisation file IT handed over, read and checked (a bad one raises with the setting named)."""
    return OrgConfig.load(path)
