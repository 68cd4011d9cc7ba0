"""The broker bench case at a tiny size (the lead runs the full one: docs/benchmarks.md): it
plans no change, and its requests are exactly its stated minimum."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.broker import broker_catalog, broker_minimum, broker_shape, broker_store
from catalog_sync.catalog import load_catalog
from catalog_sync.emulator import DEMO
from catalog_sync.plan.build import make_plan, target_of
from tests.apply.support import InProcess


@pytest.mark.anyio
@pytest.mark.parametrize("size", ["10", "25"])
async def test_a_tiny_broker_case_plans_nothing_in_its_minimum_requests(
    size: str, tmp_path: Path
) -> None:
    shape = broker_shape(size)
    for name, text in broker_catalog(shape).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    emulator = InProcess("empty")
    emulator.app.state.emulator.store = broker_store(shape)
    emulator.settings = emulator.settings.model_copy(
        update={"reseller_id": DEMO.reseller_id, "side": "broker"}
    )
    async with emulator.client() as client:
        drafted = await make_plan(
            str(tmp_path), load_catalog(tmp_path), client, target_of(emulator.settings)
        )
    assert drafted.plan.changes == ()
    assert drafted.plan.unmanaged == ()
    requests = emulator.requests()
    minimum = broker_minimum(shape)
    assert len(requests) == minimum.requests
    reads = [e["path"] for e in requests if "/organizations/" in e["path"]]
    assert len(reads) == len(set(reads)) == shape.named * shape.services
