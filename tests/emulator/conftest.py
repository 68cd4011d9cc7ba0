"""Fixtures: an emulator served on 127.0.0.1 and plain httpx clients for it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from catalog_sync.emulator import DEMO, EmulatorConfig, serve_in_thread

SELLER = f"/api/sellers/{DEMO.seller_id}"


def token_form(**overrides: str) -> dict[str, str]:
    form = {
        "grant_type": "password",
        "username": DEMO.username,
        "password": DEMO.password,
        "scope": "api",
    }
    form.update(overrides)
    return form


def get_token(client: httpx.Client) -> str:
    response = client.post(
        "/connect/token", data=token_form(), auth=(DEMO.client_id, DEMO.client_secret)
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


class Api:
    """A plain httpx client with a bearer token and a few shortcuts; not the project's client."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = httpx.Client(base_url=base_url, timeout=10)
        self.http.headers["Authorization"] = f"Bearer {get_token(self.http)}"
        self.http.headers["Accept"] = "application/json"

    def get_json(self, path: str) -> Any:
        response = self.http.get(path)
        assert response.status_code == 200, (path, response.status_code, response.text)
        return response.json()

    def create(self, path: str, body: dict[str, Any]) -> str:
        response = self.http.post(path, json=body)
        assert response.status_code == 201, (path, response.status_code, response.text)
        return response.headers["Location"].rsplit("/", 1)[1]

    def category_id(self, name: str = "Productivity") -> str:
        rows = self.get_json("/api/services/categories")
        return next(str(r["categoryId"]) for r in rows if r["name"] == name)

    def new_service(self, name: str = "Test Service", **fields: Any) -> str:
        body = {"name": name, "categoryIds": [self.category_id()], **fields}
        return self.create(f"{SELLER}/services", body)

    def new_product(self, service_id: str, item_code: str = "p1", **fields: Any) -> str:
        body = {"name": f"Product {item_code}", "itemCode": item_code, "type": "ProductBased"}
        return self.create(f"{SELLER}/services/{service_id}/products", {**body, **fields})


@pytest.fixture
def base_url() -> Iterator[str]:
    with serve_in_thread(EmulatorConfig(seed="empty")) as url:
        yield url


@pytest.fixture
def demo_url() -> Iterator[str]:
    with serve_in_thread(EmulatorConfig(seed="demo")) as url:
        yield url


@pytest.fixture
def api(base_url: str) -> Iterator[Api]:
    client = Api(base_url)
    yield client
    client.http.close()


@pytest.fixture
def admin(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        yield client
