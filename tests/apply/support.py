"""Shared by the apply tests: an emulator in-process or served, plans, and plain-httpx checks."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result
from starlette.applications import Starlette

from catalog_sync.apply import ApplyOptions, ApplyReport, apply_plan
from catalog_sync.catalog import load_catalog
from catalog_sync.cli import main
from catalog_sync.cloudmore import ApiSettings, ReadWriteClient, RetryPolicy, open_read_write
from catalog_sync.emulator import DEMO, EmulatorConfig, SeedName, create_app, serve_in_thread
from catalog_sync.emulator.operations import enable_currency
from catalog_sync.plan.build import make_plan, target_of
from catalog_sync.plan.model import Plan
from tests.cloudmore.emulator_helpers import IN_PROCESS_URL, demo_settings
from tests.cloudmore.fakes import FakeSleep

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "catalogs" / "example"
SELLER = f"/api/sellers/{DEMO.seller_id}"
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
# Fast retries: the decisions are the client's, only the waiting is shortened.
FAST_RETRIES = RetryPolicy(wait_initial=0.01, wait_max=0.05, wait_jitter=0.01, deadline=30)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def copy_catalog(tmp_path: Path, *, settings: str | None = None) -> Path:
    """A copy of the example catalog; ``settings`` replaces its catalog.yaml settings."""
    target = tmp_path / "catalog"
    shutil.copytree(EXAMPLE, target)
    if settings is not None:
        (target / "catalog.yaml").write_text(settings, encoding="utf-8")
    return target


class InProcess:
    """An emulator app reached through ASGITransport: no sockets, no threads."""

    def __init__(self, seed: SeedName = "empty") -> None:
        self.app: Starlette = create_app(EmulatorConfig(seed=seed))
        self.settings = demo_settings(IN_PROCESS_URL)

    def transport(self) -> httpx.AsyncBaseTransport:
        return httpx.ASGITransport(app=self.app)

    @asynccontextmanager
    async def client(self) -> AsyncIterator[ReadWriteClient]:
        async with open_read_write(
            self.settings,
            transport=self.transport(),
            sleep=FakeSleep(),
            retry_policy=FAST_RETRIES,
        ) as client:
            yield client

    def requests(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self.app.state.emulator.request_log.entries()
        return entries

    def enable_currency(self, service_id: str, code: str) -> None:
        """What Cloudmore's UI does: no API call enables a currency (docs/contracts.md)."""
        enable_currency(self.app.state.emulator.store, service_id, code)


async def plan_with(
    client: ReadWriteClient, settings: ApiSettings, catalog: Path = EXAMPLE
) -> Plan:
    return (
        await make_plan(
            catalog.as_posix(), load_catalog(catalog), client, target_of(settings), now=NOW
        )
    ).plan


async def plan_and_apply(
    client: ReadWriteClient,
    settings: ApiSettings,
    journal_dir: Path,
    catalog: Path = EXAMPLE,
    **options: Any,
) -> tuple[Plan, ApplyReport]:
    plan = await plan_with(client, settings, catalog)
    report = await apply_plan(
        plan, client, target_of(settings), ApplyOptions(journal_dir=journal_dir, **options)
    )
    return plan, report


def natural_keys(http: httpx.Client) -> Counter[str]:
    """Every natural key in the live catalog, counted, read with plain httpx (not our client)."""
    keys: Counter[str] = Counter()
    for broker in _get(http, f"{SELLER}/brokers"):
        keys[f"broker {broker['registrationNumber']}"] += 1
    for service in _get(http, f"{SELLER}/services"):
        keys[f"service {service['name']}"] += 1
        for product in _get(http, f"{SELLER}/services/{service['id']}/products"):
            keys[f"product {service['name']}/{product['itemCode']}"] += 1
            path = f"{SELLER}/services/{service['id']}/products/{product['id']}/addons"
            for addon in _get(http, path):
                keys[f"addon {service['name']}/{product['itemCode']}/{addon['itemCode']}"] += 1
    return keys


def _get(http: httpx.Client, path: str) -> list[dict[str, Any]]:
    response = http.get(path)
    assert response.status_code == 200, (path, response.status_code)
    rows: list[dict[str, Any]] = response.json()
    return rows


TOKEN_FORM = {
    "grant_type": "password",
    "username": DEMO.username,
    "password": DEMO.password,
    "scope": "api",
}
TOKEN_AUTH = (DEMO.client_id, DEMO.client_secret)
"""The demo seller's password grant, for a test's own plain httpx client."""


def api_client(base_url: str) -> httpx.Client:
    """Plain httpx with a bearer token: the test's own view of the emulator."""
    http = httpx.Client(base_url=base_url, timeout=10)
    token = http.post("/connect/token", data=TOKEN_FORM, auth=TOKEN_AUTH)
    assert token.status_code == 200, token.text
    http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    return http


def use_emulator(monkeypatch: pytest.MonkeyPatch, base_url: str) -> None:
    """Point the CLI at a served emulator through the CLOUDMORE_* variables."""
    for name in ("CI", "GITHUB_STEP_SUMMARY", "CLOUDMORE_ENVIRONMENT", "CLOUDMORE_PARALLELISM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {
        "CLOUDMORE_API_URL": base_url,
        "CLOUDMORE_USERNAME": DEMO.username,
        "CLOUDMORE_PASSWORD": DEMO.password,
        "CLOUDMORE_CLIENT_ID": DEMO.client_id,
        "CLOUDMORE_CLIENT_SECRET": DEMO.client_secret,
        "CLOUDMORE_SELLER_ID": DEMO.seller_id,
    }.items():
        monkeypatch.setenv(name, value)


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def writes_after(entries: list[dict[str, Any]], seq: int) -> list[str]:
    """Catalog writes logged after ``seq`` (a token request changes nothing, so it is not one)."""
    return [
        f"{e['method']} {e['path']}"
        for e in entries
        if e["seq"] > seq and e["method"] in WRITE_METHODS and e["path"] != "/connect/token"
    ]


@contextmanager
def served_http(config: EmulatorConfig, monkeypatch: pytest.MonkeyPatch) -> Iterator[httpx.Client]:
    """An emulator served on 127.0.0.1, the CLI pointed at it, and the test's raw client."""
    with serve_in_thread(config) as url:
        use_emulator(monkeypatch, url)
        http = api_client(url)
        try:
            yield http
        finally:
            http.close()
