"""``catalog-sync emulator serve`` as a real process: demo seed, Ctrl-C, kill -9 with --state."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from catalog_sync.emulator import DEMO
from tests.emulator.conftest import SELLER, get_token

STARTUP_DEADLINE_SECONDS = 30


class ServerProcess:
    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "catalog_sync", "emulator", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        # The first line names the URL; reading it blocks until the socket is bound.
        first = self.process.stdout.readline()
        assert first.startswith("Cloudmore emulator listening on "), first
        self.url = first.split()[-1]
        self.banner = [first]
        while not self.banner[-1].startswith("Press Ctrl-C"):
            self.banner.append(self.process.stdout.readline())
        self.wait_until_healthy()

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
        while True:
            try:
                if httpx.get(f"{self.url}/api/healthcheck", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
            assert time.monotonic() < deadline, "the emulator did not become healthy"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate(timeout=10)


@contextmanager
def server_process(*args: str) -> Iterator[ServerProcess]:
    server = ServerProcess(*args)
    try:
        yield server
    finally:
        server.stop()


def test_serve_demo_answers_a_token_request_and_lists_the_demo_catalog() -> None:
    with server_process("--seed", "demo") as server, httpx.Client(base_url=server.url) as client:
        token = get_token(client)
        response = client.get(f"{SELLER}/services", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        assert [s["name"] for s in response.json()] == [
            "Google Workspace",
            "Acronis Cyber Protect",
            "Cloud PBX",
            "Partner Sandbox",
            "Legacy Hosting",
        ]


def test_serve_prints_the_demo_credentials_and_ctrl_c_exits_cleanly() -> None:
    server = ServerProcess()
    server.process.send_signal(signal.SIGINT)
    out, err = server.process.communicate(timeout=20)
    assert server.process.returncode == 0
    assert "Traceback" not in err
    for value in (DEMO.username, DEMO.password, DEMO.client_secret, DEMO.seller_id):
        assert value in "".join(server.banner)
    assert out.rstrip().endswith("Emulator stopped.")


def test_a_bad_state_file_is_a_clean_error(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text("{ not json")
    result = subprocess.run(
        [sys.executable, "-m", "catalog_sync", "emulator", "serve", "--state", str(state)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {state}: cannot use the emulator's state file")
    assert "Traceback" not in result.stderr


async def _burst(url: str, acknowledged: list[tuple[str, str]], enough: int, pid: int) -> None:
    """Create services and products from 8 clients; SIGKILL the server mid-burst."""
    killed = asyncio.Event()
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:
        token = (
            await client.post(
                "/connect/token",
                data={
                    "grant_type": "password",
                    "username": DEMO.username,
                    "password": DEMO.password,
                    "scope": "api",
                },
                auth=(DEMO.client_id, DEMO.client_secret),
            )
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        category = (await client.get("/api/services/categories")).json()[0]["categoryId"]

        async def worker(number: int) -> None:
            index = 0
            while True:
                index += 1
                body: dict[str, Any] = {"name": f"w{number}-{index}", "categoryIds": [category]}
                try:
                    created = await client.post(f"{SELLER}/services", json=body)
                    assert created.status_code == 201
                    service_id = created.headers["Location"].rsplit("/", 1)[1]
                    acknowledged.append(("services", service_id))
                    product = {"name": "p", "itemCode": f"p{index}", "type": "Metered"}
                    created = await client.post(
                        f"{SELLER}/services/{service_id}/products", json=product
                    )
                    assert created.status_code == 201
                    acknowledged.append(("products", created.headers["Location"].rsplit("/")[-1]))
                except httpx.TransportError:
                    assert killed.is_set()
                    return
                if len(acknowledged) >= enough and not killed.is_set():
                    killed.set()
                    os.kill(pid, signal.SIGKILL)

        await asyncio.gather(*(worker(n) for n in range(8)))


def test_kill_9_during_a_burst_of_writes_loses_no_acknowledged_write(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    acknowledged: list[tuple[str, str]] = []
    first = ServerProcess("--state", str(state))
    try:
        asyncio.run(_burst(first.url, acknowledged, 150, first.process.pid))
        first.process.wait(timeout=10)
        assert first.process.returncode == -signal.SIGKILL
    finally:
        first.stop()
    assert len(acknowledged) >= 150
    json.loads(state.read_text())  # never torn, whatever moment the kill hit

    with server_process("--state", str(state)) as second:
        saved = httpx.get(f"{second.url}/_emulator/state").json()
    present = {(table, row["id"]) for table in ("services", "products") for row in saved[table]}
    missing = [write for write in acknowledged if write not in present]
    assert missing == []


def test_serve_contract_variants_serve_them_and_say_so() -> None:
    args = ("--contract-variant", "service-thin", "--contract-variant", "publish-unreadable")
    with (
        server_process("--seed", "demo", *args) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        headers = {"Authorization": f"Bearer {get_token(client)}"}
        listed = client.get(f"{SELLER}/services", headers=headers).json()
        detail = client.get(f"{SELLER}/services/{listed[0]['id']}", headers=headers).json()
    assert "  variants:      service-thin, publish-unreadable\n" in server.banner
    thin = {"id", "name", "vendorName", "allowMultipleUsers", "customProperties"}
    assert {frozenset(item) for item in listed} == {frozenset(thin)}
    assert set(detail) == thin
