"""The safety gate: the safety rails, enforced before anything is written.

Findings are plan properties (design 3.10), but apply never trusts the plan file for them: the
protect rule is derived again from the changes and the plan's settings before anything is
read, and once live state is re-read every rail is evaluated again over the changes
themselves, so a plan whose `protect` flags were stripped or whose `safety` list was emptied
is refused all the same (README, "How apply stays safe").
"""

from __future__ import annotations

from catalog_sync.errors import SafetyError
from catalog_sync.graph import ResourceGraph
from catalog_sync.plan.model import Plan, SafetyFinding, SafetyRule
from catalog_sync.plan.safety import (
    Existing,
    evaluate_safety,
    existing_objects,
    protect_finding,
    protected_removals,
)
from catalog_sync.pricing.planned import about_rows, written_findings

__all__ = ["check_live_safety", "check_safety", "live_findings"]


def check_safety(
    plan: Plan, *, force: bool, allow_reset: bool = False
) -> tuple[SafetyFinding, ...]:
    """Raise SafetyError naming each blocking rule and what lifts it; otherwise return the
    findings that ``force`` lifted (empty without findings). ``allow_reset`` lifts
    ``unreadableReset`` alone."""
    findings = list(plan.safety)
    protected = protected_removals(plan.changes, plan.settings)
    if protected and not any(f.rule is SafetyRule.PROTECT for f in findings):
        findings.append(protect_finding(protected))
    return _enforce(findings, force=force, allow_reset=allow_reset)


def check_live_safety(
    plan: Plan, live: ResourceGraph, *, force: bool, allow_reset: bool = False
) -> tuple[SafetyFinding, ...]:
    """Raise SafetyError for what :func:`live_findings` finds blocking; otherwise return the
    findings ``force`` lifted (``allow_reset`` lifts ``unreadableReset`` alone)."""
    return _enforce(live_findings(plan, live), force=force, allow_reset=allow_reset)


def live_findings(plan: Plan, live: ResourceGraph) -> list[SafetyFinding]:
    """Every rail evaluated again over the plan's changes and the re-read live catalog,
    together with the plan's own findings (a rule either side finds is enforced).

    Pricing policies are derived again for the price rows the plan writes; the plan's own
    policy findings stand for the rows it leaves as they are (docs/policies.md).

    ``live`` holds what the plan touches, not the whole catalog (apply's scoped read,
    docs/benchmarks.md): every count of existing objects is the plan's, as the thresholds
    themselves are the plan's settings, and never fewer than were read. So a plan's rails
    and apply's agree over the same live catalog (tests/apply/test_gate_agrees.py)."""
    read = existing_objects(live)
    kinds = set(plan.existing_by_kind) | set(read.active)
    existing = Existing(
        max(plan.existing, read.total),
        {k: max(plan.existing_by_kind.get(k, 0), read.active.get(k, 0)) for k in kinds},
    )
    derived = evaluate_safety(plan.changes, live, plan.settings, existing)
    rules = {finding.rule for finding in derived}
    priced, rows = written_findings(plan, live)
    kept = (f for f in plan.safety if f.rule not in rules and not about_rows(f, rows))
    return [*derived, *priced, *kept]


def _enforce(
    findings: list[SafetyFinding], *, force: bool, allow_reset: bool = False
) -> tuple[SafetyFinding, ...]:
    lifted = {SafetyRule.UNREADABLE_RESET} if allow_reset else set()
    findings = [f for f in findings if f.rule not in lifted]
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
