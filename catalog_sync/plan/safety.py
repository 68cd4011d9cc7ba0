"""Safety rails, evaluated at plan time and shown in every output; apply enforces them."""

from __future__ import annotations

from collections.abc import Sequence

from catalog_sync.graph import Address, Kind, ResourceGraph
from catalog_sync.kinds import KINDS
from catalog_sync.plan.model import Action, Change, PlanSettings, SafetyFinding, SafetyRule
from catalog_sync.plan.subtree import descendants

__all__ = [
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


def existing_objects(live: ResourceGraph) -> int:
    """The live objects the thresholds are measured against (duplicates included)."""
    return sum(1 for r in live if KINDS[r.kind].counted) + len(live.duplicates)


def evaluate_safety(
    changes: Sequence[Change], live: ResourceGraph, settings: PlanSettings, existing: int
) -> tuple[SafetyFinding, ...]:
    findings: list[SafetyFinding] = []
    protected = protected_removals(changes, settings)
    if protected:
        findings.append(protect_finding(protected))

    removals = [c for c in changes if c.action.removes]
    removed_addresses = {c.address for c in removals}
    kept_top_level = [
        r
        for r in live
        if KINDS[r.kind].parent is None and r.active and r.address not in removed_addresses
    ]
    live_top_level = [r for r in live if KINDS[r.kind].parent is None and r.active]
    if removals and live_top_level and not kept_top_level:
        findings.append(
            SafetyFinding(
                rule=SafetyRule.DELETE_ALL,
                message="every existing service and broker would be deleted or disabled "
                "(is a catalog file missing?)",
                overridable=True,
                remedy="check the catalog path; pass --force to apply anyway",
            )
        )

    if existing >= settings.min_existing and existing > 0:
        updated = _updated_objects(changes)
        removed = _removed_objects(removals, live)
        for rule, chosen, limit, verb in (
            (SafetyRule.MAX_UPDATE_PERCENT, updated, settings.max_update_percent, "updated"),
            (SafetyRule.MAX_DELETE_PERCENT, removed, settings.max_delete_percent, "removed"),
        ):
            found = _over_threshold(
                rule, chosen, existing, limit, f"existing objects would be {verb}"
            )
            if found is not None:
                findings.append(found)
        # Services are few and each carries a subtree, so their share is checked on its own:
        # keeping 1 of 4 services is a large removal however many addons the seller has.
        active = sum(1 for r in live if r.kind is Kind.SERVICE and r.active)
        services = sorted(c.address for c in removals if c.kind is Kind.SERVICE)
        found = _over_threshold(
            SafetyRule.MAX_DELETE_PERCENT,
            services,
            active,
            settings.max_delete_percent,
            "active services would be disabled or deleted",
        )
        if found is not None:
            findings.append(found)
    reset = unreadable_reset_finding(changes, live)
    if reset is not None:
        findings.append(reset)
    return tuple(findings)


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
    rule: SafetyRule, chosen: Sequence[str], total: int, limit: float, what: str
) -> SafetyFinding | None:
    if not total or not chosen:
        return None
    share = 100.0 * len(chosen) / total
    if share <= limit:
        return None
    return SafetyFinding(
        rule=rule,
        message=f"{len(chosen)} of {total} {what} ({share:.1f}%), over the {limit:g}% threshold",
        addresses=tuple(chosen),
        overridable=True,
        remedy=f"raise settings.thresholds.{rule.value} or pass --force",
    )


def _updated_objects(changes: Sequence[Change]) -> list[str]:
    """Existing objects changed in place; a publish change changes its service."""
    updated: set[str] = set()
    for change in changes:
        if change.action in _UPDATES and change.id is not None:
            service = change.parent if change.action is Action.PUBLISH else None
            updated.add(service or change.address)
    return sorted(updated)


def _removed_objects(removals: Sequence[Change], live: ResourceGraph) -> list[str]:
    """Deleting a product removes its addons too, and disabling a service takes its products
    and addons out of sale: each counts its whole subtree."""
    removed: set[str] = set()
    for change in removals:
        removed.add(change.address)
        removed.update(r.address for r in descendants(live, change.address))
    return sorted(removed)
