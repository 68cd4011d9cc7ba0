"""The HTTP layer against small servers on 127.0.0.1: the lanes' connections (reuse, limits,
failures as httpx names them, TLS), httpx's own transport where a proxy is configured, and
request URLs joined as httpx joins them."""

from __future__ import annotations

import asyncio
import ssl
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpcore
import httpx
import pytest

from catalog_sync.cloudmore.http import (
    Auth,
    HttpClient,
    Lanes,
    Response,
    _as_httpx,
    is_request_unsent,
)

BODY = b'{"ok":true}'


@dataclass
class Server:
    """An HTTP/1.1 server that answers every request with BODY, unless told otherwise.

    ``mode``: "answer"; "close" (answer, then close the connection as if idle too long);
    "drop" (close without answering); "hang" (never answer until released); "trickle"
    (the headers, then a byte of the body at a time, each well within any read timeout)."""

    mode: str = "answer"
    url: str = ""
    connections: int = 0
    request_lines: list[bytes] = field(default_factory=list)
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                self.request_lines.append(head.split(b"\r\n", 1)[0])
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        await reader.readexactly(int(line.split(b":", 1)[1]))
                if self.mode == "drop":
                    return
                if self.mode == "hang":
                    await self.release.wait()
                    return
                if self.mode == "trickle":
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
                    while not self.release.is_set():
                        writer.write(b" ")
                        await writer.drain()
                        await asyncio.sleep(0.01)  # the server's pace, not a synchronisation
                    return
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(BODY), BODY)
                )
                await writer.drain()
                if self.mode == "close":
                    return
        except asyncio.IncompleteReadError:
            pass
        finally:
            writer.close()
            await writer.wait_closed()
            self.closed.set()


@asynccontextmanager
async def serving(
    mode: str = "answer", *, tls: ssl.SSLContext | None = None, host: str = "127.0.0.1"
) -> AsyncIterator[Server]:
    server = Server(mode)
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0, ssl=tls)
    port = listener.sockets[0].getsockname()[1]
    server.url = f"{'https' if tls else 'http'}://{host}:{port}"
    try:
        yield server
    finally:
        server.release.set()
        listener.close()
        await listener.wait_closed()


def lanes_client(count: int, **timeouts: float) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=Lanes(count), timeout=httpx.Timeout(timeouts.get("read", 5.0), **timeouts)
    )


async def _nothing(response: Response) -> None:
    pass


def http_client(base_url: str, parallelism: int = 2) -> HttpClient:
    return HttpClient(
        base_url=base_url,
        parallelism=parallelism,
        connect_timeout=5.0,
        read_timeout=5.0,
        auth=Auth(),
        transport=None,
        on_response=_nothing,
    )


# --- lanes -----------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_lane_keeps_its_connection_and_the_lanes_bound_the_connections() -> None:
    async with serving() as server, lanes_client(3) as client:
        for _ in range(5):
            assert (await client.get(f"{server.url}/one")).content == BODY
        assert server.connections == 1  # the most recently freed lane goes first
        answers = await asyncio.gather(*(client.get(f"{server.url}/many") for _ in range(12)))
        assert all(answer.status_code == 200 for answer in answers)
        assert server.connections <= 3
        assert len(server.request_lines) == 17


@pytest.mark.anyio
async def test_with_every_lane_taken_a_request_waits_up_to_the_pool_timeout() -> None:
    async with serving() as server, lanes_client(1, pool=0.05) as client:
        held = await client.send(client.build_request("GET", f"{server.url}/held"), stream=True)
        with pytest.raises(httpx.PoolTimeout) as refused:
            await client.get(f"{server.url}/waits")
        assert is_request_unsent(refused.value)
        await held.aclose()  # frees the lane
        assert (await client.get(f"{server.url}/after")).status_code == 200
        assert [line.split()[1] for line in server.request_lines] == [b"/held", b"/after"]


@pytest.mark.anyio
async def test_a_request_waiting_for_a_lane_gets_the_one_freed() -> None:
    async with serving() as server, lanes_client(1) as client:
        held = await client.send(client.build_request("GET", f"{server.url}/held"), stream=True)
        waiting = asyncio.create_task(client.get(f"{server.url}/waits"))
        await asyncio.sleep(0)  # one step of the loop: the task runs until it waits for a lane
        assert not waiting.done()
        await held.aread()
        assert (await waiting).content == BODY
        assert server.connections == 1


@pytest.mark.anyio
async def test_a_connection_the_server_closed_while_idle_is_replaced_unseen() -> None:
    async with serving("close") as server, lanes_client(1) as client:
        assert (await client.get(f"{server.url}/first")).status_code == 200
        await server.closed.wait()
        assert (await client.get(f"{server.url}/second")).status_code == 200
        assert server.connections == 2


@pytest.mark.anyio
async def test_failures_are_httpx_errors_and_leave_the_lane_usable() -> None:
    async with serving("drop") as server, lanes_client(1) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post(f"{server.url}/dropped", content=b"{}")
        server.mode = "answer"
        assert (await client.get(f"{server.url}/after")).status_code == 200


@pytest.mark.anyio
async def test_a_refused_connection_is_a_connect_error_and_so_unsent() -> None:
    async with serving() as server:
        url = server.url
    async with lanes_client(1) as client:
        with pytest.raises(httpx.ConnectError) as refused:
            await client.get(f"{url}/nobody")
        assert is_request_unsent(refused.value)
        with pytest.raises(httpx.ConnectError):
            await client.get(f"{url}/still-nobody")


@pytest.mark.anyio
async def test_a_server_that_does_not_answer_is_a_read_timeout() -> None:
    async with serving("hang") as server, lanes_client(1, read=0.05) as client:
        with pytest.raises(httpx.ReadTimeout) as late:
            await client.get(f"{server.url}/slow")
        assert not is_request_unsent(late.value)


@pytest.mark.anyio
async def test_a_response_trickled_a_byte_at_a_time_ends_at_the_request_s_deadline() -> None:
    """Issue 24, item 13: each byte came within the read timeout, so no read ever timed out
    and the request ran for as long as the server liked. The guard of 60 s only stops the
    test on a regression; the deadline is the read timeout (0.3 s) from the request's send."""
    async with serving("trickle") as server:
        client = HttpClient(
            base_url=server.url,
            parallelism=1,
            connect_timeout=5.0,
            read_timeout=0.3,
            auth=Auth(),
            transport=None,
            on_response=_nothing,
        )
        try:
            request = client.build_request("GET", "/trickle")
            with pytest.raises(httpx.ReadTimeout, match=r"not complete 0\.3 s after") as late:
                await asyncio.wait_for(client.send(request, authenticated=False), 60)
            assert not is_request_unsent(late.value)
        finally:
            await client.aclose()


class _Trickle(httpx.AsyncByteStream):
    def __init__(self) -> None:
        self.never = asyncio.Event()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b" "
        await self.never.wait()  # the rest of the body never comes


class _TrickleTransport(httpx.AsyncBaseTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=_Trickle())


@pytest.mark.anyio
async def test_through_another_transport_the_whole_request_is_bounded() -> None:
    """Where the lanes do not send (a proxy's transport), the deadline covers the whole
    request: twice the connect timeout (a lane, a connection) and the read timeout."""
    client = HttpClient(
        base_url="http://cloudmore.test",
        parallelism=1,
        connect_timeout=0.05,
        read_timeout=0.1,
        auth=Auth(),
        transport=_TrickleTransport(),
        on_response=_nothing,
    )
    try:
        request = client.build_request("GET", "/trickle")
        with pytest.raises(httpx.ReadTimeout, match=r"not complete 0\.1 s after"):
            await asyncio.wait_for(client.send(request, authenticated=False), 60)
    finally:
        await client.aclose()


def test_httpcore_errors_become_the_httpx_errors_httpx_itself_would_raise() -> None:
    # httpx's own table (private: read here only to check that the names still line up).
    from httpx._transports.default import _load_httpcore_exceptions

    table = _load_httpcore_exceptions()
    assert len(table) >= 14
    for kind, expected in table.items():
        with pytest.raises(httpx.HTTPError) as raised, _as_httpx():
            raise kind("detail")
        assert type(raised.value) is expected, kind
        assert str(raised.value) == "detail"
    with pytest.raises(httpcore.ConnectionNotAvailable), _as_httpx():
        raise httpcore.ConnectionNotAvailable()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for localhost (openssl, as on every CI image)."""
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _server_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


@pytest.mark.anyio
async def test_tls_through_the_lanes_verifies_the_server_and_reuses_the_connection(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # trusted as httpx trusts it
    tls = _server_tls(certificate)
    async with serving(tls=tls, host="localhost") as server, lanes_client(1) as client:
        for _ in range(3):
            assert (await client.get(f"{server.url}/secure")).content == BODY
        assert server.connections == 1


@pytest.mark.anyio
async def test_tls_to_an_untrusted_server_is_a_connect_error(
    certificate: tuple[Path, Path],
) -> None:
    tls = _server_tls(certificate)
    async with serving(tls=tls, host="localhost") as server, lanes_client(1) as client:
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await client.get(f"{server.url}/secure")


# --- the client ------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_the_client_goes_through_a_proxy_the_environment_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with serving() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        http = http_client("http://cloudmore.invalid")
        try:
            response = await http.send(http.build_request("GET", "/api/healthcheck"))
        finally:
            await http.aclose()
    assert response.content == BODY
    assert proxy.request_lines == [b"GET http://cloudmore.invalid/api/healthcheck HTTP/1.1"]


@pytest.mark.anyio
async def test_the_client_sends_through_its_lanes(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(variable, raising=False)
        monkeypatch.delenv(variable.lower(), raising=False)
    async with serving() as server:
        http = http_client(server.url, parallelism=2)
        try:
            requests = [http.build_request("GET", f"/api/{n}") for n in range(6)]
            answers = await asyncio.gather(*(http.send(request) for request in requests))
        finally:
            await http.aclose()
    assert [answer.content for answer in answers] == [BODY] * 6
    assert server.connections <= 2


@pytest.mark.parametrize(
    "base_url",
    [
        "https://api.cloudmore.com",
        "http://127.0.0.1:8080",
        "https://host.example/prefix",
        "https://host.example/prefix/",
        "HTTPS://Host.Example:443/a%20b",
        "https://bücher.example/x",
        "http://[::1]:8080/p",
    ],
)
@pytest.mark.parametrize(
    "path",
    [
        "/api/sellers/a%2Fb%20c%3Fd%23e%25f/services",
        "/api/services/s1/pricelist?currencyCode=S%20K",
        "/connect/token",
        "/ä/ö",
        "/a//b/",
    ],
)
def test_request_urls_are_the_ones_httpx_joins(base_url: str, path: str) -> None:
    joined = httpx.AsyncClient(base_url=base_url).build_request("GET", path).url
    built = http_client(base_url).build_request("GET", path, json={"a": 1}).url
    assert (built, built.raw_path, str(built)) == (joined, joined.raw_path, str(joined))
