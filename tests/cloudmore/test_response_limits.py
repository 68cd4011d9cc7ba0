"""A response larger than any Cloudmore answer is refused, not read whole (defect 9)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from catalog_sync.cloudmore import ApiSettings, open_read_only
from catalog_sync.errors import UnexpectedResponseError
from catalog_sync.graph import Kind
from catalog_sync.limits import MAX_RESPONSE_BYTES
from tests.cloudmore.fakes import FakeCloudmore


async def _chunked() -> AsyncIterator[bytes]:
    """Twice the bound, with no Content-Length."""
    chunk = b" " * 1024 * 1024
    for _ in range(2 * MAX_RESPONSE_BYTES // len(chunk)):
        yield chunk


@pytest.mark.anyio
@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_an_oversized_response_is_refused(settings: ApiSettings, declared: bool) -> None:
    api = FakeCloudmore()

    def huge(request: httpx.Request) -> httpx.Response:
        if declared:
            return httpx.Response(200, content=b" " * (MAX_RESPONSE_BYTES + 1))
        return httpx.Response(200, content=_chunked())

    api.add("GET", r"/services$", huge)
    async with open_read_only(settings, transport=api.transport()) as client:
        with pytest.raises(UnexpectedResponseError) as refused:
            await client.list(Kind.SERVICE)
    message = str(refused.value)
    assert message.startswith("GET /api/sellers/")
    assert f"larger than {MAX_RESPONSE_BYTES:,} bytes" in message
