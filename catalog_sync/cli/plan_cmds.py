"""Catalog-vs-live commands: plan (apply and drift join it)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import click

from catalog_sync.catalog import load_catalog
from catalog_sync.cli.api_options import ApiOptions, api_options, print_metrics, resolve_settings
from catalog_sync.cli.common import EXIT_CHANGES, EXIT_ERROR, EXIT_OK, CliState, handle_errors
from catalog_sync.plan.build import plan_against
from catalog_sync.plan.model import Plan
from catalog_sync.plan.planfile import plan_json, write_plan
from catalog_sync.render.diagnostics import render_text as render_diagnostics
from catalog_sync.render.plan_github import render_github
from catalog_sync.render.plan_markdown import render_markdown
from catalog_sync.render.plan_text import render_text

__all__ = ["commands", "plan"]

PLAN_FORMATS = ("text", "markdown", "json", "github")


@click.command()
@click.argument("path", default=".", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Save the plan here for `catalog-sync apply PLAN`.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(PLAN_FORMATS),
    default="text",
    show_default=True,
    help="text for people, markdown for a PR comment, json for tools, github for Actions.",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when there is nothing to change, 2 when there are changes, 1 on error.",
)
@api_options
@click.pass_obj
@handle_errors
def plan(
    state: CliState,
    api: ApiOptions,
    path: Path,
    out: Path | None,
    output_format: str,
    detailed_exitcode: bool,
) -> None:
    """Show what apply would change in the live catalog to match the files at PATH."""
    loaded = load_catalog(path)
    if loaded.warnings:
        click.echo(render_diagnostics(loaded.warnings), err=True, nl=False)
    settings = resolve_settings(api)
    result, metrics = asyncio.run(plan_against(path.as_posix(), loaded, settings))
    print_metrics(state, metrics)
    click.echo(render_plan(result, output_format), nl=False)
    if output_format == "github":
        _write_step_summary(result)
    if out is not None:
        write_plan(result, out)
        click.echo(f"plan saved to {out.as_posix()}", err=True)
    if detailed_exitcode and result.has_changes:
        raise SystemExit(EXIT_CHANGES)
    raise SystemExit(EXIT_OK)


def render_plan(result: Plan, output_format: str) -> str:
    if output_format == "json":
        return plan_json(result)
    if output_format == "markdown":
        return render_markdown(result)
    if output_format == "github":
        return render_github(result)
    colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    return render_text(result, colour=colour)


def _write_step_summary(result: Plan) -> None:
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary_file:
        return
    try:
        with open(summary_file, "a", encoding="utf-8") as handle:
            handle.write(render_markdown(result))
    except OSError as error:
        click.echo(f"error: cannot write GITHUB_STEP_SUMMARY: {error.strerror}", err=True)
        raise SystemExit(EXIT_ERROR) from None


commands: list[click.Command] = [plan]
