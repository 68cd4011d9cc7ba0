"""The app factory and the Emulator object that holds one emulator's whole state."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from starlette.applications import Starlette
from starlette.middleware import Middleware

from catalog_sync.emulator import admin, api
from catalog_sync.emulator.auth import TokenService
from catalog_sync.emulator.config import EmulatorConfig, SeedName
from catalog_sync.emulator.faults import FaultInjector
from catalog_sync.emulator.middleware import FaultMiddleware
from catalog_sync.emulator.requestlog import RequestLog
from catalog_sync.emulator.seeds import build_store
from catalog_sync.emulator.statefile import load_state, write_state
from catalog_sync.emulator.store import Store

__all__ = ["Emulator", "create_app"]

T = TypeVar("T")


class Emulator:
    """One emulated Cloudmore: store, tokens, faults and request log; no module globals."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.tokens = TokenService(config.credentials, config.token_lifetime_seconds, config.clock)
        self.faults = FaultInjector(config.faults)
        self.request_log = RequestLog()
        # One lock serialises every mutation and its persistence; reads need none because
        # they run between awaits on the single event-loop thread.
        self.lock = asyncio.Lock()
        saved = load_state(config.state_file) if config.state_file else None
        if saved is not None:
            self.store = Store.from_json(saved)
        else:
            self.store = build_store(config.seed, config.credentials.seller_id)
            self.persist()

    def persist(self) -> None:
        if self.config.state_file is not None:
            write_state(self.config.state_file, self.store.to_json())

    async def write(self, change: Callable[[Store], T]) -> T:
        """Apply one change under the lock and persist it before anyone is answered."""
        async with self.lock:
            result = change(self.store)
            self.persist()
            return result

    async def reset(self, seed: SeedName) -> None:
        async with self.lock:
            self.store = build_store(seed, self.config.credentials.seller_id)
            self.persist()


def create_app(config: EmulatorConfig | None = None) -> Starlette:
    emulator = Emulator(config or EmulatorConfig())
    app = Starlette(
        routes=[*api.routes(), *admin.routes()],
        middleware=[Middleware(FaultMiddleware, emulator=emulator)],
    )
    app.state.emulator = emulator
    return app
