"""The workflow commands end to end: a demo emulator on 127.0.0.1 and the CLI run in-process;
and the composite action's scripts run as a runner would run them."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from ruamel.yaml import YAML

from catalog_sync.cli import main
from catalog_sync.cloudmore import open_read_write
from catalog_sync.emulator import EmulatorConfig, serve_in_thread
from catalog_sync.graph import Kind
from catalog_sync.kinds.addon import AddonBody
from tests.apply.support import use_emulator
from tests.cloudmore.emulator_helpers import demo_settings


@pytest.fixture
def demo_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """A fresh demo emulator per test (the tests write to it), with the CLI pointed at it."""
    monkeypatch.chdir(tmp_path)  # the apply journal goes under the working directory
    with serve_in_thread(EmulatorConfig(seed="demo")) as url:
        use_emulator(monkeypatch, url)
        monkeypatch.delenv("GITHUB_SHA", raising=False)
        yield url


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def set_addon_price(url: str, service: str, product: str, addon: str, price: str) -> None:
    """Change a price as someone in the Cloudmore UI would: through the API."""

    async def change() -> None:
        async with open_read_write(demo_settings(url)) as client:
            found = next(s for s in await client.list(Kind.SERVICE) if s.name == service)
            products = await client.list(Kind.PRODUCT, (found.id,))
            item = next(p for p in products if p.item_code == product)
            addons = await client.list(Kind.ADDON, (found.id, item.id))
            live = next(a for a in addons if a.item_code == addon)
            body = AddonBody.model_validate(live.model_dump(exclude={"id"}))
            body = body.model_copy(update={"price": Decimal(price)})
            await client.replace(Kind.ADDON, (found.id, item.id), live.id, body)

    asyncio.run(change())


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


# The composite action (action.yml) run as a runner runs it: each `run:` step's script with
# bash, its `env:` from the inputs, $GITHUB_OUTPUT, $GITHUB_ENV and $GITHUB_STEP_SUMMARY files,
# and the action's outputs evaluated from the steps' outputs at the end.

REPO = Path(__file__).resolve().parents[1]
ACTION = REPO / "action.yml"
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_STEP_OUTPUT = re.compile(r"steps\.([\w-]+)\.outputs\.([\w-]+)")
_INPUT = re.compile(r"inputs\.([\w-]+)")
# Setting up Python is the runner's business; here the test's own interpreter stands in.
_SKIPPED_USES = ("actions/setup-python@",)
_PYTHON_STUB = '#!/bin/sh\necho "$@" >> "$ACTION_TEST_INSTALLS"\n'


@dataclass(frozen=True)
class ActionRun:
    outputs: dict[str, str]
    """The action's outputs, as a workflow reads them (``steps.ID.outputs.NAME``)."""
    returncode: int
    """0, or the exit code of the step that failed (the steps after it did not run)."""
    stdout: str
    """Every step's standard output: what the runner reads workflow commands from."""
    stderr: str
    summary: str
    """What the job summary holds after the action."""
    installs: list[str]
    """The arguments of each `python` the install step ran (pip is not really run)."""

    def report(self) -> str:
        path = self.outputs.get("report-path", "")
        return Path(path).read_text(encoding="utf-8") if path else ""


def action_metadata() -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe").load(ACTION.read_text(encoding="utf-8"))
    return loaded


def _evaluate(text: str, inputs: Mapping[str, str], steps: Mapping[str, dict[str, str]]) -> str:
    def value(match: re.Match[str]) -> str:
        expression = match.group(1)
        if found := _INPUT.fullmatch(expression):
            return inputs[found.group(1)]
        if found := _STEP_OUTPUT.fullmatch(expression):
            return steps.get(found.group(1), {}).get(found.group(2), "")
        raise AssertionError(f"action.yml uses an expression this runner does not know: {text}")

    return _EXPRESSION.sub(value, str(text))


def _read_commands_file(path: Path) -> dict[str, str]:
    """``NAME=value`` lines and ``NAME<<DELIMITER`` blocks, as $GITHUB_OUTPUT/$GITHUB_ENV."""
    values: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            for item in lines:
                if item == delimiter:
                    break
                block.append(item)
            values[name] = "\n".join(block)
        elif "=" in line:
            name, _, text = line.partition("=")
            values[name] = text
    return values


def run_action(inputs: Mapping[str, str], workspace: Path, scratch: Path) -> ActionRun:
    """Run action.yml's steps with ``inputs`` in ``workspace``; ``scratch`` holds the runner's
    files. The environment is this process's (the CLOUDMORE_* variables a test set)."""
    meta = action_metadata()
    declared: dict[str, dict[str, Any]] = meta["inputs"]
    assert set(inputs) <= set(declared), f"action.yml has no input {set(inputs) - set(declared)}"
    for name, spec in declared.items():
        assert not spec.get("required") or name in inputs, f"input {name} is required"
    values = {
        name: str(inputs.get(name, spec.get("default", ""))) for name, spec in declared.items()
    }

    scratch.mkdir(parents=True, exist_ok=True)
    stub_bin = scratch / "bin"
    stub_bin.mkdir(exist_ok=True)
    (stub_bin / "python").write_text(_PYTHON_STUB, encoding="utf-8")
    (stub_bin / "python").chmod(0o755)
    runner_temp = scratch / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    summary, env_file, installs = (scratch / name for name in ("summary.md", "env", "installs"))
    for path in (summary, env_file, installs):
        path.touch()
    env = {
        **os.environ,
        # The stub `python` first, then the interpreter whose catalog-sync is under test.
        "PATH": os.pathsep.join(
            (str(stub_bin), str(Path(sys.executable).parent), os.environ["PATH"])
        ),
        "GITHUB_ACTION_PATH": str(REPO),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_ENV": str(env_file),
        "RUNNER_TEMP": str(runner_temp),
        "ACTION_TEST_INSTALLS": str(installs),
    }
    steps: dict[str, dict[str, str]] = {}
    stdout, stderr, returncode = [], [], 0
    assert meta["runs"]["using"] == "composite"
    for index, step in enumerate(meta["runs"]["steps"]):
        if "uses" in step:
            assert step["uses"].startswith(_SKIPPED_USES), f"cannot run {step['uses']}"
            continue
        assert step["shell"] == "bash"
        output = scratch / f"output-{index}"
        output.touch()
        step_env = {k: _evaluate(v, values, steps) for k, v in step.get("env", {}).items()}
        script = scratch / f"step-{index}.sh"
        script.write_text(step["run"], encoding="utf-8")
        where = workspace / _evaluate(step.get("working-directory", "."), values, steps)
        done = subprocess.run(
            # What a runner runs for `shell: bash`.
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=where,
            env={**env, **step_env, "GITHUB_OUTPUT": str(output)},
            capture_output=True,
            text=True,
            check=False,
        )
        stdout.append(done.stdout)
        stderr.append(done.stderr)
        if "id" in step:
            steps[step["id"]] = _read_commands_file(output)
        env.update(_read_commands_file(env_file))
        if done.returncode != 0:
            returncode = done.returncode
            break
    outputs = {
        name: _evaluate(spec["value"], values, steps) for name, spec in meta["outputs"].items()
    }
    return ActionRun(
        outputs=outputs,
        returncode=returncode,
        stdout="".join(stdout),
        stderr="".join(stderr),
        summary=summary.read_text(encoding="utf-8"),
        installs=installs.read_text(encoding="utf-8").splitlines(),
    )
