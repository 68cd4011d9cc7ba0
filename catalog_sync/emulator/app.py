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
from catalog_sync.errors import ConfigError

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
        self.store = self._initial_store(config)
        self.store.unique_keys = config.unique_keys

    def _initial_store(self, config: EmulatorConfig) -> Store:
        if config.state_file is None:
            return build_store(config.seed, config.credentials.seller_id)
        try:
            config.state_file.parent.mkdir(parents=True, exist_ok=True)
            saved = load_state(config.state_file)
            if saved is not None:
                return Store.from_json(saved)
            store = build_store(config.seed, config.credentials.seller_id)
            write_state(config.state_file, store.to_json())
            return store
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ConfigError(
                f"{config.state_file}: cannot use the emulator's state file "
                f"({type(error).__name__}: {error}); move it away to start again from the "
                f"{config.seed} seed"
            ) from None

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
            self.store.unique_keys = self.config.unique_keys
            self.persist()


def create_app(config: EmulatorConfig | None = None) -> Starlette:
    emulator = Emulator(config or EmulatorConfig())
    app = Starlette(
        routes=[*api.routes(), *admin.routes()],
        middleware=[Middleware(FaultMiddleware, emulator=emulator)],
    )
    app.state.emulator = emulator
    return app
