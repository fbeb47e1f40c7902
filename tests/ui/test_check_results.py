"""The QRISK3 score is never shown without its caveats, and the BMI says which thresholds classed it."""

from __future__ import annotations

from outreach.checks.evaluation import QRISK3_CAVEATS, evaluate_check
from outreach.checks.person import PersonFacts
from tests.ui.check_helpers import (  # noqa: F401
    FULL_ANSWERS,
    CheckEnv,
    check_env_fixture,
    content,
    draft_with,
    open_workflow,
)
from ui.check.findings_page import FindingsPage
from ui.check.results_panel import ResultsPanel


def _evaluate(answers: dict, who: PersonFacts):  # type: ignore[no-untyped-def]
    defn, rules, _ = content()
    return evaluate_check(defn, answers, who, rules)


def test_a_score_is_shown_with_each_caveat_and_the_disclaimer(qtbot) -> None:
    panel = ResultsPanel()
    qtbot.addWidget(panel)
    evaluation = _evaluate(FULL_ANSWERS, PersonFacts(56, "male", "A"))
    assert evaluation.qrisk3.result is not None
    panel.update_from(evaluation)
    assert not panel.qrisk3_caveats.isHidden()
    for caveat in QRISK3_CAVEATS:
        assert caveat in panel.qrisk3_caveats.text()
    assert "standard thresholds" in panel.qrisk3_caveats.text()
    assert not panel.disclaimer.isHidden() and panel.disclaimer.text()
    # No score (no cholesterol): no caveats, no disclaimer.
    no_lipids = {k: v for k, v in FULL_ANSWERS.items() if not k.startswith("lipids.")}
    panel.update_from(_evaluate(no_lipids, PersonFacts(56, "male", "A")))
    assert panel.qrisk3_caveats.isHidden() and panel.qrisk3_caveats.text() == ""
    assert panel.disclaimer.isHidden()


def test_the_bmi_says_when_the_lower_thresholds_were_used(qtbot) -> None:
    panel = ResultsPanel()
    qtbot.addWidget(panel)
    panel.update_from(_evaluate(FULL_ANSWERS, PersonFacts(56, "male", "H")))  # H: Indian
    assert "lower thresholds" in panel.bmi_thresholds.text() and not panel.bmi_thresholds.isHidden()
    assert "lower thresholds" in panel.qrisk3_caveats.text()
    panel.update_from(_evaluate(FULL_ANSWERS, PersonFacts(56, "male", "A")))
    assert "standard thresholds" in panel.bmi_thresholds.text()
    panel.update_from(_evaluate({}, PersonFacts(56, "male", "H")))
    assert panel.bmi_thresholds.isHidden()


def test_the_check_screen_shows_the_caveats_beside_the_score_and_its_finding(
    qtbot, check_env: CheckEnv
) -> None:
    wf = open_workflow(qtbot, check_env, draft_with(check_env, dict(FULL_ANSWERS)))
    results = wf.form.results
    assert results.qrisk3.text().startswith("QRISK3: ")
    for caveat in QRISK3_CAVEATS:
        assert caveat in results.qrisk3_caveats.text()
    assert results.qrisk3_caveats.isVisibleTo(wf)
    wf.form.show_section("findings")
    page = wf.form.page("findings")
    assert isinstance(page, FindingsPage)
    qrisk_row = page.rows["qrisk3-10-percent"]
    for caveat in QRISK3_CAVEATS:
        assert caveat in qrisk_row.notes_label.text()
    assert qrisk_row.notes_label.isVisibleTo(wf)
    assert wf.evaluation is not None and wf.evaluation.qrisk3.disclaimer in qrisk_row.notes_label.text()
    assert page.rows["bp-high"].notes_label.isHidden()  # only the score's finding carries them


def test_blood_sugar_and_cholesterol_are_read_in_words_and_qrisk3_says_when_it_does_not_apply(qtbot) -> None:
    panel = ResultsPanel()
    qtbot.addWidget(panel)
    panel.update_from(_evaluate(FULL_ANSWERS, PersonFacts(56, "male", "A")))
    assert panel.glycaemia.text().startswith("Blood sugar (")
    assert "total/HDL ratio" in panel.lipids.text() and "non-HDL" in panel.lipids.text()
    assert "146/92" in panel.blood_pressure.text() and "lower of the last two" in panel.blood_pressure.text()
    panel.update_from(_evaluate({}, PersonFacts(56, "male", "A")))
    assert "needs HbA1c" in panel.glycaemia.text() and "needs total and HDL" in panel.lipids.text()
    # Existing heart disease: no score, the reason in plain words, and no disclaimer without a score.
    cvd = {**FULL_ANSWERS, "general_health.existing_cvd": True}
    panel.update_from(_evaluate(cvd, PersonFacts(56, "male", "A")))
    assert panel.qrisk3.text().startswith("QRISK3 does not apply") and panel.disclaimer.isHidden()
