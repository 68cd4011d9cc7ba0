"""A plan with price-list changes in every format, against golden files: the per-item amounts
of one currency are field changes like any other (docs/contracts.md, "Price lists")."""

from __future__ import annotations

import asyncio
import contextlib
import json

import httpx
import pytest

from catalog_sync.catalog import load_catalog
from catalog_sync.cli.plan_cmds import render_plan
from catalog_sync.cloudmore import open_read_only
from catalog_sync.emulator import EmulatorConfig, create_app
from catalog_sync.emulator import operations as ops
from catalog_sync.plan.build import make_plan, target_of
from catalog_sync.plan.model import Change, Plan
from tests.cloudmore.emulator_helpers import IN_PROCESS_URL, demo_settings
from tests.golden import assert_golden
from tests.plan.support import NOW, REPO

CATALOG = "tests/render/catalogs/prices"
SERVICE = "5e7a1c00-0000-4000-8000-000000000001"
PRODUCT = "5e7a1c00-0000-4000-8000-000000000002"
ADDON = "5e7a1c00-0000-4000-8000-000000000003"


def _amounts(
    price: float, cost: float | None = None, recommended: float | None = None
) -> dict[str, float | None]:
    return {"price": price, "cost": cost, "recommendedPrice": recommended}


@pytest.fixture(scope="module")
def priced_plan() -> Plan:
    """Live: service Priced with p and p/a priced in SEK and p in EUR; the files raise p's
    price and a's cost in SEK, add q with a SEK price, and leave EUR out."""
    app = create_app(EmulatorConfig(seed="empty"))
    store = app.state.emulator.store
    category = next(c["categoryId"] for c in store.categories if c["name"] == "Security")
    ops.create_service(store, {"name": "Priced", "categoryIds": [category]}, SERVICE)
    ops.create_product(
        store, SERVICE, {"name": "P", "itemCode": "p", "type": "ProductBased"}, PRODUCT
    )
    ops.create_addon(
        store, SERVICE, PRODUCT, {"name": "A", "itemCode": "a", "pricePer": "Quantity"}, ADDON
    )
    sek = {
        "currencyCode": "SEK",
        "products": [
            {
                "itemId": PRODUCT,
                "price": _amounts(110, 55, 130),
                "addons": [{"itemId": ADDON, "price": _amounts(20.5, 10)}],
            }
        ],
    }
    ops.enable_currency(store, SERVICE, "SEK")
    ops.enable_currency(store, SERVICE, "EUR")
    ops.update_price_list(store, SERVICE, sek)
    eur = {"currencyCode": "EUR", "products": [{"itemId": PRODUCT, "price": _amounts(10)}]}
    ops.update_price_list(store, SERVICE, eur)
    settings = demo_settings(IN_PROCESS_URL)
    with contextlib.chdir(REPO):
        loaded = load_catalog(CATALOG)

    async def run() -> Plan:
        async with open_read_only(settings, transport=httpx.ASGITransport(app=app)) as client:
            return (await make_plan(CATALOG, loaded, client, target_of(settings), now=NOW)).plan

    return asyncio.run(run())


@pytest.mark.parametrize(
    ("output_format", "golden"),
    [
        ("text", "plan/prices.txt"),
        ("markdown", "plan/prices.md"),
        ("json", "plan/prices.json"),
        ("github", "plan/prices.github"),
    ],
)
def test_each_format_shows_price_list_changes(
    priced_plan: Plan, output_format: str, golden: str
) -> None:
    assert_golden(golden, render_plan(priced_plan, output_format))


def test_the_price_list_change_names_items_and_waits_for_the_new_product(
    priced_plan: Plan,
) -> None:
    changes: dict[str, Change] = {c.address: c for c in priced_plan.changes}
    sek = changes['service["Priced"].pricelist["SEK"]']
    assert [(f.path, f.before, f.after) for f in sek.field_changes] == [
        ("p.price", "110.0000", "120.0000"),
        ("p/a.cost", "10.0000", "12.0000"),
        ("q.price", None, "99.0000"),
    ]
    assert sek.depends_on == ('service["Priced"].product["q"]',)
    assert sek.id == f"{SERVICE}/SEK"
    assert [u.address for u in priced_plan.unmanaged] == ['service["Priced"].pricelist["EUR"]']
    data = json.loads(render_plan(priced_plan, "json"))
    kinds = {c["address"]: c["kind"] for c in data["changes"]}
    assert kinds['service["Priced"].pricelist["SEK"]'] == "pricelist"
