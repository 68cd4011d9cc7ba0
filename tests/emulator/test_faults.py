"""Faults: scripted and probabilistic, every kind, set at start-up and at run time."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from catalog_sync.emulator import ALL_FAULT_KINDS, EmulatorConfig, FaultConfig, ScriptedFault
from catalog_sync.emulator.faults import FaultInjector
from tests.emulator.conftest import SELLER, Api

SERVICES = f"{SELLER}/services"


def set_faults(admin: httpx.Client, **config: Any) -> None:
    response = admin.put("/_emulator/faults", json=config)
    assert response.status_code == 200, response.text


def service_names(api: Api) -> list[str]:
    return [s["name"] for s in api.get_json(SERVICES)]


def create_body(api: Api, name: str) -> dict[str, Any]:
    return {"name": name, "categoryIds": [api.category_id()]}


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("rate_limit", 429),
        ("server_error", 500),
        ("bad_gateway", 502),
        ("unavailable", 503),
        ("gateway_timeout", 504),
        ("unauthorized", 401),
    ],
)
def test_plain_faults_answer_without_committing(
    api: Api, admin: httpx.Client, kind: str, status: int
) -> None:
    body = create_body(api, "Never")
    set_faults(admin, script=[{"method": "POST", "pathPattern": "/services$", "fault": kind}])
    response = api.http.post(SERVICES, json=body)
    assert response.status_code == status
    assert service_names(api) == []
    if kind in ("rate_limit", "unavailable"):
        assert response.headers["Retry-After"] == "1"
    if kind == "unauthorized":
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_retry_after_comes_from_the_config_or_the_script_entry(
    api: Api, admin: httpx.Client
) -> None:
    set_faults(
        admin,
        retryAfterSeconds=7,
        script=[
            {"pathPattern": "categories", "fault": "rate_limit"},
            {"pathPattern": "categories", "fault": "unavailable", "retryAfter": 3},
        ],
    )
    assert api.http.get("/api/services/categories").headers["Retry-After"] == "7"
    assert api.http.get("/api/services/categories").headers["Retry-After"] == "3"


def test_ambiguous_502_commits_the_write_then_answers_502(api: Api, admin: httpx.Client) -> None:
    body = create_body(api, "Committed")
    set_faults(admin, script=[{"method": "POST", "fault": "ambiguous_502"}])
    response = api.http.post(SERVICES, json=body)
    assert response.status_code == 502
    assert service_names(api) == ["Committed"]


def test_ambiguous_drop_commits_the_write_then_drops_the_connection(
    api: Api, admin: httpx.Client
) -> None:
    body = create_body(api, "Dropped")
    set_faults(admin, script=[{"method": "POST", "fault": "ambiguous_drop"}])
    with pytest.raises(httpx.RemoteProtocolError):
        api.http.post(SERVICES, json=body)
    assert service_names(api) == ["Dropped"]
    log = admin.get("/_emulator/requests").json()
    posts = [(e["status"], e["fault"]) for e in log if e["path"] == SERVICES]
    assert posts[-2:] == [(201, "ambiguous_drop"), (200, None)]


def test_hang_outlasts_a_client_timeout(api: Api, admin: httpx.Client) -> None:
    set_faults(admin, hangSeconds=0.5, script=[{"pathPattern": "categories", "fault": "hang"}])
    with pytest.raises(httpx.ReadTimeout):
        api.http.get("/api/services/categories", timeout=0.1)


def test_hang_answers_normally_after_hang_seconds(api: Api, admin: httpx.Client) -> None:
    set_faults(admin, hangSeconds=0.2, script=[{"pathPattern": "categories", "fault": "hang"}])
    assert api.http.get("/api/services/categories").status_code == 200
    entry = admin.get("/_emulator/requests").json()[-1]
    assert entry["fault"] == "hang"
    assert entry["durationMs"] >= 200


def test_script_counts_and_method_filter(api: Api, admin: httpx.Client) -> None:
    service_id = api.new_service()
    product_id = api.new_product(service_id, "payg", type="Metered")
    addons = f"{SERVICES}/{service_id}/products/{product_id}/addons"
    set_faults(
        admin,
        script=[{"method": "POST", "pathPattern": "/addons$", "fault": "server_error", "count": 2}],
    )
    assert api.http.get(addons).status_code == 200
    statuses = [
        api.http.post(addons, json={"name": f"a{i}", "itemCode": f"a{i}"}).status_code
        for i in range(3)
    ]
    assert statuses == [500, 500, 201]


def test_scripted_faults_reach_the_token_endpoint(api: Api, admin: httpx.Client) -> None:
    set_faults(admin, script=[{"pathPattern": "^/connect/token$", "fault": "unavailable"}])
    assert api.http.post("/connect/token", data={}).status_code == 503


def test_probabilistic_faults_only_touch_api_paths(api: Api, admin: httpx.Client) -> None:
    set_faults(admin, rate=1.0, kinds=["server_error"])
    assert api.http.get("/api/services/categories").status_code == 500
    token = api.http.post("/connect/token", data={"grant_type": "password"})
    assert token.status_code in (400, 401)
    assert admin.get("/_emulator/state").status_code == 200


def test_faults_configured_at_start_up() -> None:
    from catalog_sync.emulator import serve_in_thread

    script = (ScriptedFault(path_pattern="healthcheck", fault="bad_gateway"),)
    with serve_in_thread(EmulatorConfig(faults=FaultConfig(script=script))) as url:
        assert httpx.get(f"{url}/api/healthcheck").status_code == 502
        assert httpx.get(f"{url}/api/healthcheck").status_code == 200


def test_latency_delays_every_request(api: Api, admin: httpx.Client) -> None:
    set_faults(admin, latencyMs=100, jitterMs=50)
    api.http.get("/api/services/categories")
    entry = admin.get("/_emulator/requests").json()[-1]
    assert entry["durationMs"] >= 100


def test_fault_config_round_trips_and_rejects_nonsense(admin: httpx.Client) -> None:
    set_faults(admin, rate=0.5, kinds=["hang"], randomSeed=3)
    current = admin.get("/_emulator/faults").json()
    assert (current["rate"], current["kinds"], current["randomSeed"]) == (0.5, ["hang"], 3)
    assert admin.put("/_emulator/faults", json={"rate": 2}).status_code == 400
    assert admin.put("/_emulator/faults", json={"kinds": ["meteor"]}).status_code == 400


@pytest.fixture
def decisions() -> list[str | None]:
    config = FaultConfig(rate=0.3, random_seed=42, jitter_ms=10)
    injector = FaultInjector(config)
    return [injector.decide("POST", "/api/x").kind for _ in range(200)]


def test_probabilistic_faults_are_reproducible(decisions: list[str | None]) -> None:
    again = FaultInjector(FaultConfig(rate=0.3, random_seed=42, jitter_ms=10))
    assert [again.decide("POST", "/api/x").kind for _ in range(200)] == decisions
    assert set(decisions) == {None, *ALL_FAULT_KINDS}
    other = FaultInjector(FaultConfig(rate=0.3, random_seed=43, jitter_ms=10))
    assert [other.decide("POST", "/api/x").kind for _ in range(200)] != decisions
