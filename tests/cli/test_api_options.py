from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from catalog_sync.cli.api_options import ApiOptions, api_options, resolve_settings


@click.command()
@api_options
def show(api: ApiOptions) -> None:
    settings = resolve_settings(api)
    click.echo(f"{settings.api_url} {settings.parallelism} {settings.read_timeout}")
    click.echo(f"{settings.connect_timeout} {settings.credentials_in_form}")


def test_flags_reach_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDMORE_USERNAME", "u")
    monkeypatch.setenv("CLOUDMORE_PASSWORD", "p")
    monkeypatch.setenv("CLOUDMORE_CLIENT_SECRET", "s")
    monkeypatch.setenv("CLOUDMORE_SELLER_ID", "x")
    args = ["--api-url", "http://127.0.0.1:1", "--parallelism", "3", "--timeout", "7"]
    args += ["--connect-timeout", "2", "--credentials-in-form"]
    result = CliRunner().invoke(show, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["http://127.0.0.1:1 3 7.0", "2.0 True"]
    assert result.stderr == ""


def test_embedded_default_is_announced_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in (
        "CI",
        "CLOUDMORE_API_URL",
        "CLOUDMORE_ENVIRONMENT",
        "CLOUDMORE_USERNAME",
        "CLOUDMORE_PASSWORD",
        "CLOUDMORE_CLIENT_ID",
        "CLOUDMORE_CLIENT_SECRET",
        "CLOUDMORE_SELLER_ID",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(show, [])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("http://embedded-emulator 8 ")
    assert result.stderr.count("built-in emulator") == 1


def test_parallelism_must_be_positive() -> None:
    result = CliRunner().invoke(show, ["--parallelism", "0"])
    assert result.exit_code == 2
    assert "--parallelism" in result.output
