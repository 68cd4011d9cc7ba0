"""The broker's (reseller's) API: ``/api/resellers/{resellerId}`` (docs/contracts.md, "The
broker's catalog").

A reseller is one of the seller's brokers (its id is the broker's). It sees:

- its own custom services, products and addons: records of the seller's tables marked with
  ``_resellerId``, written by the seller's operations (the same shape and rules), which the
  seller's routes do not show;
- the seller's services published to it (all brokers, its country or a region holding it, or
  it by id) and active: its marketplace services, read only but for its prices.

Shapes beyond the public names are ASSUMED: a service as the broker reads it carries
``marketplace`` (true: the seller's, resold; false: the broker's own), and a marketplace
service's products and addons leave out the seller's own amounts; the broker's price list of
a marketplace service has the seller's price list shape, ``price`` the broker's, ``cost``
the broker's cost (the seller's price in that currency: read only, a PUT's ``cost`` and
``recommendedPrice`` are ignored);
an organization is ``{id, name, status}``; an organization's price list has the same shape,
``price`` the customer's price (``null``: none, the broker's applies), ``cost`` the broker's
cost (read only), and a PUT with a ``null`` price clears it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from catalog_sync.emulator import operations as ops
from catalog_sync.emulator import rules
from catalog_sync.emulator.rules import BusinessError, UnknownObjectError
from catalog_sync.emulator.store import Store, Table, public
from catalog_sync.emulator.validation import JSON, validate_currency, validate_price_list

if TYPE_CHECKING:
    from catalog_sync.emulator.api import Handler

__all__ = [
    "RESELLER",
    "add_organization",
    "broker_price_list",
    "create_own_service",
    "enable_broker_currency",
    "organization_price_list",
    "organizations",
    "owner_of",
    "routes",
    "seed_costs",
    "set_broker_prices",
    "set_customer_prices",
    "visible_services",
]

RESELLER = "/api/resellers/{reseller_id}"
_OWNER = "_resellerId"
# The broker's prices of a marketplace item, by reseller and currency ({"price", "cost"}), and
# each customer's, by organization and currency; on the product and addon records.
_BROKER_PRICES = "_brokerPrices"
_CUSTOMER_PRICES = "_customerPrices"
# The currencies a reseller prices a marketplace service in, on the service record.
_BROKER_CURRENCIES = "_brokerCurrencies"


def owner_of(record: JSON) -> str | None:
    """The reseller a service is the own custom service of; None: the seller's."""
    owner = record.get(_OWNER)
    return owner if isinstance(owner, str) else None


def reseller(store: Store, reseller_id: str) -> JSON:
    """The broker the path names; a reseller the seller has no broker for is refused."""
    broker = store.brokers.get(reseller_id.lower())
    if broker is None:
        raise PermissionError(reseller_id)
    return broker


def _published_to(store: Store, service: JSON, broker: JSON) -> bool:
    publish = service["publish"]
    mode = publish["publishTo"]
    if mode in ("AllBrokers", "SellerBrokers"):
        return True  # every reseller here is one of the seller's brokers
    if mode == "SpecificBrokers":
        return broker["id"] in publish["brokerIds"]
    country = ((broker.get("address") or {}).get("countryCode") or "").upper()
    country_ids = {c["id"] for c in store.countries if c.get("countryCode") == country}
    if mode == "Countries":
        return bool(country_ids & set(publish["countryIds"]))
    if mode == "Regions":
        # The emulator's regions are names only; a broker is in every region it is published
        # to when it has a country (ASSUMED: which countries a region holds is not public).
        return bool(country) and bool(publish["regionIds"])
    return False


def visible_services(store: Store, reseller_id: str) -> list[JSON]:
    """The broker's own services and the seller's services it resells, as it reads them."""
    broker = reseller(store, reseller_id)
    found = []
    for service in store.services.values():
        owner = owner_of(service)
        if owner == broker["id"]:
            found.append({**public(service), "marketplace": False})
        elif (
            owner is None
            and service["status"] == "Active"
            and _published_to(store, service, broker)
        ):
            currencies = service.get(_BROKER_CURRENCIES, {}).get(broker["id"], [])
            found.append({**public(service), "marketplace": True, "currencies": currencies})
    return found


def _service(store: Store, reseller_id: str, service_id: str) -> JSON:
    for service in visible_services(store, reseller_id):
        if service["id"] == service_id.lower():
            return service
    raise UnknownObjectError(service_id)


def _own(store: Store, reseller_id: str, service_id: str) -> JSON:
    service = _service(store, reseller_id, service_id)
    if service["marketplace"]:
        raise BusinessError(
            [
                {
                    "errorCode": 6,
                    "errorName": "NotAllowed",
                    "errorMessage": "The seller owns this service: only its prices are the "
                    "broker's.",
                }
            ]
        )
    return service


_SELLERS_AMOUNTS = ("price", "cost", "recommendedPrice")


def _as_resold(service: JSON, record: JSON) -> JSON:
    """A product or addon as the broker reads it: of a marketplace service, without the
    seller's own amounts (ASSUMED: its cost is the seller's business; the broker's cost and
    prices are in its price lists)."""
    if not service["marketplace"]:
        return record
    return {**record, **dict.fromkeys(_SELLERS_AMOUNTS)}


def create_own_service(store: Store, reseller_id: str, body: object) -> str:
    broker = reseller(store, reseller_id)
    new_id = ops.create_service(store, body)
    store.update("services", new_id, {_OWNER: broker["id"]})
    return new_id


def organizations(store: Store, reseller_id: str, show_active: bool | None = None) -> list[JSON]:
    broker = reseller(store, reseller_id)
    return [
        public(org)
        for org in store.organizations.values()
        if org[_OWNER] == broker["id"]
        and (show_active is None or (org["status"] == "Active") == show_active)
    ]


def _organization(store: Store, reseller_id: str, organization_id: str) -> JSON:
    # By its id, not a scan of every organization: a broker's price list reads are one per
    # organization and service (docs/benchmarks.md, the broker case).
    broker = reseller(store, reseller_id)
    org = store.organizations.get(organization_id.lower())
    if org is None or org[_OWNER] != broker["id"]:
        raise UnknownObjectError(organization_id)
    return public(org)


def _items(store: Store, service_id: str) -> list[tuple[JSON, list[JSON]]]:
    return [(product, store.addons_of(product["id"])) for product in store.products_of(service_id)]


def _list_of(store: Store, service_id: str, code: str, amounts: Callable[[JSON], JSON]) -> JSON:
    return {
        "currencyCode": code,
        "products": [
            {
                "productId": product["id"],
                "itemCode": product["itemCode"],
                "price": amounts(product),
                "addons": [
                    {"addonId": a["id"], "itemCode": a["itemCode"], "price": amounts(a)}
                    for a in addons
                ],
            }
            for product, addons in _items(store, service_id)
        ],
    }


def _broker_amounts(store: Store, broker_id: str, code: str) -> Callable[[JSON], JSON]:
    def amounts(record: JSON) -> JSON:
        mine = record.get(_BROKER_PRICES, {}).get(broker_id, {}).get(code, {})
        seller = record.get("_prices", {}).get(code) or {}
        cost = seller.get("price") if seller.get("price") is not None else mine.get("cost")
        return {
            "price": mine.get("price"),
            "cost": cost,
            "recommendedPrice": seller.get("recommendedPrice"),
        }

    return amounts


def broker_price_list(store: Store, reseller_id: str, service_id: str, currency: object) -> JSON:
    service = _service(store, reseller_id, service_id)
    if not service["marketplace"]:
        return ops.get_price_list(store, service["id"], currency)
    code = validate_currency(currency)
    if code not in service["currencies"]:
        raise UnknownObjectError(code)
    return _list_of(
        store, service["id"], code, _broker_amounts(store, reseller(store, reseller_id)["id"], code)
    )


def _each_item(store: Store, items: list[JSON]) -> list[tuple[Table, JSON, JSON | None]]:
    found: list[tuple[Table, JSON, JSON | None]] = []
    for item in items:
        found.append(("products", store.products[item["productId"]], item["price"]))
        found += [("addons", store.addons[a["addonId"]], a["price"]) for a in item["addons"]]
    return found


def set_broker_prices(store: Store, reseller_id: str, service_id: str, body: object) -> None:
    """The PUT (the seller's public shape: the currency in the body, items by ``itemId``)."""
    service = _service(store, reseller_id, service_id)
    if not service["marketplace"]:
        ops.update_price_list(store, service["id"], body)
        return
    broker_id = reseller(store, reseller_id)["id"]
    code, items = validate_price_list(body)
    rules.check_price_list(store, service, code, items)
    for table, item, amounts in _each_item(store, items):
        if amounts is None:
            continue
        prices = {**item.get(_BROKER_PRICES, {})}
        mine = {**prices.get(broker_id, {})}
        # Only the broker's price is its own; the cost is the seller's (read only).
        mine[code] = {**mine.get(code, {}), "price": amounts.get("price")}
        prices[broker_id] = mine
        store.update(table, item["id"], {_BROKER_PRICES: prices})


def enable_broker_currency(store: Store, reseller_id: str, service_id: str, code: str) -> None:
    """Seeds only, as Cloudmore's UI does: the broker may price a marketplace service in
    ``code`` (ASSUMED: among the currencies its seller allows; a PUT never enables one)."""
    broker_id = reseller(store, reseller_id)["id"]
    record = store.services[service_id]
    by_broker = {**record.get(_BROKER_CURRENCIES, {})}
    if code not in by_broker.get(broker_id, []):
        by_broker[broker_id] = [*by_broker.get(broker_id, []), code]
        store.update("services", record["id"], {_BROKER_CURRENCIES: by_broker})


def seed_costs(
    store: Store, reseller_id: str, service_id: str, currency: str, items: dict[str, JSON]
) -> None:
    """Seeds only: the broker's cost of marketplace items in a currency the seller's own price
    list leaves out (the seller's price to the broker, as the demo sets it)."""
    broker_id = reseller(store, reseller_id)["id"]
    for key, amounts in items.items():
        product_code, _, addon_code = key.partition("/")
        product = next(p for p in store.products_of(service_id) if p["itemCode"] == product_code)
        table: Table = "products"
        record = product
        if addon_code:
            table = "addons"
            record = next(a for a in store.addons_of(product["id"]) if a["itemCode"] == addon_code)
        prices = {**record.get(_BROKER_PRICES, {})}
        mine = {**prices.get(broker_id, {})}
        mine[currency] = {**mine.get(currency, {}), "cost": Decimal(str(amounts["cost"]))}
        prices[broker_id] = mine
        store.update(table, record["id"], {_BROKER_PRICES: prices})


def organization_price_list(
    store: Store, reseller_id: str, organization_id: str, service_id: str, currency: object
) -> JSON:
    org = _organization(store, reseller_id, organization_id)
    service = _service(store, reseller_id, service_id)
    code = validate_currency(currency)
    if code not in service["currencies"]:
        raise UnknownObjectError(code)

    broker = _broker_amounts(store, reseller(store, reseller_id)["id"], code)

    def amounts(record: JSON) -> JSON:
        own = record.get(_CUSTOMER_PRICES, {}).get(org["id"], {}).get(code)
        # The broker's cost beside the customer's price (ASSUMED), so a margin can be told.
        if service["marketplace"]:
            cost = broker(record)["cost"]
        else:
            cost = (record.get("_prices", {}).get(code) or {}).get("cost")
        return {"price": own, "cost": cost, "recommendedPrice": None}

    return _list_of(store, service["id"], code, amounts)


def set_customer_prices(
    store: Store,
    reseller_id: str,
    organization_id: str,
    service_id: str,
    body: object,
) -> None:
    org = _organization(store, reseller_id, organization_id)
    service = _service(store, reseller_id, service_id)
    code, items = validate_price_list(body)
    rules.check_price_list(store, service, code, items)
    for table, item, amounts in _each_item(store, items):
        if amounts is None:
            continue
        prices = {**item.get(_CUSTOMER_PRICES, {})}
        mine = {**prices.get(org["id"], {})}
        if amounts.get("price") is None:
            mine.pop(code, None)  # cleared: the broker's price applies again
        else:
            mine[code] = amounts["price"]
        prices[org["id"]] = mine
        store.update(table, item["id"], {_CUSTOMER_PRICES: prices})


def add_organization(
    store: Store, reseller_id: str, org_id: str, name: str, *, active: bool = True
) -> None:
    """Seeds only: catalog-sync never creates organizations."""
    record = {"id": org_id, "name": name, "status": "Active" if active else "Inactive"}
    store.put("organizations", {**record, _OWNER: reseller(store, reseller_id)["id"]})


def routes() -> list[tuple[str, Handler, list[str]]]:
    """The reseller routes: (path, handler, methods); api.py wraps them as the seller's."""
    from catalog_sync.emulator import api

    def own_only(get: Callable[..., JSON], write: Callable[..., Any]) -> Callable[..., Any]:
        def checked(store: Store, reseller_id: str, service_id: str, *rest: object) -> object:
            _own(store, reseller_id, service_id)
            return write(store, service_id, *rest)

        return checked

    def visible(get: Callable[..., JSON]) -> Callable[..., JSON]:
        def checked(store: Store, reseller_id: str, service_id: str, *rest: str) -> JSON:
            service = _service(store, reseller_id, service_id)
            return _as_resold(service, get(store, service_id, *rest))

        return checked

    def service_get(store: Store, reseller_id: str, service_id: str) -> JSON:
        return _service(store, reseller_id, service_id)

    def service_replace(store: Store, reseller_id: str, service_id: str, body: object) -> None:
        _own(store, reseller_id, service_id)
        ops.replace_service(store, service_id, body)

    def service_disable(store: Store, reseller_id: str, service_id: str) -> None:
        _own(store, reseller_id, service_id)
        ops.disable_service(store, service_id)

    def products_of(store: Store, reseller_id: str, service_id: str) -> list[JSON]:
        service = _service(store, reseller_id, service_id)
        return [_as_resold(service, p) for p in store.products_of(service["id"])]

    def addons_of(store: Store, reseller_id: str, service_id: str, product_id: str) -> list[JSON]:
        service = _service(store, reseller_id, service_id)
        found = store.addons_of(ops.get_product(store, service_id, product_id)["id"])
        return [_as_resold(service, a) for a in found]

    services = api.collection("service", lambda s, r: visible_services(s, r), create_own_service)
    service = api.item(service_get, service_disable, service_replace, "service")
    products = api.collection("product", products_of, own_only(ops.get_product, ops.create_product))
    product = api.item(
        visible(ops.get_product),
        own_only(ops.get_product, ops.delete_product),
        own_only(ops.get_product, ops.replace_product),
        "product",
    )
    addons = api.collection("addon", addons_of, own_only(ops.get_addon, ops.create_addon))
    addon = api.item(
        visible(ops.get_addon),
        own_only(ops.get_addon, ops.delete_addon),
        own_only(ops.get_addon, ops.replace_addon),
        "addon",
    )
    service_path = f"{RESELLER}/services/{{service_id}}"
    product_path = f"{service_path}/products/{{product_id}}"
    orgs = api.query_list(lambda s, r, q: organizations(s, r, _flag(q.get("showActive"))))
    org_prices = api.price_list_handler(organization_price_list, set_customer_prices)
    found: list[tuple[str, Handler, list[str]]] = [
        (f"{RESELLER}/settings/EmailTemplates", api.lookup(lambda s: s.email_templates), ["GET"]),
        (
            f"{RESELLER}/settings/CustomProperties",
            api.lookup(lambda s: s.custom_properties),
            ["GET"],
        ),
        (f"{RESELLER}/services", services, ["GET", "POST"]),
        (service_path, service, ["GET", "PUT", "DELETE"]),
        (
            f"{service_path}/pricelist",
            api.price_list_handler(broker_price_list, set_broker_prices),
            ["GET", "PUT"],
        ),
        (f"{service_path}/products", products, ["GET", "POST"]),
        (product_path, product, ["GET", "PUT", "DELETE"]),
        (f"{product_path}/addons", addons, ["GET", "POST"]),
        (f"{product_path}/addons/{{addon_id}}", addon, ["GET", "PUT", "DELETE"]),
        *((f"{RESELLER}/{word}", orgs, ["GET"]) for word in ("Organizations", "organizations")),
        (
            f"{RESELLER}/organizations/{{organization_id}}/services/{{service_id}}/pricelist",
            org_prices,
            ["GET", "PUT"],
        ),
    ]
    return found


def _flag(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.strip().lower() in {"true", "1"}
