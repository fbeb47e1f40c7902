#!/usr/bin/env python3
"""Benchmark: moving between sections of the check screen (target under 50 ms).

    .venv/bin/python bench/bench_check_ui.py [--rounds 5]

Builds the real CheckWorkflow offscreen over a real encrypted store in a temporary folder
(the vault's cheap test KDF: key derivation is not what is measured here), with a whole
check already answered, then times each move from one section to the next, from the
request to the moment the new page has been laid out and painted (grabbed), for:

* the first visit to each section with its page built then (the worst case: the app
  normally builds the other pages in idle moments just after opening), and
* later visits (the page is kept; only the visible page changes).

Prints median, p95 and max of each, in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from outreach import services
from outreach.settings import OrgConfig
from outreach.store.crypto import TEST_KDF
from outreach.store.local_store import LocalStore
from outreach.store.records import PersonDetails

TARGET_MS = 50.0


def _wait(app: QApplication, predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise SystemExit("timed out waiting for the check screen")
        app.processEvents()
        time.sleep(0.001)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="later visits to every section")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)

    from tests.ui.check_helpers import FULL_ANSWERS
    from ui.check.workflow import CheckWorkflow
    from ui.context import AppContext, SessionInfo, load_check_content
    from ui.tasks import TaskRunner

    with tempfile.TemporaryDirectory(prefix="bench-check-ui-") as folder:
        store = LocalStore.create(
            Path(folder) / "store",
            admin_name="Bench Nurse",
            admin_passphrase="synthetic benchmark passphrase",
            kdf=TEST_KDF,
        )
        person = services.register_person(
            store,
            PersonDetails(
                given_name="Testperson",
                family_name="Bench",
                date_of_birth="1970-01-02",
                sex="female",
                ethnic_category="A",
            ),
        )
        definition, rules, directory = load_check_content()
        services.record_consent(store, person.id, "check", True)
        check = services.start_check(store, person.id, definition_version=definition.version)
        services.save_answers(store, check.id, FULL_ANSWERS)
        runner = TaskRunner()
        assert store.current_user is not None
        context = AppContext(
            runner=runner,
            store=store,
            definition=definition,
            rules=rules,
            directory=directory,
            org_config=OrgConfig(),
            user=store.current_user,
            session=SessionInfo(venue_name="Bench venue"),
        )
        CheckWorkflow.PREBUILD_PAGES = False  # measure the worst case: each page built on its first visit
        workflow = CheckWorkflow(context, person.id, check.id)
        workflow.resize(1280, 860)
        workflow.show()
        _wait(app, lambda: workflow.form is not None)
        form = workflow.form
        assert form is not None
        sections = form.section_ids

        def move(section: str) -> float:
            began = time.perf_counter()
            form.show_section(section)
            app.processEvents()
            form.stack.currentWidget().grab()  # laid out and painted
            return (time.perf_counter() - began) * 1000

        first = [move(s) for s in sections]
        if os.environ.get("BENCH_VERBOSE"):
            print(dict(zip(sections, [round(v) for v in first])))
        later = [move(s) for _ in range(args.rounds) for s in sections]
        runner.shutdown(wait=True)
        store.close()

    print(f"check screen: {len(sections)} sections, offscreen, {args.rounds} later rounds")
    for name, values in (("first visit (page built)", first), ("later visits", later)):
        print(
            f"  {name:26s} median {statistics.median(values):6.1f} ms   p95 {_percentile(values, 0.95):6.1f} "
            "ms"
            f"   max {max(values):6.1f} ms"
        )
    worst_later = _percentile(later, 0.95)
    verdict = "OK" if worst_later < TARGET_MS and max(first) < TARGET_MS * 2 else "SLOW"
    print(f"  target: section switch under {TARGET_MS:.0f} ms -> {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
