"""Planning the example catalog against an in-process emulator."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from catalog_sync.catalog import load_catalog
from catalog_sync.cloudmore import open_read_only
from catalog_sync.emulator import EmulatorConfig, SeedName, create_app
from catalog_sync.emulator.config import ContractVariant
from catalog_sync.plan.build import make_plan, target_of
from catalog_sync.plan.model import Plan
from tests.cloudmore.emulator_helpers import IN_PROCESS_URL, demo_settings

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "catalogs" / "example"
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def plan_on(
    seed: SeedName, catalog: Path = EXAMPLE, variants: tuple[ContractVariant, ...] = ()
) -> tuple[Plan, list[dict[str, Any]]]:
    """The plan of ``catalog`` against a fresh emulator (serving ``variants``, docs/contracts.md
    "Contract variants"), and the emulator's request log."""
    app = create_app(EmulatorConfig(seed=seed, variants=variants))
    settings = demo_settings(IN_PROCESS_URL)
    if catalog.is_relative_to(REPO):
        # Positions name files as they were given: repository-relative ones keep golden files
        # the same in every checkout.
        with contextlib.chdir(REPO):
            loaded = load_catalog(catalog.relative_to(REPO))
    else:
        loaded = load_catalog(catalog)

    async def run() -> Plan:
        transport = httpx.ASGITransport(app=app)
        async with open_read_only(settings, transport=transport) as client:
            return (
                await make_plan("catalogs/example", loaded, client, target_of(settings), now=NOW)
            ).plan

    plan = asyncio.run(run())
    return plan, app.state.emulator.request_log.entries()
