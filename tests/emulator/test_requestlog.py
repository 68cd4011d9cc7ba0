"""The request log: method, path, status, fault and timing; never secrets."""

from __future__ import annotations

import json

import httpx

from catalog_sync.emulator import DEMO
from tests.emulator.conftest import SELLER, Api


def test_log_entries_have_the_documented_fields(api: Api, admin: httpx.Client) -> None:
    api.http.get(f"{SELLER}/services")
    entries = admin.get("/_emulator/requests").json()
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("POST", "/connect/token", 200),
        ("GET", f"{SELLER}/services", 200),
    ]
    assert set(entries[0]) == {
        "seq",
        "method",
        "path",
        "status",
        "fault",
        "startedAt",
        "durationMs",
        "agent",
    }
    assert [e["seq"] for e in entries] == [1, 2]
    assert entries[1]["fault"] is None
    assert entries[1]["startedAt"].endswith("+00:00")


def test_log_never_holds_credentials_tokens_or_bodies(api: Api, admin: httpx.Client) -> None:
    api.new_service("Secret Service Name")
    dumped = json.dumps(admin.get("/_emulator/requests").json())
    token = api.http.headers["Authorization"].split()[1]
    for secret in (DEMO.password, DEMO.client_secret, token, "Secret Service Name"):
        assert secret not in dumped


def test_admin_requests_are_not_logged_and_delete_clears(admin: httpx.Client) -> None:
    admin.get("/_emulator/state")
    assert admin.get("/_emulator/requests").json() == []
    admin.get("/api/healthcheck")
    assert len(admin.get("/_emulator/requests").json()) == 1
    assert admin.delete("/_emulator/requests").status_code == 204
    assert admin.get("/_emulator/requests").json() == []


def test_unknown_paths_and_failures_are_logged_too(admin: httpx.Client) -> None:
    admin.get("/api/nowhere")
    admin.get(f"{SELLER}/services")
    statuses = [e["status"] for e in admin.get("/_emulator/requests").json()]
    assert statuses == [404, 401]
