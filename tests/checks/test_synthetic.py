"""Synthetic checks are complete, valid, varied and reproducible."""

from __future__ import annotations

import json
import random
from collections import Counter

from outreach.checks.definition import CheckDefinition
from outreach.checks.evaluation import evaluate_check
from outreach.checks.synthetic import synthetic_complete_check, synthetic_person
from outreach.clinical.findings import load_rules


def test_synthetic_checks_are_complete_valid_and_varied(defn: CheckDefinition) -> None:
    rules = load_rules()
    rng = random.Random(20261123)
    findings: Counter[str] = Counter()
    units: Counter[str] = Counter()
    states: Counter[str] = Counter()
    seen = set()
    qrisk = 0
    for _ in range(300):
        person = synthetic_person(rng)
        answers = synthetic_complete_check(rng, defn, person)
        json.dumps(answers)  # the stored shape is plain JSON
        ev = evaluate_check(defn, answers, person, rules)
        assert ev.problems == {}, ev.problems
        assert ev.calculator_errors == {}
        assert ev.review.ignored == ()
        assert ev.completeness.comprehensive and ev.completeness.all_recorded
        findings.update(f.rule_id for f in ev.findings)
        states.update(e.state for e in ev.completeness.elements)
        units.update(v["unit"] for v in answers.values() if isinstance(v, dict) and "unit" in v)
        qrisk += ev.qrisk3.result is not None
        seen.add(json.dumps(answers, sort_keys=True))
    assert len(seen) == 300
    assert {"bp-high", "bmi-raised", "smoking-current", "glucose-diabetes-range", "glucose-high-risk",
            "alcohol-increasing-risk", "qrisk3-10-percent"} <= set(findings)
    assert states["declined"] and states["not_possible"] and states["done"] > states["declined"]
    assert {"[stone_av]", "[ft_i]", "mg/dL"} <= set(units)
    assert 50 < qrisk < 300


def test_same_seed_same_check(defn: CheckDefinition) -> None:
    first = synthetic_complete_check(random.Random(7), defn)
    again = synthetic_complete_check(random.Random(7), defn)
    other = synthetic_complete_check(random.Random(8), defn)
    assert first == again and first != other
