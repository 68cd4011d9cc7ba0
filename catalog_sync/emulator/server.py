"""Serving an emulator over HTTP with uvicorn: in a background thread, or in the foreground."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.applications import Starlette

from catalog_sync.emulator.app import create_app
from catalog_sync.emulator.config import EmulatorConfig

__all__ = ["bind_socket", "serve_forever", "serve_in_thread"]

# A dropped connection is a fault we inject on purpose; uvicorn reports it as an app error.
_DROP_MESSAGE = "ASGI callable returned without completing response."


def _not_an_injected_drop(record: logging.LogRecord) -> bool:
    return record.getMessage() != _DROP_MESSAGE


def bind_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening socket; port 0 picks a free one, readable before serving starts."""
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose proto says TCP,
    # and accepted sockets inherit it. Without it a response written as two segments (head,
    # then body) waits ~40 ms for the client's delayed ACK (Nagle), which no real API does.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def base_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()


def _uvicorn_config(app: Starlette) -> uvicorn.Config:
    logger = logging.getLogger("uvicorn.error")
    if _not_an_injected_drop not in logger.filters:
        logger.addFilter(_not_an_injected_drop)
    return uvicorn.Config(
        app,
        http="h11",
        lifespan="off",
        log_config=None,
        access_log=False,
        # Bounded so a request hanging on purpose cannot hold shutdown for long.
        timeout_graceful_shutdown=2,
    )


@contextmanager
def serve_in_thread(config: EmulatorConfig | None = None) -> Iterator[str]:
    """Serve a fresh emulator on 127.0.0.1 at a free port; yields its base URL."""
    app = create_app(config or EmulatorConfig())
    sock = bind_socket()
    server = _Server(_uvicorn_config(app))
    thread = threading.Thread(
        target=lambda: asyncio.run(server.serve(sockets=[sock])),
        name="cloudmore-emulator",
        daemon=True,
    )
    thread.start()
    try:
        while not server.ready.wait(timeout=0.05):
            if not thread.is_alive():
                raise RuntimeError("the emulator server failed to start")
        yield base_url(sock)
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


def serve_forever(app: Starlette, sock: socket.socket) -> None:
    """Serve in the foreground until SIGINT/SIGTERM; returns after a clean shutdown."""
    server = _Server(_uvicorn_config(app))
    server.run(sockets=[sock])
