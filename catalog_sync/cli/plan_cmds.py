"""Catalog-vs-live commands: plan and apply (drift joins them)."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from catalog_sync.apply import (
    ApplyListener,
    ApplyOptions,
    ApplyReport,
    apply_plan,
    check_safety,
    last_run,
)
from catalog_sync.catalog import LoadedCatalog, catalog_digest, load_catalog
from catalog_sync.cli.api_options import ApiOptions, api_options, print_metrics, resolve_settings
from catalog_sync.cli.common import EXIT_CHANGES, EXIT_ERROR, EXIT_OK, CliState, handle_errors
from catalog_sync.cloudmore import ApiSettings, ClientMetrics, open_read_write
from catalog_sync.errors import ApplyError, ConfigError
from catalog_sync.plan.build import plan_against, target_of
from catalog_sync.plan.model import Plan
from catalog_sync.plan.planfile import plan_json, read_plan, write_plan
from catalog_sync.render.apply_json import render_json as render_report_json
from catalog_sync.render.apply_progress import LineProgress, LiveProgress
from catalog_sync.render.apply_text import render_previous_run, render_report
from catalog_sync.render.diagnostics import render_text as render_diagnostics
from catalog_sync.render.plan_github import render_github
from catalog_sync.render.plan_markdown import render_markdown
from catalog_sync.render.plan_text import render_text
from catalog_sync.render.plan_values import summary_line

__all__ = ["apply", "commands", "plan"]

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


@click.command()
@click.argument("path", default=".", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Apply without asking (needed without a terminal).")
@click.option(
    "--force",
    is_flag=True,
    help="Apply although the plan crosses a safety threshold (never lifts protect).",
)
@click.option(
    "--fail-fast",
    is_flag=True,
    help="Start no new change after the first failure (default: run everything independent).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="The report's format; progress and the plan go to stderr with json.",
)
@api_options
@click.pass_obj
@handle_errors
def apply(
    state: CliState,
    api: ApiOptions,
    path: Path,
    yes: bool,
    force: bool,
    fail_fast: bool,
    output_format: str,
) -> None:
    """Make the live catalog match: PATH is a saved plan (*.json) or a catalog directory.

    A saved plan is applied exactly as reviewed, or refused when anything it touches moved.
    A catalog directory is planned, the plan shown, and applied once confirmed.
    """
    settings = resolve_settings(api)
    previous = last_run()
    if previous is not None and not previous.finished:
        click.echo(render_previous_run(previous), err=True, nl=False)

    digest_now: str | None = None
    if path.is_file() and (path.suffix == ".json" or _looks_like_a_plan(path)):
        to_apply = read_plan(path)
        click.echo(f"applying the saved plan {path.as_posix()}: {summary_line(to_apply)}", err=True)
    else:
        loaded = _load(path)
        to_apply, metrics = asyncio.run(plan_against(path.as_posix(), loaded, settings))
        print_metrics(state, metrics)
        # With --format json, stdout carries the report alone; the plan goes to stderr.
        to_stderr = output_format == "json"
        stream = sys.stderr if to_stderr else sys.stdout
        colour = stream.isatty() and "NO_COLOR" not in os.environ
        click.echo(render_text(to_apply, colour=colour), nl=False, err=to_stderr)
        if to_apply.has_changes:
            check_safety(to_apply, force=force)
            _confirm(to_apply, yes)
            # The files may have changed while the question was on screen: their bytes say so
            # without a second parse.
            digest_now = catalog_digest(path)

    if not to_apply.has_changes:
        click.echo("No changes: the live catalog already matches. Nothing to apply.", err=True)
        if output_format == "json":
            now = datetime.now(UTC)
            nothing = ApplyReport(
                target=to_apply.target, catalog=to_apply.catalog, started_at=now, finished_at=now
            )
            click.echo(render_report_json(nothing), nl=False)
        raise SystemExit(EXIT_OK)

    options = ApplyOptions(
        force=force,
        fail_fast=fail_fast,
        parallelism=settings.parallelism,
        catalog_digest=digest_now,
    )
    report, metrics = _run_apply(to_apply, settings, options)
    print_metrics(state, metrics)
    if output_format == "json":
        click.echo(render_report_json(report), nl=False)
    else:
        click.echo(render_report(report, colour=_colour()), nl=False)
    if not report.ok:
        raise ApplyError(_incomplete(report))
    raise SystemExit(EXIT_OK)


def _load(path: Path) -> LoadedCatalog:
    if path.suffix == ".json" and not path.exists():
        raise ConfigError(f"{path.as_posix()}: no such plan file")
    loaded = load_catalog(path)
    if loaded.warnings:
        click.echo(render_diagnostics(loaded.warnings), err=True, nl=False)
    return loaded


def _confirm(to_apply: Plan, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise ConfigError(
            "refusing to apply without confirmation: there is no terminal to ask on; "
            "review the plan above and pass --yes (or apply a saved plan: "
            "`catalog-sync plan --out plan.json`, then `catalog-sync apply plan.json`)"
        )
    target = to_apply.target
    question = (
        f"Apply {len(to_apply.changes)} change(s) to {target.api_url} (seller {target.seller_id})?"
    )
    if not click.confirm(question, default=False, err=True):
        click.echo("Not applied: nothing was changed.", err=True)
        raise SystemExit(EXIT_ERROR)


def _run_apply(
    to_apply: Plan, settings: ApiSettings, options: ApplyOptions
) -> tuple[ApplyReport, ClientMetrics]:
    async def run(listener: ApplyListener) -> tuple[ApplyReport, ClientMetrics]:
        async with open_read_write(settings) as client:
            report = await apply_plan(to_apply, client, target_of(settings), options, listener)
            return report, client.metrics

    if sys.stderr.isatty():
        with LiveProgress(sys.stderr) as live:
            return asyncio.run(run(live))
    return asyncio.run(run(LineProgress(lambda line: click.echo(line, err=True))))


def _incomplete(report: ApplyReport) -> str:
    counts = report.counts
    parts = [f"{count} {outcome.value.replace('_', ' ')}" for outcome, count in counts.items()]
    if report.mismatches:
        parts.append(f"{len(report.mismatches)} verification difference(s)")
    if report.verify_error:
        parts.append("verification could not run")
    return "apply did not complete (" + ", ".join(parts) + "); see the report above"


def _colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _looks_like_a_plan(path: Path) -> bool:
    """A saved plan under another name: a JSON object that names its formatVersion."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return head.lstrip().startswith(b"{") and b'"formatVersion"' in head


commands: list[click.Command] = [plan, apply]
