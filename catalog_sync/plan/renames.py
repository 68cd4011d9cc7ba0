"""Renames in a plan (README, "Renames").

A create whose natural key a rename in the same plan frees waits for that rename: pinning an
object by ``id:`` or ``movedFrom:`` lets the files rename it; when the files also describe a
new object under the old name, Cloudmore still holds that name until the rename is written,
so the create must run after it or be refused as a duplicate.

A create that looks like a rename written without ``movedFrom:`` is said to be one, with the
line that makes it one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import yaml

from catalog_sync.graph import Address, Kind, Resource, ResourceGraph
from catalog_sync.kinds import KINDS
from catalog_sync.plan.model import Action, Change, RenameHint, Unmanaged

__all__ = ["RENAME_SIMILARITY", "likely_renames", "moved_from_line", "with_rename_dependencies"]

RENAME_SIMILARITY = 0.75
"""The share of a created object's fields (and child keys) a live one must hold equal for the
plan to say "this looks like a rename" (docs/diagnostics.md)."""


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


def likely_renames(
    desired: ResourceGraph,
    live: ResourceGraph,
    changes: Sequence[Change],
    unmanaged: Sequence[Unmanaged],
) -> tuple[RenameHint, ...]:
    """Each create whose fields (and child keys) are nearly those of a live object of its kind
    under the same parent that the plan removes or leaves unmanaged: most likely a rename
    without ``movedFrom:``, which would create a duplicate (and, under prune, remove the live
    one). ``live`` is the matched live graph. Each live object is suggested once, to the
    create most like it."""
    left: dict[tuple[Address | None, Kind], list[Unmanaged]] = {}
    for entry in unmanaged:
        if KINDS[entry.kind].key is not None:
            left.setdefault((entry.address.parent, entry.kind), []).append(entry)
    scored: list[tuple[float, Change, Unmanaged]] = []
    for change in changes:
        if change.action is not Action.CREATE:
            continue
        wanted = desired.get(change.address)
        if wanted is None or wanted.moved_from is not None:
            continue
        for entry in left.get((change.address.parent, change.kind), ()):
            old = live.get(entry.address)
            if old is not None:
                score = _similarity(wanted, old, desired, live)
                if score >= RENAME_SIMILARITY:
                    scored.append((score, change, entry))
    hints: list[RenameHint] = []
    used: set[Address] = set()
    for _, change, entry in sorted(scored, key=lambda item: -item[0]):
        if change.address in used or entry.address in used:
            continue
        used.update((change.address, entry.address))
        hints.append(
            RenameHint(
                address=change.address,
                kind=change.kind,
                old_address=entry.address,
                old_id=entry.id,
                action=entry.action,
                line=moved_from_line(str(entry.address.key)),
                source=change.source,
            )
        )
    return tuple(sorted(hints, key=lambda hint: hint.address.sort_key()))


def moved_from_line(old_key: str) -> str:
    """``movedFrom: OLD`` as YAML reads it back as the string ``OLD``: plain when it can be,
    else double-quoted (a code like "12345678" would otherwise read as a number)."""
    plain = f"movedFrom: {old_key}"
    try:
        if yaml.safe_load(plain) == {"movedFrom": old_key}:
            return plain
    except yaml.YAMLError:
        pass
    return f"movedFrom: {json.dumps(old_key, ensure_ascii=False)}"


def _similarity(
    wanted: Resource, old: Resource, desired: ResourceGraph, live: ResourceGraph
) -> float:
    """The share of ``wanted``'s fields (its key left out) and child keys that ``old`` holds
    equal; 0 when there is too little to compare."""
    key = KINDS[wanted.kind].key
    names = [name for name in wanted.fields if name != key]
    equal = sum(1 for name in names if old.fields.get(name) == wanted.fields[name])
    children = {(c.kind, c.address.key) for c in desired.children(wanted.address)}
    live_children = {(c.kind, c.address.key) for c in live.children(old.address)}
    compared = len(names) + len(children)
    if compared < 2:
        return 0.0
    return (equal + len(children & live_children)) / compared
