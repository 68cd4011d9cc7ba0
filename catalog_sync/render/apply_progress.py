"""Apply progress: a live bar on a terminal, one plain line per event elsewhere (CI logs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from catalog_sync.apply.listener import Phase
from catalog_sync.apply.report import OperationResult, Outcome
from catalog_sync.plan.model import Change
from catalog_sync.render.plan_values import ACTION_VERBS
from catalog_sync.render.visible import visible_output

__all__ = ["LineProgress", "LiveProgress", "result_line"]


@visible_output
def result_line(result: OperationResult) -> str:
    verb = ACTION_VERBS[result.action]
    if result.outcome is Outcome.DONE:
        return f"{result.address} {verb}"
    if result.outcome is Outcome.FAILED:
        return f"{result.address} FAILED: {result.reason}"
    return f"{result.address} {result.outcome.value.replace('_', ' ')}: {result.reason}"


class LineProgress:
    """Plain lines through ``echo``: what started is not shown, only what settled."""

    def __init__(self, echo: Callable[[str], None]) -> None:
        self._echo = echo
        self._total = 0
        self._settled = 0
        self._interrupted = False

    def phase(self, phase: Phase, total: int) -> None:
        self._total = total
        self._echo(f"apply: {phase.value}")

    def started(self, change: Change) -> None:
        pass

    def note(self, text: str) -> None:
        """A Ctrl-C: said at once; what settles after it, the report says (once)."""
        self._interrupted = True
        self._echo(f"apply: {text}")

    def finished(self, result: OperationResult) -> None:
        self._settled += 1
        # Changes never started are counted by the report and listed by the journal: after a
        # Ctrl-C a line each would bury what was done and what failed.
        if result.outcome is not Outcome.NOT_ATTEMPTED and not self._interrupted:
            self._echo(f"apply: [{self._settled}/{self._total}] {result_line(result)}")


class LiveProgress:
    """A rich progress bar on ``stream`` (a terminal); failures are printed above the bar."""

    def __init__(
        self, stream: IO[str], *, force_terminal: bool | None = None, no_color: bool = False
    ) -> None:
        # Imported here: only an apply on a terminal shows the bar, and importing rich is a
        # noticeable share of every other command's start-up (docs/benchmarks.md).
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._console = Console(file=stream, force_terminal=force_terminal, no_color=no_color)
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self._console,
            transient=True,
        )
        self._task = self._progress.add_task("apply", total=None)
        self._running = 0
        self._interrupted = False

    def __enter__(self) -> LiveProgress:
        self._progress.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._progress.stop()

    def phase(self, phase: Phase, total: int) -> None:
        self._progress.update(self._task, description=phase.value, total=total)

    def started(self, change: Change) -> None:
        self._running += 1
        self._describe(change.address)

    def note(self, text: str) -> None:
        """A line above the bar: a Ctrl-C, after which the report says what settles."""
        self._interrupted = True
        self._progress.console.print(text, markup=False, highlight=False)

    def finished(self, result: OperationResult) -> None:
        if result.outcome is Outcome.DONE or result.outcome is Outcome.FAILED:
            self._running = max(0, self._running - 1)
        self._progress.advance(self._task)
        # A failure is news while the run goes on; once Ctrl-C is pressed the report, just
        # after, lists the failed and abandoned changes, and counts those never started.
        quiet = self._interrupted or result.outcome is Outcome.NOT_ATTEMPTED
        if result.outcome is not Outcome.DONE and not quiet:
            self._progress.console.print(result_line(result), markup=False, highlight=False)
        self._describe(result.address)

    def _describe(self, address: str) -> None:
        self._progress.update(
            self._task, description=f"applying ({self._running} in flight) {address}"
        )
