"""GitHub Actions output for a plan: an annotation on the catalog line behind each change, and
the Markdown plan as the job summary.

GitHub shows at most 10 annotations of each type (error, warning, notice) per step and drops
the rest silently, so at most that many of each are emitted, the most important first: safety
findings (errors), then deletes, disables, enables and unmanaged objects (warnings), then
changes, price changes first (notices). The job summary says how many were left out; it has
every change.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog_sync.plan.model import Action, Change, Plan
from catalog_sync.render.diagnostics import GITHUB_ANNOTATION_LIMIT
from catalog_sync.render.plan_markdown import render_markdown
from catalog_sync.render.plan_values import (
    ACTION_VERBS,
    changes_money,
    describe_change,
    emulator_line,
    summary_line,
)
from catalog_sync.render.pricing import class_counts, unreadable_line
from catalog_sync.render.visible import visible_output
from catalog_sync.render.workflow_commands import workflow_command

__all__ = [
    "GithubAnnotations",
    "github_annotations",
    "render_github",
    "render_github_outputs",
    "render_github_summary",
]

LEVELS = ("error", "warning", "notice")


@dataclass(frozen=True)
class GithubAnnotations:
    commands: tuple[str, ...]
    """The workflow commands to emit, at most ``limit`` per level, most important first."""
    left_out: dict[str, int]
    """Per level, how many annotations did not fit."""


def github_annotations(plan: Plan, limit: int = GITHUB_ANNOTATION_LIMIT) -> GithubAnnotations:
    candidates: dict[str, list[str]] = {level: [] for level in LEVELS}
    emulator = emulator_line(plan.target)
    if emulator:
        candidates["notice"].append(
            workflow_command("notice", emulator, title="catalog-sync target")
        )
    for finding in plan.safety:
        named = ", ".join(finding.addresses[:10])
        more = f" and {len(finding.addresses) - 10} more" if len(finding.addresses) > 10 else ""
        candidates["error"].append(
            workflow_command(
                "error",
                f"{finding.message}{': ' + named + more if named else ''}. "
                f"To proceed: {finding.remedy}",
                title=f"catalog-sync safety: {finding.rule.value}",
            )
        )
    located = [c for c in plan.changes if c.source is not None]
    warned = [c for c in located if _warns(c)]
    # A stable sort: price changes first, each group in plan order.
    noticed = sorted((c for c in located if not _warns(c)), key=lambda c: not changes_money(c))
    candidates["warning"] += [_change_command("warning", c) for c in warned]
    candidates["warning"] += [
        workflow_command(
            "warning",
            f"{hint.address} looks like a rename of the live {hint.old_address}: add "
            f"`{hint.line}` under it to rename the live one instead",
            title="this looks like a rename",
            file=hint.source.file if hint.source else None,
            line=hint.source.line if hint.source else None,
            col=hint.source.column if hint.source else None,
        )
        for hint in plan.renames
    ]
    for entry in plan.unmanaged:
        planned = f" and will be {ACTION_VERBS[entry.action]}" if entry.action else ""
        candidates["warning"].append(
            workflow_command(
                "warning",
                f"{entry.address} (id {entry.id}) is not in the catalog files{planned}",
                title="unmanaged object",
            )
        )
    candidates["notice"] += [
        workflow_command(
            "notice",
            f"{finding.message} (exempt by policyExempt)",
            title=f"catalog-sync policy exempted: {finding.rule.value}",
        )
        for finding in plan.exempted
    ]
    candidates["notice"] += [_change_command("notice", c) for c in noticed]
    commands = tuple(command for level in LEVELS for command in candidates[level][:limit])
    left_out = {level: max(0, len(candidates[level]) - limit) for level in LEVELS}
    return GithubAnnotations(commands, left_out)


@visible_output
def render_github(plan: Plan) -> str:
    """The annotations, then the plan's summary line (and what was not annotated); against
    the built-in emulator, a line saying so first (and a notice)."""
    annotations = github_annotations(plan)
    note = _left_out_note(annotations.left_out)
    last = f"{summary_line(plan)} {note}" if note else summary_line(plan)
    emulator = emulator_line(plan.target)
    head = [emulator] if emulator else []
    unreadable = unreadable_line(plan.unreadable)
    if unreadable is not None:
        # Once, however many changes there are: the header every format carries.
        head.append(workflow_command("warning", unreadable, title="Live reads lack fields"))
    return "\n".join([*head, *annotations.commands, last]) + "\n"


def render_github_outputs(plan: Plan) -> str:
    """Step outputs for ``$GITHUB_OUTPUT`` (docs/policies.md): the change classes present,
    comma-separated, each class's count, the number of changes and of safety findings, so a
    workflow can label the pull request or ask finance for a review. With --baseline the
    classes are the pull request's own (what was already pending is not its doing)."""
    totals = class_counts(plan)
    present = ",".join(found.value for found, count in totals.items() if count)
    lines = [f"change-classes={present}", f"changes={len(plan.changes)}"]
    lines += [f"{found.value}={count}" for found, count in totals.items()]
    lines.append(f"safety-findings={len(plan.safety)}")
    return "\n".join(lines) + "\n"


@visible_output
def render_github_summary(plan: Plan, *, commit: str | None = None) -> str:
    """The job summary: the Markdown plan, with a note on the annotations left out under its
    heading."""
    note = _left_out_note(github_annotations(plan).left_out)
    markdown = render_markdown(plan, commit=commit)
    if not note:
        return markdown
    heading, rest = markdown.split("\n\n", 1)
    return f"{heading}\n\n> [!NOTE]\n> {note}\n\n{rest}"


def _left_out_note(left_out: dict[str, int]) -> str:
    counts = {level: count for level, count in left_out.items() if count}
    if not counts:
        return ""
    parts = ", ".join(
        f"{count} {level}{'s' if count != 1 else ''}" for level, count in counts.items()
    )
    return (
        f"{parts} not annotated: GitHub shows at most {GITHUB_ANNOTATION_LIMIT} annotations "
        "of each type per step. The job summary and the JSON plan have every change."
    )


def _warns(change: Change) -> bool:
    return change.action.removes or change.action is Action.ENABLE


def _change_command(level: str, change: Change) -> str:
    assert change.source is not None
    details = "\n".join(describe_change(change, f) for f in change.field_changes[:20])
    return workflow_command(
        level,
        details or f"{change.address} will be {ACTION_VERBS[change.action]}",
        title=f"{change.action.value} {change.address}",
        file=change.source.file,
        line=change.source.line,
        col=change.source.column,
    )
