"""Townsend deprivation score from the organisation's postcode file: read strictly, looked up by
postcode in any spacing, stored once with the check, used by QRISK3 everywhere, and said plainly
to the clinician (never on the person's summary) when it is not known."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach.checks.context import TOWNSEND_KEY, build_context
from outreach.checks.definition import default_definition
from outreach.checks.evaluation import QRISK3_CAVEATS, evaluate_check, qrisk3_inputs
from outreach.checks.person import PersonFacts
from outreach.clinical.qrisk3 import QRisk3Inputs, calculate_qrisk3
from outreach.clinical.townsend import TownsendLookup, normalise_postcode
from outreach.errors import ValidationError
from tests.checks.test_evaluation import full_check

DEFN = default_definition()
WHO = PersonFacts(56, "male", "A")


def test_the_file_is_read_by_header_and_postcodes_in_any_spacing() -> None:
    lookup = TownsendLookup.from_text("Postcode,LSOA,Townsend\nBS1 4DJ,E01014540,3.2\nbs16 1qy,x,-1.5\n",
                                      source="townsend-2011.csv")
    assert lookup.score_for("bs14dj") == 3.2 and lookup.score_for(" BS16 1QY ") == -1.5
    assert lookup.score_for("BS99 9ZZ") is None and lookup.score_for(None) is None
    assert normalise_postcode(" bs1  4dj") == "BS14DJ"


@pytest.mark.parametrize(("text", "words"), [
    ("postcode,score\nBS1 4DJ,1\n", "header row"),
    ("postcode,townsend\nBS1 4DJ,high\n", "Line 2"),
    ("postcode,townsend\nBS1 4DJ,1\nBS2 0JA,99\n", "Line 3"),
    ("postcode,townsend\n,2.5\n", "no postcode"),
])
def test_a_bad_file_is_refused_with_the_line(text: str, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        TownsendLookup.from_text(text, source="f.csv")


def test_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "townsend.csv"
    path.write_text("\ufeffpostcode,townsend\nBS1 4DJ,2\n", encoding="utf-8")
    assert TownsendLookup.from_file(path).score_for("BS1 4DJ") == 2.0


def test_a_stored_score_is_used_by_qrisk3_and_named_beside_it() -> None:
    answers = full_check()
    without = evaluate_check(DEFN, answers, WHO)
    with_score = evaluate_check(DEFN, answers, WHO, townsend={"score": 6.5, "source": "townsend.csv"})
    inputs = qrisk3_inputs(with_score.facts, WHO)
    inputs["townsend_score"] = 6.5
    expected = calculate_qrisk3(QRisk3Inputs(**inputs)).risk_percent
    assert with_score.qrisk3.risk_percent == expected != without.qrisk3.risk_percent
    assert without.qrisk3.caveats == QRISK3_CAVEATS and "0 was used for both" in without.qrisk3.caveats[1]
    assert "Townsend deprivation score 6.5" in with_score.qrisk3.caveats[1]
    assert "townsend.csv" in with_score.qrisk3.caveats[1]


def test_the_context_reads_it_from_the_check_and_the_shared_record_carries_the_caveat() -> None:
    from outreach.fhir.bundle import check_bundle
    from tests.fhir.factories import SENDER, consents, finalised_check, person

    p = person(1)
    check, findings, follow_ups = finalised_check(3, p, answers=full_check())
    plain = build_context(check, p, definition=DEFN)
    check.document[TOWNSEND_KEY] = {"score": 4.0, "source": "org.csv"}
    scored = build_context(check, p, definition=DEFN)
    assert scored.evaluation.qrisk3.risk_percent != plain.evaluation.qrisk3.risk_percent
    bundle = check_bundle(check, p, findings=findings, follow_ups=follow_ups, consents=consents(p),
                          sender=SENDER).bundle
    (qrisk,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
                and any(c.get("code") == "1085871000000105" for c in e["resource"]["code"]["coding"])]
    assert qrisk["valueQuantity"]["value"] == round(scored.evaluation.qrisk3.risk_percent, 1)
    assert any("Townsend deprivation score 4" in n["text"] for n in qrisk["note"])


def test_the_caveat_is_for_the_clinician_not_on_the_persons_summary() -> None:
    import datetime as dt

    from outreach.summary import build_summary

    ev = evaluate_check(DEFN, full_check(), WHO)
    assert ev.qrisk3.result is not None and any("Townsend" in c for c in ev.qrisk3.caveats)
    summary = build_summary(ev, given_name="Testperson", check_date=dt.date(2026, 3, 2))
    assert summary.shows_heart_score and "Townsend" not in summary.all_text()
