"""``fmt``: rewrite catalog files in the canonical layout (catalog/layout.py), keeping comments.

A file whose YAML does not parse is reported at its ``file:line:col`` and left alone; a YAML
file that is not a catalog file (its top level holds keys other than settings, services and
brokers, like a workflow) is skipped, so ``fmt .`` at a repository's root touches catalogs
only.

A file is read as validate reads it (catalog/loader.py: a regular file of bounded size, no
FIFO or device), and one with anchors or aliases is left alone, as validate refuses it: laid
out, an alias bomb of a few hundred bytes would be walked as gigabytes. A link is rewritten
at the file it points to, and only when that file is inside the catalog (the directory
given, or the given file's directory); the rewrite is a new file renamed over the old one,
so a reader never sees half a file.
"""

from __future__ import annotations

import difflib
import enum
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from catalog_sync.catalog.codes import Code
from catalog_sync.catalog.layout import CATALOG_KEYS, canonicalise, dump, load_round_trip
from catalog_sync.catalog.loader import CATALOG_SUFFIXES, read_catalog_text
from catalog_sync.catalog.roots import catalog_root
from catalog_sync.catalog.yaml_source import parse_yaml
from catalog_sync.diagnostics import Diagnostic, Severity, SourceLocation

__all__ = [
    "FileStatus",
    "Formatted",
    "catalog_yaml_files",
    "format_file",
    "format_paths",
    "format_text",
    "unified_diff",
    "write_formatted",
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
    must parse (check with :func:`~catalog_sync.catalog.yaml_source.parse_yaml` first).
    What follows a document end marker (``...``: comments only, in a file that parses) is
    kept as it is, since the layout would drop it."""
    end = _DOCUMENT_END.search(text)
    body, tail = (text[: end.start()], text[end.start() :]) if end else (text, "")
    document = load_round_trip(body)
    if document is None:
        return text  # empty, or comments only: nothing to lay out
    if not isinstance(document, CommentedMap) or not set(document) <= CATALOG_KEYS:
        return None
    canonicalise(document)
    return dump(document) + tail


_DOCUMENT_END = re.compile(r"^\.\.\.(?=[ \t]|\r?$)", re.MULTILINE)
"""``...`` at the start of a line: no scalar can hold it there, so it ends the document."""

_LEFT_ALONE = frozenset({Code.YAML_SYNTAX, Code.ANCHOR_OR_ALIAS})


def format_paths(paths: Sequence[Path]) -> list[Formatted]:
    """:func:`format_file` for each YAML file at or under ``paths``, each within its catalog:
    the directory given, or a given file's catalog root. A given file outside every catalog
    is skipped, as validate skips it: the pre-commit hook passes every changed YAML file, and
    a ``docker-compose.yml`` holding only ``services:`` is no catalog file to lay out."""
    results: list[Formatted] = []
    for given in paths:
        if given.is_dir():
            root = given
        elif given.is_file() and not given.is_symlink() and given.suffix in CATALOG_SUFFIXES:
            found = catalog_root(given)
            if found is None:
                results.append(Formatted(given, FileStatus.SKIPPED))
                continue
            root = found
        else:
            # A link, a FIFO or device, a missing file: format_file reports what it is.
            root = given.parent
        results += (format_file(path, root) for path in catalog_yaml_files([given]))
    return list({result.path: result for result in results}.values())


def format_file(path: Path, catalog: Path | None = None) -> Formatted:
    """``path``'s canonical text; a link out of ``catalog`` (default: the file's directory)
    that would change is refused, not rewritten."""
    display = path.as_posix()
    text, unreadable = read_catalog_text(path)
    if text is None:
        return Formatted(path, FileStatus.BROKEN, problems=tuple(unreadable))
    _, problems = parse_yaml(text, display)
    errors = tuple(p for p in problems if p.severity is Severity.ERROR and p.code in _LEFT_ALONE)
    if errors:
        return Formatted(path, FileStatus.BROKEN, problems=errors)
    formatted = format_text(text)
    if formatted is None:
        return Formatted(path, FileStatus.SKIPPED)
    if formatted == text:
        return Formatted(path, FileStatus.UNCHANGED, formatted, original=text)
    root = (catalog or path.parent).resolve()
    target = path.resolve()
    if not target.is_relative_to(root):
        reason = (
            f"a link to {target.as_posix()}, outside the catalog {root.as_posix()}: not "
            "rewritten; run fmt where that file is"
        )
        return Formatted(path, FileStatus.BROKEN, problems=(_unreadable(display, reason),))
    return Formatted(path, FileStatus.CHANGED, formatted, original=text)


def write_formatted(result: Formatted) -> None:
    """Write ``result``'s text over the file its path names (a link: the file it points to,
    which :func:`format_file` found inside the catalog), keeping that file's mode."""
    assert result.text is not None
    target = result.path.resolve()
    mode = target.stat().st_mode & 0o7777
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=target.parent, prefix=f".{target.name}.", delete=False
    ) as handle:
        handle.write(result.text)
    try:
        os.chmod(handle.name, mode)
        os.replace(handle.name, target)
    except OSError:
        Path(handle.name).unlink(missing_ok=True)
        raise


def catalog_yaml_files(paths: Sequence[Path]) -> list[Path]:
    """The YAML files at or under ``paths``; hidden directories (.git, .github) are skipped.
    As validate finds them: whatever is not a directory is listed, so that a FIFO, device or
    dangling link named like a catalog file is reported, not passed over."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                file
                for file in path.rglob("*")
                if file.suffix in CATALOG_SUFFIXES
                and not file.is_dir()
                and not any(part.startswith(".") for part in file.relative_to(path).parts[:-1])
            )
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def _unreadable(display: str, reason: str) -> Diagnostic:
    return Diagnostic(SourceLocation(display, 1, 1), Code.UNREADABLE_FILE, Severity.ERROR, reason)
