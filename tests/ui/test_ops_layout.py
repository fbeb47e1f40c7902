"""The screens' operations stay in one place, under one naming scheme (see `ui.ops`).

* every function under ui/ marked `blocking` (must not run on the GUI thread) is defined in a
  `ui.ops` module, so there is one place to look for what a screen asks of the store;
* every public function of a `ui.ops` module is such an operation, named with one of the verbs
  below;
* no `ui.ops` module imports widgets: operations return data, views draw it.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from types import ModuleType

import ui
import ui.ops
from ui.tasks import is_blocking

# Reads are `load_` (or `search_` for a free-text search); writes use the domain's verb. The start-up
# operations open, unlock and set up the store.
VERBS = (
    "load",
    "search",
    "start",
    "register",
    "record",
    "save",
    "finalise",
    "amend",
    "decide",
    "retry",
    "open",
    "unlock",
    "set_up",
)
OP_NAME = re.compile(rf"^(?:{'|'.join(VERBS)})_[a-z0-9_]+$")

# What an operation must not import: widgets and painting are the views' business.
NOT_IN_OPS = ("PySide6.QtWidgets", "PySide6.QtGui")


def _modules(package: ModuleType) -> list[ModuleType]:
    found = [package]
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        found.append(importlib.import_module(info.name))
    return found


def blocking_functions() -> set[tuple[str, str]]:
    """(module it was found in, where it is defined) for every `blocking` function reachable as an
    attribute of a module under ui/."""
    seen = set()
    for module in _modules(ui):
        for value in vars(module).values():
            if callable(value) and is_blocking(value):
                home = getattr(value, "__module__", "") or ""
                seen.add((module.__name__, f"{home}.{getattr(value, '__qualname__', repr(value))}"))
    return seen


def blocking_outside_ops() -> set[str]:
    """The `blocking` functions defined anywhere but a `ui.ops` module (a view importing an operation
    is how it should be; a view defining one, or wrapping a core function itself, is not)."""
    return {defined for _found_in, defined in blocking_functions() if not defined.startswith("ui.ops.")}


def forbidden_imports(source: str) -> list[str]:
    """The imports in `source` (anywhere: top level, inside functions, under TYPE_CHECKING) that an
    operation must not make."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if any(name == bad or name.startswith(bad + ".") for bad in NOT_IN_OPS):
                found.append(f"line {node.lineno}: {name}")
    return found


def test_every_blocking_function_is_an_operation_in_ui_ops() -> None:
    assert blocking_outside_ops() == set()


def test_the_walk_sees_the_views_and_what_they_import() -> None:
    """Guard against a walk that finds nothing: an operation a view imports is seen in the view."""
    seen = blocking_functions()
    assert ("ui.home.home_page", "ui.ops.sync.load_home_with_sync") in seen
    assert ("ui.check.workflow", "ui.ops.check.finalise_check") in seen


def test_every_public_function_in_ui_ops_is_a_blocking_operation_named_with_a_verb() -> None:
    wrong = []
    operations = 0
    for module in _modules(ui.ops):
        for name, value in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(value) or value.__module__ != module.__name__:
                continue
            operations += 1
            if not is_blocking(value):
                wrong.append(f"{module.__name__}.{name}: not marked blocking")
            if not OP_NAME.match(name):
                wrong.append(f"{module.__name__}.{name}: not named <verb>_... with a verb of {VERBS}")
    assert wrong == []
    assert operations >= 30  # the walk saw the operations


def test_no_operation_module_imports_widgets() -> None:
    folder = Path(ui.ops.__file__).parent
    sources = sorted(folder.glob("*.py"))
    assert len(sources) > 1
    found = {
        str(path.name): bad
        for path in sources
        if (bad := forbidden_imports(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_import_rule_sees_each_import_it_forbids() -> None:
    """Guard against a rule that cannot fail."""
    assert forbidden_imports("from PySide6.QtWidgets import QLabel\n")
    assert forbidden_imports("def f():\n    from PySide6 import QtGui\n")
    assert forbidden_imports("import PySide6.QtWidgets as widgets\n")
    assert not forbidden_imports("from PySide6.QtCore import QObject\nfrom ui.tasks import blocking\n")
