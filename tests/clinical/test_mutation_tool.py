"""The mutation-testing command (tools/mutate.py) is evidence in the clinical safety case, so it is tested
too: each operator makes the change it names, a mutant really reaches the code under test (a positive
control through the same import hook the command uses), and nothing in the working tree is rewritten.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutate_tool", ROOT / "tools" / "mutate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutate_tool"] = module
    spec.loader.exec_module(module)
    return module


mutate = _tool()

SAMPLE = '''"""A module to mutate."""
LIMIT = (50.0, 300.0)


def in_range(value: float) -> bool:
    """Docstrings are never mutated."""
    if value < LIMIT[0] or value > LIMIT[1]:
        return False
    total = value + 1
    return not total == 0 and True
'''


def _names(source: str) -> list[str]:
    return [m.ident for m in mutate.find_mutants(source)]


def test_each_operator_names_its_change() -> None:
    names = _names(SAMPLE)
    expected = [
        "<module>: constant: [LIMIT] '(50.0, 300.0)' -> '(51.0, 300.0)'",
        "<module>: constant: [LIMIT] '(50.0, 300.0)' -> '(50.0, 299.0)'",
        "in_range: comparison: 'value < LIMIT[0]' -> 'value >= LIMIT[0]'",
        "in_range: boundary: 'value > LIMIT[1]' -> 'value >= LIMIT[1]'",
        (
            "in_range: boolean: 'value < LIMIT[0] or value > LIMIT[1]' -> "
            "'value < LIMIT[0] and value > LIMIT[1]'"
        ),
        "in_range: return: 'return False' -> 'return None'",
        "in_range: statement: delete 'total = value + 1'",
        "in_range: arithmetic: [total] 'value + 1' -> 'value - 1'",
        "in_range: constant: [total] 'value + 1' -> 'value + 2'",
        "in_range: constant: 'LIMIT[0]' -> 'LIMIT[1]'",
        "in_range: boolean: 'not total == 0' -> 'total == 0'",
        "in_range: boolean: 'not total == 0 and True' -> 'not total == 0 and False'",
    ]
    for name in expected:
        assert name in names, name
    assert not any("Docstrings" in n or "A module" in n for n in names)
    assert len(names) == len(set(names))  # every mutant has its own name


def test_every_mutant_of_a_real_module_compiles_and_changes_one_thing() -> None:
    source = (ROOT / "outreach" / "clinical" / "bmi.py").read_text(encoding="utf-8")
    mutants = mutate.find_mutants(source)
    assert len(mutants) > 20
    original = mutate.ast.dump(mutate.ast.parse(source))
    for mutant in mutants:
        changed = mutate.apply_mutant(source, mutant)
        compile(changed, "bmi.py", "exec")
        assert mutate.ast.dump(mutate.ast.parse(changed)) != original, mutant.ident


def test_a_mutant_reaches_the_code_under_test_through_the_import_hook(tmp_path: Path) -> None:
    """Positive control: the heavy smoker's indicator flipped makes the same inputs score differently."""
    source_path = ROOT / "outreach" / "clinical" / "qrisk3.py"
    source = source_path.read_text(encoding="utf-8")
    (mutant,) = [m for m in mutate.find_mutants(source) if m.ident.endswith("'smoke == 4' -> 'smoke != 4'")]
    (tmp_path / "sitecustomize.py").write_text(mutate._SITECUSTOMIZE, encoding="utf-8")
    (tmp_path / "mutant.py").write_text(mutate.apply_mutant(source, mutant), encoding="utf-8")
    script = (
        "import json, sys; from outreach.clinical.qrisk3 import QRisk3Inputs, calculate_qrisk3; "
        "case = json.load(open(sys.argv[1]))['cases'][0]['inputs']; "
        "print(repr(calculate_qrisk3(QRisk3Inputs.from_mapping(case)).risk_percent))"
    )
    data = ROOT / "tests" / "clinical" / "data" / "qrisk3_reference_clinrisk_c.json"

    def score(**env: str) -> float:
        run = subprocess.run(
            [sys.executable, "-c", script, str(data)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]), **env},
            check=True,
            timeout=120,
        )
        return float(run.stdout)

    plain = score()
    mutated = score(
        MUTATE_MODULE="outreach.clinical.qrisk3",
        MUTATE_ORIGIN=str(source_path),
        MUTATE_SOURCE=str(tmp_path / "mutant.py"),
    )
    assert plain != pytest.approx(mutated)
    assert source_path.read_text(encoding="utf-8") == source  # the tree was never rewritten


def test_the_equivalents_list_is_well_formed_and_names_mutants_that_exist() -> None:
    config = mutate.load_config()
    listed = mutate.load_equivalents(config.equivalents_file)
    for module, names in listed.items():
        known = set(_names((ROOT / module).read_text(encoding="utf-8")))
        for name in names:
            assert name in known, f"{module}: no such mutant (the code changed?): {name}"
    for line in config.equivalents_file.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            assert len(line.split(" | ")) >= 3 and line.rsplit(" | ", 1)[1].strip(), line


def test_every_configured_module_has_tests_that_exist() -> None:
    config = mutate.load_config()
    modules = mutate.configured_modules(config)
    assert "outreach/clinical/qrisk3.py" in modules and "sync/push.py" in modules
    assert "outreach/checks/validation.py" in modules and "outreach/store/checks_repo.py" in modules
    for module in modules:
        tests = mutate.tests_for(config, module)
        assert tests and all((ROOT / t).exists() for t in tests), module
