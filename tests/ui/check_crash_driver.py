"""Run the real check workflow in its own process and answer questions until killed.

    python -m tests.ui.check_crash_driver DATA_DIR PERSON_ID

Used by test_crash_recovery: it opens the store (test KDF), records consent, answers
each question of ANSWERS through the widgets, waits until each answer is saved by the
store worker and prints "SAVED <linkId>", then "READY" and waits to be killed.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

# (linkId, value, unit): what the nurse enters before the laptop dies.
ANSWERS: list[tuple[str, object, str | None]] = [
    ("weight.status", "done", None),
    ("weight.height", (5, 10), "[ft_i]"),
    ("weight.weight", "82.5", None),
    ("blood_pressure.status", "done", None),
    ("blood_pressure.irregular", False, None),
    ("blood_pressure.systolic", "210", None),  # unusual: confirmed below
    ("blood_pressure.diastolic", "85", None),
    ("smoking.status", "done", None),
    ("smoking.tobacco_status", "77176002", None),
    ("smoking.cigarettes_per_day", "10", None),
    ("alcohol.status", "declined", None),
    ("alcohol.reason", "Preferred not to say", None),
]
CONFIRM = ("blood_pressure.systolic",)


def _spin(app: QApplication, predicate, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            print("TIMEOUT", flush=True)
            raise SystemExit(3)
        app.processEvents()
        time.sleep(0.002)


def main(data_dir: str, person_id: str) -> int:
    app = QApplication(sys.argv)
    from outreach.settings import OrgConfig
    from outreach.store.crypto import TEST_KDF
    from outreach.store.local_store import LocalStore
    from tests.ui.check_helpers import ADMIN, PASSPHRASE
    from ui.check.fields import ChoiceField, NumberField, TextField
    from ui.check.workflow import CheckWorkflow
    from ui.context import AppContext, load_check_content
    from ui.tasks import TaskRunner

    store = LocalStore.open(data_dir, kdf=TEST_KDF)
    user = store.unlock(ADMIN, PASSPHRASE)
    definition, rules, directory = load_check_content()
    runner = TaskRunner()
    context = AppContext(
        runner=runner,
        store=store,
        definition=definition,
        rules=rules,
        directory=directory,
        org_config=OrgConfig(),
        user=user,
    )
    workflow = CheckWorkflow(context, person_id)
    workflow.show()
    _spin(app, lambda: workflow.consent_page is not None)
    page = workflow.consent_page
    assert page is not None
    page.check_question.set_answer(True)
    for question in page.recipients.values():
        question.set_answer(True)
    page.submit()
    _spin(app, lambda: workflow.form is not None)
    print("CHECK", workflow.check_id, flush=True)
    form = workflow.form
    assert form is not None
    for link_id, value, unit in ANSWERS:
        element = definition.items[link_id].element
        form.show_section(element)
        field = form.pages[element].fields[link_id]  # type: ignore[attr-defined]
        if isinstance(field, NumberField):
            if unit:
                field.set_unit(unit)
            if isinstance(value, tuple):
                field.edit.setText(str(value[0]))
                field.small_edit.setText(str(value[1]))
            else:
                field.edit.setText(str(value))
            field.schedule()
            if link_id in CONFIRM:
                field.flush()
                field.confirm()
        elif isinstance(field, ChoiceField):
            field.box.setCurrentIndex(field.box.findData(value))
        elif isinstance(field, TextField):
            field.edit.setText(str(value))
            field.schedule()
        field.flush()
        _spin(app, lambda: workflow.saved)
        print("SAVED", link_id, flush=True)
    # A value typed but refused: it must not be saved (nor lose what was saved).
    form.show_section("blood_pressure")
    pulse = form.pages["blood_pressure"].fields["blood_pressure.pulse"]  # type: ignore[attr-defined]
    pulse.edit.setText("1000")
    pulse.flush()
    _spin(app, lambda: workflow.saved)
    print("READY", flush=True)
    while True:  # the test kills this process with SIGKILL
        app.processEvents()
        time.sleep(0.01)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
