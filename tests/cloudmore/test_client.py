from __future__ import annotations

import inspect
from decimal import Decimal

import httpx
import pytest

import catalog_sync.cloudmore as cloudmore
from catalog_sync.cloudmore import (
    ApiSettings,
    ReadOnlyClient,
    ReadWriteClient,
    open_read_only,
    open_read_write,
)
from catalog_sync.errors import (
    ApiValidationError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
    UnexpectedResponseError,
)
from catalog_sync.graph import Kind
from catalog_sync.kinds.addon import AddonBody
from catalog_sync.kinds.publish import PublishBody
from catalog_sync.kinds.service import ServiceBody
from tests.cloudmore.fakes import SELLER, FakeCloudmore, FakeSleep, raise_error, status

SERVICES = f"/api/sellers/{SELLER}/services"
ADDONS = f"{SERVICES}/s1/products/p1/addons"
ADDON = AddonBody(name="Std", item_code="std", price=Decimal("10.00"), price_per="Quantity")

WRITE_METHODS = {"create", "replace", "remove"}


def test_public_surface() -> None:
    assert set(cloudmore.__all__) == {
        "ENVIRONMENTS",
        "ApiSettings",
        "ClientMetrics",
        "ReadOnlyClient",
        "ReadWriteClient",
        "RetryPolicy",
        "load_settings",
        "open_read_only",
        "open_read_write",
        "wire",
    }


def test_read_only_client_has_no_write_method_at_all() -> None:
    public = {name for name, _ in inspect.getmembers(ReadOnlyClient) if not name.startswith("_")}
    assert not public & WRITE_METHODS
    assert not any(
        name.startswith(("create", "update", "replace", "remove", "delete", "disable", "publish"))
        for name in public
    )
    assert set(dir(ReadWriteClient)) >= WRITE_METHODS


def test_only_http_module_imports_httpx() -> None:
    import pathlib

    package = pathlib.Path(cloudmore.__file__).parent.parent
    importers = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "import httpx" in path.read_text() or "from httpx" in path.read_text()
    )
    assert importers == ["cloudmore/http.py"]


@pytest.mark.anyio
async def test_reads_parse_lists_and_single_objects(settings: ApiSettings) -> None:
    api = FakeCloudmore(
        collections={
            SERVICES: [{"id": "s1", "name": "S", "status": "Disabled", "extra": [1]}],
            f"{SERVICES}/s1/products": [{"id": "p1", "name": "P", "itemCode": "p", "price": 1.5}],
        }
    )
    async with open_read_only(settings, transport=api.transport()) as client:
        (service,) = await client.list(Kind.SERVICE)
        assert service.status == "Disabled"
        assert (await client.get(Kind.SERVICE, (), "s1")).name == "S"
        (product,) = await client.list(Kind.PRODUCT, ("s1",))
        assert product.price == Decimal("1.5")
        assert (await client.get(Kind.PRODUCT, ("s1",), "p1")).item_code == "p"
        with pytest.raises(NotFoundError, match=r"GET .*/services/nope: not found \(404\)"):
            await client.get(Kind.SERVICE, (), "nope")


@pytest.mark.anyio
async def test_unexpected_body_is_an_unexpected_response_error(settings: ApiSettings) -> None:
    api = FakeCloudmore(collections={SERVICES: [{"name": "no id"}]})
    async with open_read_only(settings, transport=api.transport()) as client:
        with pytest.raises(UnexpectedResponseError, match=r"not a list of Service: 0.id"):
            await client.list(Kind.SERVICE)


@pytest.mark.anyio
async def test_403_says_the_seller_is_not_accessible(settings: ApiSettings) -> None:
    api = FakeCloudmore()
    api.add("GET", "/services$", status(403))
    async with open_read_only(settings, transport=api.transport()) as client:
        with pytest.raises(PermissionDeniedError, match="CLOUDMORE_SELLER_ID"):
            await client.list(Kind.SERVICE)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("body", "reasons"),
    [
        (
            {"Name": ["The Name field is required."], "ItemCode": ["Required."]},
            {"Name": ("The Name field is required.",), "ItemCode": ("Required.",)},
        ),
        (
            [{"errorCode": 6, "errorName": "NotAllowed", "errorMessage": "pricePer"}],
            {"NotAllowed": ("pricePer",)},
        ),
    ],
)
async def test_400_carries_the_server_reasons(
    settings: ApiSettings, body: object, reasons: dict[str, tuple[str, ...]]
) -> None:
    api = FakeCloudmore()
    api.add("POST", "/addons$", status(400, body=body))
    async with open_read_write(settings, transport=api.transport()) as client:
        with pytest.raises(ApiValidationError) as raised:
            await client.create(Kind.ADDON, ("s1", "p1"), ADDON)
    assert raised.value.reasons == reasons
    assert str(raised.value).startswith(f"POST {ADDONS}: rejected (400): ")
    assert raised.value.status == 400


@pytest.mark.anyio
async def test_new_id_from_location(settings: ApiSettings) -> None:
    api = FakeCloudmore()
    async with open_read_write(settings, transport=api.transport()) as client:
        new_id = await client.create(Kind.ADDON, ("s1", "p1"), ADDON)
    assert api.collections[ADDONS][0]["id"] == new_id
    assert api.count("GET", "/addons$") == 0
    sent = api.collections[ADDONS][0]
    assert sent["itemCode"] == "std"
    assert sent["price"] == 10


@pytest.mark.anyio
async def test_new_id_from_body_when_no_location(settings: ApiSettings) -> None:
    api = FakeCloudmore(location_header=False, body_id=True)
    async with open_read_write(settings, transport=api.transport()) as client:
        new_id = await client.create(Kind.ADDON, ("s1", "p1"), ADDON)
    assert api.collections[ADDONS][0]["id"] == new_id
    assert api.count("GET", "/addons$") == 0


@pytest.mark.anyio
async def test_new_id_from_a_relist_when_neither(settings: ApiSettings) -> None:
    api = FakeCloudmore(location_header=False)
    async with open_read_write(settings, transport=api.transport()) as client:
        new_id = await client.create(Kind.SERVICE, (), ServiceBody(name="New service"))
    assert api.collections[SERVICES][0]["id"] == new_id
    assert api.count("GET", "/services$") == 1


@pytest.mark.anyio
@pytest.mark.parametrize(
    "fault",
    [raise_error(httpx.ReadTimeout), raise_error(httpx.RemoteProtocolError), status(502)],
)
async def test_ambiguous_create_that_committed_is_adopted_not_duplicated(
    settings: ApiSettings, fake_sleep: FakeSleep, fault: object
) -> None:
    api = FakeCloudmore()
    api.add("POST", "/addons$", fault, commit_first=True)  # type: ignore[arg-type]
    async with open_read_write(settings, transport=api.transport(), sleep=fake_sleep) as client:
        new_id = await client.create(Kind.ADDON, ("s1", "p1"), ADDON)
        assert client.metrics.adopted_creates == 1
    assert [item["id"] for item in api.collections[ADDONS]] == [new_id]
    assert api.count("POST", "/addons$") == 1


@pytest.mark.anyio
async def test_ambiguous_create_that_did_not_commit_is_sent_again(
    settings: ApiSettings, fake_sleep: FakeSleep
) -> None:
    api = FakeCloudmore()
    api.add("POST", "/addons$", raise_error(httpx.ReadTimeout))
    async with open_read_write(settings, transport=api.transport(), sleep=fake_sleep) as client:
        new_id = await client.create(Kind.ADDON, ("s1", "p1"), ADDON)
        assert client.metrics.adopted_creates == 0
    assert [item["id"] for item in api.collections[ADDONS]] == [new_id]
    assert api.count("POST", "/addons$") == 2
    assert api.count("GET", "/addons$") == 1  # looked before sending again


@pytest.mark.anyio
async def test_create_that_keeps_failing_ambiguously_still_adopts_at_the_end(
    settings: ApiSettings, fake_sleep: FakeSleep
) -> None:
    api = FakeCloudmore()
    api.add("POST", "/addons$", status(500), count=99)
    async with open_read_write(settings, transport=api.transport(), sleep=fake_sleep) as client:
        with pytest.raises(ServerError, match=r"POST .*/addons: server error \(500\) after 8"):
            await client.create(Kind.ADDON, ("s1", "p1"), ADDON)
    assert api.collections.get(ADDONS, []) == []


@pytest.mark.anyio
async def test_updates_disable_publish_and_deletes(settings: ApiSettings) -> None:
    api = FakeCloudmore(collections={SERVICES: [{"id": "s1", "name": "S"}]})
    async with open_read_write(settings, transport=api.transport()) as client:
        await client.replace(Kind.SERVICE, (), "s1", ServiceBody(name="T", status="Active"))
        assert api.collections[SERVICES][0]["status"] == "Active"
        await client.replace(Kind.PUBLISH, ("s1",), "s1", PublishBody(publish_to="AllBrokers"))
        assert api.collections[SERVICES][0]["publish"] == {
            "publishTo": "AllBrokers",
            "regionIds": [],
            "countryIds": [],
            "brokerIds": [],
        }
        await client.remove(Kind.SERVICE, (), "s1")
        assert api.collections[SERVICES] == []  # the fake deletes; Cloudmore disables
        with pytest.raises(NotFoundError):
            await client.remove(Kind.PRODUCT, ("s1",), "p9")


@pytest.mark.anyio
async def test_healthcheck_needs_no_token(settings: ApiSettings) -> None:
    api = FakeCloudmore()
    async with open_read_only(settings, transport=api.transport()) as client:
        await client.healthcheck()
    assert api.tokens_issued == 0


@pytest.mark.anyio
async def test_metrics_lines(settings: ApiSettings) -> None:
    api = FakeCloudmore(collections={SERVICES: []})
    async with open_read_only(settings, transport=api.transport()) as client:
        await client.list(Kind.SERVICE)
    text = "\n".join(client.metrics.lines())
    assert "GET 200: 1" in text
    assert "POST 200: 1" in text
    assert "token requests: 1" in text
    assert client.metrics.total_time >= 0
