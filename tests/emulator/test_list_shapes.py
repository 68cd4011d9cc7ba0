"""Lists serve summaries or whole objects (``list_shape``); detail reads are always whole.

Every fact is checked in both shapes, over a real socket with plain httpx; docs/contracts.md
lists the fields per endpoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from catalog_sync.emulator import EmulatorConfig, ListShape, serve_in_thread
from tests.emulator.bodies import seed_001_broker
from tests.emulator.conftest import SELLER, Api

SHAPES: list[ListShape] = ["full", "summary"]
SERVICE_SUMMARY = {"id", "name", "vendorName", "allowMultipleUsers", "customProperties"}
PRODUCT_SUMMARY = {"id", "name", "description", "itemCode"}
BROKER_DETAIL_ONLY = {"contact", "address", "invoiceContact", "customProperties"}
UI_SETTINGS = {
    "billingGeneration": "Manual",
    "displayOnly": True,
    "userAssignedService": True,
    "oneSubscriptionPerOrganization": True,
}
UI_DEFAULTS: dict[str, Any] = {
    "billingGeneration": None,
    "displayOnly": False,
    "userAssignedService": False,
    "oneSubscriptionPerOrganization": False,
    "welcomeTemplateIds": [],
}


@pytest.fixture(params=SHAPES)
def shape(request: pytest.FixtureRequest) -> ListShape:
    value: ListShape = request.param
    return value


@pytest.fixture
def demo(shape: ListShape) -> Iterator[Api]:
    with serve_in_thread(EmulatorConfig(seed="demo", list_shape=shape)) as url:
        client = Api(url)
        yield client
        client.http.close()


def _details(api: Api, collection: str) -> tuple[list[Any], list[Any]]:
    listed = api.get_json(collection)
    return listed, [api.get_json(f"{collection}/{item['id']}") for item in listed]


def _service_ids(api: Api) -> list[str]:
    return [str(item["id"]) for item in api.get_json(f"{SELLER}/services")]


def test_service_list_items_are_summaries_and_the_detail_is_whole(
    demo: Api, shape: ListShape
) -> None:
    listed, details = _details(demo, f"{SELLER}/services")
    assert len(listed) == 5
    for item, detail in zip(listed, details, strict=True):
        assert set(UI_DEFAULTS) | {"status", "categoryIds", "provisioningType", "publish"} <= set(
            detail
        )
        if shape == "summary":
            assert set(item) == SERVICE_SUMMARY
            assert item == {key: detail[key] for key in SERVICE_SUMMARY}
        else:
            assert item == detail


def test_product_list_items_are_summaries_and_the_detail_is_whole(
    demo: Api, shape: ListShape
) -> None:
    seen = 0
    for service_id in _service_ids(demo):
        listed, details = _details(demo, f"{SELLER}/services/{service_id}/products")
        for item, detail in zip(listed, details, strict=True):
            seen += 1
            assert {"type", "price", "cost", "allowQuantityDecrease"} <= set(detail)
            if shape == "summary":
                assert set(item) == PRODUCT_SUMMARY
                assert item == {key: detail[key] for key in PRODUCT_SUMMARY}
            else:
                assert item == detail
    assert seen > 0


def test_broker_list_items_leave_out_contact_address_invoice_and_custom_properties(
    demo: Api, shape: ListShape
) -> None:
    demo.create(f"{SELLER}/brokers", seed_001_broker())
    listed, details = _details(demo, f"{SELLER}/brokers")
    assert len(listed) == 2
    for item, detail in zip(listed, details, strict=True):
        assert detail["contact"] is not None
        assert detail["address"] is not None
        if shape == "summary":
            assert set(item) == set(detail) - BROKER_DETAIL_ONLY
            assert item == {key: detail[key] for key in set(detail) - BROKER_DETAIL_ONLY}
        else:
            assert item == detail


def test_addon_lists_keep_whole_addons_in_both_shapes(demo: Api) -> None:
    seen = 0
    for service_id in _service_ids(demo):
        base = f"{SELLER}/services/{service_id}/products"
        for product in demo.get_json(base):
            listed, details = _details(demo, f"{base}/{product['id']}/addons")
            seen += len(listed)
            assert listed == details
    assert seen > 0


def test_ui_only_service_settings_are_read_by_detail_and_reset_by_a_put_without_them(
    demo: Api, shape: ListShape
) -> None:
    templates = demo.get_json(f"{SELLER}/settings/EmailTemplates")
    welcome = [templates[0]["id"]]
    service_id = demo.new_service("UI settings", **UI_SETTINGS, welcomeTemplateIds=welcome)
    path = f"{SELLER}/services/{service_id}"
    detail = demo.get_json(path)
    assert {key: detail[key] for key in UI_DEFAULTS} == {
        **UI_SETTINGS,
        "welcomeTemplateIds": welcome,
    }
    listed = next(s for s in demo.get_json(f"{SELLER}/services") if s["id"] == service_id)
    assert ("displayOnly" in listed) is (shape == "full")

    kept = {key: value for key, value in detail.items() if key not in ("id", "publish")}
    assert demo.http.put(path, json={**kept, "description": "changed"}).status_code == 204
    after = demo.get_json(path)
    assert after["description"] == "changed"
    assert {key: after[key] for key in UI_DEFAULTS} == {key: detail[key] for key in UI_DEFAULTS}

    managed_only = {"name": "UI settings", "categoryIds": detail["categoryIds"]}
    assert demo.http.put(path, json=managed_only).status_code == 204
    assert {key: demo.get_json(path)[key] for key in UI_DEFAULTS} == UI_DEFAULTS


def test_ui_only_service_settings_are_validated(demo: Api) -> None:
    body = {"name": "Bad", "categoryIds": [demo.category_id()]}
    response = demo.http.post(f"{SELLER}/services", json={**body, "billingGeneration": "Weekly"})
    assert response.status_code == 400
    assert list(response.json()) == ["BillingGeneration"]
    unknown = "00000000-0000-4000-8000-000000000000"
    response = demo.http.post(f"{SELLER}/services", json={**body, "welcomeTemplateIds": [unknown]})
    assert response.status_code == 400
    assert [e["errorCode"] for e in response.json()] == [5]


def test_a_product_field_the_catalog_does_not_model_survives_a_put_that_carries_it(
    demo: Api,
) -> None:
    service_id = demo.new_service("Products")
    product_id = demo.new_product(service_id, allowQuantityDecrease=True)
    path = f"{SELLER}/services/{service_id}/products/{product_id}"
    detail = demo.get_json(path)
    assert detail["allowQuantityDecrease"] is True
    body = {key: value for key, value in detail.items() if key != "id"}
    assert demo.http.put(path, json={**body, "price": 3}).status_code == 204
    assert demo.get_json(path)["allowQuantityDecrease"] is True
    without = {key: value for key, value in body.items() if key != "allowQuantityDecrease"}
    assert demo.http.put(path, json=without).status_code == 204
    assert demo.get_json(path)["allowQuantityDecrease"] is False


def test_custom_property_definitions_name_the_ids_brokers_use(demo: Api) -> None:
    definitions = demo.get_json(f"{SELLER}/settings/CustomProperties")
    assert [d["name"] for d in definitions] == ["Partner tier", "Invoice reference"]
    assert all(d["appliesToBrokers"] for d in definitions)
    values = [{"id": definitions[0]["id"], "value": "gold"}]
    broker_id = demo.create(f"{SELLER}/brokers", seed_001_broker(customProperties=values))
    assert demo.get_json(f"{SELLER}/brokers/{broker_id}")["customProperties"] == values
    unknown = [{"id": "00000000-0000-4000-8000-000000000000", "value": "x"}]
    body = seed_001_broker(registrationNumber="42", customProperties=unknown)
    response = demo.http.post(f"{SELLER}/brokers", json=body)
    assert response.status_code == 400
    assert [e["errorCode"] for e in response.json()] == [5]


def test_custom_property_definitions_need_a_token_and_are_empty_in_the_empty_seed(
    api: Api, base_url: str
) -> None:
    assert api.get_json(f"{SELLER}/settings/CustomProperties") == []
    anonymous = httpx.get(f"{base_url}{SELLER}/settings/CustomProperties")
    assert anonymous.status_code == 401


@pytest.mark.parametrize("start", SHAPES)
def test_admin_reset_sets_the_list_shape_and_a_plain_reset_restores_the_configured_one(
    start: ListShape,
) -> None:
    other: ListShape = "summary" if start == "full" else "full"

    def product_keys(api: Api) -> set[str]:
        service_id = _service_ids(api)[0]
        return set(api.get_json(f"{SELLER}/services/{service_id}/products")[0])

    with serve_in_thread(EmulatorConfig(seed="demo", list_shape=start)) as url:
        api = Api(url)
        keys = {"start": product_keys(api)}
        assert httpx.post(f"{url}/_emulator/reset", json={"listShape": other}).status_code == 204
        keys["after"] = product_keys(api)
        assert httpx.post(f"{url}/_emulator/reset", json={}).status_code == 204
        keys["plain"] = product_keys(api)
        bad = httpx.post(f"{url}/_emulator/reset", json={"listShape": "compact"})
        api.http.close()
    assert (keys["start"] == PRODUCT_SUMMARY) is (start == "summary")
    assert (keys["after"] == PRODUCT_SUMMARY) is (other == "summary")
    assert keys["plain"] == keys["start"]
    assert bad.status_code == 400
    assert "listShape" in bad.json()["error"]
