"""Drift reports as text (cron logs), Markdown (an issue body), GitHub annotations and JSON."""

from __future__ import annotations

import html

from catalog_sync.drift import DriftEntry, DriftKind, DriftReport
from catalog_sync.render.plan_markdown import (
    cell_code_span,
    code_span,
    emulator_note,
    escape_markdown,
)
from catalog_sync.render.plan_values import emulator_line, format_value, ignore_line
from catalog_sync.render.visible import visible_output
from catalog_sync.render.workflow_commands import workflow_command

__all__ = ["drift_marker", "render_github", "render_json", "render_markdown", "render_text"]

_NOUNS = {
    DriftKind.CHANGED: "differs",
    DriftKind.MISSING: "is missing live",
    DriftKind.DISABLED: "is disabled live",
    DriftKind.UNMANAGED: "is live but not in the files",
}


def drift_marker(report: DriftReport) -> str:
    """The hidden line a workflow finds its one drift issue by."""
    return f"<!-- catalog-sync drift: {report.digest} -->"


def summary_line(report: DriftReport) -> str:
    if not report.drifted:
        return "No drift: the live catalog matches the files."
    parts = [f"{report.count(kind)} {kind.value}" for kind in DriftKind if report.count(kind)]
    if report.policy:
        parts.append(f"{len(report.policy)} policy finding(s)")
    return f"Drift: {', '.join(parts)} ({report.digest})."


def _policy_lines(report: DriftReport) -> list[str]:
    return [f"{finding.rule.value}: {finding.message}" for finding in report.policy]


def _headline(entry: DriftEntry) -> str:
    below = f" (and {entry.below} below it)" if entry.below else ""
    identity = f" (id {entry.id})" if entry.id and entry.drift is DriftKind.UNMANAGED else ""
    return f"{entry.address}{identity} {_NOUNS[entry.drift]}{below}"


def _field_lines(entry: DriftEntry) -> list[str]:
    return [
        f"{f.path}: live {format_value(entry.kind, f.path, f.live)}, "
        f"files {format_value(entry.kind, f.path, f.files)}"
        for f in entry.fields
    ]


@visible_output
def render_text(report: DriftReport) -> str:
    lines = [
        f"Drift of {report.catalog.path} against {report.target.api_url} "
        f"(seller {report.target.seller_id})",
    ]
    emulator = emulator_line(report.target)
    if emulator:
        lines.append(emulator)
    lines.append("")
    ignored = ignore_line(report.ignore)
    if ignored:
        lines += [ignored, ""]
    for entry in report.entries:
        lines.append(f"  {_headline(entry)}")
        lines.extend(f"      {line}" for line in _field_lines(entry))
    if report.entries:
        lines.append("")
    if report.policy:
        lines.append("Pricing policies broken live (settings.policies):")
        lines.extend(f"  ! {line}" for line in _policy_lines(report))
        lines.append("")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


@visible_output
def render_markdown(report: DriftReport) -> str:
    lines = [
        drift_marker(report),
        "## catalog-sync drift",
        "",
        f"Catalog `{code_span(report.catalog.path)}` against "
        f"`{code_span(report.target.api_url)}` (seller `{code_span(report.target.seller_id)}`).",
        "",
        *emulator_note(report.target),
        escape_markdown(summary_line(report)),
        "",
    ]
    ignored = ignore_line(report.ignore)
    if ignored:
        lines += [f"_{escape_markdown(ignored)}_", ""]
    if report.entries:
        lines += ["| object | drift | live | files |", "|---|---|---|---|"]
    for entry in report.entries:
        if not entry.fields:
            lines.append(
                f"| `{cell_code_span(entry.address)}` | {html.escape(_NOUNS[entry.drift])}"
                f"{f' ({entry.below} below)' if entry.below else ''} | | |"
            )
        for field in entry.fields:
            live = format_value(entry.kind, field.path, field.live)
            files = format_value(entry.kind, field.path, field.files)
            lines.append(
                f"| `{cell_code_span(entry.address)}` | `{cell_code_span(field.path)}` "
                f"| `{cell_code_span(live)}` | `{cell_code_span(files)}` |"
            )
    if report.policy:
        lines += ["", "**Pricing policies broken live** (settings.policies):", ""]
        lines += [f"- {escape_markdown(line)}" for line in _policy_lines(report)]
    if report.entries:
        lines += [
            "",
            "Bring live state back with `catalog-sync plan` and `apply`, or take the live "
            "values into the files (`catalog-sync export` shows them as files).",
        ]
    return "\n".join(lines) + "\n"


@visible_output
def render_github(report: DriftReport) -> str:
    emulator = emulator_line(report.target)
    lines = [emulator] if emulator else []
    for entry in report.entries:
        located = entry.source
        details = "\n".join(_field_lines(entry)) or _headline(entry)
        lines.append(
            workflow_command(
                "warning",
                details,
                title=f"drift: {_headline(entry)}",
                file=located.file if located else None,
                line=located.line if located else None,
                col=located.column if located else None,
            )
        )
    for finding in report.policy:
        lines.append(
            workflow_command(
                "warning",
                f"{finding.message}. To proceed: {finding.remedy}",
                title=f"drift: policy {finding.rule.value}",
            )
        )
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def render_json(report: DriftReport) -> str:
    return report.model_dump_json(by_alias=True, indent=2) + "\n"
