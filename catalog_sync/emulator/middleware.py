"""The ASGI layer that injects faults and latency and writes the request log.

It wraps the whole app, so a fault answered here never reaches a handler, except the
``ambiguous_*`` kinds, which let the handler commit the write before the answer goes wrong,
and ``hang``, which answers normally after ``hangSeconds``. A request a test holds
(:mod:`catalog_sync.emulator.holds`) waits here until released. Admin paths pass straight
through: never faulted, never logged.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from catalog_sync.emulator.config import FaultKind

if TYPE_CHECKING:
    from catalog_sync.emulator.app import Emulator

__all__ = ["ADMIN_PREFIX", "FaultMiddleware"]

ADMIN_PREFIX = "/_emulator/"

_PLAIN_FAULTS: dict[FaultKind, int] = {
    "rate_limit": 429,
    "server_error": 500,
    "bad_gateway": 502,
    "unavailable": 503,
    "gateway_timeout": 504,
    "unauthorized": 401,
}
_WITH_RETRY_AFTER = {"rate_limit", "unavailable"}


async def _answer(send: Send, status: int, headers: list[tuple[bytes, bytes]]) -> None:
    headers = [*headers, (b"content-length", b"0")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


async def _drop(send: Send) -> None:
    # Announce more bytes than ever come, then stop: over a socket uvicorn closes the
    # connection and the client sees an incomplete message, as when a proxy dies mid-answer.
    headers = [(b"content-type", b"application/json"), (b"content-length", b"1024")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b'{"', "more_body": True})


class FaultMiddleware:
    def __init__(self, app: ASGIApp, emulator: Emulator) -> None:
        self.app = app
        self.emulator = emulator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        emulator = self.emulator
        method: str = scope["method"]
        seq = emulator.request_log.next_seq()
        started_wall, started = time.time(), time.perf_counter()
        decision = emulator.faults.decide(method, path)
        kind = decision.kind
        status: int | None = None
        # An ambiguous fault lets the handler commit, but its answer never reaches the client.
        answered = kind not in ("ambiguous_502", "ambiguous_drop")

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            if answered:
                await send(message)

        # A test holding this request once it is handled (holds.py): the answer waits too.
        holding_after = emulator.holds.holds_after(method, path)
        held: list[Message] = []

        async def held_answer(message: Message) -> None:
            held.append(message)

        try:
            if decision.delay_seconds > 0:
                await asyncio.sleep(decision.delay_seconds)
            if kind in _PLAIN_FAULTS:
                headers: list[tuple[bytes, bytes]] = []
                if kind in _WITH_RETRY_AFTER:
                    headers.append((b"retry-after", str(decision.retry_after).encode()))
                if kind == "unauthorized":
                    headers.append((b"www-authenticate", b'Bearer error="invalid_token"'))
                status = _PLAIN_FAULTS[kind]
                await _answer(send, status, headers)
            elif kind == "ambiguous_502":
                await self.app(scope, receive, send_status)
                status = 502
                await _answer(send, status, [])
            elif kind == "ambiguous_drop":
                await self.app(scope, receive, send_status)
                await _drop(send)
            else:
                if kind == "hang":
                    await asyncio.sleep(emulator.faults.config.hang_seconds)
                await emulator.holds.wait_if_held(method, path)
                await self.app(scope, receive, held_answer if holding_after else send_status)
                if holding_after:
                    await emulator.holds.wait_if_held(method, path, after=True)
                    for message in held:
                        await send_status(message)
        except Exception:
            # Starlette's outer error middleware turns this into a 500; log it as one.
            status = status or 500
            raise
        finally:
            emulator.request_log.record(
                seq,
                method,
                path,
                status,
                kind,
                started_wall,
                time.perf_counter() - started,
                agent=Headers(scope=scope).get("user-agent"),
            )
