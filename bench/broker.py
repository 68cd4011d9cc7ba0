"""The broker case (issue 22, docs/benchmarks.md): a broker with ``organizations``
organizations, a fifth of them with customer prices on 3 resold services in one currency, and
a catalog that matches live state, so the plan has no change and reads only what it must: the
organizations once and one price list per named organization, service and currency
(:func:`bench.bounds.broker_plan_minimum`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from bench.bounds import Minimum, broker_plan_minimum
from catalog_sync.emulator import DEMO, operations, reseller
from catalog_sync.emulator.ids import stable_id
from catalog_sync.emulator.seeds import build_store
from catalog_sync.emulator.statefile import StateFile
from catalog_sync.emulator.store import Store

__all__ = ["BrokerShape", "broker_catalog", "broker_minimum", "broker_shape", "broker_store"]

CURRENCY = "SEK"
_CATEGORY = "Productivity"


@dataclass(frozen=True)
class BrokerShape:
    organizations: int
    named: int
    services: int = 3

    @property
    def label(self) -> str:
        return f"{self.organizations} orgs, {self.named} priced x {self.services} services"


def broker_shape(size: str) -> BrokerShape:
    """``1000``: 1,000 organizations, 200 of them with prices on 3 services."""
    organizations = int(size)
    return BrokerShape(organizations, max(1, organizations // 5))


def _service(index: int) -> str:
    return f"Resold {index + 1:02d}"


def _org(index: int) -> str:
    return f"Customer {index + 1:05d}"


def _price(org: int, service: int) -> str:
    return f"{100 + (org * 7 + service) % 50}.00"


def broker_store(shape: BrokerShape) -> Store:
    """The seller's services published to the demo broker, priced by it in one currency, its
    organizations, and the named ones' prices; through the emulator's own operations."""
    store = build_store("empty", DEMO.seller_id)
    category = next(c["categoryId"] for c in store.categories if c["name"] == _CATEGORY)
    broker = {
        "name": "Bench Broker AB",
        "registrationNumber": "5599000000",
        "domain": "broker.example.com",
        "notificationEmail": "n@broker.example.com",
        "supportEmail": "s@broker.example.com",
        "contact": {
            "name": "A",
            "jobTitle": "B",
            "email": "a@broker.example.com",
            "phonePrefix": "46",
            "phone": "701234567",
            "cellPhonePrefix": "46",
            "cellPhone": "701234567",
        },
        "address": {"countryCode": "SE"},
    }
    operations.create_broker(store, broker, DEMO.reseller_id)
    services = []
    for index in range(shape.services):
        name = _service(index)
        body = {"name": name, "vendorName": "Bench", "categoryIds": [category]}
        service_id = operations.create_service(store, body, stable_id("service", name))
        publish = {"publishTo": "AllBrokers", "regionIds": [], "countryIds": [], "brokerIds": []}
        operations.publish_service(store, service_id, publish)
        product = {"name": "Seat", "itemCode": "seat", "type": "ProductBased", "price": 10}
        product_id = operations.create_product(
            store, service_id, product, stable_id("product", name, "seat")
        )
        reseller.enable_broker_currency(store, DEMO.reseller_id, service_id, CURRENCY)
        reseller.seed_costs(
            store, DEMO.reseller_id, service_id, CURRENCY, {"seat": {"cost": "80.00"}}
        )
        prices = {
            "currencyCode": CURRENCY,
            "products": [
                {"itemId": product_id, "price": {"price": Decimal("150.00")}, "addons": []}
            ],
        }
        reseller.set_broker_prices(store, DEMO.reseller_id, service_id, prices)
        services.append((service_id, product_id))
    for org in range(shape.organizations):
        org_id = stable_id("organization", _org(org))
        reseller.add_organization(store, DEMO.reseller_id, org_id, _org(org))
        if org >= shape.named:
            continue
        for index, (service_id, product_id) in enumerate(services):
            price = Decimal(_price(org, index))
            body = {
                "currencyCode": CURRENCY,
                "products": [{"itemId": product_id, "price": {"price": price}, "addons": []}],
            }
            reseller.set_customer_prices(store, DEMO.reseller_id, org_id, service_id, body)
    return store


def broker_catalog(shape: BrokerShape) -> dict[str, str]:
    """The catalog files (path -> text) that match :func:`broker_store`."""
    files = {"catalog.yaml": "settings:\n  side: broker\n"}
    services = "".join(
        f"  - name: {_service(i)}\n    marketplace: true\n    products:\n"
        f'      - itemCode: seat\n        prices: {{{CURRENCY}: {{price: "150.00"}}}}\n'
        for i in range(shape.services)
    )
    files["services.yaml"] = "services:\n" + services
    customers = "".join(
        f"  - organization: {_org(o)}\n    services:\n"
        + "".join(
            f"      - name: {_service(i)}\n        products:\n          - itemCode: seat\n"
            f'            prices: {{{CURRENCY}: {{price: "{_price(o, i)}"}}}}\n'
            for i in range(shape.services)
        )
        for o in range(shape.named)
    )
    files["customers.yaml"] = "customers:\n" + customers
    return files


def broker_minimum(shape: BrokerShape) -> Minimum:
    return broker_plan_minimum(
        services=shape.services,
        products=shape.services,
        price_lists=shape.services,
        customers=shape.named,
        customer_services=shape.services,
        currencies=1,
    )


def write_broker_case(shape: BrokerShape, catalog: Path, state: Path) -> None:
    """The catalog files under ``catalog`` and the emulator's state file at ``state``."""
    catalog.mkdir(parents=True, exist_ok=True)
    for name, text in broker_catalog(shape).items():
        (catalog / name).write_text(text, encoding="utf-8")
    if not state.exists():
        state.parent.mkdir(parents=True, exist_ok=True)
        StateFile(state).save(broker_store(shape))


__all__ += ["write_broker_case"]
