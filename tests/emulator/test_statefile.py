"""The optional state file: loaded at start, written atomically in group commits, no write
answered and no read showing a change before it is on disk."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

import httpx
import pytest

from catalog_sync.emulator import DEMO, EmulatorConfig, create_app, serve_in_thread
from catalog_sync.emulator import app as app_module
from catalog_sync.emulator.statefile import write_encoded, write_state
from catalog_sync.errors import ConfigError
from tests.emulator.conftest import SELLER, Api, token_form


def test_every_write_is_in_the_file_before_it_is_answered(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with serve_in_thread(EmulatorConfig(state_file=state)) as url:
        assert json.loads(state.read_text())["services"] == []
        api = Api(url)
        service_id = api.new_service("Persisted")
        assert [s["id"] for s in json.loads(state.read_text())["services"]] == [service_id]
        api.http.delete(f"{SELLER}/services/{service_id}")
        assert json.loads(state.read_text())["services"][0]["status"] == "Disabled"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_a_saved_state_wins_over_the_seed(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with serve_in_thread(EmulatorConfig(seed="empty", state_file=state)) as url:
        Api(url).new_service("Survivor")
    app = create_app(EmulatorConfig(seed="demo", state_file=state))
    names = [s["name"] for s in app.state.emulator.store.services.values()]
    assert names == ["Survivor"]


def test_reset_is_persisted(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with serve_in_thread(EmulatorConfig(state_file=state)) as url:
        assert httpx.post(f"{url}/_emulator/reset", json={"seed": "demo"}).status_code == 204
    assert len(json.loads(state.read_text())["services"]) == 5


def test_write_state_replaces_the_file_whole(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    write_state(state, {"a": 1})
    write_state(state, {"b": 2})
    assert json.loads(state.read_text()) == {"b": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_an_unreadable_state_file_is_an_error(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"format": 99}')
    with pytest.raises(ConfigError, match=r"cannot use the emulator's state file .*format 99"):
        create_app(EmulatorConfig(state_file=state))


def _names_on_disk(state: Path) -> set[str]:
    return {s["name"] for s in json.loads(state.read_text())["services"]}


async def _token(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/connect/token", data=token_form(), auth=(DEMO.client_id, DEMO.client_secret)
    )
    http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"


def test_concurrent_writes_share_a_commit_and_none_is_answered_before_it_is_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state.json"
    app = create_app(EmulatorConfig(state_file=state))
    category = app.state.emulator.store.categories[0]["categoryId"]
    commits: list[int] = []

    def counted(path: Path, payload: bytes) -> None:
        commits.append(len(json.loads(payload)["services"]))
        write_encoded(path, payload)

    monkeypatch.setattr(app_module, "write_encoded", counted)

    async def create(http: httpx.AsyncClient, name: str) -> str:
        body = {"name": name, "categoryIds": [category]}
        response = await http.post(f"{SELLER}/services", json=body)
        assert response.status_code == 201, response.text
        return name

    async def run() -> list[str]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as http:
            await _token(http)
            answered = []
            tasks = [asyncio.create_task(create(http, f"S{i}")) for i in range(20)]
            for done in asyncio.as_completed(tasks):
                name = await done
                # Answered, so already durable: the file on disk holds it.
                assert name in _names_on_disk(state)
                answered.append(name)
            return answered

    assert len(asyncio.run(run())) == 20
    assert _names_on_disk(state) == {f"S{i}" for i in range(20)}
    assert commits[-1] == 20
    assert len(commits) < 20, commits  # grouped: fewer commits than writes


def test_a_read_waits_for_a_write_that_is_not_yet_durable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state.json"
    app = create_app(EmulatorConfig(state_file=state))
    category = app.state.emulator.store.categories[0]["categoryId"]
    release = threading.Event()

    def held(path: Path, payload: bytes) -> None:
        release.wait(timeout=30)
        write_encoded(path, payload)

    monkeypatch.setattr(app_module, "write_encoded", held)

    async def run() -> list[str]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as http:
            await _token(http)
            body = {"name": "Pending", "categoryIds": [category]}
            write = asyncio.create_task(http.post(f"{SELLER}/services", json=body))
            while not app.state.emulator.store.services:
                await asyncio.sleep(0)  # until the change is made (its commit is held)
            read = asyncio.create_task(http.get(f"{SELLER}/services"))
            done, _ = await asyncio.wait({write, read}, timeout=0.3)
            assert done == set(), "answered before the write was durable"
            release.set()
            assert (await write).status_code == 201
            return [s["name"] for s in (await read).json()]

    assert asyncio.run(run()) == ["Pending"]
