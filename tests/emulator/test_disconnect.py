"""A client that hangs up before its request body is read (a ``hang`` fault outlasting its
timeout) ends the request quietly: no answer, no traceback, one debug line."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from catalog_sync.emulator import DEMO, EmulatorConfig, create_app
from tests.emulator.conftest import SELLER, token_form


def _call(app: Any, method: str, path: str, headers: list[tuple[bytes, bytes]]) -> list[Any]:
    """Run one request whose client is gone before the body arrives; what the app sent."""
    sent: list[Any] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: Any) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"emulator.test"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("emulator.test", 80),
    }
    asyncio.run(app(scope, receive, send))
    return sent


@pytest.mark.parametrize("authenticated", [True, False])
def test_a_client_gone_before_its_body_is_read_gets_no_answer_and_no_traceback(
    caplog: pytest.LogCaptureFixture, authenticated: bool
) -> None:
    app = create_app(EmulatorConfig(seed="demo"))
    emulator = app.state.emulator
    if authenticated:
        status, body = emulator.tokens.issue(
            token_form(client_id=DEMO.client_id, client_secret=DEMO.client_secret), None
        )
        assert status == 200
        service = next(iter(emulator.store.services.values()))
        method, path = "PUT", f"{SELLER}/services/{service['id']}"
        headers = [(b"authorization", f"Bearer {body['access_token']}".encode())]
    else:
        method, path, headers = "POST", "/connect/token", []
    with caplog.at_level(logging.DEBUG):
        sent = _call(app, method, path, headers)
    assert sent == []
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert any("the client disconnected" in r.getMessage() for r in caplog.records)
    assert not any(r.exc_info for r in caplog.records)
    (entry,) = emulator.request_log.entries()
    assert (entry["method"], entry["path"], entry["status"]) == (method, path, None)
