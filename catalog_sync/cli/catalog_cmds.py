"""Catalog commands: validate, schema."""

from __future__ import annotations

from pathlib import Path

import click

from catalog_sync.catalog import load_catalog
from catalog_sync.cli.common import EXIT_ERROR, EXIT_OK, handle_errors
from catalog_sync.diagnostics import Diagnostic, Severity
from catalog_sync.errors import CatalogError
from catalog_sync.render.diagnostics import FORMATS, render_diagnostics
from catalog_sync.schemas import SCHEMA_DIR, generated_schemas

__all__ = ["commands", "schema", "validate"]


@click.command(short_help="Check the catalog files and report every problem.")
@click.argument("path", default=".", type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(FORMATS)),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for workflow annotations.",
)
@handle_errors
def validate(path: Path, strict: bool, output_format: str) -> None:
    """Check the catalog at PATH (a directory, default .) and report every problem.

    Exits 0 when there is no error (with --strict: no warning either), 1 otherwise.
    """
    diagnostics: tuple[Diagnostic, ...]
    try:
        loaded = load_catalog(path)
    except CatalogError as error:
        diagnostics = error.diagnostics
    else:
        diagnostics = loaded.warnings
    output = render_diagnostics(diagnostics, output_format)
    if output:
        click.echo(output, nl=False)
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    if any(d.severity in failing for d in diagnostics):
        raise SystemExit(EXIT_ERROR)
    raise SystemExit(EXIT_OK)


@click.command(short_help="Write (or check) the JSON Schemas of catalog and plan files.")
@click.option(
    "--check", is_flag=True, help="Exit 1 when a file differs from the models, write nothing."
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=SCHEMA_DIR,
    show_default=True,
    help="Where the schemas live.",
)
@handle_errors
def schema(check: bool, directory: Path) -> None:
    """Write the JSON Schemas of catalog files and plan files, generated from the models."""
    stale = []
    for name, wanted in generated_schemas().items():
        target = directory / name
        if check:
            try:
                current = target.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                current = None
            if current != wanted:
                stale.append(target.as_posix())
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(wanted, encoding="utf-8")
        except OSError as error:
            click.echo(f"error: cannot write {target.as_posix()}: {error.strerror}", err=True)
            raise SystemExit(EXIT_ERROR) from None
        click.echo(f"wrote {target.as_posix()}")
    if stale:
        for path in stale:
            click.echo(
                f"{path} is stale or missing: run `catalog-sync schema` and commit it", err=True
            )
        raise SystemExit(EXIT_ERROR)
    if check:
        click.echo(f"the schemas in {directory.as_posix()} are up to date")


commands: list[click.Command] = [validate, schema]
