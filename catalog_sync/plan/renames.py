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
    one). ``live`` is the matched live graph. Each live object is suggested once.

    Objects whose fields are all equal are paired first, through an index (a catalog that
    renames thousands of addons at once must not compare every pair); the rest are compared
    pair by pair, most alike first, in a group of at most :data:`_MAX_PAIRS` pairs."""
    groups: dict[tuple[Address | None, Kind], tuple[list[Resource], list[Unmanaged]]] = {}
    for entry in unmanaged:
        if KINDS[entry.kind].key is not None:
            groups.setdefault((entry.address.parent, entry.kind), ([], []))[1].append(entry)
    for change in changes:
        wanted = desired.get(change.address)
        group = groups.get((change.address.parent, change.kind))
        if change.action is not Action.CREATE or wanted is None or group is None:
            continue
        if wanted.moved_from is None:  # a movedFrom that renames nothing has its own note
            group[0].append(wanted)
    hints: list[RenameHint] = []
    for creates, candidates in groups.values():
        pairs = _equal_pairs(creates, candidates, live)
        paired = {address for pair in pairs for address in (pair[0].address, pair[1].address)}
        creates = [c for c in creates if c.address not in paired]
        candidates = [c for c in candidates if c.address not in paired]
        pairs += _alike_pairs(creates, candidates, desired, live)
        hints += (_hint(wanted, entry) for wanted, entry in pairs)
    return tuple(sorted(hints, key=lambda hint: hint.address.sort_key()))


_MAX_PAIRS = 20_000
"""Pairs of creates and live objects of one group compared one by one (beyond it, only
objects whose fields are all equal are paired)."""


def _equal_pairs(
    creates: Sequence[Resource], candidates: Sequence[Unmanaged], live: ResourceGraph
) -> list[tuple[Resource, Unmanaged]]:
    """Each create paired with a live object whose every field the create gives (its key left
    out, at least two) is equal, looked up by those values."""
    indexes: dict[tuple[str, ...], dict[tuple[object, ...], list[Unmanaged]]] = {}
    pairs: list[tuple[Resource, Unmanaged]] = []
    used: set[Address] = set()
    for wanted in creates:
        names = _compared(wanted)
        if len(names) < 2:
            continue
        index = indexes.get(names)
        if index is None:
            index = indexes[names] = {}
            # Reversed, so that popping from the end pairs in plan order.
            for entry in reversed(candidates):
                old = live.get(entry.address)
                if old is not None:
                    values = tuple(old.fields.get(name) for name in names)
                    index.setdefault(values, []).append(entry)
        same = index.get(tuple(wanted.fields[name] for name in names), [])
        # One live object is suggested once (it may sit in the index of other field sets).
        while same and same[-1].address in used:
            same.pop()
        if same:
            entry = same.pop()
            used.add(entry.address)
            pairs.append((wanted, entry))
    return pairs


def _alike_pairs(
    creates: Sequence[Resource],
    candidates: Sequence[Unmanaged],
    desired: ResourceGraph,
    live: ResourceGraph,
) -> list[tuple[Resource, Unmanaged]]:
    if not creates or not candidates or len(creates) * len(candidates) > _MAX_PAIRS:
        return []
    scored: list[tuple[float, Resource, Unmanaged]] = []
    for wanted in creates:
        for entry in candidates:
            old = live.get(entry.address)
            score = 0.0 if old is None else _similarity(wanted, old, desired, live)
            if score >= RENAME_SIMILARITY:
                scored.append((score, wanted, entry))
    pairs: list[tuple[Resource, Unmanaged]] = []
    used: set[Address] = set()
    for _, wanted, entry in sorted(scored, key=lambda item: -item[0]):
        if wanted.address not in used and entry.address not in used:
            used.update((wanted.address, entry.address))
            pairs.append((wanted, entry))
    return pairs


def _hint(wanted: Resource, entry: Unmanaged) -> RenameHint:
    return RenameHint(
        address=wanted.address,
        kind=wanted.kind,
        old_address=entry.address,
        old_id=entry.id,
        action=entry.action,
        line=moved_from_line(str(entry.address.key)),
        source=wanted.source,
    )


def _compared(wanted: Resource) -> tuple[str, ...]:
    """The fields a create gives, its key left out: what it is compared by."""
    key = KINDS[wanted.kind].key
    return tuple(sorted(name for name in wanted.fields if name != key))


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
    names = _compared(wanted)
    equal = sum(1 for name in names if old.fields.get(name) == wanted.fields[name])
    children = {(c.kind, c.address.key) for c in desired.children(wanted.address)}
    live_children = {(c.kind, c.address.key) for c in live.children(old.address)}
    compared = len(names) + len(children)
    if compared < 2:
        return 0.0
    return (equal + len(children & live_children)) / compared
