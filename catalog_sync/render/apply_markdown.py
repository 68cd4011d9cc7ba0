"""The apply report in Markdown, for a workflow's job summary."""

from __future__ import annotations

from catalog_sync.apply.report import ApplyReport, Outcome
from catalog_sync.render.apply_text import (
    CAUSES,
    HEADINGS,
    JOURNAL_COMMAND,
    counts_text,
    not_attempted_line,
    result_line,
)
from catalog_sync.render.plan_markdown import code_span, emulator_note, escape_markdown
from catalog_sync.render.visible import visible_output

__all__ = ["render_markdown"]

_MARKER = "\x00"
"""Stands for the journal command while the rest of its line is escaped."""


def _placeholder(_command: str) -> str:
    return _MARKER


@visible_output
def render_markdown(report: ApplyReport, *, commit: str | None = None) -> str:
    at = f" at commit `{code_span(commit)}`" if commit else ""
    status = "complete" if report.ok else "**incomplete**"
    lines = [
        "## catalog-sync apply",
        "",
        f"Catalog `{code_span(report.catalog.path)}`{at}, applied to "
        f"`{code_span(report.target.api_url)}` (seller `{code_span(report.target.seller_id)}`): "
        f"{status}; {escape_markdown(counts_text(report.counts))}.",
        "",
        *emulator_note(report.target),
    ]
    if report.forced:
        lines += [
            f"> [!WARNING]\n> --force lifted: {escape_markdown(', '.join(report.forced))}",
            *(f"> - {escape_markdown(finding)}" for finding in report.lifted),
            "",
        ]
    for outcome in Outcome:
        chosen = [r for r in report.results if r.outcome is outcome]
        if not chosen:
            continue
        if outcome is Outcome.NOT_ATTEMPTED:
            # As in the text report: counted here, listed by the journal.
            line = escape_markdown(not_attempted_line(report, len(chosen), _placeholder))
            command = f"`{code_span(f'{JOURNAL_COMMAND} {report.journal}')}`"
            lines += [line.replace(_MARKER, command), ""]
            continue
        lines.append(f"**{escape_markdown(HEADINGS[outcome])}**")
        lines.append("")
        lines.extend(f"- `{code_span(result_line(r).strip())}`" for r in chosen)
        lines.append("")
    if report.verify_error is not None:
        lines.append(f"Verification could not run: {escape_markdown(report.verify_error)}")
    elif report.mismatches:
        lines.append(f"Verification found {len(report.mismatches)} difference(s):")
        lines.append("")
        lines.extend(
            f"- `{code_span(m.address)}` `{code_span(m.field)}`: "
            f"expected `{code_span(str(m.expected))}`, live "
            + (
                "unreadable (the re-read lacks it)"
                if m.unreadable
                else f"`{code_span(str(m.actual))}`"
            )
            + f"{escape_markdown(CAUSES.get(m.cause, ''))}"
            for m in report.mismatches
        )
    elif report.verified:
        lines.append("Verification: every applied change reads back as planned.")
    if not report.ok:
        lines += ["", "Plan again to see what is left, fix the cause, and apply."]
    return "\n".join(lines) + "\n"
