"""A plan that could not be made, for GitHub: annotations at the catalog lines and a short
Markdown body for the pull-request comment (docs/contracts.md, "A failing plan").

Without them a failing ``plan --format github`` leaves the pull request silent: the comment
keeps the last good plan, or never appears. The Markdown body starts with the same hidden
marker as the plan of that catalog, so the workflow updates the one comment with it.
"""

from __future__ import annotations

from catalog_sync.diagnostics import Diagnostic, Severity
from catalog_sync.errors import CatalogError, CatalogSyncError
from catalog_sync.render.diagnostics import render_github as render_diagnostics_github
from catalog_sync.render.diagnostics import summary
from catalog_sync.render.plan_markdown import (
    cell_code_span,
    code_span,
    comment_marker,
    escape_markdown,
)
from catalog_sync.render.workflow_commands import workflow_command

__all__ = ["MAX_LISTED", "render_failure_github", "render_failure_markdown"]

MAX_LISTED = 50
"""Problems listed in the comment; the annotations and `catalog-sync validate` have them all."""


def _problems(error: CatalogSyncError) -> list[Diagnostic]:
    """The catalog's problems behind the error, errors first, each in file order."""
    found = list(error.diagnostics) if isinstance(error, CatalogError) else []
    return sorted(found, key=lambda d: (d.severity is not Severity.ERROR, d.sort_key()))


def render_failure_github(error: CatalogSyncError) -> str:
    """``::error`` at each problem's file:line:col (a catalog error), else one ``::error``
    with the message (a setting, credentials, a request that failed)."""
    problems = _problems(error)
    if problems:
        return render_diagnostics_github(problems)
    message = f"the plan could not be made: {error}"
    return workflow_command("error", message, title="catalog-sync plan") + "\n"


def render_failure_markdown(
    catalog_path: str, error: CatalogSyncError, *, commit: str | None = None
) -> str:
    made_from = f"Catalog `{code_span(catalog_path)}`"
    if commit:
        made_from += f" at commit `{code_span(commit)}`"
    lines = [
        comment_marker(catalog_path),
        "## catalog-sync plan: failed",
        "",
        f"{made_from}: the plan could not be made, so this comment cannot say what would "
        "change. Nothing was applied.",
        "",
        "> [!CAUTION]",
        f"> **error:** {escape_markdown(str(error))}",
        "",
    ]
    problems = _problems(error)
    if problems:
        lines += [
            f"**{escape_markdown(summary(problems))}** in the catalog files (also annotated on "
            "the lines in the pull request's Files tab):",
            "",
            "| where | code | problem |",
            "|---|---|---|",
        ]
        for d in problems[:MAX_LISTED]:
            lines.append(
                f"| `{cell_code_span(str(d.location))}` | {escape_markdown(d.code)} "
                f"| {escape_markdown(d.severity.value)}: {escape_markdown(d.message)} |"
            )
        if len(problems) > MAX_LISTED:
            lines.append("")
            lines.append(
                f"_{len(problems) - MAX_LISTED} more: run `catalog-sync validate --online` "
                "to see every problem._"
            )
        lines.append("")
    return "\n".join(lines) + "\n"
