"""Demo data records consent to share the way a real caseload looks, the same for the same seed,
and leaves consent alone for callers that record it themselves."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach import services
from outreach.demo_data import RECIPIENTS, DemoSummary, Sharing, fill_demo_data, sharing_plan
from outreach.errors import ValidationError
from outreach.store.local_store import LocalStore
from tests.factories import new_store


def demo_store(folder: Path, people: int, sharing: Sharing, seed: int = 5) -> tuple[LocalStore, DemoSummary]:
    store = new_store(folder)
    summary = fill_demo_data(store, people=people, checks_per_person=1, seed=seed, sharing=sharing)
    return store, summary


def caseload(store: LocalStore) -> dict[str, tuple[str | None, dict[str, bool]]]:
    """Each demo person by name: their NHS number and their current consent answers."""
    out = {}
    for item in store.outbox.list():
        person = store.people.get(store.checks.get(item.check_id).person_id)
        out[person.display_name] = (person.details.nhs_number, services.consent_status(store, person.id))
    return out


def test_by_default_nobody_is_asked_about_sharing(tmp_path: Path) -> None:
    store, summary = demo_store(tmp_path / "s", people=4, sharing="none")
    try:
        people = caseload(store)
        assert len(people) == 4
        assert all(answers == {"check": True} for _, answers in people.values())
        assert (summary.sharing, summary.declined, summary.not_asked) == (0, 0, 4)
    finally:
        store.close()


def test_the_mix_looks_like_a_real_caseload_and_is_the_same_for_the_same_seed(tmp_path: Path) -> None:
    first, summary = demo_store(tmp_path / "one", people=40, sharing="mix")
    second, again = demo_store(tmp_path / "two", people=40, sharing="mix")
    try:
        people = caseload(first)
        assert people == caseload(second)
        assert summary.sharing == again.sharing and summary.shared_with == again.shared_with

        declined = [name for name, (_, a) in people.items() if not any(a.get(r) for r in RECIPIENTS)]
        gp = [name for name, (_, a) in people.items() if a.get("gp")]
        assert 1 <= len(declined) < len(people) // 4  # a minority declines sharing with anyone
        assert len(gp) > len(people) // 2  # most share with their GP
        assert summary.shared_with["mental_health_trust"] > 0 and summary.shared_with["charity"] > 0
        assert summary.declined == len(declined) and summary.sharing == len(people) - len(declined)
        for name in declined:  # every recipient was asked and said no, as on the consent screen
            assert people[name][1] == {"check": True, **dict.fromkeys(RECIPIENTS, False)}
    finally:
        first.close()
        second.close()


def test_the_sharing_mode_does_not_change_the_people_or_their_checks(tmp_path: Path) -> None:
    plain, _ = demo_store(tmp_path / "plain", people=6, sharing="none")
    mixed, _ = demo_store(tmp_path / "mixed", people=6, sharing="mix")
    try:
        assert {n: nhs for n, (nhs, _) in caseload(plain).items()} == {
            n: nhs for n, (nhs, _) in caseload(mixed).items()
        }
    finally:
        plain.close()
        mixed.close()


def test_all_has_everyone_share_with_their_gp(tmp_path: Path) -> None:
    store, summary = demo_store(tmp_path / "s", people=5, sharing="all")
    try:
        assert all(a["gp"] is True for _, a in caseload(store).values())
        assert summary.sharing == 5 and summary.declined == 0
    finally:
        store.close()


@pytest.mark.parametrize("people", [3, 5, 8, 12])
def test_even_a_small_training_caseload_has_someone_who_declines(people: int) -> None:
    plan = sharing_plan(people, "mix", seed=1)
    declined = [d for d in plan if d is not None and not any(d.values())]
    assert len(plan) == people and 1 <= len(declined) < people


def test_an_unknown_sharing_mode_is_refused() -> None:
    with pytest.raises(ValidationError, match="Sharing is one of"):
        sharing_plan(3, "some", seed=1)  # type: ignore[arg-type]
