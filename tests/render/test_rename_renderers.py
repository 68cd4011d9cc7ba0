"""A create that looks like a rename, in every format, against golden files: the plan names
the live object it looks like, what it does with it, and the exact line to add (README,
"Renames"); the summary line names the service it disables."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
import pytest

from catalog_sync.catalog import load_catalog
from catalog_sync.cli.plan_cmds import render_plan
from catalog_sync.cloudmore import open_read_only
from catalog_sync.emulator import EmulatorConfig, create_app
from catalog_sync.emulator import operations as ops
from catalog_sync.plan.build import make_plan, target_of
from catalog_sync.plan.model import Action, Plan
from tests.cloudmore.emulator_helpers import IN_PROCESS_URL, demo_settings
from tests.golden import assert_golden
from tests.plan.support import NOW, REPO

CATALOG = "tests/render/catalogs/renamed"
SERVICE = "5e7a1c00-0000-4000-8000-0000000000a1"
PRODUCT = "5e7a1c00-0000-4000-8000-0000000000a2"


@pytest.fixture(scope="module")
def renamed_plan() -> Plan:
    """Live: "Legacy Hosting" with product basic; the files describe the same service as
    "Hosting Classic", without movedFrom, under prune."""
    app = create_app(EmulatorConfig(seed="empty"))
    store = app.state.emulator.store
    category = next(c["categoryId"] for c in store.categories if c["name"] == "Security")
    service = {
        "name": "Legacy Hosting",
        "vendorName": "Example Cloud",
        "description": "Shared web hosting.",
        "categoryIds": [category],
    }
    ops.create_service(store, service, SERVICE)
    ops.create_product(
        store, SERVICE, {"name": "Basic site", "itemCode": "basic", "type": "ProductBased"}, PRODUCT
    )
    settings = demo_settings(IN_PROCESS_URL)
    with contextlib.chdir(REPO):
        loaded = load_catalog(CATALOG)

    async def run() -> Plan:
        async with open_read_only(settings, transport=httpx.ASGITransport(app=app)) as client:
            return (await make_plan(CATALOG, loaded, client, target_of(settings), now=NOW)).plan

    return asyncio.run(run())


@pytest.mark.parametrize(
    ("output_format", "golden"),
    [
        ("text", "plan/renamed.txt"),
        ("markdown", "plan/renamed.md"),
        ("github", "plan/renamed.github"),
    ],
)
def test_each_format_says_it_looks_like_a_rename(
    renamed_plan: Plan, output_format: str, golden: str
) -> None:
    rendered = render_plan(renamed_plan, output_format)
    assert_golden(golden, rendered)
    assert "Legacy Hosting" in rendered.splitlines()[-1] or output_format == "markdown"
    assert "movedFrom: Legacy Hosting" in rendered


def test_the_hint_names_both_objects_and_the_line_to_add(renamed_plan: Plan) -> None:
    (hint,) = renamed_plan.renames
    assert hint.address == 'service["Hosting Classic"]'
    assert hint.old_address == 'service["Legacy Hosting"]'
    assert hint.old_id == SERVICE
    assert hint.action is Action.DISABLE
    assert hint.line == "movedFrom: Legacy Hosting"
    assert hint.source is not None
    assert hint.source.line == 7
