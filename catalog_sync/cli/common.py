"""What every command shares: state from the group, and turning errors into exit codes."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

import click

from catalog_sync.diagnostics import Diagnostic
from catalog_sync.errors import CatalogError, CatalogSyncError
from catalog_sync.lookalike import visible
from catalog_sync.render.diagnostics import render_text

__all__ = [
    "EXIT_CHANGES",
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "CliState",
    "echo_diagnostics",
    "handle_errors",
    "run_async",
]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2
EXIT_INTERRUPTED = 130
"""128 + SIGINT, as shells and Terraform report an interrupted command."""

P = ParamSpec("P")
R = TypeVar("R")


def run_async(work: Coroutine[Any, Any, R]) -> R:
    """``asyncio.run(work)``, with the result handed out of the event loop's main task.

    On its way out asyncio.run looks the SIGINT handler up, and ``signal.getsignal`` formats
    ``repr()`` of the finished main task, result included, for an error it then discards:
    a plan's every change and a live catalog's every object, in full, once per command
    (0.3 s for 20,000 small models; docs/benchmarks.md). The task here finishes with None.
    """
    import asyncio  # here, not at start-up: validate and fmt never run a loop

    results: list[R] = []

    async def main() -> None:
        results.append(await work)

    asyncio.run(main())
    return results[0]


@dataclass(frozen=True)
class CliState:
    verbose: bool = False
    no_color: bool = False


def echo_diagnostics(diagnostics: Sequence[Diagnostic]) -> None:
    """Warnings and problems a command goes on after, on stderr, when there are any."""
    if diagnostics:
        click.echo(render_text(diagnostics), err=True, nl=False)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Report a CatalogSyncError as ``error: message`` on stderr and exit 1, no traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except CatalogError as error:
            click.echo(render_text(error.diagnostics), err=True, nl=False)
            click.echo(visible(f"error: {error}"), err=True)
            raise SystemExit(EXIT_ERROR) from None
        except CatalogSyncError as error:
            # A name in the message shows its invisible and look-alike characters escaped.
            click.echo(visible(f"error: {error}"), err=True)
            raise SystemExit(EXIT_ERROR) from None

    return wrapper
