"""Stopping a run from outside (Ctrl-C), in two stages, as Terraform users expect.

The first request stops scheduling: nothing new starts, the requests in flight finish and are
journaled. The second abandons those requests: their tasks are cancelled, and whether Cloudmore
did them is unknown (the report says so). Whoever owns the signal (the CLI) calls
:meth:`Interruption.request`; the scheduler waits on it.
"""

from __future__ import annotations

import asyncio
import enum

__all__ = ["Interruption", "Stage"]


class Stage(enum.Enum):
    RUNNING = "running"
    STOPPING = "stopping"
    """Start nothing new; let what is in flight finish."""
    ABANDONING = "abandoning"
    """Cancel what is in flight too."""


class Interruption:
    def __init__(self) -> None:
        self.stage = Stage.RUNNING
        self.stopping = asyncio.Event()
        self.abandoning = asyncio.Event()

    def request(self) -> Stage:
        """One more Ctrl-C: returns the stage it moved the run to."""
        if self.stage is Stage.RUNNING:
            self.stage = Stage.STOPPING
            self.stopping.set()
        elif self.stage is Stage.STOPPING:
            self.stage = Stage.ABANDONING
            self.abandoning.set()
        return self.stage

    @property
    def requested(self) -> bool:
        return self.stage is not Stage.RUNNING
