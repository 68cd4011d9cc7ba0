"""What every command does the way users of Terraform, octoDNS and pre-commit expect, given
once here so that a new command gets it by being added to the group (docs/contracts.md):

- a usage error (unknown option, bad choice, extra argument) exits 1, never click's 2, which
  ``--detailed-exitcode`` reserves for "changes present";
- the global options (``-v/--verbose``, ``--log-level``, ``--no-color``) work before and after
  the subcommand;
- every command's help ends with its exit codes, and a command that talks to the API lists
  the ``CLOUDMORE_*`` variables with an example;
- ``catalog-sync --help`` shows each command's summary whole, never cut off with "...";
- a command's module is imported when the command is looked up, not at start-up.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
from collections.abc import Mapping
from dataclasses import replace
from typing import IO, Any

import click

from catalog_sync.cli.common import (
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    CliState,
)

__all__ = [
    "LOG_LEVELS",
    "CatalogSyncGroup",
    "configure_logging",
    "exit_codes_help",
    "use_colour",
]

LOG_LEVELS = ("debug", "info", "warning", "error")

EXIT_2_MEANINGS = {
    # Commands whose 2 is not given by a --detailed-exitcode flag (issue 11: drift exits 2
    # whenever the live catalog drifted).
    "drift": "the live catalog drifted from the files",
}

ENVIRONMENT_HELP = """\b
Environment (flags win over variables):
  CLOUDMORE_API_URL, or CLOUDMORE_ENVIRONMENT (eu)  where the API is
  CLOUDMORE_USERNAME, CLOUDMORE_PASSWORD            the API user
  CLOUDMORE_CLIENT_ID, CLOUDMORE_CLIENT_SECRET      the API client
  CLOUDMORE_SELLER_ID                               whose catalog it is
  CLOUDMORE_PARALLELISM, CLOUDMORE_READ_TIMEOUT, CLOUDMORE_CONNECT_TIMEOUT
With no API set and CI unset, the built-in emulator (demo data) is used.

\b
Example:
  CLOUDMORE_ENVIRONMENT=eu CLOUDMORE_USERNAME=me@example.com \\
  CLOUDMORE_PASSWORD=... CLOUDMORE_CLIENT_SECRET=... \\
  CLOUDMORE_SELLER_ID=3fa85f64-5717-4562-b3fc-2c963f66afa6 catalog-sync {name}"""


def configure_logging(log_level: str) -> None:
    level = logging.getLevelName(log_level.upper())
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", force=True)


def use_colour(stream: IO[str], state: CliState | None) -> bool:
    """Colour by the conventions: ``--no-color`` wins; then ``NO_COLOR`` (set and not empty,
    no-color.org) turns it off; then ``FORCE_COLOR`` (set and not empty) turns it on even
    when piped (CI logs render ANSI); otherwise colour only on a terminal."""
    if state is not None and state.no_color:
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def exit_codes_help(command: click.Command) -> str:
    names = {param.name for param in command.params}
    lines = ["\b", "Exit codes:", f"  {EXIT_OK}    success"]
    if command.name in EXIT_2_MEANINGS:
        lines.append(f"  {EXIT_CHANGES}    {EXIT_2_MEANINGS[command.name]}")
    elif "detailed_exitcode" in names:
        lines.append(f"  {EXIT_CHANGES}    changes present (only with --detailed-exitcode)")
    lines.append(f"  {EXIT_ERROR}    an error, including a usage error such as an unknown option")
    lines.append(f"  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)")
    return "\n".join(lines)


def _turn_on(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    # -v and --no-color: each flag's name is the CliState field it turns on, in the state
    # that every context up to the group shares.
    if not value:
        return
    state = ctx.obj if isinstance(ctx.obj, CliState) else CliState()
    state = replace(state, **{str(param.name): True})
    node: click.Context | None = ctx
    while node is not None:
        node.obj = state
        node = node.parent


def _log_level(_ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        configure_logging(value)


VERBOSE_HELP = "Show request metrics and more detail."
LOG_LEVEL_HELP = "Logging level for diagnostics on stderr [env: CATALOG_SYNC_LOG_LEVEL]."
NO_COLOR_HELP = "Never colour the output (also: NO_COLOR=1; FORCE_COLOR=1 forces colour)."


def _global_options() -> list[click.Parameter]:
    """The group's options again, for after the subcommand: they update the shared state."""
    return [
        click.Option(
            ["-v", "--verbose"],
            is_flag=True,
            expose_value=False,
            callback=_turn_on,
            help=VERBOSE_HELP,
        ),
        click.Option(
            ["--log-level"],
            type=click.Choice(LOG_LEVELS, case_sensitive=False),
            default=None,
            expose_value=False,
            callback=_log_level,
            help=LOG_LEVEL_HELP,
        ),
        click.Option(
            ["--no-color"],
            is_flag=True,
            expose_value=False,
            callback=_turn_on,
            help=NO_COLOR_HELP,
        ),
    ]


def _with_conventions(command: click.Command) -> None:
    taken = {opt for param in command.params for opt in getattr(param, "opts", ())}
    command.params.extend(p for p in _global_options() if not set(p.opts) & taken)
    parts = [command.epilog] if command.epilog else []
    if any(param.name == "api_url" for param in command.params):
        parts.append(ENVIRONMENT_HELP.format(name=command.name))
    if not isinstance(command, click.Group):
        parts.append(exit_codes_help(command))
    command.epilog = "\n\n".join(parts) or None
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _with_conventions(sub)


class CatalogSyncGroup(click.Group):
    """The ``catalog-sync`` group: see the module docstring.

    ``lazy_commands`` maps a command's name to the module whose ``commands`` list holds it.
    """

    def __init__(
        self, *args: Any, lazy_commands: Mapping[str, str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(self.lazy_commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            module = importlib.import_module(self.lazy_commands[cmd_name])
            for command in module.commands:
                if command.name not in self.commands:
                    self.add_command(command)
            if gc.get_freeze_count():
                # The process froze what start-up made (cli.run); the command's modules,
                # imported only now, live as long and need no scanning either.
                gc.freeze()
        return self.commands.get(cmd_name)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        _with_conventions(cmd)
        super().add_command(cmd, name)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as error:
            error.show()  # as click would, but exit 1: 2 means "changes present"
            raise SystemExit(EXIT_ERROR) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            error.show()  # as click would, but exit 1: 2 means "changes present"
            raise SystemExit(EXIT_ERROR) from None
        except KeyboardInterrupt:
            # click would say "Aborted!" and exit 1; shells and Terraform say 130.
            click.echo("\nInterrupted.", err=True)
            raise SystemExit(EXIT_INTERRUPTED) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click cuts summaries to fit one line ("Make the live catalog match: PATH is..."):
        # show each whole, wrapped.
        rows = [
            (name, command.get_short_help_str(limit=1_000))
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
