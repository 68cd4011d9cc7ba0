"""Commands for review and monitoring: show (a saved plan, in any format) and drift."""

from __future__ import annotations

import os
from pathlib import Path

import click

from catalog_sync.catalog import load_catalog
from catalog_sync.catalog.roots import find_catalog
from catalog_sync.cli.api_options import ApiOptions, api_options, resolve_settings
from catalog_sync.cli.common import EXIT_CHANGES, EXIT_OK, CliState, echo_diagnostics, handle_errors
from catalog_sync.cli.plan_cmds import (
    commit_sha,
    plan_format_option,
    planned,
    render_plan,
    write_step_outputs,
    write_step_summary,
)
from catalog_sync.drift import DriftReport, drift_of
from catalog_sync.errors import PlanFileError
from catalog_sync.plan.planfile import read_plan
from catalog_sync.plan.signing import plan_key
from catalog_sync.render import drift as drift_render
from catalog_sync.render.plan_markdown import render_markdown

__all__ = ["commands", "drift", "show"]


@click.command()
@click.argument("plan_file", metavar="PLAN.json", type=click.Path(path_type=Path))
@plan_format_option("text, markdown (a PR comment), json, or github (annotations and job summary).")
@handle_errors
def show(plan_file: Path, output_format: str) -> None:
    """Render a saved plan without reading live state again.

    With CATALOG_SYNC_PLAN_KEY set, only a plan signed with it is shown.
    """
    key = plan_key(os.environ)
    saved = read_plan(plan_file, key=key)
    click.echo(render_plan(saved, output_format, key=key), nl=False)
    if output_format == "github":
        write_step_summary(render_markdown(saved, commit=commit_sha()))
        write_step_outputs(saved)
    raise SystemExit(EXIT_OK)


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@plan_format_option("text for logs, markdown for an issue, json for tools, github for Actions.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also save the JSON report (with its digest) here.",
)
@api_options
@click.pass_obj
@handle_errors
def drift(
    state: CliState, api: ApiOptions, path: Path | None, output_format: str, out: Path | None
) -> None:
    """Compare the live catalog with the files at PATH, changing nothing.

    Lists fields that differ (both values), objects the files have and live lacks, and live
    objects the files do not describe. Exits 0 without drift, 2 with drift, 1 on error.
    Without PATH: the catalog the working directory is in, or the one pyproject.toml names.
    """
    path = find_catalog(path)
    loaded = load_catalog(path)
    echo_diagnostics(loaded.warnings)
    report = drift_of(planned(state, path, loaded, resolve_settings(api), writes=False))
    click.echo(_render(report, output_format), nl=False)
    if output_format == "github":
        write_step_summary(drift_render.render_markdown(report))
    if out is not None:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(drift_render.render_json(report), encoding="utf-8")
        except OSError as error:
            raise PlanFileError(
                f"{out.as_posix()}: cannot write the report: {error.strerror}"
            ) from None
    raise SystemExit(EXIT_CHANGES if report.drifted else EXIT_OK)


def _render(report: DriftReport, output_format: str) -> str:
    if output_format == "json":
        return drift_render.render_json(report)
    if output_format == "markdown":
        return drift_render.render_markdown(report)
    if output_format == "github":
        return drift_render.render_github(report)
    return drift_render.render_text(report)


commands: list[click.Command] = [show, drift]
