"""A scripted stand-in for Cloudmore behind httpx.MockTransport, for unit tests.

Only what the client's rules need: a token endpoint, collections that remember what was
created, and a queue of scripted faults. Integration tests use the real emulator instead.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

PASSWORD = "pa55-w0rd-never-print"
SECRET = "client-secret-never-print"
SELLER = "11111111-1111-4111-8111-111111111111"

Fault = Callable[[httpx.Request], httpx.Response]


@dataclass
class FakeSleep:
    """Records the waits the client asks for and returns at once."""

    waits: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@dataclass
class Script:
    method: str
    pattern: str
    respond: Fault
    count: int = 1
    commit_first: bool = False
    """Apply the request to the fake's state before answering with the fault."""


@dataclass
class FakeCloudmore:
    tokens_issued: int = 0
    token_requests: list[httpx.Request] = field(default_factory=list)
    valid_tokens: set[str] = field(default_factory=set)
    collections: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    script: list[Script] = field(default_factory=list)
    log: list[tuple[str, str, int | str]] = field(default_factory=list)
    location_header: bool = True
    body_id: bool = False
    token_status: int = 200
    token_error: str = "invalid_grant"
    gather: int = 0
    """When > 0, API requests are held until this many have arrived, then answered together."""
    _waiting: int = 0
    _arrived: asyncio.Event | None = None

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle_async)

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/connect/token":
            # Let every other started request run up to the point where it waits for us.
            for _ in range(100):
                await asyncio.sleep(0)
        elif self.gather and request.url.path.startswith("/api/sellers/"):
            if self._arrived is None:
                self._arrived = asyncio.Event()
            self._waiting += 1
            if self._waiting >= self.gather:
                self._arrived.set()
            await self._arrived.wait()
        return self.handle(request)

    def add(self, method: str, pattern: str, respond: Fault, **kw: object) -> None:
        self.script.append(Script(method, pattern, respond, **kw))  # type: ignore[arg-type]

    def revoke(self) -> None:
        self.valid_tokens.clear()

    def count(self, method: str, pattern: str) -> int:
        return sum(1 for m, p, _ in self.log if m == method and re.search(pattern, p))

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        for entry in self.script:
            if (
                entry.count > 0
                and entry.method == request.method
                and re.search(entry.pattern, path)
            ):
                entry.count -= 1
                if entry.commit_first:
                    self._serve(request)
                try:
                    response = entry.respond(request)
                except httpx.TransportError as error:
                    self.log.append((request.method, path, type(error).__name__))
                    raise
                self.log.append((request.method, path, response.status_code))
                return response
        response = self._serve(request)
        self.log.append((request.method, path, response.status_code))
        return response

    def _serve(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/connect/token":
            self.token_requests.append(request)
            if self.token_status != 200:
                return httpx.Response(self.token_status, json={"error": self.token_error})
            self.tokens_issued += 1
            token = f"tok-{self.tokens_issued}-{uuid.uuid4().hex}"
            self.valid_tokens.add(token)
            return httpx.Response(
                200, json={"access_token": token, "expires_in": 86400, "token_type": "Bearer"}
            )
        if path == "/api/healthcheck":
            return httpx.Response(200, json={"status": "ok"})
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.valid_tokens:
            return httpx.Response(401)
        if request.method == "GET":
            if path in self.collections or re.search(r"/(services|products|addons|brokers)$", path):
                return httpx.Response(200, json=self.collections.get(path, []))
            parent, _, item_id = path.rpartition("/")
            for item in self.collections.get(parent, []):
                if item["id"] == item_id:
                    return httpx.Response(200, json=item)
            return httpx.Response(404)
        if request.method == "POST":
            new_id = str(uuid.uuid4())
            body = json.loads(request.content)
            self.collections.setdefault(path, []).append({"id": new_id, **body})
            headers = {"Location": f"https://cloudmore.test{path}/{new_id}"}
            return httpx.Response(
                201,
                headers=headers if self.location_header else {},
                json={"id": new_id} if self.body_id else None,
            )
        if request.method == "PUT" and path.endswith("/publish"):
            path = path.removesuffix("/publish")
            parent, _, item_id = path.rpartition("/")
            for item in self.collections.get(parent, []):
                if item["id"] == item_id:
                    item["publish"] = json.loads(request.content)
                    return httpx.Response(204)
            return httpx.Response(404)
        parent, _, item_id = path.rpartition("/")
        items = self.collections.get(parent, [])
        for index, item in enumerate(items):
            if item["id"] == item_id:
                if request.method == "DELETE":
                    del items[index]
                else:
                    items[index] = {"id": item_id, **json.loads(request.content)}
                return httpx.Response(204)
        return httpx.Response(404)


def status(code: int, headers: dict[str, str] | None = None, body: object = None) -> Fault:
    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(code, headers=headers, json=body)

    return respond


def raise_error(error: type[httpx.TransportError]) -> Fault:
    def respond(request: httpx.Request) -> httpx.Response:
        raise error("scripted", request=request)

    return respond
