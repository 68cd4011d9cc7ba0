"""GitHub Actions output for a plan: an annotation on the catalog line behind each change, and
the Markdown plan as the job summary."""

from __future__ import annotations

from catalog_sync.plan.model import Action, Plan
from catalog_sync.render.plan_values import ACTION_VERBS, describe_change, summary_line
from catalog_sync.render.workflow_commands import workflow_command

__all__ = ["render_github"]

MAX_ANNOTATIONS = 50


def render_github(plan: Plan) -> str:
    lines: list[str] = []
    for finding in plan.safety:
        named = ", ".join(finding.addresses[:10])
        more = f" and {len(finding.addresses) - 10} more" if len(finding.addresses) > 10 else ""
        lines.append(
            workflow_command(
                "error",
                f"{finding.message}{': ' + named + more if named else ''}. "
                f"To proceed: {finding.remedy}",
                title=f"catalog-sync safety: {finding.rule.value}",
            )
        )
    located = [c for c in plan.changes if c.source is not None]
    for change in located[:MAX_ANNOTATIONS]:
        assert change.source is not None
        details = "\n".join(describe_change(change, f) for f in change.field_changes[:20])
        level = "warning" if change.action.removes or change.action is Action.ENABLE else "notice"
        lines.append(
            workflow_command(
                level,
                details or f"{change.address} will be {ACTION_VERBS[change.action]}",
                title=f"{change.action.value} {change.address}",
                file=change.source.file,
                line=change.source.line,
                col=change.source.column,
            )
        )
    if len(located) > MAX_ANNOTATIONS:
        lines.append(
            workflow_command(
                "notice",
                f"{len(located) - MAX_ANNOTATIONS} more change(s) are not annotated; "
                "see the job summary or the JSON plan",
            )
        )
    for entry in plan.unmanaged:
        planned = f" and will be {ACTION_VERBS[entry.action]}" if entry.action else ""
        lines.append(
            workflow_command(
                "warning",
                f"{entry.address} (id {entry.id}) is not in the catalog files{planned}",
                title="unmanaged object",
            )
        )
    lines.append(summary_line(plan))
    return "\n".join(lines) + "\n"
