"""Ctrl-C while an event loop runs: call back instead of raising KeyboardInterrupt, so a
command can stop in stages (catalog_sync/apply/interrupt.py) and still write its report."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["on_ctrl_c"]


@contextmanager
def on_ctrl_c(callback: Callable[[], None]) -> Iterator[None]:
    """Within the running loop, SIGINT calls ``callback``; outside the main thread (where
    signals cannot be handled) this does nothing and Ctrl-C keeps its default."""
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
