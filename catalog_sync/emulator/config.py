"""How an emulator is configured: credentials, seed, state file, faults."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from pydantic import Field

from catalog_sync.immutable import Immutable
from catalog_sync.kinds.contract import CONTRACT_VARIANTS, ContractVariant

__all__ = [
    "ALL_FAULT_KINDS",
    "CONTRACT_VARIANTS",
    "DEMO",
    "ContractVariant",
    "DemoCredentials",
    "EmulatorConfig",
    "FaultConfig",
    "FaultKind",
    "ScriptedFault",
    "SeedName",
]

SeedName = Literal["empty", "demo"]


FaultKind = Literal[
    "rate_limit",
    "server_error",
    "bad_gateway",
    "unavailable",
    "gateway_timeout",
    "ambiguous_502",
    "ambiguous_drop",
    "hang",
    "unauthorized",
]
ALL_FAULT_KINDS: tuple[FaultKind, ...] = get_args(FaultKind)


@dataclass(frozen=True)
class DemoCredentials:
    username: str = "demo@example.com"
    password: str = "demo"  # noqa: S105 - the published demo password
    client_id: str = "ro.customer.client"
    # A well-known demo value, printed by the server on purpose: not a secret.
    client_secret: str = "demo-secret"  # noqa: S105
    seller_id: str = "11111111-1111-4111-8111-111111111111"


DEMO = DemoCredentials()


class ScriptedFault(Immutable):
    """Inject ``fault`` into the next ``count`` requests matching method and path pattern."""

    method: str | None = None  # None or "*" matches every method
    path_pattern: str = ""  # a regex searched in the path; "" matches every path
    fault: FaultKind
    count: int = Field(default=1, ge=1)
    retry_after: int | None = Field(default=None, ge=0)


class FaultConfig(Immutable):
    latency_ms: int = Field(default=0, ge=0)
    jitter_ms: int = Field(default=0, ge=0)
    rate: float = Field(default=0.0, ge=0.0, le=1.0)
    kinds: tuple[FaultKind, ...] = ALL_FAULT_KINDS
    retry_after_seconds: int = Field(default=1, ge=0)
    hang_seconds: float = Field(default=30.0, ge=0.0)
    random_seed: int = 0
    script: tuple[ScriptedFault, ...] = ()


@dataclass(frozen=True)
class EmulatorConfig:
    seed: SeedName = "empty"
    state_file: Path | None = None
    faults: FaultConfig = field(default_factory=FaultConfig)
    token_lifetime_seconds: int = 86400
    # Cloudmore's refusal of a second object with a taken natural key is assumed
    # (docs/contracts.md); off, the emulator behaves like an API without it, so tests can
    # prove that catalog-sync itself never duplicates (the lock, the create-adopt rule).
    unique_keys: bool = True
    variants: tuple[ContractVariant, ...] = ()
    credentials: DemoCredentials = DEMO
    # Injectable so tests can expire tokens without waiting for wall-clock time.
    clock: Callable[[], float] = time.time
