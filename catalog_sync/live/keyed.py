"""Kinds read on demand (price lists): listed by their parent, read by key where needed.

A service names the currencies it has a price list in (``docs/contracts.md``, "Price lists"),
and each list is one more request, so the live side holds every listed one as an object
without fields, and reads only those the files name (plan) or the plan changes (apply's re-read
and verification): a catalog without prices reads nothing more, and a listed currency the
files leave out is reported unmanaged without being read (export, which writes them all,
reads every listed one: :func:`listed`). Which kinds these are, and how they are listed and
read, is in their spec (``listed``, ``get``) in :mod:`catalog_sync.kinds`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from pydantic import BaseModel

from catalog_sync.concurrency import gather_all
from catalog_sync.errors import ApiValidationError, NotFoundError, UnexpectedResponseError
from catalog_sync.graph import Address, FieldValue, Resource, ResourceGraph
from catalog_sync.kinds import KINDS, ItemFields, KindSpec, keyed_id
from catalog_sync.live.reader import LiveCatalog
from catalog_sync.plan.match import match
from catalog_sync.plan.model import Change

__all__ = ["listed", "read_keyed", "wanted_by_changes", "wanted_by_desired", "with_listed"]


def _keyed_kinds() -> list[KindSpec]:
    return [spec for spec in KINDS.values() if spec.endpoint.keyed]


def with_listed(live: LiveCatalog) -> LiveCatalog:
    """``live`` with an object (no fields yet) for every key a parent lists."""
    added: dict[Address, Resource] = {}
    for spec in _keyed_kinds():
        if spec.listed is None:
            continue
        for parent in live.graph:
            wire = live.objects.get(parent.address)
            if parent.kind is not spec.parent or wire is None or parent.id is None:
                continue
            for key in spec.listed(wire) or ():
                at = parent.address.child(spec.kind, key)
                added[at] = Resource(at, {}, id=keyed_id(parent.id, key))
    if not added:
        return live
    graph = ResourceGraph({**live.graph.resources, **added}, live.graph.duplicates)
    return replace(live, graph=graph)


def listed(live: ResourceGraph) -> list[Address]:
    """Every listed object (``with_listed``), read or not: export reads them all, as a file
    holds every currency a service prices in."""
    kinds = {spec.kind for spec in _keyed_kinds()}
    return [resource.address for resource in live if resource.kind in kinds]


def wanted_by_desired(desired: ResourceGraph, live: ResourceGraph) -> list[Address]:
    """The listed objects the files name, at their live addresses (a parent may be matched by
    a pinned id or a key in another case)."""
    kinds = {spec.kind for spec in _keyed_kinds()}
    named = [r for r in desired if r.kind in kinds and r.address.parent is not None]
    if not named:
        return []
    matched = match(desired, live)
    wanted = []
    for resource in named:
        assert resource.address.parent is not None
        parent = matched.get(resource.address.parent)
        found = live.by_id(parent.kind).get(parent.id) if parent and parent.id else None
        if found is not None:
            wanted.append(found.address.child(resource.kind, resource.address.key))
    return wanted


def wanted_by_changes(changes: Iterable[Change], live: ResourceGraph) -> list[Address]:
    """The listed objects ``changes`` write, at their live addresses: under the parent the
    plan names by id, else (created in the run) at the parent's planned address."""
    kinds = {spec.kind for spec in _keyed_kinds()}
    wanted = []
    for change in changes:
        if change.kind not in kinds or change.parent is None:
            continue
        parent = (
            live.by_id(change.parent.kind).get(change.parent_id)
            if change.parent_id is not None
            else live.get(change.parent)
        )
        if parent is not None:
            wanted.append(parent.address.child(change.kind, change.address.key))
    return wanted


def _unlisted(live: LiveCatalog, address: Address) -> bool:
    """Whether the parent of ``address`` is live but its read lacks the keys of this kind
    (a service read without ``currencies``): only a read by key can tell."""
    spec = KINDS.get(address.kind)
    parent = address.parent
    if spec is None or spec.listed is None or parent is None:
        return False
    wire = live.objects.get(parent)
    return parent in live.graph and wire is not None and spec.listed(wire) is None


async def read_keyed(client: Any, live: LiveCatalog, wanted: Iterable[Address]) -> LiveCatalog:
    """``live`` with the listed objects at ``wanted`` read (those not listed stay absent).
    Where the parent cannot list them, each wanted one is read by key, and an error answer
    means it does not exist (a price list in a currency the service has not enabled)."""
    wanted = set(wanted)
    targets = sorted({a for a in wanted if a in live.graph and a.parent is not None})
    probes = sorted({a for a in wanted if a not in live.graph and _unlisted(live, a)})
    if not targets and not probes:
        return live
    graph = with_probes(live.graph, probes)
    reads = await gather_all(_read(client, graph, address) for address in targets)
    probed = await gather_all(_probe(client, graph, address) for address in probes)
    resources = dict(live.graph.resources)
    objects: dict[Address, BaseModel] = dict(live.objects)
    found = [*zip(targets, reads, strict=True)]
    found += [(a, read) for a, read in zip(probes, probed, strict=True) if read is not None]
    for address, (resource, wire) in found:
        resources[address] = resource
        objects[address] = wire
    graph = ResourceGraph(resources, live.graph.duplicates)
    return replace(live, graph=graph, objects=objects)


def with_probes(graph: ResourceGraph, probes: Iterable[Address]) -> ResourceGraph:
    """``graph`` with an object (no fields) at each probed address, to read it like a listed
    one."""
    added = {}
    for address in probes:
        assert address.parent is not None
        parent = graph.resources[address.parent]
        added[address] = Resource(address, {}, id=keyed_id(parent.id or "", address.key or ""))
    return ResourceGraph({**graph.resources, **added}, graph.duplicates) if added else graph


async def _probe(
    client: Any, graph: ResourceGraph, address: Address
) -> tuple[Resource, BaseModel] | None:
    try:
        return await _read(client, graph, address)
    except (NotFoundError, ApiValidationError):
        return None


async def _read(client: Any, graph: ResourceGraph, address: Address) -> tuple[Resource, BaseModel]:
    spec = KINDS[address.kind]
    assert address.parent is not None
    assert address.key is not None
    lineage = [address.parent, *address.parent.ancestors()][::-1]
    ids = tuple(graph.resources[at].id or "" for at in lineage)
    wire = await client.get(spec.kind, ids, address.key)
    listed = graph.resources[address]
    return replace(listed, fields=_fields(spec, wire, graph, address.parent)), wire


def _fields(
    spec: KindSpec, wire: BaseModel, graph: ResourceGraph, parent: Address
) -> dict[str, FieldValue]:
    """One field per item and amount, the item named by the natural keys of the live objects
    the ids are (an item not read live, created since, is left out: a re-read shows it)."""
    items = spec.items
    if items is None:
        return {}
    names = _item_names(graph, parent, items)
    fields: dict[str, FieldValue] = {}
    for ids, amounts in items.rows(wire):
        name = names.get(tuple(i.lower() for i in ids))
        if name is None:
            continue
        for amount in items.amounts:
            try:
                fields[f"{name}.{amount.name}"] = amount.to_graph(amounts.get(amount.wire_path))
            except ValueError as error:
                raise UnexpectedResponseError(
                    f"the API returned an unusable {spec.kind.value} ({parent}): {error}"
                ) from None
    return dict(sorted(fields.items()))


def _item_names(
    graph: ResourceGraph, parent: Address, items: ItemFields
) -> Mapping[tuple[str, ...], str]:
    """Ids below ``parent`` (outermost first) -> item name (natural keys joined)."""
    found: dict[tuple[str, ...], str] = {}

    def walk(at: Address, ids: tuple[str, ...], keys: tuple[str, ...], level: int) -> None:
        if level == len(items.item_kinds):
            return
        for child in graph.children(at):
            if child.kind is not items.item_kinds[level] or child.id is None:
                continue
            below_ids, below_keys = (*ids, child.id.lower()), (*keys, child.address.key or "")
            found[below_ids] = items.item_name(below_keys)
            walk(child.address, below_ids, below_keys, level + 1)

    walk(parent, (), (), 0)
    return found
