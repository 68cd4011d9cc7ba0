"""Ctrl-C during apply, by phase (README, "How apply stays safe"):

- while checking the plan against the live catalog nothing has been written: stop at once;
- while applying, in two stages (catalog_sync/apply/interrupt.py): the first starts no new
  change and waits for the requests in flight, the second abandons them; apply still journals
  and reports;
- while verifying every change has been applied: stop at once, unverified.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

from catalog_sync.apply import ApplyListener, Interruption, OperationResult, Phase, Stage
from catalog_sync.plan.model import Change

__all__ = ["Abandoned", "run_interruptibly"]

T = TypeVar("T")

_NOTES = {
    Stage.STOPPING: "Interrupted: starting no new change, waiting for the requests in flight "
    "(Ctrl-C again abandons them).",
    Stage.ABANDONING: "Interrupted again: abandoning the requests in flight; "
    "the report marks them.",
}
_STOPPED = {
    None: "Interrupted before any change was made: nothing was written.",
    Phase.CHECKING: "Interrupted before any change was made: nothing was written.",
    Phase.VERIFYING: "Interrupted while verifying: every change was applied but not verified; "
    "`catalog-sync plan` shows whether anything is left.",
}


@dataclass(frozen=True)
class Abandoned:
    """Ctrl-C stopped the run outside the applying phase; ``message`` says what that means."""

    message: str


@contextmanager
def _on_ctrl_c(callback: Callable[[], None]) -> Iterator[None]:
    """Within the running loop, SIGINT calls ``callback`` instead of raising
    KeyboardInterrupt; outside the main thread (where signals cannot be handled) this does
    nothing and Ctrl-C keeps its default."""
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGINT, callback)
    except (RuntimeError, ValueError, NotImplementedError):
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGINT)


class _Watch(Generic[T]):
    def __init__(self, listener: ApplyListener, note: Callable[[str], None]) -> None:
        self.interruption = Interruption()
        self._listener = listener
        self._note = note
        self._phase: Phase | None = None
        self._task: asyncio.Task[T] | None = None
        self.stopped_in: Phase | None = None
        self.stopped = False

    # The ApplyListener protocol, passed on, noting the phase.
    def phase(self, phase: Phase, total: int) -> None:
        self._phase = phase
        self._listener.phase(phase, total)

    def started(self, change: Change) -> None:
        self._listener.started(change)

    def finished(self, result: OperationResult) -> None:
        self._listener.finished(result)

    def ctrl_c(self) -> None:
        if self._phase is Phase.APPLYING:
            self._note(_NOTES[self.interruption.request()])
        elif not self.stopped and self._task is not None:
            self.stopped, self.stopped_in = True, self._phase
            self._task.cancel()

    async def run(self, work: Callable[[ApplyListener, Interruption], Awaitable[T]]) -> T:
        self._task = asyncio.current_task()
        with _on_ctrl_c(self.ctrl_c):
            return await work(self, self.interruption)


async def run_interruptibly(
    work: Callable[[ApplyListener, Interruption], Awaitable[T]],
    listener: ApplyListener,
    note: Callable[[str], None],
) -> T | Abandoned:
    """Run ``work(listener, interruption)`` with Ctrl-C handled as the module says."""
    watch: _Watch[T] = _Watch(listener, note)
    try:
        return await watch.run(work)
    except asyncio.CancelledError:
        if not watch.stopped:
            raise
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        return Abandoned(_STOPPED.get(watch.stopped_in, _STOPPED[None]))
