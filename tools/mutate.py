"""Mutation testing of the clinical and sync core: how many small wrong changes do the tests notice?

    python tools/mutate.py outreach/clinical/qrisk3.py --sample 100 --budget 600
    python tools/mutate.py                      # every module configured in pyproject.toml
    python tools/mutate.py --recheck run.json   # only the survivors of an earlier --json run, again

A mutant is one small change to a module: a comparison flipped (``<`` to ``>=``) or moved by one
(``<`` to ``<=``), a number moved by one, ``True``/``False`` or ``and``/``or`` swapped, a ``not``
dropped, an arithmetic operator swapped, a ``return`` made to return None, or one statement of a
function deleted. Each sampled mutant is run against that module's tests (configured per module in
``[tool.mutate]`` of pyproject.toml) in its own process; it is *killed* when a test fails (or the run
times out), and *survives* when every test still passes. The score is killed / (tried - equivalent),
where an equivalent mutant is one that cannot change behaviour, listed with a one-line reason in the
committed equivalents file.

Why a small mutator of our own rather than mutmut or cosmic-ray: mutmut 3 mutates only code inside
functions (its documentation says to use mutmut 2 for anything else), and what most needs testing here is
module-level data: the QRISK3 coefficients, the input limits, the severity order. The run must also take a
random sample and stop at a time budget on a small (2-core) machine busy with other jobs, and must never
rewrite a source file, since tests may be running from the same tree (mutmut copies and rewrites the source
tree; cosmic-ray runs every mutant of a session). Here the mutated module is handed to the test process
through an import hook (a ``sitecustomize`` on PYTHONPATH, so processes the tests start see the mutant too)
and no file in the tree changes.
"""

from __future__ import annotations

import argparse
import ast
import copy
import fnmatch
import glob
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Statements whose deletion only changes what is logged: not counted as mutants (logging is not
# what these tests are for, and every such mutant would be listed as equivalent).
_LOGGER_NAMES = frozenset({"log", "logger", "_log", "_logger", "LOG", "LOGGER"})

_NEGATE: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.Gt: ast.LtE,
    ast.LtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
_BOUNDARY: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
}
_ARITHMETIC: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.Mult,
    ast.Pow: ast.Mult,
}

# The import hook run in every test process (and every process it starts) while a mutant is tried.
_SITECUSTOMIZE = """\
import importlib.abc, importlib.util, os, sys

_NAME = os.environ.get("MUTATE_MODULE")
_ORIGIN = os.environ.get("MUTATE_ORIGIN")
_SOURCE = os.environ.get("MUTATE_SOURCE")


class _MutantLoader(importlib.abc.Loader):
    def create_module(self, spec):
        return None

    def exec_module(self, module):
        with open(_SOURCE, encoding="utf-8") as handle:
            code = compile(handle.read(), _ORIGIN, "exec")
        exec(code, module.__dict__)


class _MutantFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname != _NAME:
            return None
        return importlib.util.spec_from_file_location(fullname, _ORIGIN, loader=_MutantLoader())


if _NAME and _ORIGIN and _SOURCE:
    sys.meta_path.insert(0, _MutantFinder())
"""


@dataclass(frozen=True)
class Mutant:
    """One change to a module: found by its position in ``ast.walk`` order, named stably by its text."""

    index: int  # position of the node in ast.walk(tree)
    operator: str  # comparison | boundary | constant | boolean | arithmetic | return | statement
    choice: int  # which replacement, for nodes with several
    line: int
    ident: str  # "qualname: what -> what instead": stable across unrelated edits, used in the list


@dataclass
class Outcome:
    mutant: Mutant
    status: str  # killed | survived | timeout | equivalent | invalid
    seconds: float


@dataclass
class ModuleReport:
    path: str
    tests: list[str]
    candidates: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    stopped_by_budget: bool = False
    baseline_seconds: float = 0.0
    error: str | None = None

    def count(self, *statuses: str) -> int:
        return sum(1 for o in self.outcomes if o.status in statuses)

    @property
    def tried(self) -> int:
        return self.count("killed", "timeout", "survived", "equivalent")

    @property
    def killed(self) -> int:
        return self.count("killed", "timeout")

    @property
    def score(self) -> float | None:
        counted = self.tried - self.count("equivalent")
        return None if counted <= 0 else 100.0 * self.killed / counted


# --- finding mutants -----------------------------------------------------------------------------------


def _skip_lines(source: str) -> set[int]:
    return {n for n, text in enumerate(source.splitlines(), start=1) if "pragma: no mutate" in text}


def _short(node: ast.AST, limit: int = 70) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_docstring(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def _is_log_call(stmt: ast.stmt) -> bool:
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return False
    func = stmt.value.func
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in _LOGGER_NAMES
    )


def _is_type_checking(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.If) and "TYPE_CHECKING" in ast.unparse(stmt.test)


def _excluded_nodes(tree: ast.Module) -> set[int]:
    """ids of nodes never mutated: annotations, decorators (dataclass options such as slots), docstrings,
    f-string pieces and TYPE_CHECKING imports."""
    excluded: set[int] = set()

    def drop(node: ast.AST | None) -> None:
        if node is not None:
            excluded.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for decorator in node.decorator_list:
                drop(decorator)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            drop(node.returns)
            for arg in [
                *node.args.args,
                *node.args.posonlyargs,
                *node.args.kwonlyargs,
                node.args.vararg,
                node.args.kwarg,
            ]:
                if arg is not None:
                    drop(arg.annotation)
        elif isinstance(node, ast.AnnAssign):
            drop(node.annotation)
        elif isinstance(node, ast.JoinedStr) or (
            isinstance(node, ast.stmt) and (_is_docstring(node) or _is_type_checking(node))
        ):
            drop(node)
    return excluded


def _qualnames(tree: ast.Module) -> dict[int, str]:
    """Each node's enclosing function or class, for naming mutants."""
    names: dict[int, str] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = prefix
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}.{child.name}" if prefix else child.name
            names[id(child)] = name or "<module>"
            visit(child, name)

    visit(tree, "")
    return names


def _parents(tree: ast.Module) -> dict[int, ast.AST]:
    return {id(child): parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}


def _in_function(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    current = parents.get(id(node))
    while current is not None:
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return True
        current = parents.get(id(current))
    return False


def _replacements(
    node: ast.AST, parents: dict[int, ast.AST]
) -> Iterator[tuple[str, int, Callable[[], ast.AST]]]:
    """(operator, choice, make the replacement node) for each mutation of this node."""
    if isinstance(node, ast.Compare):
        for pos, op in enumerate(node.ops):
            for kind, table in (("comparison", _NEGATE), ("boundary", _BOUNDARY)):
                new = table.get(type(op))
                if new is not None:

                    def make(pos: int = pos, new: type[ast.cmpop] = new) -> ast.AST:
                        mutated = copy.deepcopy(node)
                        mutated.ops[pos] = new()
                        return mutated

                    yield kind, pos, make
    elif isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            yield "boolean", 0, lambda: ast.Constant(not value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            yield "constant", 0, lambda: ast.Constant(value + 1)
            yield "constant", 1, lambda: ast.Constant(value - 1)
    elif isinstance(node, ast.BoolOp):
        other = ast.Or if isinstance(node.op, ast.And) else ast.And
        yield "boolean", 0, lambda: ast.BoolOp(op=other(), values=copy.deepcopy(node.values))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "boolean", 1, lambda: copy.deepcopy(node.operand)
    elif isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
        new_op = _ARITHMETIC[type(node.op)]
        yield (
            "arithmetic",
            0,
            lambda: ast.BinOp(left=copy.deepcopy(node.left), op=new_op(), right=copy.deepcopy(node.right)),
        )
    elif (
        isinstance(node, ast.Return)
        and node.value is not None
        and not (isinstance(node.value, ast.Constant) and node.value.value is None)
    ):
        yield "return", 0, lambda: ast.Return(value=ast.Constant(None))
    if (
        isinstance(node, ast.stmt)
        and _in_function(node, parents)
        and not _is_docstring(node)
        and not _is_log_call(node)
        and not isinstance(
            node,
            (
                ast.Return,
                ast.Pass,
                ast.Import,
                ast.ImportFrom,
                ast.FunctionDef,
                ast.AsyncFunctionDef,
                ast.ClassDef,
                ast.Global,
                ast.Nonlocal,
            ),
        )
    ):
        yield "statement", 0, lambda: ast.Pass()


def _describe(operator: str, node: ast.AST, parents: dict[int, ast.AST], replacement: ast.AST) -> str:
    """Words that name the change: the smallest readable expression around it, before and after."""
    if isinstance(node, ast.stmt):
        return f"delete {_short(node)!r}" if operator == "statement" else f"{_short(node)!r} -> 'return None'"
    context: ast.AST = node
    parent = parents.get(id(node))
    if (
        isinstance(node, ast.Constant)
        and parent is not None
        and not isinstance(parent, ast.stmt)
        and len(ast.unparse(parent)) <= 70
    ):
        context = parent
    before, after = _short(context), _short(_swap(context, node, replacement))
    key = _dict_key(context, parents)
    return f"{key}{before!r} -> {after!r}"


def _dict_key(node: ast.AST, parents: dict[int, ast.AST]) -> str:
    """'[key] ' when the node is inside a value of a dict literal or of a simple assignment, so table
    entries and limits are named apart."""
    current, parent = node, parents.get(id(node))
    while parent is not None and not isinstance(parent, (ast.stmt, ast.Dict)):
        current, parent = parent, parents.get(id(parent))
    if isinstance(parent, ast.Dict):
        for key, value in zip(parent.keys, parent.values, strict=True):
            if value is current and key is not None:
                return f"[{_short(key, 40)}] "
    targets = (
        parent.targets
        if isinstance(parent, ast.Assign)
        else ([parent.target] if isinstance(parent, ast.AnnAssign) else [])
    )
    if len(targets) == 1 and isinstance(targets[0], ast.Name) and current is not targets[0]:
        return f"[{targets[0].id}] "
    return ""


def _swap(context: ast.AST, node: ast.AST, replacement: ast.AST) -> ast.AST:
    if context is node:
        return replacement
    clone = copy.deepcopy(context)
    originals = list(ast.walk(context))
    position = next(i for i, n in enumerate(originals) if n is node)
    target = list(ast.walk(clone))[position]
    _replace_child(clone, target, replacement)
    return clone


def _replace_child(root: ast.AST, target: ast.AST, replacement: ast.AST) -> None:
    for parent in ast.walk(root):
        for name, value in ast.iter_fields(parent):
            if value is target:
                setattr(parent, name, replacement)
                return
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is target:
                        value[i] = replacement
                        return


def find_mutants(source: str) -> list[Mutant]:
    """Every mutant of a module, in a fixed order, each with a stable name."""
    tree = ast.parse(source)
    excluded = _excluded_nodes(tree)
    skip = _skip_lines(source)
    names = _qualnames(tree)
    parents = _parents(tree)
    mutants: list[Mutant] = []
    seen: dict[str, int] = {}
    for index, node in enumerate(ast.walk(tree)):
        if id(node) in excluded or getattr(node, "lineno", None) in skip:
            continue
        for operator, choice, make in _replacements(node, parents):
            base = f"{names.get(id(node), '<module>')}: {operator}: " + _describe(
                operator, node, parents, make()
            )
            seen[base] = seen.get(base, 0) + 1
            ident = base if seen[base] == 1 else f"{base} #{seen[base]}"
            mutants.append(Mutant(index, operator, choice, getattr(node, "lineno", 0), ident))
    return mutants


def apply_mutant(source: str, mutant: Mutant) -> str:
    """The module's source with this one change made."""
    tree = ast.parse(source)
    parents = _parents(tree)
    node = list(ast.walk(tree))[mutant.index]
    for operator, choice, make in _replacements(node, parents):
        if operator == mutant.operator and choice == mutant.choice:
            replacement = make()
            break
    else:
        raise LookupError(f"mutant no longer applies: {mutant.ident}")
    parent = parents[id(node)]
    _replace_child(parent, node, replacement)
    ast.fix_missing_locations(tree)
    return ast.unparse(tree)


# --- configuration -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    targets: list[tuple[list[str], list[str]]]  # (module globs, test paths or globs)
    equivalents_file: Path
    sample: int
    budget: float


def load_config(pyproject: Path = ROOT / "pyproject.toml") -> Config:
    data = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("mutate", {})
    targets = [(list(t["modules"]), list(t["tests"])) for t in data.get("target", [])]
    return Config(
        targets=targets,
        equivalents_file=ROOT / data.get("equivalents", "mutation-equivalents.txt"),
        sample=int(data.get("sample", 60)),
        budget=float(data.get("budget", 600)),
    )


def configured_modules(config: Config) -> list[str]:
    found: list[str] = []
    for modules, _tests in config.targets:
        for pattern in modules:
            for path in sorted(glob.glob(pattern, root_dir=ROOT)):
                if not path.endswith("__init__.py") and path not in found:
                    found.append(path)
    return found


def tests_for(config: Config, module: str) -> list[str]:
    for modules, tests in config.targets:
        if any(fnmatch.fnmatch(module, pattern) for pattern in modules):
            paths: list[str] = []
            for pattern in tests:
                matches = (
                    sorted(glob.glob(pattern, root_dir=ROOT))
                    if any(c in pattern for c in "*?[")
                    else [pattern]
                )
                paths.extend(p for p in matches if p not in paths)
            return paths
    raise SystemExit(f"no tests configured for {module} in [tool.mutate] of pyproject.toml")


def load_equivalents(path: Path) -> dict[str, set[str]]:
    """module path -> mutant names known to be equivalent. Line format: `path | mutant | reason`."""
    known: dict[str, set[str]] = {}
    if not path.exists():
        return known
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        module, _, rest = line.partition(" | ")
        ident, _, reason = rest.rpartition(" | ")
        if not module or not ident or not reason.strip():
            raise SystemExit(f"{path}:{number}: expected 'module | mutant | reason'")
        known.setdefault(module.strip(), set()).add(ident.strip())
    return known


# --- running -------------------------------------------------------------------------------------------


def _run_tests(tests: list[str], env: dict[str, str], timeout: float | None) -> tuple[str, float, str]:
    """('passed' | 'failed' | 'timeout', seconds, tail of output)."""
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return "timeout", time.monotonic() - started, ""
    elapsed = time.monotonic() - started
    return ("passed" if process.returncode == 0 else "failed"), elapsed, output[-2000:]


def _environment(hook_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (hook_dir, str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def _try(
    mutant: Mutant,
    source: str,
    module: str,
    tests: list[str],
    env: dict[str, str],
    hook_dir: str,
    timeout: float,
    equivalents: set[str],
) -> Outcome:
    """Run the module's tests against one mutant (handed over through the import hook)."""
    try:
        mutated = apply_mutant(source, mutant)
        compile(mutated, module, "exec")
    except (LookupError, SyntaxError, ValueError):
        return Outcome(mutant, "invalid", 0.0)
    source_file = Path(hook_dir, "mutant.py")
    source_file.write_text(mutated, encoding="utf-8")
    mutant_env = {
        **env,
        "MUTATE_MODULE": module.removesuffix(".py").replace("/", "."),
        "MUTATE_ORIGIN": str(ROOT / module),
        "MUTATE_SOURCE": str(source_file),
    }
    result, seconds, _ = _run_tests(tests, mutant_env, timeout=timeout)
    status = {"failed": "killed", "timeout": "timeout", "passed": "survived"}[result]
    if status == "survived" and mutant.ident in equivalents:
        status = "equivalent"
    return Outcome(mutant, status, seconds)


def _baseline(report: ModuleReport, tests: list[str], hook_dir: str) -> dict[str, str] | None:
    """Put the import hook in `hook_dir` and run the tests once without a mutant: the environment to
    run the mutants in, or None (with `report.error` set) when the tests already fail."""
    Path(hook_dir, "sitecustomize.py").write_text(_SITECUSTOMIZE, encoding="utf-8")
    env = _environment(hook_dir)
    status, seconds, tail = _run_tests(tests, env, timeout=None)
    report.baseline_seconds = seconds
    if status != "passed":
        report.error = f"the tests fail without any mutant:\n{tail}"
        return None
    return env


def recheck_module(
    module: str,
    tests: list[str],
    previous: dict[str, object],
    *,
    equivalents: set[str],
    progress: Callable[[str], None],
) -> ModuleReport:
    """Run again only the mutants that survived an earlier run (its --json), against today's tests and
    equivalents list; every other outcome of that run is kept as it was."""
    report = ModuleReport(path=module, tests=tests)
    source = (ROOT / module).read_text(encoding="utf-8")
    current = {m.ident: m for m in find_mutants(source)}
    report.candidates = int(previous.get("candidates", len(current)))  # type: ignore[call-overload]
    report.stopped_by_budget = bool(previous.get("stopped_by_budget"))
    earlier: list[dict[str, object]] = list(previous.get("outcomes", []))  # type: ignore[call-overload]
    if not any(row.get("status") in ("survived", "equivalent") for row in earlier):
        for row in earlier:  # nothing to run again: the earlier outcomes stand
            report.outcomes.append(
                Outcome(
                    Mutant(-1, "", 0, int(row["line"]), str(row["mutant"])),
                    str(row["status"]),  # type: ignore[call-overload]
                    float(row["seconds"]),
                )  # type: ignore[arg-type]
            )
        return report
    with tempfile.TemporaryDirectory(prefix="mutate-") as hook_dir:
        env = _baseline(report, tests, hook_dir)
        if env is None:
            return report
        timeout = max(20.0, 4 * report.baseline_seconds)
        for number, row in enumerate(earlier, start=1):
            ident, line, was = str(row["mutant"]), int(row["line"]), str(row["status"])  # type: ignore[call-overload]
            mutant = current.get(ident)
            if was not in ("survived", "equivalent") or mutant is None:
                # kept as it was (a survivor whose code has changed since stays a survivor)
                report.outcomes.append(Outcome(Mutant(-1, "", 0, line, ident), was, float(row["seconds"])))  # type: ignore[arg-type]
                continue
            outcome = _try(mutant, source, module, tests, env, hook_dir, timeout, equivalents)
            report.outcomes.append(outcome)
            progress(f"  [{number}/{len(earlier)}] {was} -> {outcome.status}: {ident}")
    return report


def mutate_module(
    module: str,
    tests: list[str],
    *,
    sample: int,
    budget: float,
    seed: int,
    equivalents: set[str],
    progress: Callable[[str], None],
) -> ModuleReport:
    report = ModuleReport(path=module, tests=tests)
    source = (ROOT / module).read_text(encoding="utf-8")
    mutants = find_mutants(source)
    report.candidates = len(mutants)
    chosen = random.Random(f"{seed}:{module}").sample(mutants, min(sample, len(mutants)))
    with tempfile.TemporaryDirectory(prefix="mutate-") as hook_dir:
        env = _baseline(report, tests, hook_dir)
        if env is None:
            return report
        per_mutant_timeout = max(20.0, 4 * report.baseline_seconds)
        deadline = time.monotonic() + budget
        for number, mutant in enumerate(chosen, start=1):
            if time.monotonic() > deadline:
                report.stopped_by_budget = True
                break
            outcome = _try(mutant, source, module, tests, env, hook_dir, per_mutant_timeout, equivalents)
            report.outcomes.append(outcome)
            progress(
                f"  [{number}/{len(chosen)}] {outcome.status:10} {outcome.seconds:5.1f}s  "
                f"line {mutant.line}: {mutant.ident}"
            )
    return report


def _table(reports: list[ModuleReport]) -> str:
    lines = [
        "| module | tests | mutants (all) | tried | killed | survived | equivalent | score |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in reports:
        score = "n/a" if r.score is None else f"{r.score:.0f}%"
        if r.error:
            score = "tests fail"
        note = " (budget)" if r.stopped_by_budget else ""
        lines.append(
            f"| `{r.path}` | {len(r.tests)} files | {r.candidates} | {r.tried}{note} | {r.killed} | "
            f"{r.count('survived')} | {r.count('equivalent')} | {score} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="module paths or globs (default: every configured module)")
    parser.add_argument(
        "--sample", type=int, help="mutants tried per module, chosen at random (default from config)"
    )
    parser.add_argument(
        "--budget", type=float, help="seconds per module before stopping (default from config)"
    )
    parser.add_argument("--seed", type=int, default=15, help="random seed for the sample (default 15)")
    parser.add_argument("--tests", nargs="+", help="test paths to use instead of the configured ones")
    parser.add_argument("--list", action="store_true", help="print every mutant's name and exit")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--min-score", type=float, help="exit 1 when a module scores below this")
    parser.add_argument(
        "--recheck",
        type=Path,
        help="a --json file of an earlier run: run only its survivors again (after new tests or equivalents)",
    )
    args = parser.parse_args(argv)

    config = load_config()
    modules: list[str] = []
    for pattern in args.modules or configured_modules(config):
        matches = sorted(glob.glob(pattern, root_dir=ROOT)) or [pattern]
        modules.extend(m for m in matches if not m.endswith("__init__.py") and m not in modules)
    if args.list:
        for module in modules:
            for mutant in find_mutants((ROOT / module).read_text(encoding="utf-8")):
                print(f"{module} | line {mutant.line} | {mutant.ident}")
        return 0
    equivalents = load_equivalents(config.equivalents_file)
    sample = args.sample if args.sample is not None else config.sample
    budget = args.budget if args.budget is not None else config.budget
    earlier: dict[str, dict[str, object]] = {}
    if args.recheck is not None:
        earlier = {str(r["module"]): r for r in json.loads(args.recheck.read_text(encoding="utf-8"))}
        modules = [m for m in (modules if args.modules else list(earlier)) if m in earlier]
    reports: list[ModuleReport] = []
    for module in modules:
        tests = args.tests or tests_for(config, module)
        if args.recheck is not None:
            print(f"{module}: survivors of {args.recheck.name} again, tests {' '.join(tests)}", flush=True)
            report = recheck_module(
                module,
                tests,
                earlier[module],
                equivalents=equivalents.get(module, set()),
                progress=lambda line: print(line, flush=True),
            )
        else:
            print(f"{module}: sample {sample}, budget {budget:.0f}s, tests {' '.join(tests)}", flush=True)
            report = mutate_module(
                module,
                tests,
                sample=sample,
                budget=budget,
                seed=args.seed,
                equivalents=equivalents.get(module, set()),
                progress=lambda line: print(line, flush=True),
            )
        if report.error:
            print(report.error, flush=True)
        reports.append(report)
        score = "n/a" if report.score is None else f"{report.score:.0f}%"
        print(
            f"{module}: {report.killed} killed of {report.tried - report.count('equivalent')} "
            f"(+{report.count('equivalent')} equivalent) = {score}",
            flush=True,
        )
    print()
    print(_table(reports))
    survivors = [(r.path, o.mutant) for r in reports for o in r.outcomes if o.status == "survived"]
    if survivors:
        print("\nSurvivors (add a test, or list as equivalent with a reason):")
        for path, mutant in survivors:
            print(f"{path} | {mutant.ident}")
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "module": r.path,
                        "tests": r.tests,
                        "candidates": r.candidates,
                        "tried": r.tried,
                        "killed": r.killed,
                        "equivalent": r.count("equivalent"),
                        "score": r.score,
                        "error": r.error,
                        "stopped_by_budget": r.stopped_by_budget,
                        "outcomes": [
                            {
                                "line": o.mutant.line,
                                "mutant": o.mutant.ident,
                                "status": o.status,
                                "seconds": round(o.seconds, 2),
                            }
                            for o in r.outcomes
                        ],
                    }
                    for r in reports
                ],
                indent=1,
            ),
            encoding="utf-8",
        )
    failed = any(r.error for r in reports) or (
        args.min_score is not None and any(r.score is not None and r.score < args.min_score for r in reports)
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
