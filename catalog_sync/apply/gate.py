"""The safety gate: the plan's safety findings, enforced before anything is read or written.

Findings are plan properties (README, "How apply stays safe"): apply trusts the reviewed
plan's findings, and also re-derives the protect rule from the changes themselves, so that a
plan file edited by hand cannot delete a protected object either.
"""

from __future__ import annotations

from catalog_sync.errors import SafetyError
from catalog_sync.plan.model import Plan, SafetyFinding, SafetyRule

__all__ = ["check_safety"]


def check_safety(plan: Plan, *, force: bool) -> tuple[SafetyFinding, ...]:
    """Raise SafetyError naming each blocking rule and what lifts it; otherwise return the
    findings that ``force`` lifted (empty without findings)."""
    findings = list(plan.safety)
    protected = tuple(c.address for c in plan.changes if c.action.removes and c.protect)
    if protected and not any(f.rule is SafetyRule.PROTECT for f in findings):
        findings.append(
            SafetyFinding(
                rule=SafetyRule.PROTECT,
                message=f"{len(protected)} protected object(s) would be deleted or disabled",
                addresses=protected,
                overridable=False,
                remedy="remove `protect: true` from the object (or its entry from "
                "settings.protect) in the files first; --force does not lift this",
            )
        )
    blocking = [f for f in findings if not f.overridable or not force]
    if blocking:
        raise SafetyError(_message(blocking, force=force))
    return tuple(findings)


def _message(blocking: list[SafetyFinding], *, force: bool) -> str:
    lines = ["apply refused by the plan's safety rails, nothing was written"]
    for finding in blocking:
        lines.append(f"  - rule {finding.rule.value}: {finding.message}")
        lines.extend(f"      {address}" for address in finding.addresses[:10])
        if len(finding.addresses) > 10:
            lines.append(f"      ... and {len(finding.addresses) - 10} more")
        lifted_by = finding.remedy
        if not finding.overridable and force:
            lifted_by += " (--force was given)"
        lines.append(f"    to proceed: {lifted_by}")
    return "\n".join(lines)
