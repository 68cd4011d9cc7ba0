"""Safety rails, evaluated at plan time and shown in every output; apply enforces them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from catalog_sync.graph import Address, Kind, Resource, ResourceGraph
from catalog_sync.kinds import KINDS, children_of
from catalog_sync.plan.model import Action, Change, PlanSettings, SafetyFinding, SafetyRule
from catalog_sync.plan.subtree import descendants

__all__ = [
    "Existing",
    "evaluate_safety",
    "existing_objects",
    "protect_finding",
    "protected_by",
    "protected_removals",
]

_UPDATES = (Action.UPDATE, Action.ENABLE, Action.PUBLISH)


def protected_by(address: Address, settings: PlanSettings) -> bool:
    """Removing an object removes what is below it, so protection below counts too."""
    return any(p == address or address in p.ancestors() for p in settings.protect)


def protected_removals(changes: Sequence[Change], settings: PlanSettings) -> list[Change]:
    """Removals of protected objects, by the change's flag or by settings.protect: either
    alone is enough, so a plan file stripped of its flags still names them."""
    return [
        c for c in changes if c.action.removes and (c.protect or protected_by(c.address, settings))
    ]


def protect_finding(protected: Sequence[Change]) -> SafetyFinding:
    """The finding for protected removals: never lifted by --force."""
    return SafetyFinding(
        rule=SafetyRule.PROTECT,
        message=f"{len(protected)} protected object(s) would be deleted or disabled",
        addresses=tuple(c.address for c in protected),
        overridable=False,
        remedy="remove `protect: true` from the object (or its entry from "
        "settings.protect) in the files first; --force does not lift this",
    )


class Existing(NamedTuple):
    """What the rails measure against: the live objects (duplicates included), and the
    active ones per kind. A plan records both, so apply measures against what the plan was
    measured against, not against its own read of only what the plan touches (README,
    "Safety rails")."""

    total: int
    active: Mapping[Kind, int]


def objects_in(resource: Resource) -> int:
    """How many objects a live object counts as: one, or for a kind whose fields are named
    per item (a price list) each item it holds, so that repricing every item of a list
    weighs what repricing every product does (docs/policies.md)."""
    items = KINDS[resource.kind].items
    if items is None or resource.address.parent is None:
        return 1
    return len(items.items_of(resource.address.parent, resource.fields))


def existing_objects(live: ResourceGraph) -> Existing:
    """The live objects the thresholds are measured against (duplicates included)."""
    total = len(live.duplicates)
    active: Counter[Kind] = Counter()
    for resource in live:
        if not KINDS[resource.kind].counted:
            continue
        count = objects_in(resource)
        total += count
        if resource.active:
            active[resource.kind] += count
    return Existing(total, {kind: active[kind] for kind in Kind if active[kind]})


def evaluate_safety(
    changes: Sequence[Change], live: ResourceGraph, settings: PlanSettings, existing: Existing
) -> tuple[SafetyFinding, ...]:
    """``live`` is read for what lies below each removal only; every count of existing
    objects is ``existing``'s."""
    findings: list[SafetyFinding] = []
    protected = protected_removals(changes, settings)
    if protected:
        findings.append(protect_finding(protected))

    removals = [c for c in changes if c.action.removes]
    findings.extend(_every_object_removed(removals, existing))

    if existing.total >= settings.min_existing and existing.total > 0:
        updated, count = _updated_objects(changes)
        removed, removed_count = _removed_objects(removals, live)
        for rule, chosen, number, limit, verb in (
            (
                SafetyRule.MAX_UPDATE_PERCENT,
                updated,
                count,
                settings.max_update_percent,
                "updated",
            ),
            (
                SafetyRule.MAX_DELETE_PERCENT,
                removed,
                removed_count,
                settings.max_delete_percent,
                "removed",
            ),
        ):
            found = _over_threshold(
                rule, chosen, number, existing.total, limit, f"existing objects would be {verb}"
            )
            if found is not None:
                findings.append(found)
        # Services are few and each carries a subtree, so their share is checked on its own:
        # keeping 1 of 4 services is a large removal however many addons the seller has.
        services = sorted(c.address for c in removals if c.kind is Kind.SERVICE)
        found = _over_threshold(
            SafetyRule.MAX_DELETE_PERCENT,
            services,
            len(services),
            existing.active.get(Kind.SERVICE, 0),
            settings.max_delete_percent,
            "active services would be disabled or deleted",
        )
        if found is not None:
            findings.append(found)
    reset = unreadable_reset_finding(changes, live)
    if reset is not None:
        findings.append(reset)
    return tuple(findings)


def _every_object_removed(removals: Sequence[Change], existing: Existing) -> list[SafetyFinding]:
    """Each top-level kind whose every active object would go, whatever minExisting says: a
    catalog file left out removes one kind, and the kinds kept must not hide it."""
    findings = []
    for spec in children_of(None):
        count = existing.active.get(spec.kind, 0)
        removed = sorted({c.address for c in removals if c.kind is spec.kind})
        if not count or len(removed) < count:
            continue
        findings.append(
            SafetyFinding(
                rule=SafetyRule.DELETE_ALL,
                message=f"every existing {spec.kind.value} would be {spec.removal}d "
                f"({len(removed)} of {count}; is a catalog file missing?)",
                addresses=tuple(removed),
                overridable=True,
                remedy="check the catalog path; pass --force to apply anyway",
            )
        )
    return findings


ALLOW_RESET = "--allow-reset"
"""What lifts :data:`SafetyRule.UNREADABLE_RESET`, and only it (not ``--force``)."""


def unreadable_reset_finding(
    changes: Sequence[Change], live: ResourceGraph
) -> SafetyFinding | None:
    """Updates of objects whose live read lacked fields the contract says they have: a PUT
    replaces the whole object, so it would reset them (docs/contracts.md, "Unreadable
    fields"). A create may still send them."""
    resets: dict[str, set[str]] = {}
    addresses: list[str] = []
    for change in changes:
        if change.action not in (Action.UPDATE, Action.ENABLE) or change.id is None:
            continue
        current = live.by_id(change.kind).get(change.id)
        if current is None or not current.resets:
            continue
        resets.setdefault(change.kind.value, set()).update(current.resets)
        addresses.append(change.address)
    if not addresses:
        return None
    named = "; ".join(f"{kind}: {', '.join(sorted(names))}" for kind, names in resets.items())
    return SafetyFinding(
        rule=SafetyRule.UNREADABLE_RESET,
        message="an update replaces the whole object, and the live read lacks fields the "
        f"contract says it has, which the update would reset ({named})",
        addresses=tuple(sorted(addresses)),
        overridable=False,
        remedy=f"run `catalog-sync doctor --contract` to see what the API leaves out; pass "
        f"{ALLOW_RESET} to apply anyway and reset those fields to their create defaults",
    )


def _over_threshold(
    rule: SafetyRule, chosen: Sequence[str], count: int, total: int, limit: float, what: str
) -> SafetyFinding | None:
    """``count`` objects of ``total``; ``chosen`` are their addresses (a price list is one
    address for each of its items counted)."""
    if not total or not count:
        return None
    share = 100.0 * count / total
    if share <= limit:
        return None
    return SafetyFinding(
        rule=rule,
        message=f"{count} of {total} {what} ({share:.1f}%), over the {limit:g}% threshold",
        addresses=tuple(chosen),
        overridable=True,
        remedy=f"raise settings.thresholds.{rule.value} or pass --force",
    )


def _updated_objects(changes: Sequence[Change]) -> tuple[list[str], int]:
    """Existing objects changed in place, and how many: a publish change changes its service,
    and a price list change each item it reprices that this plan does not create."""
    created = {c.address for c in changes if c.action is Action.CREATE}
    updated: set[str] = set()
    count = 0
    for change in changes:
        if change.action not in _UPDATES or change.id is None:
            continue
        items = KINDS[change.kind].items
        if items is not None and change.parent is not None:
            paths = (f.path for f in change.field_changes)
            repriced = [i for i in items.items_of(change.parent, paths) if i not in created]
            if repriced:
                updated.add(change.address)
                count += len(repriced)
            continue
        address = (change.parent if change.action is Action.PUBLISH else None) or change.address
        if address not in updated:
            updated.add(address)
            count += 1
    return sorted(updated), count


def _removed_objects(removals: Sequence[Change], live: ResourceGraph) -> tuple[list[str], int]:
    """Deleting a product removes its addons too, and disabling a service takes its products
    and addons out of sale: each counts its whole subtree (a price list below as its items)."""
    removed: dict[str, int] = {}
    for change in removals:
        removed[change.address] = 1
        removed.update((r.address, objects_in(r)) for r in descendants(live, change.address))
    return sorted(removed), sum(removed.values())
