"""Admin endpoints: reset, state dump."""

from __future__ import annotations

import httpx

from tests.emulator.conftest import SELLER, Api


def test_reset_switches_seeds_and_empties_the_catalog(api: Api, admin: httpx.Client) -> None:
    api.new_service("Mine")
    assert admin.post("/_emulator/reset", json={"seed": "demo"}).status_code == 204
    names = [s["name"] for s in api.get_json(f"{SELLER}/services")]
    assert "Google Workspace" in names
    assert "Mine" not in names
    assert admin.post("/_emulator/reset").status_code == 204
    assert api.get_json(f"{SELLER}/services") == []
    assert api.get_json("/api/services/categories") != []


def test_reset_refuses_an_unknown_seed(admin: httpx.Client) -> None:
    assert admin.post("/_emulator/reset", json={"seed": "full"}).status_code == 400


def test_state_dump_holds_the_whole_store(api: Api, admin: httpx.Client) -> None:
    service_id = api.new_service()
    product_id = api.new_product(service_id)
    state = admin.get("/_emulator/state").json()
    assert [s["id"] for s in state["services"]] == [service_id]
    assert state["products"][0]["id"] == product_id
    assert state["products"][0]["_serviceId"] == service_id
    assert len(state["countries"]) == 249
