"""The chaos suite's short version (tests/apply/chaos.py has the long one and the rules):
5 seeds over a 40-object catalog, covering every fault rate, both starts, the uniqueness
rule on and off, SIGKILL, and a UI editor during the first apply, within the CI budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apply.chaos import Scenario, run_scenario, scenarios, summary

SHORT = scenarios(5, 40, per_rate=False)


@pytest.mark.parametrize("scenario", SHORT, ids=str)
def test_chaos_converges_within_two_reruns_without_duplicates(
    scenario: Scenario, tmp_path: Path
) -> None:
    outcome = run_scenario(scenario, tmp_path)
    print(summary([outcome]))
    assert outcome.converged, outcome.detail
    assert outcome.runs <= 3
    assert outcome.duplicates == 0
    assert outcome.replan_changes == 0
    assert outcome.objects >= 35  # the catalog is there: about 40 objects
    assert outcome.lost == ()  # every UI edit made during the first apply is still there


def test_the_short_version_covers_every_mix() -> None:
    assert {s.rate for s in SHORT} == {0.05, 0.15, 0.30}
    assert {s.drifted for s in SHORT} == {True, False}
    assert {s.unique_keys for s in SHORT} == {True, False}
    assert any(s.kill for s in SHORT)
