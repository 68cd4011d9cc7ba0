"""The app factory and the Emulator object that holds one emulator's whole state."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from starlette.applications import Starlette
from starlette.middleware import Middleware

from catalog_sync.emulator import admin, api
from catalog_sync.emulator.auth import TokenService
from catalog_sync.emulator.config import EmulatorConfig, ListShape, SeedName
from catalog_sync.emulator.faults import FaultInjector
from catalog_sync.emulator.middleware import FaultMiddleware
from catalog_sync.emulator.requestlog import RequestLog
from catalog_sync.emulator.seeds import build_store
from catalog_sync.emulator.statefile import encode_state, load_state, write_encoded, write_state
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
        # Kept apart from the config: an admin reset may change it at run time.
        self.list_shape: ListShape = config.list_shape
        # One lock serialises every mutation; a change runs without an await, so a reader on
        # the event-loop thread never sees half of one.
        self.lock = asyncio.Lock()
        self.store = self._initial_store(config)
        self.store.unique_keys = config.unique_keys
        # Group commit: ``_changes`` counts changes made to the store, ``_durable`` those in
        # the state file; one flush at a time covers every change made before it started.
        self._changes = 0
        self._durable = 0
        self._flushing: asyncio.Future[None] | None = None

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

    async def write(self, change: Callable[[Store], T]) -> T:
        """Apply one change and return once it is in the state file: no write is answered
        before it is durable, but concurrent writes share one snapshot and one fsync."""
        async with self.lock:
            result = change(self.store)
            self._changes += 1
            mine = self._changes
        await self._durable_up_to(mine)
        return result

    async def settled(self) -> None:
        """Wait until every change made so far is durable, so that a read never shows what a
        crash could still take back (the stricter behaviour; docs/contracts.md)."""
        await self._durable_up_to(self._changes)

    async def reset(self, seed: SeedName) -> None:
        await self.write(lambda _: self._replace_store(seed))

    def _replace_store(self, seed: SeedName) -> None:
        self.store = build_store(seed, self.config.credentials.seller_id)
        self.store.unique_keys = self.config.unique_keys

    async def _durable_up_to(self, change: int) -> None:
        if self.config.state_file is None:
            self._durable = self._changes
            return
        while self._durable < change:
            if self._flushing is None:
                self._flushing = asyncio.ensure_future(self._flush(self.config.state_file))
            # Shielded: a client that hangs up must not cancel the flush others wait on.
            await asyncio.shield(self._flushing)

    async def _flush(self, path: Path) -> None:
        try:
            covered = self._changes
            # Encoded here, between awaits: a consistent snapshot of every change so far.
            payload = encode_state(self.store.to_json())
            await asyncio.to_thread(write_encoded, path, payload)
            self._durable = max(self._durable, covered)
        finally:
            self._flushing = None


def create_app(config: EmulatorConfig | None = None) -> Starlette:
    emulator = Emulator(config or EmulatorConfig())
    app = Starlette(
        routes=[*api.routes(), *admin.routes()],
        middleware=[Middleware(FaultMiddleware, emulator=emulator)],
    )
    app.state.emulator = emulator
    return app
