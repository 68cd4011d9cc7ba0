"""A test holds one request in the emulator until it releases it (catalog_sync/emulator/holds.py):
before its handler, or after it (committed, not yet answered), the nth match only."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from starlette.applications import Starlette

from catalog_sync.emulator import DEMO, EmulatorConfig, create_app
from tests.emulator.bodies import seed_001_broker

pytestmark = pytest.mark.anyio

SELLER = f"/api/sellers/{DEMO.seller_id}"
FORM = {"grant_type": "password", "username": DEMO.username, "password": DEMO.password}
BROKER = seed_001_broker()


@asynccontextmanager
async def _client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://emulator.test"
    ) as http:
        auth = (DEMO.client_id, DEMO.client_secret)
        token = await http.post("/connect/token", data=FORM, auth=auth)
        http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        yield http


async def test_a_held_write_waits_until_released_and_is_not_done_before() -> None:
    app = create_app(EmulatorConfig(seed="empty"))
    hold = app.state.emulator.holds.hold("POST", r"/brokers$")
    async with _client(app) as http:
        posting = asyncio.ensure_future(http.post(f"{SELLER}/brokers", json=BROKER))
        assert await asyncio.wait_for(hold.reached(), 10) == f"{SELLER}/brokers"
        assert (await http.get(f"{SELLER}/brokers")).json() == []  # not handled yet
        hold.release()
        assert (await posting).status_code == 201
        assert len((await http.get(f"{SELLER}/brokers")).json()) == 1


async def test_a_request_held_after_its_handler_is_committed_but_not_answered() -> None:
    app = create_app(EmulatorConfig(seed="empty"))
    hold = app.state.emulator.holds.hold("POST", r"/brokers$", after=True)
    async with _client(app) as http:
        posting = asyncio.ensure_future(http.post(f"{SELLER}/brokers", json=BROKER))
        await asyncio.wait_for(hold.reached(), 10)
        assert len((await http.get(f"{SELLER}/brokers")).json()) == 1
        assert not posting.done()
        hold.release()
        assert (await posting).status_code == 201


async def test_only_the_nth_matching_request_is_held() -> None:
    app = create_app(EmulatorConfig(seed="empty"))
    hold = app.state.emulator.holds.hold("GET", r"/brokers$", nth=2)
    async with _client(app) as http:
        assert (await http.get(f"{SELLER}/brokers")).status_code == 200  # the first passes
        second = asyncio.ensure_future(http.get(f"{SELLER}/brokers"))
        await asyncio.wait_for(hold.reached(), 10)
        assert not second.done()
        hold.release()
        assert (await second).status_code == 200
        assert (await http.get(f"{SELLER}/brokers")).status_code == 200  # held once only
