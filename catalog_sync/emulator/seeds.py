"""The seeds: ``empty`` (lookups only) and ``demo`` (lookups plus a live catalog).

Seed objects get stable ids (uuid5 of their natural key), so plans against a seed are
reproducible. The demo catalog is created through the same operations as API writes, so it
obeys every rule a client's data does.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from catalog_sync.emulator import operations, webhook
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
        brokers[key] = operations.create_broker(store, broker, stable_id("broker", key))
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


def build_store(seed: SeedName, seller_id: str) -> Store:
    store = Store(seller_id=seller_id)
    _lookups(store)
    if seed == "demo":
        _demo(store)
    elif seed != "empty":
        raise ValueError(f"unknown seed {seed!r}: use 'empty' or 'demo'")
    return store
