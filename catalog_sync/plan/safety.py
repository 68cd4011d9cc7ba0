"""Safety rails, evaluated at plan time and shown in every output; apply enforces them."""

from __future__ import annotations

from collections.abc import Sequence

from catalog_sync.graph import ResourceGraph
from catalog_sync.kinds import KINDS
from catalog_sync.plan.model import Action, Change, PlanSettings, SafetyFinding, SafetyRule

__all__ = ["evaluate_safety"]

_UPDATES = (Action.UPDATE, Action.ENABLE, Action.PUBLISH)


def evaluate_safety(
    changes: Sequence[Change], live: ResourceGraph, settings: PlanSettings, existing: int
) -> tuple[SafetyFinding, ...]:
    findings: list[SafetyFinding] = []
    protected = [c for c in changes if c.action.removes and c.protect]
    if protected:
        findings.append(
            SafetyFinding(
                rule=SafetyRule.PROTECT,
                message=f"{len(protected)} protected object(s) would be deleted or disabled",
                addresses=tuple(c.address for c in protected),
                overridable=False,
                remedy="remove `protect: true` from the object (or its entry from "
                "settings.protect) in the files first; --force does not lift this",
            )
        )

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
            share = 100.0 * len(chosen) / existing
            if share > limit:
                findings.append(
                    SafetyFinding(
                        rule=rule,
                        message=f"{len(chosen)} of {existing} existing objects would be "
                        f"{verb} ({share:.1f}%), over the {limit:g}% threshold",
                        addresses=tuple(chosen),
                        overridable=True,
                        remedy=f"raise settings.thresholds.{rule.value} or pass --force",
                    )
                )
    return tuple(findings)


def _updated_objects(changes: Sequence[Change]) -> list[str]:
    """Existing objects changed in place; a publish change changes its service."""
    updated: set[str] = set()
    for change in changes:
        if change.action in _UPDATES and change.id is not None:
            service = change.parent if change.action is Action.PUBLISH else None
            updated.add(service or change.address)
    return sorted(updated)


def _removed_objects(removals: Sequence[Change], live: ResourceGraph) -> list[str]:
    """Deleting a product removes its addons too; disabling a service removes nothing below."""
    removed: set[str] = set()
    for change in removals:
        removed.add(change.address)
        if change.action is Action.DELETE:
            removed.update(
                r.address for r in live.descendants(change.address) if KINDS[r.kind].counted
            )
    return sorted(removed)
