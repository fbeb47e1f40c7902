"""Settings, declared once, typed, with their defaults.

Two sources, in this order of precedence:

* the command line / environment (``--data-dir``, ``OUTREACH_DATA_DIR``), for IT
  and for tests;
* the organisation configuration file that IT deploys with the app (TOML):
  server URL, CA bundle, recovery public key, idle-lock time.

Nothing personal lives here: this module reads no database.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Final, TypeVar, cast

# tomllib, platformdirs, ipaddress and urllib are imported where they are used: this module is on
# the path to the unlock screen, which must not wait for parsers it may never need.
from outreach.durable_files import write_atomic
from outreach.errors import ValidationError

APP_NAME = "OutreachHealthChecks"
APP_AUTHOR = "OutreachHealthChecks"
DATA_DIR_ENV = "OUTREACH_DATA_DIR"
ORG_CONFIG_ENV = "OUTREACH_ORG_CONFIG"
ORG_CONFIG_FILENAME = "organisation.toml"
_T = TypeVar("_T")


def _quoted(value: object) -> str:
    """A value as TOML (and JSON) write it: strings in double quotes, escaped; true/false; numbers."""
    import json  # here: only messages and saved files need it, not the way to the first window

    return json.dumps(value, ensure_ascii=False)


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: ``--data-dir`` beats ``OUTREACH_DATA_DIR`` beats the platform default."""
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    import platformdirs

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
class SettingInfo:
    """What a setting of the organisation file is, beyond its name, type and default (which the
    field of OrgConfig declares): what it means, its range, and how its value is checked."""

    meaning: str
    default_words: str = ""  # said after the default in the table, e.g. "offline only"
    low: int | None = None
    high: int | None = None
    range_words: str = ""  # the range as the refusal says it; default "between {low} and {high}"
    choices: tuple[str, ...] = ()
    choice_words: str = ""  # the refusal when the value is not one of `choices`
    kind: str = "text"  # text | url | path | key | phone: the checks beyond the type


def _setting(default: _T, meaning: str, **info: Any) -> _T:
    """An OrgConfig field that is a setting: its default, and its SettingInfo as field metadata."""
    return field(default=default, metadata={"setting": SettingInfo(meaning, **info)})


@dataclass(frozen=True)
class Setting:
    """One setting of the organisation file, as parsing, to_toml and the install guide's table see it."""

    name: str
    type: type
    default: int | str
    info: SettingInfo

    def problem(self, value: object) -> str | None:
        """Why `value` is refused for this setting (words finishing "Setting 'name' "), or None."""
        if self.type is int:
            if not isinstance(value, int) or isinstance(value, bool):
                return "must be a whole number."
            low, high = self.info.low, self.info.high
            if low is not None and high is not None and not low <= value <= high:
                return f"must be {self.info.range_words or f'between {low} and {high}'}."
        elif not isinstance(value, str):
            return "must be text."
        elif self.info.choices and value not in self.info.choices:
            return self.info.choice_words or "must be one of " + ", ".join(map(_quoted, self.info.choices))
        return None

    def table_row(self) -> str:
        """This setting's row in the table of docs/install.md."""
        default = _quoted(self.default)
        words = f" ({self.info.default_words})" if self.info.default_words else ""
        info = self.info
        span = f" ({info.low} to {info.high})" if info.low is not None and info.high is not None else ""
        return f"| `{self.name}` | `{default}`{words} | {info.meaning}{span} |"


@dataclass(frozen=True)
class OrgConfig:
    """The per-organisation configuration file IT deploys (``organisation.toml``).

    Each setting is declared once, here: its type and default as the field's, its meaning, range
    and checks as its SettingInfo. Parsing, `to_toml` and the table in docs/install.md (checked by a
    test) all read them from SETTINGS. Every setting has a safe default so the app runs stand-alone
    (no server) out of the box.
    """

    organisation_name: str = _setting("Outreach service", "shown in the app and on the person's summary")
    organisation_ods_code: str = _setting("", "the organisation's ODS code")
    summary_contact: str = _setting(
        "",
        "the phone number printed on the person's summary for questions; empty: the summary points to "
        "the GP practice and NHS 111",
        kind="phone",
    )
    server_url: str = _setting(
        "",
        "the shared record (FHIR R4 server); must start with `https://`, plain `http://` only for a server "
        "on the same computer",
        default_words="offline only",
        kind="url",
    )
    ca_bundle: str = _setting(
        "",
        "PEM file of certificate authorities for a server with a private CA; a relative path is read from "
        "the folder of the organisation file",
        default_words="system trust store",
        kind="path",
    )
    recovery_public_key: str = _setting(
        "",
        "the organisation recovery public key, pasted or as the name of a `.pem` file beside the "
        "organisation file; see [recovery.md](recovery.md)",
        default_words="no recovery",
        kind="key",
    )
    idle_lock_minutes: int = _setting(5, "lock the app after this many idle minutes", low=1, high=240)
    sync_interval_minutes: int = _setting(
        5, "how often to try sending waiting checks when online, in minutes", low=1, high=1440
    )
    sync_max_entries: int = _setting(
        0,
        "most records the shared record takes in one transaction; 0: start at 100 and halve when the "
        "server refuses a part for its size. Set it when `outreach check-server` shows a cap",
        default_words="find out",
        low=0,
        high=1000,
        range_words="between 0 (find out) and 1000",
    )
    sync_transactions: str = _setting(
        "parts",
        '`"parts"`: each check goes in dependency-ordered parts, safe with any FHIR server. `"whole"`: one '
        "transaction per check, about five times fewer requests, only for a server whose transactions are "
        "all or nothing (`outreach check-server --write-test` says)",
        choices=("parts", "whole"),
        choice_words='must be "parts" (safe with any server) or "whole" '
        "(only for a server whose transactions are all or nothing).",
    )
    townsend_file: str = _setting(
        "",
        "CSV (`postcode`, `townsend` columns) of the Townsend deprivation scores the organisation is "
        "licensed to use; the person's score is stored with each check when it starts and QRISK3 uses it. "
        "Empty: QRISK3 uses 0 and says so to the clinician. A relative path is read from the folder of "
        "the organisation file",
        default_words="none",
        kind="path",
    )
    default_language: str = _setting("en-GB", "language of the app and of the person's summary")
    # Names in the file that match no setting (nor nearly one): kept, so a file written for a newer
    # version of the app still opens in this one.
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> OrgConfig:
        """Read and check an organisation file; a bad file gives a message naming the setting."""
        import tomllib

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
        known = {s.name: s for s in SETTINGS}
        values: dict[str, Any] = {}
        extra: dict[str, object] = {}
        for key, value in raw.items():
            setting = known.get(key)
            if setting is None:
                # A near miss of a known name is a typo ("server_ulr" would silently leave the
                # laptop offline): refused, naming the setting meant. Anything else is kept, so
                # a file written for a newer version of the app still opens in this one.
                import difflib  # only for a name no setting has: kept off the start-up path

                near = difflib.get_close_matches(key, list(known), n=1, cutoff=0.8)
                if near:
                    raise ValidationError(
                        f"Setting '{key}' is not known: did you mean '{near[0]}'?", item=key
                    )
                extra[key] = value
                continue
            problem = setting.problem(value)
            if problem is None and setting.info.kind != "text":
                value = _checked_kind(setting, cast(str, value), base_dir)
            if problem:
                raise ValidationError(f"Setting '{key}' {problem}", item=key)
            values[key] = value
        return cls(**values, extra=extra)

    def to_toml(self) -> str:
        """The settings as TOML, paths already resolved and the recovery key inline, so the copy
        in the data folder works wherever the original file was. (JSON string escapes are valid
        in TOML basic strings.)"""
        lines = ["# Organisation settings for this laptop, saved when the store was set up.", ""]
        for setting in SETTINGS:
            value = getattr(self, setting.name)
            text = str(int(value)) if setting.type is int else _quoted(value)
            lines.append(f"{setting.name} = {text}")
        return "\n".join(lines) + "\n"


SETTINGS: Final[tuple[Setting, ...]] = tuple(
    Setting(f.name, type(f.default), cast(int | str, f.default), f.metadata["setting"])
    for f in fields(OrgConfig)
    if "setting" in f.metadata
)


def settings_table() -> str:
    """The table of settings in docs/install.md, made from SETTINGS (a test keeps the two equal)."""
    rows = ["| Setting | Default | Meaning |", "|---|---|---|", *(s.table_row() for s in SETTINGS)]
    return "\n".join(rows) + "\n"


def _checked_kind(setting: Setting, value: str, base_dir: Path | None) -> str:
    """A text setting's value after the checks of its kind (a URL parsed, a path resolved beside the
    organisation file, a key file read, a phone number tidied); ValidationError naming it if refused."""
    kind, name = setting.info.kind, setting.name
    if kind == "url":
        problem = server_url_problem(value) if value else None
        if problem:
            raise ValidationError(f"Setting '{name}' {problem}", item=name)
    elif kind == "path":
        if value and base_dir is not None and not Path(value).is_absolute():
            return str((base_dir / value).resolve())
    elif kind == "key":
        if value and base_dir is not None and not value.lstrip().startswith("-----BEGIN"):
            key_path = Path(value) if Path(value).is_absolute() else base_dir / value
            try:
                return key_path.read_text(encoding="ascii")
            except OSError:
                raise ValidationError(
                    f"The recovery key file {key_path.name} named in '{name}' cannot be read.", item=name
                ) from None
    elif kind == "phone":
        value = value.strip()
        if value and (len(value) > 40 or not any(ch.isdigit() for ch in value)):
            raise ValidationError(
                f"Setting '{name}' must be a phone number (at most 40 characters).", item=name
            )
    return value


def save_organisation_file(data_dir: Path, config: OrgConfig) -> Path:
    """Write `config` as the data folder's organisation file durably (outreach.durable_files):
    owner-only from the first byte, never half a file the app would refuse after a crash."""
    path = Path(data_dir) / ORG_CONFIG_FILENAME
    write_atomic(path, config.to_toml().encode("utf-8"))
    return path


_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def server_url_problem(url: str) -> str | None:
    """Why `url` is not a usable shared-record address, in words that finish a sentence
    starting "Setting 'server_url' ", or None when it is fine.

    The URL is parsed, not matched by its first characters: "https:// x y" (spaces) and
    "http://localhost@evil.example" (which names evil.example, with 'localhost' as a user
    name) both start well and are both refused.
    """
    from urllib.parse import urlsplit

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
    import ipaddress

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
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
