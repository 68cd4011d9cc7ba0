"""Section 1 of cloudmore-api.md: the token endpoint and bearer authentication."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from catalog_sync.emulator import DEMO, EmulatorConfig, create_app, serve_in_thread
from tests.emulator.conftest import SELLER, get_token, token_form

BASIC = (DEMO.client_id, DEMO.client_secret)


def test_password_grant_with_basic_client_credentials(admin: httpx.Client) -> None:
    response = admin.post("/connect/token", data=token_form(), auth=BASIC)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 86400
    assert "refresh_token" not in body
    _header, payload, signature = body["access_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["exp"] - claims["iat"] == 86400
    assert signature


def test_password_grant_with_client_credentials_as_form_fields(admin: httpx.Client) -> None:
    form = token_form(client_id=DEMO.client_id, client_secret=DEMO.client_secret)
    response = admin.post("/connect/token", data=form)
    assert response.status_code == 200
    assert response.json()["access_token"]


@pytest.mark.parametrize(
    ("field", "value"), [("username", "someone@example.com"), ("password", "wrong")]
)
def test_bad_user_or_password_is_invalid_grant(admin: httpx.Client, field: str, value: str) -> None:
    response = admin.post("/connect/token", data=token_form(**{field: value}), auth=BASIC)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    "client", [(DEMO.client_id, "wrong-secret"), ("other.client", DEMO.client_secret)]
)
def test_bad_client_is_400_invalid_client(admin: httpx.Client, client: tuple[str, str]) -> None:
    response = admin.post("/connect/token", data=token_form(), auth=client)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_client"}
    form = token_form(client_id=client[0], client_secret=client[1])
    assert admin.post("/connect/token", data=form).status_code == 400


def test_other_grant_types_are_refused(admin: httpx.Client) -> None:
    response = admin.post(
        "/connect/token", data=token_form(grant_type="client_credentials"), auth=BASIC
    )
    assert response.status_code == 400
    assert response.json() == {"error": "unsupported_grant_type"}


def test_api_calls_need_a_known_bearer_token(admin: httpx.Client) -> None:
    assert admin.get(f"{SELLER}/services").status_code == 401
    bogus = {"Authorization": "Bearer not-a-token"}
    assert admin.get(f"{SELLER}/services", headers=bogus).status_code == 401
    good = {"Authorization": f"Bearer {get_token(admin)}"}
    assert admin.get(f"{SELLER}/services", headers=good).status_code == 200


def test_revoked_tokens_get_401_and_a_new_grant_works(admin: httpx.Client) -> None:
    old = {"Authorization": f"Bearer {get_token(admin)}"}
    assert admin.post("/_emulator/revoke-tokens").status_code == 204
    assert admin.get("/api/services/categories", headers=old).status_code == 401
    new = {"Authorization": f"Bearer {get_token(admin)}"}
    assert admin.get("/api/services/categories", headers=new).status_code == 200


def test_expired_tokens_get_401() -> None:
    now = [1_000_000.0]
    config = EmulatorConfig(token_lifetime_seconds=60, clock=lambda: now[0])
    with serve_in_thread(config) as url, httpx.Client(base_url=url) as client:
        response = client.post("/connect/token", data=token_form(), auth=BASIC)
        assert response.json()["expires_in"] == 60
        headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
        now[0] += 59
        assert client.get("/api/services/categories", headers=headers).status_code == 200
        now[0] += 1
        assert client.get("/api/services/categories", headers=headers).status_code == 401


def test_healthcheck_answers_200_without_a_token(admin: httpx.Client) -> None:
    assert admin.get("/api/healthcheck").status_code == 200


def test_the_app_runs_in_process_through_asgi_transport() -> None:
    import asyncio

    async def scenario() -> int:
        transport = httpx.ASGITransport(app=create_app(EmulatorConfig(seed="demo")))
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
            token = await client.post("/connect/token", data=token_form(), auth=BASIC)
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            services = await client.get(f"{SELLER}/services", headers=headers)
            return len(services.json())

    assert asyncio.run(scenario()) == 5
