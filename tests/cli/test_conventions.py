"""The CLI behaves as users of Terraform, octoDNS and pre-commit expect (docs/contracts.md):
exit codes, options after the command, colour conventions, help texts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from catalog_sync.cli import main
from catalog_sync.cli.api_options import ApiOptions, api_options
from catalog_sync.cli.conventions import CatalogSyncGroup
from tests.cli.terminal import child_env, run_in_pty
from tests.plan.support import EXAMPLE

ANSI = b"\x1b["


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found += _commands(command, f"{prefix}{name} ")
    return found


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "--no-such-flag"],
        ["plan", "--format", "yaml"],
        ["plan", "a", "b"],
        ["validate", "--strict=maybe"],
        ["no-such-command"],
        ["emulator", "serve", "--port", "http"],
    ],
)
def test_a_usage_error_exits_1_not_2(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "Error:" in result.output


def test_global_options_work_after_the_subcommand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("CI", "CLOUDMORE_API_URL", "CLOUDMORE_ENVIRONMENT", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["plan", str(EXAMPLE), "--verbose", "--log-level", "info"])
    assert result.exit_code == 0, result.output
    assert "metrics: requests:" in result.stderr
    quiet = CliRunner().invoke(main, ["plan", str(EXAMPLE)])
    assert "metrics:" not in quiet.stderr


def test_no_summary_in_the_group_help_is_cut_off() -> None:
    result = CliRunner().invoke(main, ["--help"], terminal_width=80)
    assert result.exit_code == 0
    commands = result.output.split("Commands:", 1)[1].strip().splitlines()
    assert len(commands) >= 7
    for line in commands:
        assert not line.rstrip().endswith("..."), line
        assert len(line) <= 80, line


def test_every_option_of_every_command_has_help() -> None:
    missing = [
        f"{name} {param.opts[0]}"
        for name, command in [("catalog-sync", main), *_commands(main)]
        for param in command.params
        if isinstance(param, click.Option) and not param.help
    ]
    assert missing == []


def test_plan_help_documents_path_default_exit_codes_and_environment() -> None:
    result = CliRunner().invoke(main, ["plan", "--help"])
    assert "Without it: the catalog" in result.output
    assert "[tool.catalog-sync] section of pyproject.toml" in result.output
    assert "Exit codes:" in result.output
    assert "2    changes present" in result.output
    assert "1    an error, including a usage error" in result.output


def test_every_command_that_talks_to_the_api_lists_the_variables_with_an_example() -> None:
    api_commands = [
        name
        for name, command in _commands(main)
        if any(param.name == "api_url" for param in command.params)
    ]
    assert {"plan", "apply", "doctor"} <= set(api_commands)
    for name in api_commands:
        text = CliRunner().invoke(main, [*name.split(), "--help"]).output
        for variable in ("CLOUDMORE_USERNAME", "CLOUDMORE_CLIENT_SECRET", "CLOUDMORE_SELLER_ID"):
            assert variable in text, (name, variable)
        assert f"catalog-sync {name}" in text.split("Example:", 1)[1], name


def test_empty_no_color_keeps_colour_on_a_terminal(tmp_path: Path) -> None:
    code, output = run_in_pty(["plan", str(EXAMPLE)], child_env(NO_COLOR=""), tmp_path)
    assert code == 0, output
    assert ANSI in output
    code, plain = run_in_pty(["plan", str(EXAMPLE)], child_env(NO_COLOR="1"), tmp_path)
    assert code == 0
    assert ANSI not in plain
    assert b"Plan: 14 to create" in plain
    code, flagged = run_in_pty(["plan", str(EXAMPLE), "--no-color"], child_env(), tmp_path)
    assert code == 0
    assert ANSI not in flagged


def test_force_color_colours_a_pipe(tmp_path: Path) -> None:
    def piped(**env: str) -> bytes:
        done = subprocess.run(
            [sys.executable, "-m", "catalog_sync", "plan", str(EXAMPLE)],
            capture_output=True,
            env=child_env(**env),
            cwd=tmp_path,
            check=True,
            timeout=60,
        )
        return done.stdout

    assert ANSI not in piped()
    assert ANSI in piped(FORCE_COLOR="1")
    assert ANSI not in piped(FORCE_COLOR="")


def test_a_new_command_gets_the_conventions_by_being_added() -> None:
    @click.command()
    @api_options
    def drift(api: ApiOptions) -> None:
        """Compare the live catalog with the files."""

    group = CatalogSyncGroup()
    group.add_command(drift)
    text = CliRunner().invoke(group, ["drift", "--help"]).output
    assert "2    the live catalog drifted from the files" in text
    assert "CLOUDMORE_SELLER_ID" in text
    assert "--no-color" in text
    assert CliRunner().invoke(group, ["drift", "--nope"]).exit_code == 1
