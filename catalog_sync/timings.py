"""Phase timings: how long each phase of a command took, for the benchmark harness
(``docs/benchmarks.md``) and for anyone asking where a slow plan spends its time.

Core code marks a phase with ``with timed("read live"): ...``; that costs nothing unless a
command runs inside ``recording()``, which collects the phases as immutable data for the CLI
to render. A context variable carries the recorder, so no signature changes to pass it down.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

__all__ = ["PhaseTime", "Recording", "Timings", "recording", "timed"]


@dataclass(frozen=True)
class PhaseTime:
    phase: str
    seconds: float


@dataclass(frozen=True)
class Timings:
    phases: tuple[PhaseTime, ...] = ()


class Recording:
    """The phases timed so far inside a ``recording()`` block."""

    def __init__(self) -> None:
        self.phases: list[PhaseTime] = []

    def timings(self) -> Timings:
        return Timings(tuple(self.phases))


_RECORDER: ContextVar[Recording | None] = ContextVar("catalog_sync_timings", default=None)


@contextmanager
def timed(phase: str) -> Iterator[None]:
    """Time the block as ``phase`` when a recording is on; otherwise do nothing."""
    recorder = _RECORDER.get()
    if recorder is None:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        recorder.phases.append(PhaseTime(phase, time.perf_counter() - started))


@contextmanager
def recording(enabled: bool = True) -> Iterator[Recording]:
    """Collect the phases timed in this block (and in tasks started from it)."""
    recorder = Recording()
    token = _RECORDER.set(recorder if enabled else None)
    try:
        yield recorder
    finally:
        _RECORDER.reset(token)
