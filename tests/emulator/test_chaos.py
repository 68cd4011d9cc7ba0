"""Chaos: 500 random writes at a 20% fault rate (every kind) from 8 concurrent clients."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from typing import Any

import httpx

from catalog_sync.emulator import (
    ALL_FAULT_KINDS,
    DEMO,
    EmulatorConfig,
    FaultConfig,
    serve_in_thread,
)
from tests.emulator.bodies import seed_001_broker
from tests.emulator.conftest import SELLER, token_form

WRITES = 500
CLIENTS = 8
Outcome = tuple[str, str, int | str]


class Chaos:
    """What every client knows and saw; one event loop, so plain lists are safe."""

    def __init__(self, category: str) -> None:
        self.category = category
        self.writes_left = WRITES
        self.writes_sent = 0
        self.observed: list[Outcome] = []
        self.services: list[str] = []
        self.products: list[tuple[str, str]] = []
        self.addons: list[tuple[str, str, str]] = []
        self.brokers: list[str] = []


class Worker:
    def __init__(self, chaos: Chaos, client: httpx.AsyncClient, seed: int) -> None:
        self.chaos = chaos
        self.client = client
        self.rng = random.Random(seed)

    async def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response | None:
        try:
            response = await self.client.request(method, path, **kwargs)
        except httpx.RemoteProtocolError:
            self.chaos.observed.append((method, path, "dropped"))
            return None
        self.chaos.observed.append((method, path, response.status_code))
        if response.status_code == 401:
            await self.login()
        return response

    async def login(self) -> None:
        auth = (DEMO.client_id, DEMO.client_secret)
        response = await self.call("POST", "/connect/token", data=token_form(), auth=auth)
        assert response is not None
        assert response.status_code == 200
        self.client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    async def write(self, method: str, path: str, body: Any = None) -> str | None:
        """Send one write; the new id when it was created and answered 201."""
        self.chaos.writes_sent += 1
        response = await self.call(method, path, json=body)
        if response is not None and response.status_code == 201:
            return response.headers["Location"].rsplit("/", 1)[1]
        return None

    async def run(self) -> None:
        await self.login()
        chaos = self.chaos
        while chaos.writes_left > 0:
            chaos.writes_left -= 1
            await self.random_write()

    async def random_write(self) -> None:
        chaos, rng = self.chaos, self.rng
        choice = rng.randrange(9)
        if choice == 0 or not chaos.services:
            body = {"name": f"svc-{rng.randrange(40)}", "categoryIds": [chaos.category]}
            if new := await self.write("POST", f"{SELLER}/services", body):
                chaos.services.append(new)
        elif choice in (1, 2) or not chaos.products:
            sid = rng.choice(chaos.services)
            body = {
                "name": "p",
                "itemCode": f"p-{rng.randrange(6)}",
                "type": rng.choice(["Metered", "ProductBased"]),
            }
            if new := await self.write("POST", f"{SELLER}/services/{sid}/products", body):
                chaos.products.append((sid, new))
        elif choice in (3, 4):
            sid, pid = rng.choice(chaos.products)
            body = {
                "name": "a",
                "itemCode": f"a-{rng.randrange(6)}",
                "pricePer": rng.choice(["Metered", "Quantity", "Subscription"]),
            }
            path = f"{SELLER}/services/{sid}/products/{pid}/addons"
            if new := await self.write("POST", path, body):
                chaos.addons.append((sid, pid, new))
        elif choice == 5:
            sid, pid = rng.choice(chaos.products)
            body = {"name": "p2", "itemCode": f"p-{rng.randrange(6)}", "type": "Metered"}
            await self.write("PUT", f"{SELLER}/services/{sid}/products/{pid}", body)
        elif choice == 6:
            sid, pid = rng.choice(chaos.products)
            await self.write("DELETE", f"{SELLER}/services/{sid}/products/{pid}")
        elif choice == 7:
            body = seed_001_broker(registrationNumber=str(rng.randrange(15)))
            if new := await self.write("POST", f"{SELLER}/brokers", body):
                chaos.brokers.append(new)
        elif chaos.brokers and rng.random() < 0.5:
            body = {"publishTo": "SpecificBrokers", "brokerIds": [rng.choice(chaos.brokers)]}
            await self.write("PUT", f"{SELLER}/services/{rng.choice(chaos.services)}/publish", body)
        elif chaos.brokers:
            await self.write("DELETE", f"{SELLER}/brokers/{rng.choice(chaos.brokers)}")
        else:
            await self.write("DELETE", f"{SELLER}/services/{rng.choice(chaos.services)}")


async def drive(url: str, category: str) -> Chaos:
    chaos = Chaos(category)
    clients = [httpx.AsyncClient(base_url=url, timeout=10) for _ in range(CLIENTS)]
    try:
        workers = [Worker(chaos, client, seed) for seed, client in enumerate(clients)]
        await asyncio.gather(*(worker.run() for worker in workers))
    finally:
        for client in clients:
            await client.aclose()
    return chaos


def assert_consistent(state: dict[str, Any]) -> None:
    services = {s["id"]: s for s in state["services"]}
    products = {p["id"]: p for p in state["products"]}
    brokers = {b["id"] for b in state["brokers"]}

    def unique(keys: list[Any]) -> None:
        assert len(keys) == len(set(keys)), Counter(keys).most_common(3)

    unique([s["name"].casefold() for s in services.values()])
    unique([(p["_serviceId"], p["itemCode"].casefold()) for p in products.values()])
    unique([(a["_productId"], a["itemCode"].casefold()) for a in state["addons"]])
    unique([b["registrationNumber"] for b in state["brokers"]])
    for product in products.values():
        assert product["_serviceId"] in services
    for addon in state["addons"]:
        parent = products[addon["_productId"]]
        assert addon["_serviceId"] == parent["_serviceId"]
        assert (addon["pricePer"] == "Metered") == (parent["type"] == "Metered")
    for service in services.values():
        assert set(service["publish"]["brokerIds"]) <= brokers


def test_chaos_keeps_state_consistent_and_the_log_accounts_for_every_request() -> None:
    faults = FaultConfig(rate=0.2, hang_seconds=0.05, retry_after_seconds=0, random_seed=2024)
    with serve_in_thread(EmulatorConfig(faults=faults)) as url:
        categories = httpx.get(f"{url}/_emulator/state").json()["categories"]
        chaos = asyncio.run(drive(url, categories[0]["categoryId"]))
        log = httpx.get(f"{url}/_emulator/requests").json()
        state = httpx.get(f"{url}/_emulator/state").json()

    assert chaos.writes_sent == WRITES
    logged = Counter(
        (e["method"], e["path"], "dropped" if e["fault"] == "ambiguous_drop" else e["status"])
        for e in log
    )
    assert logged == Counter(chaos.observed)
    assert [e["seq"] for e in log] == list(range(1, len(log) + 1))
    assert {e["fault"] for e in log} == {None, *ALL_FAULT_KINDS}
    faulted = sum(1 for e in log if e["fault"] and e["path"].startswith("/api/"))
    api_requests = sum(1 for e in log if e["path"].startswith("/api/"))
    assert 0.12 < faulted / api_requests < 0.28
    assert state["services"]
    assert state["products"]
    assert state["addons"]
    assert_consistent(state)
