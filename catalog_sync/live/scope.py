"""What a live read reads (:class:`Scope`): for apply, only what a plan's changes touch, not the
whole catalog (:func:`scope_of`); for plan, drift and export, everything
(:meth:`Scope.everything`). :mod:`catalog_sync.live.reader` reads a scope.

The stale-plan check, the ids, the bodies, the safety gate and the verification need, per
change (``docs/benchmarks.md``, "The minimum and the lower bound"):

- an update, enable or removal: the object as its detail read answers it (read through its
  parent's list, which is how a listed object is found at all);
- a removal: everything below the object too, whole (the subtree check fingerprints it);
- a create: its parent's list of its kind (so "now exists" is seen), or the top-level list;
- settings embedded in a parent and kinds a parent lists (publish, price lists): the parent's
  detail; a price list also the lists below its service, whose keys name its items;
- every object above those: listed, so ids and renames resolve; a listed object nothing
  touches is kept as a summary (key and id), never as a PUT base.

Lookup tables are read only when an object read whole has a field naming one, and a kind
that is itself a lookup table (brokers) is listed when a field read or written names it. A
plan removing a top-level object reads every top-level object whole: the gate's "every
service and broker" rule and the share of services count them all. Nothing here names a
kind: what is listed, detailed, embedded or read by key is the kind registry's
(:mod:`catalog_sync.kinds`, ``docs/contracts.md``, "The contract").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum

from catalog_sync.graph import Address, Kind
from catalog_sync.kinds import KINDS, KindSpec, children_of
from catalog_sync.live.lookups import LOOKUP_TABLES, Lookups
from catalog_sync.plan.model import Change

__all__ = ["Depth", "Scope", "scope_of", "with_plan_lookups"]


class Depth(IntEnum):
    """How much of an object's subtree is read."""

    NONE = 0
    LISTS = 1  # every list below, summaries kept as they are
    WHOLE = 2  # every list below, each object whole (its detail where the list is a summary)


@dataclass
class Scope:
    """What to read, by kind and id (lower-case) or natural key (case-folded)."""

    top: set[Kind] = field(default_factory=set)
    """The top-level kinds to list."""
    whole: dict[Kind, set[str]] = field(default_factory=dict)
    """Objects read whole: detail, if their list is a summary."""
    below: dict[Kind, dict[str, Depth]] = field(default_factory=dict)
    """Objects whose subtree is read, and how deep."""
    path_ids: dict[Kind, set[str]] = field(default_factory=dict)
    path_keys: dict[Kind, set[str]] = field(default_factory=dict)
    """Objects whose child lists are read (a touched object or a create is below them)."""
    every_top_whole: bool = False
    path_kinds: set[Kind] = field(default_factory=set)
    """The kinds listed below an object on a path: those of the changes and their ancestors
    (and the lookup-table kinds they name); a scoped read lists no other child kind."""
    depth: Depth = Depth.NONE
    """How deep below every top-level object (the full read: whole)."""
    everything_whole: bool = False
    """The full read: every object whole, every lookup table."""

    @classmethod
    def everything(cls) -> Scope:
        """The full read (plan, drift, export) as a scope: every top-level list, every object
        below them whole."""
        top = {spec.kind for spec in children_of(None)}
        return cls(top=top, every_top_whole=True, depth=Depth.WHOLE, everything_whole=True)

    def read_whole(self, kind: Kind, object_id: str) -> None:
        self.whole.setdefault(kind, set()).add(object_id.lower())

    def read_below(self, kind: Kind, object_id: str, depth: Depth) -> None:
        depths = self.below.setdefault(kind, {})
        depths[object_id.lower()] = max(depth, depths.get(object_id.lower(), Depth.NONE))

    def on_path(self, address: Address, object_id: str | None, ids: Mapping[Address, str]) -> None:
        """``address`` (of id ``object_id`` when known) and its ancestors get their lists read."""
        if object_id is not None:
            self.path_ids.setdefault(address.kind, set()).add(object_id.lower())
        for at in (address, *address.ancestors()):
            self.top.add(at.segments[0][0])
            self.path_kinds.add(at.kind)
            if at.key is not None:
                self.path_keys.setdefault(at.kind, set()).add(at.key.casefold())
            known = ids.get(at)
            if known is not None:
                self.path_ids.setdefault(at.kind, set()).add(known.lower())

    def lists_below(self, kind: Kind, object_id: str, key: str | None) -> bool:
        return object_id.lower() in self.path_ids.get(kind, set()) or (
            key is not None and key.casefold() in self.path_keys.get(kind, set())
        )

    def depth_below(self, kind: Kind, object_id: str) -> Depth:
        return self.below.get(kind, {}).get(object_id.lower(), Depth.NONE)

    def wants_whole(self, kind: Kind, object_id: str) -> bool:
        return object_id.lower() in self.whole.get(kind, set())

    def tables(self) -> set[str]:
        """The lookup tables the objects read whole may name (see the module docstring)."""
        kinds = {kind for kind, ids in self.whole.items() if ids}
        deep = [kind for kind, depths in self.below.items() if Depth.WHOLE in depths.values()]
        if self.every_top_whole:
            deep.extend(spec.kind for spec in children_of(None))
        for kind in deep:
            kinds |= _kinds_below(kind)
        kinds |= {spec.kind for kind in list(kinds) for spec in _embedded(kind)}
        return {f.lookup for k in kinds for f in KINDS[k].fields if f.lookup in LOOKUP_TABLES}


def _kinds_below(kind: Kind) -> set[Kind]:
    found = {kind}
    for child in children_of(kind):
        found |= _kinds_below(child.kind)
    return found


def _embedded(kind: Kind) -> list[KindSpec]:
    return [spec for spec in children_of(kind) if spec.embedded is not None]


def _table_kinds(kinds: Iterable[Kind]) -> set[Kind]:
    """The kinds that are lookup tables (brokers) a field of ``kinds`` names."""
    tables = {spec.names_table: spec.kind for spec in KINDS.values() if spec.names_table}
    return {tables[f.lookup] for kind in kinds for f in KINDS[kind].fields if f.lookup in tables}


def scope_of(changes: Iterable[Change], made: Mapping[Address, str] | None = None) -> Scope:
    """What reading live state for ``changes`` needs. ``made``, once the writes are done (the
    verification's): the ids of the objects created, by planned address; a removal is then
    checked for itself only and a create is read as the object it made."""
    changes = list(changes)
    known: dict[Address, str] = {
        c.address: c.id for c in changes if c.id is not None and KINDS[c.kind].counted
    }
    known.update(made or {})
    scope = Scope()
    named: set[Kind] = set()
    for change in changes:
        spec = KINDS[change.kind]
        parent = change.parent
        parent_id = change.parent_id or (known.get(parent) if parent is not None else None)
        own = change.id if spec.counted else None
        own = own or (made or {}).get(change.address)
        scope.path_kinds.add(change.kind)
        if not spec.lists:
            # Embedded in, or listed by, the parent's own object (publish, price lists).
            named.add(change.kind)
            if parent is not None and parent_id is not None and spec.parent is not None:
                scope.read_whole(spec.parent, parent_id)
                scope.on_path(parent, parent_id, known)
                if spec.items is not None:
                    scope.read_below(spec.parent, parent_id, Depth.LISTS)
            continue
        if parent is None:
            scope.top.add(change.kind)
        elif parent_id is not None:
            scope.on_path(parent, parent_id, known)
        if own is None:
            continue  # a create: its parent's list is all there is to read
        scope.read_whole(change.kind, own)
        named.add(change.kind)
        if change.action.removes and made is None:
            scope.read_below(change.kind, own, Depth.WHOLE)
            if parent is None:
                scope.every_top_whole = True
    decoded = {k for k, v in scope.whole.items() if v} | named
    decoded |= {e.kind for k in list(decoded) for e in _embedded(k)}
    scope.top |= _table_kinds(decoded)
    return scope


def with_plan_lookups(plan_lookups: Mapping[str, Mapping[str, str]], read: Lookups) -> Lookups:
    """The tables as read before writing, completed by the names the plan resolved: every id
    a change writes is one of these, so the verification decodes what it compares without
    reading a table again."""
    return Lookups({t: {**plan_lookups.get(t, {}), **read.table(t)} for t in LOOKUP_TABLES})
