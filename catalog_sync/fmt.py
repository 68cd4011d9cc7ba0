"""``fmt``: rewrite catalog files in the canonical layout (catalog/layout.py), keeping comments.

A file whose YAML does not parse is reported at its ``file:line:col`` and left alone; a YAML
file that is not a catalog file (its top level holds keys other than settings, services and
brokers, like a workflow) is skipped, so ``fmt .`` at a repository's root touches catalogs
only.
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from catalog_sync.catalog.codes import Code
from catalog_sync.catalog.layout import CATALOG_KEYS, canonicalise, dump, load_round_trip
from catalog_sync.catalog.loader import CATALOG_SUFFIXES
from catalog_sync.catalog.yaml_source import parse_yaml
from catalog_sync.diagnostics import Diagnostic, Severity, SourceLocation

__all__ = [
    "FileStatus",
    "Formatted",
    "catalog_yaml_files",
    "format_file",
    "format_text",
    "unified_diff",
]


class FileStatus(enum.Enum):
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    SKIPPED = "skipped"  # not a catalog file
    BROKEN = "broken"  # does not parse: see problems


@dataclass(frozen=True)
class Formatted:
    path: Path
    status: FileStatus
    text: str | None = None
    """The canonical text (CHANGED and UNCHANGED)."""
    problems: tuple[Diagnostic, ...] = ()
    original: str | None = None
    """The text as read (CHANGED and UNCHANGED)."""

    def diff(self) -> str:
        """What fmt changes, as a unified diff (empty when nothing changes)."""
        if self.original is None or self.text is None:
            return ""
        return unified_diff(self.path.as_posix(), self.original, self.text)


def unified_diff(name: str, before: str, after: str) -> str:
    """``diff -u`` of two texts of one file, as git shows it (``a/NAME``, ``b/NAME`` for a
    relative name, so ``git apply`` takes it)."""
    absolute = name.startswith("/")
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=name if absolute else f"a/{name}",
        tofile=name if absolute else f"b/{name}",
    )
    # A last line without its newline is marked as diff marks it, so the next line of the
    # diff never runs on after it.
    return "".join(
        line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n" for line in lines
    )


def format_text(text: str) -> str | None:
    """The canonical text of a catalog file; None when it is not a catalog file. The YAML
    must parse (check with :func:`~catalog_sync.catalog.yaml_source.parse_yaml` first)."""
    document = load_round_trip(text)
    if document is None:
        return text  # empty, or comments only: nothing to lay out
    if not isinstance(document, CommentedMap) or not set(document) <= CATALOG_KEYS:
        return None
    canonicalise(document)
    return dump(document)


def format_file(path: Path) -> Formatted:
    display = path.as_posix()
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        return Formatted(path, FileStatus.BROKEN, problems=(_unreadable(display, reason),))
    _, problems = parse_yaml(text, display)
    errors = tuple(
        p for p in problems if p.severity is Severity.ERROR and p.code == Code.YAML_SYNTAX
    )
    if errors:
        return Formatted(path, FileStatus.BROKEN, problems=errors)
    formatted = format_text(text)
    if formatted is None:
        return Formatted(path, FileStatus.SKIPPED)
    status = FileStatus.UNCHANGED if formatted == text else FileStatus.CHANGED
    return Formatted(path, status, formatted, original=text)


def catalog_yaml_files(paths: Sequence[Path]) -> list[Path]:
    """The YAML files at or under ``paths``; hidden directories (.git, .github) are skipped."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                file
                for file in path.rglob("*")
                if file.suffix in CATALOG_SUFFIXES
                and file.is_file()
                and not any(part.startswith(".") for part in file.relative_to(path).parts[:-1])
            )
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def _unreadable(display: str, reason: str) -> Diagnostic:
    return Diagnostic(SourceLocation(display, 1, 1), Code.UNREADABLE_FILE, Severity.ERROR, reason)
