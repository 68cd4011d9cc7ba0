"""Holding one request until a test lets it go: a write in flight, made deterministic.

A test that needs something to happen while a request is in the server (an edit in the UI
while apply's PUT is on its way, an addon created while a product's DELETE is held) asks the
emulator to hold the next request matching a method and path pattern, waits until it is
reached, does what it needs through the API, and releases it. No sleep decides the order::

    hold = app.state.emulator.holds.hold("PUT", r"/addons/")
    ...  # start apply in a task
    await hold.reached()  # the PUT is in the server, not yet handled
    ...  # edit the live catalog through the API
    hold.release()

``after=True`` holds the request once its handler has run (the write is committed, the answer
not yet sent). In-process emulators only (``httpx.ASGITransport``): the events belong to the
test's event loop.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field

__all__ = ["Hold", "Holds"]


@dataclass
class Hold:
    method: str
    pattern: re.Pattern[str]
    after: bool = False
    nth: int = 1
    """Hold the ``nth`` matching request; the ones before it pass."""
    path: str | None = None
    """The path of the request held, once one is."""
    _reached: asyncio.Event = field(default_factory=asyncio.Event)
    _released: asyncio.Event = field(default_factory=asyncio.Event)

    def matches(self, method: str, path: str, after: bool) -> bool:
        return (
            self.path is None
            and after is self.after
            and self.method in ("*", method.upper())
            and self.pattern.search(path) is not None
        )

    async def reached(self) -> str:
        """Wait until a request is held; its path."""
        await self._reached.wait()
        assert self.path is not None
        return self.path

    def release(self) -> None:
        self._released.set()

    async def _hold(self, path: str) -> None:
        self.path = path
        self._reached.set()
        await self._released.wait()


class Holds:
    """The holds a test asked for; each holds one request, the first that matches."""

    def __init__(self) -> None:
        self._pending: list[Hold] = []

    def hold(self, method: str, path_pattern: str, *, after: bool = False, nth: int = 1) -> Hold:
        added = Hold(method.upper(), re.compile(path_pattern), after, nth)
        self._pending.append(added)
        return added

    def holds_after(self, method: str, path: str) -> bool:
        return any(
            pending.matches(method, path, True) and pending.nth == 1 for pending in self._pending
        )

    async def wait_if_held(self, method: str, path: str, *, after: bool = False) -> None:
        for pending in self._pending:
            if pending.matches(method, path, after):
                pending.nth -= 1
                if pending.nth > 0:
                    continue
                self._pending.remove(pending)
                await pending._hold(path)
                return
