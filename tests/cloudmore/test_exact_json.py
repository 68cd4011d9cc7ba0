"""Money leaves as the exact decimal, a JSON number literal (defect 6); a Location that names
no GUID is not taken for the new id (defect 5)."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest

from catalog_sync.cloudmore import ApiSettings, open_read_write
from catalog_sync.graph import Kind
from catalog_sync.kinds.addon import AddonBody
from catalog_sync.kinds.service import ServiceBody
from tests.cloudmore.fakes import FakeCloudmore

BIG = Decimal("549755813888.0003")  # 2**39 + 0.0003: as a float it is sent as ...888.0002


@pytest.mark.anyio
async def test_a_large_amount_is_sent_as_its_exact_literal(settings: ApiSettings) -> None:
    api = FakeCloudmore()
    sent: list[bytes] = []

    def capture(request: httpx.Request) -> httpx.Response:
        sent.append(request.content)
        return api._serve(request)

    api.add("POST", r"/addons$", capture)
    body = AddonBody(name="Big", item_code="big", price=BIG, cost=Decimal("0.0125"))
    async with open_read_write(settings, transport=api.transport()) as client:
        await client.create(Kind.ADDON, ("s1", "p1"), body)
    (content,) = sent
    assert b'"price":549755813888.0003' in content
    assert b'"cost":0.0125' in content
    assert json.loads(content, parse_float=Decimal)["price"] == BIG


@pytest.mark.anyio
@pytest.mark.parametrize("location", ["/api/sellers/s/services", "/api/sellers/s/created"])
async def test_a_location_that_is_no_guid_is_not_the_new_id(
    settings: ApiSettings, location: str
) -> None:
    api = FakeCloudmore()

    def created_elsewhere(request: httpx.Request) -> httpx.Response:
        served = api._serve(request)
        return httpx.Response(201, headers={"Location": location}, content=served.content)

    api.add("POST", r"/services$", created_elsewhere, commit_first=False)
    async with open_read_write(settings, transport=api.transport()) as client:
        new_id = await client.create(Kind.SERVICE, (), ServiceBody(name="New service"))
        listed = {s.name: s.id for s in await client.list(Kind.SERVICE)}
    assert new_id == listed["New service"]
