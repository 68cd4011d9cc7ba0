"""Catalog-vs-live commands: plan and apply (drift joins them)."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import ParamSpec, TypeVar

import click

from catalog_sync.address_pattern import pattern_kind
from catalog_sync.apply import (
    JOURNAL_DIR,
    ApplyListener,
    ApplyOptions,
    ApplyReport,
    Interruption,
    apply_plan,
    check_safety,
    last_run,
    nothing_applied,
)
from catalog_sync.apply.lock import lock_directory
from catalog_sync.catalog import LoadedCatalog, catalog_digest, load_catalog
from catalog_sync.catalog.loader import CATALOG_SUFFIXES
from catalog_sync.catalog.roots import find_catalog
from catalog_sync.cli.api_options import ApiOptions, api_options, print_metrics, resolve_settings
from catalog_sync.cli.apply_interrupt import Abandoned, run_interruptibly
from catalog_sync.cli.common import (
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    CliState,
    echo_diagnostics,
    handle_errors,
    run_async,
)
from catalog_sync.cli.conventions import use_colour
from catalog_sync.cloudmore import ApiSettings, ClientMetrics, open_read_write
from catalog_sync.errors import ApplyError, CatalogSyncError, ConfigError, PlanFileError
from catalog_sync.plan.build import plan_against, refuse_unset_secrets, target_of
from catalog_sync.plan.freshness import max_plan_age
from catalog_sync.plan.model import Plan
from catalog_sync.plan.planfile import plan_json, read_plan, write_plan
from catalog_sync.plan.signing import plan_key
from catalog_sync.render.apply_json import render_json as render_report_json
from catalog_sync.render.apply_markdown import render_markdown as render_report_markdown
from catalog_sync.render.apply_progress import LineProgress, LiveProgress
from catalog_sync.render.apply_text import render_previous_notice, render_report
from catalog_sync.render.plan_failure import render_failure_github, render_failure_markdown
from catalog_sync.render.plan_github import (
    render_github,
    render_github_outputs,
    render_github_summary,
)
from catalog_sync.render.plan_markdown import render_markdown
from catalog_sync.render.plan_text import render_text
from catalog_sync.render.plan_values import summary_line
from catalog_sync.render.timings import render_timings
from catalog_sync.safe_files import shared_directory_warning
from catalog_sync.timings import recording, timed

__all__ = ["apply", "commands", "plan"]

P = ParamSpec("P")
R = TypeVar("R")

PLAN_FORMATS = ("text", "markdown", "json", "github")
# Set (to anything) to have plan print how long each phase took on stderr (docs/benchmarks.md).
TIMINGS_ENV = "CATALOG_SYNC_TIMINGS"


def plan_format_option(help_text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """``--format`` of the commands that show a plan (or a report like one)."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(PLAN_FORMATS),
        default="text",
        help=help_text,
    )


def _patterns(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    for pattern in value:
        try:
            pattern_kind(pattern)
        except ValueError as error:
            raise click.BadParameter(str(error)) from None
    return value


rotate_option = click.option(
    "--rotate",
    multiple=True,
    metavar="PATTERN",
    callback=_patterns,
    help='Update the objects an address pattern matches (service["*"].webhook["*"]) to send '
    "their write-only secrets again: a rotated secret's new value. Repeatable.",
)


def failure_reported(func: Callable[P, R]) -> Callable[P, R]:
    """A failed plan still reaches the pull request: annotations at the catalog lines, and
    the Markdown the workflow posts as the comment (docs/contracts.md, "A failing plan");
    the error itself goes on to handle_errors (stderr, exit 1)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except CatalogSyncError as error:
            path, output_format, markdown_out = (
                kwargs["path"],
                kwargs["output_format"],
                kwargs["markdown_out"],
            )
            assert path is None or isinstance(path, Path)
            assert isinstance(output_format, str)
            assert markdown_out is None or isinstance(markdown_out, Path)
            if output_format == "github" or markdown_out is not None:
                _tell_failure(error, _catalog_of(path), output_format, markdown_out)
            raise

    return wrapper


def _catalog_of(path: Path | None) -> Path:
    """The catalog path a plan names (its comment's marker), resolved as plan resolves it; the
    path as given (or `.`) when there is none, which is then the error reported."""
    try:
        return find_catalog(path)
    except CatalogSyncError:
        return path or Path(".")


def _tell_failure(
    error: CatalogSyncError, path: Path, output_format: str, markdown_out: Path | None
) -> None:
    body = render_failure_markdown(path.as_posix(), error, commit=commit_sha())
    if output_format == "github":
        click.echo(render_failure_github(error), nl=False)
        write_step_summary(body)
    if markdown_out is not None:
        _write_markdown(markdown_out, body)


def _write_markdown(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot write {path.as_posix()}: {error.strerror}") from None


@click.command(short_help="Show what apply would change in the live catalog.")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Save the plan here for `catalog-sync apply PLAN`.",
)
@plan_format_option(
    "text for people, markdown for a PR comment, json for tools, github for Actions."
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when there is nothing to change, 2 when there are changes, 1 on error.",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path),
    help="The catalog as on the base branch: marks each change introduced or pre-existing.",
)
@rotate_option
@click.option(
    "--markdown-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the Markdown plan here, for a pull-request comment; when the plan "
    "fails, a short Markdown report of why (same hidden marker), so the comment says so.",
)
@api_options
@click.pass_obj
@handle_errors
@failure_reported
def plan(
    state: CliState,
    api: ApiOptions,
    path: Path | None,
    out: Path | None,
    output_format: str,
    detailed_exitcode: bool,
    baseline: Path | None,
    rotate: tuple[str, ...],
    markdown_out: Path | None,
) -> None:
    """Show what apply would change in the live catalog to match the files at PATH.

    PATH is the catalog directory (or one catalog file). Without it: the catalog the working
    directory is in (catalog.yaml here or above), or the one a [tool.catalog-sync] section of
    pyproject.toml names.

    When the plan fails, --format github writes ::error annotations at the catalog lines and
    the failure's Markdown to the job summary (and --markdown-out), then exits 1.
    """
    path = find_catalog(path)
    key = plan_key(os.environ)
    with recording(bool(os.environ.get(TIMINGS_ENV))) as timings:
        with timed("load files"):
            loaded = load_catalog(path)
            # A base catalog's problems name its own files, so they read as the base branch's.
            # Found as PATH is: a base checkout's root stands for the catalog it configures.
            base = load_catalog(find_catalog(baseline)) if baseline is not None else None
        echo_diagnostics(loaded.warnings)
        result = planned(state, path, loaded, resolve_settings(api), baseline=base, rotate=rotate)
        colour = use_colour(sys.stdout, state)
        with timed("render"):
            rendered = render_plan(result, output_format, colour=colour, key=key)
        # color=: click would strip the codes from a pipe, which FORCE_COLOR asks to keep.
        click.echo(rendered, nl=False, color=colour)
    click.echo(render_timings(timings.timings()), err=True, nl=False)
    if output_format == "github":
        write_step_summary(render_github_summary(result, commit=commit_sha()))
        write_step_outputs(result)
    if out is not None:
        write_plan(result, out, key)
        signed = " (signed with CATALOG_SYNC_PLAN_KEY)" if key is not None else ""
        click.echo(f"plan saved to {out.as_posix()}{signed}", err=True)
    if markdown_out is not None:
        _write_markdown(markdown_out, render_markdown(result, commit=commit_sha()))
    if detailed_exitcode and result.has_changes:
        raise SystemExit(EXIT_CHANGES)
    raise SystemExit(EXIT_OK)


def render_plan(
    result: Plan, output_format: str, *, colour: bool = False, key: bytes | None = None
) -> str:
    if output_format == "json":
        return plan_json(result, key)
    if output_format == "markdown":
        return render_markdown(result, commit=commit_sha())
    if output_format == "github":
        return render_github(result)
    return render_text(result, colour=colour)


def commit_sha() -> str | None:
    """The commit a workflow runs for, named in Markdown plans."""
    return os.environ.get("GITHUB_SHA") or None


def write_step_summary(markdown: str) -> None:
    """Append to the job summary when running in GitHub Actions."""
    _append_to("GITHUB_STEP_SUMMARY", markdown)


def write_step_outputs(result: Plan) -> None:
    """Append the plan's change classes to the step's outputs when running in GitHub Actions."""
    _append_to("GITHUB_OUTPUT", render_github_outputs(result))


def _append_to(variable: str, text: str) -> None:
    path = os.environ.get(variable)
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        click.echo(f"error: cannot write {variable}: {error.strerror}", err=True)
        raise SystemExit(EXIT_ERROR) from None


@click.command(short_help="Make the live catalog match the files or a saved plan.")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Apply without asking (needed without a terminal).")
@click.option(
    "--force",
    is_flag=True,
    help="Apply although the plan crosses a safety threshold (never lifts protect).",
)
@click.option(
    "--allow-reset",
    is_flag=True,
    help="Update objects although their live read lacks fields the contract says they have: "
    'the PUT resets those fields to their create defaults (docs/contracts.md, "Unreadable '
    'fields"). --force does not lift this.',
)
@click.option(
    "--fail-fast",
    is_flag=True,
    help="Start no new change after the first failure (default: run everything independent).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("text", "json", "markdown")),
    default="text",
    help="The report's format (markdown: for a job summary); progress and the plan go to "
    "stderr with json and markdown.",
)
@rotate_option
@api_options
@click.pass_obj
@handle_errors
def apply(
    state: CliState,
    api: ApiOptions,
    path: Path,
    yes: bool,
    force: bool,
    allow_reset: bool,
    fail_fast: bool,
    output_format: str,
    rotate: tuple[str, ...],
) -> None:
    """Make the live catalog match: PATH is a saved plan (*.json) or a catalog directory.

    A saved plan is applied exactly as reviewed, or refused when anything it touches moved.
    A catalog directory is planned, the plan shown, and applied once confirmed. Without PATH:
    the catalog the working directory is in, or the one pyproject.toml names (as for plan).

    Ctrl-C stops starting changes and waits for the requests in flight; a second Ctrl-C
    abandons them. Either way the journal is written and the report says what was done.
    """
    # The arguments are read before the settings, so a bad plan or catalog is reported as
    # such wherever the credentials are missing.
    path = find_catalog(path)
    digest_now: str | None = None
    if path.is_file() and path.suffix not in CATALOG_SUFFIXES:
        if rotate:
            raise ConfigError(
                "--rotate shapes a new plan: give it to `plan --out` (a saved plan already "
                "says what it writes)"
            )
        to_apply = read_plan(path, key=plan_key(os.environ), max_age=max_plan_age(os.environ))
        refuse_unset_secrets(to_apply)
        settings = resolve_settings(api)
        _tell_previous_run(settings)
        click.echo(f"applying the saved plan {path.as_posix()}: {summary_line(to_apply)}", err=True)
        _tell_emulator(settings)
    else:
        loaded = _load(path)
        settings = resolve_settings(api)
        _tell_previous_run(settings)
        to_apply = planned(state, path, loaded, settings, rotate=rotate)
        # With --format json, stdout carries the report alone; the plan goes to stderr.
        to_stderr = output_format != "text"
        stream = sys.stderr if to_stderr else sys.stdout
        colour = use_colour(stream, state)
        click.echo(render_text(to_apply, colour=colour), nl=False, err=to_stderr, color=colour)
        if to_apply.has_changes:
            check_safety(to_apply, force=force, allow_reset=allow_reset)
            _tell_emulator(settings)
            _confirm(to_apply, yes)
            # The files may have changed while the question was on screen: their bytes say so
            # without a second parse.
            digest_now = catalog_digest(path)

    if not to_apply.has_changes:
        click.echo("No changes: the live catalog already matches. Nothing to apply.", err=True)
        if output_format != "text":
            click.echo(_render_report(nothing_applied(to_apply), output_format), nl=False)
        raise SystemExit(EXIT_OK)

    options = ApplyOptions(
        force=force,
        allow_reset=allow_reset,
        fail_fast=fail_fast,
        parallelism=settings.parallelism,
        catalog_digest=digest_now,
    )
    ran = _run_apply(to_apply, settings, options, state)
    if isinstance(ran, Abandoned):
        click.echo(ran.message, err=True)
        raise SystemExit(EXIT_INTERRUPTED)
    report, metrics = ran
    print_metrics(state, metrics)
    colour = use_colour(sys.stdout, state)
    click.echo(_render_report(report, output_format, colour=colour), nl=False, color=colour)
    if report.interrupted:
        # The report above has just given the counts.
        click.echo("error: apply was interrupted (Ctrl-C); see the report above", err=True)
        raise SystemExit(EXIT_INTERRUPTED)
    if not report.ok:
        raise ApplyError(_incomplete(report))
    raise SystemExit(EXIT_OK)


def _render_report(report: ApplyReport, output_format: str, *, colour: bool = False) -> str:
    if output_format == "json":
        return render_report_json(report)
    if output_format == "markdown":
        return render_report_markdown(report, commit=commit_sha())
    return render_report(report, colour=colour)


def _load(path: Path) -> LoadedCatalog:
    if path.suffix == ".json" and not path.exists():
        raise PlanFileError(f"{path.as_posix()}: no such plan file")
    loaded = load_catalog(path)
    echo_diagnostics(loaded.warnings)
    return loaded


def planned(
    state: CliState | None,
    path: Path,
    loaded: LoadedCatalog,
    settings: ApiSettings,
    *,
    baseline: LoadedCatalog | None = None,
    writes: bool = True,
    rotate: tuple[str, ...] = (),
    all_customers: bool = False,
) -> Plan:
    """The plan of the files at ``path`` against the live catalog; its warnings and (with
    --verbose) the requests' metrics go to stderr. ``writes``: a plan to apply (not a drift
    report), so a secret it would send must be set (CS409)."""
    result, metrics, warnings = run_async(
        plan_against(
            path.as_posix(),
            loaded,
            settings,
            baseline=baseline,
            rotate=rotate,
            all_customers=all_customers,
        )
    )
    echo_diagnostics(warnings)
    print_metrics(state, metrics)
    if writes:
        refuse_unset_secrets(result)
    return result


def _tell_previous_run(settings: ApiSettings) -> None:
    """One line when the last apply against this target did not complete (once this run's
    own arguments have been checked): the journal has the details. And one line for each of
    the lock's and the journals' directories that other users could plant files in."""
    for directory, what in ((lock_directory(), "apply lock"), (JOURNAL_DIR, "apply journal")):
        warning = shared_directory_warning(directory, what)
        if warning is not None:
            click.echo(warning, err=True)
    previous = last_run(target=target_of(settings))
    if previous is not None and previous.incomplete:
        click.echo(render_previous_notice(previous), err=True, nl=False)


def _tell_emulator(settings: ApiSettings) -> None:
    """On the line before apply asks or proceeds: the changes go to the built-in emulator's
    demo data, not to Cloudmore (the note at start-up may have scrolled away with the plan)."""
    if settings.embedded:
        click.echo(
            f"note: applying to the built-in emulator (demo data in "
            f"{settings.embedded_state_file}), not to Cloudmore",
            err=True,
        )


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
    to_apply: Plan, settings: ApiSettings, options: ApplyOptions, state: CliState | None
) -> tuple[ApplyReport, ClientMetrics] | Abandoned:
    settings = settings.for_side(to_apply.target.side)

    async def work(
        listener: ApplyListener, interruption: Interruption
    ) -> tuple[ApplyReport, ClientMetrics]:
        async with open_read_write(settings) as client:
            report = await apply_plan(
                to_apply,
                client,
                target_of(settings),
                replace(options, interruption=interruption),
                listener,
            )
            return report, client.metrics

    if sys.stderr.isatty():
        with LiveProgress(sys.stderr, no_color=not use_colour(sys.stderr, state)) as live:
            return run_async(run_interruptibly(work, live, live.note))
    lines = LineProgress(lambda line: click.echo(line, err=True))
    return run_async(run_interruptibly(work, lines, lines.note))


def _incomplete(report: ApplyReport) -> str:
    counts = report.counts
    parts = [f"{count} {outcome.value.replace('_', ' ')}" for outcome, count in counts.items()]
    if report.mismatches:
        parts.append(f"{len(report.mismatches)} verification difference(s)")
    if report.verify_error:
        parts.append("verification could not run")
    return "apply did not complete (" + ", ".join(parts) + "); see the report above"


commands: list[click.Command] = [plan, apply]
