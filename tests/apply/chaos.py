"""The chaos suite: seeded fault mixes during apply, then at most two re-runs must converge.

One run: a generated catalog (``resources`` objects: services, products, addons) is applied
onto an empty seller or onto a drifted one (an older version of the catalog applied first:
other prices, missing addons, an extra product that prune must delete), with the emulator's
uniqueness rule on or off, while a share ``rate`` of API requests gets a fault of every kind
the emulator has: 429 with Retry-After, 500/502/503/504, commit-then-502, commit-then-drop (a
truncated body), hangs past the client's read timeout, and 401 (a revoked token). Some runs
first SIGKILL an apply at a random journal record. Then plan + apply run again, at most
``APPLY_RUNS`` times in all, and the run passes when an apply reports ok, the natural keys
counted through the raw API (plain httpx) hold no duplicate, and a final re-plan is empty.

Before those runs, one more apply (after its plan is made) runs with a UI editor
(tests/apply/ui_editor.py) editing random objects through the API, fields the catalog manages
and fields it does not; right after it every edit must still be there (kept, or the change
that would have overwritten it refused as stale): no lost update. An edit that landed while
apply's change of its object was in flight (from its start, which re-reads the object, to its
end, the PUT answered) is counted apart, as "window": that window only a conditional PUT
could close (docs/threat-model.md). The runs after it must then
converge as above, the editor's edits of managed fields reverted by a plan that shows them.

Short version (CI, in the default test run): tests/apply/test_chaos_suite.py, 5 seeds over a
40-object catalog. Long version, by hand (README, "Chaos suite"):

    .venv/bin/python -m tests.apply.chaos --seeds 50 --resources 1000
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from catalog_sync.apply import ApplyOptions, ApplyReport, apply_plan
from catalog_sync.catalog import load_catalog
from catalog_sync.cloudmore import ApiSettings, open_read_write
from catalog_sync.emulator import ALL_FAULT_KINDS, DEMO, EmulatorConfig, serve_in_thread
from catalog_sync.errors import CatalogSyncError
from catalog_sync.plan.build import make_plan, target_of
from tests.apply.support import FAST_RETRIES, api_client, natural_keys
from tests.apply.ui_editor import Edit, EditorListener, UiEditor
from tests.cloudmore.emulator_helpers import demo_settings

RATES = (0.05, 0.15, 0.30)
APPLY_RUNS = 3
"""The first apply and at most two re-runs."""
KILL_DEADLINE_SECONDS = 120
MARKER_ATTEMPTS = 50


@dataclass(frozen=True)
class Scenario:
    seed: int
    rate: float
    drifted: bool
    unique_keys: bool
    resources: int
    kill: bool
    editor: bool = True

    def __str__(self) -> str:
        start = "drifted" if self.drifted else "empty"
        unique = "unique" if self.unique_keys else "no-unique"
        kill = " +SIGKILL" if self.kill else ""
        editor = " +UI" if self.editor else ""
        return (
            f"seed {self.seed} rate {self.rate:.0%} {start} {unique} {self.resources}{kill}{editor}"
        )


@dataclass(frozen=True)
class Outcome:
    scenario: Scenario
    runs: int
    converged: bool
    duplicates: int
    replan_changes: int
    objects: int
    faults: int
    detail: str
    edits: int = 0
    """Edits the UI editor made during the first apply (confirmed by the server)."""
    managed_edits: int = 0
    refused: int = 0
    """Changes of that apply refused because an object moved (the whole plan, when stale)."""
    lost: tuple[str, ...] = ()
    """Edits no longer there right after that apply: lost updates."""
    uncertain: int = 0
    """Objects the editor left alone after a PUT of one ended without an answer."""
    window: int = 0
    """Edits overwritten because they landed between apply's re-read of their object and its
    PUT: the window no client can close without a conditional PUT (docs/threat-model.md)."""

    @property
    def passed(self) -> bool:
        return (
            self.converged and self.duplicates == 0 and self.replan_changes == 0 and not self.lost
        )


# ---------------------------------------------------------------------------- the catalog


def _shape(resources: int) -> tuple[int, int, int]:
    """Services, products per service, addons per product: about ``resources`` in all."""
    for services, products in ((10, 9), (5, 6), (3, 4), (2, 3), (1, 2)):
        addons = (resources - services - services * products) // (services * products)
        if addons >= 1:
            return services, products, min(addons, 40)
    return 1, 1, 1


def write_catalog(directory: Path, resources: int, rnd: random.Random, *, older: bool) -> None:
    """A catalog of about ``resources`` objects; ``older`` is a drifted earlier version."""
    services, products, addons = _shape(resources)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "catalog.yaml").write_text(
        "settings:\n  prune: true\n  thresholds:\n    maxUpdatePercent: 100\n"
        "    maxDeletePercent: 100\n",
        encoding="utf-8",
    )
    for s in range(services):
        lines = [
            "services:",
            f"  - name: Chaos service {s}",
            "    vendorName: Chaos",
            "    categories: [Productivity]",
            "    provisioningType: Email",
            "    publish:",
            "      to: allBrokers",
            "    products:",
        ]
        extra = 1 if older and s == 0 else 0
        for p in range(products + extra):
            metered = p % 2 == 1
            lines += [
                f"      - name: Product {s}.{p}",
                f"        itemCode: p{s}-{p}",
                f"        type: {'Metered' if metered else 'ProductBased'}",
                "        subscriptionPeriodMonths: 1",
                "        billingFrequencyMonths: 1",
            ]
            addon_lines: list[str] = []
            for a in range(addons):
                if older and rnd.random() < 0.1:
                    continue  # missing in the older version: a create now
                cents = (s * 7 + p * 13 + a * 17) % 9000 + 100
                if older and rnd.random() < 0.2:
                    cents += 1  # another price in the older version: an update now
                addon_lines += [
                    f"          - name: Addon {s}.{p}.{a}",
                    f"            itemCode: a{s}-{p}-{a}",
                    f'            price: "{cents // 100}.{cents % 100:02d}"',
                    f"            pricePer: {'Metered' if metered else 'Quantity'}",
                ]
            lines += ["        addons:", *addon_lines] if addon_lines else ["        addons: []"]
        (directory / f"service-{s}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------- one run


def catalog_keys(resources: int) -> frozenset[str]:
    """The natural keys of the catalog ``write_catalog`` writes (not its older version's)."""
    services, products, addons = _shape(resources)
    keys = {f"Chaos service {s}" for s in range(services)}
    keys |= {f"p{s}-{p}" for s in range(services) for p in range(products)}
    keys |= {
        f"a{s}-{p}-{a}" for s in range(services) for p in range(products) for a in range(addons)
    }
    return frozenset(keys)


async def _apply_once(
    catalog: Path, settings: ApiSettings, journal: Path, editor: UiEditor | None = None
) -> ApplyReport | str:
    """Plan and apply; ``editor`` edits from the moment the plan is made to apply's end."""
    try:
        async with open_read_write(settings, retry_policy=FAST_RETRIES) as client:
            plan = (
                await make_plan(
                    catalog.as_posix(), load_catalog(catalog), client, target_of(settings)
                )
            ).plan
            if editor is not None:
                editor.start(frozenset(c.address.key or "" for c in plan.changes))
            try:
                listener = EditorListener(editor) if editor is not None else None
                options = ApplyOptions(journal_dir=journal)
                return await apply_plan(plan, client, target_of(settings), options, listener)
            finally:
                if editor is not None:
                    editor.stop()
    except CatalogSyncError as error:
        return f"{type(error).__name__}: {str(error)[:300]}"


def _lost(edit: Edit, now: object, entries: list[dict[str, Any]]) -> str:
    """A lost edit, with the writes to its object the emulator logged from then on."""
    writes = [
        f"{e['method']} by {str(e['agent'] or '?').split('/')[0]} at {e['startedAt'][11:]} "
        f"({e['durationMs']} ms, {e['status']}, {e['fault'] or 'no fault'})"
        for e in entries
        if e["path"] == edit.path
        and e["method"] != "GET"
        and datetime.fromisoformat(e["startedAt"]).timestamp() >= edit.sent_at - 1
    ]
    sent = datetime.fromtimestamp(edit.sent_at, UTC).isoformat(timespec="milliseconds")[11:]
    return (
        f"{edit.path} {edit.field}: edited {edit.value!r} at {sent}, now {now!r}; "
        f"writes: {'; '.join(writes)}"
    )


def _refused(outcome: ApplyReport | str) -> int:
    if isinstance(outcome, str):
        return 1 if outcome.startswith("StalePlanError") else 0
    return sum(
        1
        for r in outcome.results
        if r.reason is not None and "since apply checked the plan" in r.reason
    )


async def _replan_changes(catalog: Path, settings: ApiSettings) -> int:
    async with open_read_write(settings, retry_policy=FAST_RETRIES) as client:
        plan = (
            await make_plan(catalog.as_posix(), load_catalog(catalog), client, target_of(settings))
        ).plan
    return len(plan.changes)


def _journal_lines(cwd: Path) -> int:
    journals = sorted((cwd / ".catalog-sync" / "journal").glob("apply-*.jsonl"))
    return journals[-1].read_bytes().count(b"\n") if journals else 0


def _kill_during_apply(catalog: Path, url: str, cwd: Path, records: int) -> None:
    """An apply in a process of its own, SIGKILLed once its journal holds ``records`` records
    (or when it ends by itself first)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "CLOUDMORE_API_URL": url,
        "CLOUDMORE_USERNAME": DEMO.username,
        "CLOUDMORE_PASSWORD": DEMO.password,
        "CLOUDMORE_CLIENT_ID": DEMO.client_id,
        "CLOUDMORE_CLIENT_SECRET": DEMO.client_secret,
        "CLOUDMORE_SELLER_ID": DEMO.seller_id,
        "CLOUDMORE_READ_TIMEOUT": "0.25",
        "CATALOG_SYNC_LOCK_DIR": str(cwd / "locks"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "catalog_sync", "apply", str(catalog), "--yes"],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + KILL_DEADLINE_SECONDS
    try:
        while _journal_lines(cwd) < records and process.poll() is None:
            if time.monotonic() > deadline:
                break
            time.sleep(0.005)  # polling the journal file, not waiting for time to pass
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)


def _wait_until_idle(http: httpx.Client) -> None:
    """Requests of a killed process still in the server finish before anything is read.

    The marker request is an API request, so the fault mix applies to it too: it is repeated
    until one answers 200 (each attempt is logged with its own sequence number).
    """
    for _ in range(MARKER_ATTEMPTS):
        try:
            if http.get("/api/healthcheck").status_code == 200:
                break
        except httpx.HTTPError:
            continue  # a hang past the timeout or a dropped connection: another fault
    else:
        raise AssertionError(f"no healthcheck answered 200 in {MARKER_ATTEMPTS} attempts")
    until = max(e["seq"] for e in http.get("/_emulator/requests").json())
    deadline = time.monotonic() + KILL_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        logged = {e["seq"] for e in http.get("/_emulator/requests").json()}
        if logged >= set(range(1, until)):
            return


def run_scenario(scenario: Scenario, work: Path) -> Outcome:
    rnd = random.Random(scenario.seed)
    target = work / "catalog"
    write_catalog(target, scenario.resources, random.Random(scenario.seed), older=False)
    faults = {
        "rate": scenario.rate,
        "kinds": list(ALL_FAULT_KINDS),
        "randomSeed": scenario.seed,
        "hangSeconds": 0.6,
        "retryAfterSeconds": 0,
    }
    with serve_in_thread(EmulatorConfig(seed="empty", unique_keys=scenario.unique_keys)) as url:
        settings = demo_settings(url, read_timeout=0.25)
        http = api_client(url)
        try:
            if scenario.drifted:
                older = work / "older"
                write_catalog(older, scenario.resources, rnd, older=True)
                first = asyncio.run(_apply_once(older, settings, work / "journal-older"))
                assert isinstance(first, ApplyReport), first
                assert first.ok, first
            http.put("/_emulator/faults", json=faults).raise_for_status()
            if scenario.kill:
                records = rnd.randint(1, 2 * scenario.resources)
                _kill_during_apply(target, url, work, records)
                _wait_until_idle(http)
            editor = (
                UiEditor(url, scenario.seed, catalog_keys(scenario.resources))
                if scenario.editor
                else None
            )
            lost: list[str] = []
            refused = window = 0
            if editor is not None:
                edited = asyncio.run(_apply_once(target, settings, work / "journal", editor))
                refused = _refused(edited)
                # Right away: the next plan shows a managed edit and reverts it, as reviewed;
                # only this run could have lost one.
                gone = editor.lost()
                entries = http.get("/_emulator/requests").json()
                lost = [_lost(e, now, entries) for e, now in gone if not editor.in_window(e)]
                lost += [f"the editor failed: {e}" for e in editor.errors]
                window = len(gone) - len(lost) + len(editor.errors)
            outcomes: list[ApplyReport | str] = []
            for _ in range(APPLY_RUNS):
                outcome = asyncio.run(_apply_once(target, settings, work / "journal"))
                outcomes.append(outcome)
                if isinstance(outcome, ApplyReport) and outcome.ok:
                    break
            faulted = sum(1 for e in http.get("/_emulator/requests").json() if e["fault"])
            http.put("/_emulator/faults", json={}).raise_for_status()
            keys: Counter[str] = natural_keys(http)
            replan = asyncio.run(_replan_changes(target, settings))
        finally:
            http.close()
    last = outcomes[-1]
    converged = isinstance(last, ApplyReport) and last.ok
    return Outcome(
        scenario=scenario,
        runs=len(outcomes),
        converged=converged,
        duplicates=sum(count - 1 for count in keys.values() if count > 1),
        replan_changes=replan,
        objects=len(keys),
        faults=faulted,
        detail="" if converged else str(last)[:300],
        edits=len(editor.edits) if editor is not None else 0,
        managed_edits=editor.managed_edits if editor is not None else 0,
        refused=refused,
        lost=tuple(lost),
        uncertain=len(editor.uncertain) if editor is not None else 0,
        window=window,
    )


# ---------------------------------------------------------------------------- the suite


def scenarios(seeds: int, resources: int, *, per_rate: bool = True) -> list[Scenario]:
    """``seeds`` scenarios per rate (long version), or ``seeds`` in all (short version);
    start, uniqueness and SIGKILL vary with the seed so every mix is covered."""
    chosen: list[Scenario] = []
    rates = RATES if per_rate else (None,)
    for rate in rates:
        for seed in range(1, seeds + 1):
            chosen.append(
                Scenario(
                    seed=seed,
                    rate=rate if rate is not None else RATES[seed % len(RATES)],
                    drifted=seed % 2 == 0,
                    unique_keys=(seed // 2) % 2 == 0,
                    resources=resources,
                    kill=seed % 3 == 0,
                )
            )
    return chosen


def summary(outcomes: list[Outcome]) -> str:
    groups: dict[tuple[float, bool], list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[(outcome.scenario.rate, outcome.scenario.unique_keys)].append(outcome)
    lines = [
        "rate  uniqueness  runs  converged  duplicates  re-runs(max)  re-plan-changes  faults"
        "  UI-edits(managed)  refused  window  lost"
    ]
    for (rate, unique), group in sorted(groups.items()):
        reruns = [o.runs - 1 for o in group]
        edits = f"{sum(o.edits for o in group)}({sum(o.managed_edits for o in group)})"
        lines.append(
            f"{rate:>4.0%}  {'on ' if unique else 'off'}         {len(group):>4}  "
            f"{sum(o.converged for o in group):>9}  {sum(o.duplicates for o in group):>10}  "
            f"{sum(reruns):>7}({max(reruns)})  {sum(o.replan_changes for o in group):>15}  "
            f"{sum(o.faults for o in group):>6}  {edits:>17}  "
            f"{sum(o.refused for o in group):>7}  {sum(o.window for o in group):>6}  "
            f"{sum(len(o.lost) for o in group):>4}"
        )
    passed = sum(o.passed for o in outcomes)
    lines.append(f"{passed} of {len(outcomes)} runs passed")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seeds", type=int, default=50, help="seeds per fault rate")
    parser.add_argument("--resources", type=int, default=1000)
    parser.add_argument("--first-seed", type=int, default=1)
    args = parser.parse_args(argv)
    # Retries are logged (stamina) and the emulator logs clients that hung up on a hang: both
    # expected under chaos, and noise in the summary.
    logging.disable(logging.WARNING)
    chosen = [
        s
        for s in scenarios(args.first_seed + args.seeds - 1, args.resources)
        if s.seed >= args.first_seed
    ]
    outcomes = []
    for scenario in chosen:
        with tempfile.TemporaryDirectory(prefix="chaos-") as work:
            outcome = run_scenario(scenario, Path(work))
        outcomes.append(outcome)
        verdict = "ok" if outcome.passed else "FAILED"
        print(
            f"{scenario}: {verdict}, {outcome.runs} run(s), {outcome.objects} objects, "
            f"{outcome.duplicates} duplicates, re-plan {outcome.replan_changes} change(s), "
            f"{outcome.faults} faults, {outcome.edits} UI edits ({outcome.managed_edits} "
            f"managed, {outcome.uncertain} unanswered), {outcome.refused} refused, "
            f"{outcome.window} in the re-read-to-PUT window, {len(outcome.lost)} lost "
            f"{'; '.join(outcome.lost[:3])} {outcome.detail}",
            flush=True,
        )
    print(summary(outcomes))
    return 0 if all(o.passed for o in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
