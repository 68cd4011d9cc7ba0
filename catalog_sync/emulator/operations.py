"""Every catalog read and write, applied to a Store: validation, rules, then the mutation.

The API handlers and the seeds both go through these functions, so seed data obeys the same
rules as data a client creates. Callers hold the emulator's lock around writes.
"""

from __future__ import annotations

from collections.abc import Mapping

from catalog_sync.emulator import rules
from catalog_sync.emulator.ids import new_id
from catalog_sync.emulator.rules import UnknownObjectError
from catalog_sync.emulator.store import Store, Table
from catalog_sync.emulator.validation import (
    AMOUNTS,
    JSON,
    validate_addon,
    validate_broker,
    validate_currency,
    validate_price_list,
    validate_product,
    validate_publish,
    validate_service,
)

__all__ = [
    "create_addon",
    "create_broker",
    "create_product",
    "create_service",
    "delete_addon",
    "delete_broker",
    "delete_product",
    "disable_service",
    "enable_currency",
    "get_addon",
    "get_broker",
    "get_price_list",
    "get_product",
    "get_service",
    "publish_service",
    "replace_addon",
    "replace_broker",
    "replace_product",
    "replace_service",
    "update_price_list",
]

UNPUBLISHED: JSON = {"publishTo": "None", "regionIds": [], "countryIds": [], "brokerIds": []}


def _get(
    table: Mapping[str, JSON], object_id: str, parent: JSON | None = None, link: str = ""
) -> JSON:
    """The record, if it exists and lies under ``parent`` (its id in the record's ``link``)."""
    record = table.get(object_id.lower())
    if record is None or (parent is not None and record[link] != parent["id"]):
        raise UnknownObjectError(object_id)
    return record


def _insert(store: Store, table: Table, object_id: str | None, record: JSON) -> str:
    object_id = object_id or new_id()
    store.put(table, {"id": object_id, **record})
    return object_id


def get_service(store: Store, service_id: str) -> JSON:
    return _get(store.services, service_id)


def get_product(store: Store, service_id: str, product_id: str) -> JSON:
    return _get(store.products, product_id, get_service(store, service_id), "_serviceId")


def get_addon(store: Store, service_id: str, product_id: str, addon_id: str) -> JSON:
    product = get_product(store, service_id, product_id)
    return _get(store.addons, addon_id, product, "_productId")


def get_broker(store: Store, broker_id: str) -> JSON:
    return _get(store.brokers, broker_id)


def create_service(store: Store, body: object, object_id: str | None = None) -> str:
    record, status = validate_service(body)
    rules.check_service(store, record)
    extra = {"status": status or "Active", "publish": dict(UNPUBLISHED), "currencies": []}
    return _insert(store, "services", object_id, {**record, **extra})


def replace_service(store: Store, service_id: str, body: object) -> None:
    current = get_service(store, service_id)
    record, status = validate_service(body)
    rules.check_service(store, record, exclude_id=current["id"])
    # PUT replaces the fields of the body; status is kept unless given, publish always kept.
    store.update("services", current["id"], {**record, "status": status or current["status"]})


def disable_service(store: Store, service_id: str) -> None:
    store.update("services", get_service(store, service_id)["id"], {"status": "Disabled"})


def publish_service(store: Store, service_id: str, body: object) -> None:
    service = get_service(store, service_id)
    record = validate_publish(body)
    rules.check_publish(store, record)
    store.update("services", service["id"], {"publish": record})


def create_product(
    store: Store, service_id: str, body: object, object_id: str | None = None
) -> str:
    service = get_service(store, service_id)
    record = validate_product(body)
    rules.check_product(store, service["id"], record)
    return _insert(store, "products", object_id, {**record, "_serviceId": service["id"]})


def replace_product(store: Store, service_id: str, product_id: str, body: object) -> None:
    current = get_product(store, service_id, product_id)
    record = validate_product(body)
    rules.check_product(store, current["_serviceId"], record, exclude_id=current["id"])
    store.update("products", current["id"], record)


def delete_product(store: Store, service_id: str, product_id: str) -> None:
    product = get_product(store, service_id, product_id)
    # Children go with their parent, so no addon is ever left without a product.
    for addon in store.addons_of(product["id"]):
        store.delete("addons", addon["id"])
    store.delete("products", product["id"])


def create_addon(
    store: Store, service_id: str, product_id: str, body: object, object_id: str | None = None
) -> str:
    product = get_product(store, service_id, product_id)
    record = validate_addon(body)
    rules.check_addon(store, product, record)
    links = {"_serviceId": product["_serviceId"], "_productId": product["id"]}
    return _insert(store, "addons", object_id, {**record, **links})


def replace_addon(
    store: Store, service_id: str, product_id: str, addon_id: str, body: object
) -> None:
    current = get_addon(store, service_id, product_id, addon_id)
    product = store.products[current["_productId"]]
    record = validate_addon(body)
    rules.check_addon(store, product, record, exclude_id=current["id"])
    store.update("addons", current["id"], record)


def delete_addon(store: Store, service_id: str, product_id: str, addon_id: str) -> None:
    store.delete("addons", get_addon(store, service_id, product_id, addon_id)["id"])


def create_broker(store: Store, body: object, object_id: str | None = None) -> str:
    record = validate_broker(body)
    rules.check_broker(store, record)
    return _insert(store, "brokers", object_id, record)


def replace_broker(store: Store, broker_id: str, body: object) -> None:
    current = get_broker(store, broker_id)
    record = validate_broker(body)
    rules.check_broker(store, record, exclude_id=current["id"])
    store.update("brokers", current["id"], record)


def delete_broker(store: Store, broker_id: str) -> None:
    broker_id = get_broker(store, broker_id)["id"]
    store.delete("brokers", broker_id)
    # No publish setting or signup may point at a broker that is gone.
    for service in list(store.services.values()):
        ids = service["publish"]["brokerIds"]
        if broker_id in ids:
            publish = {**service["publish"], "brokerIds": [i for i in ids if i != broker_id]}
            store.update("services", service["id"], {"publish": publish})
    store.signups = [s for s in store.signups if s["brokerId"] != broker_id]


# Price lists (shapes ASSUMED, docs/contracts.md "Price lists"): each product and addon keeps
# its amounts per currency under "_prices"; a service's "currencies" are those enabled on it
# (in Cloudmore's UI; here the admin interface and the seeds): a PUT never adds one.

_NO_PRICE: JSON = dict.fromkeys(AMOUNTS)


def _amounts(record: JSON, currency: str) -> JSON:
    return dict(record.get("_prices", {}).get(currency, _NO_PRICE))


def get_price_list(store: Store, service_id: str, currency: object) -> JSON:
    service = get_service(store, service_id)
    code = validate_currency(currency)
    if code not in service["currencies"]:
        raise UnknownObjectError(code)
    return {
        "currencyCode": code,
        "products": [
            {
                "productId": product["id"],
                "itemCode": product["itemCode"],
                "price": _amounts(product, code),
                "addons": [
                    {
                        "addonId": addon["id"],
                        "itemCode": addon["itemCode"],
                        "price": _amounts(addon, code),
                    }
                    for addon in store.addons_of(product["id"])
                ],
            }
            for product in store.products_of(service["id"])
        ],
    }


def update_price_list(store: Store, service_id: str, body: object) -> None:
    service = get_service(store, service_id)
    code, items = validate_price_list(body)
    rules.check_price_list(store, service, code, items)
    for item in items:
        product = store.products[item["productId"]]
        if item["price"] is not None:
            _set_amounts(store, "products", product, code, item["price"])
        for addon in item["addons"]:
            _set_amounts(store, "addons", store.addons[addon["addonId"]], code, addon["price"])


def enable_currency(store: Store, service_id: str, currency: object) -> None:
    """What Cloudmore's UI does (Marketing > Currency): the service may be priced in it."""
    service = get_service(store, service_id)
    code = validate_currency(currency)
    if code not in service["currencies"]:
        store.update("services", service["id"], {"currencies": [*service["currencies"], code]})


def _set_amounts(store: Store, table: Table, record: JSON, currency: str, amounts: JSON) -> None:
    prices = {**record.get("_prices", {}), currency: amounts}
    store.update(table, record["id"], {"_prices": prices})
