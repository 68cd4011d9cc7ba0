"""The live side's adapter: read the catalog through the read-only client into a graph.

5 lookups and the top-level lists, then per object its detail read (only for a kind whose list
item leaves out a field the plan reads: :meth:`~catalog_sync.kinds.KindSpec.reads_details`)
and its children's lists, each started as soon as the object is listed: no level waits for
another, and the client's parallelism bounds what is in flight. What each kind's read is and
how each field decodes is in :mod:`catalog_sync.kinds` (``docs/contracts.md``, "List and
detail reads").
"""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel

from catalog_sync.cloudmore.wire import (
    Category,
    CustomPropertyDefinition,
    EmailTemplate,
    MarketCountry,
    MarketRegion,
)
from catalog_sync.concurrency import all_or_nothing, gather_all
from catalog_sync.errors import NotFoundError, UnexpectedResponseError
from catalog_sync.graph import Address, FieldValue, Kind, Resource, ResourceGraph
from catalog_sync.kinds import BROKERS, KINDS, LOOKUP_TABLES, KindSpec, children_of, get_path
from catalog_sync.plan.lookups import Lookups

__all__ = ["GroupedOnce", "LiveCatalog", "LiveReader", "assemble", "read_live", "read_lookups"]


class LiveReader(Protocol):
    """What reading live state needs; the read-only client provides it."""

    async def get(self, kind: Kind, parent_ids: Sequence[str], object_id: str) -> Any: ...
    async def list(self, kind: Kind, parent_ids: Sequence[str] = ()) -> Any: ...
    async def list_grouped(self, kind: Kind) -> Any: ...

    async def list_categories(self) -> builtins.list[Category]: ...
    async def list_market_regions(self) -> builtins.list[MarketRegion]: ...
    async def list_market_countries(self) -> builtins.list[MarketCountry]: ...
    async def list_email_templates(self) -> builtins.list[EmailTemplate]: ...
    async def list_custom_properties(self) -> builtins.list[CustomPropertyDefinition]: ...


@dataclass(frozen=True)
class LiveCatalog:
    graph: ResourceGraph
    lookups: Lookups
    broker_ids: Mapping[str, str]  # registrationNumber -> id
    objects: Mapping[Address, BaseModel]
    """The wire objects behind the graph, as their detail reads answered (``raw`` holds the
    JSON as sent), so a PUT keeps the fields the catalog does not manage (a PUT replaces the
    whole object)."""


@dataclass(frozen=True)
class _Read:
    """One object as read, with what was read below it."""

    spec: KindSpec
    wire: BaseModel
    children: tuple[_Read, ...]
    summary: bool = False
    """Read for its key and id only (apply's scoped read of an object nothing touches): its
    fields are not trusted, the settings embedded in it not decoded, its wire object no PUT
    base."""


@dataclass(frozen=True)
class _Lineage:
    """The listed objects above a read, outermost first: their ids for the client calls, and
    their names only when an error must say which object it was."""

    items: tuple[tuple[KindSpec, BaseModel], ...] = ()

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(_id(item) for _, item in self.items)

    def below(self, spec: KindSpec, item: BaseModel) -> _Lineage:
        return _Lineage((*self.items, (spec, item)))

    def address(self) -> Address | None:
        address: Address | None = None
        for spec, item in self.items:
            key = _listed_key(spec, item)
            address = (
                Address.of(spec.kind, key) if address is None else address.child(spec.kind, key)
            )
        return address


class GroupedOnce:
    """One read's client: a kind listed once at the root and grouped by a parent field
    (``Endpoint.grouped_by``) is listed once for the whole read, however many parents ask for
    their objects; every other call goes to ``client`` as it is."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._groups: dict[Kind, asyncio.Future[Mapping[str, Sequence[BaseModel]]]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    async def list(self, kind: Kind, parent_ids: Sequence[str] = ()) -> Any:
        if KINDS[kind].endpoint.grouped_by is None or not parent_ids:
            return await self._client.list(kind, parent_ids)
        groups = self._groups.get(kind)
        if groups is None:
            groups = self._groups[kind] = asyncio.ensure_future(self._client.list_grouped(kind))
        # Shielded: one parent's read cancelled must not cancel the list the others wait on.
        return (await asyncio.shield(groups)).get(parent_ids[-1].lower(), [])


async def read_live(client: LiveReader) -> LiveCatalog:
    client = GroupedOnce(client)
    roots = [spec for spec in children_of(None) if spec.lists]
    async with all_or_nothing() as group:
        lookups = group.create_task(read_lookups(client, LOOKUP_TABLES))
        reads = [group.create_task(_read_kind(client, spec, _Lineage())) for spec in roots]
    return assemble(lookups.result(), [tree for task in reads for tree in task.result()])


async def _rows(
    read: Awaitable[Sequence[Any]], row: Callable[[Any], tuple[str, str] | None]
) -> dict[str, str]:
    return dict(pair for item in await read if (pair := row(item)) is not None)


async def _lookup_read(client: Any, table: str) -> dict[str, str]:
    """The one read behind each lookup table: name (an ISO code for countries) -> id."""
    if table == "categories":
        return await _rows(client.list_categories(), lambda c: (c.name, c.category_id))
    if table == "regions":
        return await _rows(client.list_market_regions(), lambda r: (r.name, r.id))
    if table == "countries":
        return await _rows(
            client.list_market_countries(),
            lambda c: (c.country_code.upper(), c.id) if c.country_code else None,
        )
    if table == "emailTemplates":
        return await _rows(client.list_email_templates(), lambda t: (t.name, t.id))
    assert table == "customProperties", table
    return await _rows(client.list_custom_properties(), lambda p: (p.name, p.id))


async def read_lookups(client: LiveReader, tables: Iterable[str]) -> Lookups:
    """The lookup ``tables`` (of :data:`LOOKUP_TABLES`), each one request; the others empty."""
    chosen = [table for table in LOOKUP_TABLES if table in set(tables)]
    async with all_or_nothing() as group:
        tasks = {table: group.create_task(_lookup_read(client, table)) for table in chosen}
    read = {table: task.result() for table, task in tasks.items()}
    return Lookups(*(read.get(table, {}) for table in LOOKUP_TABLES))


def assemble(lookups: Lookups, trees: Sequence[_Read]) -> LiveCatalog:
    builder = _GraphBuilder(lookups)
    # Kinds in plan order, so a kind that is a lookup table (brokers) is known before the
    # publish settings that name it are decoded.
    for tree in sorted(trees, key=lambda t: t.spec.kind.rank):
        builder.add(tree, None, ())
    return LiveCatalog(builder.graph(), lookups, builder.tables.get(BROKERS, {}), builder.objects)


async def _listed(client: Any, spec: KindSpec, above: _Lineage) -> Sequence[BaseModel]:
    try:
        items: Sequence[BaseModel] = await client.list(spec.kind, above.ids)
        return items
    except NotFoundError as error:
        if not above.items:
            raise  # a top-level list: the seller, not a listed object, is what is missing
        raise _vanished(above, error) from None


async def _read_kind(client: Any, spec: KindSpec, above: _Lineage) -> list[_Read]:
    """Every object of ``spec`` under ``above``, each read (detail, children) as it is listed."""
    items = await _listed(client, spec, above)
    details = spec.reads_details()
    return await gather_all(_read_one(client, spec, item, above, details) for item in items)


async def _read_one(
    client: Any, spec: KindSpec, item: BaseModel, above: _Lineage, details: bool
) -> _Read:
    here = above.below(spec, item)
    async with all_or_nothing() as group:
        detail: asyncio.Task[BaseModel] | None = None
        if details:
            detail = group.create_task(_detail(client, spec, item, above, here))
        below = [
            group.create_task(_read_kind(client, child, here))
            for child in children_of(spec.kind)
            if child.lists
        ]
    wire = item if detail is None else detail.result()
    return _Read(spec, wire, tuple(read for task in below for read in task.result()))


async def _detail(
    client: Any, spec: KindSpec, item: BaseModel, above: _Lineage, here: _Lineage
) -> BaseModel:
    try:
        read: BaseModel = await client.get(spec.kind, above.ids, _id(item))
        return read
    except NotFoundError as error:
        raise _vanished(here, error) from None


def _vanished(lineage: _Lineage, error: NotFoundError) -> NotFoundError:
    """A listed object that is gone when read again: deleted while the catalog was read."""
    address = lineage.address()
    oid = _id(lineage.items[-1][1])
    return NotFoundError(
        f"{address} (id {oid}) was listed but is gone now (404): it was deleted while the "
        "catalog was being read; run the command again",
        method=error.method,
        path=error.path,
        status=error.status,
    )


def _listed_key(spec: KindSpec, item: BaseModel) -> str | None:
    if spec.key is None:
        return None
    value = get_path(item.model_dump(by_alias=True), spec.by_name[spec.key].wire_path)
    return str(value) if value else _id(item)


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
        address = self._add(spec, read.wire, parent, rid, whole=not read.summary)
        if address is None:
            return  # a duplicate key: its children cannot be matched either
        for embedded in children_of(spec.kind):
            if embedded.embedded is not None and not read.summary:
                self._add(embedded, getattr(read.wire, embedded.embedded), address, rid)
        for child in read.children:
            self.add(child, address, (*parent_ids, rid))

    def _add(
        self,
        spec: KindSpec,
        wire: BaseModel,
        parent: Address | None,
        rid: str,
        *,
        whole: bool = True,
    ) -> Address | None:
        """Decode, normalise and add; None when the address is taken (a duplicate)."""
        data = wire.model_dump(by_alias=True)
        fields: dict[str, FieldValue] = {}
        for field in spec.fields:
            if field.write_only:
                continue  # never served by a read: unknown, not empty
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
        if whole:
            # A summary is no base for a PUT: it would send back fields it left out as empty.
            self.objects[address] = wire
        return address

    def graph(self) -> ResourceGraph:
        return ResourceGraph(dict(self._resources), tuple(self._duplicates))
