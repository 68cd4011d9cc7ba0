"""``catalog-sync doctor`` against a served emulator, the embedded default, and failures."""

from __future__ import annotations

import logging
import os
import select
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result

from catalog_sync.cli import main
from catalog_sync.emulator import DEMO, DemoCredentials, EmulatorConfig, serve_in_thread

PASSWORD = "Pa55word-that-must-never-print"
CLIENT_SECRET = "client-secret-that-must-never-print"
CUSTOM = DemoCredentials(username="ops@example.com", password=PASSWORD, client_secret=CLIENT_SECRET)
JWT_PREFIX = "eyJ"  # base64 of '{"': the start of every JWT the emulator issues


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in [
        "CI",
        "CLOUDMORE_API_URL",
        "CLOUDMORE_ENVIRONMENT",
        "CLOUDMORE_USERNAME",
        "CLOUDMORE_PASSWORD",
        "CLOUDMORE_CLIENT_ID",
        "CLOUDMORE_CLIENT_SECRET",
        "CLOUDMORE_SELLER_ID",
        "CLOUDMORE_PARALLELISM",
        "CLOUDMORE_READ_TIMEOUT",
        "CLOUDMORE_CONNECT_TIMEOUT",
        "CLOUDMORE_CREDENTIALS_IN_FORM",
        "CATALOG_SYNC_LOG_LEVEL",
    ]:
        monkeypatch.delenv(name, raising=False)
    # Never leave an embedded state file in the repository.
    monkeypatch.chdir(tmp_path)


def _use(monkeypatch: pytest.MonkeyPatch, base_url: str, creds: DemoCredentials = DEMO) -> None:
    monkeypatch.setenv("CLOUDMORE_API_URL", base_url)
    monkeypatch.setenv("CLOUDMORE_USERNAME", creds.username)
    monkeypatch.setenv("CLOUDMORE_PASSWORD", creds.password)
    monkeypatch.setenv("CLOUDMORE_CLIENT_SECRET", creds.client_secret)
    monkeypatch.setenv("CLOUDMORE_SELLER_ID", creds.seller_id)


@pytest.fixture
def demo_url() -> Iterator[str]:
    with serve_in_thread(EmulatorConfig(seed="demo")) as base_url:
        yield base_url


def _doctor(*args: str) -> Result:
    return CliRunner().invoke(main, [*args, "doctor"])


def _lines(result: Result) -> list[str]:
    return result.stdout.splitlines()


def test_doctor_passes_against_the_served_demo(
    monkeypatch: pytest.MonkeyPatch, demo_url: str
) -> None:
    _use(monkeypatch, demo_url)
    result = _doctor()
    assert result.exit_code == 0, result.output
    lines = _lines(result)
    assert [line.split()[0] for line in lines] == ["ok", "ok", "ok", "ok"]
    assert lines[0].startswith("ok    configuration  " + demo_url)
    assert "healthcheck" in lines[1]
    assert "token obtained" in lines[2]
    assert lines[3].endswith(f"seller {DEMO.seller_id}: 5 services")
    assert "metrics:" not in result.stderr


def test_verbose_shows_the_metrics(monkeypatch: pytest.MonkeyPatch, demo_url: str) -> None:
    _use(monkeypatch, demo_url)
    result = _doctor("--verbose")
    assert result.exit_code == 0, result.output
    assert "metrics: requests: 3 (GET 200: 2, POST 200: 1)" in result.stderr
    assert "metrics: token requests: 1" in result.stderr


def test_wrong_password_fails_the_credentials_check(
    monkeypatch: pytest.MonkeyPatch, demo_url: str
) -> None:
    _use(monkeypatch, demo_url)
    monkeypatch.setenv("CLOUDMORE_PASSWORD", "wrong")
    result = _doctor()
    assert result.exit_code == 1
    lines = _lines(result)
    assert lines[2].startswith("FAIL  credentials    POST /connect/token: ")
    assert "invalid_grant" in lines[2]
    assert "CLOUDMORE_PASSWORD" in lines[2]
    assert lines[3].startswith("skip  seller access")


def test_unreachable_url_fails_the_reachability_check(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # The socket is closed again: nothing listens on that port now.
    _use(monkeypatch, f"http://127.0.0.1:{port}")
    result = _doctor()
    assert result.exit_code == 1
    lines = _lines(result)
    assert lines[1].startswith("FAIL  reachability   GET /api/healthcheck: could not connect")
    assert [line.split()[0] for line in lines[2:]] == ["skip", "skip"]


def test_wrong_seller_fails_the_seller_access_check(
    monkeypatch: pytest.MonkeyPatch, demo_url: str
) -> None:
    _use(monkeypatch, demo_url)
    monkeypatch.setenv("CLOUDMORE_SELLER_ID", "22222222-2222-4222-8222-222222222222")
    result = _doctor()
    assert result.exit_code == 1
    lines = _lines(result)
    assert [line.split()[0] for line in lines] == ["ok", "ok", "ok", "FAIL"]
    assert "forbidden (403)" in lines[3]
    assert "CLOUDMORE_SELLER_ID" in lines[3]


def test_unknown_environment_fails_the_configuration_check() -> None:
    result = CliRunner().invoke(main, ["doctor", "--environment", "us"])
    assert result.exit_code == 1
    assert _lines(result)[0].startswith("FAIL  configuration")
    assert "--api-url" in _lines(result)[0]


def _everything(
    result: Result, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> str:
    captured = capfd.readouterr()
    return "\n".join(
        [
            result.stdout,
            result.stderr,
            caplog.text,
            captured.out,
            captured.err,
            repr(result.exception),
        ]
    )


def _assert_no_secret(text: str) -> None:
    assert PASSWORD not in text
    assert CLIENT_SECRET not in text
    assert JWT_PREFIX not in text
    assert "Bearer ey" not in text


def test_debug_output_of_a_full_run_shows_no_secret(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    with serve_in_thread(EmulatorConfig(seed="demo", credentials=CUSTOM)) as base_url:
        _use(monkeypatch, base_url, CUSTOM)
        result = CliRunner().invoke(main, ["--verbose", "--log-level", "debug", "doctor"])
    assert result.exit_code == 0, result.output
    text = _everything(result, caplog, capfd)
    assert "/connect/token" in text  # debug logging really was on
    _assert_no_secret(text)


def test_debug_output_with_a_failing_token_endpoint_shows_no_secret(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    with serve_in_thread(EmulatorConfig(seed="demo", credentials=CUSTOM)) as base_url:
        fault = {
            "method": "POST",
            "pathPattern": "/connect/token",
            "fault": "server_error",
            "count": 99,  # a single 500 is retried: the token endpoint must keep failing
        }
        httpx.put(f"{base_url}/_emulator/faults", json={"script": [fault]}).raise_for_status()
        _use(monkeypatch, base_url, CUSTOM)
        failing = CliRunner().invoke(main, ["--verbose", "--log-level", "debug", "doctor"])
        httpx.put(f"{base_url}/_emulator/faults", json={}).raise_for_status()
        monkeypatch.setenv("CLOUDMORE_CLIENT_SECRET", CLIENT_SECRET + "-wrong")
        refused = CliRunner().invoke(main, ["--verbose", "--log-level", "debug", "doctor"])
    assert failing.exit_code == 1
    assert "FAIL  credentials    POST /connect/token: server error (500)" in failing.stdout
    assert refused.exit_code == 1
    assert "invalid_client" in refused.stdout
    text = _everything(failing, caplog, capfd) + _everything(refused, caplog, capfd)
    _assert_no_secret(text)


def test_without_configuration_the_embedded_emulator_is_used_and_announced(
    tmp_path: Path,
) -> None:
    result = _doctor()
    assert result.exit_code == 0, result.output
    assert result.stderr.count("built-in emulator") == 1
    assert _lines(result)[0].startswith("ok    configuration  built-in emulator")
    assert _lines(result)[3].endswith("5 services")
    assert (tmp_path / ".catalog-sync" / "emulator-state.json").is_file()


def test_under_ci_a_missing_configuration_is_an_error_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CI", "true")
    result = _doctor()
    assert result.exit_code == 1
    first = _lines(result)[0]
    assert first.startswith("FAIL  configuration")
    assert "CLOUDMORE_API_URL" in first
    assert "CLOUDMORE_PASSWORD" in first
    assert not (tmp_path / ".catalog-sync").exists()


def test_doctor_passes_against_catalog_sync_emulator_serve(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    command = [sys.executable, "-m", "catalog_sync", "emulator", "serve", "--seed", "demo"]
    server = subprocess.Popen(
        [*command, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert server.stdout is not None
        ready, _, _ = select.select([server.stdout], [], [], 30)
        assert ready, "the emulator did not start"
        first = server.stdout.readline()
        assert first.startswith("Cloudmore emulator listening on "), first
        _use(monkeypatch, first.rsplit(" ", 1)[1].strip())
        result = _doctor()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert result.exit_code == 0, result.output
    assert _lines(result)[3].endswith("5 services")
