"""Lists and reads by id serve the contract's shapes (``catalog_sync/kinds``): one model for
services (whole in the list and the read by id), summaries for products and brokers, whole
addons; the contract variants change them (docs/contracts.md, "Contract variants").

Checked over a real socket with plain httpx; docs/contracts.md lists the fields per endpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from catalog_sync.emulator import CONTRACT_VARIANTS, EmulatorConfig, serve_in_thread
from catalog_sync.emulator.views import EXTRA_FIELD, NESTED_EXTRA
from tests.emulator.bodies import seed_001_broker
from tests.emulator.conftest import SELLER, Api

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


@pytest.fixture(scope="module")
def demo_server() -> Iterator[str]:
    with serve_in_thread(EmulatorConfig(seed="demo")) as url:
        yield url


@pytest.fixture
def demo(demo_server: str) -> Iterator[Api]:
    httpx.post(f"{demo_server}/_emulator/reset", json={}).raise_for_status()
    client = Api(demo_server)
    yield client
    client.http.close()


def _details(api: Api, collection: str) -> tuple[list[Any], list[Any]]:
    listed = api.get_json(collection)
    return listed, [api.get_json(f"{collection}/{item['id']}") for item in listed]


def _service_ids(api: Api) -> list[str]:
    return [str(item["id"]) for item in api.get_json(f"{SELLER}/services")]


def test_a_service_list_item_is_the_whole_service_as_the_read_by_id(demo: Api) -> None:
    listed, details = _details(demo, f"{SELLER}/services")
    assert len(listed) == 5
    for item, detail in zip(listed, details, strict=True):
        assert set(UI_DEFAULTS) | {"status", "categoryIds", "provisioningType", "publish"} <= set(
            detail
        )
        assert item == detail


def test_product_list_items_are_summaries_and_the_detail_is_whole(demo: Api) -> None:
    seen = 0
    for service_id in _service_ids(demo):
        listed, details = _details(demo, f"{SELLER}/services/{service_id}/products")
        for item, detail in zip(listed, details, strict=True):
            seen += 1
            assert {"type", "price", "cost", "allowQuantityDecrease"} <= set(detail)
            assert set(item) == PRODUCT_SUMMARY
            assert item == {key: detail[key] for key in PRODUCT_SUMMARY}
    assert seen > 0


def test_broker_list_items_leave_out_contact_address_invoice_and_custom_properties(
    demo: Api,
) -> None:
    demo.create(f"{SELLER}/brokers", seed_001_broker())
    listed, details = _details(demo, f"{SELLER}/brokers")
    assert len(listed) == 2
    for item, detail in zip(listed, details, strict=True):
        assert detail["contact"] is not None
        assert detail["address"] is not None
        assert set(item) == set(detail) - BROKER_DETAIL_ONLY
        assert item == {key: detail[key] for key in set(detail) - BROKER_DETAIL_ONLY}


def test_addon_lists_keep_whole_addons(demo: Api) -> None:
    seen = 0
    for service_id in _service_ids(demo):
        base = f"{SELLER}/services/{service_id}/products"
        for product in demo.get_json(base):
            listed, details = _details(demo, f"{base}/{product['id']}/addons")
            seen += len(listed)
            assert listed == details
    assert seen > 0


def test_ui_only_service_settings_are_read_and_reset_by_a_put_without_them(demo: Api) -> None:
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
    assert listed == detail

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


Served = Callable[..., tuple[httpx.Client, dict[str, str]]]


@pytest.fixture
def served(demo_server: str) -> Iterator[Served]:
    """The module's demo emulator reset to serve some variants: a client with a token, and the
    ids of Google Workspace's service, its first product, and the first broker."""
    clients: list[Api] = []

    def serve(*variants: str) -> tuple[httpx.Client, dict[str, str]]:
        reset = {"variants": list(variants)}
        httpx.post(f"{demo_server}/_emulator/reset", json=reset).raise_for_status()
        api = Api(demo_server)
        clients.append(api)
        client = api.http
        services = client.get(f"{SELLER}/services").json()
        service = next(s for s in services if s["name"] == "Google Workspace")
        product = client.get(f"{SELLER}/services/{service['id']}/products").json()[0]
        broker = client.get(f"{SELLER}/brokers").json()[0]
        return client, {"service": service["id"], "product": product["id"], "broker": broker["id"]}

    yield serve
    for api in clients:
        api.http.close()
    httpx.post(f"{demo_server}/_emulator/reset", json={"variants": []}).raise_for_status()


def test_service_thin_serves_the_five_documented_fields_in_the_list_and_the_read(
    served: Callable[..., tuple[httpx.Client, dict[str, str]]],
) -> None:
    client, ids = served("service-thin")
    listed = client.get(f"{SELLER}/services").json()
    read = client.get(f"{SELLER}/services/{ids['service']}").json()
    assert all(set(item) == SERVICE_SUMMARY for item in listed)
    assert set(read) == SERVICE_SUMMARY


def test_publish_unreadable_serves_no_publish(
    served: Callable[..., tuple[httpx.Client, dict[str, str]]],
) -> None:
    client, ids = served("publish-unreadable")
    read = client.get(f"{SELLER}/services/{ids['service']}").json()
    assert "publish" not in read
    assert "status" in read


def test_extra_fields_serves_unknown_fields_and_notes_a_put_that_drops_them(
    served: Callable[..., tuple[httpx.Client, dict[str, str]]],
) -> None:
    client, ids = served("extra-fields")
    path = f"{SELLER}/brokers/{ids['broker']}"
    read = client.get(path).json()
    assert read[EXTRA_FIELD]
    assert read["contact"][NESTED_EXTRA]
    assert client.put(path, json=read).status_code == 204
    assert client.get(path).json() == read
    without = {k: v for k, v in read.items() if k != EXTRA_FIELD}
    without["contact"] = {k: v for k, v in read["contact"].items() if k != NESTED_EXTRA}
    assert client.put(path, json=without).status_code == 204
    again = client.get(path).json()
    assert EXTRA_FIELD not in again
    assert NESTED_EXTRA not in again["contact"]
    assert NESTED_EXTRA in again["address"]
    service = f"{SELLER}/services/{ids['service']}"
    publish = client.get(service).json()["publish"]
    assert publish[NESTED_EXTRA]
    assert client.put(f"{service}/publish", json=publish).status_code == 204
    assert NESTED_EXTRA in client.get(service).json()["publish"]
    bare = {k: v for k, v in publish.items() if k != NESTED_EXTRA}
    assert client.put(f"{service}/publish", json=bare).status_code == 204
    assert NESTED_EXTRA not in client.get(service).json()["publish"]


def test_pricelist_array_serves_the_bare_items(
    served: Callable[..., tuple[httpx.Client, dict[str, str]]],
) -> None:
    client, ids = served("pricelist-array")
    admin = f"/_emulator/services/{ids['service']}/currencies/SEK"
    assert httpx.put(f"{client.base_url}{admin}").status_code == 204
    read = client.get(f"{SELLER}/services/{ids['service']}/pricelist?currencyCode=SEK").json()
    assert isinstance(read, list)
    assert {"productId", "itemCode", "price", "addons"} <= set(read[0])


def test_drops_field_answers_204_and_leaves_the_product_name(
    served: Callable[..., tuple[httpx.Client, dict[str, str]]],
) -> None:
    client, ids = served("drops-field")
    path = f"{SELLER}/services/{ids['service']}/products/{ids['product']}"
    read = client.get(path).json()
    body = {**read, "name": "Renamed", "description": "changed"}
    assert client.put(path, json=body).status_code == 204
    after = client.get(path).json()
    assert (after["name"], after["description"]) == (read["name"], "changed")


def test_admin_reset_sets_the_variants_and_a_plain_reset_restores_the_configured_ones() -> None:
    def service_keys(api: Api) -> set[str]:
        return set(api.get_json(f"{SELLER}/services")[0])

    with serve_in_thread(EmulatorConfig(seed="demo", variants=("service-thin",))) as url:
        api = Api(url)
        keys = {"start": service_keys(api)}
        reset = httpx.post(f"{url}/_emulator/reset", json={"variants": []})
        assert reset.status_code == 204
        keys["after"] = service_keys(api)
        assert httpx.post(f"{url}/_emulator/reset", json={}).status_code == 204
        keys["plain"] = service_keys(api)
        bad = httpx.post(f"{url}/_emulator/reset", json={"variants": ["compact"]})
        api.http.close()
    assert keys["start"] == SERVICE_SUMMARY
    assert keys["after"] > SERVICE_SUMMARY
    assert keys["plain"] == keys["start"]
    assert bad.status_code == 400
    assert "variants" in bad.json()["error"]
    assert "service-thin" in CONTRACT_VARIANTS
