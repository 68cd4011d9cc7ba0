"""Random catalogs, applied one after another with prune onto the emulator: after every apply
the re-plan is empty (design 3.5). This is where bodies and normalisation must agree for any
field value the files can hold, through creates, updates, enables, deletes and disables."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog_sync.render.apply_text import render_report
from tests.apply.support import InProcess, plan_and_apply, plan_with

CATEGORIES = ("Productivity", "Security", "Storage", "Communication")
REGIONS = ("Nordics", "Baltics", "DACH")
COUNTRIES = ("SE", "FI", "EE", "NO", "DK")
TEMPLATES = ("Default provisioning", "Welcome pack")
# A product's type follows from its itemCode, so that no plan changes the type of a product
# whose addons the other type does not allow (the API refuses that in either order).
PRODUCT_TYPES = {"p1": "ProductBased", "p2": "Metered", "p3": "ProductBased"}
PRICE_PER = {"ProductBased": ("Subscription", "Quantity", "Selected"), "Metered": ("Metered",)}

texts = st.text(alphabet="abcxyz ÅÖé-", min_size=1, max_size=12).filter(lambda t: t.strip())
money = st.decimals(0, 99999, places=4, allow_nan=False, allow_infinity=False).map(str)


def _maybe(
    draw: st.DrawFn, mapping: dict[str, Any], key: str, values: st.SearchStrategy[Any]
) -> None:
    if draw(st.booleans()):
        mapping[key] = draw(values)


@st.composite
def brokers(draw: st.DrawFn, number: str) -> dict[str, Any]:
    broker: dict[str, Any] = {
        "name": draw(texts),
        "registrationNumber": number,
        "domain": f"b{number}.example.com",
        "notificationEmail": f"notify@b{number}.example.com",
        "supportEmail": draw(st.sampled_from(["help", "support"])) + f"@b{number}.example.com",
        "contact": {
            "name": draw(texts),
            "jobTitle": "Admin",
            "email": "admin@example.com",
            "phonePrefix": "46",
            "phone": draw(st.sampled_from(["701234567", "709999999"])),
            "cellPhonePrefix": "46",
            "cellPhone": "701234568",
        },
        "address": {"countryCode": draw(st.sampled_from(COUNTRIES))},
    }
    _maybe(draw, broker, "vat", texts)
    _maybe(draw, broker["address"], "city", texts)
    _maybe(draw, broker, "allowCmpAccess", st.booleans())
    if draw(st.booleans()):
        broker["invoiceContact"] = {"name": draw(texts), "email": "invoices@example.com"}
    return broker


@st.composite
def addons(draw: st.DrawFn, code: str, product_type: str) -> dict[str, Any]:
    addon: dict[str, Any] = {"name": draw(texts), "itemCode": code}
    for field in ("price", "cost", "recommendedPrice"):
        _maybe(draw, addon, field, money)
    _maybe(draw, addon, "pricePer", st.sampled_from(PRICE_PER[product_type]))
    if draw(st.booleans()):
        addon["enableGrouping"] = True
        addon["groupName"] = draw(texts)
    _maybe(draw, addon, "hideFromSubscriptionView", st.booleans())
    _maybe(draw, addon, "hideFromPriceList", st.booleans())
    return addon


@st.composite
def products(draw: st.DrawFn, code: str) -> dict[str, Any]:
    product_type = PRODUCT_TYPES[code]
    product: dict[str, Any] = {"name": draw(texts), "itemCode": code, "type": product_type}
    _maybe(draw, product, "description", st.sampled_from(["", "Some words.", "Ä line\nmore"]))
    _maybe(draw, product, "subscriptionPeriodMonths", st.sampled_from([1, 12, 36]))
    _maybe(draw, product, "billingFrequencyMonths", st.sampled_from([1, 12]))
    for field in ("price", "cost", "recommendedPrice"):
        _maybe(draw, product, field, money)
    low = draw(st.none() | st.integers(0, 5))
    if low is not None:
        # Both or neither: a minQuantity alone may exceed the live maxQuantity, which plan
        # refuses (CS406, tests/plan/test_build.py) rather than letting apply fail.
        product["minQuantity"] = low
        product["maxQuantity"] = draw(st.integers(low, 50))
    _maybe(draw, product, "emailTemplate", st.sampled_from(TEMPLATES))
    codes = draw(st.sets(st.sampled_from(["a1", "a2", "a3"]), max_size=2))
    product["addons"] = [draw(addons(c, product_type)) for c in sorted(codes)]
    return product


@st.composite
def publishes(draw: st.DrawFn, broker_numbers: list[str]) -> dict[str, Any]:
    modes = ["allBrokers", "none", "sellerBrokers", "regions", "countries"]
    mode = draw(st.sampled_from([*modes, "brokers"] if broker_numbers else modes))
    publish: dict[str, Any] = {"to": mode}
    pools = {"regions": REGIONS, "countries": COUNTRIES, "brokers": tuple(broker_numbers)}
    if mode in pools:
        publish[mode] = sorted(draw(st.sets(st.sampled_from(pools[mode]), min_size=1)))
    return publish


@st.composite
def catalogs(draw: st.DrawFn) -> dict[str, Any]:
    numbers = sorted(draw(st.sets(st.sampled_from(["1001", "1002", "1003"]), max_size=2)))
    services = []
    for name in sorted(draw(st.sets(st.sampled_from(["Alpha", "Beta", "Gamma"]), min_size=1))):
        service: dict[str, Any] = {
            "name": name,
            "categories": sorted(
                draw(st.sets(st.sampled_from(CATEGORIES), min_size=1, max_size=2))
            ),
        }
        _maybe(draw, service, "vendorName", texts)
        _maybe(draw, service, "description", st.sampled_from(["", "Plain.", "Two\nlines"]))
        _maybe(draw, service, "allowMultipleUsers", st.booleans())
        _maybe(draw, service, "provisioningType", st.sampled_from(["Email", "Webhook"]))
        _maybe(draw, service, "publish", publishes(numbers))
        codes = draw(st.sets(st.sampled_from(sorted(PRODUCT_TYPES)), max_size=2))
        service["products"] = [draw(products(code)) for code in sorted(codes)]
        services.append(service)
    return {
        "settings": {"prune": True},
        "brokers": [draw(brokers(number)) for number in numbers],
        "services": services,
    }


def _write(root: Path, name: str, content: dict[str, Any]) -> Path:
    catalog = root / name
    catalog.mkdir()
    # JSON is YAML: the loader reads it like any catalog file.
    (catalog / "catalog.yaml").write_text(json.dumps(content, ensure_ascii=False), "utf-8")
    return catalog


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(), catalogs())
def test_any_catalog_after_any_other_applies_and_replans_empty(
    first: dict[str, Any], second: dict[str, Any]
) -> None:
    emulator = InProcess("empty")

    async def run(root: Path) -> None:
        async with emulator.client() as client:
            for step, content in enumerate((first, second, first)):
                catalog = _write(root, f"step{step}", content)
                _plan, report = await plan_and_apply(
                    client, emulator.settings, root / "journal", catalog, force=True
                )
                assert report.ok, render_report(report)
                again = await plan_with(client, emulator.settings, catalog)
                assert not again.changes, [
                    (c.address, [(f.path, f.before, f.after) for f in c.field_changes])
                    for c in again.changes
                ]

    with tempfile.TemporaryDirectory() as root:
        asyncio.run(run(Path(root)))
