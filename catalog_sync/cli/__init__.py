"""The click CLI: a thin layer that parses, calls one core function, renders and exits.

Each command area lives in its own module and exports ``commands``; this module only
assembles them into the ``catalog-sync`` group, by name: a command's module (and the core it
imports: the HTTP client, the emulator, rich) is imported only when that command runs, so
``--version`` and the pre-commit hooks (``validate``, ``fmt``) start quickly
(docs/contracts.md, "Start-up").
"""

from __future__ import annotations

import gc

import click

from catalog_sync import __version__
from catalog_sync.cli.common import CliState
from catalog_sync.cli.conventions import (
    LOG_LEVEL_HELP,
    LOG_LEVELS,
    NO_COLOR_HELP,
    VERBOSE_HELP,
    CatalogSyncGroup,
    configure_logging,
)

__all__ = ["COMMAND_MODULES", "main", "run"]

COMMAND_MODULES = {
    "validate": "catalog_sync.cli.catalog_cmds",
    "schema": "catalog_sync.cli.catalog_cmds",
    "emulator": "catalog_sync.cli.emulator_cmds",
    "doctor": "catalog_sync.cli.api_cmds",
    "target": "catalog_sync.cli.api_cmds",
    "plan": "catalog_sync.cli.plan_cmds",
    "apply": "catalog_sync.cli.plan_cmds",
    "show": "catalog_sync.cli.review_cmds",
    "drift": "catalog_sync.cli.review_cmds",
    "export": "catalog_sync.cli.files_cmds",
    "fmt": "catalog_sync.cli.files_cmds",
    "journal": "catalog_sync.cli.journal_cmds",
}
"""Each command's module, whose ``commands`` list holds it (a test keeps the two in step)."""


@click.group(
    cls=CatalogSyncGroup,
    lazy_commands=COMMAND_MODULES,
    # Every option with a default shows it in its help.
    context_settings={"help_option_names": ["-h", "--help"], "show_default": True},
)
@click.version_option(__version__, prog_name="catalog-sync")
@click.option("-v", "--verbose", is_flag=True, help=VERBOSE_HELP)
@click.option(
    "--log-level",
    type=click.Choice(LOG_LEVELS, case_sensitive=False),
    default="warning",
    envvar="CATALOG_SYNC_LOG_LEVEL",
    help=LOG_LEVEL_HELP,
)
@click.option("--no-color", is_flag=True, help=NO_COLOR_HELP)
@click.pass_context
def main(ctx: click.Context, verbose: bool, log_level: str, no_color: bool) -> None:
    """Manage a Cloudmore seller catalog as code: validate, plan, apply, detect drift.

    The options above work after the command too (`catalog-sync plan --verbose`).
    """
    configure_logging(log_level)
    ctx.obj = CliState(verbose=verbose, no_color=no_color)


def run() -> None:
    """The ``catalog-sync`` command: the CLI as a process of its own."""
    _collect_rarely()
    main()


def _collect_rarely() -> None:
    # A plan holds hundreds of thousands of objects for its whole run (the files' data, the
    # models, two graphs, the wire objects), and at Python's default thresholds the cyclic
    # collector re-scans them again and again: a third of loading 10,000 resources
    # (docs/benchmarks.md). What is imported by now lives as long as the process, so it is
    # never scanned again, and young objects are collected a hundred times less often;
    # reference counting still frees everything that is not a cycle at once.
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
