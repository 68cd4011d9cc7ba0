"""The baseline a seller has today: a plain script over raw HTTP doing the writes one by one.

``python -m bench.sequential URL SHAPE create|update`` creates the generated catalog onto an
empty seller, or raises every tenth addon's price (the ids come from the same stable ids the
seeded state uses, as a script working from an id spreadsheet would know them). It does no
reads beyond the token and the lookups its bodies need, and no checks: the cheapest possible
client, so the comparison flatters the script, not catalog-sync.
"""

from __future__ import annotations

import sys

import httpx

from bench.catalog import GeneratedCatalog, generate, shape_for
from bench.wire import (
    addon_body,
    broker_body,
    lookups_from_lists,
    product_body,
    publish_body,
    service_body,
)
from catalog_sync.emulator import DEMO
from catalog_sync.emulator.ids import stable_id

__all__ = ["PRICE_CHANGE_EVERY", "main", "updated_catalog"]

PRICE_CHANGE_EVERY = 10


def updated_catalog(base: GeneratedCatalog) -> GeneratedCatalog:
    return base.with_price_changes(PRICE_CHANGE_EVERY)


def _token(http: httpx.Client) -> str:
    answer = http.post(
        "/connect/token",
        data={
            "grant_type": "password",
            "username": DEMO.username,
            "password": DEMO.password,
            "scope": "api",
        },
        auth=(DEMO.client_id, DEMO.client_secret),
    )
    answer.raise_for_status()
    token: str = answer.json()["access_token"]
    return token


def _new_id(answer: httpx.Response) -> str:
    answer.raise_for_status()
    return answer.headers["location"].rstrip("/").rsplit("/", 1)[1]


def _create(http: httpx.Client, catalog: GeneratedCatalog) -> None:
    seller = f"/api/sellers/{DEMO.seller_id}"
    lookups = lookups_from_lists(
        http.get("/api/services/categories").json(),
        http.get("/api/services/marketRegions").json(),
        http.get("/api/services/marketCountries").json(),
        http.get(f"{seller}/settings/EmailTemplates").json(),
    )
    brokers = {
        b.registration_number: _new_id(http.post(f"{seller}/brokers", json=broker_body(b)))
        for b in catalog.brokers
    }
    for service in catalog.services:
        sid = _new_id(http.post(f"{seller}/services", json=service_body(service, lookups)))
        body = publish_body(service.publish, lookups, brokers)
        http.put(f"{seller}/services/{sid}/publish", json=body).raise_for_status()
        for product in service.products:
            products = f"{seller}/services/{sid}/products"
            pid = _new_id(http.post(products, json=product_body(product, lookups)))
            for addon in product.addons:
                _new_id(http.post(f"{products}/{pid}/addons", json=addon_body(addon)))


def _update(http: httpx.Client, base: GeneratedCatalog) -> None:
    seller = f"/api/sellers/{DEMO.seller_id}"
    changed = updated_catalog(base)
    for old_service, service in zip(base.services, changed.services, strict=True):
        sid = stable_id("service", service.name)
        for old_product, product in zip(old_service.products, service.products, strict=True):
            pid = stable_id("product", service.name, product.item_code)
            for old, addon in zip(old_product.addons, product.addons, strict=True):
                if old == addon:
                    continue
                aid = stable_id("addon", service.name, product.item_code, addon.item_code)
                path = f"{seller}/services/{sid}/products/{pid}/addons/{aid}"
                http.put(path, json=addon_body(addon)).raise_for_status()


def main(argv: list[str]) -> int:
    url, size, mode = argv
    catalog = generate(shape_for(size))
    with httpx.Client(base_url=url, timeout=60) as http:
        http.headers["Authorization"] = f"Bearer {_token(http)}"
        if mode == "create":
            _create(http, catalog)
        elif mode == "update":
            _update(http, catalog)
        else:
            raise SystemExit(f"unknown mode {mode!r}: create or update")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
