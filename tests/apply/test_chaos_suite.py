"""The chaos suite's short version (tests/apply/chaos.py has the long one and the rules):
5 seeds over a 40-object catalog, covering every fault rate, both starts, the uniqueness
rule on and off, SIGKILL, and a UI editor during the first apply, within the CI budget."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from catalog_sync.apply import ApplyReport
from catalog_sync.emulator import ALL_FAULT_KINDS, DEMO, EmulatorConfig, serve_in_thread
from tests.apply.chaos import (
    APPLY_RUNS,
    Scenario,
    apply_once,
    replan_changes,
    run_scenario,
    scenarios,
    summary,
)
from tests.apply.support import api_client
from tests.cloudmore.emulator_helpers import demo_settings

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


# A broker's catalog (docs/broker.md): faults while its customer prices and own service are
# applied, against the demo broker.
BROKER_CATALOG = """\
settings:
  side: broker
services:
  - name: Acme Onboarding
    vendorName: Acme
    categories: [Productivity]
    products:
      - name: Onboarding
        itemCode: onboard
        type: ProductBased
        price: "500"
      - name: Training
        itemCode: training
        type: ProductBased
        price: "900"
customers:
"""
_CUSTOMER = """\
  - organization: {name}
    services:
      - name: Google Workspace
        products:
          - itemCode: payg
            addons:
              - itemCode: gws-starter
                prices: {{SEK: {{price: "6{n}.00"}}, EUR: {{price: "6.{n}0"}}}}
              - itemCode: gws-std
                prices: {{SEK: {{price: "11{n}.00"}}, EUR: {{price: "11.{n}0"}}}}
"""
ORGANIZATIONS = ("Nordic Retail AB", "Baltic Logistics SIA", "Fjord Consulting AS")


@pytest.mark.parametrize(("seed", "rate"), [(1, 0.15), (2, 0.30)])
def test_chaos_on_a_brokers_customer_prices_converges_without_duplicates(
    seed: int, rate: float, tmp_path: Path
) -> None:
    catalog = tmp_path / "broker"
    catalog.mkdir()
    customers = "".join(_CUSTOMER.format(name=n, n=i + 1) for i, n in enumerate(ORGANIZATIONS))
    (catalog / "catalog.yaml").write_text(BROKER_CATALOG + customers, encoding="utf-8")
    faults = {
        "rate": rate,
        "kinds": list(ALL_FAULT_KINDS),
        "randomSeed": seed,
        "hangSeconds": 0.6,
        "retryAfterSeconds": 0,
    }
    with serve_in_thread(EmulatorConfig(seed="demo", unique_keys=False)) as url:
        settings = demo_settings(url, read_timeout=0.25).model_copy(
            update={"reseller_id": DEMO.reseller_id, "side": "broker"}
        )
        http = api_client(url)
        try:
            http.put("/_emulator/faults", json=faults).raise_for_status()
            outcomes = []
            for _ in range(APPLY_RUNS):
                outcome = asyncio.run(apply_once(catalog, settings, tmp_path / "journal"))
                outcomes.append(outcome)
                if isinstance(outcome, ApplyReport) and outcome.ok:
                    break
            faulted = sum(1 for e in http.get("/_emulator/requests").json() if e["fault"])
            http.put("/_emulator/faults", json={}).raise_for_status()
            replan = asyncio.run(replan_changes(catalog, settings))
            state = http.get("/_emulator/state").json()
        finally:
            http.close()
    last = outcomes[-1]
    assert isinstance(last, ApplyReport), last
    assert last.ok, last
    assert faulted > 0
    assert replan == 0
    own = [s for s in state["services"] if s.get("_resellerId") == DEMO.reseller_id]
    assert [s["name"] for s in own] == ["Acme Onboarding"]
    products = [p for p in state["products"] if p["_serviceId"] == own[0]["id"]]
    assert sorted(p["itemCode"] for p in products) == ["onboard", "training"]
