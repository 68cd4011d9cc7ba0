"""Catalog commands: validate, schema."""

from __future__ import annotations

from pathlib import Path

import click

from catalog_sync.catalog import load_catalog, render_json_schema
from catalog_sync.catalog.schema import SCHEMA_PATH
from catalog_sync.cli.common import EXIT_ERROR, EXIT_OK, handle_errors
from catalog_sync.diagnostics import Diagnostic, Severity
from catalog_sync.errors import CatalogError
from catalog_sync.render.diagnostics import FORMATS, render_diagnostics

__all__ = ["commands", "schema", "validate"]


@click.command()
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


@click.command()
@click.option(
    "--check", is_flag=True, help="Exit 1 when the file differs from the models, write nothing."
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=SCHEMA_PATH,
    show_default=True,
    help="Where the schema lives.",
)
@handle_errors
def schema(check: bool, output: Path) -> None:
    """Write the JSON Schema of catalog files, generated from the models."""
    wanted = render_json_schema()
    if check:
        try:
            current = output.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if current != wanted:
            click.echo(
                f"{output.as_posix()} is stale or missing: run `catalog-sync schema` and commit it",
                err=True,
            )
            raise SystemExit(EXIT_ERROR)
        click.echo(f"{output.as_posix()} is up to date")
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(wanted, encoding="utf-8")
    except OSError as error:
        click.echo(f"error: cannot write {output.as_posix()}: {error.strerror}", err=True)
        raise SystemExit(EXIT_ERROR) from None
    click.echo(f"wrote {output.as_posix()}")


commands: list[click.Command] = [validate, schema]
