"""No credential in any output, log, journal or error, whatever a server echoes (defect 7)."""

from __future__ import annotations

import logging
import stat
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from catalog_sync.apply.journal import Journal
from catalog_sync.apply.report import OperationResult, Outcome
from catalog_sync.cli import main
from catalog_sync.cloudmore import ApiSettings, load_settings, open_read_write
from catalog_sync.emulator import EmulatorConfig, create_app
from catalog_sync.errors import ApiValidationError, ConfigError
from catalog_sync.graph import Kind
from catalog_sync.kinds.service import ServiceBody
from catalog_sync.plan.model import Action, CatalogRef, Plan, PlanSettings, Summary, Target
from tests.cloudmore.fakes import PASSWORD, SECRET, FakeCloudmore


def _echo_token(request: httpx.Request) -> httpx.Response:
    token = request.headers["Authorization"].removeprefix("Bearer ")
    return httpx.Response(
        400,
        json={"Name": [f"invalid; request had {token}", f"Authorization: Bearer {token}"]},
    )


@pytest.mark.anyio
async def test_a_400_body_echoing_the_token_is_redacted(settings: ApiSettings) -> None:
    api = FakeCloudmore()
    api.add("POST", r"/services$", _echo_token)
    async with open_read_write(settings, transport=api.transport()) as client:
        with pytest.raises(ApiValidationError) as rejected:
            await client.create(Kind.SERVICE, (), ServiceBody(name="New service"))
    (token,) = api.valid_tokens
    shown = str(rejected.value) + repr(rejected.value.reasons)
    assert "rejected (400)" in shown
    assert "[redacted]" in shown
    assert token not in shown


@pytest.mark.anyio
async def test_httpx_logs_no_reason_phrase_secret(
    settings: ApiSettings, caplog: pytest.LogCaptureFixture
) -> None:
    api = FakeCloudmore()

    def echo_in_reason(request: httpx.Request) -> httpx.Response:
        token = request.headers["Authorization"].removeprefix("Bearer ")
        return httpx.Response(
            200, json=[], extensions={"reason_phrase": f"OK {token} {PASSWORD}".encode()}
        )

    api.add("GET", r"/services$", echo_in_reason)
    caplog.set_level(logging.DEBUG)
    async with open_read_write(settings, transport=api.transport()) as client:
        await client.list(Kind.SERVICE)
    (token,) = api.valid_tokens
    logged = caplog.text
    assert "HTTP Request: GET" in logged
    assert token not in logged
    assert PASSWORD not in logged


def test_credentials_in_the_api_url_are_refused_without_echoing_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = {
        "CLOUDMORE_API_URL": "https://someone:hunter2-url-pass@api.example.test",
        "CLOUDMORE_USERNAME": "user@example.com",
        "CLOUDMORE_PASSWORD": PASSWORD,
        "CLOUDMORE_CLIENT_SECRET": SECRET,
        "CLOUDMORE_SELLER_ID": "11111111-1111-4111-8111-111111111111",
    }
    with pytest.raises(ConfigError) as refused:
        load_settings(env=env)
    assert "must not hold credentials" in str(refused.value)
    assert "hunter2-url-pass" not in str(refused.value)

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("CI", raising=False)
    doctor = CliRunner().invoke(main, ["doctor"])
    assert doctor.exit_code == 1
    assert "must not hold credentials" in doctor.output
    assert "hunter2-url-pass" not in doctor.output


def test_journals_are_private_and_redacted(tmp_path: Path) -> None:
    plan = Plan(
        tool_version="0.1.0",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        target=Target(api_url="http://x.test", seller_id="s"),
        catalog=CatalogRef(path="c", digest="d"),
        settings=PlanSettings(),
        changes=(),
        unmanaged=(),
        safety=(),
        summary=Summary(),
    )
    journal = Journal.start(tmp_path, plan)
    journal.result(
        OperationResult(
            address='service["A"]',
            kind=Kind.SERVICE,
            action=Action.CREATE,
            outcome=Outcome.FAILED,
            reason=f"rejected: Bearer abc.def.ghi and password={PASSWORD}",
        )
    )
    journal.close()
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    text = journal.path.read_text(encoding="utf-8")
    assert "abc.def.ghi" not in text
    assert PASSWORD not in text
    assert "[redacted]" in text


def test_the_emulator_state_file_is_private(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    create_app(EmulatorConfig(seed="demo", state_file=state))
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
