"""A broker's customers on the live side (catalog_sync/live/customers.py): a no-change plan
reads the organizations list once and one price list per named organization, service and
currency, and no other organization's (docs/broker.md, "What a plan reads")."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from bench.bounds import broker_plan_minimum
from catalog_sync.catalog import load_catalog
from catalog_sync.emulator import DEMO
from catalog_sync.plan.build import make_plan, target_of
from tests.apply.support import InProcess

_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CATALOG = """\
settings:
  side: broker
services:
  - name: Google Workspace
    marketplace: true
    products:
      - itemCode: payg
        addons:
          - itemCode: gws-std
            prices: {SEK: {price: "125.00"}}
customers:
  - organization: Nordic Retail AB
    services:
      - name: Google Workspace
        products:
          - itemCode: payg
            addons:
              - itemCode: gws-std
                prices: {SEK: {price: "115.00"}}
  - organization: Baltic Logistics SIA
    services:
      - name: Google Workspace
        products:
          - itemCode: payg
            addons:
              - itemCode: gws-std
                prices: {EUR: {price: "10.90"}}
"""


def _broker(emulator: InProcess) -> None:
    emulator.settings = emulator.settings.model_copy(
        update={"reseller_id": DEMO.reseller_id, "side": "broker"}
    )


@pytest.mark.anyio
async def test_a_no_change_plan_reads_each_named_customers_price_lists_once(
    tmp_path: Path,
) -> None:
    (tmp_path / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    emulator = InProcess("demo")
    _broker(emulator)
    store = emulator.app.state.emulator.store
    orgs = {o["name"]: o["id"] for o in store.organizations.values()}
    async with emulator.client() as client:
        drafted = await make_plan(
            str(tmp_path), load_catalog(tmp_path), client, target_of(emulator.settings)
        )
    assert drafted.plan.changes == ()
    requests = [f"{e['method']} {e['path']}" for e in emulator.requests()]
    customer_reads = Counter(r for r in requests if "/organizations/" in r)
    named = {orgs["Nordic Retail AB"], orgs["Baltic Logistics SIA"]}
    assert sorted(customer_reads.values()) == [1, 1]
    read_orgs = {_GUID.findall(r)[1] for r in customer_reads}
    assert read_orgs == named
    assert set(orgs.values()) - named  # the others exist, and none of theirs was read
    assert sum(1 for r in requests if r.endswith("/Organizations")) == 1
    assert all(DEMO.seller_id not in r for r in requests)
    live_services, live_products = 3, 2 + 1 + 1  # the demo broker's services and products
    minimum = broker_plan_minimum(
        services=live_services,
        products=live_products,
        price_lists=1,
        customers=2,
        customer_services=1,
        currencies=1,
    )
    assert len(requests) == minimum.requests


def test_the_minimum_of_the_scale_case() -> None:
    """The bench case (docs/benchmarks.md): 1,000 organizations, 200 named with prices on 3
    services in one currency; the organizations are listed once, whatever their number."""
    minimum = broker_plan_minimum(
        services=3, products=3, price_lists=3, customers=200, customer_services=3, currencies=1
    )
    assert minimum.requests == 1 + 6 + 1 + 3 + 2 * 3 + 3 + 200 * 3
    assert minimum.depth == 5
