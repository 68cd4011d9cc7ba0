"""Seller webhooks in the emulator (docs/contracts.md, "Seller webhooks"), in process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from catalog_sync.emulator import DEMO, EmulatorConfig, create_app
from catalog_sync.emulator.ids import stable_id
from catalog_sync.emulator.store import Store
from catalog_sync.emulator.webhook import TABLE
from tests.emulator.conftest import SELLER, token_form

HOOKS = f"{SELLER}/webhooks"
GWS = stable_id("service", "Google Workspace")
ACRONIS = stable_id("service", "Acronis Cyber Protect")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def demo() -> AsyncIterator[tuple[httpx.AsyncClient, Store]]:
    app = create_app(EmulatorConfig(seed="demo"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator.test") as http:
        answer = await http.post(
            "/connect/token", data=token_form(), auth=(DEMO.client_id, DEMO.client_secret)
        )
        http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        yield http, app.state.emulator.store


def _body(**changes: Any) -> dict[str, Any]:
    body = {
        "name": "notify",
        "serviceId": GWS,
        "url": "https://connector.example.com/notify",
        "triggerEventType": "SubscriptionCreated",
        "messageToSendType": "OnlyTriggerAction",
    }
    return {**body, **changes}


@pytest.mark.anyio
async def test_the_demo_seed_lists_every_webhook_once_at_the_seller_root(
    demo: tuple[httpx.AsyncClient, Store],
) -> None:
    http, _ = demo
    listed = (await http.get(HOOKS)).json()
    assert sorted((row["serviceId"], row["name"]) for row in listed) == sorted(
        [(GWS, "provision"), (GWS, "deprovision"), (ACRONIS, "provision")]
    )
    assert set(listed[0]) == {
        "id",
        "name",
        "serviceId",
        "url",
        "triggerEventType",
        "messageToSendType",
        "httpHeader",
        "basicAuthUserName",
    }


@pytest.mark.anyio
async def test_create_read_replace_delete(demo: tuple[httpx.AsyncClient, Store]) -> None:
    http, _ = demo
    created = await http.post(HOOKS, json=_body())
    assert created.status_code == 201
    location = created.headers["Location"]
    assert location.startswith(f"http://emulator.test{HOOKS}/")
    hook_id = location.rsplit("/", 1)[1]
    read = (await http.get(f"{HOOKS}/{hook_id}")).json()
    assert read == {"id": hook_id, **_body(), "httpHeader": None, "basicAuthUserName": None}
    replaced = await http.put(f"{HOOKS}/{hook_id}", json=_body(url="https://other.example.com/x"))
    assert replaced.status_code == 204
    assert (await http.get(f"{HOOKS}/{hook_id}")).json()["url"] == "https://other.example.com/x"
    assert (await http.delete(f"{HOOKS}/{hook_id}")).status_code == 204
    assert (await http.get(f"{HOOKS}/{hook_id}")).status_code == 404


@pytest.mark.anyio
async def test_the_password_and_the_header_value_are_never_read_and_a_put_without_them_clears_them(
    demo: tuple[httpx.AsyncClient, Store],
) -> None:
    http, store = demo
    secret = {
        "basicAuthUserName": "cloudmore",
        "basicAuthPassword": "s3cret-connector-pw",
        "httpHeader": {"name": "Authorization", "value": "Bearer t0ken-value"},
    }
    created = await http.post(HOOKS, json=_body(**secret))
    hook_id = created.headers["Location"].rsplit("/", 1)[1]
    for path in (HOOKS, f"{HOOKS}/{hook_id}"):
        text = (await http.get(path)).text
        assert "s3cret-connector-pw" not in text
        assert "t0ken-value" not in text
    read = (await http.get(f"{HOOKS}/{hook_id}")).json()
    assert read["httpHeader"] == {"name": "Authorization"}
    assert read["basicAuthUserName"] == "cloudmore"
    record = store.table(TABLE)[hook_id]
    assert record["_basicAuthPassword"] == "s3cret-connector-pw"
    assert record["_httpHeaderValue"] == "Bearer t0ken-value"
    # A PUT is a replace: the read shape sent back clears what only a write carries.
    await http.put(f"{HOOKS}/{hook_id}", json={**read, "serviceId": GWS})
    assert store.table(TABLE)[hook_id]["_basicAuthPassword"] is None
    assert store.table(TABLE)[hook_id]["_httpHeaderValue"] is None


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"url": "connector.example.com/x"}, "Url"),
        ({"url": None}, "Url"),
        ({"name": ""}, "Name"),
        ({"serviceId": "not-a-guid"}, "ServiceId"),
        ({"triggerEventType": "SomethingElse"}, "TriggerEventType"),
        ({"httpHeader": {"value": "x"}}, "HttpHeader.Name"),
    ],
)
async def test_a_bad_body_is_a_model_state_400(
    demo: tuple[httpx.AsyncClient, Store], changes: dict[str, Any], key: str
) -> None:
    http, _ = demo
    answer = await http.post(HOOKS, json=_body(**changes))
    assert answer.status_code == 400
    assert key in answer.json()


@pytest.mark.anyio
async def test_further_subscription_events_are_accepted(
    demo: tuple[httpx.AsyncClient, Store],
) -> None:
    http, _ = demo
    answer = await http.post(HOOKS, json=_body(triggerEventType="SubscriptionSuspended"))
    assert answer.status_code == 201


@pytest.mark.anyio
async def test_business_rules_unknown_service_duplicate_name_and_move(
    demo: tuple[httpx.AsyncClient, Store],
) -> None:
    http, _ = demo
    unknown = await http.post(HOOKS, json=_body(serviceId=stable_id("service", "nope")))
    assert unknown.status_code == 400
    assert unknown.json()[0]["errorCode"] == 2
    duplicate = await http.post(HOOKS, json=_body(name="PROVISION"))
    assert duplicate.status_code == 400
    assert duplicate.json()[0]["errorCode"] == 3
    # Google Workspace's "deprovision" is no obstacle under another service.
    other = await http.post(HOOKS, json=_body(name="deprovision", serviceId=ACRONIS))
    assert other.status_code == 201
    hook_id = other.headers["Location"].rsplit("/", 1)[1]
    moved = await http.put(f"{HOOKS}/{hook_id}", json=_body(name="x", serviceId=GWS))
    assert moved.status_code == 400
    assert moved.json()[0]["errorCode"] == 6


def test_a_state_file_without_the_table_reads_as_one_without_webhooks() -> None:
    store = Store("s")
    data = store.to_json()
    del data[TABLE]
    assert dict(Store.from_json(data).table(TABLE)) == {}
