"""A saved plan's delete or disable covers exactly the subtree it was reviewed with."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from catalog_sync.emulator import EmulatorConfig
from tests.apply.support import (
    SELLER,
    cli,
    copy_catalog,
    served_http,
    writes_after,
)

STORAGE = 'service["Acronis Cyber Protect"].product["acp-storage"]'


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.chdir(tmp_path)
    with served_http(EmulatorConfig(seed="demo"), monkeypatch) as http:
        yield http


def _without_storage(tmp_path: Path) -> Path:
    """The example catalog with prune on and Acronis's acp-storage product left out."""
    catalog = copy_catalog(
        tmp_path,
        settings="settings:\n  prune: true\n  thresholds:\n    maxDeletePercent: 100\n",
    )
    acronis = catalog / "services" / "acronis.yaml"
    text = acronis.read_text(encoding="utf-8")
    acronis.write_text(text[: text.index("      - name: Cloud storage\n")], encoding="utf-8")
    return catalog


def _service(http: Any, name: str) -> dict[str, Any]:
    services: list[dict[str, Any]] = http.get(f"{SELLER}/services").json()
    listed = next(s for s in services if s["name"] == name)
    # A list item is a summary; the detail read has the whole service.
    found: dict[str, Any] = http.get(f"{SELLER}/services/{listed['id']}").json()
    return found


def _product(http: Any, service: dict[str, Any], item_code: str) -> dict[str, Any]:
    products: list[dict[str, Any]] = http.get(f"{SELLER}/services/{service['id']}/products").json()
    return next(p for p in products if p["itemCode"] == item_code)


def _addon_body(item_code: str, price_per: str) -> dict[str, Any]:
    return {"name": f"Added later {item_code}", "itemCode": item_code, "pricePer": price_per}


def test_an_addon_created_under_a_deleted_product_after_the_plan_refuses_it(
    demo: Any, tmp_path: Path
) -> None:
    catalog = _without_storage(tmp_path)
    planned = cli("plan", str(catalog), "--out", "plan.json")
    assert planned.exit_code == 0, planned.output
    assert f"{STORAGE}" in planned.stdout
    acronis = _service(demo, "Acronis Cyber Protect")
    storage = _product(demo, acronis, "acp-storage")
    addons = f"{SELLER}/services/{acronis['id']}/products/{storage['id']}/addons"
    created = demo.post(addons, json=_addon_body("unreviewed", "Metered"))
    assert created.status_code in (200, 201), created.text
    seq = int(demo.get("/_emulator/requests").json()[-1]["seq"])

    applied = cli("apply", "plan.json")

    assert applied.exit_code == 1, applied.output
    assert "Traceback" not in applied.output
    assert f"{STORAGE}: the objects below it changed since the plan was made (2 then, 3 now)" in (
        applied.stderr
    )
    assert writes_after(demo.get("/_emulator/requests").json(), seq) == []
    codes = {a["itemCode"] for a in demo.get(addons).json()}
    assert codes == {"acp-storage-hot", "acp-storage-archive", "unreviewed"}


def test_an_addon_created_under_a_disabled_service_after_the_plan_refuses_it(
    demo: Any, tmp_path: Path
) -> None:
    catalog = copy_catalog(
        tmp_path, settings="settings:\n  prune: true\n  thresholds:\n    maxDeletePercent: 100\n"
    )
    planned = cli("plan", str(catalog), "--out", "plan.json")
    assert planned.exit_code == 0, planned.output
    legacy = _service(demo, "Legacy Hosting")
    lh_shared = _product(demo, legacy, "lh-shared")
    addons = f"{SELLER}/services/{legacy['id']}/products/{lh_shared['id']}/addons"
    price_per = demo.get(addons).json()[0]["pricePer"]
    created = demo.post(addons, json=_addon_body("lh-new", price_per))
    assert created.status_code in (200, 201), created.text
    seq = int(demo.get("/_emulator/requests").json()[-1]["seq"])

    applied = cli("apply", "plan.json")

    assert applied.exit_code == 1, applied.output
    assert 'service["Legacy Hosting"]: the objects below it changed' in applied.stderr
    assert writes_after(demo.get("/_emulator/requests").json(), seq) == []
    assert _service(demo, "Legacy Hosting")["status"] == "Active"


def test_an_unchanged_subtree_is_removed_as_planned(demo: Any, tmp_path: Path) -> None:
    catalog = _without_storage(tmp_path)
    assert cli("plan", str(catalog), "--out", "plan.json").exit_code == 0
    applied = cli("apply", "plan.json")
    assert applied.exit_code == 0, applied.output
    acronis = _service(demo, "Acronis Cyber Protect")
    products = demo.get(f"{SELLER}/services/{acronis['id']}/products").json()
    assert "acp-storage" not in {p["itemCode"] for p in products}
