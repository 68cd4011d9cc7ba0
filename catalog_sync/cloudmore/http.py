"""The one module that imports httpx.

Everything else in catalog-sync talks HTTP through the names exported here, so that replacing
the HTTP library is a change to this file. :class:`HttpClient` owns the connection pool and the
concurrency bound; both come from one ``parallelism`` number so that the pool never hands out
more connections than requests are allowed to run at once.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json as _json
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal

# httpx imports its own command-line client (with rich, pygments and click) whenever those
# are installed, as they are here: a tenth of catalog-sync's start-up for a program nobody
# runs in this process. Marked absent, httpx falls back to a stub ``httpx.main``.
if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # None: "absent"
# httpcore runs `import sniffio` several times per request to learn which event loop runs it,
# and falls back to asyncio (ours) when sniffio is not installed. anyio no longer brings it in,
# so each of those imports searched sys.path again: about 0.25 ms a time, six per request.
# Marked absent, the import fails at once (where sniffio is installed, nothing changes).
if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
    sys.modules["sniffio"] = None  # type: ignore[assignment]  # None: "absent"

import httpx

from catalog_sync import __version__
from catalog_sync.errors import UnexpectedResponseError
from catalog_sync.limits import MAX_RESPONSE_BYTES
from catalog_sync.redact import redact

__all__ = [
    "ASGITransport",
    "AsyncTransport",
    "Auth",
    "HTTPTransportError",
    "HttpClient",
    "Request",
    "Response",
    "is_request_unsent",
]

Request = httpx.Request
Response = httpx.Response
Auth = httpx.Auth
AsyncTransport = httpx.AsyncBaseTransport
ASGITransport = httpx.ASGITransport

HTTPTransportError = httpx.TransportError
"""Any failure below HTTP: connect, read, write, protocol, timeouts."""

ResponseHook = Callable[[Response], Awaitable[None]]


def is_request_unsent(error: BaseException) -> bool:
    """True when the transport failed before any byte of the request left this process.

    Only then is repeating a non-idempotent request (a POST) certainly safe.
    """
    return isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


class _RedactingFilter(logging.Filter):
    """httpx logs each response's reason phrase as received, at info level: a server may
    put anything there, so its log records are redacted like every other server text."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True


for _name in ("httpx", "httpcore", "httpcore.connection", "httpcore.http11", "httpcore.http2"):
    logging.getLogger(_name).addFilter(_RedactingFilter())


def encode_json(value: object) -> bytes:
    """JSON with every Decimal written as the exact number literal it is (``549755813888.0001``),
    never through a binary float, which loses digits from 2**39 up (docs/contracts.md)."""
    literals: dict[str, str] = {}

    def mark(item: object) -> object:
        if isinstance(item, Decimal):
            if not item.is_finite():
                raise ValueError(f"{item} cannot be sent as a JSON number")
            token = f"\x00decimal{len(literals)}\x00"
            literals[token] = format(item, "f")
            return token
        if isinstance(item, dict):
            return {key: mark(inner) for key, inner in item.items()}
        if isinstance(item, list | tuple):
            return [mark(inner) for inner in item]
        return item

    text = _json.dumps(mark(value), ensure_ascii=False, separators=(",", ":"))
    for token, literal in literals.items():
        text = text.replace(_json.dumps(token), literal, 1)
    return text.encode("utf-8")


def _too_large(request: Request, status: int) -> UnexpectedResponseError:
    return UnexpectedResponseError(
        f"the response is larger than {MAX_RESPONSE_BYTES:,} bytes, more than any Cloudmore "
        "answer needs: refused unread",
        method=request.method,
        path=request.url.path,
        status=status,
    )


class HttpClient:
    """An async HTTP client with at most ``parallelism`` requests in flight."""

    def __init__(
        self,
        *,
        base_url: str,
        parallelism: int,
        connect_timeout: float,
        read_timeout: float,
        auth: Auth,
        transport: AsyncTransport | None,
        on_response: ResponseHook,
    ) -> None:
        if parallelism < 1:
            raise ValueError("parallelism must be at least 1")
        self._semaphore = asyncio.Semaphore(parallelism)
        self._client = httpx.AsyncClient(
            base_url=base_url,
            auth=auth,
            transport=transport,
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout, pool=connect_timeout),
            limits=httpx.Limits(max_connections=parallelism, max_keepalive_connections=parallelism),
            # The pid tells one apply's requests from another's in a server's log (the
            # emulator's request log shows it), e.g. when two applies race (docs/contracts.md).
            headers={
                "Accept": "application/json",
                "User-Agent": f"catalog-sync/{__version__} (pid {os.getpid()})",
            },
            event_hooks={"response": [on_response]},
            follow_redirects=False,
        )

    def build_request(
        self,
        method: str,
        path: str,
        *,
        json: object = None,
        form: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Request:
        if json is None:
            return self._client.build_request(
                method, path, data=dict(form) if form else None, headers=headers
            )
        return self._client.build_request(
            method,
            path,
            content=encode_json(json),
            headers={**(headers or {}), "Content-Type": "application/json"},
        )

    async def send(self, request: Request, *, authenticated: bool = True) -> Response:
        """Send one request (no retries), waiting for a free slot first."""
        async with self._semaphore:
            return await self._bounded(request, authenticated=authenticated)

    async def send_unbounded(self, request: Request) -> Response:
        """Send without auth and without taking a slot.

        The token request runs from inside an auth flow whose request already holds a slot;
        taking a second one could deadlock when every slot waits for the token.
        """
        return await self._bounded(request, authenticated=False)

    async def _bounded(self, request: Request, *, authenticated: bool) -> Response:
        """Send and read the body, refusing one larger than MAX_RESPONSE_BYTES as soon as
        it says so (Content-Length) or grows past it, instead of holding it all in memory."""
        auth = httpx.USE_CLIENT_DEFAULT if authenticated else None
        response = await self._client.send(request, auth=auth, stream=True)
        try:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
                raise _too_large(request, response.status_code)
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > MAX_RESPONSE_BYTES:
                    raise _too_large(request, response.status_code)
                chunks.append(chunk)
        finally:
            await response.aclose()
        # The body is decoded already: a copy without the encoding headers holds it.
        headers = [
            (name, value)
            for name, value in response.headers.multi_items()
            if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=b"".join(chunks),
            request=request,
            extensions=response.extensions,
            history=response.history,
        )

    async def aclose(self) -> None:
        await self._client.aclose()
