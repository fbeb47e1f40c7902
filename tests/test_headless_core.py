"""The layers keep to their places.

* The core (outreach/) must import and work with PySide6 and requests unavailable.
* SQL lives in the store: SQLAlchemy (and Alembic) are imported only under outreach/store and by the
  reference server (sync/server); everyone else asks a repository method, and nothing outside the
  store imports its table definitions.
* The store is storage only: it imports neither the use cases (outreach.services), nor the FHIR
  mapping, nor the demo data, so none of them can form a cycle with it; and nothing outside a store
  module imports that module's private names.

The import rules are read from the source (every import statement, at any depth), so an import
inside a function counts as much as one at the top.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("outreach", "sync", "ui", "cli")
SQL_HOMES = ("outreach/store/", "sync/server/")
SQL_LIBRARIES = ("sqlalchemy", "alembic")
# What the store must not import: it is what they are built on.
NOT_IN_STORE = ("outreach.services", "outreach.fhir", "outreach.demo_data", "outreach.team")

BLOCKER = textwrap.dedent(
    """
    import importlib.abc, sys
    BLOCKED = ("PySide6", "shiboken6", "requests", "ui", "sync", "cli")

    class Blocker(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"{name} is blocked in the headless core test")
            return None

    sys.meta_path.insert(0, Blocker())
    import pkgutil, importlib, outreach
    # Alembic loads migration scripts itself (env.py needs its run-time context), so they are
    # read as files by Alembic, not imported here; they import neither Qt nor HTTP either.
    names = [
        m.name for m in pkgutil.walk_packages(outreach.__path__, "outreach.")
        if ".migrations" not in m.name
    ]
    for name in names:
        importlib.import_module(name)
    loaded = [m for m in sys.modules if m.split(".")[0] in BLOCKED]
    assert not loaded, loaded
    print(len(names))
    """
)


def test_every_core_module_imports_without_qt_or_requests() -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCKER], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 1


def test_the_blocker_really_blocks() -> None:
    """Guard against a test that cannot fail: importing Qt under the blocker must fail."""
    probe = BLOCKER.replace("import pkgutil, importlib, outreach", "import PySide6  # noqa")
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode != 0
    assert "blocked in the headless core test" in result.stderr


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) for every module `path` imports; `from a import b` gives both a and a.b (b may
    be a module), relative imports resolved against the file's own package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def _sources() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path


def _is(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def layer_violations() -> list[str]:
    """Every import that breaks a layer rule, as 'file:line: what'."""
    found: list[str] = []
    for rel, path in _sources():
        in_store = rel.startswith("outreach/store/")
        for line, module in _imports(path):
            where = f"{rel}:{line}"
            if any(_is(module, lib) for lib in SQL_LIBRARIES) and not rel.startswith(SQL_HOMES):
                found.append(f"{where}: imports {module} (SQL belongs in outreach/store)")
            tables = _is(module, "outreach.store.models") or _is(module, "outreach.store.team_tables")
            if tables and not in_store:
                found.append(f"{where}: imports the store's tables ({module}); ask a repository instead")
            if in_store and any(_is(module, bad) for bad in NOT_IN_STORE):
                found.append(f"{where}: the store imports {module}")
            owner, _, name = module.rpartition(".")
            if (
                name.startswith("_")
                and not name.startswith("__")
                and _is(owner, "outreach.store")
                and _module_name(path) != owner
            ):
                found.append(f"{where}: imports the private {name} of {owner}")
    return sorted(set(found))


def test_the_layers_keep_their_imports() -> None:
    assert layer_violations() == []


@pytest.mark.parametrize(
    ("file", "line"),
    [
        ("ui/home/reviews.py", "from sqlalchemy import select"),
        ("sync/push.py", "from outreach.store.models import checks"),
        ("outreach/store/checks_repo.py", "from outreach import services"),
        ("outreach/store/people_repo.py", "from outreach.fhir.bundle import check_bundle"),
        ("outreach/store/sync_state.py", "from outreach.store.database import _run_migrations"),
        ("outreach/store/records.py", "from ..fhir import codes"),
    ],
)
def test_the_layer_rules_see_each_import_they_forbid(
    file: str, line: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Guard against rules that cannot fail: each forbidden import, added to one file, is reported."""
    target = ROOT / file
    original = target.read_text(encoding="utf-8")
    real_read = Path.read_text

    def read_text(self: Path, *args: object, **kwargs: object) -> str:
        if self == target:
            return original + "\n\ndef _probe() -> None:\n    " + line + "\n"
        return real_read(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", read_text)
    found = layer_violations()
    assert any(v.startswith(f"{file}:") for v in found), found
