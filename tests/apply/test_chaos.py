"""Apply under chaos: 15% of API requests get a fault of every kind, seeded, over 10 seeds.

Each run must end, after at most one re-run (plan again, apply again), with the live catalog
equal to the files and no natural key twice. Retries keep the client's decisions; only the
waits are shortened (a fast retry policy, a short read timeout against short hangs).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from catalog_sync.apply import ApplyOptions, ApplyReport, Outcome, apply_plan
from catalog_sync.cloudmore import ApiSettings, open_read_write
from catalog_sync.emulator import ALL_FAULT_KINDS, EmulatorConfig, FaultConfig, serve_in_thread
from catalog_sync.errors import CatalogSyncError
from catalog_sync.plan.build import target_of
from catalog_sync.render.apply_text import render_report
from tests.apply.support import (
    FAST_RETRIES,
    api_client,
    cli,
    natural_keys,
    plan_with,
    use_emulator,
)
from tests.cloudmore.emulator_helpers import demo_settings

SEEDS = range(1, 11)
APPLY_RUNS = 2  # the first, and at most one re-run
CHAOS = FaultConfig(rate=0.15, kinds=ALL_FAULT_KINDS, hang_seconds=0.6, retry_after_seconds=0)


async def _plan_and_apply(settings: ApiSettings, journal_dir: Path) -> ApplyReport | str:
    """One apply run: the report, or why it stopped before writing (also a failed run)."""
    try:
        async with open_read_write(settings, retry_policy=FAST_RETRIES) as client:
            plan = await plan_with(client, settings)
            options = ApplyOptions(journal_dir=journal_dir)
            return await apply_plan(plan, client, target_of(settings), options)
    except CatalogSyncError as error:
        return f"{type(error).__name__}: {error}"


@pytest.mark.parametrize("seed", SEEDS)
def test_apply_under_15_percent_faults_converges_within_one_rerun(
    seed: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    faults = CHAOS.model_copy(update={"random_seed": seed})
    with serve_in_thread(EmulatorConfig(seed="empty", faults=faults)) as url:
        settings = demo_settings(url, read_timeout=0.25)
        outcomes: list[ApplyReport | str] = []
        for _run in range(APPLY_RUNS):
            outcome = asyncio.run(_plan_and_apply(settings, tmp_path / "journal"))
            outcomes.append(outcome)
            if isinstance(outcome, ApplyReport) and outcome.ok:
                break
        print(f"seed {seed}: {len(outcomes)} run(s)", [_short(o) for o in outcomes])

        http = api_client(url)
        try:
            http.put("/_emulator/faults", json={}).raise_for_status()
            faulted = [e for e in http.get("/_emulator/requests").json() if e["fault"]]
            keys = natural_keys(http)
        finally:
            http.close()
        use_emulator(monkeypatch, url)
        monkeypatch.chdir(tmp_path)
        replan = cli(
            "plan", "--detailed-exitcode", str(Path(__file__).parents[2] / "catalogs" / "example")
        )

    last = outcomes[-1]
    assert isinstance(last, ApplyReport), last
    assert last.ok, render_report(last)
    assert replan.exit_code == 0, replan.output
    assert [key for key, count in keys.items() if count > 1] == []
    assert len(keys) == 44  # 2 brokers, 6 services, 10 products, 26 addons
    assert len(faulted) >= 3  # the chaos happened: some 14 of about 95 requests, on average


def _short(outcome: ApplyReport | str) -> str:
    if isinstance(outcome, str):
        return outcome[:200]
    counts = ", ".join(f"{n} {o.value}" for o, n in outcome.counts.items() if n)
    failed = [f"{r.address}: {r.reason}" for r in outcome.results if r.outcome is Outcome.FAILED]
    problem = outcome.verify_error or ""
    return f"ok={outcome.ok} {counts} mismatches={len(outcome.mismatches)} {failed} {problem}"
