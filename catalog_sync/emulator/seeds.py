"""The seeds: ``empty`` (lookups only) and ``demo`` (lookups plus a live catalog).

Seed objects get stable ids (uuid5 of their natural key), so plans against a seed are
reproducible. The demo catalog is created through the same operations as API writes, so it
obeys every rule a client's data does.
"""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from typing import Any

from catalog_sync.emulator import operations, reseller, webhook
from catalog_sync.emulator.config import SeedName
from catalog_sync.emulator.ids import stable_id
from catalog_sync.emulator.store import Store
from catalog_sync.emulator.validation import JSON
from catalog_sync.exact_json import decode_json

__all__ = ["build_store"]


def _data(name: str) -> Any:
    return decode_json(
        resources.files(__package__).joinpath("data").joinpath(name).read_text("utf-8")
    )


def _lookups(store: Store) -> None:
    lookups = _data("lookups.json")
    store.categories = [
        {"categoryId": stable_id("category", c["name"]), **c} for c in lookups["categories"]
    ]
    store.regions = [{"id": stable_id("region", name), "name": name} for name in lookups["regions"]]
    store.email_templates = [
        {"id": stable_id("template", name), "name": name} for name in lookups["emailTemplates"]
    ]
    store.countries = [
        {"id": stable_id("country", c["countryCode"]), "name": c["name"], **c}
        for c in _data("countries.json")
    ]


def _ids_by_name(rows: list[JSON], id_key: str = "id") -> dict[str, str]:
    return {row["name"]: row[id_key] for row in rows}


def _demo(store: Store) -> None:
    demo = _data("demo.json")
    # Definitions first: their ids are what a broker's customProperties[].id names.
    store.custom_properties = [
        {"id": stable_id("customProperty", p["name"]), **p} for p in demo["customProperties"]
    ]
    categories = _ids_by_name(store.categories, "categoryId")
    regions = _ids_by_name(store.regions)
    templates = _ids_by_name(store.email_templates)
    signed: list[tuple[str, str]] = []
    brokers: dict[str, str] = {}
    for broker in demo["brokers"]:
        key = broker["registrationNumber"]
        # The demo reseller keeps its published id (DEMO.reseller_id): its own API's root.
        object_id = broker.get("id") or stable_id("broker", key)
        brokers[key] = operations.create_broker(store, broker, object_id)
        signed += [(brokers[key], name) for name in broker.get("signedServices", [])]
    for service in demo["services"]:
        body = {**service, "categoryIds": [categories[c] for c in service["categories"]]}
        service_id = operations.create_service(store, body, stable_id("service", service["name"]))
        # Enabled in Cloudmore's UI, not through the API (docs/contracts.md, "Price lists").
        for currency in service.get("currencies", []):
            operations.enable_currency(store, service_id, currency)
        publish = service["publish"]
        operations.publish_service(
            store,
            service_id,
            {
                "publishTo": publish["publishTo"],
                "regionIds": [regions[r] for r in publish.get("regions", [])],
                "brokerIds": [brokers[b] for b in publish.get("brokers", [])],
            },
        )
        for product in service["products"]:
            template = product.get("emailTemplate")
            product_body = {**product, "emailTemplateId": templates.get(template or "")}
            product_key = (service["name"], product["itemCode"])
            product_id = operations.create_product(
                store, service_id, product_body, stable_id("product", *product_key)
            )
            for addon in product["addons"]:
                addon_id = stable_id("addon", *product_key, addon["itemCode"])
                operations.create_addon(store, service_id, product_id, addon, addon_id)
        webhook.seed_service(store, service_id, service)
    store.signups = [
        {"brokerId": broker_id, "serviceId": stable_id("service", name)}
        for broker_id, name in signed
    ]
    _reseller(store, demo["reseller"], next(b["id"] for b in demo["brokers"] if "id" in b))


def _price_list(items: dict[str, Any], store: Store, service_id: str, currency: str) -> JSON:
    """A price list PUT body (the seller's shape) for ``items`` by "product/addon" key."""
    products: dict[str, JSON] = {}
    for key, amounts in items.items():
        product_code, _, addon_code = key.partition("/")
        product = next(p for p in store.products_of(service_id) if p["itemCode"] == product_code)
        entry = products.setdefault(product["id"], {"itemId": product["id"], "addons": []})
        given = amounts if isinstance(amounts, dict) else {"price": amounts}
        price = {name: Decimal(str(value)) for name, value in given.items()}
        if not addon_code:
            entry["price"] = price
            continue
        addon = next(a for a in store.addons_of(product["id"]) if a["itemCode"] == addon_code)
        entry["addons"].append({"itemId": addon["id"], "price": price})
    return {"currencyCode": currency, "products": list(products.values())}


def _reseller(store: Store, data: JSON, reseller_id: str) -> None:
    """The demo broker's side (reseller.py): organizations, its prices, customers' prices."""
    orgs: dict[str, str] = {}
    for org in data["organizations"]:
        orgs[org["name"]] = stable_id("organization", org["name"])
        reseller.add_organization(
            store, reseller_id, orgs[org["name"]], org["name"], active=org.get("active", True)
        )
    for name, currencies in data["prices"].items():
        service_id = stable_id("service", name)
        for currency, items in currencies.items():
            reseller.enable_broker_currency(store, reseller_id, service_id, currency)
            body = _price_list(items, store, service_id, currency)
            reseller.set_broker_prices(store, reseller_id, service_id, body)
            reseller.seed_costs(store, reseller_id, service_id, currency, items)
    for org, services in data["customerPrices"].items():
        for name, currencies in services.items():
            service_id = stable_id("service", name)
            for currency, items in currencies.items():
                body = _price_list(items, store, service_id, currency)
                reseller.set_customer_prices(store, reseller_id, orgs[org], service_id, body)


def build_store(seed: SeedName, seller_id: str) -> Store:
    store = Store(seller_id=seller_id)
    _lookups(store)
    if seed == "demo":
        _demo(store)
    elif seed != "empty":
        raise ValueError(f"unknown seed {seed!r}: use 'empty' or 'demo'")
    return store
