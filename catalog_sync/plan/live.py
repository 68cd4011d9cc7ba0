"""The live side's adapter: read the catalog through the read-only client into a graph.

Lists only, no per-object reads: 4 lookups + the top-level kinds, then each object's children
(each service's products, each product's addons), all concurrently within the client's
parallelism. What each kind's read is and how each field decodes is in :mod:`catalog_sync.kinds`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel

from catalog_sync.cloudmore.wire import (
    BrokerRead,
    Category,
    EmailTemplate,
    MarketCountry,
    MarketRegion,
)
from catalog_sync.concurrency import all_or_nothing, gather_all
from catalog_sync.errors import UnexpectedResponseError
from catalog_sync.graph import Address, FieldValue, Resource, ResourceGraph
from catalog_sync.kinds import BROKERS, KindSpec, children_of, get_path
from catalog_sync.plan.lookups import Lookups

__all__ = ["LiveCatalog", "LiveReader", "read_live"]


class LiveReader(Protocol):
    """What reading live state needs; the read-only client provides it (and the list calls
    the kind specs name: ``list_services``, ``list_products``, ``list_addons``)."""

    async def list_categories(self) -> list[Category]: ...
    async def list_market_regions(self) -> list[MarketRegion]: ...
    async def list_market_countries(self) -> list[MarketCountry]: ...
    async def list_email_templates(self) -> list[EmailTemplate]: ...
    async def list_brokers(self) -> list[BrokerRead]: ...


@dataclass(frozen=True)
class LiveCatalog:
    graph: ResourceGraph
    lookups: Lookups
    broker_ids: Mapping[str, str]  # registrationNumber -> id
    objects: Mapping[Address, BaseModel]
    """The wire objects behind the graph, so a PUT can keep the fields the catalog does not
    manage (a PUT replaces the whole object)."""


@dataclass(frozen=True)
class _Read:
    """One object as read, with what was read below it."""

    spec: KindSpec
    wire: BaseModel
    children: tuple[_Read, ...]


async def read_live(client: LiveReader) -> LiveCatalog:
    roots = [spec for spec in children_of(None) if spec.list is not None]
    async with all_or_nothing() as group:
        categories = group.create_task(client.list_categories())
        regions = group.create_task(client.list_market_regions())
        countries = group.create_task(client.list_market_countries())
        templates = group.create_task(client.list_email_templates())
        listed = [group.create_task(spec.list(client, ())) for spec in roots if spec.list]
    lookups = Lookups(
        categories={c.name: c.category_id for c in categories.result()},
        regions={r.name: r.id for r in regions.result()},
        countries={c.country_code.upper(): c.id for c in countries.result() if c.country_code},
        email_templates={t.name: t.id for t in templates.result()},
    )
    trees = await gather_all(
        _read_below(client, spec, item, ())
        for spec, task in zip(roots, listed, strict=True)
        for item in task.result()
    )
    builder = _GraphBuilder(lookups)
    # Kinds in plan order, so a kind that is a lookup table (brokers) is known before the
    # publish settings that name it are decoded.
    for tree in sorted(trees, key=lambda t: t.spec.kind.rank):
        builder.add(tree, None, ())
    return LiveCatalog(builder.graph(), lookups, builder.tables.get(BROKERS, {}), builder.objects)


async def _read_below(
    client: Any, spec: KindSpec, item: BaseModel, parent_ids: tuple[str, ...]
) -> _Read:
    ids = (*parent_ids, _id(item))
    below = [child for child in children_of(spec.kind) if child.list is not None]
    lists = await gather_all(child.list(client, ids) for child in below if child.list)
    children = await gather_all(
        _read_below(client, child, found, ids)
        for child, items in zip(below, lists, strict=True)
        for found in items
    )
    return _Read(spec, item, tuple(children))


def _id(item: BaseModel) -> str:
    object_id = getattr(item, "id", None)
    assert isinstance(object_id, str), "every listed object carries its id"
    return object_id


class _GraphBuilder:
    def __init__(self, lookups: Lookups) -> None:
        self._lookups = lookups
        self._resources: dict[Address, Resource] = {}
        self._duplicates: list[Resource] = []
        self.objects: dict[Address, BaseModel] = {}
        self.tables: dict[str, dict[str, str]] = {}
        """The kinds that are lookup tables (brokers): natural key -> id."""
        self._keys: dict[str, dict[str, str]] = {}

    def name_of(self, table: str, identifier: str) -> str:
        if table in self._keys:
            # An id no broker has stays as it is: the plan shows it as a difference.
            return self._keys[table].get(identifier, identifier)
        return self._lookups.name_of(table, identifier)

    def add(self, read: _Read, parent: Address | None, parent_ids: tuple[str, ...]) -> None:
        spec = read.spec
        rid = _id(read.wire)
        address = self._add(spec, read.wire, parent, rid)
        if address is None:
            return  # a duplicate key: its children cannot be matched either
        for embedded in children_of(spec.kind):
            if embedded.embedded is not None:
                self._add(embedded, getattr(read.wire, embedded.embedded), address, rid)
        for child in read.children:
            self.add(child, address, (*parent_ids, rid))

    def _add(
        self, spec: KindSpec, wire: BaseModel, parent: Address | None, rid: str
    ) -> Address | None:
        """Decode, normalise and add; None when the address is taken (a duplicate)."""
        data = wire.model_dump(by_alias=True)
        fields: dict[str, FieldValue] = {}
        for field in spec.fields:
            try:
                fields[field.name] = field.from_wire(get_path(data, field.wire_path), self)
            except ValueError as error:
                raise UnexpectedResponseError(
                    f"the API returned an unusable {spec.kind.value} (id {rid}): {error}"
                ) from None
        key = None if spec.key is None else str(fields.get(spec.key) or rid)
        address = Address.of(spec.kind, key) if parent is None else parent.child(spec.kind, key)
        active = spec.status is None or data.get(spec.status) == "Active"
        resource = Resource(address, fields, id=rid, active=active)
        if spec.names_table is not None and key is not None:
            self.tables.setdefault(spec.names_table, {})[key] = rid
            self._keys.setdefault(spec.names_table, {})[rid] = key
        if address in self._resources:
            self._duplicates.append(resource)
            return None
        self._resources[address] = resource
        self.objects[address] = wire
        return address

    def graph(self) -> ResourceGraph:
        return ResourceGraph(dict(self._resources), tuple(self._duplicates))
