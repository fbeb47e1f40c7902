"""Settings, declared once, typed, with their defaults.

Two sources, in this order of precedence:

* the command line / environment (``--data-dir``, ``OUTREACH_DATA_DIR``), for IT
  and for tests;
* the organisation configuration file that IT deploys with the app (TOML):
  server URL, CA bundle, recovery public key, idle-lock time.

Nothing personal lives here: this module reads no database.
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import os
import re
import sys
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import platformdirs

from outreach.errors import ValidationError

APP_NAME = "OutreachHealthChecks"
APP_AUTHOR = "OutreachHealthChecks"
DATA_DIR_ENV = "OUTREACH_DATA_DIR"
ORG_CONFIG_ENV = "OUTREACH_ORG_CONFIG"
ORG_CONFIG_FILENAME = "organisation.toml"


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: ``--data-dir`` beats ``OUTREACH_DATA_DIR`` beats the platform default."""
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR, roaming=False))


def organisation_file_candidates(data_dir: Path) -> list[Path]:
    """Where IT may put the organisation file, first match wins (docs/install.md): the
    OUTREACH_ORG_CONFIG variable, the data folder, the folder of the installed program, then the
    system-wide file (system_organisation_file)."""
    candidates = []
    if os.environ.get(ORG_CONFIG_ENV):
        candidates.append(Path(os.environ[ORG_CONFIG_ENV]).expanduser())
    candidates.append(Path(data_dir) / ORG_CONFIG_FILENAME)
    if getattr(sys, "frozen", False):
        candidates.append(Path(sys.executable).resolve().parent / ORG_CONFIG_FILENAME)
    system = system_organisation_file()
    if system is not None:
        candidates.append(system)
    return candidates


def system_organisation_file() -> Path | None:
    """The machine-wide organisation file that installers manage, last in the search: the Debian
    package's conffile /etc/outreach-health-checks/organisation.toml (kept over upgrades), or the
    Windows installer's %ProgramData%\\Outreach Health Checks\\organisation.toml (its /ORGFILE=)."""
    if os.name == "nt":
        program_data = os.environ.get("PROGRAMDATA")
        return Path(program_data) / "Outreach Health Checks" / ORG_CONFIG_FILENAME if program_data else None
    if sys.platform == "darwin":
        return Path("/Library/Application Support/Outreach Health Checks") / ORG_CONFIG_FILENAME
    return Path("/etc/outreach-health-checks") / ORG_CONFIG_FILENAME


def find_organisation_file(data_dir: Path) -> Path | None:
    """The organisation file the app and the commands use, or None to run on the defaults."""
    for path in organisation_file_candidates(data_dir):
        if path.exists() and not path.is_dir():
            return path
    return None


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) readable by the owner only (0700 where the OS supports it)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.chmod(path, 0o700)
    except OSError:  # pragma: no cover - e.g. some Windows file systems
        pass
    return path


@dataclass(frozen=True)
class OrgConfig:
    """The per-organisation configuration file IT deploys (``organisation.toml``).

    Every field has a safe default so the app runs stand-alone (no server) out of the box.
    """

    organisation_name: str = "Outreach service"
    organisation_ods_code: str = ""
    # The number printed on the person's summary for questions ("Questions? Call ... on ...").
    # Empty: the summary points to the GP practice and NHS 111 instead.
    summary_contact: str = ""
    server_url: str = ""  # empty: no shared record configured, the app works offline only
    ca_bundle: str = ""  # path to a PEM bundle; empty: the system's trust store
    recovery_public_key: str = ""  # PEM of the organisation recovery key (X25519 or RSA)
    idle_lock_minutes: int = 5
    sync_interval_minutes: int = 5
    # Entries per transaction the shared record accepts; 0: find out (start at 100, halve when
    # the server refuses a part for its size). Set it when `outreach check-server` shows a cap.
    sync_max_entries: int = 0
    # "parts": each check in dependency-ordered parts, safe with any FHIR server. "whole": one
    # transaction per check, only for a server whose transactions are all or nothing (as
    # `outreach check-server --write-test` reports): fewer requests, no safety net if it is not.
    sync_transactions: str = "parts"
    # CSV of postcode -> Townsend deprivation score the organisation is licensed to use (QRISK3);
    # empty: QRISK3 uses 0 and says so to the clinician. A relative path is read beside this file.
    townsend_file: str = ""
    default_language: str = "en-GB"
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> OrgConfig:
        """Read and check an organisation file; a bad file gives a message naming the setting."""
        p = Path(path)
        try:
            raw = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ValidationError(
                f"The organisation file {p.name} was not found.", item="org_config"
            ) from None
        except IsADirectoryError:
            raise ValidationError(
                f"{p.name} is a folder; name the organisation file inside it.", item="org_config"
            ) from None
        except OSError as exc:
            raise ValidationError(
                f"The organisation file {p.name} cannot be read ({exc.strerror or 'access refused'}).",
                item="org_config",
            ) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ValidationError(
                f"The organisation file {p.name} is not valid TOML: {exc}", item="org_config"
            ) from None
        return cls.from_mapping(raw, base_dir=p.parent)

    @classmethod
    def from_mapping(cls, raw: dict[str, object], base_dir: Path | None = None) -> OrgConfig:
        known = {f.name: f for f in fields(cls) if f.name != "extra"}
        values: dict[str, object] = {}
        extra: dict[str, object] = {}
        for key, value in raw.items():
            if key not in known:
                # A near miss of a known name is a typo ("server_ulr" would silently leave the
                # laptop offline): refused, naming the setting meant. Anything else is kept, so
                # a file written for a newer version of the app still opens in this one.
                near = difflib.get_close_matches(key, list(known), n=1, cutoff=0.8)
                if near:
                    raise ValidationError(
                        f"Setting '{key}' is not known: did you mean '{near[0]}'?", item=key
                    )
                extra[key] = value
                continue
            expected = known[key].type
            if expected == "int":
                if not isinstance(value, int) or isinstance(value, bool):
                    raise ValidationError(f"Setting '{key}' must be a whole number.", item=key)
            elif not isinstance(value, str):
                raise ValidationError(f"Setting '{key}' must be text.", item=key)
            values[key] = value
        idle = values.get("idle_lock_minutes", cls.idle_lock_minutes)
        if not 1 <= cast(int, idle) <= 240:
            raise ValidationError(
                "Setting 'idle_lock_minutes' must be between 1 and 240.", item="idle_lock_minutes"
            )
        interval = values.get("sync_interval_minutes", cls.sync_interval_minutes)
        if not 1 <= cast(int, interval) <= 1440:
            raise ValidationError(
                "Setting 'sync_interval_minutes' must be between 1 and 1440.", item="sync_interval_minutes"
            )
        max_entries = values.get("sync_max_entries", cls.sync_max_entries)
        if not 0 <= cast(int, max_entries) <= 1000:
            raise ValidationError(
                "Setting 'sync_max_entries' must be between 0 (find out) and 1000.", item="sync_max_entries"
            )
        if values.get("sync_transactions", cls.sync_transactions) not in ("parts", "whole"):
            raise ValidationError(
                "Setting 'sync_transactions' must be \"parts\" (safe with any server) or \"whole\" "
                "(only for a server whose transactions are all or nothing).",
                item="sync_transactions",
            )
        url = str(values.get("server_url", ""))
        problem = server_url_problem(url) if url else None
        if problem:
            raise ValidationError(f"Setting 'server_url' {problem}", item="server_url")
        for path_setting in ("ca_bundle", "townsend_file"):
            path_value = str(values.get(path_setting, ""))
            if path_value and base_dir is not None and not Path(path_value).is_absolute():
                values[path_setting] = str((base_dir / path_value).resolve())
        key_value = str(values.get("recovery_public_key", ""))
        if key_value and base_dir is not None and not key_value.lstrip().startswith("-----BEGIN"):
            key_path = Path(key_value) if Path(key_value).is_absolute() else base_dir / key_value
            try:
                values["recovery_public_key"] = key_path.read_text(encoding="ascii")
            except OSError:
                raise ValidationError(
                    f"The recovery key file {key_path.name} named in 'recovery_public_key' cannot be read.",
                    item="recovery_public_key",
                ) from None
        contact = str(values.get("summary_contact", "")).strip()
        if contact and (len(contact) > 40 or not any(ch.isdigit() for ch in contact)):
            raise ValidationError(
                "Setting 'summary_contact' must be a phone number (at most 40 characters).",
                item="summary_contact",
            )
        values["summary_contact"] = contact
        return cls(**cast(dict[str, Any], values), extra=extra)

    def to_toml(self) -> str:
        """The settings as TOML, paths already resolved and the recovery key inline, so the copy
        in the data folder works wherever the original file was. (JSON string escapes are valid
        in TOML basic strings.)"""
        lines = ["# Organisation settings for this laptop, saved when the store was set up.", ""]
        for f in fields(self):
            if f.name == "extra":
                continue
            value = getattr(self, f.name)
            text = str(int(value)) if f.type == "int" else json.dumps(value, ensure_ascii=False)
            lines.append(f"{f.name} = {text}")
        return "\n".join(lines) + "\n"


def save_organisation_file(data_dir: Path, config: OrgConfig) -> Path:
    """Write `config` as the data folder's organisation file: owner-only from the first byte,
    fsynced, then renamed into place, so a crash never leaves half a file the app would refuse."""
    path = Path(data_dir) / ORG_CONFIG_FILENAME
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(config.to_toml())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return path


_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def server_url_problem(url: str) -> str | None:
    """Why `url` is not a usable shared-record address, in words that finish a sentence
    starting "Setting 'server_url' ", or None when it is fine.

    The URL is parsed, not matched by its first characters: "https:// x y" (spaces) and
    "http://localhost@evil.example" (which names evil.example, with 'localhost' as a user
    name) both start well and are both refused.
    """
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return "must not contain spaces or control characters."
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "is not a valid web address (check the host name and port)."
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        return "must start with https:// (plain http is allowed only on this computer)."
    if "@" in parts.netloc:
        return "must not contain a user name or password (the part before '@')."
    host = parts.hostname or ""
    if not host:
        return "must name a server after https://."
    if not _valid_host(host):
        return f"names a host that is not a valid server name: {host!r}."
    if port == 0:
        return "must not use port 0."
    if parts.query or parts.fragment or url.rstrip().endswith(("?", "#")):
        return "must be the server's base address, without '?' or '#' parts."
    if scheme == "http" and not _is_loopback_host(host):
        return "must start with https:// (plain http is allowed only on this computer)."
    return None


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    return all(_HOST_LABEL.match(label) for label in labels)


def _is_loopback_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
