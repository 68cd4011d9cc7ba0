"""Journal commands: journal (what an apply did, from its journal file)."""

from __future__ import annotations

from pathlib import Path

import click

from catalog_sync.apply import JOURNAL_DIR, last_run, read_journal
from catalog_sync.cli.common import EXIT_OK, handle_errors
from catalog_sync.errors import ConfigError
from catalog_sync.render.apply_text import render_previous_run

__all__ = ["commands", "journal"]


@click.command(short_help="Show what an apply did, from its journal.")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@handle_errors
def journal(file: Path | None) -> None:
    """Show what the apply journaled in FILE did: done, failed, and what was in flight.

    FILE defaults to the most recent journal under .catalog-sync/journal/.
    """
    if file is None:
        run = last_run(JOURNAL_DIR)
        if run is None:
            raise ConfigError(f"no apply journal under {JOURNAL_DIR.as_posix()}/")
    elif not file.is_file():
        raise ConfigError(f"{file.as_posix()}: no such journal file")
    else:
        run = read_journal(file)
    click.echo(render_previous_run(run), nl=False)
    raise SystemExit(EXIT_OK)


commands: list[click.Command] = [journal]
