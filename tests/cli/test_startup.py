"""Start-up: what the commands run on every commit (pre-commit) and ``--version`` import.

Structural, not timed (docs/contracts.md, "Start-up"): the modules named here cost most of a
cold start, and a command that does not need them must not import them.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import click
import pytest

from catalog_sync.cli import COMMAND_MODULES, main
from tests.plan.support import EXAMPLE

HEAVY = (
    "httpx",
    "rich",
    "catalog_sync.emulator",
    "catalog_sync.cloudmore.client",
    "asyncio",
    "catalog_sync.plan.model",
)

_PROBE = """
import json, sys
from catalog_sync.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def _imported(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["validate", str(EXAMPLE)],
        ["fmt", "--check", str(EXAMPLE)],
    ],
)
def test_the_commands_run_on_every_commit_import_no_client_emulator_or_rich(
    args: list[str],
) -> None:
    imported = _imported(*args)
    assert "catalog_sync.cli" in imported
    assert not [name for name in HEAVY if name in imported]


def test_version_imports_no_command_module_and_no_models() -> None:
    imported = _imported("--version")
    assert not {m for m in imported if m.startswith("catalog_sync.cli.") and "_cmds" in m}
    assert "pydantic" not in imported


def test_every_command_is_mapped_to_the_module_that_defines_it() -> None:
    defined = {
        command.name: module
        for module in set(COMMAND_MODULES.values())
        for command in importlib.import_module(module).commands
    }
    assert defined == COMMAND_MODULES
    context = click.Context(main)
    assert main.list_commands(context) == sorted(COMMAND_MODULES)
    assert all(main.get_command(context, name) is not None for name in COMMAND_MODULES)
