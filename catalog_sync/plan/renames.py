"""A create whose natural key a rename in the same plan frees waits for that rename.

Pinning an object by ``id:`` lets the files rename it (README, "Identity without a state
file"); when the files also describe a new object under the old name, Cloudmore still holds
that name until the rename is written, so the create must run after it or be refused as a
duplicate.
"""

from __future__ import annotations

from collections.abc import Sequence

from catalog_sync.graph import Address, ResourceGraph
from catalog_sync.plan.model import Action, Change

__all__ = ["with_rename_dependencies"]


def with_rename_dependencies(
    changes: Sequence[Change], raw_live: ResourceGraph
) -> tuple[Change, ...]:
    """``changes`` with each create that sits where a renamed object sat (in the live graph
    as read) depending on that object's update."""
    freed: dict[Address, Address] = {}
    for change in changes:
        if change.action is not Action.UPDATE or change.id is None:
            continue
        was = raw_live.by_id(change.kind).get(change.id)
        if was is not None and was.address != change.address:
            freed[was.address] = change.address
    if not freed:
        return tuple(changes)
    result = []
    for change in changes:
        rename = freed.get(change.address)
        if change.action is Action.CREATE and rename is not None:
            needs = tuple(sorted({*change.depends_on, rename}, key=Address.sort_key))
            change = change.model_copy(update={"depends_on": needs})
        result.append(change)
    return tuple(result)
