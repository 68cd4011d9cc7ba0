"""The app factory and the Emulator object that holds one emulator's whole state."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from starlette.applications import Starlette
from starlette.middleware import Middleware

from catalog_sync.emulator import admin, api, webhook
from catalog_sync.emulator.auth import TokenService
from catalog_sync.emulator.config import ContractVariant, EmulatorConfig, SeedName
from catalog_sync.emulator.faults import FaultInjector
from catalog_sync.emulator.holds import Holds
from catalog_sync.emulator.middleware import FaultMiddleware
from catalog_sync.emulator.requestlog import RequestLog
from catalog_sync.emulator.seeds import build_store
from catalog_sync.emulator.statefile import StateFile
from catalog_sync.emulator.store import Store
from catalog_sync.errors import ConfigError

__all__ = ["Emulator", "create_app"]

T = TypeVar("T")


class Emulator:
    """One emulated Cloudmore: store, tokens, faults, holds and request log; no module globals."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.tokens = TokenService(config.credentials, config.token_lifetime_seconds, config.clock)
        self.faults = FaultInjector(config.faults)
        self.request_log = RequestLog()
        self.holds = Holds()
        # Kept apart from the config: an admin reset may change it at run time.
        self.variants: frozenset[ContractVariant] = frozenset(config.variants)
        # One lock serialises every mutation; a change runs without an await, so a reader on
        # the event-loop thread never sees half of one.
        self.lock = asyncio.Lock()
        self._state = None if config.state_file is None else StateFile(config.state_file)
        self.store = self._initial_store(config)
        self.store.unique_keys = config.unique_keys
        # Group commit: ``_changes`` counts changes made to the store, ``_durable`` those in
        # the state file; one flush at a time covers every change made before it started
        # (statefile.py: a line of what changed, or now and then a snapshot).
        self._changes = 0
        self._durable = 0
        self._flushing: asyncio.Future[None] | None = None

    def _initial_store(self, config: EmulatorConfig) -> Store:
        if self._state is None:
            return build_store(config.seed, config.credentials.seller_id)
        try:
            self._state.path.parent.mkdir(parents=True, exist_ok=True)
            saved = self._state.load()
            if saved is not None:
                return saved
            store = build_store(config.seed, config.credentials.seller_id)
            self._state.save(store)
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
        if self._state is None:
            self._durable = self._changes
            return
        while self._durable < change:
            if self._flushing is None:
                self._flushing = asyncio.ensure_future(self._flush(self._state))
            # Shielded: a client that hangs up must not cancel the flush others wait on.
            await asyncio.shield(self._flushing)

    async def _flush(self, state: StateFile) -> None:
        try:
            covered = self._changes
            # Encoded here, between awaits: every change so far and none half made.
            write = state.prepare(self.store)
            if write is not None:
                await asyncio.to_thread(write)
            self._durable = max(self._durable, covered)
        finally:
            self._flushing = None


def create_app(config: EmulatorConfig | None = None) -> Starlette:
    emulator = Emulator(config or EmulatorConfig())
    app = Starlette(
        routes=[*api.routes(), *webhook.routes(), *admin.routes()],
        middleware=[Middleware(FaultMiddleware, emulator=emulator)],
    )
    app.state.emulator = emulator
    return app
