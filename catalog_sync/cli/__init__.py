"""The click CLI: a thin layer that parses, calls one core function, renders and exits.

Each command area lives in its own module and exports ``commands``; this module only
assembles them into the ``catalog-sync`` group.
"""

from __future__ import annotations

import logging

import click

from catalog_sync import __version__
from catalog_sync.cli import (
    api_cmds,
    catalog_cmds,
    emulator_cmds,
    files_cmds,
    plan_cmds,
    review_cmds,
)
from catalog_sync.cli.common import CliState

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="catalog-sync")
@click.option("-v", "--verbose", is_flag=True, help="Show request metrics and more detail.")
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
    default="warning",
    show_default=True,
    envvar="CATALOG_SYNC_LOG_LEVEL",
    help="Logging level for diagnostics on stderr.",
)
@click.pass_context
def main(ctx: click.Context, verbose: bool, log_level: str) -> None:
    """Manage a Cloudmore seller catalog as code: validate, plan, apply, detect drift."""
    level = logging.getLevelName(log_level.upper())
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    if level > logging.INFO:
        # stamina reports every scheduled retry as a warning; a retry is routine, and the
        # request metrics (--verbose) count them.
        logging.getLogger("stamina").setLevel(logging.ERROR)
    ctx.obj = CliState(verbose=verbose)


for _module in (catalog_cmds, emulator_cmds, api_cmds, plan_cmds, review_cmds, files_cmds):
    for _command in _module.commands:
        main.add_command(_command)
