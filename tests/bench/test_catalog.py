"""The generated catalog is valid, covers every publish mode, and the live state the harness
seeds (and the sequential script writes) is exactly what the files describe."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

from bench import sequential
from bench.bounds import create_minimum
from bench.catalog import PUBLISH_MODES, GeneratedCatalog, Shape, generate, shape_for, write_catalog
from bench.seed import seed_state
from catalog_sync.catalog import load_catalog
from catalog_sync.catalog.models import Service
from catalog_sync.cloudmore import open_read_write
from catalog_sync.emulator import EmulatorConfig, create_app, serve_in_thread
from catalog_sync.plan.model import Action, Plan
from tests.apply.support import InProcess, plan_with
from tests.cloudmore.emulator_helpers import demo_settings

SHAPE = Shape(services=6, products=3, addons=4)


def _plan(files: GeneratedCatalog, live: GeneratedCatalog | None, tmp_path: Path) -> Plan:
    catalog = write_catalog(files, tmp_path / "catalog")
    emulator = InProcess()
    state = seed_state(tmp_path / "state.json", live)
    emulator.app = create_app(EmulatorConfig(state_file=state))

    async def run() -> Plan:
        async with emulator.client() as client:
            return await plan_with(client, emulator.settings, catalog)

    return asyncio.run(run())


@pytest.mark.parametrize(
    ("size", "resources"), [("50", 50), ("500", 500), ("1000", 1000), ("5000", 5000)]
)
def test_the_issue_sizes_have_exact_shapes(size: str, resources: int) -> None:
    assert shape_for(size).resources == resources


def test_other_sizes_come_close() -> None:
    assert shape_for("2x3x4") == Shape(2, 3, 4)
    shape = shape_for("2000")
    assert 1800 <= shape.resources <= 2200, shape


def test_the_generated_catalog_loads_clean_with_every_publish_mode(tmp_path: Path) -> None:
    loaded = load_catalog(write_catalog(generate(SHAPE), tmp_path / "catalog"))
    assert loaded.warnings == ()
    services = [s for s in loaded.catalog.services if isinstance(s, Service)]
    assert len(services) == 6
    assert {s.publish.to for s in services if s.publish} == set(PUBLISH_MODES)
    products = [p for s in services for p in s.products]
    addons = [a for p in products for a in p.addons]
    assert (len(products), len(addons)) == (18, 72)
    assert {p.type for p in products} == {"ProductBased", "Metered"}
    assert {a.price_per for a in addons} == {"Subscription", "Quantity", "Selected", "Metered"}
    assert len(loaded.catalog.brokers) == 2


def test_the_seeded_state_is_what_the_files_describe(tmp_path: Path) -> None:
    catalog = generate(SHAPE)
    plan = _plan(catalog, catalog, tmp_path)
    assert not plan.has_changes, [c.address for c in plan.changes]
    assert plan.unmanaged == ()


def test_creates_plan_the_writes_the_minimum_counts(tmp_path: Path) -> None:
    files = generate(SHAPE)
    plan = _plan(files, None, tmp_path)
    # One service of six publishes to "none", as a new service already does: no write.
    publishes = sum(not s.publish.is_default for s in files.services)
    assert publishes == Counter(c.action for c in plan.changes)[Action.PUBLISH] == 5
    services, products = SHAPE.services, SHAPE.services * SHAPE.products
    minimum = create_minimum(
        services, products, products * SHAPE.addons, len(files.brokers), publishes=publishes
    )
    assert minimum.writes == len(plan.changes)


def test_price_changes_are_every_tenth_addon_and_plan_as_updates(tmp_path: Path) -> None:
    base = generate(SHAPE)
    plan = _plan(sequential.updated_catalog(base), base, tmp_path)
    actions = Counter(change.action for change in plan.changes)
    assert actions == {Action.UPDATE: 8}  # addons 0, 10, ..., 70 of 72
    assert {f.path for c in plan.changes for f in c.field_changes} == {"price"}


def test_the_prune_files_leave_every_addon_to_delete(tmp_path: Path) -> None:
    base = generate(SHAPE)
    plan = _plan(base.without_addons(), base, tmp_path)
    assert Counter(change.action for change in plan.changes) == {Action.DELETE: 72}


def test_the_sequential_script_writes_what_the_files_describe(tmp_path: Path) -> None:
    catalog = write_catalog(generate(shape_for("2x2x3")), tmp_path / "catalog")
    with serve_in_thread(EmulatorConfig(seed="empty")) as url:
        assert sequential.main([url, "2x2x3", "create"]) == 0
        settings = demo_settings(url)

        async def run() -> Plan:
            async with open_read_write(settings) as client:
                return await plan_with(client, settings, catalog)

        plan = asyncio.run(run())
    assert not plan.has_changes, [c.address for c in plan.changes]
