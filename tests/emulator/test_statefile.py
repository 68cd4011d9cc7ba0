"""The optional state file: written atomically after every write, loaded at start."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from catalog_sync.emulator import EmulatorConfig, create_app, serve_in_thread
from catalog_sync.emulator.statefile import write_state
from catalog_sync.errors import ConfigError
from tests.emulator.conftest import SELLER, Api


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
