"""Load a catalog directory: find the files, read, parse, validate, merge, check.

Every problem of every file is collected before :class:`CatalogError` is raised once.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from catalog_sync.catalog.checks import check_catalog
from catalog_sync.catalog.codes import Code
from catalog_sync.catalog.models import Catalog, CatalogFile, Settings
from catalog_sync.catalog.validation import validate_document
from catalog_sync.catalog.yaml_source import parse_yaml
from catalog_sync.diagnostics import Diagnostic, Severity, SourceLocation
from catalog_sync.errors import CatalogError
from catalog_sync.kinds import children_of
from catalog_sync.limits import MAX_CATALOG_FILE_BYTES
from catalog_sync.safe_files import FileTooLargeError, UnsafeFileError, read_regular

__all__ = [
    "ROOT_FILE_NAMES",
    "LoadedCatalog",
    "load_catalog",
    "load_catalog_files",
    "read_catalog_text",
]

ROOT_FILE_NAMES: Final = ("catalog.yaml", "catalog.yml")
CATALOG_SUFFIXES: Final = (".yaml", ".yml")
"""A file with another name is not a catalog file (a saved plan, for apply)."""


@dataclass(frozen=True, slots=True)
class LoadedCatalog:
    """A valid catalog, its warnings, the files it was read from and their digest."""

    catalog: Catalog
    warnings: tuple[Diagnostic, ...]
    files: tuple[Path, ...]
    """Each file as the user named it; ``path.as_posix()`` is its ``SourceLocation.file``."""
    digest: str
    """``sha256:`` over each file's path relative to the catalog root, and its bytes."""


@dataclass(frozen=True, slots=True)
class _Found:
    files: tuple[Path, ...]
    relative: tuple[str, ...]
    root: Path
    """The catalog root: ``relative`` is relative to it."""


def load_catalog(path: str | os.PathLike[str]) -> LoadedCatalog:
    """Load the catalog directory (or single file) at ``path``.

    Raises CatalogError with every diagnostic, errors and warnings, when any error is found.
    """
    return _load(_find_files(Path(path)))


def load_catalog_files(root: Path, files: Sequence[Path]) -> LoadedCatalog:
    """Load only ``files`` (each below ``root``) of the catalog at ``root``, with its root
    catalog.yaml for the settings: what a pre-commit hook passes, without reading any other
    YAML file of the repository. Raises CatalogError as :func:`load_catalog` does."""
    chosen = {file: file.resolve().relative_to(root.resolve()).as_posix() for file in files}
    for name in ROOT_FILE_NAMES:
        root_file = root / name
        if root_file.is_file() and name not in chosen.values():
            chosen[root_file] = name
    ordered = sorted(chosen.items(), key=lambda item: item[1])
    return _load(_Found(tuple(f for f, _ in ordered), tuple(r for _, r in ordered), root))


def _load(found: _Found) -> LoadedCatalog:
    problems: list[Diagnostic] = []
    parsed: list[tuple[str, CatalogFile]] = []
    digest = hashlib.sha256()
    for file, relative in zip(found.files, found.relative, strict=True):
        display = file.as_posix()
        raw = _read_regular(file, display, problems)
        if raw is None:
            continue
        _add_to_digest(digest, relative, raw)
        text = _decode(raw, display, problems)
        if text is None:
            continue
        doc, yaml_problems = parse_yaml(text, display)
        problems += yaml_problems
        if doc is None:
            continue
        model, schema_problems = validate_document(doc)
        problems += schema_problems
        if model is not None:
            parsed.append((relative, model))
    catalog, merge_problems = _merge(parsed, found.root)
    problems += merge_problems
    problems += check_catalog(catalog)
    problems.sort(key=Diagnostic.sort_key)
    if any(problem.severity is Severity.ERROR for problem in problems):
        raise CatalogError(problems)
    return LoadedCatalog(
        catalog=catalog,
        warnings=tuple(problems),
        files=found.files,
        digest=f"sha256:{digest.hexdigest()}",
    )


def catalog_digest(path: str | os.PathLike[str]) -> str:
    """The digest :func:`load_catalog` gives ``path`` now, from the files' bytes alone: apply
    checks that the files did not change during its confirmation without parsing them again.

    Raises CatalogError when the files cannot be found or read.
    """
    found = _find_files(Path(path))
    problems: list[Diagnostic] = []
    digest = hashlib.sha256()
    for file, relative in zip(found.files, found.relative, strict=True):
        raw = _read_regular(file, file.as_posix(), problems)
        if raw is not None:
            _add_to_digest(digest, relative, raw)
    if problems:
        raise CatalogError(problems)
    return f"sha256:{digest.hexdigest()}"


def _find_files(given: Path) -> _Found:
    shown = given.as_posix()
    if not given.exists():
        raise CatalogError(
            [_problem(shown, Code.PATH_NOT_FOUND, "does not exist: no such file or directory")]
        )
    if given.is_file():
        if given.suffix not in CATALOG_SUFFIXES:
            message = (
                "not a catalog: catalog files are *.yaml or *.yml; give the catalog directory "
                "(the one with catalog.yaml) or one catalog file"
            )
            raise CatalogError([_problem(shown, Code.NOT_A_CATALOG, message)])
        return _Found((given,), (given.name,), given.parent)
    if not given.is_dir():
        raise CatalogError(
            [
                _problem(
                    shown,
                    Code.UNREADABLE_FILE,
                    "not a catalog: this is neither a directory nor a regular file (a device, "
                    "FIFO or socket); give the catalog directory or one *.yaml file",
                )
            ]
        )
    try:
        candidates = sorted(
            (candidate.relative_to(given).as_posix(), candidate)
            for candidate in given.rglob("*")
            # Not "is_file()": a dangling link must fail loudly, since a missing file could
            # make prune delete what it describes.
            if candidate.suffix in CATALOG_SUFFIXES
            and not candidate.is_dir()
            and not any(part.startswith(".") for part in candidate.relative_to(given).parts)
        )
    except OSError as error:
        raise CatalogError([_problem(shown, Code.UNREADABLE_FILE, _os_reason(error))]) from None
    if not candidates:
        raise CatalogError(
            [_problem(shown, Code.NO_CATALOG_FILES, "no *.yaml or *.yml files in this directory")]
        )
    return _Found(
        tuple(candidate for _, candidate in candidates),
        tuple(relative for relative, _ in candidates),
        given,
    )


def read_catalog_text(file: Path) -> tuple[str | None, list[Diagnostic]]:
    """The text of one catalog file, or None and why not, read as validate reads it: a
    regular file of bounded size, UTF-8 (``fmt`` reads through this too)."""
    problems: list[Diagnostic] = []
    display = file.as_posix()
    raw = _read_regular(file, display, problems)
    return (None if raw is None else _decode(raw, display, problems)), problems


def _read_regular(file: Path, display: str, problems: list[Diagnostic]) -> bytes | None:
    """The file's bytes, or None with the problem recorded: only a regular file of bounded
    size is read (a FIFO named *.yaml would block for ever, a device never end). A link is
    followed (a catalog may link a shared file), to a regular file only."""
    try:
        return read_regular(file, MAX_CATALOG_FILE_BYTES, follow_symlinks=True)
    except FileTooLargeError:
        problems.append(
            _problem(
                display,
                Code.UNREADABLE_FILE,
                f"the file is too large to be a catalog file (more than "
                f"{MAX_CATALOG_FILE_BYTES:,} bytes): split it into several files",
            )
        )
    except UnsafeFileError:
        problems.append(
            _problem(
                display,
                Code.UNREADABLE_FILE,
                "not a regular file (a device, FIFO or socket): catalog files must be plain files",
            )
        )
    except OSError as error:
        problems.append(_problem(display, Code.UNREADABLE_FILE, _os_reason(error)))
    return None


def _decode(raw: bytes, display: str, problems: list[Diagnostic]) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        problems.append(
            Diagnostic(
                SourceLocation(display, line, column),
                Code.NOT_UTF8,
                Severity.ERROR,
                f"the file is not UTF-8 (byte 0x{raw[error.start]:02x}); save it as UTF-8",
            )
        )
        return None


def _merge(parsed: list[tuple[str, CatalogFile]], root: Path) -> tuple[Catalog, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    settings: Settings | None = None
    for relative, model in parsed:
        if model.settings is None:
            continue
        if relative not in ROOT_FILE_NAMES:
            # Named: a catalog read from the wrong directory (README, "Where the catalog is")
            # reads the right catalog.yaml as a file below its root.
            misplaced = (
                f"settings belong in catalog.yaml at the catalog root, and the root used is "
                f"{root.as_posix()} (so this file is {relative}): move them to "
                f"{(root / ROOT_FILE_NAMES[0]).as_posix()}, or give the catalog's own directory"
            )
        elif settings is not None:
            misplaced = "settings are given in both catalog.yaml and catalog.yml; keep one"
        else:
            settings = model.settings
            continue
        where = model.field_source("settings")
        problems.append(Diagnostic(where, Code.MISPLACED_SETTINGS, Severity.ERROR, misplaced))
    # Each top-level kind's objects, from every file, in file order (the kinds' specs say
    # which attribute holds them).
    merged = {
        spec.catalog_items: tuple(
            item for _, model in parsed for item in getattr(model, spec.catalog_items)
        )
        for spec in children_of(None)
    }
    catalog = Catalog(settings=settings or Settings(), **merged)
    return catalog, problems


def _add_to_digest(digest: hashlib._Hash, relative: str, raw: bytes) -> None:
    # Length-prefixed so that no two different file sets can feed the same byte stream.
    name = relative.encode()
    digest.update(f"{len(name)}:".encode() + name + f"{len(raw)}:".encode())
    digest.update(raw)


def _problem(file: str, code: Code, message: str) -> Diagnostic:
    # About the file as a whole: no line or column to point at (docs/diagnostics.md).
    return Diagnostic(SourceLocation(file, 0, 0), code, Severity.ERROR, message)


def _os_reason(error: OSError) -> str:
    return f"cannot read: {error.strerror or error}"
