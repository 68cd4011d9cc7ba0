"""The emulator's listening socket: connections it accepts send without Nagle's delay."""

from __future__ import annotations

import asyncio
import socket

from catalog_sync.emulator.server import bind_socket


def test_accepted_connections_have_tcp_nodelay() -> None:
    """asyncio sets TCP_NODELAY only on sockets whose protocol says TCP; without it every
    response with a body waited for the client's delayed ACK (about 40 ms on Linux)."""

    async def accepted_nodelay() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info("socket")
            seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        listening = bind_socket()
        server = await asyncio.start_server(on_connect, sock=listening)
        async with server:
            host, port = listening.getsockname()[:2]
            _reader, writer = await asyncio.open_connection(host, port)
            value = await asyncio.wait_for(seen, timeout=10)
            writer.close()
            return value

    assert asyncio.run(accepted_nodelay()) == 1
