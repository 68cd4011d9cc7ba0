"""Live state for a case: the emulator's state file, built through the emulator's own operations
(the same validation and rules as API writes), so the emulator process starts already seeded."""

from __future__ import annotations

from pathlib import Path

from bench.catalog import GeneratedCatalog, Service
from bench.wire import (
    addon_body,
    broker_body,
    lookups_from_lists,
    product_body,
    publish_body,
    service_body,
)
from catalog_sync.emulator import DEMO, operations
from catalog_sync.emulator.ids import stable_id
from catalog_sync.emulator.seeds import build_store
from catalog_sync.emulator.statefile import StateFile
from catalog_sync.emulator.store import Store
from catalog_sync.live.lookups import Lookups

__all__ = ["empty_lookups", "seed_state"]


def empty_lookups() -> Lookups:
    """The lookups every emulator seed has (their ids are stable across processes)."""
    store = build_store("empty", DEMO.seller_id)
    return _lookups(store)


def _lookups(store: Store) -> Lookups:
    return lookups_from_lists(
        store.categories, store.regions, store.countries, store.email_templates
    )


def _add_service(store: Store, service: Service, lookups: Lookups, brokers: dict[str, str]) -> None:
    service_id = operations.create_service(
        store, service_body(service, lookups), stable_id("service", service.name)
    )
    operations.publish_service(store, service_id, publish_body(service.publish, lookups, brokers))
    for product in service.products:
        key = (service.name, product.item_code)
        product_id = operations.create_product(
            store, service_id, product_body(product, lookups), stable_id("product", *key)
        )
        for addon in product.addons:
            operations.create_addon(
                store,
                service_id,
                product_id,
                addon_body(addon),
                stable_id("addon", *key, addon.item_code),
            )


def seed_state(path: Path, live: GeneratedCatalog | None) -> Path:
    """Write the state file for ``live`` (its brokers and services), or for an empty seller
    when ``live`` is None."""
    store = build_store("empty", DEMO.seller_id)
    if live is not None:
        lookups = _lookups(store)
        brokers = {
            b.registration_number: operations.create_broker(
                store, broker_body(b), stable_id("broker", b.registration_number)
            )
            for b in live.brokers
        }
        for service in live.services:
            _add_service(store, service, lookups, brokers)
    path.parent.mkdir(parents=True, exist_ok=True)
    StateFile(path).save(store)
    return path
