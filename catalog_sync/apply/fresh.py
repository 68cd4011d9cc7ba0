"""Right before each write: the object as it is now, not as it was when the plan was checked.

Cloudmore has no ETag and no conditional PUT, and a PUT replaces the whole object (a price
list PUT every amount of each item it names), so a body built from the read of the stale-plan
check would write back what anyone changed since: a lost update. Each update, enable and
publish therefore re-reads its object right before its PUT (docs/contracts.md, "Edits during
apply"):

- a field the change writes moved since the check: the change is refused
  (:class:`~catalog_sync.errors.ConcurrentEditError`; its dependents are skipped), so that edit
  stays and a new plan shows it;
- otherwise the body is the fresh read with only the planned fields overlaid, so an edit of
  any other field, managed or not, stays.

A delete re-lists what is below the object right before it and is refused when something is
there that the check did not see (an addon created under a product being deleted).

Fields are compared as the wire has them: two reads of one server spell one value alike, so
nothing here decodes or normalises.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel

from catalog_sync.cloudmore import ReadOnlyClient
from catalog_sync.cloudmore.wire import ObjectBody
from catalog_sync.errors import ConcurrentEditError, NotFoundError
from catalog_sync.graph import Address, ResourceGraph
from catalog_sync.kinds import KINDS, KindSpec, children_of, get_path

__all__ = ["moved_fields", "new_below", "reread", "shown", "wire_value"]

ItemIds = Callable[[Address], tuple[str, ...]]


async def reread(
    client: ReadOnlyClient,
    spec: KindSpec,
    address: Address,
    parents: tuple[str, ...],
    object_id: str,
) -> BaseModel | None:
    """The object at ``address`` read again now; None for a kind that cannot be read alone."""
    try:
        if spec.endpoint.keyed and address.key is not None:
            keyed: BaseModel = await client.get(spec.kind, parents, address.key)
            return keyed
        if spec.embedded is not None and spec.parent is not None:
            owner_spec = KINDS[spec.parent]
            if not owner_spec.endpoint.detail or not parents:
                return None
            owner = await client.get(owner_spec.kind, parents[:-1], parents[-1])
            found: BaseModel | None = getattr(owner, spec.embedded, None)
            return found
        if spec.endpoint.detail:
            detail: BaseModel = await client.get(spec.kind, parents, object_id)
            return detail
    except NotFoundError:
        raise ConcurrentEditError(
            f"{address}: deleted in Cloudmore since apply checked the plan (id {object_id}); "
            "nothing written: re-run plan"
        ) from None
    return None


def shown(value: Any) -> str:
    """A value from the server as a message quotes it: JSON with non-ASCII escaped, so a line
    break (or a bidi control) in it stays escaped and cannot start a line of its own."""
    return json.dumps(value, default=str)


def wire_value(
    spec: KindSpec, address: Address, read: BaseModel, name: str, item_ids: ItemIds
) -> Any:
    """Field ``name`` of ``read`` (an object of ``spec`` at ``address``) as the wire has it."""
    items = spec.items
    if items is not None:
        split = items.split(name)
        if split is None or address.parent is None:
            return None
        ids = tuple(i.lower() for i in item_ids(items.item_address(address.parent, split[0])))
        rows = {tuple(i.lower() for i in row_ids): amounts for row_ids, amounts in items.rows(read)}
        return rows.get(ids, {}).get(split[1].wire_path)
    data = read.raw if isinstance(read, ObjectBody) else read.model_dump(by_alias=True)
    return get_path(data, spec.field_for(name).wire_path)


def moved_fields(
    spec: KindSpec,
    address: Address,
    names: Iterable[str],
    checked: BaseModel,
    fresh: BaseModel,
    item_ids: ItemIds,
) -> list[str]:
    """The fields of ``names`` whose value in ``fresh`` is not the one in ``checked``."""
    return [
        name
        for name in names
        if wire_value(spec, address, checked, name, item_ids)
        != wire_value(spec, address, fresh, name, item_ids)
    ]


async def new_below(
    client: ReadOnlyClient, spec: KindSpec, ids: tuple[str, ...], checked: ResourceGraph
) -> list[str]:
    """What is listed below the object (``ids``: its own and its ancestors', outermost first)
    now that the read of the check (``checked``) did not hold, each as ``kind "key" (id)``."""
    found: list[str] = []
    for child in children_of(spec.kind):
        if not child.lists:
            continue  # read by key through its parent (a price list): nothing of its own
        seen = {known.lower() for known in checked.by_id(child.kind)}
        for item in await client.list(child.kind, ids):
            child_id = str(getattr(item, "id", "")).lower()
            key = child.key_field and get_path(item.model_dump(by_alias=True), child.key_field)
            if child_id not in seen:
                found.append(f"{child.kind.value} {shown(key)} (id {shown(child_id)})")
            found.extend(await new_below(client, child, (*ids, child_id), checked))
    return found
