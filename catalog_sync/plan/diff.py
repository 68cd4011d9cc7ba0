"""The planner: compares a desired and a live graph and computes the changes. Pure: no I/O.

Identity is the address (natural keys); a service pinned by ``id`` is matched by id first,
so a rename is an update. Equal resources are skipped by a plain equality check; only the
others go through :func:`_field_changes`, the one definition of "this field changed".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import replace

from catalog_sync.address_pattern import matches
from catalog_sync.graph import Address, FieldValue, Kind, Resource, ResourceGraph
from catalog_sync.kinds import KINDS, defaults, references, write_only
from catalog_sync.plan.ignore import with_live_values
from catalog_sync.plan.match import match
from catalog_sync.plan.model import (
    Action,
    Change,
    FieldChange,
    PlanBody,
    PlanSettings,
    Summary,
    Unmanaged,
    fingerprint,
    unreadable_fields,
)
from catalog_sync.plan.renames import likely_renames, with_rename_dependencies
from catalog_sync.plan.safety import evaluate_safety, existing_objects, protected_by
from catalog_sync.plan.subtree import subtree_digest

__all__ = ["plan_changes"]


def plan_changes(desired: ResourceGraph, live: ResourceGraph, settings: PlanSettings) -> PlanBody:
    # Fingerprints are of objects as read: matching may re-key them, apply re-reads them raw.
    seen = _Fingerprints(live)
    raw_live = live
    live = match(desired, live)
    changes: dict[Address, Change] = {}
    unchanged = 0
    for wanted in desired:
        change = _change_for(wanted, live, seen, settings)
        if change is None:
            unchanged += 1
        else:
            changes[wanted.address] = change

    unmanaged = _unmanaged(desired, live, settings)
    for entry, resource in unmanaged:
        if entry.action is not None:
            changes[resource.address] = _removal(resource, entry.action, live, settings, seen)

    index = _ChangeIndex(changes, desired, live)
    ordered = with_rename_dependencies(
        [
            changes[a].model_copy(
                update={"depends_on": tuple(sorted(index.dependencies(a, changes[a])))}
            )
            for a in sorted(changes)
        ],
        raw_live,
    )
    counts = Counter(change.action.value for change in ordered)
    summary = Summary(
        **{action.value: counts[action.value] for action in Action},
        unmanaged=len(unmanaged) + len(live.duplicates),
        unchanged=unchanged,
    )
    existing = existing_objects(live)
    return PlanBody(
        unreadable=unreadable_fields(raw_live),
        changes=ordered,
        unmanaged=tuple(entry for entry, _ in unmanaged) + _duplicates(live),
        safety=evaluate_safety(ordered, live, settings, existing),
        summary=summary,
        existing=existing.total,
        existing_by_kind=dict(existing.active),
        renames=likely_renames(desired, live, ordered, [entry for entry, _ in unmanaged]),
    )


class _Fingerprints:
    """Each live object's fingerprint by kind and id, computed when a change first asks for it:
    a plan that changes little would otherwise digest every live object it never writes."""

    def __init__(self, live: ResourceGraph) -> None:
        self._resources = {(r.kind, r.id): r for r in live}
        self._digests: dict[tuple[Kind, str | None], str] = {}

    def __getitem__(self, key: tuple[Kind, str | None]) -> str:
        digest = self._digests.get(key)
        if digest is None:
            digest = self._digests[key] = fingerprint(self._resources[key])
        return digest


def _change_for(
    wanted: Resource, live: ResourceGraph, seen: _Fingerprints, settings: PlanSettings
) -> Change | None:
    current = live.get(wanted.address)
    if current is not None:
        wanted = with_live_values(wanted, current, settings.ignore)
        if current.unreadable & wanted.fields.keys():
            # Unknown live: no change is planned on a guess, and none forever (the plan's
            # header names them; docs/contracts.md, "Unreadable fields").
            kept = {k: v for k, v in wanted.fields.items() if k not in current.unreadable}
            wanted = replace(wanted, fields=kept)
    parent = wanted.address.parent
    parent_live = live.get(parent) if parent is not None else None
    common = {
        "address": wanted.address,
        "kind": wanted.kind,
        "parent": parent,
        "parent_id": parent_live.id if parent_live is not None else None,
        "protect": wanted.protect,
        "source": wanted.source,
    }
    if KINDS[wanted.kind].embedded is not None:
        before = current.fields if current is not None else defaults(wanted.kind)
        if before == wanted.fields:
            return None
        return Change(
            action=Action.PUBLISH,
            id=parent_live.id if parent_live is not None else None,
            field_changes=_field_changes(before, wanted),
            fingerprint=seen[current.kind, current.id] if current is not None else None,
            **common,
        )
    if current is None:
        return Change(
            action=Action.CREATE,
            field_changes=_field_changes({}, wanted),
            **common,
        )
    # A secret is never read back, so it is no difference; it goes with any write, and a
    # rotation (plan --rotate) asks for a write that sends it.
    unread = write_only(wanted.kind)
    compared = {k: v for k, v in wanted.fields.items() if k not in unread}
    merged = {**current.fields, **compared}
    rotated = not unread.isdisjoint(wanted.fields) and any(
        matches(pattern, wanted.address) for pattern in settings.rotate
    )
    if merged == current.fields and current.active and not rotated:
        return None
    return Change(
        action=Action.UPDATE if current.active else Action.ENABLE,
        id=current.id,
        field_changes=_field_changes(current.fields, wanted),
        fingerprint=seen[current.kind, current.id],
        **common,
    )


def _field_changes(before: Mapping[str, FieldValue], wanted: Resource) -> tuple[FieldChange, ...]:
    """The fields of ``wanted`` whose value differs in ``before``, in ``wanted``'s order; a
    field the files leave out is "don't care" and never shown. Graph values are normalised
    (scalars and sorted tuples), so ``!=`` is the comparison, and a set-like list is shown
    whole, as a reviewer reads it."""
    return tuple(
        FieldChange(path=name, before=before.get(name), after=new, source=wanted.location_of(name))
        for name, new in wanted.fields.items()
        if before.get(name) != new
    )


def _unmanaged(
    desired: ResourceGraph, live: ResourceGraph, settings: PlanSettings
) -> list[tuple[Unmanaged, Resource]]:
    """Live objects with no counterpart, topmost only (a service's products go with it)."""
    found: list[tuple[Unmanaged, Resource]] = []
    for resource in live:
        if not KINDS[resource.kind].counted or resource.address in desired:
            continue
        if any(ancestor not in desired for ancestor in resource.address.ancestors()):
            continue
        action: Action | None = None
        if settings.prune:
            removal = KINDS[resource.kind].removal
            if removal == "delete":
                action = Action.DELETE
            elif removal == "disable" and resource.active:
                action = Action.DISABLE
        descendants = sum(
            1 for other in live.descendants(resource.address) if KINDS[other.kind].counted
        )
        assert resource.id is not None, "live resources always carry their id"
        found.append(
            (
                Unmanaged(
                    address=resource.address,
                    kind=resource.kind,
                    id=resource.id,
                    active=resource.active,
                    descendants=descendants,
                    action=action,
                ),
                resource,
            )
        )
    return found


def _duplicates(live: ResourceGraph) -> tuple[Unmanaged, ...]:
    return tuple(
        Unmanaged(address=r.address, kind=r.kind, id=r.id or "", active=r.active)
        for r in live.duplicates
    )


def _removal(
    resource: Resource,
    action: Action,
    live: ResourceGraph,
    settings: PlanSettings,
    seen: _Fingerprints,
) -> Change:
    parent = resource.address.parent
    parent_live = live.get(parent) if parent is not None else None
    return Change(
        address=resource.address,
        kind=resource.kind,
        action=action,
        id=resource.id,
        parent=parent,
        parent_id=parent_live.id if parent_live is not None else None,
        fingerprint=seen[resource.kind, resource.id],
        subtree=subtree_digest(live, resource.address),
        protect=protected_by(resource.address, settings),
    )


_MAKES_READY = (Action.CREATE, Action.ENABLE)


class _ChangeIndex:
    """The planned changes by what the dependency rules ask about, built once, so computing
    every change's dependencies is linear in the number of changes."""

    def __init__(
        self, changes: Mapping[Address, Change], desired: ResourceGraph, live: ResourceGraph
    ) -> None:
        self.changes = changes
        self.desired = desired
        self.below: dict[Address, list[Address]] = {}
        self.naming: dict[Address, list[Address]] = {}
        for address, change in changes.items():
            for ancestor in address.ancestors():
                self.below.setdefault(ancestor, []).append(address)
            was = live.get(address)
            for _, named in references(change.kind, was.fields if was is not None else {}):
                self.naming.setdefault(named, []).append(address)

    def dependencies(self, address: Address, change: Change) -> set[Address]:
        changes, needs = self.changes, set[Address]()
        parent = address.parent
        if change.action is Action.PUBLISH:
            assert parent is not None
            # Publish last: once the service is active and every product and addon under it
            # exists, and once every broker it names exists.
            if parent in changes and changes[parent].action in _MAKES_READY:
                needs.add(parent)
            needs.update(
                other
                for other in self.below.get(parent, ())
                if KINDS[other.kind].counted and changes[other].action is Action.CREATE
            )
            wanted = self.desired.get(address)
            for _, broker in references(change.kind, wanted.fields if wanted is not None else {}):
                if broker in changes and changes[broker].action is Action.CREATE:
                    needs.add(broker)
        elif change.action.removes:
            # Children go first; a broker goes once no publish change still names it.
            needs.update(o for o in self.below.get(address, ()) if changes[o].action.removes)
            needs.update(self.naming.get(address, ()))
        elif parent is not None and parent in changes and changes[parent].action in _MAKES_READY:
            # Children wait for their parent to exist and be active: whether Cloudmore takes
            # writes under a disabled service is not documented, so nothing relies on it.
            needs.add(parent)
        needs.update(self.items_made(change))
        return needs

    def items_made(self, change: Change) -> list[Address]:
        """The objects created (or enabled) in this plan whose amounts a price-list change
        writes: its PUT names them by id, so it waits for them."""
        items = KINDS[change.kind].items
        if items is None or change.parent is None:
            return []
        named = items.items_of(change.parent, (f.path for f in change.field_changes))
        return [
            address
            for item in named
            for address in (item, *item.ancestors())
            if address in self.changes and self.changes[address].action in _MAKES_READY
        ]
