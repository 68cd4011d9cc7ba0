"""Commands that write catalog files: export (from live state) and fmt (canonical layout)."""

from __future__ import annotations

from pathlib import Path

import click

from catalog_sync.catalog.loader import load_catalog_files
from catalog_sync.catalog.roots import find_catalog
from catalog_sync.cli.api_options import ApiOptions, api_options, print_metrics, resolve_settings
from catalog_sync.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    CliState,
    echo_diagnostics,
    handle_errors,
    run_async,
)
from catalog_sync.errors import CatalogError, ConfigError
from catalog_sync.export_files import MANIFEST, write_export
from catalog_sync.fmt import FileStatus, format_paths, write_formatted
from catalog_sync.kinds import Side
from catalog_sync.schemas import generated_schemas

__all__ = ["commands", "export", "fmt"]


@click.command()
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    help="The directory to write the catalog into (must be empty unless --force); default: "
    "the catalog the working directory is in, or the one pyproject.toml names.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Write into a non-empty directory: replace the files an earlier export wrote "
    f"(listed in {MANIFEST}), leave every other file alone.",
)
@click.option(
    "--side",
    type=click.Choice(["seller", "broker"]),
    default="seller",
    show_default=True,
    help="Whose catalog: the seller's, or the broker's of CLOUDMORE_RESELLER_ID (its own "
    "services, its prices of the services it resells, its customers' own prices).",
)
@api_options
@click.pass_obj
@handle_errors
def export(state: CliState, api: ApiOptions, out: Path | None, force: bool, side: Side) -> None:
    """Write the live catalog as catalog files: catalog.yaml, brokers.yaml, services/*.yaml.

    Names replace ids (categories, regions, countries, templates, brokers), so the files read
    like hand-written ones, with each product's and addon's prices in every currency its
    service has; planning them against the same live state plans nothing.
    """
    # Here, not at the top: fmt, in this module, runs on every commit and needs no client.
    from catalog_sync.export import SCHEMA_FILE, export_live

    out = find_catalog(out)
    existing = sorted(p for p in out.rglob("*") if p.is_file()) if out.is_dir() else []
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out.as_posix()}: not a directory")
    if existing and not force:
        raise ConfigError(
            f"{out.as_posix()} is not empty ({len(existing)} file(s)): export into an empty "
            "directory, or pass --force to replace the catalog files an earlier export "
            "wrote in it"
        )
    settings = resolve_settings(api).for_side(side)
    exported, metrics = run_async(export_live(settings))
    print_metrics(state, metrics)
    for note in exported.skipped:
        click.echo(f"warning: not exported: {note}", err=True)

    done = write_export(out, {**exported.files, SCHEMA_FILE: generated_schemas()[SCHEMA_FILE]})
    for name in done.removed:
        click.echo(f"removed {(out / name).as_posix()} (not in the live catalog)", err=True)
    for name in done.kept:
        click.echo(
            f"warning: kept {(out / name).as_posix()}: no export wrote it; delete it if the "
            "live catalog no longer has what it describes",
            err=True,
        )
    click.echo(f"exported {len(exported.files)} file(s) to {out.as_posix()}", err=True)
    try:
        loaded = load_catalog_files(out, done.catalog)
    except CatalogError as error:
        echo_diagnostics(error.diagnostics)
        click.echo(
            "error: the live catalog has values the files cannot hold (above); fix them in "
            "Cloudmore or in the files",
            err=True,
        )
        raise SystemExit(EXIT_ERROR) from None
    echo_diagnostics(loaded.warnings)
    raise SystemExit(EXIT_OK)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--check",
    is_flag=True,
    help="Change nothing; list the files fmt would change and exit 1 if there are any.",
)
@click.option(
    "--diff",
    is_flag=True,
    help="Change nothing; print what fmt would change as a unified diff and exit 1 if it "
    "would change anything (implies --check).",
)
@handle_errors
def fmt(paths: tuple[Path, ...], check: bool, diff: bool) -> None:
    """Rewrite catalog files (PATHS: files or directories) in the canonical layout:
    indentation, quoting of money and codes, key order. Comments are kept.

    Without PATHS: the catalog the working directory is in, or the one pyproject.toml names
    (never every YAML file below the working directory).

    Exit 0 after rewriting files, as formatters do: pre-commit fails its hook by itself when
    the hook changed a file.
    """
    check = check or diff
    results = format_paths(paths or (find_catalog(),))
    broken = [problem for result in results for problem in result.problems]
    changed = [result for result in results if result.status is FileStatus.CHANGED]
    for result in changed:
        if diff:
            click.echo(result.diff(), nl=False)
            continue
        if check:
            click.echo(f"would reformat {result.path.as_posix()}")
            continue
        try:
            write_formatted(result)
        except OSError as error:
            raise ConfigError(f"cannot write {result.path.as_posix()}: {error.strerror}") from None
        click.echo(f"reformatted {result.path.as_posix()}")
    echo_diagnostics(broken)
    checked = sum(1 for r in results if r.status is not FileStatus.SKIPPED)
    verb = "would reformat" if check else "reformatted"
    click.echo(f"{checked} catalog file(s): {len(changed)} {verb}", err=True)
    if broken or (check and changed):
        raise SystemExit(EXIT_ERROR)
    raise SystemExit(EXIT_OK)


commands: list[click.Command] = [export, fmt]
