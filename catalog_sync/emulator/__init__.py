"""A stateful fake of the Cloudmore API: the embedded default, test network and benchmark target.

Build one with :func:`create_app` (a Starlette app, no globals: everything lives on
``app.state.emulator``), or serve one on 127.0.0.1 with :func:`serve_in_thread`.

Faults are set at start-up (``EmulatorConfig(faults=FaultConfig(...))``), at run time over
HTTP (``PUT /_emulator/faults``) or in process (``emulator.faults.configure(...)``); the
request log is ``GET /_emulator/requests`` or ``emulator.request_log.entries()``.
"""

from __future__ import annotations

from catalog_sync.emulator.app import create_app
from catalog_sync.emulator.config import (
    ALL_FAULT_KINDS,
    CONTRACT_VARIANTS,
    DEMO,
    ContractVariant,
    DemoCredentials,
    EmulatorConfig,
    FaultConfig,
    ScriptedFault,
    SeedName,
)
from catalog_sync.emulator.server import serve_in_thread

__all__ = [
    "ALL_FAULT_KINDS",
    "CONTRACT_VARIANTS",
    "DEMO",
    "ContractVariant",
    "DemoCredentials",
    "EmulatorConfig",
    "FaultConfig",
    "ScriptedFault",
    "SeedName",
    "create_app",
    "serve_in_thread",
]
