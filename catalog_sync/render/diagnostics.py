"""Diagnostics as text for people, JSON for tools, and GitHub workflow-command annotations."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Final

from catalog_sync.diagnostics import Diagnostic, Severity
from catalog_sync.render.visible import visible_output
from catalog_sync.render.workflow_commands import workflow_command

__all__ = [
    "FORMATS",
    "GITHUB_ANNOTATION_LIMIT",
    "render_github",
    "render_json",
    "render_text",
    "summary",
]

GITHUB_ANNOTATION_LIMIT: Final = 10
"""Annotations per severity; GitHub shows only a few per step, the rest would be lost."""


def summary(diagnostics: Sequence[Diagnostic]) -> str:
    """``2 errors, 1 warning`` (``no problems`` when empty)."""
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = len(diagnostics) - errors
    if not diagnostics:
        return "no problems"
    return f"{_count(errors, 'error')}, {_count(warnings, 'warning')}"


@visible_output
def render_text(diagnostics: Sequence[Diagnostic]) -> str:
    """One ``file:line:col: CODE severity: message`` line each, then a summary line."""
    lines = [f"{d.location}: {d.code} {d.severity}: {_one_line(d.message)}" for d in diagnostics]
    lines.append(summary(diagnostics))
    return "\n".join(lines) + "\n"


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    """A JSON list of ``{file, line, column, code, severity, message}``; line and column are
    null for a finding about a whole file or path."""
    items = [
        {
            "file": d.file,
            # null: about the file or path as a whole (a path that does not exist).
            "line": d.line or None,
            "column": d.column or None,
            "code": str(d.code),
            "severity": str(d.severity),
            "message": d.message,
        }
        for d in diagnostics
    ]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


@visible_output
def render_github(diagnostics: Sequence[Diagnostic], limit: int = GITHUB_ANNOTATION_LIMIT) -> str:
    """``::error file=...,line=...,col=...,title=CODE::message`` for the first ``limit`` of
    each severity, and a plain line for the rest (an annotation would be past the limit)."""
    lines: list[str] = []
    for severity in (Severity.ERROR, Severity.WARNING):
        matching = [d for d in diagnostics if d.severity is severity]
        for d in matching[:limit]:
            lines.append(
                workflow_command(
                    str(severity),
                    d.message,
                    file=d.file,
                    line=d.line or None,
                    col=d.column or None,
                    title=str(d.code),
                )
            )
        rest = len(matching) - limit
        if rest > 0:
            lines.append(
                f"{_count(rest, f'more {severity}')} not annotated (GitHub shows {limit} of "
                "each type); run catalog-sync validate to see all"
            )
    return "".join(line + "\n" for line in lines)


FORMATS: Final[dict[str, Callable[[Sequence[Diagnostic]], str]]] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
}


def _one_line(text: str) -> str:
    # One line per finding, so grep and editors' problem matchers keep working.
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
