"""Reaching the real emulator from tests: in-process (ASGITransport) or served on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import SecretStr

from catalog_sync.cloudmore import ApiSettings, ReadWriteClient
from catalog_sync.emulator import DEMO
from catalog_sync.graph import Kind

IN_PROCESS_URL = "http://emulator.test"


def demo_settings(api_url: str, **changes: Any) -> ApiSettings:
    settings = ApiSettings(
        api_url=api_url,
        username=DEMO.username,
        password=SecretStr(DEMO.password),
        client_id=DEMO.client_id,
        client_secret=SecretStr(DEMO.client_secret),
        seller_id=DEMO.seller_id,
    )
    return settings.model_copy(update=changes)


@dataclass
class Admin:
    """The emulator's admin endpoints (no auth, never faulted, never logged)."""

    http: httpx.AsyncClient

    async def faults(self, **config: Any) -> None:
        response = await self.http.put("/_emulator/faults", json=config)
        response.raise_for_status()

    async def requests(self) -> list[dict[str, Any]]:
        response = await self.http.get("/_emulator/requests")
        response.raise_for_status()
        entries: list[dict[str, Any]] = response.json()
        return entries

    async def clear_requests(self) -> None:
        (await self.http.delete("/_emulator/requests")).raise_for_status()

    async def revoke_tokens(self) -> None:
        (await self.http.post("/_emulator/revoke-tokens")).raise_for_status()

    async def count(self, method: str, path_end: str) -> int:
        return sum(
            1
            for entry in await self.requests()
            if entry["method"] == method and entry["path"].endswith(path_end)
        )


@asynccontextmanager
async def admin_for(
    base_url: str, transport: httpx.AsyncBaseTransport | None = None
) -> AsyncIterator[Admin]:
    async with httpx.AsyncClient(base_url=base_url, transport=transport) as http:
        yield Admin(http)


async def product_based(client: ReadWriteClient) -> tuple[str, str]:
    """(service id, product id) of some ProductBased product of the demo seed."""
    for service in await client.list(Kind.SERVICE):
        for listed in await client.list(Kind.PRODUCT, (service.id,)):
            product = await client.get(Kind.PRODUCT, (service.id,), listed.id)
            if product.type == "ProductBased":
                return service.id, product.id
    raise AssertionError("the demo seed has no ProductBased product")
