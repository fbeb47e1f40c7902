"""Headless self-test checks: crypto, SQLite and the bundled resources.

IT runs ``outreach self-test`` after installing a build, and CI runs it against
the freshly built bundle. A frozen build can be missing a native library, a
data file or a module that only loads at run time; each check here exercises
the real thing (a real cipher, a real database file, the real resource files)
so that such a build fails loudly, naming what is broken, before a nurse
takes the laptop to a venue.

The Qt check lives in ``ui`` because this package never imports Qt.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sqlite3
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from outreach.resources import resources_dir

CheckFunction = Callable[[], str]
"""A check returns a short description of what it proved, or raises to fail."""


class CheckFailed(Exception):
    """Raised by a check with a reason written for IT; printed without an exception type."""


class CheckSkipped(Exception):
    """Raised by a check that does not apply to this build (the part is not there yet)."""


@dataclass(frozen=True)
class SelfCheck:
    """One named check. `name` is what IT sees and what ``--check`` selects."""

    name: str
    run: CheckFunction


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: str  # "OK", "FAILED" or "SKIPPED"
    detail: str
    seconds: float

    @property
    def failed(self) -> bool:
        return self.status == "FAILED"

    def line(self) -> str:
        """One line per check, as printed by ``outreach self-test``."""
        if self.status == "OK":
            return f"{self.name}: OK ({self.detail})"
        return f"{self.name}: {self.status}: {self.detail}"


def run_checks(checks: Iterable[SelfCheck]) -> list[CheckResult]:
    """Run each check on its own: one failure never hides the others."""
    results = []
    for check in checks:
        started = time.perf_counter()
        try:
            detail = check.run()
            status = "OK"
        except CheckSkipped as exc:
            status, detail = "SKIPPED", str(exc)
        except Exception as exc:  # noqa: BLE001 - a self-test reports every failure, whatever its kind
            status, detail = "FAILED", describe_exception(exc)
        results.append(CheckResult(check.name, status, detail, time.perf_counter() - started))
    return results


def describe_exception(exc: BaseException) -> str:
    """A one-line reason: the check's own words, or an unexpected error's type and first line."""
    message = getattr(exc, "message", None) or str(exc)
    first_line = message.strip().splitlines()[0] if message.strip() else ""
    if isinstance(exc, CheckFailed) and first_line:
        return first_line
    return f"{type(exc).__name__}: {first_line}" if first_line else type(exc).__name__


def failed_names(results: Sequence[CheckResult]) -> list[str]:
    return [r.name for r in results if r.failed]


# --- crypto -----------------------------------------------------------------------------------------

# RFC 9106 section 5.3 test vector for Argon2id (v=0x13, 32 KiB, 3 passes, 4 lanes). Checking the
# exact output proves the bundled OpenSSL computes Argon2id correctly, not merely that it runs.
_RFC9106_PASSWORD = bytes([0x01] * 32)
_RFC9106_SALT = bytes([0x02] * 16)
_RFC9106_SECRET = bytes([0x03] * 8)
_RFC9106_AD = bytes([0x04] * 12)
_RFC9106_TAG = bytes.fromhex("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659")


def check_crypto() -> str:
    """AES-256-GCM encrypts, decrypts and refuses a tampered blob; Argon2id gives the RFC answer."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
    except ImportError:
        raise CheckFailed("this build's cryptography library has no Argon2id (version 44 or newer is needed)")

    key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    plain = b"self-test synthetic payload"
    associated = b"selftest|1|1"
    blob = AESGCM(key).encrypt(nonce, plain, associated)
    if blob[: len(plain)] == plain:
        raise CheckFailed("AES-GCM output contains the plain text")
    if AESGCM(key).decrypt(nonce, blob, associated) != plain:
        raise CheckFailed("AES-GCM round trip gave different bytes")
    tampered = bytes([blob[0] ^ 0x01]) + blob[1:]
    try:
        AESGCM(key).decrypt(nonce, tampered, associated)
    except InvalidTag:
        pass
    else:
        raise CheckFailed("AES-GCM accepted a tampered blob")

    kdf = Argon2id(
        salt=_RFC9106_SALT,
        length=32,
        iterations=3,
        lanes=4,
        memory_cost=32,
        ad=_RFC9106_AD,
        secret=_RFC9106_SECRET,
    )
    if kdf.derive(_RFC9106_PASSWORD) != _RFC9106_TAG:
        raise CheckFailed("Argon2id gave the wrong answer for the RFC 9106 test vector")
    return "AES-256-GCM round trip and tamper check, Argon2id RFC 9106 vector"


# --- SQLite -----------------------------------------------------------------------------------------


def check_sqlite() -> str:
    """A real database file in a temporary folder: create, WAL, write, reopen, read, integrity_check."""
    with tempfile.TemporaryDirectory(prefix="outreach-selftest-") as folder:
        path = Path(folder) / "selftest.sqlite3"
        rows = [(i, f"synthetic-{i}") for i in range(100)]
        conn = sqlite3.connect(path)
        try:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise CheckFailed(f"could not switch to WAL journal mode (got {mode})")
            with conn:
                conn.execute("CREATE TABLE probe (id INTEGER PRIMARY KEY, label TEXT NOT NULL)")
                conn.executemany("INSERT INTO probe (id, label) VALUES (?, ?)", rows)
        finally:
            conn.close()
        conn = sqlite3.connect(path)
        try:
            read = conn.execute("SELECT id, label FROM probe ORDER BY id").fetchall()
            if read != rows:
                raise CheckFailed("rows read back differ from rows written")
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if integrity != "ok":
                raise CheckFailed(f"integrity_check says {integrity}")
        finally:
            conn.close()
    return f"SQLite {sqlite3.sqlite_version}, WAL, write, read back, integrity_check ok"


# --- resources --------------------------------------------------------------------------------------


def check_resources() -> str:
    """The resources folder is there and every JSON and TOML file in it parses."""
    root = resources_dir()
    if not root.is_dir():
        raise CheckFailed(f"the resources folder is missing ({root})")
    counts = {"json": 0, "toml": 0}
    broken: list[str] = []
    for path in sorted(root.rglob("*")):
        suffix = path.suffix.lower().lstrip(".")
        if suffix not in counts or not path.is_file():
            continue
        relative = path.relative_to(root).as_posix()
        try:
            if suffix == "json":
                json.loads(path.read_text(encoding="utf-8"))
            else:
                tomllib.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            broken.append(f"{relative} ({describe_exception(exc)})")
        counts[suffix] += 1
    if broken:
        raise CheckFailed("cannot parse " + "; ".join(broken))
    return f"{counts['json']} JSON and {counts['toml']} TOML files parse"


def _optional_loader(module_name: str, function_name: str) -> Callable[..., Any]:
    """Find a loader that another part of the product provides, or skip when it is not built yet."""
    if importlib.util.find_spec(module_name) is None:
        raise CheckSkipped(f"{module_name} is not part of this build")
    module = importlib.import_module(module_name)
    loader = getattr(module, function_name, None)
    if loader is None:
        raise CheckSkipped(f"{module_name}.{function_name} is not part of this build")
    return cast(Callable[..., Any], loader)


def _describe_loaded(thing: object) -> str:
    for attribute in ("version", "id", "name"):
        value = getattr(thing, attribute, None)
        if isinstance(value, str) and value:
            return f"{attribute} {value}"
    if isinstance(thing, (list, tuple, dict)):
        return f"{len(thing)} entries"
    return type(thing).__name__


def check_definition() -> str:
    """The bundled check definition loads and validates."""
    loader = _optional_loader("outreach.checks.definition", "load_definition")
    return "loaded " + _describe_loaded(loader())


def check_rules() -> str:
    """The bundled findings rules load and validate."""
    loader = _optional_loader("outreach.clinical.findings", "load_rules")
    return "loaded " + _describe_loaded(loader())


def check_store() -> str:
    """A new store is created by running the bundled migrations, then reopened (no personal data)."""
    create = _optional_loader("outreach.store.database", "create_database")
    open_store = _optional_loader("outreach.store.database", "open_database")
    with tempfile.TemporaryDirectory(prefix="outreach-selftest-") as folder:
        data_dir = Path(folder) / "store"
        create(data_dir)
        db = open_store(data_dir)
        try:
            number = db.schema_number()
            problems = [line for line in db.integrity_check() if line != "ok"]
        finally:
            db.close()
    if problems:
        raise CheckFailed("a new store failed its integrity check: " + "; ".join(map(str, problems))[:200])
    return f"migrations applied, schema {number}"


def headless_checks() -> list[SelfCheck]:
    """The checks that need neither Qt nor a network, in the order they are printed."""
    return [
        SelfCheck("crypto", check_crypto),
        SelfCheck("sqlite", check_sqlite),
        SelfCheck("resources", check_resources),
        SelfCheck("definition", check_definition),
        SelfCheck("rules", check_rules),
        SelfCheck("store", check_store),
    ]
