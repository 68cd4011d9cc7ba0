"""The live side's adapter: read the catalog through the read-only client into a graph.

Lists only, no per-object reads: 4 lookups + brokers + services, then each service's
products and each product's addons, all concurrently within the client's parallelism.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from catalog_sync.cloudmore.wire import (
    Addon,
    Broker,
    Category,
    EmailTemplate,
    MarketCountry,
    MarketRegion,
    Product,
    Service,
)
from catalog_sync.concurrency import all_or_nothing, gather_all
from catalog_sync.errors import UnexpectedResponseError
from catalog_sync.graph import Address, Kind, Resource, ResourceGraph
from catalog_sync.normalise import FIELD_SPECS, normalise
from catalog_sync.plan.lookups import Lookups

__all__ = ["PUBLISH_MODES", "LiveCatalog", "LiveReader", "WireObject", "read_live"]

# The catalog's publish vocabulary and the API's (cloudmore-api.md 3.4).
PUBLISH_MODES: Mapping[str, str] = {
    "allBrokers": "AllBrokers",
    "regions": "Regions",
    "countries": "Countries",
    "sellerBrokers": "SellerBrokers",
    "brokers": "SpecificBrokers",
    "none": "None",
}
_MODE_FROM_WIRE = {wire: mode for mode, wire in PUBLISH_MODES.items()}


class LiveReader(Protocol):
    """What reading live state needs; the read-only client provides it."""

    async def list_categories(self) -> list[Category]: ...
    async def list_market_regions(self) -> list[MarketRegion]: ...
    async def list_market_countries(self) -> list[MarketCountry]: ...
    async def list_email_templates(self) -> list[EmailTemplate]: ...
    async def list_brokers(self) -> list[Broker]: ...
    async def list_services(self) -> list[Service]: ...
    async def list_products(self, service_id: str) -> list[Product]: ...
    async def list_addons(self, service_id: str, product_id: str) -> list[Addon]: ...


WireObject = Service | Product | Addon | Broker


@dataclass(frozen=True)
class LiveCatalog:
    graph: ResourceGraph
    lookups: Lookups
    broker_ids: Mapping[str, str]  # registrationNumber -> id
    objects: Mapping[Address, WireObject]
    """The wire objects behind the graph, so a PUT can keep the fields the catalog does not
    manage (a PUT replaces the whole object)."""


async def read_live(client: LiveReader) -> LiveCatalog:
    async with all_or_nothing() as group:
        categories = group.create_task(client.list_categories())
        regions = group.create_task(client.list_market_regions())
        countries = group.create_task(client.list_market_countries())
        templates = group.create_task(client.list_email_templates())
        brokers_read = group.create_task(client.list_brokers())
        services_read = group.create_task(client.list_services())
    lookups = Lookups(
        categories={c.name: c.category_id for c in categories.result()},
        regions={r.name: r.id for r in regions.result()},
        countries={c.country_code.upper(): c.id for c in countries.result() if c.country_code},
        email_templates={t.name: t.id for t in templates.result()},
    )
    brokers, services = brokers_read.result(), services_read.result()
    trees = await gather_all(_read_service_tree(client, s) for s in services)
    builder = _GraphBuilder()
    broker_numbers: dict[str, str] = {}
    for broker in brokers:
        number = broker.registration_number or broker.id
        broker_numbers[broker.id] = number
        builder.add(Address.of(Kind.BROKER, number), broker.id, _broker_fields(broker), broker)
    for service, products in trees:
        _add_service(builder, service, products, lookups, broker_numbers)
    return LiveCatalog(
        builder.graph(),
        lookups,
        {number: bid for bid, number in broker_numbers.items()},
        builder.objects,
    )


async def _read_service_tree(
    client: LiveReader, service: Service
) -> tuple[Service, list[tuple[Product, list[Addon]]]]:
    products = await client.list_products(service.id)
    addons = await gather_all(client.list_addons(service.id, p.id) for p in products)
    return service, list(zip(products, addons, strict=True))


def _add_service(
    builder: _GraphBuilder,
    service: Service,
    products: Sequence[tuple[Product, list[Addon]]],
    lookups: Lookups,
    broker_numbers: Mapping[str, str],
) -> None:
    address = Address.of(Kind.SERVICE, service.name)
    fields = _wire_fields(Kind.SERVICE, service)
    fields["categories"] = [lookups.name_of("categories", i) for i in service.category_ids]
    if not builder.add(address, service.id, fields, service, active=service.status == "Active"):
        return  # a duplicate name: its children cannot be matched either
    publish = service.publish
    builder.add(
        address.child(Kind.PUBLISH),
        service.id,
        {
            "to": _MODE_FROM_WIRE.get(publish.publish_to, publish.publish_to),
            "regions": [lookups.name_of("regions", i) for i in publish.region_ids],
            "countries": [lookups.name_of("countries", i) for i in publish.country_ids],
            "brokers": [broker_numbers.get(i, i) for i in publish.broker_ids],
        },
    )
    for product, addons in products:
        product_address = address.child(Kind.PRODUCT, product.item_code)
        product_fields = _wire_fields(Kind.PRODUCT, product)
        template = product.email_template_id
        product_fields["emailTemplate"] = (
            lookups.name_of("emailTemplates", template) if template else None
        )
        if not builder.add(product_address, product.id, product_fields, product):
            continue
        for addon in addons:
            builder.add(
                product_address.child(Kind.ADDON, addon.item_code),
                addon.id,
                _wire_fields(Kind.ADDON, addon),
                addon,
            )


def _wire_fields(kind: Kind, dto: Service | Product | Addon) -> dict[str, Any]:
    data = dto.model_dump(by_alias=True)
    return {spec.name: data.get(spec.name) for spec in FIELD_SPECS[kind]}


def _broker_fields(broker: Broker) -> dict[str, Any]:
    data = broker.model_dump(by_alias=True)
    fields: dict[str, Any] = {}
    for spec in FIELD_SPECS[Kind.BROKER]:
        value: Any = data
        for part in spec.name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        fields[spec.name] = value
    fields["customProperties"] = [f"{p.id}={p.value or ''}" for p in broker.custom_properties]
    return fields


class _GraphBuilder:
    def __init__(self) -> None:
        self._resources: dict[Address, Resource] = {}
        self._duplicates: list[Resource] = []
        self.objects: dict[Address, WireObject] = {}

    def add(
        self,
        address: Address,
        rid: str,
        raw: Mapping[str, Any],
        wire: WireObject | None = None,
        *,
        active: bool = True,
    ) -> bool:
        """Normalise and add; False when the address is taken (the object is a duplicate)."""
        fields = {}
        for name, value in raw.items():
            try:
                fields[name] = normalise(address.kind, name, value)
            except ValueError as error:
                raise UnexpectedResponseError(
                    f"the API returned an unusable value for {address} (id {rid}): {error}"
                ) from None
        resource = Resource(address, fields, id=rid, active=active)
        if address in self._resources:
            self._duplicates.append(resource)
            return False
        self._resources[address] = resource
        if wire is not None:
            self.objects[address] = wire
        return True

    def graph(self) -> ResourceGraph:
        return ResourceGraph(dict(self._resources), tuple(self._duplicates))
