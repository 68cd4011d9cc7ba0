"""Reading live state through the read-only client into a graph: one reader for the full
read (plan, drift, export: the whole catalog) and the scoped read (apply: what a plan's
changes touch, :mod:`catalog_sync.live.scope`). A full read is the scope of everything.

The lookup tables a scope needs and the top-level lists, then per object its detail read (only
for a kind whose list item leaves out a field the plan reads:
:meth:`~catalog_sync.kinds.KindSpec.reads_details`) and its children's lists, each started as
soon as the object is listed: no level waits for another, and the client's parallelism bounds
what is in flight. A kind listed once at the root and grouped by a parent field
(:class:`~catalog_sync.kinds.Endpoint` ``grouped_by``) is read once per read, whatever the
number of parents. What each kind's read is and how each field decodes is in its module under
:mod:`catalog_sync.kinds` (``docs/contracts.md``, "The contract").
"""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel

from catalog_sync.cloudmore.wire import ObjectBody
from catalog_sync.concurrency import all_or_nothing, gather_all
from catalog_sync.errors import NotFoundError, UnexpectedResponseError
from catalog_sync.graph import Address, FieldValue, Kind, Resource, ResourceGraph
from catalog_sync.kinds import BROKERS, KindSpec, children_of, get_path
from catalog_sync.live.lookups import LOOKUP_TABLES, Lookups, TableReader, read_lookups
from catalog_sync.live.scope import Depth, Scope

__all__ = ["LiveCatalog", "LiveReader", "assemble", "read_live", "read_scoped"]


class LiveReader(TableReader, Protocol):
    """What reading live state needs; the read-only client provides it."""

    async def get(self, kind: Kind, parent_ids: Sequence[str], object_id: str) -> Any: ...
    async def list(self, kind: Kind, parent_ids: Sequence[str] = ()) -> Any: ...
    async def list_grouped(self, kind: Kind) -> Any: ...


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


async def read_live(client: LiveReader) -> LiveCatalog:
    """The whole catalog: every lookup table, every object whole."""
    return await read_scoped(client, Scope.everything())


async def read_scoped(
    client: LiveReader, scope: Scope, lookups: Lookups | None = None
) -> LiveCatalog:
    """The live objects ``scope`` names, with the lists above them, as one LiveCatalog.
    ``lookups``: tables already known (the verification's), so none is read."""
    reading = _Reading(client, scope)
    roots = [spec for spec in children_of(None) if spec.lists and spec.kind in scope.top]
    async with all_or_nothing() as group:
        tables: builtins.list[str] | set[str] = []
        if lookups is None:
            tables = list(LOOKUP_TABLES) if scope.everything_whole else scope.tables()
        read = group.create_task(read_lookups(client, tables))
        reads = [group.create_task(reading.kind(spec, _Lineage(), scope.depth)) for spec in roots]
    known = read.result() if lookups is None else lookups
    return assemble(known, [tree for task in reads for tree in task.result()])


def assemble(lookups: Lookups, trees: Sequence[_Read]) -> LiveCatalog:
    builder = _GraphBuilder(lookups)
    # Kinds in plan order, so a kind that is a lookup table (brokers) is known before the
    # publish settings that name it are decoded.
    for tree in sorted(trees, key=lambda t: t.spec.kind.rank):
        builder.add(tree, None, ())
    return LiveCatalog(builder.graph(), lookups, builder.tables.get(BROKERS, {}), builder.objects)


class _Reading:
    """One read: the client, what to read, and the collections listed once at the root."""

    def __init__(self, client: LiveReader, scope: Scope) -> None:
        self._client = client
        self._scope = scope
        self._groups: dict[Kind, dict[str, list[BaseModel]]] = {}
        self._locks: dict[Kind, asyncio.Lock] = {}

    async def kind(self, spec: KindSpec, above: _Lineage, depth: Depth) -> list[_Read]:
        """Every object of ``spec`` under ``above``, each read (detail, children) as it is
        listed."""
        items = await self._listed(spec, above)
        return await gather_all(self._one(spec, item, above, depth) for item in items)

    async def _listed(self, spec: KindSpec, above: _Lineage) -> Sequence[BaseModel]:
        try:
            if spec.endpoint.grouped_by is not None:
                return (await self._grouped(spec.kind)).get(above.ids[-1].lower(), [])
            items: Sequence[BaseModel] = await self._client.list(spec.kind, above.ids)
            return items
        except NotFoundError as error:
            if not above.items:
                raise  # a top-level list: the seller, not a listed object, is what is missing
            raise _vanished(above, error) from None

    async def _grouped(self, kind: Kind) -> dict[str, list[BaseModel]]:
        async with self._locks.setdefault(kind, asyncio.Lock()):
            if kind not in self._groups:
                self._groups[kind] = await self._client.list_grouped(kind)
        return self._groups[kind]

    async def _one(self, spec: KindSpec, item: BaseModel, above: _Lineage, depth: Depth) -> _Read:
        scope = self._scope
        here = above.below(spec, item)
        oid = _id(item)
        depth = max(depth, scope.depth_below(spec.kind, oid))
        whole = (
            depth is Depth.WHOLE
            or scope.wants_whole(spec.kind, oid)
            or (spec.parent is None and scope.every_top_whole)
        )
        detail = whole and spec.reads_details()
        # An object nothing touches is kept for its key and id only, whatever its list
        # carries: its embedded settings may name what this read did not list (brokers).
        on_path = scope.lists_below(spec.kind, oid, _listed_key(spec, item))
        listed = [
            child
            for child in children_of(spec.kind)
            if child.lists
            and (depth is not Depth.NONE or (on_path and child.kind in scope.path_kinds))
        ]
        async with all_or_nothing() as group:
            read = group.create_task(self._detail(spec, item, above, here)) if detail else None
            below = [group.create_task(self.kind(child, here, depth)) for child in listed]
        wire_object = item if read is None else read.result()
        children = tuple(child for task in below for child in task.result())
        return _Read(spec, wire_object, children, summary=not whole)

    async def _detail(
        self, spec: KindSpec, item: BaseModel, above: _Lineage, here: _Lineage
    ) -> BaseModel:
        try:
            read: BaseModel = await self._client.get(spec.kind, above.ids, _id(item))
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


def _as_sent(wire: BaseModel) -> Mapping[str, Any]:
    """The JSON object as the server sent it (what a model default would hide)."""
    if isinstance(wire, ObjectBody):
        return wire.raw
    return wire.model_dump(by_alias=True, exclude_unset=True)


def _carries(data: Mapping[str, Any], dotted: str) -> bool:
    """Whether ``data`` has the field at ``dotted``: a null object on the way has it as null."""
    value: Any = data
    for part in dotted.split("."):
        if value is None:
            return True
        if not isinstance(value, Mapping) or part not in value:
            return False
        value = value[part]
    return True


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
                settings = getattr(read.wire, embedded.embedded)
                if settings is None:
                    self._unreadable(embedded, address, rid)
                else:
                    self._add(embedded, settings, address, rid)
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
        """Decode, normalise and add; None when the address is taken (a duplicate). A field a
        whole read lacks is unreadable, never a default (docs/contracts.md, "Unreadable
        fields")."""
        data = wire.model_dump(by_alias=True)
        sent = _as_sent(wire)
        fields: dict[str, FieldValue] = {}
        unreadable: set[str] = set()
        for field in spec.fields:
            if field.write_only:
                continue  # never served by a read: unknown, not empty
            if whole and not _carries(sent, field.wire_path):
                unreadable.add(field.name)
                continue
            try:
                fields[field.name] = field.from_wire(get_path(data, field.wire_path), self)
            except ValueError as error:
                raise UnexpectedResponseError(
                    f"the API returned an unusable {spec.kind.value} (id {rid}): {error}"
                ) from None
        key = None if spec.key is None else str(fields.get(spec.key) or rid)
        address = Address.of(spec.kind, key) if parent is None else parent.child(spec.kind, key)
        status_unread = whole and spec.status is not None and spec.status not in sent
        if status_unread:
            unreadable.add("status")
        # An unreadable status is not "Disabled" either: nothing is enabled on its account.
        active = (
            spec.status is None or status_unread or data.get(spec.status) == spec.status_values[0]
        )
        resets: tuple[str, ...] = ()
        if whole and spec.contract is not None and isinstance(wire, ObjectBody):
            resets = tuple(name for name in spec.contract.resetting() if name not in sent)
        resource = Resource(
            address, fields, id=rid, active=active, unreadable=frozenset(unreadable), resets=resets
        )
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

    def _unreadable(self, spec: KindSpec, parent: Address, rid: str) -> None:
        """Embedded settings the read lacks (a service without ``publish``): every field
        unreadable, so no change is planned on a guess."""
        address = parent.child(spec.kind, None)
        names = frozenset(field.name for field in spec.fields)
        self._resources[address] = Resource(address, {}, id=rid, unreadable=names)

    def graph(self) -> ResourceGraph:
        return ResourceGraph(dict(self._resources), tuple(self._duplicates))
