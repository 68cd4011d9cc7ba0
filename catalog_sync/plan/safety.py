"""Safety rails, evaluated at plan time and shown in every output; apply enforces them."""

from __future__ import annotations

from collections.abc import Sequence

from catalog_sync.graph import Kind, ResourceGraph
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
    kept_top_level = [
        r
        for r in live
        if r.kind in (Kind.SERVICE, Kind.BROKER)
        and r.active
        and str(r.address) not in {c.address for c in removals}
    ]
    live_top_level = [r for r in live if r.kind in (Kind.SERVICE, Kind.BROKER) and r.active]
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
        updates = [c for c in changes if c.action in _UPDATES and c.id is not None]
        for rule, chosen, limit, verb in (
            (SafetyRule.MAX_UPDATE_PERCENT, updates, settings.max_update_percent, "updated"),
            (SafetyRule.MAX_DELETE_PERCENT, removals, settings.max_delete_percent, "removed"),
        ):
            share = 100.0 * len(chosen) / existing
            if share > limit:
                findings.append(
                    SafetyFinding(
                        rule=rule,
                        message=f"{len(chosen)} of {existing} existing objects would be "
                        f"{verb} ({share:.1f}%), over the {limit:g}% threshold",
                        addresses=tuple(c.address for c in chosen),
                        overridable=True,
                        remedy=f"raise settings.thresholds.{rule.value} or pass --force",
                    )
                )
    return tuple(findings)
