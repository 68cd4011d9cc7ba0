"""Business rules that need the stored catalog; each failure is an error-array 400 entry.

Error codes other than 5 are assumed (contracts.md): 2 NotFound, 3 AlreadyExists,
5 InvalidValue, 6 NotAllowed. Every broken rule is reported, not just the first.
Natural keys compare case-insensitively, as SQL Server's default collation does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from catalog_sync.emulator.store import Store
from catalog_sync.emulator.validation import JSON
from catalog_sync.kinds.addon import ALLOWED_PRICE_PER

__all__ = [
    "BusinessError",
    "UnknownObjectError",
    "check_addon",
    "check_broker",
    "check_price_list",
    "check_product",
    "check_publish",
    "check_service",
]

ERROR_NAMES = {2: "NotFound", 3: "AlreadyExists", 5: "InvalidValue", 6: "NotAllowed"}
_DOMAIN = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.IGNORECASE
)


class UnknownObjectError(Exception):
    """An id in the path does not exist: 404 with an empty body. (Not the client's
    :class:`catalog_sync.errors.NotFoundError`, which is what that 404 becomes.)"""


class BusinessError(Exception):
    """A 400 whose body is ``[{"errorCode", "errorName", "errorMessage"}, ...]``."""

    def __init__(self, errors: list[JSON]) -> None:
        self.errors = errors
        super().__init__("; ".join(e["errorMessage"] for e in errors))


class _Collector:
    def __init__(self) -> None:
        self.errors: list[JSON] = []

    def add(self, code: int, message: str) -> None:
        self.errors.append(
            {"errorCode": code, "errorName": ERROR_NAMES[code], "errorMessage": message}
        )

    def raise_any(self) -> None:
        if self.errors:
            raise BusinessError(self.errors)


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.casefold() == b.casefold()


def _taken(
    store: Store, rows: Iterable[JSON], key: str, value: str, exclude_id: str | None
) -> bool:
    if not store.unique_keys:
        return False
    return any(_same(row[key], value) and row["id"] != exclude_id for row in rows)


def _unknown(ids: Iterable[str], known: Iterable[JSON], id_key: str = "id") -> list[str]:
    present = {row[id_key] for row in known}
    return [i for i in ids if i not in present]


def check_service(store: Store, record: JSON, exclude_id: str | None = None) -> None:
    c = _Collector()
    if _taken(store, store.services.values(), "name", record["name"], exclude_id):
        c.add(3, f"A service named '{record['name']}' already exists.")
    for bad in _unknown(record["categoryIds"], store.categories, "categoryId"):
        c.add(5, f"Invalid category id: {bad}")
    for bad in _unknown(record["welcomeTemplateIds"], store.email_templates):
        c.add(5, f"Invalid email template id: {bad}")
    c.raise_any()


def check_product(
    store: Store, service_id: str, record: JSON, exclude_id: str | None = None
) -> None:
    c = _Collector()
    if _taken(store, store.products_of(service_id), "itemCode", record["itemCode"], exclude_id):
        c.add(3, f"A product with itemCode '{record['itemCode']}' already exists in the service.")
    template = record["emailTemplateId"]
    if template is not None and _unknown([template], store.email_templates):
        c.add(5, f"Invalid email template id: {template}")
    if exclude_id is not None:
        allowed = ALLOWED_PRICE_PER[record["type"]]
        clashing = [
            a["itemCode"]
            for a in store.addons_of(exclude_id)
            if a["pricePer"] is not None and a["pricePer"] not in allowed
        ]
        if clashing:
            c.add(
                6,
                f"The product type cannot be {record['type']}: addons {', '.join(clashing)} "
                "have a pricePer it does not allow.",
            )
    c.raise_any()


def check_addon(store: Store, product: JSON, record: JSON, exclude_id: str | None = None) -> None:
    c = _Collector()
    if _taken(store, store.addons_of(product["id"]), "itemCode", record["itemCode"], exclude_id):
        c.add(3, f"An addon with itemCode '{record['itemCode']}' already exists in the product.")
    price_per = record["pricePer"]
    if price_per is not None and price_per not in ALLOWED_PRICE_PER[product["type"]]:
        c.add(6, f"PricePer '{price_per}' is not allowed for a {product['type']} product.")
    c.raise_any()


def check_broker(store: Store, record: JSON, exclude_id: str | None = None) -> None:
    c = _Collector()
    number = record["registrationNumber"]
    if _taken(store, store.brokers.values(), "registrationNumber", number, exclude_id):
        c.add(3, f"A broker with registration number '{number}' already exists.")
    if not _DOMAIN.match(record["domain"]):
        c.add(5, f"Invalid domain/website:{record['domain']}")
    country = record["address"]["countryCode"]
    if not any(row["countryCode"] == country for row in store.countries):
        c.add(5, f"Invalid country code: {country}")
    # A value must name one of the seller's definitions (GET .../settings/CustomProperties).
    given = [p["id"] for p in record["customProperties"]]
    for bad in _unknown(given, store.custom_properties):
        c.add(5, f"Invalid custom property id: {bad}")
    c.raise_any()


def check_publish(store: Store, record: JSON) -> None:
    c = _Collector()
    for field, known, label in (
        ("regionIds", store.regions, "region"),
        ("countryIds", store.countries, "country"),
        ("brokerIds", store.brokers.values(), "broker"),
    ):
        for bad in _unknown(record[field], known):
            c.add(5, f"Invalid {label} id: {bad}")
    c.raise_any()


def check_price_list(store: Store, service: JSON, currency: str, items: list[JSON]) -> None:
    """The currency is enabled on the service (in Cloudmore's UI: a PUT never enables one),
    every product named is one of the service's, every addon one of that product's."""
    found = _Collector()
    if currency not in service["currencies"]:
        found.add(5, f"Currency {currency} is not enabled on service {service['id']}.")
        found.raise_any()
    for item in items:
        product = store.products.get(item["productId"])
        if product is None or product["_serviceId"] != service["id"]:
            found.add(
                2,
                f"Product {item['productId']} does not belong to service {service['id']}.",
            )
            continue
        for addon in item["addons"]:
            record = store.addons.get(addon["addonId"])
            if record is None or record["_productId"] != product["id"]:
                found.add(
                    2,
                    f"Addon {addon['addonId']} does not belong to product {product['id']} "
                    f"of service {service['id']}.",
                )
    found.raise_any()
