"""The one module that imports httpx (and httpcore below it).

Everything else in catalog-sync talks HTTP through the names exported here, so that replacing
the HTTP library is a change to this file. :class:`HttpClient` owns the connections and the
concurrency bound; both come from one ``parallelism`` number so that there are never more
connections than requests are allowed to run at once.

Its connections are :class:`Lanes`, not httpx's default pool, which cost more client CPU per
request than all of catalog-sync's own work on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import importlib.util
import logging
import os
import select
import socket
import ssl
import sys
import urllib.request
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
)
from typing import Any

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

import httpcore
import httpx

from catalog_sync import __version__
from catalog_sync.errors import UnexpectedResponseError
from catalog_sync.exact_json import encode_json
from catalog_sync.limits import MAX_RESPONSE_BYTES
from catalog_sync.redact import neutralise, redact

__all__ = [
    "ASGITransport",
    "AsyncTransport",
    "Auth",
    "HTTPTransportError",
    "HttpClient",
    "Lanes",
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
        record.msg = neutralise(redact(record.getMessage()))
        record.args = None
        return True


for _name in ("httpx", "httpcore", "httpcore.connection", "httpcore.http11", "httpcore.http2"):
    logging.getLogger(_name).addFilter(_RedactingFilter())


_KEEPALIVE_EXPIRY = 5.0
"""Seconds an idle connection is kept, as in httpx's default limits."""
_HAPPY_EYEBALLS_DELAY = 0.25
"""Seconds before trying a host's next address, as anyio's connect does."""


def _readable(sock: socket.socket | None) -> bool:
    """Whether a socket has something to read, or no longer exists (httpcore's own test: an
    idle connection that is readable has been closed by the server)."""
    if sock is None or sock.fileno() < 0:
        return True
    if not hasattr(select, "poll"):  # Windows
        return bool(select.select([sock], [], [], 0)[0])
    poll = select.poll()
    poll.register(sock, select.POLLIN)
    return bool(poll.poll(0))


class _Deadline:
    """When the response to the request being sent must be complete: ``seconds`` after its
    first byte is written (connecting and waiting for a lane have bounds of their own)."""

    __slots__ = ("at", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at: float | None = None

    def passed(self) -> bool:
        return self.at is not None and asyncio.get_running_loop().time() >= self.at

    def message(self) -> str:
        return f"the response was not complete {self.seconds:g} s after the request was sent"


_deadline: contextvars.ContextVar[_Deadline | None] = contextvars.ContextVar(
    "catalog_sync_request_deadline", default=None
)
"""The deadline of the request this task is sending (HttpClient sets it, _Stream keeps it)."""


class _Stream(httpcore.AsyncNetworkStream):
    """One connection's bytes, with httpcore's exceptions for its failures."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        # Asked for on each idle connection a request passes: looked up once.
        self._socket: socket.socket | None = writer.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        deadline = _deadline.get()
        if deadline is not None and deadline.at is not None:
            left = max(0.0, deadline.at - asyncio.get_running_loop().time())
            if timeout is None or left < timeout:
                timeout = left
        try:
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)
        except TimeoutError as error:
            if deadline is not None and deadline.passed():
                raise httpcore.ReadTimeout(deadline.message()) from error
            raise httpcore.ReadTimeout(str(error)) from error
        except OSError as error:
            raise httpcore.ReadError(str(error)) from error

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        deadline = _deadline.get()
        if deadline is not None and deadline.at is None:
            deadline.at = asyncio.get_running_loop().time() + deadline.seconds
        try:
            async with asyncio.timeout(timeout):
                self._writer.write(buffer)
                await self._writer.drain()
        except TimeoutError as error:
            raise httpcore.WriteTimeout(str(error)) from error
        except OSError as error:
            raise httpcore.WriteError(str(error)) from error

    async def aclose(self) -> None:
        self._writer.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except TimeoutError as error:
            await self.aclose()
            raise httpcore.ConnectTimeout(str(error)) from error
        except OSError as error:  # ssl.SSLError among them
            await self.aclose()
            raise httpcore.ConnectError(str(error)) from error
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return _readable(self._socket)
        if info == "socket":
            return self._socket
        names = {"ssl_object": "ssl_object", "client_addr": "sockname", "server_addr": "peername"}
        return self._writer.get_extra_info(names[info]) if info in names else None


class _Backend(httpcore.AsyncNetworkBackend):
    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        # local_address and socket_options: the lanes' connections set neither.
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host, port, happy_eyeballs_delay=_HAPPY_EYEBALLS_DELAY
                )
        except TimeoutError as error:
            raise httpcore.ConnectTimeout(str(error)) from error
        except OSError as error:
            raise httpcore.ConnectError(str(error)) from error
        return _Stream(reader, writer)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@contextlib.contextmanager
def _as_httpx() -> Iterator[None]:
    """httpcore's exceptions as httpx's: the most specific class both libraries name."""
    try:
        yield
    except Exception as error:
        for kind in type(error).__mro__:
            same = getattr(httpx, kind.__name__, None)
            if (
                getattr(httpcore, kind.__name__, None) is kind
                and isinstance(same, type)
                and issubclass(same, httpx.TransportError)
            ):
                raise same(str(error)) from error
        raise


class _Body(httpx.AsyncByteStream):
    """A response's body; closing it frees its lane (once)."""

    def __init__(self, body: AsyncIterable[bytes], free: Callable[[], None]) -> None:
        self._body = body
        self._free: Callable[[], None] | None = free

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx():
            async for chunk in self._body:
                yield chunk

    async def aclose(self) -> None:
        try:
            closing = getattr(self._body, "aclose", None)
            if closing is not None:
                await closing()
        finally:
            free, self._free = self._free, None
            if free is not None:
                free()


class Lanes(httpx.AsyncBaseTransport):
    """``count`` connections for httpx, each serving one request at a time, over asyncio's
    streams.

    Why not httpx's default transport: its shared pool gives an idle connection to every
    request that arrives before the first of them has marked it busy; all but one then fail
    and look again, and each look asks every pooled connection whether its socket is readable,
    which anyio answers by building its table of socket attributes anew; anyio then adds a
    cancel scope and a table of exceptions to every read and write. Together that was more
    CPU than everything else a request costs the client; here each lane holds one httpcore
    connection, lent to one request from its send until its response is closed.

    What httpx's transport does besides is done the same way: the request and response are
    converted field by field, and each httpcore exception becomes the httpx exception of the
    same name (as httpx maps them), so retries and metrics see what they saw before.

    A request takes the most recently freed lane, so that lanes beyond what the load needs stay
    idle and their connections expire, as they would in one pool; with none free it waits up to
    the pool timeout and fails with httpx's PoolTimeout (a request that was never sent).
    """

    def __init__(self, count: int) -> None:
        # httpx's default transport's context: verified, SSL_CERT_FILE / SSL_CERT_DIR honoured.
        self._ssl_context = httpx.create_ssl_context()
        self._backend = _Backend()
        self._connections: list[httpcore.AsyncHTTPConnection | None] = [None] * count
        self._free: asyncio.LifoQueue[int] = asyncio.LifoQueue()
        for lane in range(count):
            self._free.put_nowait(lane)

    async def _take(self, request: httpx.Request) -> int:
        if not self._free.empty():
            return self._free.get_nowait()
        timeouts: Mapping[str, float | None] = request.extensions.get("timeout", {})
        try:
            async with asyncio.timeout(timeouts.get("pool")):
                return await self._free.get()
        except TimeoutError:
            raise httpx.PoolTimeout("no connection became free in time") from None

    async def _connection(self, lane: int, origin: httpcore.Origin) -> httpcore.AsyncHTTPConnection:
        """The lane's connection if it can take a request to ``origin``, else a new one."""
        connection = self._connections[lane]
        if connection is not None:
            if (
                connection.can_handle_request(origin)
                and connection.is_available()
                and not connection.has_expired()
            ):
                return connection
            await connection.aclose()
        connection = httpcore.AsyncHTTPConnection(
            origin,
            ssl_context=self._ssl_context,
            keepalive_expiry=_KEEPALIVE_EXPIRY,
            network_backend=self._backend,
        )
        self._connections[lane] = connection
        return connection

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        url = request.url
        sent = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        lane = await self._take(request)
        try:
            with _as_httpx():
                connection = await self._connection(lane, sent.url.origin)
                response = await connection.handle_async_request(sent)
        except BaseException:
            self._free.put_nowait(lane)
            raise
        assert isinstance(response.stream, AsyncIterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(response.stream, lambda: self._free.put_nowait(lane)),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        for connection in self._connections:
            if connection is not None:
                await connection.aclose()


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
        self._read_timeout = read_timeout
        # Through the lanes, waiting for one and connecting are each bounded by the connect
        # timeout, and then their streams hold the request to its deadline; through another
        # transport, this bounds the whole request.
        self._until_sent = 2 * connect_timeout + read_timeout
        if transport is None and not urllib.request.getproxies():
            # Where the environment names a proxy (or exceptions to one), httpx's own
            # transports, which read it, are kept: a transport given here would make httpx
            # ignore it.
            transport = Lanes(parallelism)
        self._lanes = isinstance(transport, Lanes)
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
        # httpx joins a relative path to its base URL by parsing the path, then the joined
        # URL, on every request; joined here as text, the URL is parsed once, to the same URL
        # (its join: the base's path always ends in "/", the path's leading "/" is dropped).
        base = self._client.base_url
        self._prefix = (
            f"{base.scheme}://{base.netloc.decode('ascii')}{base.raw_path.decode('ascii')}"
        )

    def _url(self, path: str) -> httpx.URL:
        return httpx.URL(self._prefix + path.lstrip("/"))

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
                method, self._url(path), data=dict(form) if form else None, headers=headers
            )
        return self._client.build_request(
            method,
            self._url(path),
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
        it says so (Content-Length) or grows past it, instead of holding it all in memory;
        and refusing one that is not complete within the read timeout of the request being
        sent, however steadily its bytes arrive (a read timeout alone bounds each read only:
        a byte a second would never trip it)."""
        deadline = _Deadline(self._read_timeout)
        token = _deadline.set(deadline)
        try:
            if self._lanes:  # their streams keep the deadline
                chunks, response = await self._read(request, authenticated=authenticated)
            else:
                chunks, response = await self._backstopped(request, authenticated, deadline)
        finally:
            _deadline.reset(token)
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

    async def _backstopped(
        self, request: Request, authenticated: bool, deadline: _Deadline
    ) -> tuple[list[bytes], httpx.Response]:
        """:meth:`_read` through another transport than the lanes (a proxy's, the embedded
        emulator's), bounded as a whole: it cannot tell when the request was sent."""
        backstop = asyncio.timeout(self._until_sent)
        try:
            async with backstop:
                return await self._read(request, authenticated=authenticated)
        except TimeoutError:
            if not backstop.expired():
                raise
            raise httpx.ReadTimeout(deadline.message(), request=request) from None

    async def _read(
        self, request: Request, *, authenticated: bool
    ) -> tuple[list[bytes], httpx.Response]:
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
        return chunks, response

    async def aclose(self) -> None:
        await self._client.aclose()
