"""A PUT is the object as its detail read answered, with the managed fields overlaid: fields the
catalog does not manage (the UI's service settings, a product's allowQuantityDecrease;
docs/contracts.md, "Fields the catalog does not manage") survive an apply that updates the
object."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from catalog_sync.cloudmore import open_read_write
from catalog_sync.emulator import EmulatorConfig, serve_in_thread
from catalog_sync.plan.model import Action
from tests.apply.support import SELLER, api_client, plan_and_apply
from tests.cloudmore.emulator_helpers import demo_settings

UI_SETTINGS = {
    "billingGeneration": "Manual",
    "displayOnly": True,
    "userAssignedService": True,
    "oneSubscriptionPerOrganization": True,
}


def test_an_update_keeps_the_settings_the_files_leave_out(journal_dir: Path) -> None:
    with serve_in_thread(EmulatorConfig(seed="demo")) as url:
        http = api_client(url)
        services = {s["name"]: s for s in http.get(f"{SELLER}/services").json()}
        pbx_path = f"{SELLER}/services/{services['Cloud PBX']['id']}"
        gws_id = services["Google Workspace"]["id"]
        annual = next(
            p
            for p in http.get(f"{SELLER}/services/{gws_id}/products").json()
            if p["itemCode"] == "annual"
        )
        annual_path = f"{SELLER}/services/{gws_id}/products/{annual['id']}"
        templates = http.get(f"{SELLER}/settings/EmailTemplates").json()
        welcome = [t["id"] for t in templates if t["name"] == "Welcome pack"]

        # Set them the way the UI would: a whole-object PUT through the raw API.
        pbx = http.get(pbx_path).json()
        settings = {**UI_SETTINGS, "welcomeTemplateIds": welcome}
        body = {k: v for k, v in pbx.items() if k not in {"id", "publish"}} | settings
        assert http.put(pbx_path, json=body).status_code == 204
        product = http.get(annual_path).json()
        body = {k: v for k, v in product.items() if k != "id"} | {"allowQuantityDecrease": True}
        assert http.put(annual_path, json=body).status_code == 204
        before_pbx, before_annual = http.get(pbx_path).json(), http.get(annual_path).json()
        assert {k: before_pbx[k] for k in settings} == settings
        assert before_annual["allowQuantityDecrease"] is True

        async def apply() -> dict[str, Action]:
            async with open_read_write(demo_settings(url)) as client:
                plan, report = await plan_and_apply(client, demo_settings(url), journal_dir)
            assert report.ok, report
            assert report.mismatches == ()
            return {c.address: c.action for c in plan.changes}

        applied = asyncio.run(apply())
        # Both were written: the files change Cloud PBX's description and publish, annual's name.
        assert applied['service["Cloud PBX"]'] is Action.UPDATE
        assert applied['service["Google Workspace"].product["annual"]'] is Action.UPDATE
        after_pbx, after_annual = http.get(pbx_path).json(), http.get(annual_path).json()
        assert after_pbx["description"] != before_pbx["description"]
        assert after_annual["name"] != before_annual["name"]
        assert _without(after_pbx, "description", "publish") == _without(
            before_pbx, "description", "publish"
        )
        assert _without(after_annual, "name") == _without(before_annual, "name")
        assert after_annual["allowQuantityDecrease"] is True
        assert {k: after_pbx[k] for k in settings} == settings


def _without(data: dict[str, Any], *fields: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in fields}
