"""A create whose natural key an id-pinned rename frees depends on that rename."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog_sync.graph import Kind
from catalog_sync.plan.model import Action
from catalog_sync.render.apply_text import render_report
from tests.apply.support import InProcess, copy_catalog, plan_and_apply, plan_with

NEW_PBX = """services:
  - name: Cloud PBX
    vendorName: Example Voice
    categories: [Communication]
    provisioningType: Email
    publish:
      to: none
"""


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_a_create_under_a_name_a_rename_frees_waits_for_the_rename(tmp_path: Path) -> None:
    emulator = InProcess("demo")
    async with emulator.client() as client:
        pbx = next(s for s in await client.list(Kind.SERVICE) if s.name == "Cloud PBX")
        catalog = copy_catalog(tmp_path)
        source = catalog / "services" / "cloud-pbx.yaml"
        pinned = f"  - name: Cloud Phone\n    id: {pbx.id}\n"
        source.write_text(source.read_text("utf-8").replace("  - name: Cloud PBX\n", pinned))
        (catalog / "services" / "new-pbx.yaml").write_text(NEW_PBX, encoding="utf-8")
        plan, report = await plan_and_apply(client, emulator.settings, tmp_path / "j", catalog)
        names = sorted(s.name for s in await client.list(Kind.SERVICE))
        again = await plan_with(client, emulator.settings, catalog)
    changes = {str(c.address): c for c in plan.changes}
    assert changes['service["Cloud Phone"]'].action is Action.UPDATE
    created = changes['service["Cloud PBX"]']
    assert created.action is Action.CREATE
    assert 'service["Cloud Phone"]' in created.depends_on
    assert report.ok, render_report(report)
    assert names.count("Cloud PBX") == 1
    assert "Cloud Phone" in names
    assert [str(c.address) for c in again.changes] == []
