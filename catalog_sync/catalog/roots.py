"""Where a catalog file's catalog starts: what `validate FILE...` needs when a pre-commit hook
passes it the changed file names of a whole repository.

The root of a file is the nearest directory above it that holds ``catalog.yaml`` (or
``catalog.yml``), or the directory a ``[tool.catalog-sync]`` section of a ``pyproject.toml``
names (``catalog = "catalogs/mine"``, default: the directory of pyproject.toml) when the file
is below it. The search stops at the repository's top (the directory with ``.git``). A file
with no root is not a catalog file: a ``docker-compose.yml`` beside the catalog is not one.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from catalog_sync.catalog.codes import Code
from catalog_sync.catalog.loader import (
    CATALOG_SUFFIXES,
    ROOT_FILE_NAMES,
    LoadedCatalog,
    load_catalog,
    load_catalog_files,
)
from catalog_sync.diagnostics import Diagnostic, Severity, SourceLocation
from catalog_sync.errors import CatalogError

__all__ = [
    "PYPROJECT_SECTION",
    "CatalogTarget",
    "catalog_root",
    "catalog_targets",
    "configured_root",
    "find_catalog",
]

PYPROJECT_SECTION = "catalog-sync"
"""``[tool.catalog-sync]`` in pyproject.toml."""


def catalog_root(file: Path) -> Path | None:
    """The catalog root of ``file`` (relative to the working directory when it is below it),
    or None when it belongs to no catalog."""
    target = file.resolve()
    for directory in target.parents:
        if _has_root_file(directory):
            return _shown(directory)
        configured = configured_root(directory)
        if configured is not None:
            inside = configured.resolve() in (target, *target.parents)
            return configured if inside else None
        if (directory / ".git").exists():
            return None
    return None


def find_catalog(path: Path | None = None) -> Path:
    """The catalog a command works on (README, "Where the catalog is").

    ``path`` when given, except that a directory without catalog.yaml whose pyproject.toml
    has a ``[tool.catalog-sync]`` section stands for the catalog that section names. With no
    ``path``: the nearest directory at or above the working directory that holds catalog.yaml
    or whose pyproject.toml names a catalog, up to the repository's top (``.git``); a
    directory outside every catalog is an error, never a scan of every YAML file below it.
    """
    if path is not None:
        if path.is_dir() and not _has_root_file(path):
            return configured_root(path) or path
        return path
    here = Path.cwd().resolve()
    for directory in (here, *here.parents):
        if _has_root_file(directory):
            return _relative(directory, here)
        configured = configured_root(directory)
        if configured is not None:
            return configured
        if (directory / ".git").exists():
            break
    where = SourceLocation(here.as_posix(), 0, 0)
    message = (
        "no catalog here: neither this directory nor one above it (up to the repository's "
        "top) holds catalog.yaml or a pyproject.toml with "
        f'[tool.{PYPROJECT_SECTION}] catalog = "..."; give the catalog\'s path'
    )
    raise CatalogError([Diagnostic(where, Code.NO_CATALOG, Severity.ERROR, message)])


def _has_root_file(directory: Path) -> bool:
    return any((directory / name).is_file() for name in ROOT_FILE_NAMES)


def _relative(directory: Path, here: Path) -> Path:
    """``directory`` as the user would type it from ``here``: ``.``, ``..``, ``../..``."""
    return Path(os.path.relpath(directory, here))


def configured_root(directory: Path) -> Path | None:
    """The catalog a ``[tool.catalog-sync]`` section of ``directory/pyproject.toml`` names."""
    pyproject = directory / "pyproject.toml"
    if not pyproject.is_file():
        return None
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        message = f"cannot read its [tool.{PYPROJECT_SECTION}] section: {error}"
        raise _unreadable(pyproject, message) from None
    section = data.get("tool", {}).get(PYPROJECT_SECTION)
    if not isinstance(section, dict):
        return None
    catalog = section.get("catalog", ".")
    if not isinstance(catalog, str):
        raise _unreadable(
            pyproject, f"[tool.{PYPROJECT_SECTION}] catalog must be a path, got {catalog!r}"
        )
    return _shown((directory / catalog).resolve())


def _unreadable(pyproject: Path, message: str) -> CatalogError:
    where = SourceLocation(pyproject.as_posix(), 0, 0)
    return CatalogError([Diagnostic(where, Code.UNREADABLE_FILE, Severity.ERROR, message)])


def _shown(directory: Path) -> Path:
    try:
        return directory.relative_to(Path.cwd().resolve())
    except ValueError:
        return directory


@dataclass(frozen=True)
class CatalogTarget:
    """One catalog to check: a whole directory, or some files of the catalog at ``path``."""

    path: Path
    files: tuple[Path, ...] = ()
    skipped: bool = False
    """A file that belongs to no catalog."""

    def load(self) -> LoadedCatalog:
        if self.files:
            return load_catalog_files(self.path, self.files)
        return load_catalog(self.path)


def catalog_targets(paths: Sequence[Path]) -> list[CatalogTarget]:
    """What ``validate PATH...`` checks: each directory whole (by default the catalog
    :func:`find_catalog` finds), and the
    files grouped by their catalog root; files outside every catalog come back skipped."""
    targets: list[CatalogTarget] = []
    by_root: dict[Path, list[Path]] = {}
    for path in paths or (find_catalog(),):
        if path.is_dir():
            targets.append(CatalogTarget(find_catalog(path)))
        elif not path.is_file() or path.suffix not in CATALOG_SUFFIXES:
            # Loading says what it is: no such file, a device, FIFO or socket, or not a
            # catalog file at all (README.md).
            targets.append(CatalogTarget(path))
        else:
            root = catalog_root(path)
            if root is None:
                targets.append(CatalogTarget(path, skipped=True))
            else:
                by_root.setdefault(root, []).append(path)
    targets += [CatalogTarget(root, tuple(files)) for root, files in by_root.items()]
    return targets
