"""Writing an export into its directory without touching what export does not own.

``export --force`` writes into a directory that already holds files (a repository, say). What
export owns there is recorded in a manifest beside the files, :data:`MANIFEST` (commit it with
them): the files it wrote, relative to the directory. A later export replaces the files it
writes now, removes the ones an earlier export wrote that the live catalog no longer has, and
leaves every other file alone, naming the catalog files among them (they are still part of
the catalog, and may describe what the live catalog no longer has).

Nothing is written through a link: a link, directory, FIFO or device where export would write
or remove a file, or a link among the directories on the way, stops the export before it
writes anything; a file is written as a new file renamed into place. A file export did not
write, at a path it would write, is replaced only when it is a catalog file (the same name
means the same object's file); anything else there is refused. The manifest is input like any
other: only names of the shapes export writes are taken from it (README, the export command).
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final

from catalog_sync.catalog.loader import CATALOG_SUFFIXES, read_catalog_text
from catalog_sync.catalog.validation import validate_document
from catalog_sync.catalog.yaml_source import parse_yaml
from catalog_sync.diagnostics import Diagnostic, Severity
from catalog_sync.errors import ConfigError
from catalog_sync.safe_files import read_regular

__all__ = ["MANIFEST", "ExportWritten", "write_export"]

MANIFEST: Final = ".catalog-sync-export.json"
_MAX_MANIFEST_BYTES: Final = 4 * 1024 * 1024
_MAX_REFUSALS: Final = 20


@dataclass(frozen=True)
class ExportWritten:
    removed: tuple[str, ...]
    """Files an earlier export wrote that the live catalog no longer has."""
    kept: tuple[str, ...]
    """Catalog files in the directory that no export wrote: left as they are."""
    catalog: tuple[Path, ...]
    """The catalog files now in the directory: those written and those kept."""


def write_export(out: Path, files: Mapping[str, str]) -> ExportWritten:
    """Write ``files`` (relative path -> text) into ``out``; see the module docstring.
    Raises ConfigError, having written nothing, when anything there is refused."""
    previous = _manifest(out)
    stale = sorted(name for name in previous - set(files) if _lexists(out / name))
    refusals = [
        problem
        for name in [*files, *stale]
        if (problem := _refusal(out, name, owned=name in previous, removing=name not in files))
    ]
    if refusals:
        listed = "\n".join(f"  - {problem}" for problem in refusals[:_MAX_REFUSALS])
        raise ConfigError(
            f"export into {out.as_posix()} refused, nothing was written:\n{listed}\n"
            "export writes only the catalog files it owns: move what is listed away, or "
            "export into an empty directory"
        )
    kept = sorted(
        name
        for name in _catalog_yaml_names(out)
        if name not in files and name not in previous and _is_catalog_file(out / name)
    )
    try:
        for name in stale:
            (out / name).unlink()
        for name, text in files.items():
            _replace(out / name, text)
        _replace(out / MANIFEST, json.dumps({"files": sorted(files)}, indent=2) + "\n")
    except OSError as error:
        raise ConfigError(
            f"cannot write {error.filename}: {error.strerror}; the directory may hold a "
            "partial export"
        ) from None
    written = [name for name in files if PurePosixPath(name).suffix in CATALOG_SUFFIXES]
    # A kept link is named, not read again here: it may point out of the directory.
    linked = {name for name in kept if (out / name).is_symlink()}
    catalog = tuple(out / name for name in sorted({*written, *kept} - linked))
    return ExportWritten(tuple(stale), tuple(kept), catalog)


def _manifest(out: Path) -> set[str]:
    """The names an earlier export recorded, of the shapes export writes; none without one."""
    try:
        data = json.loads(read_regular(out / MANIFEST, _MAX_MANIFEST_BYTES))
    except FileNotFoundError:
        return set()
    except (OSError, ValueError, RecursionError) as error:
        reason = getattr(error, "strerror", None) or "not the JSON export writes"
        raise ConfigError(
            f"{(out / MANIFEST).as_posix()}: cannot read the record of an earlier export: "
            f"{reason}; remove it to export into this directory again"
        ) from None
    names = data.get("files") if isinstance(data, dict) else None
    if not isinstance(names, list):
        return set()
    return {name for name in names if isinstance(name, str) and _export_shaped(name)}


def _export_shaped(name: str) -> bool:
    """A name export could have written: ``a.yaml`` or ``a/b.yaml``, or its schema file
    (``catalog.schema.json``) beside them, with no hidden or parent part."""
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and not any(part.startswith(".") for part in path.parts)
        and (
            (1 <= len(path.parts) <= 2 and path.suffix in CATALOG_SUFFIXES)
            or (len(path.parts) == 1 and name.endswith(".schema.json"))
        )
    )


def _refusal(out: Path, name: str, *, owned: bool, removing: bool) -> str | None:
    """Why export may not write (or remove) ``out / name``, or None."""
    path = out / name
    for directory in list(path.relative_to(out).parents)[:-1][::-1]:
        status = _lstat(out / directory)
        if status is not None and not stat.S_ISDIR(status.st_mode):
            return f"{(out / directory).as_posix()}: not a directory (a link or a file)"
    status = _lstat(path)
    if status is None:
        return None
    if stat.S_ISLNK(status.st_mode):
        return f"{path.as_posix()}: a symbolic link; export does not write through links"
    if not stat.S_ISREG(status.st_mode):
        return f"{path.as_posix()}: not a regular file"
    if path.suffix not in CATALOG_SUFFIXES or (owned and not removing):
        return None
    if removing and not _is_catalog_file(path):
        return f"{path.as_posix()}: an earlier export wrote it, but it is no catalog file now"
    if not removing and not _is_catalog_file(path):
        return f"{path.as_posix()}: not a catalog file, and no earlier export wrote it"
    return None


def _is_catalog_file(path: Path) -> bool:
    """Whether ``path`` reads as a valid catalog file on its own (a docker-compose file has
    ``services:`` too)."""
    text, problems = read_catalog_text(path)
    if text is None:
        return False
    document, problems = parse_yaml(text, path.as_posix())
    if document is None or _has_error(problems):
        return False
    model, problems = validate_document(document)
    return model is not None and not _has_error(problems)


def _has_error(problems: list[Diagnostic]) -> bool:
    return any(problem.severity is Severity.ERROR for problem in problems)


def _catalog_yaml_names(out: Path) -> list[str]:
    """The YAML files load_catalog reads below ``out`` (none in hidden directories)."""
    if not out.is_dir():
        return []
    return [
        path.relative_to(out).as_posix()
        for path in out.rglob("*")
        if path.suffix in CATALOG_SUFFIXES
        and not any(part.startswith(".") for part in path.relative_to(out).parts)
    ]


def _replace(path: Path, text: str) -> None:
    """A new file renamed over ``path``: a link there is replaced, never written through."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
    ) as handle:
        handle.write(text)
    try:
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, path)
    except OSError:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except FileNotFoundError:
        return None


def _lexists(path: Path) -> bool:
    return _lstat(path) is not None
