"""Catalog commands: validate, schema."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from catalog_sync.catalog import load_catalog
from catalog_sync.catalog.roots import catalog_targets, configured_catalogs
from catalog_sync.cli.api_options import ApiOptions, api_options, print_metrics, resolve_settings
from catalog_sync.cli.common import EXIT_ERROR, EXIT_OK, CliState, handle_errors, run_async
from catalog_sync.diagnostics import Diagnostic, Severity
from catalog_sync.errors import CatalogError
from catalog_sync.plan.names import NAMES_CHECKED_ONLINE, check_names
from catalog_sync.render.diagnostics import FORMATS
from catalog_sync.schemas import SCHEMA_DIR, generated_schemas

__all__ = ["commands", "schema", "validate"]


@click.command(short_help="Check the catalog files and report every problem.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(FORMATS)),
    default="text",
    help="text for people, json for tools, github for workflow annotations.",
)
@click.option(
    "--online",
    is_flag=True,
    help="Also resolve category, region, template, custom property and broker names against "
    "Cloudmore.",
)
@api_options
@click.pass_obj
@handle_errors
def validate(
    state: CliState | None,
    api: ApiOptions,
    paths: tuple[Path, ...],
    strict: bool,
    output_format: str,
    online: bool,
) -> None:
    """Check the catalog at each PATH and report every problem.

    PATH is a catalog directory (default: the catalog the working directory is in, or the one
    a [tool.catalog-sync] section of pyproject.toml names) or catalog files, as a pre-commit
    hook passes them: each file is
    checked with its catalog's root catalog.yaml; a YAML file outside any catalog (no
    catalog.yaml above it) is skipped.

    A problem that is an error fails validate (exit 1); with --strict a warning fails it too.
    """
    diagnostics: list[Diagnostic] = []
    settings = resolve_settings(api) if online else None
    for target in catalog_targets(paths):
        if target.skipped:
            if state is not None and state.verbose:
                click.echo(f"{target.path.as_posix()}: not in a catalog; skipped", err=True)
            continue
        try:
            loaded = target.load()
        except CatalogError as error:
            diagnostics += error.diagnostics
            continue
        diagnostics += loaded.warnings
        if settings is not None:
            try:
                print_metrics(state, run_async(check_names(loaded.catalog, settings)))
            except CatalogError as error:
                diagnostics += error.diagnostics
    diagnostics.sort(key=Diagnostic.sort_key)
    output = FORMATS[output_format](diagnostics)
    if output:
        click.echo(output, nl=False)
    if not online:
        click.echo(
            f"note: {NAMES_CHECKED_ONLINE} were not checked: `validate --online` checks them",
            err=True,
        )
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


@click.command(short_help="List the catalogs [tool.catalog-sync] names, as JSON for a matrix.")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--targets",
    is_flag=True,
    help="Add each catalog's credentials (the prefix of its variables and secrets, from "
    "CATALOG_SYNC_CREDENTIALS, default CLOUDMORE), its target's key, from the variables in "
    "CATALOG_SYNC_VARIABLES (JSON, a workflow's toJSON(vars)), and its name in artifacts; no "
    "secret is read.",
)
@handle_errors
def catalogs(directory: Path, targets: bool) -> None:
    """Print the catalogs the [tool.catalog-sync] section of DIRECTORY/pyproject.toml names
    (`catalogs = [...]`, globs allowed, and `catalog`), one JSON array of
    `{"catalog": PATH, "side": "seller" | "broker"}` (with --targets also `credentials`,
    `key` and `name`, the catalog's name in artifacts): a workflow's matrix runs each in a
    job of its own, in the concurrency group of its target's key (docs/broker.md, "Several
    catalogs in one repository")."""
    # Here, not at the top: validate, run on every commit, must not import the HTTP client.
    from catalog_sync.cli.targets import catalog_target

    found: list[dict[str, str]] = []
    # No section: DIRECTORY itself, when it is a catalog.
    for path in configured_catalogs(directory) or [directory]:
        side = load_catalog(path).catalog.settings.side
        entry = {"catalog": path.as_posix(), "side": side}
        if targets:
            entry.update(catalog_target(entry["catalog"], side, os.environ))
        found.append(entry)
    click.echo(json.dumps(found))


commands: list[click.Command] = [validate, schema, catalogs]
