"""Which live object each desired one is, one rule for the diff and for the checks that a
pinned id names a live object that stays under its live parent."""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import replace

from catalog_sync.catalog import UNKNOWN_LOCATION, Code
from catalog_sync.diagnostics import Diagnostic, Severity
from catalog_sync.graph import Address, Kind, Resource, ResourceGraph
from catalog_sync.kinds import KINDS, references

__all__ = ["match", "moved_from_notes", "pinned_problems"]


def pinned_problems(desired: ResourceGraph, live: ResourceGraph) -> list[Diagnostic]:
    """Each ``id:`` in the files must pin a live object of its kind, and a pinned child's live
    parent must be the one its desired parent matches: Cloudmore cannot move an object."""
    problems: list[Diagnostic] = []
    children: list[tuple[Resource, Resource]] = []
    for wanted in desired:
        if wanted.id is None:
            continue
        found = live.by_id(wanted.kind).get(wanted.id)
        if found is None:
            problems.append(
                _pin_problem(
                    wanted,
                    f"id {wanted.id} pins no live {wanted.kind.value}; remove `id:` to create it "
                    "instead",
                )
            )
        elif wanted.address.parent is not None and found.address.parent is not None:
            children.append((wanted, found))
    matched = match(desired, live) if children else live
    for wanted, found in children:
        assert found.address.parent is not None
        live_parent = live.get(found.address.parent)
        if live_parent is None:
            continue
        now = matched.by_id(live_parent.kind).get(live_parent.id or "")
        if now is None or now.address != wanted.address.parent:
            problems.append(
                _pin_problem(
                    wanted,
                    f"id {found.id} is the live {found.address}, under another parent; Cloudmore "
                    "cannot move an object to another parent: remove `id:` to create a new one",
                )
            )
    return problems


def _pin_problem(wanted: Resource, message: str) -> Diagnostic:
    where = wanted.location_of("id") or UNKNOWN_LOCATION
    return Diagnostic(where, Code.UNMATCHED_ID, Severity.ERROR, message)


def match(desired: ResourceGraph, live: ResourceGraph) -> ResourceGraph:
    """Move live objects (and everything below them) to the desired address they match when
    the keys differ: a pinned id, a key that differs only in case (Cloudmore's natural keys
    are case-insensitive, so "Cloud Pbx" can only ever be the live "Cloud PBX"), or the old
    key a ``movedFrom:`` names while the new key is not live yet. Parents
    first, so children are matched under their moved parent; a change of key is then planned
    as an update, never as a delete and a create."""
    for kind in (kind for kind in Kind if KINDS[kind].counted):
        live_by_id = live.by_id(kind)
        by_folded_key = {
            (r.address.parent, (r.address.key or "").casefold()): r
            for r in live
            if r.kind is kind and r.address not in desired
        }
        moves: dict[Address, Address] = {}
        for wanted in desired:
            if wanted.kind is not kind:
                continue
            if wanted.id is not None:
                found = live_by_id.get(wanted.id)
            elif wanted.address not in live:
                folded = (wanted.address.parent, (wanted.address.key or "").casefold())
                found = by_folded_key.get(folded)
                if found is None and wanted.moved_from is not None:
                    found = by_folded_key.get((wanted.address.parent, wanted.moved_from.casefold()))
            else:
                found = None
            if found is not None and found.address != wanted.address:
                moves[found.address] = wanted.address
        if moves:
            live = _moved(live, moves)
            if KINDS[kind].names_table is not None:
                live = _renamed_references(live, moves)
    return live


def _renamed_references(live: ResourceGraph, moves: Mapping[Address, Address]) -> ResourceGraph:
    """Publish settings name brokers by registrationNumber: follow a matched broker's new one."""
    resources = dict(live.resources)
    for resource in live:
        named: dict[str, list[str]] = {}
        for name, target in references(resource.kind, resource.fields):
            named.setdefault(name, []).append(str(moves.get(target, target).key))
        if any(target in moves for _, target in references(resource.kind, resource.fields)):
            fields = {**resource.fields, **{n: tuple(sorted(keys)) for n, keys in named.items()}}
            resources[resource.address] = replace(resource, fields=fields)
    return ResourceGraph(resources, live.duplicates)


def _moved(live: ResourceGraph, moves: Mapping[Address, Address]) -> ResourceGraph:
    def prefix_in(address: Address, prefixes: Container[Address]) -> Address | None:
        return next((a for a in (address, *address.ancestors()) if a in prefixes), None)

    targets = set(moves.values())
    resources: dict[Address, Resource] = {}
    displaced: list[Resource] = []
    for resource in live:
        old = prefix_in(resource.address, moves)
        if old is not None:
            depth = len(old.segments)
            target = Address(moves[old].segments + resource.address.segments[depth:])
            resources[target] = replace(resource, address=target)
        elif prefix_in(resource.address, targets) is not None:
            # Another live object already holds the pinned object's new key: it can only be
            # reported, never matched.
            displaced.append(resource)
        else:
            resources[resource.address] = resource
    return ResourceGraph(resources, live.duplicates + tuple(displaced))


def moved_from_notes(desired: ResourceGraph, live: ResourceGraph) -> list[Diagnostic]:
    """A warning at each ``movedFrom:`` that no longer renames anything: once the rename is
    applied the line is safe to remove (README, "Renames"); with both keys live it moves
    nothing. ``live`` is the live graph as read (not matched)."""
    notes: list[Diagnostic] = []
    moving = [r for r in desired if r.moved_from is not None and r.id is None]
    if not moving:
        return notes
    matched = match(desired, live)
    by_key = {(r.address.parent, r.kind, (r.address.key or "").casefold()): r for r in live}
    for wanted in moving:
        assert wanted.moved_from is not None
        parent = _live_parent(wanted, matched, live)
        new_live = by_key.get((parent, wanted.kind, (wanted.address.key or "").casefold()))
        old_live = by_key.get((parent, wanted.kind, wanted.moved_from.casefold()))
        if new_live is not None and old_live is None:
            message = (
                f"movedFrom {wanted.moved_from!r} is applied: {wanted.address} is live (id "
                f"{new_live.id}) and no {wanted.kind.value} is keyed {wanted.moved_from!r} any "
                "more; this line is safe to remove"
            )
        elif new_live is not None and old_live is not None:
            message = (
                f"movedFrom {wanted.moved_from!r} renames nothing: {wanted.address} and "
                f"{old_live.address} are both live, so the files match the first and the "
                "second is unmanaged"
            )
        elif old_live is None and (parent is not None or wanted.address.parent is None):
            message = (
                f"movedFrom {wanted.moved_from!r} names no live {wanted.kind.value}: "
                f"{wanted.address} will be created"
            )
        else:
            continue
        where = wanted.location_of("movedFrom") or UNKNOWN_LOCATION
        notes.append(Diagnostic(where, Code.MOVED_FROM_NOTE, Severity.WARNING, message))
    return notes


def _live_parent(wanted: Resource, matched: ResourceGraph, live: ResourceGraph) -> Address | None:
    """The address, as read, of the live object ``wanted``'s parent matches: where its old and
    new keys are looked for. None for a top-level object, or a parent not live yet."""
    found = matched.get(wanted.address.parent) if wanted.address.parent is not None else None
    if found is None or found.id is None:
        return None
    raw = live.by_id(found.kind).get(found.id)
    return raw.address if raw is not None else None
